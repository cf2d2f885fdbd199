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
#include "strata-test-util.h"
#include "strata-zoo-files.h"

static char *tmpdir;
static char *project_path;
static char *served;            /* what the local web server serves, when it runs */

/* Weights downloads go to the local server, into a cache of the test's own. */
static void
serve_weights (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "served", NULL);
  g_autofree char *log = g_build_filename (tmpdir, "requests.log", NULL);
  g_autofree char *cache = g_build_filename (tmpdir, "cache", NULL);
  g_autofree char *mirror = NULL;
  int port;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  port = test_http_server_start (dir, log);
  if (port == 0)
    return;
  mirror = g_strdup_printf ("http://127.0.0.1:%d/files", port);
  g_setenv ("STRATA_WEIGHTS_MIRROR", mirror, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("HOME", tmpdir, TRUE);
  g_unsetenv ("KERAS_HOME");
  g_unsetenv ("TORCH_HOME");
  g_unsetenv ("HF_HOME");
  g_unsetenv ("HF_HUB_CACHE");
  served = g_steal_pointer (&dir);
}

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
  guint n_batches;
  int last_epoch;
  gboolean done;
  char *status;
  GError *error;
  gboolean stop_at_first_batch;
  StrataTrainJob *job;
  gint64 downloaded, download_total;
} Seen;

static void
on_download (StrataTrainJob *job,
             gint64          bytes,
             gint64          total,
             double          bytes_per_second,
             Seen           *seen)
{
  g_assert_true (g_thread_self () == seen->main_thread);
  g_assert_cmpint (bytes, >=, seen->downloaded);
  seen->downloaded = bytes;
  seen->download_total = total;
}

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
      seen->n_batches = event->n_batches;
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
  g_signal_connect (job, "download", G_CALLBACK (on_download), seen);
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
  /* stopped at a batch boundary within the epoch, with a checkpoint to resume from */
  g_assert_cmpuint (seen.last_batch, <, seen.n_batches);
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

/* ImageNet weights that no cache holds are downloaded before the run starts, and the window
 * hears how far it got. The local server's file is not the official one: the hash check
 * refuses it after the download. */
static void
test_train_job_download (void)
{
  g_autoptr(StrataProject) project = strata_project_new_example ("transfer-pretrain", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "download.strata", NULL);
  StrataGraph *graph = strata_project_get_graph (project);
  g_autofree char *fake = NULL;
  g_autoptr(GError) error = NULL;
  StrataTrainOptions options = { .epochs = 1 };
  const StrataZooFile *file;
  g_autofree guint8 *contents = g_malloc (200 * 1024);
  Seen seen = { 0 };

  if (served == NULL)
    {
      test_skip_missing ("/usr/bin/python3 (to serve files)");
      return;
    }
  file = strata_zoo_file_lookup (STRATA_ZOO_RESNET50, "imagenet-keras", FALSE,
                                 STRATA_ZOO_KERAS, &error);
  g_assert_no_error (error);
  fake = g_build_filename (served, file->cache_name ? file->cache_name : file->file_name, NULL);
  memset (contents, 7, 200 * 1024);
  g_assert_true (g_file_set_contents (fake, (const char *) contents, 200 * 1024, NULL));
  g_object_set (strata_project_get_dataset (project), "normalization", STRATA_NORMALIZE_CAFFE,
                "image-channels", 3, NULL);
  g_assert_true (strata_graph_set_param (graph, "input", "channels", g_variant_new_int32 (3),
                                         &error));
  g_assert_true (strata_graph_set_param (graph, "backbone", "width_divisor",
                                         g_variant_new_int32 (1), &error));
  g_assert_true (strata_graph_set_param (graph, "backbone", "weights",
                                         g_variant_new_string ("imagenet-keras"), &error));
  g_assert_true (strata_project_save_as (project, path, &error));
  run_job (project, &options, &seen);
  g_assert_cmpint (seen.download_total, ==, 200 * 1024);
  g_assert_cmpint (seen.downloaded, ==, 200 * 1024);
  g_assert_error (seen.error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_HASH);
  g_assert_cmpuint (seen.counts[STRATA_TRAIN_EVENT_STARTED], ==, 0);
  /* and leave no run behind */
  {
    g_auto(GStrv) runs = strata_project_dup_run_names (project);
    g_autofree char *runs_dir = strata_project_dup_runs_dir (project);

    g_assert_true (runs == NULL || runs[0] == NULL);
    g_assert_false (g_file_test (runs_dir, G_FILE_TEST_EXISTS));
  }
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
  serve_weights ();
  g_test_add_func ("/train-job/runs", test_train_job_runs);
  g_test_add_func ("/train-job/stop-and-resume", test_train_job_stop_and_resume);
  g_test_add_func ("/train-job/error", test_train_job_error);
  g_test_add_func ("/train-job/download", test_train_job_download);
  status = g_test_run ();
  test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (project_path);
  g_free (served);
  return status;
}
