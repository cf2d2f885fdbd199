/* test-source-files.c: image folders, CSVs and zips, their bad input, split stability,
 * the cache, augmentation through the loader, and a folder export of Fashion-MNIST
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-dataset.h"
#include "strata-dataset-private.h"
#include "strata-predict.h"
#include "strata-test-images.h"
#include "strata-test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  fixture->dir = test_make_tmp_dir ();
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static char *
path_in (Fixture    *fixture,
         const char *first,
         ...)
{
  va_list args;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;

  g_ptr_array_add (parts, fixture->dir);
  va_start (args, first);
  for (part = first; part; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (char *) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

/* Writes @n images into DIR/CLASS/, PNG and JPEG in turn, each with its own pattern. */
static void
write_class (const char *root,
             const char *class_name,
             guint       first,
             guint       n,
             guint32     seed)
{
  g_autofree char *dir = g_build_filename (root, class_name, NULL);

  g_mkdir_with_parents (dir, 0755);
  for (guint i = first; i < first + n; i++)
    {
      gboolean png = i % 2 == 0;
      g_autofree char *name = g_strdup_printf ("%03u.%s", i, png ? "png" : "jpg");
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (40 + i % 7, 30 + i % 5, seed * 1000 + i);

      test_save_pixbuf (pixbuf, path, png ? "png" : "jpeg");
    }
}

static StrataDatasetSettings *
settings_for (StrataSourceKind  kind,
              const char       *path)
{
  return g_object_new (STRATA_TYPE_DATASET_SETTINGS,
                       "source-kind", kind,
                       "source-path", path,
                       "image-width", 16,
                       "image-height", 12,
                       "image-channels", 3,
                       "cache-mode", STRATA_CACHE_NONE,
                       NULL);
}

static StrataDataset *
open_ok (StrataDatasetSettings *settings,
         const char            *base_dir)
{
  g_autoptr(GError) error = NULL;
  StrataDataset *dataset = strata_dataset_open (settings, base_dir, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dataset);
  return dataset;
}

static guint
total_items (StrataDataset *dataset)
{
  return strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN) +
         strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION) +
         strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST);
}

static gboolean
problems_mention (StrataDataset *dataset,
                  const char    *text,
                  guint         *count)
{
  g_auto(GStrv) problems = strata_dataset_dup_problems (dataset);
  guint n = 0;

  for (guint i = 0; problems[i]; i++)
    if (strstr (problems[i], text))
      n++;
  if (count)
    *count = n;
  return n > 0;
}

/* name → split, for every item */
static GHashTable *
split_of_names (StrataDataset *dataset)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (dataset, s); i++)
      g_hash_table_insert (table, strata_dataset_dup_item_name (dataset, s, i),
                           GINT_TO_POINTER (s + 1));
  return table;
}

/* Folders ------------------------------------------------------------------------------------ */

static void
test_folder (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "photos", NULL);
  g_autofree char *notes = path_in (fixture, "photos", "cat", "notes.txt", NULL);
  g_autofree char *hidden = path_in (fixture, "photos", "dog", ".DS_Store", NULL);
  g_autofree char *loose = path_in (fixture, "photos", "loose.png", NULL);
  g_autofree char *empty = path_in (fixture, "photos", "empty", NULL);
  g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (10, 10, 1);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  const char * const *classes;
  guint counts[3] = { 0 };

  write_class (root, "dog", 0, 12, 1);
  write_class (root, "cat", 0, 12, 2);
  write_class (root, "\xc3\xa9mu", 0, 12, 3);   /* "ému" */
  g_file_set_contents (notes, "not an image", -1, NULL);
  g_file_set_contents (hidden, "junk", -1, NULL);
  test_save_pixbuf (pixbuf, loose, "png");
  g_mkdir_with_parents (empty, 0755);

  settings = settings_for (STRATA_SOURCE_FOLDER, "photos");
  dataset = open_ok (settings, fixture->dir);

  classes = strata_dataset_get_class_names (dataset);
  g_assert_cmpuint (strata_dataset_get_n_classes (dataset), ==, 3);
  g_assert_cmpstr (classes[0], ==, "cat");
  g_assert_cmpstr (classes[1], ==, "dog");
  g_assert_cmpstr (classes[2], ==, "\xc3\xa9mu");
  g_assert_cmpuint (total_items (dataset), ==, 36);

  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (dataset, s); i++)
      {
        g_autofree char *name = strata_dataset_dup_item_name (dataset, s, i);
        gint32 label = strata_dataset_get_label (dataset, s, i);

        g_assert_true (g_str_has_prefix (name, classes[label]));
        g_assert_cmpint (name[strlen (classes[label])], ==, '/');
        counts[label]++;
      }
  g_assert_cmpuint (counts[0], ==, 12);
  g_assert_cmpuint (counts[2], ==, 12);

  g_assert_true (problems_mention (dataset, "“empty”", NULL));
  g_assert_true (problems_mention (dataset, "beside the class folders", NULL));
  g_assert_false (problems_mention (dataset, "notes", NULL));
}

