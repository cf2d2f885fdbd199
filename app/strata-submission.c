/* strata-submission.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-submission"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-format.h"
#include "strata-submission.h"

/*
 * strata_export_zip() writes the model files and then runs test.py in a Python subprocess to
 * check that the zip classifies images as Strata does; that takes tens of seconds, so the
 * window runs it in a worker thread and hears of each stage through the main loop.
 */

typedef struct
{
  StrataProject *project;     /* a copy: the thread must not share the window's */
  char *run;
  char *path;
  StrataSubmissionStage stage;
  gpointer stage_data;
  GMainContext *context;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->project);
  g_free (job->run);
  g_free (job->path);
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct
{
  GTask *task;                /* keeps the job, and the caller's data, alive */
  char *stage;
} StageReport;

static gboolean
report_stage (gpointer data)
{
  StageReport *report = data;
  ExportJob *job = g_task_get_task_data (report->task);

  if (!g_task_get_completed (report->task) && job->stage)
    job->stage (report->stage, job->stage_data);
  g_object_unref (report->task);
  g_free (report->stage);
  g_free (report);
  return G_SOURCE_REMOVE;
}

static void
on_progress (const char *stage,
             guint64     done,
             guint64     total,
             gpointer    user_data)
{
  GTask *task = user_data;
  ExportJob *job = g_task_get_task_data (task);
  StageReport *report = g_new0 (StageReport, 1);

  report->task = g_object_ref (task);
  report->stage = g_strdup (stage);
  g_main_context_invoke (job->context, report_stage, report);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GError) error = NULL;
  StrataExportOptions options = { .progress = on_progress, .progress_data = task };
  StrataExportResult *result = strata_export_zip (job->project, job->run, job->path, &options,
                                                  cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) strata_export_result_free);
}

/**
 * strata_submission_export_async:
 * @stage: (nullable): told of each stage ("Checking with test.py"), in the caller's main
 *   context
 *
 * Writes @run's model to the zip @path, with test.py's self-check when Python can run it.
 */
void
strata_submission_export_async (StrataProject         *project,
                                const char            *run,
                                const char            *path,
                                GCancellable          *cancellable,
                                StrataSubmissionStage  stage,
                                gpointer               stage_data,
                                GAsyncReadyCallback    callback,
                                gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *data = strata_project_to_data (project, NULL);
  ExportJob *job = g_new0 (ExportJob, 1);

  job->project = strata_project_load_from_data (data, -1, strata_project_get_path (project), NULL);
  job->run = g_strdup (run);
  job->path = g_strdup (path);
  job->stage = stage;
  job->stage_data = stage_data;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

StrataExportResult *
strata_submission_export_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * strata_submission_describe:
 *
 * Returns: one sentence on what was written and whether test.py confirmed it
 */
char *
strata_submission_describe (const StrataExportResult *result)
{
  g_autofree char *name = g_filename_display_basename (result->path);
  g_autofree char *duration = strata_format_duration (result->check_seconds);

  if (result->checked)
    /* Translators: %s: the zip's name; %u: images; %s: how long the check took */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Exported %s; its test.py agrees with Strata on %u image (checked in %s)",
                                         "Exported %s; its test.py agrees with Strata on %u images (checked in %s)",
                                         result->check_images),
                            name, result->check_images, duration);
  /* Translators: %s: the zip's name; %s: why test.py was not run, e.g. "PyTorch is not installed" */
  return g_strdup_printf (_("Exported %s, not checked: %s"), name,
                          result->not_checked_reason ? result->not_checked_reason : _("no reason given"));
}
