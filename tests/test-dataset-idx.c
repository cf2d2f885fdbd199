/* test-dataset-idx.c: the IDX source, the stratified split and the loader, on generated
 * IDX files; and the real Fashion-MNIST when it is installed
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "strata-dataset.h"
#include "strata-gzip.h"
#include "strata-test-util.h"

#define N_CLASSES 10
#define SIDE 28
#define PIXELS (SIDE * SIDE)

/* Fixture --------------------------------------------------------------------------------- */

typedef struct
{
  char *dir;
  guint n_train;
  guint n_test;
  guint8 *train_pixels;
  guint8 *train_labels;
} Fixture;

static void
put_be32 (GByteArray *array,
          guint32     v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (array, b, 4);
}

static void
write_gz (const char   *path,
          const guint8 *data,
          gsize         size)
{
  gzFile f = gzopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpint (gzwrite (f, data, size), ==, (int) size);
  g_assert_cmpint (gzclose (f), ==, Z_OK);
}

static GByteArray *
idx_images (const guint8 *pixels,
            guint         n)
{
  GByteArray *array = g_byte_array_new ();

  put_be32 (array, 0x803);
  put_be32 (array, n);
  put_be32 (array, SIDE);
  put_be32 (array, SIDE);
  g_byte_array_append (array, pixels, n * PIXELS);
  return array;
}

static GByteArray *
idx_labels (const guint8 *labels,
            guint         n)
{
  GByteArray *array = g_byte_array_new ();

  put_be32 (array, 0x801);
  put_be32 (array, n);
  g_byte_array_append (array, labels, n);
  return array;
}

static void
write_file (Fixture    *fixture,
            const char *name,
            GByteArray *array)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  write_gz (path, array->data, array->len);
  g_byte_array_unref (array);
}

/* Every image is unique: its index in its first bytes, noise after. */
static void
make_images (guint8  *pixels,
             guint8  *labels,
             guint    n,
             guint32  salt)
{
  GRand *rand = g_rand_new_with_seed (salt);

  for (guint i = 0; i < n; i++)
    {
      guint8 *p = pixels + (gsize) i * PIXELS;

      labels[i] = i % N_CLASSES;
      for (guint k = 0; k < PIXELS; k++)
        p[k] = g_rand_int_range (rand, 0, 256);
      p[0] = i & 0xff;
      p[1] = i >> 8;
      p[2] = salt;
    }
  g_rand_free (rand);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 *test_pixels, *test_labels;

  fixture->dir = g_dir_make_tmp ("strata-idx-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->n_train = 200;   /* 20 per class */
  fixture->n_test = 53;
  fixture->train_pixels = g_malloc ((gsize) fixture->n_train * PIXELS);
  fixture->train_labels = g_malloc (fixture->n_train);
  test_pixels = g_malloc ((gsize) fixture->n_test * PIXELS);
  test_labels = g_malloc (fixture->n_test);
  make_images (fixture->train_pixels, fixture->train_labels, fixture->n_train, 1);
  make_images (test_pixels, test_labels, fixture->n_test, 2);

  write_file (fixture, "train-images-idx3-ubyte.gz",
              idx_images (fixture->train_pixels, fixture->n_train));
  write_file (fixture, "train-labels-idx1-ubyte.gz",
              idx_labels (fixture->train_labels, fixture->n_train));
  write_file (fixture, "t10k-images-idx3-ubyte.gz", idx_images (test_pixels, fixture->n_test));
  write_file (fixture, "t10k-labels-idx1-ubyte.gz", idx_labels (test_labels, fixture->n_test));
  g_free (test_pixels);
  g_free (test_labels);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->train_pixels);
  g_free (fixture->train_labels);
}

static StrataDataset *
open_fixture (Fixture  *fixture,
              guint64   seed,
              GError  **error)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new_fashion_mnist ();

  g_object_set (settings, "source-path", fixture->dir, "split-seed", seed, NULL);
  return strata_dataset_open (settings, NULL, NULL, error);
}