static void
test_split_stable (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "data", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) before = NULL;
  g_autoptr(StrataDataset) after = NULL;
  g_autoptr(GHashTable) old_splits = NULL;
  g_autoptr(GHashTable) new_splits = NULL;
  GHashTableIter iter;
  gpointer name, split;
  g_autofree char *original = path_in (fixture, "data", "a", "004.png", NULL);
  g_autofree char *copy = path_in (fixture, "data", "a", "copy-of-004.png", NULL);
  g_autofree char *contents = NULL;
  gsize size;
  guint moved = 0, n_validation, n_test;

  write_class (root, "a", 0, 60, 1);
  write_class (root, "b", 0, 60, 2);
  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  g_object_set (settings, "validation-fraction", 0.15, "test-fraction", 0.15, NULL);
  before = open_ok (settings, NULL);
  old_splits = split_of_names (before);

  /* 70/15/15 of 120 on average: 18 validation, 18 test */
  n_validation = strata_dataset_get_n_items (before, STRATA_SPLIT_VALIDATION);
  n_test = strata_dataset_get_n_items (before, STRATA_SPLIT_TEST);
  g_test_message ("validation %u, test %u", n_validation, n_test);
  g_assert_cmpuint (n_validation, >=, 6);
  g_assert_cmpuint (n_validation, <=, 32);
  g_assert_cmpuint (n_test, >=, 6);
  g_assert_cmpuint (n_test, <=, 32);

  /* more images, and an exact copy of one under another name */
  write_class (root, "a", 60, 40, 1);
  write_class (root, "b", 60, 40, 2);
  write_class (root, "c", 0, 30, 3);
  g_assert_true (g_file_get_contents (original, &contents, &size, NULL));
  g_assert_true (g_file_set_contents (copy, contents, size, NULL));

  after = open_ok (settings, NULL);
  new_splits = split_of_names (after);
  g_assert_cmpuint (g_hash_table_size (new_splits), ==, 120 + 110 + 1);
  g_hash_table_iter_init (&iter, old_splits);
  while (g_hash_table_iter_next (&iter, &name, &split))
    moved += g_hash_table_lookup (new_splits, name) != split;
  g_assert_cmpuint (moved, ==, 0);
  g_assert_true (g_hash_table_lookup (new_splits, "a/004.png") ==
                 g_hash_table_lookup (new_splits, "a/copy-of-004.png"));
}

static void
test_split_by_count (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "data", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  guint counts[2];

  write_class (root, "a", 0, 30, 1);
  write_class (root, "b", 0, 10, 2);
  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  g_object_set (settings, "split-by", STRATA_SPLIT_BY_COUNT, "validation-count", 8,
                "test-count", 4, NULL);
  dataset = open_ok (settings, NULL);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION), ==, 8);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST), ==, 4);
  /* shared out by class size: 3 : 1 */
  strata_dataset_count_classes (dataset, STRATA_SPLIT_VALIDATION, counts);
  g_assert_cmpuint (counts[0], ==, 6);
  g_assert_cmpuint (counts[1], ==, 2);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_TEST, counts);
  g_assert_cmpuint (counts[0], ==, 3);
  g_assert_cmpuint (counts[1], ==, 1);
}

/* CSV ------------------------------------------------------------------------------------------ */

static void
write_csv_images (Fixture *fixture)
{
  g_autofree char *dir = path_in (fixture, "imgs", NULL);

  write_class (dir, "x", 0, 8, 4);
}

static void
test_csv (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *csv = path_in (fixture, "labels.csv", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GHashTable) names = NULL;
  const char *text =
    "Filename,Label\r\n"
    "imgs/x/000.png,red\r\n"
    "imgs/x/001.jpg,\"big, blue\"\r\n"
    "\r\n"
    "imgs/x/002.png,red\r\n"
    "imgs/x/003.jpg,  \r\n"                 /* empty label */
    "imgs/x/missing.png,red\r\n"            /* no such file */
    "imgs/x/002.png,red\r\n"                /* listed again */
    "./imgs/x/004.png,\"big, blue\"\r\n"
    "imgs/x/005.jpg\r\n";                   /* one field */
  guint n;

  write_csv_images (fixture);
  g_assert_true (g_file_set_contents (csv, text, -1, NULL));
  settings = settings_for (STRATA_SOURCE_CSV, "labels.csv");
  g_object_set (settings, "validation-fraction", 0.0, "test-fraction", 0.0, NULL);
  dataset = open_ok (settings, fixture->dir);

  g_assert_cmpuint (total_items (dataset), ==, 4);
  g_assert_cmpstr (strata_dataset_get_class_names (dataset)[0], ==, "big, blue");
  g_assert_cmpstr (strata_dataset_get_class_names (dataset)[1], ==, "red");
  names = split_of_names (dataset);
  g_assert_true (g_hash_table_contains (names, "./imgs/x/004.png"));
  g_assert_true (problems_mention (dataset, "line 6: “imgs/x/003.jpg” has an empty label", NULL));
  g_assert_true (problems_mention (dataset, "line 7: “imgs/x/missing.png” does not exist", NULL));
  g_assert_true (problems_mention (dataset, "line 8: “imgs/x/002.png” was already listed on line 5",
                                   NULL));
  g_assert_true (problems_mention (dataset, "line 10: too few fields", NULL));
  problems_mention (dataset, "labels.csv", &n);
  g_assert_cmpuint (n, ==, 4);
}

