/* test-dataset-inspect.c: the inspection report, and settings detected for a path
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "strata-dataset.h"
#include "strata-dataset-inspect.h"
#include "strata-test-images.h"

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

static void
write_images (const char *root,
              const char *class_name,
              guint       n,
              int         width,
              int         height,
              guint32     seed)
{
  g_autofree char *dir = g_build_filename (root, class_name, NULL);

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%03u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (width, height, seed * 1000 + i);

      test_save_pixbuf (pixbuf, path, "png");
    }
}

static const StrataDuplicateGroup *
find_group (StrataDatasetReport *report,
            gboolean             exact,
            const char          *member)
{
  for (guint i = 0; i < report->duplicates->len; i++)
    {
      const StrataDuplicateGroup *group = g_ptr_array_index (report->duplicates, i);

      for (guint k = 0; group->exact == exact && k < group->images->len; k++)
        if (g_str_equal (g_array_index (group->images, StrataDuplicateImage, k).name, member))
          return group;
    }
  return NULL;
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  double *last = user_data;

  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
}

static void
test_inspect (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *root = g_build_filename (fixture->dir, "data", NULL);
  g_autofree char *original = g_build_filename (root, "a", "003.png", NULL);
  g_autofree char *copy = g_build_filename (root, "a", "copy.png", NULL);
  g_autofree char *near = g_build_filename (root, "b", "000-again.jpg", NULL);
  g_autofree char *broken = g_build_filename (root, "c", "broken.png", NULL);
  g_autofree char *cut = g_build_filename (root, "c", "cut.jpg", NULL);
  g_autofree char *contents = NULL;
  gsize size;
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataDatasetReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  const StrataDuplicateGroup *group;
  double last = 0;

  write_images (root, "a", 20, 48, 40, 1);
  write_images (root, "b", 10, 48, 40, 2);
  write_images (root, "c", 5, 48, 40, 3);
  g_assert_true (g_file_get_contents (original, &contents, &size, NULL));
  g_assert_true (g_file_set_contents (copy, contents, size, NULL));
  /* the same picture as b/000.png, saved as a JPEG: other bytes, same looks */
  {
    g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (48, 40, 2 * 1000 + 0);

    test_save_pixbuf (pixbuf, near, "jpeg");
  }
  g_assert_true (g_file_set_contents (broken, contents, size / 3, NULL));
  /* a JPEG cut to a third: the decoder would pad the rest grey */
  {
    g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (400, 300, 9);
    g_autofree char *jpeg = NULL;
    gsize jpeg_size = 0;

    g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &jpeg_size, "jpeg", NULL, NULL));
    g_assert_true (g_file_set_contents (cut, jpeg, jpeg_size / 3, NULL));
  }

  settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS, "source-kind", STRATA_SOURCE_FOLDER,
                           "source-path", root, "image-width", 32, "image-height", 32,
                           "validation-fraction", 0.0, "test-fraction", 0.0,
                           "cache-mode", STRATA_CACHE_NONE, NULL);
  dataset = strata_dataset_open (settings, NULL, NULL, &error);
  g_assert_no_error (error);
  report = strata_dataset_inspect (dataset, progress_cb, &last, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);

  g_assert_cmpuint (report->n_classes, ==, 3);
  g_assert_cmpuint (strata_dataset_report_count (report, 0, STRATA_SPLIT_TRAIN), ==, 21);
  g_assert_cmpuint (strata_dataset_report_count (report, 1, STRATA_SPLIT_TRAIN), ==, 11);
  /* the broken image is counted apart, not as one of class c's */
  g_assert_cmpuint (strata_dataset_report_count (report, 2, STRATA_SPLIT_TRAIN), ==, 5);
  g_assert_cmpuint (report->totals[STRATA_SPLIT_TRAIN], ==, 37);
  g_assert_cmpuint (report->n_unreadable[STRATA_SPLIT_TRAIN], ==, 2);
  g_assert_cmpuint (report->n_unreadable[STRATA_SPLIT_VALIDATION], ==, 0);
  g_assert_cmpfloat_with_epsilon (report->imbalance, 21.0 / 5.0, 1e-9);

  g_assert_cmpuint (report->unreadable->len, ==, 2);
  g_assert_cmpstr (((StrataUnreadableImage *) g_ptr_array_index (report->unreadable, 0))->name,
                   ==, "c/broken.png");
  g_assert_cmpstr (((StrataUnreadableImage *) g_ptr_array_index (report->unreadable, 1))->name,
                   ==, "c/cut.jpg");

  group = find_group (report, TRUE, "a/copy.png");
  g_assert_nonnull (group);
  g_assert_cmpuint (group->images->len, ==, 2);
  g_assert_false (group->conflicting_labels);
  group = find_group (report, FALSE, "b/000-again.jpg");
  g_assert_nonnull (group);
  g_assert_cmpuint (group->images->len, ==, 2);
  g_assert_true (find_group (report, FALSE, "b/000.png") == group);
  /* no other groups: the other patterns differ */
  g_assert_cmpuint (report->duplicates->len, ==, 2);

  json = strata_dataset_report_to_json (report);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"total\":37,\"unreadable\":2,\"per_class\":[21,11,5]"));
  g_assert_nonnull (strstr (text, "\"exact_duplicates\":[{\"images\":[{\"name\":\"a/003.png\""));
  g_assert_nonnull (strstr (text, "\"near_duplicates\":[{"));
  g_assert_nonnull (strstr (text, "\"unreadable\":[{\"name\":\"c/broken.png\""));
}