/* Source and split -------------------------------------------------------------------------- */

static void
test_counts (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = open_fixture (fixture, 42, &error);
  guint counts[N_CLASSES];

  g_assert_no_error (error);
  g_assert_cmpuint (strata_dataset_get_n_classes (dataset), ==, 10);
  g_assert_cmpstr (strata_dataset_get_class_names (dataset)[0], ==, "T-shirt/top");
  g_assert_cmpstr (strata_dataset_get_class_names (dataset)[9], ==, "Ankle boot");
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN), ==, 180);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION), ==, 20);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST), ==, 53);

  /* stratified: exactly 2 of each class's 20 for validation */
  strata_dataset_count_classes (dataset, STRATA_SPLIT_VALIDATION, counts);
  for (guint c = 0; c < N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, 2);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_TRAIN, counts);
  for (guint c = 0; c < N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, 18);

  for (guint i = 0; i < strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST); i++)
    {
      g_autofree char *name = strata_dataset_dup_item_name (dataset, STRATA_SPLIT_TEST, i);
      g_autofree char *expected = g_strdup_printf ("test/%u", i);

      g_assert_cmpstr (name, ==, expected);
      g_assert_cmpint (strata_dataset_get_label (dataset, STRATA_SPLIT_TEST, i), ==,
                       i % N_CLASSES);
    }
}

static GHashTable *
split_names (StrataDataset *dataset,
             StrataSplit    split)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < strata_dataset_get_n_items (dataset, split); i++)
    g_hash_table_add (set, strata_dataset_dup_item_name (dataset, split, i));
  return set;
}

static void
test_split_seeded (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(StrataDataset) a = open_fixture (fixture, 7, NULL);
  g_autoptr(StrataDataset) b = open_fixture (fixture, 7, NULL);
  g_autoptr(StrataDataset) c = open_fixture (fixture, 8, NULL);
  g_autoptr(GHashTable) va = split_names (a, STRATA_SPLIT_VALIDATION);
  g_autoptr(GHashTable) vb = split_names (b, STRATA_SPLIT_VALIDATION);
  g_autoptr(GHashTable) vc = split_names (c, STRATA_SPLIT_VALIDATION);
  g_autoptr(GHashTable) ta = split_names (a, STRATA_SPLIT_TRAIN);
  GHashTableIter iter;
  gpointer name;
  guint same = 0;

  g_hash_table_iter_init (&iter, va);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      g_assert_true (g_hash_table_contains (vb, name));
      g_assert_false (g_hash_table_contains (ta, name));
      same += g_hash_table_contains (vc, name);
    }
  /* another seed gives another split: 20 of 200 agreeing by chance ≈ 2 */
  g_assert_cmpuint (same, <, 12);
}

/* Loader ------------------------------------------------------------------------------------ */

typedef struct
{
  guint n_batches;
  GArray *items;      /* guint, all batches one after the other */
  GArray *sizes;      /* guint */
  GArray *labels;     /* gint32 */
  GArray *images;     /* float */
} Epoch;