static void
test_csv_variants (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *csv = path_in (fixture, "list.txt", NULL);
  g_autoptr(GError) error = NULL;

  write_csv_images (fixture);

  /* semicolons, no header */
  {
    g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_CSV, csv);
    g_autoptr(StrataDataset) dataset = NULL;

    g_file_set_contents (csv, "imgs/x/000.png;a\nimgs/x/001.jpg;b\nimgs/x/002.png;a\n", -1,
                         NULL);
    dataset = open_ok (settings, NULL);
    g_assert_cmpuint (total_items (dataset), ==, 3);
  }

  /* tabs, a header that names the columns the other way round */
  {
    g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_CSV, csv);
    g_autoptr(StrataDataset) dataset = NULL;

    g_file_set_contents (csv, "class\tid\tpath\na\t1\timgs/x/000.png\nb\t2\timgs/x/001.jpg\n", -1,
                         NULL);
    dataset = open_ok (settings, NULL);
    g_assert_cmpuint (total_items (dataset), ==, 2);
    g_assert_cmpstr (strata_dataset_get_class_names (dataset)[1], ==, "b");
  }

  /* columns chosen by name; a name that isn't there */
  {
    g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_CSV, csv);
    g_autoptr(StrataDataset) dataset = NULL;

    g_file_set_contents (csv, "kind,picture\ncat,imgs/x/000.png\ndog,imgs/x/001.jpg\n", -1, NULL);
    g_object_set (settings, "filename-column", "picture", "label-column", "kind", NULL);
    dataset = open_ok (settings, NULL);
    g_assert_cmpuint (total_items (dataset), ==, 2);
    g_clear_object (&dataset);

    g_object_set (settings, "label-column", "species", NULL);
    dataset = strata_dataset_open (settings, NULL, NULL, &error);
    g_assert_null (dataset);
    g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "species"));
    g_clear_error (&error);
  }

  /* Windows-1252 text: "café" */
  {
    g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_CSV, csv);
    g_autoptr(StrataDataset) dataset = NULL;

    g_file_set_contents (csv, "imgs/x/000.png,caf\xe9\nimgs/x/001.jpg,tea\n", -1, NULL);
    dataset = open_ok (settings, NULL);
    g_assert_cmpstr (strata_dataset_get_class_names (dataset)[0], ==, "caf\xc3\xa9");
  }

  /* a label outside the project's classes */
  {
    g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_CSV, csv);
    const char *classes[] = { "cat", "dog", NULL };
    g_autoptr(StrataDataset) dataset = NULL;

    g_file_set_contents (csv, "imgs/x/000.png,cat\nimgs/x/001.jpg,dog\nimgs/x/002.png,cow\n", -1,
                         NULL);
    g_object_set (settings, "class-names", classes, NULL);
    dataset = strata_dataset_open (settings, NULL, NULL, &error);
    g_assert_null (dataset);
    g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "“cow”"));
    g_clear_error (&error);
  }

  /* one column; binary; unclosed quote */
  {
    static const char * const bad[] = { "imgs/x/000.png\nimgs/x/001.jpg\n", "\x89PNG\r\n\x1a\n\0\0",
                                        "imgs/x/000.png,\"cat\nimgs/x/001.jpg,dog\n" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_CSV, csv);
        g_autoptr(StrataDataset) dataset = NULL;

        g_file_set_contents (csv, bad[i], i == 1 ? 10 : -1, NULL);
        dataset = strata_dataset_open (settings, NULL, NULL, &error);
        g_assert_null (dataset);
        g_test_message ("%s", error->message);
        g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "list.txt"));
        g_clear_error (&error);
      }
  }
}

/* Zip ------------------------------------------------------------------------------------------ */

static GBytes *
file_bytes (const char *path)
{
  char *contents = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  return g_bytes_new_take (contents, size);
}

static void
assert_same_images (StrataDataset *a,
                    StrataDataset *b)
{
  gsize floats = strata_dataset_get_image_n_floats (a);
  g_autofree float *x = g_new (float, floats);
  g_autofree float *y = g_new (float, floats);
  g_autoptr(GHashTable) index_b = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpuint (total_items (a), ==, total_items (b));
  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (b, s); i++)
      g_hash_table_insert (index_b, strata_dataset_dup_item_name (b, s, i),
                           GUINT_TO_POINTER ((s << 24) + i + 1));
  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (a, s); i++)
      {
        g_autofree char *name = strata_dataset_dup_item_name (a, s, i);
        guint where = GPOINTER_TO_UINT (g_hash_table_lookup (index_b, name));

        g_assert_cmpuint (where, !=, 0);
        g_assert_cmpint (where >> 24, ==, s);
        g_assert_true (strata_dataset_load_image (a, s, i, 0, 0, FALSE, x, NULL));
        g_assert_true (strata_dataset_load_image (b, s, (where & 0xffffff) - 1, 0, 0, FALSE, y,
                                                  NULL));
        g_assert_cmpmem (x, floats * sizeof (float), y, floats * sizeof (float));
        g_assert_cmpstr (strata_dataset_get_class_names (a)[strata_dataset_get_label (a, s, i)],
                         ==,
                         strata_dataset_get_class_names (b)[strata_dataset_get_label (
                           b, s, (where & 0xffffff) - 1)]);
      }
}

static void
test_zip_folders (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "soda", NULL);
  g_autofree char *zip = path_in (fixture, "soda.zip", NULL);
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (TestZipEntry));
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) keep_bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(StrataDatasetSettings) folder_settings = NULL;
  g_autoptr(StrataDatasetSettings) zip_settings = NULL;
  g_autoptr(StrataDataset) from_folder = NULL;
  g_autoptr(StrataDataset) from_zip = NULL;
  const char *classes[] = { "cola", "fanta" };

  write_class (root, "cola", 0, 7, 1);
  write_class (root, "fanta", 0, 7, 2);
  for (guint c = 0; c < 2; c++)
    for (guint i = 0; i < 7; i++)
      {
        g_autofree char *file = g_strdup_printf ("%03u.%s", i, i % 2 ? "jpg" : "png");
        char *name = g_strdup_printf ("soda/%s/%s", classes[c], file);
        g_autofree char *path = g_build_filename (root, classes[c], file, NULL);
        GBytes *bytes = file_bytes (path);
        TestZipEntry e = { name, bytes, i % 3 != 0 };

        g_ptr_array_add (keep, name);
        g_ptr_array_add (keep_bytes, bytes);
        g_array_append_val (entries, e);
      }
  {
    GBytes *junk = g_bytes_new_static ("junk", 4);
    TestZipEntry extra[] = {
      { "soda/", NULL, FALSE },
      { "__MACOSX/soda/cola/._000.png", junk, FALSE },
      { "soda/cola/.hidden.png", junk, FALSE },
      { "soda/../evil.png", g_ptr_array_index (keep_bytes, 0), FALSE },
      { "/abs/cola/x.png", g_ptr_array_index (keep_bytes, 0), TRUE },
    };

    g_ptr_array_add (keep_bytes, junk);
    g_array_append_vals (entries, extra, G_N_ELEMENTS (extra));
  }
  test_write_zip (zip, (TestZipEntry *) entries->data, entries->len);

  folder_settings = settings_for (STRATA_SOURCE_FOLDER, root);
  zip_settings = settings_for (STRATA_SOURCE_ZIP, zip);
  from_folder = open_ok (folder_settings, NULL);
  from_zip = open_ok (zip_settings, NULL);

  g_assert_cmpuint (total_items (from_zip), ==, 14);
  g_assert_true (problems_mention (from_zip, "soda/../evil.png", NULL));
  g_assert_true (problems_mention (from_zip, "/abs/cola/x.png", NULL));
  /* same names, same splits (the content decides), same pixels */
  assert_same_images (from_folder, from_zip);
}

