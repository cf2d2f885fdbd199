/* test-runs.c: renaming, deleting and comparing runs; the learning-rate finder; a run
 * exported to PyTorch, trained by train.py and imported back
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "strata-evaluate.h"
#include "strata-export-pytorch.h"
#include "strata-export.h"
#include "strata-lr-finder.h"
#include "strata-run-import.h"
#include "strata-run.h"
#include "strata-runs.h"
#include "strata-test-project.h"
#include "strata-test-util.h"
#include "strata-trainer.h"

static char *tmpdir;
static char *project_path;
static char *python;

static StrataProject *
load (void)
{
  g_autoptr(GError) error = NULL;
  StrataProject *project = strata_project_load (project_path, &error);

  g_assert_no_error (error);
  return project;
}

static gboolean
run_dir_exists (const char *name)
{
  g_autofree char *dir = g_build_filename (tmpdir, "small.runs", name, NULL);

  return g_file_test (dir, G_FILE_TEST_IS_DIR);
}

static gboolean
listed (StrataProject *project,
        const char    *name)
{
  g_auto(GStrv) names = strata_project_dup_run_names (project);

  return g_strv_contains ((const char *const *) names, name);
}

static void
check_child_follows (StrataProject *project,
                     const char    *runs)
{
  g_autoptr(StrataRun) child = strata_run_open (runs, "b", NULL);

  g_assert_nonnull (child);
  g_assert_cmpstr (json_object_get_string_member (strata_run_get_info (child), "init_from"), ==,
                   "first:last");
}

static void
test_rename (void)
{
  g_autoptr(StrataProject) project = load ();
  g_autoptr(StrataProject) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(StrataRun) child = NULL;
  g_autofree char *runs = g_build_filename (tmpdir, "small.runs", NULL);
  g_auto(GStrv) names = NULL;

  /* "b" started from "a"'s weights */
  test_train_run (project_path, "b", 2);
  g_clear_object (&project);
  project = load ();
  child = strata_run_open (runs, "b", &error);
  g_assert_no_error (error);
  json_object_set_string_member (strata_run_get_info (child), "init_from", "a:last");
  g_assert_true (strata_run_save_info (child, &error));
  g_clear_object (&child);

  /* whoever redraws on runs-changed already reads the new reference */
  g_signal_connect (project, "runs-changed", G_CALLBACK (check_child_follows), runs);
  g_assert_true (strata_runs_rename (project, "a", "first", &error));
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_func (project, check_child_follows, runs);
  g_assert_false (run_dir_exists ("a"));
  g_assert_true (run_dir_exists ("first"));
  run = strata_run_open (runs, "first", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (strata_run_get_info (run), "name"), ==, "first");
  child = strata_run_open (runs, "b", &error);
  g_assert_cmpstr (json_object_get_string_member (strata_run_get_info (child), "init_from"), ==,
                   "first:last");
  /* saved, and in the same place in the list */
  reloaded = load ();
  names = strata_project_dup_run_names (reloaded);
  g_assert_cmpstr (names[0], ==, "first");
  g_assert_cmpstr (names[1], ==, "b");

  g_assert_false (strata_runs_rename (project, "first", "b", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (strata_runs_rename (project, "first", "../x", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_BAD_NAME);
  g_clear_error (&error);
  g_assert_false (strata_runs_rename (project, "nope", "x", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (strata_runs_rename (project, "first", "a", &error));
  g_assert_no_error (error);

  /* a project with unsaved edits is not saved behind its owner's back */
  strata_project_set_modified (project, TRUE);
  g_assert_true (strata_runs_rename (project, "a", "unsaved", &error));
  g_assert_true (listed (project, "unsaved"));
  g_assert_true (strata_project_get_modified (project));
  g_clear_object (&reloaded);
  reloaded = load ();
  g_assert_true (listed (reloaded, "a"));
  g_assert_true (strata_project_save (project, &error));
  g_assert_true (strata_runs_rename (project, "unsaved", "a", &error));
  g_assert_no_error (error);
}

static void
test_trash (void)
{
  g_autoptr(StrataProject) project = load ();
  g_autoptr(StrataProject) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *again = NULL, *restored = NULL;
  g_autofree char *trash = g_build_filename (tmpdir, "small.runs", STRATA_RUNS_TRASH_DIR, NULL);

  id = strata_runs_trash (project, "b", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (id, "b@"));
  g_assert_false (run_dir_exists ("b"));
  reloaded = load ();
  g_assert_false (listed (reloaded, "b"));

  /* a new run takes the name meanwhile: restoring must not clobber it */
  test_train_run (project_path, "b", 1);
  g_clear_object (&project);
  project = load ();
  restored = strata_runs_restore (project, id, &error);
  g_assert_null (restored);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_EXISTS);
  g_clear_error (&error);

  again = strata_runs_trash (project, "b", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, !=, id);
  restored = strata_runs_restore (project, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (restored, ==, "b");
  g_assert_true (run_dir_exists ("b"));
  g_assert_true (listed (project, "b"));

  g_assert_null (strata_runs_restore (project, "b@nonsense", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (strata_runs_restore (project, "../../etc@x", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (strata_runs_trash (project, "nope", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (strata_runs_empty_trash (project, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (trash, G_FILE_TEST_EXISTS));
  g_assert_true (strata_runs_empty_trash (project, &error));
}

static StrataSettingsChange *
find_change (GPtrArray  *changes,
             const char *key)
{
  for (guint i = 0; i < changes->len; i++)
    {
      StrataSettingsChange *change = g_ptr_array_index (changes, i);

      if (g_str_equal (change->key, key))
        return change;
    }
  return NULL;
}

static void
test_diff (void)
{
  g_autoptr(StrataProject) project = load ();
  g_autoptr(JsonNode) a = strata_project_dup_settings_json (project);
  g_autofree char *text = json_to_string (a, FALSE);
  /* a deep copy: json_node_copy() shares objects */
  g_autoptr(JsonNode) b = json_from_string (text, NULL);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *root = json_node_get_object (b);
  JsonArray *nodes = json_object_get_array_member (json_object_get_object_member (root, "model"),
                                                   "nodes");
  StrataSettingsChange *change;

  changes = strata_settings_diff (a, a);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);

  json_object_set_double_member (json_object_get_object_member (root, "hyperparameters"),
                                 "learning_rate", 0.01);
  /* conv2d's filters change and it moves on the canvas; a layer is added */
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_str_equal (json_object_get_string_member (node, "id"), "conv2d"))
        {
          json_object_set_int_member (json_object_get_object_member (node, "params"),
                                      "filters", 7);
          json_object_set_array_member (node, "position", json_array_new ());
        }
    }
  {
    JsonObject *extra = json_object_new ();

    json_object_set_string_member (extra, "id", "extra");
    json_object_set_string_member (extra, "type", "Dropout");
    json_array_add_object_element (nodes, extra);
  }

  changes = strata_settings_diff (a, b);
  g_assert_cmpuint (changes->len, ==, 3);
  change = find_change (changes, "hyperparameters.learning_rate");
  g_assert_nonnull (change);
  g_assert_cmpfloat (json_node_get_double (change->after), ==, 0.01);
  change = find_change (changes, "model.nodes.conv2d.params.filters");
  g_assert_nonnull (change);
  g_assert_cmpint (json_node_get_int (change->before), ==, 4);
  g_assert_cmpint (json_node_get_int (change->after), ==, 7);
  change = find_change (changes, "model.nodes.extra");
  g_assert_nonnull (change);
  g_assert_null (change->before);

  json = strata_settings_diff_to_json (changes);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, 3);
  g_clear_pointer (&changes, g_ptr_array_unref);

  /* two runs of the same settings differ in nothing */
  changes = strata_runs_diff (project, "a", "b", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 0);
  g_clear_pointer (&changes, g_ptr_array_unref);
  changes = strata_runs_diff (project, "a", "nope", &error);
  g_assert_null (changes);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
}

/* LR finder ---------------------------------------------------------------------------------- */

static void
test_lr_suggest (void)
{
  double lr[50], loss[50], lowest;
  double suggested;

  /* flat, a fall that is steepest at point 30, a minimum at 38, then a climb */
  for (guint i = 0; i < 50; i++)
    {
      double x = i;

      lr[i] = 1e-6 * pow (10, i / 7.0);
      loss[i] = i < 38 ? 2.0 - 1.0 / (1.0 + exp (-(x - 30) / 2.0)) : 1.0 + 0.2 * (x - 38);
    }
  suggested = strata_lr_finder_suggest (lr, loss, 50, &lowest);
  g_assert_cmpfloat (lowest, ==, lr[38]);
  g_assert_cmpfloat (suggested, ==, lr[30]);

  /* a loss that only rises has no suggestion */
  for (guint i = 0; i < 50; i++)
    loss[i] = 1.0 + i;
  g_assert_true (isnan (strata_lr_finder_suggest (lr, loss, 50, NULL)));
}

static guint64
file_mtime (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mtime * G_GUINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
}

static void
test_lr_find (void)
{
  g_autoptr(StrataProject) project = load ();
  g_autoptr(StrataLrFinderResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_auto(GStrv) before = strata_project_dup_run_names (project);
  g_auto(GStrv) after = NULL;
  guint64 mtime = file_mtime (project_path);
  StrataLrFinderOptions options = { .start_lr = 1e-5, .end_lr = 100, .steps = 40 };

  result = strata_lr_find (project, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n, >, 5);
  g_assert_cmpuint (result->n, <=, 40);
  g_assert_cmpfloat_with_epsilon (result->lr[0], 1e-5, 1e-12);
  for (guint i = 1; i < result->n; i++)
    g_assert_cmpfloat (result->lr[i], >, result->lr[i - 1]);
  if (result->n == 40)
    g_assert_cmpfloat_with_epsilon (result->lr[39], 100, 1e-9);
  g_assert_cmpstr (result->optimizer, ==, "adam");
  g_test_message ("lr-find: %u steps, suggested %g, lowest loss at %g%s", result->n,
                  result->suggested_lr, result->min_loss_lr,
                  result->diverged ? ", diverged" : "");
  json = strata_lr_finder_result_to_json (result);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (json), "points")), ==, result->n);

  /* the project and its runs are as they were */
  g_assert_cmpuint (file_mtime (project_path), ==, mtime);
  g_clear_object (&project);
  project = load ();
  after = strata_project_dup_run_names (project);
  g_assert_true (g_strv_equal ((const char *const *) before, (const char *const *) after));

  options.end_lr = options.start_lr / 2;
  g_clear_pointer (&result, strata_lr_finder_result_free);
  result = strata_lr_find (project, &options, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID);
}

/* PyTorch export, train.py in one process, import --------------------------------------------- */

static void
test_pytorch_round_trip (void)
{
  g_autoptr(StrataProject) project = load ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "pytorch", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "pytorch-out", NULL);
  g_autofree char *train_py = g_build_filename (dir, "train.py", NULL);
  g_autofree char *imported = NULL, *metrics = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autofree char *runs = g_build_filename (tmpdir, "small.runs", NULL);
  g_autoptr(GPtrArray) records = NULL;
  StrataPytorchExportOptions options = { .max_images = 300 };
  JsonObject *info;

  g_assert_true (strata_export_pytorch (project, "a", dir, &options, NULL, &error));
  g_assert_no_error (error);
  /* not over a folder that has something in it */
  g_assert_false (strata_export_pytorch (project, "a", dir, &options, NULL, &error));
  g_assert_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE);
  g_clear_error (&error);
  if (python == NULL)
    {
      test_skip_missing ("python3 with numpy and torch");
      return;
    }
  {
    const char *argv[] = { python, train_py, "--epochs", "2", "--out", out, "--workers", "0",
                           NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }

  imported = strata_import_run (project, out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imported, ==, "a-pytorch");
  run = strata_run_open (runs, imported, &error);
  g_assert_no_error (error);
  info = strata_run_get_info (run);
  g_assert_cmpint (json_object_get_int_member (info, "epochs_done"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (info, "init_from"), ==, "a:last");
  g_assert_true (strata_run_has_checkpoint (run, "last"));
  records = strata_run_read_metrics (run, &error);
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_true (json_object_has_member (json_node_get_object (g_ptr_array_index (records, 1)),
                                         "val_accuracy"));

  /* the imported run is a run like any other */
  eval = strata_evaluate (project, imported, STRATA_SPLIT_TEST, "last", NULL, &error);
  g_assert_no_error (error);
  g_test_message ("imported run: test accuracy %.3f", eval->accuracy);
  {
    StrataTrainOptions resume = { .resume = imported, .epochs = 3, .max_batches = 2 };
    g_autoptr(StrataTrainer) trainer = strata_trainer_new (project, &resume, &error);

    g_assert_no_error (error);
    g_assert_true (strata_trainer_run (trainer, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  /* a second import gets a name of its own; a file that is not train.py's is refused */
  g_free (imported);
  imported = strata_import_run (project, out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imported, ==, "a-pytorch-2");
  g_free (imported);
  {
    g_autofree char *checkpoint = g_build_filename (runs, "a", "checkpoint-last.safetensors",
                                                    NULL);
    imported = strata_import_run (project, checkpoint, "x", &error);
    g_assert_null (imported);
    g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT);
    g_assert_false (run_dir_exists ("x"));
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_tmpdir ();
  python = test_python ();
  project_path = test_write_small_project (tmpdir, "small");
  test_train_run (project_path, "a", 3);

  g_test_add_func ("/runs/rename", test_rename);
  g_test_add_func ("/runs/trash", test_trash);
  g_test_add_func ("/runs/diff", test_diff);
  g_test_add_func ("/runs/lr-suggest", test_lr_suggest);
  g_test_add_func ("/runs/lr-find", test_lr_find);
  g_test_add_func ("/runs/pytorch-round-trip", test_pytorch_round_trip);
  status = g_test_run ();
  if (status == 0)
    test_remove_tree (tmpdir);
  return status;
}
