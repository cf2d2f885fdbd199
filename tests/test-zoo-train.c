/* test-zoo-train.c: training with a frozen backbone: the frozen-feature cache changes nothing
 * but the speed; pretrained weights from a checkpoint; the transfer example's projects
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "strata-examples.h"
#include "strata-test-util.h"
#include "strata-trainer.h"
#include "strata-zoo.h"

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

/* The transfer example's fine-tuning project, made small: 32 images of each class, 100 to
 * validate, a backbone sixteen times narrower. */
static char *
small_transfer_project (const char *dir,
                        const char *example,
                        const char *weights_file)
{
  g_autoptr(StrataProject) project = strata_project_new_example (example, NULL);
  StrataGraph *graph = strata_project_get_graph (project);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strconcat (example, ".strata", NULL);
  char *path = g_build_filename (dir, file, NULL);

  g_assert_nonnull (project);
  g_assert_true (strata_graph_set_param (graph, "backbone", "width_divisor",
                                         g_variant_new_int32 (16), &error));
  if (weights_file)
    g_assert_true (strata_graph_set_param (graph, "backbone", "weights_file",
                                           g_variant_new_string (weights_file), &error));
  g_object_set (strata_project_get_dataset (project), "max-train-per-class", 32,
                "split-by", STRATA_SPLIT_BY_COUNT, "validation-count", 100, NULL);
  g_object_set (strata_project_get_hyperparams (project), "epochs", 3, "batch-size", 32, NULL);
  g_assert_true (strata_project_save_as (project, path, &error));
  g_assert_no_error (error);
  return path;
}

static char *
train (const char *path,
       const char *run)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *runs = NULL;
  g_autofree char *metrics_path = NULL;
  StrataTrainOptions options = { .run_name = run };
  char *metrics = NULL;

  project = strata_project_load (path, &error);
  g_assert_no_error (error);
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  runs = strata_project_dup_runs_dir (project);
  metrics_path = g_build_filename (runs, run, "metrics.jsonl", NULL);
  g_assert_true (g_file_get_contents (metrics_path, &metrics, NULL, NULL));
  return metrics;
}

/* Losses and accuracies, epoch by epoch, without the timings. */
static char *
figures (const char *metrics)
{
  g_auto(GStrv) lines = g_strsplit (metrics, "\n", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      const char *cut = strstr (lines[i], "\"lr\"");
      if (cut)
        g_string_append_len (s, lines[i], cut - lines[i]);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* With most of the backbone trainable and no augmentation, a run that reuses the frozen
 * layers' outputs from the second epoch on is the same run, bit for bit. */
static void
test_cache_same_run (void)
{
  g_autofree char *dir = NULL, *path = NULL;
  g_autofree char *cached = NULL, *uncached = NULL, *a = NULL, *b = NULL;

  if (!have_fashion_mnist ())
    return;
  dir = test_tmpdir ();
  path = small_transfer_project (dir, "transfer-scratch", NULL);
  {
    /* the scratch project trains all of it: freeze the bottom tenth, whose outputs the
     * rest reads early in the step */
    g_autoptr(StrataProject) project = strata_project_load (path, NULL);
    g_assert_true (strata_graph_set_param (strata_project_get_graph (project), "backbone",
                                           "trainable_percent", g_variant_new_int32 (90), NULL));
    g_assert_true (strata_project_save (project, NULL));
  }
  g_setenv ("STRATA_FEATURE_CACHE_MIB", "0", TRUE);
  uncached = train (path, "uncached");
  g_setenv ("STRATA_FEATURE_CACHE_MIB", "", TRUE);   /* the default */
  cached = train (path, "cached");
  a = figures (uncached);
  b = figures (cached);
  g_test_message ("%s", b);
  g_assert_cmpstr (a, ==, b);
}

/* A checkpoint of one project gives the backbone of another its weights: the pretrain and
 * fine-tune projects of the transfer example, small. */
static void
test_transfer_projects (void)
{
  g_autofree char *dir = NULL, *pretrain = NULL, *fine = NULL;
  g_autofree char *metrics = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *names = strata_examples_list_projects ("transfer");

  g_assert_cmpstrv (names, ((const char *[]) { "transfer-pretrain", "transfer",
                                              "transfer-scratch", NULL }));
  if (!have_fashion_mnist ())
    return;
  dir = test_tmpdir ();
  pretrain = small_transfer_project (dir, "transfer-pretrain", NULL);
  fine = small_transfer_project (dir, "transfer", NULL);
  g_free (train (pretrain, "base"));
  metrics = train (fine, "fine-tuned");
  g_assert_nonnull (strstr (metrics, "\"epoch\":3"));

  /* a missing weights file is a clear error */
  project = strata_project_load (fine, &error);
  g_assert_true (strata_graph_set_param (strata_project_get_graph (project), "backbone",
                                         "weights_file", g_variant_new_string ("nowhere.h5"),
                                         NULL));
  g_assert_true (strata_project_save (project, &error));
  {
    StrataTrainOptions options = { .run_name = "missing" };
    g_autoptr(StrataTrainer) trainer = strata_trainer_new (project, &options, &error);
    g_assert_null (trainer);
    g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "nowhere.h5"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/zoo/train/feature-cache", test_cache_same_run);
  g_test_add_func ("/zoo/train/transfer-projects", test_transfer_projects);
  return g_test_run ();
}