static void
test_zip_csv (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *zip = path_in (fixture, "upload.zip", NULL);
  g_autoptr(GdkPixbuf) p1 = test_pixbuf_pattern (20, 20, 1);
  g_autoptr(GdkPixbuf) p2 = test_pixbuf_pattern (20, 20, 2);
  g_autofree char *f1 = path_in (fixture, "1.png", NULL);
  g_autofree char *f2 = path_in (fixture, "2.png", NULL);
  g_autoptr(GBytes) b1 = NULL;
  g_autoptr(GBytes) b2 = NULL;
  g_autoptr(GBytes) csv = g_bytes_new_static ("Filename,Label\n"
                                              "img/1.png,up\n"
                                              "./img/2.png,down\n"
                                              "../../etc/passwd,up\n"
                                              "img/3.png,down\n", 78);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;

  test_save_pixbuf (p1, f1, "png");
  test_save_pixbuf (p2, f2, "png");
  b1 = file_bytes (f1);
  b2 = file_bytes (f2);
  {
    TestZipEntry entries[] = {
      { "data/labels.csv", csv, TRUE },
      { "data/img/1.png", b1, TRUE },
      { "data/img/2.png", b2, FALSE },
    };

    test_write_zip (zip, entries, G_N_ELEMENTS (entries));
  }
  settings = settings_for (STRATA_SOURCE_ZIP, zip);
  g_object_set (settings, "validation-fraction", 0.0, "test-fraction", 0.0, NULL);
  dataset = open_ok (settings, NULL);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN), ==, 2);
  g_assert_true (problems_mention (dataset, "“../../etc/passwd” points outside the archive", NULL));
  g_assert_true (problems_mention (dataset, "“img/3.png” is not in the archive", NULL));
}

static void
test_zip_damaged (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *zip = path_in (fixture, "bad.zip", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_ZIP, zip);
  g_autoptr(StrataDataset) dataset = NULL;

  g_file_set_contents (zip, "PK\003\004 this is not really a zip", -1, NULL);
  dataset = strata_dataset_open (settings, NULL, NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "bad.zip"));
}

/* Bad input ------------------------------------------------------------------------------------ */

static void
assert_open_fails (StrataDatasetSettings *settings,
                   int                    code,
                   const char            *mention)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = strata_dataset_open (settings, NULL, NULL, &error);

  g_assert_null (dataset);
  g_test_message ("%s", error->message);
  g_assert_error (error, STRATA_DATASET_ERROR, code);
  g_assert_nonnull (strstr (error->message, mention));
}

static void
test_bad_sources (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *empty = path_in (fixture, "empty", NULL);
  g_autofree char *one = path_in (fixture, "one", NULL);
  g_autofree char *nowhere = path_in (fixture, "nowhere", NULL);
  g_autofree char *file = path_in (fixture, "one", "only", "000.png", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;

  g_mkdir_with_parents (empty, 0755);
  write_class (one, "only", 0, 3, 1);

  settings = settings_for (STRATA_SOURCE_FOLDER, empty);
  assert_open_fails (settings, STRATA_DATASET_ERROR_INVALID, "No images");
  g_object_set (settings, "source-path", one, NULL);
  assert_open_fails (settings, STRATA_DATASET_ERROR_INVALID, "Only one class (“only”)");
  g_object_set (settings, "source-path", nowhere, NULL);
  assert_open_fails (settings, STRATA_DATASET_ERROR_NOT_FOUND, "nowhere");
  g_object_set (settings, "source-path", file, NULL);
  assert_open_fails (settings, STRATA_DATASET_ERROR_INVALID, "not a folder");
  g_object_set (settings, "source-kind", STRATA_SOURCE_CSV, "source-path", empty, NULL);
  assert_open_fails (settings, STRATA_DATASET_ERROR_INVALID, "a folder, not a CSV");
}

static void
test_bad_images (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "d", NULL);
  g_autofree char *truncated = path_in (fixture, "d", "a", "truncated.png", NULL);
  g_autofree char *text = path_in (fixture, "d", "b", "text.jpg", NULL);
  g_autofree char *bomb = path_in (fixture, "d", "b", "bomb.png", NULL);
  g_autofree char *latin1 = path_in (fixture, "d", "a", "caf\xe9.png", NULL);
  g_autofree char *good = path_in (fixture, "d", "a", "000.png", NULL);
  g_autoptr(GBytes) bomb_bytes = test_png_bytes (20000, 20000, 2, 8, NULL, 0);
  g_autoptr(GBytes) good_bytes = NULL;
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  StrataLoaderOptions options = { .batch = 4, .shuffle = TRUE, .seed = 3, .n_threads = 2 };
  g_autofree float *images = NULL;
  gint32 labels[4];
  guint delivered = 0, n, count;

  write_class (root, "a", 0, 5, 1);
  write_class (root, "b", 0, 5, 2);
  good_bytes = file_bytes (good);
  g_file_set_contents (truncated, g_bytes_get_data (good_bytes, NULL),
                       g_bytes_get_size (good_bytes) / 2, NULL);
  g_file_set_contents (text, "this is text, not a JPEG", -1, NULL);
  test_write_bytes (bomb, bomb_bytes);
  /* a file name that is not UTF-8, holding a good image (another one, so not a duplicate) */
  {
    g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (30, 30, 77);

    test_save_pixbuf (pixbuf, latin1, "png");
  }

  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  g_object_set (settings, "validation-fraction", 0.0, "test-fraction", 0.0, NULL);
  dataset = open_ok (settings, NULL);
  g_assert_cmpuint (total_items (dataset), ==, 14);
  g_assert_true (problems_mention (dataset, "not valid UTF-8", NULL));

  images = g_new (float, 4 * strata_dataset_get_image_n_floats (dataset));
  for (int epoch = 0; epoch < 2; epoch++)
    {
      g_autoptr(StrataLoader) loader = strata_loader_new (dataset, STRATA_SPLIT_TRAIN, &options,
                                                          NULL);

      strata_loader_start_epoch (loader, epoch, 0);
      while (strata_loader_next (loader, images, labels, &n, NULL))
        delivered += n;
    }
  /* the three bad ones are left out, every epoch; each is reported once */
  g_assert_cmpuint (delivered, ==, 2 * 11);
  problems_mention (dataset, "truncated.png", &count);
  g_assert_cmpuint (count, ==, 1);
  problems_mention (dataset, "text.jpg", &count);
  g_assert_cmpuint (count, ==, 1);
  problems_mention (dataset, "b/bomb.png” is too large: 20000 × 20000", &count);
  g_assert_cmpuint (count, ==, 1);
}