static void
epoch_free (Epoch *e)
{
  g_array_unref (e->items);
  g_array_unref (e->sizes);
  g_array_unref (e->labels);
  g_array_unref (e->images);
  g_free (e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Epoch, epoch_free)

static Epoch *
run_epoch (StrataDataset             *dataset,
           StrataSplit                split,
           const StrataLoaderOptions *options,
           int                        epoch,
           guint                      first_batch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataLoader) loader = strata_loader_new (dataset, split, options, &error);
  gsize floats = strata_dataset_get_image_n_floats (dataset);
  g_autofree float *images = g_new (float, floats * options->batch);
  g_autofree gint32 *labels = g_new (gint32, options->batch);
  Epoch *e = g_new0 (Epoch, 1);
  guint n;

  g_assert_no_error (error);
  e->items = g_array_new (FALSE, FALSE, sizeof (guint));
  e->sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  e->labels = g_array_new (FALSE, FALSE, sizeof (gint32));
  e->images = g_array_new (FALSE, FALSE, sizeof (float));
  strata_loader_start_epoch (loader, epoch, first_batch);
  while (strata_loader_next (loader, images, labels, &n, &error))
    {
      g_assert_cmpuint (n, >, 0);
      g_array_append_vals (e->items, strata_loader_get_batch_items (loader), n);
      g_array_append_val (e->sizes, n);
      g_array_append_vals (e->labels, labels, n);
      g_array_append_vals (e->images, images, floats * n);
      e->n_batches++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  return e;
}

static void
assert_same_epoch (const Epoch *a,
                   const Epoch *b)
{
  g_assert_cmpuint (a->n_batches, ==, b->n_batches);
  g_assert_cmpmem (a->items->data, a->items->len * sizeof (guint),
                   b->items->data, b->items->len * sizeof (guint));
  g_assert_cmpmem (a->sizes->data, a->sizes->len * sizeof (guint),
                   b->sizes->data, b->sizes->len * sizeof (guint));
  g_assert_cmpmem (a->labels->data, a->labels->len * sizeof (gint32),
                   b->labels->data, b->labels->len * sizeof (gint32));
  g_assert_cmpmem (a->images->data, a->images->len * sizeof (float),
                   b->images->data, b->images->len * sizeof (float));
}

static void
test_loader_epoch (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(StrataDataset) dataset = open_fixture (fixture, 42, NULL);
  StrataLoaderOptions options = { .batch = 32, .shuffle = TRUE, .seed = 5, .n_threads = 2 };
  g_autoptr(Epoch) e = run_epoch (dataset, STRATA_SPLIT_TRAIN, &options, 0, 0);
  g_autofree gboolean *seen = g_new0 (gboolean, 180);
  gboolean in_order = TRUE;

  /* 180 = 5 × 32 + 20: the short last batch is delivered */
  g_assert_cmpuint (e->n_batches, ==, 6);
  g_assert_cmpuint (g_array_index (e->sizes, guint, 5), ==, 20);
  g_assert_cmpuint (e->items->len, ==, 180);

  for (guint k = 0; k < e->items->len; k++)
    {
      guint index = g_array_index (e->items, guint, k);
      g_autofree char *name = strata_dataset_dup_item_name (dataset, STRATA_SPLIT_TRAIN, index);
      guint source = g_ascii_strtoull (name + strlen ("train/"), NULL, 10);
      const float *image = &g_array_index (e->images, float, (gsize) k * PIXELS);

      g_assert_false (seen[index]);
      seen[index] = TRUE;
      in_order = in_order && index == k;
      g_assert_cmpint (g_array_index (e->labels, gint32, k), ==,
                       strata_dataset_get_label (dataset, STRATA_SPLIT_TRAIN, index));
      g_assert_cmpint (g_array_index (e->labels, gint32, k), ==, fixture->train_labels[source]);
      /* "0..1": the raw byte / 255 */
      for (guint p = 0; p < PIXELS; p++)
        g_assert_cmpfloat_with_epsilon (image[p],
                                        fixture->train_pixels[(gsize) source * PIXELS + p] / 255.0,
                                        1e-6);
    }
  g_assert_false (in_order);
}

static void
test_loader_reproducible (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(StrataDataset) dataset = open_fixture (fixture, 42, NULL);
  StrataLoaderOptions one = { .batch = 16, .shuffle = TRUE, .seed = 9, .n_threads = 1 };
  StrataLoaderOptions three = { .batch = 16, .shuffle = TRUE, .seed = 9, .n_threads = 3 };
  StrataLoaderOptions other_seed = { .batch = 16, .shuffle = TRUE, .seed = 10, .n_threads = 2 };
  g_autoptr(Epoch) a = run_epoch (dataset, STRATA_SPLIT_TRAIN, &one, 3, 0);
  g_autoptr(Epoch) b = run_epoch (dataset, STRATA_SPLIT_TRAIN, &three, 3, 0);
  g_autoptr(Epoch) next = run_epoch (dataset, STRATA_SPLIT_TRAIN, &three, 4, 0);
  g_autoptr(Epoch) c = run_epoch (dataset, STRATA_SPLIT_TRAIN, &other_seed, 3, 0);

  /* thread count changes nothing */
  assert_same_epoch (a, b);
  /* another epoch or seed reshuffles */
  g_assert_cmpmem (a->items->data, 16, a->items->data, 16);
  g_assert_true (memcmp (a->items->data, next->items->data, a->items->len * sizeof (guint)));
  g_assert_true (memcmp (a->items->data, c->items->data, a->items->len * sizeof (guint)));
}

static void
test_loader_resume (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(StrataDataset) dataset = open_fixture (fixture, 42, NULL);
  StrataLoaderOptions options = { .batch = 24, .shuffle = TRUE, .seed = 77, .n_threads = 2 };
  g_autoptr(Epoch) full = run_epoch (dataset, STRATA_SPLIT_TRAIN, &options, 2, 0);
  g_autoptr(Epoch) rest = run_epoch (dataset, STRATA_SPLIT_TRAIN, &options, 2, 3);
  g_autoptr(Epoch) none = run_epoch (dataset, STRATA_SPLIT_TRAIN, &options, 2, 100);
  gsize skip = 3 * 24;

  g_assert_cmpuint (rest->n_batches, ==, full->n_batches - 3);
  g_assert_cmpmem (rest->items->data, rest->items->len * sizeof (guint),
                   (guint *) full->items->data + skip, (full->items->len - skip) * sizeof (guint));
  g_assert_cmpmem (rest->images->data, rest->images->len * sizeof (float),
                   (float *) full->images->data + skip * PIXELS,
                   (full->images->len - skip * PIXELS) * sizeof (float));
  g_assert_cmpuint (none->n_batches, ==, 0);
}

static void
test_loader_restart (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(StrataDataset) dataset = open_fixture (fixture, 42, NULL);
  StrataLoaderOptions options = { .batch = 8, .shuffle = FALSE, .seed = 1, .n_threads = 2 };
  g_autoptr(StrataLoader) loader = strata_loader_new (dataset, STRATA_SPLIT_VALIDATION,
                                                      &options, NULL);
  float images[8 * PIXELS];
  gint32 labels[8];
  guint n, total = 0;

  /* without start_epoch: epoch 0 from the start, in split order */
  g_assert_true (strata_loader_next (loader, images, labels, &n, NULL));
  g_assert_cmpuint (n, ==, 8);
  for (guint k = 0; k < n; k++)
    g_assert_cmpuint (strata_loader_get_batch_items (loader)[k], ==, k);
  /* abandoning an epoch half way and starting another is fine */
  strata_loader_start_epoch (loader, 1, 0);
  while (strata_loader_next (loader, images, labels, &n, NULL))
    total += n;
  g_assert_cmpuint (total, ==, 20);
  g_assert_cmpuint (strata_loader_get_n_batches (loader), ==, 3);
  /* after the end, stays at the end */
  g_assert_false (strata_loader_next (loader, images, labels, &n, NULL));
  /* and freeing with work queued is fine */
  strata_loader_start_epoch (loader, 2, 0);
}

/* Damaged files ----------------------------------------------------------------------------- */

static void
replace_file (Fixture      *fixture,
              const char   *name,
              const guint8 *data,
              gsize         size,
              gboolean      gzip)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  if (gzip)
    write_gz (path, data, size);
  else
    g_assert_true (g_file_set_contents (path, (const char *) data, size, NULL));
}

