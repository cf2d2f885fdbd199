/* test-train.c: training sessions resume exactly, after a stop, a cancel or a SIGKILL
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

#include "strata-batch-history.h"
#include "strata-checkpoint.h"
#include "strata-evaluate.h"
#include "strata-remove-tree.h"
#include "strata-safetensors.h"
#include "strata-trainer.h"

/* Weights after resuming agree with an uninterrupted run to this absolute tolerance. */
#define RESUME_TOLERANCE 1e-5

static char *tmpdir;
static char *project_path;

/* The example project with a network small enough to train an epoch in seconds. */
static void
write_small_project (void)
{
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  StrataGraph *graph = strata_project_get_graph (project);
  g_autoptr(GError) error = NULL;
  const gint32 stride2[] = { 2, 2 };

  for (guint i = 0; i < 2; i++)
    {
      const char *id = i ? "conv2d_1" : "conv2d";
      g_assert_true (strata_graph_set_param (graph, id, "filters", g_variant_new_int32 (4), &error));
      g_assert_true (strata_graph_set_param (graph, id, "strides",
                                             g_variant_new_fixed_array (G_VARIANT_TYPE_INT32,
                                                                        stride2, 2, 4), &error));
    }
  g_assert_true (strata_graph_set_param (graph, "dense", "units", g_variant_new_int32 (16),
                                         &error));
  g_assert_true (strata_graph_validate (graph, &error));
  g_object_set (strata_project_get_hyperparams (project), "epochs", 2, "batch-size", 64, NULL);
  project_path = g_build_filename (tmpdir, "small.strata", NULL);
  g_assert_true (strata_project_save_as (project, project_path, &error));
  g_assert_no_error (error);
}

static void
count_events (const StrataTrainEvent *event,
              gpointer                user_data)
{
  int *counts = user_data;

  counts[event->type]++;
  if (event->type == STRATA_TRAIN_EVENT_EPOCH)
    {
      g_assert_true (isfinite (event->loss));
      g_assert_true (isfinite (event->val_accuracy));
    }
}

static void
train (const StrataTrainOptions *options,
       const char               *expected_status)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  int counts[4] = { 0 };
  const char *status;

  g_assert_nonnull (project);
  trainer = strata_trainer_new (project, options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_project_save (project, &error));   /* as the CLI does */
  g_assert_true (strata_trainer_run (trainer, NULL, count_events, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts[STRATA_TRAIN_EVENT_STARTED], ==, 1);
  g_assert_cmpint (counts[STRATA_TRAIN_EVENT_FINISHED], ==, 1);
  status = json_object_get_string_member (strata_run_get_info (strata_trainer_get_run (trainer)),
                                          "status");
  g_assert_cmpstr (status, ==, expected_status);
}

static double
max_weight_difference (const char *run_a,
                       const char *run_b)
{
  g_autofree char *a = g_strdup_printf ("%s/small.runs/%s/checkpoint-last.safetensors", tmpdir,
                                        run_a);
  g_autofree char *b = g_strdup_printf ("%s/small.runs/%s/checkpoint-last.safetensors", tmpdir,
                                        run_b);
  g_autoptr(StrataSafetensors) sa = strata_safetensors_open (a, NULL);
  g_autoptr(StrataSafetensors) sb = strata_safetensors_open (b, NULL);
  double worst = 0;

  g_assert_nonnull (sa);
  g_assert_nonnull (sb);
  g_assert_cmpuint (strata_safetensors_get_n_tensors (sa), ==,
                    strata_safetensors_get_n_tensors (sb));
  for (guint i = 0; i < strata_safetensors_get_n_tensors (sa); i++)
    {
      const StrataSafetensorsInfo *info = strata_safetensors_get_info (sa, i);
      g_autofree float *va = g_new (float, info->n_elements);
      g_autofree float *vb = g_new (float, info->n_elements);

      g_assert_true (strata_safetensors_read_f32 (sa, info->name, va, info->n_elements, NULL));
      g_assert_true (strata_safetensors_read_f32 (sb, info->name, vb, info->n_elements, NULL));
      for (gint64 j = 0; j < info->n_elements; j++)
        worst = MAX (worst, fabs ((double) va[j] - vb[j]));
    }
  return worst;
}

static GArray *
dup_batch_points (const char *run)
{
  g_autofree char *path = g_strdup_printf ("%s/small.runs/%s/%s", tmpdir, run,
                                           STRATA_BATCH_HISTORY_FILE);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataBatchHistory) history = strata_batch_history_load (path, 0, &error);

  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return strata_batch_history_dup_points (history);
}

static void
keep_val_accuracy (const StrataTrainEvent *event,
                   gpointer                user_data)
{
  if (event->type == STRATA_TRAIN_EVENT_EPOCH)
    *(double *) user_data = event->val_accuracy;
}

/* The validation accuracy of the example network after two epochs on 1,000 images of each
 * class, in @precision; @ran is set to the precision the run records it computed in. */