/* Cache ---------------------------------------------------------------------------------------- */

static GArray *
epoch_images (StrataDataset *dataset,
              int            epoch,
              gboolean       augment,
              guint          threads)
{
  StrataLoaderOptions options = { .batch = 5, .shuffle = TRUE, .augment = augment, .seed = 8,
                                  .n_threads = threads };
  g_autoptr(StrataLoader) loader = strata_loader_new (dataset, STRATA_SPLIT_TRAIN, &options, NULL);
  gsize floats = strata_dataset_get_image_n_floats (dataset);
  g_autofree float *images = g_new (float, 5 * floats);
  GArray *all = g_array_new (FALSE, FALSE, sizeof (float));
  gint32 labels[5];
  guint n;

  strata_loader_start_epoch (loader, epoch, 0);
  while (strata_loader_next (loader, images, labels, &n, NULL))
    g_array_append_vals (all, images, n * floats);
  return all;
}

static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "photos", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) plain = NULL;
  g_autoptr(StrataDataset) in_memory = NULL;
  g_autoptr(StrataDataset) on_disk = NULL;
  g_autoptr(StrataDataset) reopened = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;
  g_autoptr(GArray) d = NULL;
  g_autoptr(GArray) e = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint cache_files = 0;

  write_class (root, "a", 0, 9, 1);
  write_class (root, "b", 0, 9, 2);
  settings = settings_for (STRATA_SOURCE_FOLDER, "photos");
  g_object_set (settings, "resize-mode", STRATA_RESIZE_FILL, NULL);
  plain = open_ok (settings, fixture->dir);
  g_object_set (settings, "cache-mode", STRATA_CACHE_MEMORY, NULL);
  in_memory = open_ok (settings, fixture->dir);
  g_object_set (settings, "cache-mode", STRATA_CACHE_FILE, NULL);
  on_disk = open_ok (settings, fixture->dir);

  a = epoch_images (plain, 0, FALSE, 2);
  b = epoch_images (in_memory, 0, FALSE, 2);
  c = epoch_images (in_memory, 1, FALSE, 2);    /* from the cache */
  d = epoch_images (on_disk, 0, FALSE, 2);
  g_assert_cmpuint (_strata_dataset_get_n_cached (in_memory), ==,
                    strata_dataset_get_n_items (in_memory, STRATA_SPLIT_TRAIN));
  g_assert_cmpuint (_strata_dataset_get_n_cached (on_disk), ==,
                    strata_dataset_get_n_items (on_disk, STRATA_SPLIT_TRAIN));
  g_assert_cmpuint (_strata_dataset_get_n_cached (plain), ==, 0);
  g_assert_cmpmem (a->data, a->len * 4, b->data, b->len * 4);
  g_assert_cmpmem (a->data, a->len * 4, d->data, d->len * 4);
  g_assert_cmpuint (c->len, ==, a->len);

  /* the file is beside the project and a second opening starts from what it holds */
  reopened = open_ok (settings, fixture->dir);
  g_assert_cmpuint (_strata_dataset_get_n_cached (reopened), ==,
                    strata_dataset_get_n_items (reopened, STRATA_SPLIT_TRAIN));
  e = epoch_images (reopened, 0, FALSE, 1);
  g_assert_cmpmem (a->data, a->len * 4, e->data, e->len * 4);
  g_clear_object (&reopened);

  /* other resize settings: the same file, emptied */
  g_object_set (settings, "image-width", 20, NULL);
  reopened = open_ok (settings, fixture->dir);
  g_assert_cmpuint (_strata_dataset_get_n_cached (reopened), ==, 0);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    cache_files += g_str_has_prefix (name, ".strata-cache-");
  g_assert_cmpuint (cache_files, ==, 1);
}

/* Augmentation through the loader -------------------------------------------------------------- */