static void
test_straddling (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *root = g_build_filename (fixture->dir, "data", NULL);
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataDatasetReport) report = NULL;
  guint checked = 0;

  /* near copies (PNG and JPEG of the same pictures) in a split with validation and test */
  write_images (root, "a", 12, 40, 40, 4);
  write_images (root, "b", 12, 40, 40, 5);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("%03u.jpg", i);
      g_autofree char *path = g_build_filename (root, "a", name, NULL);
      g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (40, 40, 4 * 1000 + i);

      test_save_pixbuf (pixbuf, path, "jpeg");
    }
  settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS, "source-kind", STRATA_SOURCE_FOLDER,
                           "source-path", root, "image-width", 32, "image-height", 32,
                           "validation-fraction", 0.3, "test-fraction", 0.3, NULL);
  dataset = strata_dataset_open (settings, NULL, NULL, NULL);
  report = strata_dataset_inspect (dataset, NULL, NULL, NULL, NULL);

  for (guint i = 0; i < report->duplicates->len; i++)
    {
      const StrataDuplicateGroup *group = g_ptr_array_index (report->duplicates, i);
      const StrataDuplicateImage *x = &g_array_index (group->images, StrataDuplicateImage, 0);
      const StrataDuplicateImage *y = &g_array_index (group->images, StrataDuplicateImage, 1);

      g_assert_false (group->exact);
      g_assert_cmpuint (group->images->len, ==, 2);
      g_assert_cmpint (group->straddles_splits, ==, x->split != y->split);
      checked++;
    }
  g_assert_cmpuint (checked, ==, 12);
}

/* Detection ------------------------------------------------------------------------------------ */