static double
val_accuracy_in (const char  *precision,
                 char       **ran)
{
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  g_autofree char *name = g_strdup_printf ("small-%s.strata", precision);
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions options = { .epochs = 2 };
  double accuracy = NAN;
  JsonObject *info;

  g_object_set (strata_project_get_hyperparams (project), "precision", precision, NULL);
  g_object_set (strata_project_get_dataset (project), "max-train-per-class", 1000, NULL);
  g_assert_true (strata_project_save_as (project, path, &error));
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, keep_val_accuracy, &accuracy, &error));
  g_assert_no_error (error);
  info = strata_run_get_info (strata_trainer_get_run (trainer));
  g_assert_true (json_object_has_member (info, "precision"));
  *ran = g_strdup (json_object_get_string_member (info, "precision"));
  return accuracy;
}

/* bf16 (on processors with AVX512-BF16) trains as well as fp32: the same epochs of the same
 * data reach a validation accuracy within BF16_TOLERANCE. Elsewhere bf16 falls back to fp32,
 * which the run records, and the comparison would prove nothing: the test skips. */
#define BF16_TOLERANCE 0.015

static void
test_bf16_matches_fp32 (void)
{
  g_autofree char *fp32_ran = NULL, *bf16_ran = NULL;
  double fp32 = val_accuracy_in ("fp32", &fp32_ran);
  double bf16 = val_accuracy_in ("bf16", &bf16_ran);

  g_assert_cmpstr (fp32_ran, ==, "fp32");
  g_test_message ("validation accuracy: fp32 %.4f, bf16 %.4f (the bf16 run computed in %s)",
                  fp32, bf16, bf16_ran);
  g_assert_cmpfloat (fp32, >, 0.8);
  if (!g_str_equal (bf16_ran, "bf16"))
    {
      g_assert_cmpstr (bf16_ran, ==, "fp32");
      g_test_skip ("this CPU has no AVX512-BF16: the bf16 run fell back to fp32");
      return;
    }
  g_assert_cmpfloat (fabs (fp32 - bf16), <, BF16_TOLERANCE);
}

static void
test_resume_is_exact (void)
{
  StrataTrainOptions whole = { .run_name = "whole" };
  StrataTrainOptions first = { .run_name = "split", .epochs = 1 };
  StrataTrainOptions rest = { .resume = "split", .epochs = 2 };
  StrataTrainOptions stopped = { .run_name = "stopped", .max_batches = 300 };
  StrataTrainOptions restart = { .resume = "stopped" };
  StrataTrainOptions again = { .resume = "whole" };
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  train (&whole, "finished");
  train (&first, "finished");
  train (&rest, "finished");
  g_assert_cmpfloat (max_weight_difference ("whole", "split"), <, RESUME_TOLERANCE);

  /* Stopped mid-epoch (as Ctrl+C does), then resumed. */
  train (&stopped, "stopped");
  {
    /* the per-batch curve is written with the checkpoint of a stop */
    g_autoptr(GArray) points = dup_batch_points ("stopped");

    g_assert_cmpuint (points->len, ==, 300);
    g_assert_cmpint (g_array_index (points, StrataBatchPoint, 299).step, ==, 300);
  }
  train (&restart, "finished");
  g_assert_cmpfloat (max_weight_difference ("whole", "stopped"), <, RESUME_TOLERANCE);
  {
    /* and the resumed run's curve goes on from it: the same as the uninterrupted run's */
    g_autoptr(GArray) whole_points = dup_batch_points ("whole");
    g_autoptr(GArray) points = dup_batch_points ("stopped");

    g_assert_cmpuint (points->len, ==, whole_points->len);
    g_assert_cmpuint (points->len, >, 300);
    for (guint i = 0; i < points->len; i++)
      {
        const StrataBatchPoint *p = &g_array_index (points, StrataBatchPoint, i);
        const StrataBatchPoint *q = &g_array_index (whole_points, StrataBatchPoint, i);

        g_assert_cmpint (p->step, ==, q->step);
        g_assert_cmpfloat_with_epsilon (p->x, q->x, 1e-9);
        g_assert_cmpfloat_with_epsilon (p->loss, q->loss, 1e-3);
      }
  }

  /* The runs are listed in the project, and a finished run resumes to a no-op. */
  project = strata_project_load (project_path, &error);
  g_assert_no_error (error);
  {
    g_auto(GStrv) runs = strata_project_dup_run_names (project);
    g_assert_cmpuint (g_strv_length (runs), ==, 3);
  }
  train (&again, "finished");
}

/*
 * The thread count changes between batches on plans built again from the model's weights:
 * training goes on where it was. oneDNN splits its reductions by thread, so the weights agree
 * with a run on a fixed count to rounding, not bit for bit.
 */
static void
test_changing_threads (void)
{
  StrataTrainOptions fixed = { .run_name = "fixed", .max_batches = 40 };
  StrataTrainOptions alternating = { .run_name = "alternating", .max_batches = 40 };

  train (&fixed, "stopped");
  g_setenv ("STRATA_THREADS_ALTERNATE", "1", TRUE);
  train (&alternating, "stopped");
  g_unsetenv ("STRATA_THREADS_ALTERNATE");
  g_assert_cmpfloat (max_weight_difference ("fixed", "alternating"), <, RESUME_TOLERANCE);
}