static void
test_augmented_loader (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "photos", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataAugmentation) stage = strata_augmentation_new ();
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GArray) plain = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) one = NULL;
  g_autoptr(GArray) three = NULL;
  g_autoptr(GArray) later = NULL;

  write_class (root, "a", 0, 8, 1);
  write_class (root, "b", 0, 8, 2);
  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  g_object_set (stage, "first-epoch", 2, "rotation-range", 20.0, "zoom-range", 0.2,
                "horizontal-flip", TRUE, "erasing-probability", 0.5, NULL);
  strata_dataset_settings_add_stage (settings, stage);
  dataset = open_ok (settings, NULL);

  g_assert_false (strata_dataset_has_augmentation (dataset, 0));
  g_assert_true (strata_dataset_has_augmentation (dataset, 1));
  plain = epoch_images (dataset, 0, FALSE, 2);
  first = epoch_images (dataset, 0, TRUE, 2);       /* the stage starts with epoch 2 */
  one = epoch_images (dataset, 1, TRUE, 1);
  three = epoch_images (dataset, 1, TRUE, 3);
  later = epoch_images (dataset, 2, TRUE, 2);
  g_assert_cmpmem (plain->data, plain->len * 4, first->data, first->len * 4);
  g_assert_cmpmem (one->data, one->len * 4, three->data, three->len * 4);
  g_assert_true (memcmp (one->data, later->data, one->len * 4) != 0);
}

/* One file outside the dataset, and previews ------------------------------------------------- */

static void
test_preprocess_and_preview (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "photos", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataAugmentation) stage = strata_augmentation_new ();
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gsize n;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  g_autofree guint8 *preview = NULL;

  write_class (root, "a", 0, 4, 1);
  write_class (root, "b", 0, 4, 2);
  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  g_object_set (settings, "normalization", STRATA_NORMALIZE_UNIT, "validation-fraction", 0.0,
                "test-fraction", 0.0, "resize-mode", STRATA_RESIZE_CENTER_CROP, NULL);
  g_object_set (stage, "rotation-range", 30.0, "horizontal-flip", TRUE, NULL);
  strata_dataset_settings_add_stage (settings, stage);
  dataset = open_ok (settings, NULL);
  n = strata_dataset_get_image_n_floats (dataset);
  a = g_new (float, n);
  b = g_new (float, n);
  preview = g_malloc (n);

  /* a file prepared for prediction is what the loader gives without augmentation */
  name = strata_dataset_dup_item_name (dataset, STRATA_SPLIT_TRAIN, 3);
  path = g_build_filename (root, name, NULL);
  g_assert_true (strata_preprocess_image_file (settings, path, a, &error));
  g_assert_no_error (error);
  g_assert_true (strata_dataset_load_image (dataset, STRATA_SPLIT_TRAIN, 3, 5, 1, FALSE, b, NULL));
  g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
  g_assert_false (strata_preprocess_image_file (settings, "/nonexistent.png", a, &error));
  g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* the preview is the model's input before normalisation, augmented or not */
  for (int augment = 0; augment < 2; augment++)
    {
      g_assert_true (strata_dataset_load_preview (dataset, STRATA_SPLIT_TRAIN, 3, 5, 1, augment,
                                                  preview, NULL));
      g_assert_true (strata_dataset_load_image (dataset, STRATA_SPLIT_TRAIN, 3, 5, 1, augment, b,
                                                NULL));
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat (fabs (preview[i] - b[i] * 255), <=, 0.5001);
    }
}

/* A folder export of Fashion-MNIST gives the IDX data ------------------------------------------ */