static void
test_detect (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *small = g_build_filename (fixture->dir, "small", NULL);
  g_autofree char *photos = g_build_filename (fixture->dir, "photos", NULL);
  g_autofree char *gray = g_build_filename (fixture->dir, "gray", NULL);
  g_autofree char *csv_dir = g_build_filename (fixture->dir, "listed", NULL);
  g_autofree char *csv = g_build_filename (csv_dir, "labels.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) classes = NULL;
  guint channels, width;

  write_images (small, "one", 4, 32, 24, 1);
  write_images (small, "two", 4, 32, 24, 2);
  write_images (photos, "cola", 3, 320, 240, 3);
  write_images (photos, "fanta", 3, 320, 240, 4);
  write_images (csv_dir, "img", 4, 20, 20, 5);

  {
    g_autoptr(StrataDatasetSettings) s = strata_dataset_settings_new_for_path (small, &error);
    double validation, test;

    g_assert_no_error (error);
    g_assert_cmpint (strata_dataset_settings_get_source_kind (s), ==, STRATA_SOURCE_FOLDER);
    g_assert_cmpstr (strata_dataset_settings_get_source_path (s), ==, small);
    g_object_get (s, "class-names", &classes, "validation-fraction", &validation,
                  "test-fraction", &test, NULL);
    g_assert_cmpuint (g_strv_length (classes), ==, 2);
    g_assert_cmpstr (classes[0], ==, "one");
    g_assert_cmpfloat (validation, ==, 0.1);
    g_assert_cmpfloat (test, ==, 0.1);
    g_assert_cmpuint (strata_dataset_settings_get_image_width (s), ==, 32);
    g_assert_cmpuint (strata_dataset_settings_get_image_height (s), ==, 24);
    g_assert_cmpuint (strata_dataset_settings_get_image_channels (s), ==, 3);

    strata_dataset_settings_make_path_relative (s, fixture->dir);
    g_assert_cmpstr (strata_dataset_settings_get_source_path (s), ==, "small");
  }
  {
    g_autoptr(StrataDatasetSettings) s = strata_dataset_settings_new_for_path (photos, &error);

    g_assert_no_error (error);
    g_object_get (s, "image-width", &width, "image-channels", &channels, NULL);
    g_assert_cmpuint (width, ==, 224);
    g_assert_cmpuint (channels, ==, 3);
    strata_dataset_settings_make_path_relative (s, "/somewhere/else");
    g_assert_cmpstr (strata_dataset_settings_get_source_path (s), ==, photos);
  }

  /* gray 28×28: kept, one channel */
  for (guint c = 0; c < 2; c++)
    {
      g_autofree char *dir = g_build_filename (gray, c ? "b" : "a", NULL);

      g_mkdir_with_parents (dir, 0755);
      for (guint i = 0; i < 3; i++)
        {
          g_autofree char *name = g_strdup_printf ("%u.png", i);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 28, 28);

          gdk_pixbuf_fill (pixbuf, (guint32) (0x10101000 * (i + 1 + 3 * c)) | 0xff);
          test_save_pixbuf (pixbuf, path, "png");
        }
    }
  {
    g_autoptr(StrataDatasetSettings) s = strata_dataset_settings_new_for_path (gray, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strata_dataset_settings_get_image_width (s), ==, 28);
    g_assert_cmpuint (strata_dataset_settings_get_image_channels (s), ==, 1);
  }

  /* a zip of class folders */
  {
    g_autofree char *zip = g_build_filename (fixture->dir, "small.zip", NULL);
    g_autofree char *a = g_build_filename (small, "one", "000.png", NULL);
    g_autofree char *b = g_build_filename (small, "two", "000.png", NULL);
    g_autofree char *a_data = NULL;
    g_autofree char *b_data = NULL;
    gsize a_size, b_size;
    g_autoptr(GBytes) a_bytes = NULL;
    g_autoptr(GBytes) b_bytes = NULL;
    g_autoptr(StrataDatasetSettings) s = NULL;

    g_assert_true (g_file_get_contents (a, &a_data, &a_size, NULL));
    g_assert_true (g_file_get_contents (b, &b_data, &b_size, NULL));
    a_bytes = g_bytes_new (a_data, a_size);
    b_bytes = g_bytes_new (b_data, b_size);
    {
      TestZipEntry entries[] = { { "one/a.png", a_bytes, TRUE }, { "two/b.png", b_bytes, TRUE } };

      test_write_zip (zip, entries, G_N_ELEMENTS (entries));
    }
    s = strata_dataset_settings_new_for_path (zip, &error);
    g_assert_no_error (error);
    g_assert_cmpint (strata_dataset_settings_get_source_kind (s), ==, STRATA_SOURCE_ZIP);
    g_assert_cmpuint (strata_dataset_settings_get_image_width (s), ==, 32);
  }

  /* a folder with a CSV and no class folders; the CSV itself */
  g_assert_true (g_file_set_contents (csv, "Filename,Label\nimg/000.png,x\nimg/001.png,y\n"
                                      "img/002.png,x\nimg/003.png,y\n", -1, NULL));
  {
    g_autofree char *only = g_build_filename (fixture->dir, "only-csv", NULL);
    g_autofree char *moved = g_build_filename (only, "labels.csv", NULL);
    g_autofree char *img = g_build_filename (csv_dir, "img", NULL);
    g_autoptr(StrataDatasetSettings) s = strata_dataset_settings_new_for_path (csv, &error);

    g_assert_no_error (error);
    g_assert_cmpint (strata_dataset_settings_get_source_kind (s), ==, STRATA_SOURCE_CSV);

    g_clear_object (&s);
    g_mkdir_with_parents (only, 0755);
    g_assert_true (g_file_set_contents (moved, "Filename,Label\n../listed/img/000.png,x\n"
                                        "../listed/img/001.png,y\n", -1, NULL));
    s = strata_dataset_settings_new_for_path (only, &error);
    g_assert_no_error (error);
    g_assert_cmpint (strata_dataset_settings_get_source_kind (s), ==, STRATA_SOURCE_CSV);
    g_assert_cmpstr (strata_dataset_settings_get_source_path (s), ==, moved);
  }
}

static void
test_detect_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *nowhere = g_build_filename (fixture->dir, "nowhere", NULL);
  g_autofree char *one = g_build_filename (fixture->dir, "one", NULL);
  g_autofree char *empty = g_build_filename (fixture->dir, "empty", NULL);
  g_autofree char *picture = g_build_filename (fixture->dir, "one", "only", "000.png", NULL);
  struct { const char *path; int code; const char *mention; } cases[] = {
    { nowhere, STRATA_DATASET_ERROR_NOT_FOUND, "does not exist" },
    { one, STRATA_DATASET_ERROR_INVALID, "Only one class" },
    { empty, STRATA_DATASET_ERROR_INVALID, "neither folders" },
    { picture, STRATA_DATASET_ERROR_INVALID, "not a folder, a CSV file or a zip" },
  };

  write_images (one, "only", 2, 10, 10, 1);
  g_mkdir_with_parents (empty, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataDatasetSettings) s = strata_dataset_settings_new_for_path (cases[i].path,
                                                                                 &error);

      g_assert_null (s);
      g_test_message ("%s", error->message);
      g_assert_error (error, STRATA_DATASET_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].mention));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/dataset-inspect/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("report", test_inspect);
  ADD ("straddling", test_straddling);
  ADD ("detect", test_detect);
  ADD ("detect-errors", test_detect_errors);
#undef ADD
  return g_test_run ();
}