/* --lr trains with another rate than the project's; the run records the one it used. */
static void
test_learning_rate_override (void)
{
  StrataTrainOptions options = { .run_name = "faster", .learning_rate = 0.0123, .max_batches = 2 };
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *hp;

  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  hp = json_object_get_object_member (
    json_node_get_object (strata_run_get_settings (strata_trainer_get_run (trainer))),
    "hyperparameters");
  g_assert_cmpfloat (json_object_get_double_member (hp, "learning_rate"), ==, 0.0123);
  g_assert_cmpfloat (strata_hyperparams_get_learning_rate (strata_project_get_hyperparams (project)),
                     !=, 0.0123);
}

static void
test_evaluate (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  guint64 total = 0;

  eval = strata_evaluate (project, "whole", STRATA_SPLIT_TEST, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (eval->n, ==, 10000);
  g_assert_cmpuint (eval->n_classes, ==, 10);
  /* Even this tiny network learns something in two epochs. */
  g_assert_cmpfloat (eval->accuracy, >, 0.5);
  g_assert_cmpfloat (eval->top_k_accuracy, >=, eval->accuracy);
  for (guint i = 0; i < 100; i++)
    total += eval->confusion[i];
  g_assert_cmpuint (total, ==, 10000);
  g_assert_cmpuint (eval->support[0], ==, 1000);

  g_clear_pointer (&eval, strata_evaluation_free);
  eval = strata_evaluate (project, "nope", STRATA_SPLIT_TEST, NULL, NULL, &error);
  g_assert_null (eval);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
}

/* Waits for the child's JSON progress to reach @batch of epoch 1 after a checkpoint. */
static void
wait_for_batch (GDataInputStream *lines,
                guint             batch)
{
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *obj;

      g_assert_nonnull (line);
      node = json_from_string (line, NULL);
      g_assert_nonnull (node);
      obj = json_node_get_object (node);
      if (g_str_equal (json_object_get_string_member (obj, "event"), "batch") &&
          json_object_get_int_member (obj, "batch") >= batch)
        return;
    }
}

/*
 * SIGKILL in the middle of an epoch, with no chance to save: the run resumes from its last
 * periodic checkpoint and ends with the same weights as a run never interrupted.
 */
static void
test_sigkill_then_resume (void)
{
  const char *strata = g_getenv ("STRATA_BIN");
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions resume = { .resume = "killed" };

  if (strata == NULL)
    {
      g_test_skip ("STRATA_BIN is not set");
      return;
    }
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, strata, "train",
                            project_path, "--run", "killed", "--json",
                            "--checkpoint-interval", "0.2", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  wait_for_batch (lines, 500);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);

  train (&resume, "finished");
  g_assert_cmpfloat (max_weight_difference ("whole", "killed"), <, RESUME_TOLERANCE);
}

/* A model that does not fit the data is refused with a message, and leaves no run behind. */
static void
test_mismatch_leaves_no_run (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions options = { .run_name = "misfit" };
  g_autofree char *dir = g_build_filename (tmpdir, "small.runs", "misfit", NULL);

  g_assert_true (strata_graph_set_param (strata_project_get_graph (project), "input", "width",
                                         g_variant_new_int32 (32), NULL));
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_null (trainer);
  g_assert_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "28×28×1"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* Ctrl+C: the process stops at a batch boundary, says so, exits cleanly and can resume. */
static void
test_sigint_stops_cleanly (void)
{
  const char *strata = g_getenv ("STRATA_BIN");
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;
  g_autoptr(JsonNode) summary = NULL;
  StrataTrainOptions resume = { .resume = "interrupted" };
  char *line;

  if (strata == NULL)
    {
      g_test_skip ("STRATA_BIN is not set");
      return;
    }
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, strata, "train",
                            project_path, "--run", "interrupted", "--json", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  wait_for_batch (lines, 200);
  g_subprocess_send_signal (child, SIGINT);
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL)
    {
      g_free (last);
      last = line;
    }
  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);

  summary = json_from_string (last, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (summary), "event"), ==,
                   "summary");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (summary), "status"), ==,
                   "stopped");
  train (&resume, "finished");
  g_assert_cmpfloat (max_weight_difference ("whole", "interrupted"), <, RESUME_TOLERANCE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  write_small_project ();
  g_test_add_func ("/train/resume-is-exact", test_resume_is_exact);
  g_test_add_func ("/train/evaluate", test_evaluate);
  g_test_add_func ("/train/bf16-matches-fp32", test_bf16_matches_fp32);
  g_test_add_func ("/train/mismatch-leaves-no-run", test_mismatch_leaves_no_run);
  g_test_add_func ("/train/sigkill-then-resume", test_sigkill_then_resume);
  g_test_add_func ("/train/sigint-stops-cleanly", test_sigint_stops_cleanly);
  g_test_add_func ("/train/learning-rate-override", test_learning_rate_override);
  g_test_add_func ("/train/changing-threads", test_changing_threads);
  ret = g_test_run ();
  strata_remove_tree (tmpdir, NULL);
  return ret;
}