static void
assert_open_fails (Fixture    *fixture,
                   int         code,
                   const char *must_mention)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = open_fixture (fixture, 1, &error);

  g_test_message ("%s", error ? error->message : "(no error)");
  g_assert_null (dataset);
  g_assert_error (error, STRATA_DATASET_ERROR, code);
  g_assert_nonnull (strstr (error->message, must_mention));
}

static void
test_corrupt_files (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *good = NULL;
  gsize good_size;
  g_autoptr(GByteArray) header = NULL;
  guint8 labels[200];

  g_assert_true (g_file_get_contents (path, &good, &good_size, NULL));

  /* gzip stream cut short */
  replace_file (fixture, "train-images-idx3-ubyte.gz", (guint8 *) good, good_size / 2, FALSE);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "truncated");

  /* gzip with a damaged body: flip bytes in the middle */
  {
    g_autofree guint8 *bad = g_memdup2 (good, good_size);

    for (gsize i = good_size / 3; i < good_size / 3 + 64; i++)
      bad[i] ^= 0x5a;
    replace_file (fixture, "train-images-idx3-ubyte.gz", bad, good_size, FALSE);
    assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "train-images-idx3-ubyte.gz");
  }

  /* not gzip and not IDX */
  replace_file (fixture, "train-images-idx3-ubyte.gz", (guint8 *) "hello, world", 12, FALSE);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "magic number");

  /* a labels file where the images should be */
  header = idx_labels (fixture->train_labels, 200);
  replace_file (fixture, "train-images-idx3-ubyte.gz", header->data, header->len, TRUE);
  g_clear_pointer (&header, g_byte_array_unref);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "0x00000803");

  /* the header announces more images than there are */
  header = idx_images (fixture->train_pixels, 200);
  replace_file (fixture, "train-images-idx3-ubyte.gz", header->data, header->len - 5 * PIXELS,
                TRUE);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "data for only 195");
  /* only half a header */
  replace_file (fixture, "train-images-idx3-ubyte.gz", header->data, 10, TRUE);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "header");
  /* absurd dimensions */
  header->data[11] = 0xff;
  header->data[10] = 0xff;
  replace_file (fixture, "train-images-idx3-ubyte.gz", header->data, header->len, TRUE);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "can't be right");
  g_clear_pointer (&header, g_byte_array_unref);

  /* good images again; now the labels: too few */
  replace_file (fixture, "train-images-idx3-ubyte.gz", (guint8 *) good, good_size, FALSE);
  header = idx_labels (fixture->train_labels, 150);
  replace_file (fixture, "train-labels-idx1-ubyte.gz", header->data, header->len, TRUE);
  g_clear_pointer (&header, g_byte_array_unref);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "150 labels");

  /* a label out of range */
  memcpy (labels, fixture->train_labels, 200);
  labels[17] = 10;
  header = idx_labels (labels, 200);
  replace_file (fixture, "train-labels-idx1-ubyte.gz", header->data, header->len, TRUE);
  g_clear_pointer (&header, g_byte_array_unref);
  assert_open_fails (fixture, STRATA_DATASET_ERROR_CORRUPT, "item 17");

  /* a missing file */
  g_unlink (path);
  {
    g_autofree char *labels_path = g_build_filename (fixture->dir, "train-labels-idx1-ubyte.gz",
                                                     NULL);
    g_unlink (labels_path);
  }
  assert_open_fails (fixture, STRATA_DATASET_ERROR_NOT_FOUND, "train-images-idx3-ubyte.gz");
}