static void
test_fashion_mnist_export (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(StrataDatasetSettings) idx_settings = strata_dataset_settings_new_fashion_mnist ();
  g_autofree char *idx_dir = strata_dataset_settings_dup_source_path (idx_settings, NULL);
  g_autofree char *probe = g_build_filename (idx_dir, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *root = path_in (fixture, "fashion", NULL);
  g_autoptr(StrataDataset) idx = NULL;
  g_autoptr(StrataDataset) folder = NULL;
  g_autoptr(StrataDatasetSettings) folder_settings = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) folder_classes = NULL;
  const guint n = 400;
  float image[28 * 28], again[28 * 28];

  if (!g_file_test (probe, G_FILE_TEST_EXISTS))
    {
      test_skip_missing ("Fashion-MNIST (dataset-fashion-mnist)");
      return;
    }
  g_object_set (idx_settings, "validation-fraction", 0.0, NULL);
  idx = open_ok (idx_settings, NULL);
  for (guint c = 0; c < 10; c++)
    {
      /* "T-shirt/top" can't be a folder name */
      g_autofree char *folder_name = g_strdup (strata_dataset_get_class_names (idx)[c]);

      g_strdelimit (folder_name, "/", '_');
      g_strv_builder_add (names, folder_name);
    }
  folder_classes = g_strv_builder_end (names);

  /* the first images of the training file, as 8-bit gray PNGs in class folders */
  for (guint i = 0; i < n; i++)
    {
      gint32 label = strata_dataset_get_label (idx, STRATA_SPLIT_TRAIN, i);
      g_autofree char *dir = g_build_filename (root, folder_classes[label], NULL);
      g_autofree char *name = g_strdup_printf ("%05u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 28, 28);
      guint8 *p = gdk_pixbuf_get_pixels (pixbuf);
      int stride = gdk_pixbuf_get_rowstride (pixbuf);

      g_assert_true (strata_dataset_load_image (idx, STRATA_SPLIT_TRAIN, i, 0, 0, FALSE, image,
                                                NULL));
      for (int k = 0; k < 28 * 28; k++)
        {
          guint8 v = (guint8) (image[k] * 255 + 0.5f);

          p[(k / 28) * stride + (k % 28) * 3 + 0] = v;
          p[(k / 28) * stride + (k % 28) * 3 + 1] = v;
          p[(k / 28) * stride + (k % 28) * 3 + 2] = v;
        }
      g_mkdir_with_parents (dir, 0755);
      test_save_pixbuf (pixbuf, path, "png");
    }

  folder_settings = strata_dataset_settings_new_fashion_mnist ();
  g_object_set (folder_settings, "source-kind", STRATA_SOURCE_FOLDER, "source-path", root,
                "class-names", folder_classes, "test-fraction", 0.0,
                "validation-fraction", 0.0, NULL);
  folder = open_ok (folder_settings, NULL);
  g_assert_cmpuint (strata_dataset_get_n_items (folder, STRATA_SPLIT_TRAIN), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = strata_dataset_dup_item_name (folder, STRATA_SPLIT_TRAIN, i);
      guint source = g_ascii_strtoull (strchr (name, '/') + 1, NULL, 10);

      g_assert_cmpint (strata_dataset_get_label (folder, STRATA_SPLIT_TRAIN, i), ==,
                       strata_dataset_get_label (idx, STRATA_SPLIT_TRAIN, source));
      g_assert_true (strata_dataset_load_image (folder, STRATA_SPLIT_TRAIN, i, 0, 0, FALSE,
                                                image, NULL));
      g_assert_true (strata_dataset_load_image (idx, STRATA_SPLIT_TRAIN, source, 0, 0, FALSE,
                                                again, NULL));
      g_assert_cmpmem (image, sizeof image, again, sizeof again);
    }
}

/* Special files and links ------------------------------------------------------------------- */

static void
make_fifo (const char *path)
{
  g_assert_cmpint (mkfifo (path, 0644), ==, 0);
}

static void
make_link (const char *target,
           const char *path)
{
  g_assert_cmpint (symlink (target, path), ==, 0);
}

/* The source item named @name, or fails. */
static guint
item_named (StrataSource *source,
            const char   *name)
{
  for (guint i = 0; i < strata_source_get_n_items (source); i++)
    if (g_str_equal (strata_source_get_item (source, i)->name, name))
      return i;
  g_assert_not_reached ();
}

/* A FIFO opened for reading waits for a writer for ever: a FIFO named like an image in a
 * class folder, listed by a CSV, given as the CSV or the zip, swapped in for an image after
 * listing or given to predict is refused, and nothing hangs (were it opened, this test would
 * run into the test timeout). */
static void
test_fifo (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "d", NULL);
  g_autofree char *pipe = path_in (fixture, "d", "a", "pipe.png", NULL);
  g_autofree char *swapped = path_in (fixture, "d", "b", "000.png", NULL);
  g_autofree char *csv = path_in (fixture, "d", "list.csv", NULL);
  g_autofree char *csv_fifo = path_in (fixture, "fifo.csv", NULL);
  g_autofree char *zip_fifo = path_in (fixture, "fifo.zip", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(StrataImage) image = { 0 };
  StrataSource *source;
  float pixels[16 * 12 * 3];

  write_class (root, "a", 0, 3, 1);
  write_class (root, "b", 0, 3, 2);
  make_fifo (pipe);

  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  dataset = open_ok (settings, NULL);
  g_assert_cmpuint (total_items (dataset), ==, 6);
  g_assert_true (problems_mention (dataset, "a/pipe.png", NULL));
  g_assert_true (problems_mention (dataset, "not a regular file", NULL));

  /* listed as a file, then a FIFO by the time it is read */
  source = _strata_dataset_get_source (dataset);
  g_assert_cmpint (g_unlink (swapped), ==, 0);
  make_fifo (swapped);
  g_assert_false (strata_source_read_image (source, item_named (source, "b/000.png"), &image,
                                            &error));
  g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "000.png"));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  /* predicting: the folder leaves the FIFOs out, a FIFO named outright fails alone */
  {
    const char *paths[] = { root, swapped, NULL };
    g_autoptr(GPtrArray) found = strata_predict_list_images (paths, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 5 + 1);
    for (guint i = 0; i + 1 < found->len; i++)
      {
        const StrataImagePrediction *item = g_ptr_array_index (found, i);

        g_assert_false (g_str_equal (item->name, "a/pipe.png"));
        g_assert_false (g_str_equal (item->name, "b/000.png"));
      }
  }
  g_assert_false (strata_preprocess_image_file (settings, swapped, pixels, &error));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  /* a CSV listing FIFOs, and FIFOs given as the CSV or the zip */
  g_assert_true (g_file_set_contents (csv, "file,label\na/000.png,x\na/pipe.png,x\n"
                                           "b/001.jpg,y\nb/000.png,y\nb/002.png,y\n", -1,
                                      NULL));
  g_clear_object (&dataset);
  g_object_set (settings, "source-kind", STRATA_SOURCE_CSV, "source-path", csv, NULL);
  dataset = open_ok (settings, NULL);
  g_assert_cmpuint (total_items (dataset), ==, 3);
  g_assert_true (problems_mention (dataset, "line 3: “a/pipe.png” is not a regular file",
                                   NULL));
  g_assert_true (problems_mention (dataset, "line 5: “b/000.png” is not a regular file",
                                   NULL));

  make_fifo (csv_fifo);
  g_object_set (settings, "source-path", csv_fifo, NULL);
  assert_open_fails (settings, STRATA_DATASET_ERROR_INVALID, "not a regular file");
  make_fifo (zip_fifo);
  g_object_set (settings, "source-kind", STRATA_SOURCE_ZIP, "source-path", zip_fifo, NULL);
  assert_open_fails (settings, STRATA_DATASET_ERROR_CORRUPT, "not a regular file");
}

static void
assert_labels_match_folders (StrataDataset *dataset)
{
  const char * const *classes = strata_dataset_get_class_names (dataset);

  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (dataset, s); i++)
      {
        g_autofree char *name = strata_dataset_dup_item_name (dataset, s, i);
        const char *label = classes[strata_dataset_get_label (dataset, s, i)];

        g_assert_true (g_str_has_prefix (name, label));
        g_assert_cmpint (name[strlen (label)], ==, '/');
      }
}

static guint
class_count (StrataDataset *dataset,
             guint          label)
{
  guint n = 0;

  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    for (guint i = 0; i < strata_dataset_get_n_items (dataset, s); i++)
      n += (guint) strata_dataset_get_label (dataset, s, i) == label;
  return n;
}

