/* strata-verb-train.c: strata train PROJECT [--epochs N] [--resume RUN] [--run NAME] [--json]
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "strata-hyperparams.h"
#include "strata-trainer.h"
#include "strata-verbs.h"

/*
 * Training runs on a worker thread, as under the GUI; the main thread only waits for it and
 * for Ctrl+C, which cancels at the next batch boundary (a second Ctrl+C quits at once: the
 * last checkpoint is written atomically, so even that loses at most the epoch in progress).
 */

typedef struct
{
  StrataTrainer *trainer;
  GCancellable *cancellable;
  GMainLoop *loop;
  gboolean json;
  gboolean tty;
  GError *error;
  gboolean ok;
  gint64 last_print;
  int interrupts;
} TrainJob;

static char *
format_duration (double seconds)
{
  int s = (int) (isfinite (seconds) ? seconds : 0);

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

static void
print_progress (TrainJob               *job,
                const StrataTrainEvent *event)
{
  const int width = 24;
  int filled = event->n_batches ? (int) ((double) event->batch * width / event->n_batches) : 0;
  g_autofree char *eta = format_duration (event->eta);
  char bar[64];

  for (int i = 0; i < width; i++)
    bar[i] = i < filled ? '=' : (i == filled ? '>' : '.');
  bar[width] = '\0';
  /* back to the start of the line, which this one overwrites */
  putchar ('\r');
  /* Translators: the progress line of strata train; keep the layout */
  printf (_("Epoch %d/%d [%s] %u/%u  loss %.4f  acc %.4f  %.0f img/s  ETA %s "),
          event->epoch, event->epochs, bar, event->batch, event->n_batches, event->loss,
          event->accuracy, event->images_per_second, eta);
  fflush (stdout);
}

static void
print_epoch (const StrataTrainEvent *event)
{
  g_autofree char *took = format_duration (event->epoch_seconds);

  putchar ('\r');
  printf (_("Epoch %d/%d  loss %.4f  acc %.4f"), event->epoch, event->epochs, event->loss,
          event->accuracy);
  if (!isnan (event->val_loss))
    printf (_("  val_loss %.4f  val_acc %.4f"), event->val_loss, event->val_accuracy);
  printf (_("  %.0f img/s  %s%s\n"), event->images_per_second, took,
          event->is_best ? _("  (best)") : "");
  fflush (stdout);
}

/* Called on the worker thread; stdout is line-buffered and only this thread prints. */
static void
on_event (const StrataTrainEvent *event,
          gpointer                user_data)
{
  TrainJob *job = user_data;

  if (job->json)
    {
      g_autoptr(JsonNode) node = strata_train_event_to_json (event);
      g_autofree char *line = json_to_string (node, FALSE);
      printf ("%s\n", line);
      fflush (stdout);
      return;
    }

  switch (event->type)
    {
    case STRATA_TRAIN_EVENT_STARTED:
      printf (event->epoch > 1 || event->batch > 0
              ? _("Resuming run %s at epoch %d, batch %u\n")
              : _("Training run %s, epoch %d of %d\n"),
              event->run, event->epoch, event->epoch > 1 || event->batch > 0
              ? (int) event->batch : event->epochs);
      break;
    case STRATA_TRAIN_EVENT_BATCH:
      /* At most ten redraws a second, and none when the output is not a terminal. */
      if (job->tty && g_get_monotonic_time () - job->last_print > 100000)
        {
          job->last_print = g_get_monotonic_time ();
          print_progress (job, event);
        }
      break;
    case STRATA_TRAIN_EVENT_EPOCH:
      print_epoch (event);
      break;
    case STRATA_TRAIN_EVENT_FINISHED:
      if (g_str_equal (event->status, "stopped"))
        printf (_("\nStopped. Resume with: strata train PROJECT --resume %s\n"), event->run);
      else
        printf (_("Run %s %s after %d epochs"), event->run,
                g_str_equal (event->status, "early-stopped") ? _("stopped early") : _("finished"),
                event->epoch);
      if (!g_str_equal (event->status, "stopped") && event->best_epoch > 0)
        printf (_("; best %s %.4f at epoch %d"), event->monitor, event->best_value,
                event->best_epoch);
      printf ("\n");
      if (event->n_skipped > 0)
        printf (g_dngettext (GETTEXT_PACKAGE, "%u image was skipped; run.json lists it and why\n",
                             "%u images were skipped; run.json lists them and why\n",
                             event->n_skipped),
                event->n_skipped);
      fflush (stdout);
      break;
    default:
      break;
    }
}

static gpointer
train_thread (gpointer data)
{
  TrainJob *job = data;

  job->ok = strata_trainer_run (job->trainer, job->cancellable, on_event, job, &job->error);
  /* Through the main context: quitting a loop that has not started running yet is lost. */
  g_idle_add_once ((GSourceOnceFunc) g_main_loop_quit, job->loop);
  return NULL;
}

static gboolean
on_interrupt (gpointer data)
{
  TrainJob *job = data;

  if (++job->interrupts > 1)
    _exit (130);
  if (!job->json)
    fprintf (stderr, _("\nStopping at the next batch… (Ctrl+C again quits at once)\n"));
  g_cancellable_cancel (job->cancellable);
  return G_SOURCE_CONTINUE;
}

int
strata_verb_train (int    argc,
                   char **argv)
{
  g_autofree char *resume = NULL, *run_name = NULL, *init_from = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GError *error = NULL;
  gboolean json = FALSE;
  int epochs = 0;
  double lr = 0, checkpoint_interval = 0;
  gint64 max_batches = 0;
  TrainJob job = { 0 };
  GThread *thread;
  guint sigint, sigterm;
  StrataTrainOptions options = { 0 };
  int threads = 0;
  const GOptionEntry entries[] = {
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs,
      N_("Train up to this epoch (default: the project's)"), N_("N") },
    { "resume", 0, 0, G_OPTION_ARG_STRING, &resume,
      N_("Continue this run from its last checkpoint"), N_("RUN") },
    { "run", 0, 0, G_OPTION_ARG_STRING, &run_name, N_("Name of the new run"), N_("NAME") },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_("Learning rate (default: the project's)"),
      N_("RATE") },
    { "init-from", 0, 0, G_OPTION_ARG_STRING, &init_from,
      N_("Start from another run's weights: RUN, RUN:last or RUN:best"), N_("RUN") },
    { "max-batches", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &max_batches,
      N_("Stop after this many batches, as Ctrl+C would"), N_("N") },
    { "checkpoint-interval", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_DOUBLE, &checkpoint_interval,
      N_("Seconds between checkpoints within an epoch (default 300)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object per event"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      N_("Use at most N cores (default: all)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT — train the project's model"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (!strata_cli_set_threads (context, threads))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which project to train"));
  if (epochs < 0 || lr < 0 || max_batches < 0)
    return strata_cli_usage_error (context, _("Epochs, learning rate and batches are positive"));
  if (lr > 0)
    {
      /* the project's own bounds, said here rather than as a malformed project */
      g_autoptr(GTypeClass) klass = g_type_class_ref (STRATA_TYPE_HYPERPARAMS);
      GParamSpecDouble *range = G_PARAM_SPEC_DOUBLE (
        g_object_class_find_property (G_OBJECT_CLASS (klass), "learning-rate"));

      if (lr < range->minimum || lr > range->maximum)
        {
          /* Translators: --lr is an option; %g are the lowest and highest learning rates */
          g_autofree char *message = g_strdup_printf (_("--lr takes a rate from %g to %g"),
                                                      range->minimum, range->maximum);
          return strata_cli_usage_error (context, message);
        }
    }

  project = strata_project_load (argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, json);

  options.run_name = run_name;
  options.resume = resume;
  options.epochs = epochs;
  options.learning_rate = lr;
  options.init_from = init_from;
  options.max_batches = max_batches;
  options.checkpoint_interval = checkpoint_interval;
  options.weights_progress = strata_cli_download_progress;
  options.weights_progress_data = GINT_TO_POINTER (json);
  trainer = strata_trainer_new (project, &options, &error);
  if (trainer == NULL || !strata_project_save (project, &error))   /* it lists the new run */
    return strata_cli_fail (error, json);

  job.trainer = trainer;
  job.cancellable = cancellable;
  job.loop = loop;
  job.json = json;
  job.tty = isatty (STDOUT_FILENO);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &job);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &job);
  thread = g_thread_new ("strata-train", train_thread, &job);
  g_main_loop_run (loop);
  g_thread_join (thread);
  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (!job.ok)
    return strata_cli_fail (job.error, json);
  return 0;
}
