/* test-dataset-select.c: a dataset of some classes, with few training images of each
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "strata-dataset.h"
#include "strata-test-util.h"

static StrataDataset *
open_fashion_mnist (const char *const *classes,
                    guint               per_class,
                    guint64             seed,
                    GError            **error)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new_fashion_mnist ();

  g_object_set (settings, "select-classes", classes, "max-train-per-class", per_class,
                "split-seed", seed, NULL);
  return strata_dataset_open (settings, NULL, NULL, error);
}

static gboolean
have_fashion_mnist (void)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new_fashion_mnist ();
  g_autofree char *dir = strata_dataset_settings_dup_source_path (settings, NULL);
  g_autofree char *probe = g_build_filename (dir, "train-images-idx3-ubyte.gz", NULL);

  if (g_file_test (probe, G_FILE_TEST_EXISTS))
    return TRUE;
  test_skip_missing ("Fashion-MNIST (dataset-fashion-mnist)");
  return FALSE;
}

static void
test_select (void)
{
  static const char *const classes[] = { "Sneaker", "Sandal", "Bag", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataDataset) again = NULL;
  g_autoptr(StrataDataset) other_seed = NULL;
  guint counts[3];
  gboolean same = TRUE, differs = FALSE;

  if (!have_fashion_mnist ())
    return;
  dataset = open_fashion_mnist (classes, 300, 1, &error);
  g_assert_no_error (error);
  /* the selected classes, in the order given */
  g_assert_cmpstrv (strata_dataset_get_class_names (dataset), classes);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_TRAIN, counts);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpuint (counts[c], ==, 300);
  /* validation and test keep all their images of those classes */
  strata_dataset_count_classes (dataset, STRATA_SPLIT_VALIDATION, counts);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpuint (counts[c], ==, 600);
  strata_dataset_count_classes (dataset, STRATA_SPLIT_TEST, counts);
  for (guint c = 0; c < 3; c++)
    g_assert_cmpuint (counts[c], ==, 1000);

  /* the draw is reproducible, and follows the seed */
  again = open_fashion_mnist (classes, 300, 1, &error);
  other_seed = open_fashion_mnist (classes, 300, 2, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 900; i++)
    {
      g_autofree char *a = strata_dataset_dup_item_name (dataset, STRATA_SPLIT_TRAIN, i);
      g_autofree char *b = strata_dataset_dup_item_name (again, STRATA_SPLIT_TRAIN, i);
      g_autofree char *c = strata_dataset_dup_item_name (other_seed, STRATA_SPLIT_TRAIN, i);
      same &= g_str_equal (a, b);
      differs |= !g_str_equal (a, c);
    }
  g_assert_true (same);
  g_assert_true (differs);
}

static void
test_unknown_class (void)
{
  static const char *const classes[] = { "Sneaker", "Hat", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = NULL;

  if (!have_fashion_mnist ())
    return;
  dataset = open_fashion_mnist (classes, 0, 1, &error);
  g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Hat"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dataset/select-classes", test_select);
  g_test_add_func ("/dataset/select-unknown-class", test_unknown_class);
  return g_test_run ();
}