/* Links to folders: each folder is listed once and only from inside its own class folder, so
 * loops end, no image counts twice and none takes another class's label. */
static void
test_folder_links (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *root = path_in (fixture, "d", NULL);
  g_autofree char *outside = path_in (fixture, "elsewhere", NULL);
  g_autofree char *far_image = path_in (fixture, "elsewhere", "x", "001.jpg", NULL);
  g_autofree char *sub = path_in (fixture, "d", "a", "sub", NULL);
  g_autofree char *deep = path_in (fixture, "d", "b", "1", "2", "3", "4", "5", "6", "7", "8",
                                   "9", "10", "11", "12", "13", "14", "15", "16", "17", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  struct {
    const char *target;
    const char *link;
  } links[] = {
    { ".", "a/s" },                 /* a loop */
    { ".", "a/t" },                 /* two loops: 2^16 paths when followed */
    { "..", "a/up" },               /* the other classes' images */
    { "sub", "a/sub-again" },       /* a folder already listed */
    { "../a", "b/cats" },           /* another class */
    { "a", "alias" },               /* a class twice */
    { NULL, "b/ext" },              /* outside the dataset */
    { NULL, "away" },               /* a class outside the dataset */
    { "nothing.png", "b/dangling.png" },
  };

  write_class (root, "a", 0, 4, 1);
  write_class (sub, "s1", 0, 1, 3);
  write_class (root, "b", 0, 3, 2);
  write_class (outside, "x", 0, 2, 4);
  write_class (deep, "x", 0, 1, 5);
  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_autofree char *path = g_build_filename (root, links[i].link, NULL);
      g_autofree char *out = g_build_filename (outside, "x", NULL);

      make_link (links[i].target ? links[i].target : out, path);
    }
  /* a link to an image outside the dataset is an image of the class it lies in */
  {
    g_autofree char *path = g_build_filename (root, "b", "far.jpg", NULL);

    make_link (far_image, path);
  }

  settings = settings_for (STRATA_SOURCE_FOLDER, root);
  dataset = open_ok (settings, NULL);
  g_assert_cmpuint (strata_dataset_get_n_classes (dataset), ==, 2);
  g_assert_cmpstr (strata_dataset_get_class_names (dataset)[0], ==, "a");
  g_assert_cmpuint (class_count (dataset, 0), ==, 4 + 1);
  g_assert_cmpuint (class_count (dataset, 1), ==, 3 + 1);
  assert_labels_match_folders (dataset);

  g_assert_true (problems_mention (dataset, "“a/s” leads to a folder already listed", NULL));
  g_assert_true (problems_mention (dataset, "“a/t” leads to a folder already listed", NULL));
  g_assert_true (problems_mention (dataset, "“a/sub-again” leads to a folder already listed",
                                   NULL));
  g_assert_true (problems_mention (dataset, "“a/up” links to a folder outside its class",
                                   NULL));
  g_assert_true (problems_mention (dataset, "“b/cats” links to a folder outside its class",
                                   NULL));
  g_assert_true (problems_mention (dataset, "“b/ext” links to a folder outside its class",
                                   NULL));
  g_assert_true (problems_mention (dataset, "“alias” leads to a folder already listed", NULL));
  g_assert_true (problems_mention (dataset, "“away” links to a folder outside", NULL));
  g_assert_true (problems_mention (dataset, "“b/dangling.png” is a link to nothing", NULL));
  g_assert_true (problems_mention (dataset, "more than 16 folders deep", NULL));

  /* predicting from the folder: every image once */
  {
    const char *paths[] = { root, NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) found = strata_predict_list_images (paths, &error);

    g_assert_no_error (error);
    /* a: 4 + 1, b: 3 + 1; the deep one is past the depth bound there too */
    g_assert_cmpuint (found->len, ==, 9);
  }
}

/* A source of the whole disk or of kernel state ends at once with a message; a folder with
 * more entries than the bound ends with one too. */
static void
test_huge_sources (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const system[] = { "/", "/proc", "/sys", "/proc/self" };
  g_autofree char *root = path_in (fixture, "d", NULL);
  g_autoptr(StrataDatasetSettings) settings = settings_for (STRATA_SOURCE_FOLDER, "/");
  g_autoptr(StrataSource) source = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (system); i++)
    {
      if (!g_file_test (system[i], G_FILE_TEST_IS_DIR))
        continue;
      g_object_set (settings, "source-path", system[i], NULL);
      assert_open_fails (settings, STRATA_DATASET_ERROR_INVALID, "system folder");
    }

  write_class (root, "a", 0, 6, 1);
  write_class (root, "b", 0, 6, 2);
  source = strata_source_files_new (STRATA_SOURCE_FOLDER, root, NULL, NULL);
  _strata_source_files_set_max_entries (STRATA_SOURCE_FILES (source), 10);
  g_assert_false (strata_source_load (source, NULL, &error));
  g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "more than 10 files and folders"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/source-files/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("folder", test_folder);
  ADD ("split-stable", test_split_stable);
  ADD ("split-by-count", test_split_by_count);
  ADD ("csv", test_csv);
  ADD ("csv-variants", test_csv_variants);
  ADD ("zip-folders", test_zip_folders);
  ADD ("zip-csv", test_zip_csv);
  ADD ("zip-damaged", test_zip_damaged);
  ADD ("bad-sources", test_bad_sources);
  ADD ("bad-images", test_bad_images);
  ADD ("cache", test_cache);
  ADD ("augmented-loader", test_augmented_loader);
  ADD ("preprocess-preview", test_preprocess_and_preview);
  ADD ("fashion-mnist-export", test_fashion_mnist_export);
  ADD ("fifo", test_fifo);
  ADD ("folder-links", test_folder_links);
  ADD ("huge-sources", test_huge_sources);
#undef ADD
  return g_test_run ();
}
