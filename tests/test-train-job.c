/* test-train-job.c: training in a worker thread reports to the main loop, coalesced, in order
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "strata-run.h"
#include "strata-train-job.h"
#include "strata-test-images.h"

static char *tmpdir;
static char *project_path;

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
  g_object_set (strata_project_get_hyperparams (project), "batch-size", 32, NULL);
  project_path = g_build_filename (tmpdir, "small.strata", NULL);
  g_assert_true (strata_project_save_as (project, project_path, &error));
  g_assert_no_error (error);
}

typedef struct
{
  GThread *main_thread;
  guint counts[4];
  guint last_batch;
  int last_epoch;
  gboolean done;
  char *status;
  GError *error;
  gboolean stop_at_first_batch;
  StrataTrainJob *job;
} Seen;

static void
on_event (StrataTrainJob         *job,
          const StrataTrainEvent *event,
          Seen                   *seen)
{
  /* on the thread that runs the main loop, never the worker */
  g_assert_true (g_thread_self () == seen->main_thread);
  seen->counts[event->type]++;
  if (event->type == STRATA_TRAIN_EVENT_BATCH)
    {
      /* in order */
      g_assert_true (event->epoch > seen->last_epoch ||
                     (event->epoch == seen->last_epoch && event->batch > seen->last_batch));
      seen->last_epoch = event->epoch;
      seen->last_batch = event->batch;
      g_assert_true (isfinite (event->batch_loss));
      g_assert_cmpstr (event->run, ==, strata_train_job_get_run_name (job));
      if (seen->stop_at_first_batch)
        strata_train_job_stop (job);
    }
  if (event->type == STRATA_TRAIN_EVENT_EPOCH)
    g_assert_true (isfinite (event->val_accuracy));
}

static void
on_finished (StrataTrainJob *job,
             const GError   *error,
             const char     *status,
             Seen           *seen)
{
  g_assert_true (g_thread_self () == seen->main_thread);
  g_assert_false (strata_train_job_get_running (job));
  seen->done = TRUE;
  seen->status = g_strdup (status);
  seen->error = error ? g_error_copy (error) : NULL;
}

static void
run_job (StrataProject            *project,
         const StrataTrainOptions *options,
         Seen                     *seen)
{
  g_autoptr(StrataTrainJob) job = strata_train_job_new (project, options);

  seen->main_thread = g_thread_self ();
  seen->job = job;
  g_signal_connect (job, "event", G_CALLBACK (on_event), seen);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), seen);
  strata_train_job_set_threads (job, 1);
  strata_train_job_start (job);
  g_assert_true (strata_train_job_get_running (job));
  while (!seen->done)
    g_main_context_iteration (NULL, TRUE);
  /* the job lets go of its worker: the last reference is the test's */
  g_assert_false (strata_train_job_get_running (job));
  /* 60 batches arrive in fewer main-loop wake-ups than batches */
  if (seen->counts[STRATA_TRAIN_EVENT_BATCH] > 40)
    g_assert_cmpuint (strata_train_job_get_n_dispatches (job), <,
                      seen->counts[STRATA_TRAIN_EVENT_BATCH]);
  g_assert_finalize_object (g_steal_pointer (&job));
}

static void
test_train_job_runs (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  StrataTrainOptions options = { .run_name = "job", .epochs = 1, .max_batches = 60 };
  g_auto(GStrv) runs = NULL;
  Seen seen = { 0 };

  g_assert_nonnull (project);
  strata_project_set_modified (project, FALSE);
  run_job (project, &options, &seen);
  g_assert_no_error (seen.error);
  /* max_batches stops it like the Stop button: resumable */
  g_assert_cmpstr (seen.status, ==, "stopped");
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_STARTED], ==, 1);
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_BATCH], ==, 60);
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_FINISHED], ==, 1);
  /* the window's project learns of the run */
  runs = strata_project_dup_run_names (project);
  g_assert_cmpstr (runs[0], ==, "job");
  g_assert_null (runs[1]);
  g_free (seen.status);
}

static void
test_train_job_stop_and_resume (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  StrataTrainOptions options = { .run_name = "stop", .epochs = 1 };
  g_autofree char *runs_dir = NULL;
  g_autoptr(StrataRun) run = NULL;
  Seen seen = { 0 };

  seen.stop_at_first_batch = TRUE;
  run_job (project, &options, &seen);
  g_assert_no_error (seen.error);
  g_assert_cmpstr (seen.status, ==, "stopped");
  /* stopped at a batch boundary soon after asking, with a checkpoint to resume from */
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_BATCH], <, 100);
  runs_dir = strata_project_dup_runs_dir (project);
  run = strata_run_open (runs_dir, "stop", NULL);
  g_assert_nonnull (run);
  g_assert_true (strata_run_has_checkpoint (run, "last"));
  g_assert_cmpstr (json_object_get_string_member (strata_run_get_info (run), "status"), ==,
                   "stopped");
  g_clear_pointer (&seen.status, g_free);

  /* resume, with a different learning rate, up to a few more batches */
  memset (&seen, 0, sizeof seen);
  g_object_set (strata_project_get_hyperparams (project), "learning-rate", 0.0005, NULL);
  options = (StrataTrainOptions) { .resume = "stop", .epochs = 1, .max_batches = 5 };
  run_job (project, &options, &seen);
  g_assert_no_error (seen.error);
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_BATCH], ==, 5);
  g_assert_cmpuint (seen.last_batch, >, 5);     /* it went on from where it stopped */
  g_clear_pointer (&seen.status, g_free);
}

static void
test_train_job_error (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  StrataTrainOptions options = { .resume = "no-such-run" };
  Seen seen = { 0 };

  run_job (project, &options, &seen);
  g_assert_nonnull (seen.error);
  g_assert_null (seen.status);
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_STARTED], ==, 0);
  g_clear_error (&seen.error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_make_tmp_dir ();
  write_small_project ();
  g_test_add_func ("/train-job/runs", test_train_job_runs);
  g_test_add_func ("/train-job/stop-and-resume", test_train_job_stop_and_resume);
  g_test_add_func ("/train-job/error", test_train_job_error);
  status = g_test_run ();
  test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (project_path);
  return status;
}