static void
test_uncompressed (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GByteArray) images = idx_images (fixture->train_pixels, 200);
  g_autofree char *gz = g_build_filename (fixture->dir, "train-images-idx3-ubyte.gz", NULL);
  g_autofree char *plain = g_build_filename (fixture->dir, "train-images-idx3-ubyte", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = NULL;

  g_unlink (gz);
  g_assert_true (g_file_set_contents (plain, (char *) images->data, images->len, NULL));
  dataset = open_fixture (fixture, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN), ==, 180);
}

/* The real thing ---------------------------------------------------------------------------- */

static void
test_fashion_mnist (void)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new_fashion_mnist ();
  g_autofree char *dir = strata_dataset_settings_dup_source_path (settings, NULL);
  g_autofree char *probe = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  StrataLoaderOptions options = { .batch = 64, .shuffle = TRUE, .seed = 1, .n_threads = 2 };
  g_autoptr(StrataLoader) loader = NULL;
  g_autofree float *images = g_new (float, 64 * PIXELS);
  gint32 labels[64];
  guint counts[N_CLASSES], n;
  g_autofree float *one = g_new (float, PIXELS);

  if (!g_file_test (probe, G_FILE_TEST_EXISTS))
    {
      test_skip_missing ("Fashion-MNIST (dataset-fashion-mnist)");
      return;
    }
  dataset = strata_dataset_open (settings, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN), ==, 54000);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION), ==, 6000);
  g_assert_cmpuint (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST), ==, 10000);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_VALIDATION, counts);
  for (guint c = 0; c < N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, 600);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_TRAIN, counts);
  for (guint c = 0; c < N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, 5400);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_TEST, counts);
  for (guint c = 0; c < N_CLASSES; c++)
    g_assert_cmpuint (counts[c], ==, 1000);

  loader = strata_loader_new (dataset, STRATA_SPLIT_TRAIN, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_loader_get_n_batches (loader), ==, 844);   /* 843 × 64 + 48 */
  strata_loader_start_epoch (loader, 0, 843);
  g_assert_true (strata_loader_next (loader, images, labels, &n, &error));
  g_assert_cmpuint (n, ==, 48);
  /* a batch image is the image load_image gives */
  g_assert_true (strata_dataset_load_image (dataset, STRATA_SPLIT_TRAIN,
                                            strata_loader_get_batch_items (loader)[47], 0, 1,
                                            FALSE, one, &error));
  g_assert_cmpmem (one, PIXELS * sizeof (float), images + 47 * PIXELS, PIXELS * sizeof (float));
  for (guint p = 0; p < 48 * PIXELS; p++)
    g_assert_true (images[p] >= 0 && images[p] <= 1);
}

