/* test-export-slow.c: the example's exported zip agrees with Strata on the whole test split;
 * a PyTorch export trains under torchrun with two processes and comes back as a run
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "strata-evaluate.h"
#include "strata-export-pytorch.h"
#include "strata-export.h"
#include "strata-run-import.h"
#include "strata-run.h"
#include "strata-test-project.h"
#include "strata-test-util.h"

/* Batches the example network trains before its export: enough to be a real classifier. */
#define EXAMPLE_BATCHES 300

static char *tmpdir;
static char *python;

static void
test_example_zip_whole_split (void)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataExportResult) result = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "example", "fashion-mnist.strata", NULL);
  g_autofree char *zip = g_build_filename (tmpdir, "example.zip", NULL);
  StrataExportOptions options = {
    .check_images = G_MAXUINT,
    .check_split = STRATA_SPLIT_TEST,
    .require_check = TRUE,
    .python = python,
    .backend = "torch",
  };
  gint64 start;

  if (python == NULL)
    {
      test_skip_missing ("python3 with numpy, torch and h5py");
      return;
    }
  /* the example as `strata new --example fashion-mnist` writes it */
  project = strata_project_new_example ("fashion-mnist", &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (g_path_get_dirname (path), 0755);
  g_assert_true (strata_project_save_as (project, path, &error));
  g_clear_object (&project);
  start = g_get_monotonic_time ();
  test_train_run (path, "run-1", EXAMPLE_BATCHES);
  g_test_message ("trained %d batches in %.0f s", EXAMPLE_BATCHES,
                  (g_get_monotonic_time () - start) / 1e6);
  project = strata_project_load (path, &error);
  g_assert_no_error (error);
  eval = strata_evaluate (project, "run-1", STRATA_SPLIT_TEST, NULL, NULL, &error);
  g_assert_no_error (error);

  result = strata_export_zip (project, "run-1", zip, &options, NULL, &error);
  g_assert_no_error (error);
  /* every one of the 10000 images: same class, probabilities within 1e-4 */
  g_assert_true (result->checked);
  g_assert_cmpuint (result->check_images, ==, 10000);
  g_assert_cmpfloat (result->check_max_difference, <=, STRATA_EXPORT_TOLERANCE);
  g_test_message ("test accuracy %.4f; export of %.1f MB checked on %u test images, largest "
                  "probability difference %.3g; test.py took %.1f s, the export %.1f s",
                  eval->accuracy, result->zip_bytes / 1e6, result->check_images,
                  result->check_max_difference, result->check_seconds, result->seconds);
}

static char *
torchrun (void)
{
  if (g_file_test ("/usr/bin/torchrun", G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("/usr/bin/torchrun");
  return g_find_program_in_path ("torchrun");
}

static void
test_pytorch_torchrun (void)
{
  g_autofree char *path = NULL, *launcher = torchrun ();
  g_autofree char *dir = g_build_filename (tmpdir, "pytorch", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "pytorch-out", NULL);
  g_autofree char *train_py = g_build_filename (dir, "train.py", NULL);
  g_autofree char *port = g_strdup_printf ("%d", 29500 + getpid () % 2000);
  g_autofree char *output = NULL, *imported = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataEvaluation) eval = NULL, before = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  StrataPytorchExportOptions options = { .max_images = 4000 };
  g_autofree char *runs = NULL;
  double val_accuracy;
  gint64 start;

  if (python == NULL || launcher == NULL)
    {
      test_skip_missing ("torchrun, or python3 with numpy and torch");
      return;
    }
  path = test_write_small_project (tmpdir, "small");
  test_train_run (path, "base", 100);
  project = strata_project_load (path, &error);
  g_assert_no_error (error);
  before = strata_evaluate (project, "base", STRATA_SPLIT_VALIDATION, "last", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strata_export_pytorch (project, "base", dir, &options, NULL, &error));
  g_assert_no_error (error);

  /* two processes over Gloo on this machine. torch 1.13's torchrun on Python 3.11 needs
   * --redirects and --tee other than 0 (its Std.from_str misses IntFlag's 0). */
  start = g_get_monotonic_time ();
  {
    g_autofree char *master_port = g_strconcat ("--master_port=", port, NULL);
    const char *argv[] = { launcher, "--redirects", "1", "--tee", "1", "--nproc_per_node=2",
                           "--master_addr=127.0.0.1", master_port, train_py, "--epochs", "2",
                           "--out", out, "--workers", "1", NULL };
    int status = test_run_python (argv, &output);

    g_test_message ("%s", output);
    g_assert_cmpint (status, ==, 0);
  }
  g_test_message ("torchrun, 2 processes, 2 epochs of %u images: %.1f s", options.max_images,
                  (g_get_monotonic_time () - start) / 1e6);

  imported = strata_import_run (project, out, "base-ddp", &error);
  g_assert_no_error (error);
  runs = strata_project_dup_runs_dir (project);
  run = strata_run_open (runs, imported, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (strata_run_get_info (run), "world_size"), ==, 2);
  records = strata_run_read_metrics (run, &error);
  g_assert_cmpuint (records->len, ==, 2);
  val_accuracy = json_object_get_double_member (json_node_get_object (
                                                  g_ptr_array_index (records, 1)),
                                                "val_accuracy");

  /* Strata measures the imported weights as train.py did */
  eval = strata_evaluate (project, imported, STRATA_SPLIT_VALIDATION, "last", NULL, &error);
  g_assert_no_error (error);
  g_test_message ("validation accuracy: %.4f before; after: train.py %.4f (its exported share "
                  "of the split), Strata %.4f (all of it)", before->accuracy, val_accuracy,
                  eval->accuracy);
  /* it went on learning from where the run was */
  g_assert_cmpfloat (eval->accuracy, >, before->accuracy + 0.05);
  g_assert_cmpfloat (fabs (eval->accuracy - val_accuracy), <, 0.05);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_tmpdir ();
  python = test_python ();

  g_test_add_func ("/export-slow/example-zip-whole-split", test_example_zip_whole_split);
  g_test_add_func ("/export-slow/pytorch-torchrun", test_pytorch_torchrun);
  status = g_test_run ();
  if (status == 0)
    test_remove_tree (tmpdir);
  return status;
}