/* A gzip stream of a few bytes whose trailer claims 4 GiB: the first guess at the size is
 * bounded by what deflate can make of the input, not by the trailer (a fuzz-gzip finding). */
static void
test_gzip_size_claim (void)
{
  if (g_test_subprocess ())
    {
      static const char plain[] = "twelve bytes";
      g_autoptr(GBytes) packed = NULL;
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *data = NULL;
      gsize size = 0;
      struct rlimit limit = { 512 << 20, 512 << 20 };
      z_stream z = { 0 };

      g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==,
                       Z_OK);
      data = g_malloc (256);
      z.next_in = (Bytef *) plain;
      z.avail_in = strlen (plain);
      z.next_out = data;
      z.avail_out = 256;
      g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
      size = z.total_out;
      deflateEnd (&z);
      memset (data + size - 4, 0xff, 4);    /* ISIZE: 4 GiB - 1 */
      packed = g_bytes_new (data, size);

      /* without the bound, the first guess alone is more than the address space */
      g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
      out = strata_gzip_inflate (packed, "claim.gz", G_MAXSIZE / 2, &error);
      /* zlib checks the claim against what it inflated */
      g_assert_null (out);
      g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT);
      return;
    }
#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer reserves more address space than the limit");
  return;
#endif
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/dataset-idx/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("counts", test_counts);
  ADD ("split-seeded", test_split_seeded);
  ADD ("loader-epoch", test_loader_epoch);
  ADD ("loader-reproducible", test_loader_reproducible);
  ADD ("loader-resume", test_loader_resume);
  ADD ("loader-restart", test_loader_restart);
  ADD ("corrupt", test_corrupt_files);
  ADD ("uncompressed", test_uncompressed);
#undef ADD
  g_test_add_func ("/dataset-idx/gzip-size-claim", test_gzip_size_claim);
  g_test_add_func ("/dataset-idx/fashion-mnist", test_fashion_mnist);
  return g_test_run ();
}
