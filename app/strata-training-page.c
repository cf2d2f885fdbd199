/* strata-training-page.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-training-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-application.h"
#include "strata-form.h"
#include "strata-format.h"
#include "strata-plot.h"
#include "strata-run.h"
#include "strata-series.h"
#include "strata-test-hooks.h"
#include "strata-train-job.h"
#include "strata-zoo.h"
#include "strata-training-page.h"
#include "strata-window.h"
#include "strata-json.h"

/**
 * StrataTrainingPage:
 *
 * Starts a new run (named, optionally from an earlier run's weights), resumes the last
 * resumable one, and stops a running one at a batch boundary. While a run trains in its
 * worker thread (#StrataTrainJob), the page plots loss and accuracy per batch (smoothed) and
 * per epoch (training and validation), and shows throughput, times, the best result and the
 * progress. Before any run starts it shows the curves of the latest run.
 */

#define LOSS_COLOR "blue_3"
#define VAL_COLOR "orange_3"

struct _StrataTrainingPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwEntryRow *run_name_row;
  AdwComboRow *init_row;
  GtkStringList *init_model;
  AdwComboRow *save_on_row;
  GtkLabel *status_title;
  GtkLabel *status_detail;
  GtkWidget *precision_icon;
  GtkProgressBar *progress;
  GtkWidget *stop_button;
  GtkButton *resume_button;
  GtkWidget *start_button;
  StrataPlot *loss_plot;
  StrataPlot *accuracy_plot;
  GtkLabel *rate;
  GtkLabel *rate_caption;
  GtkLabel *epoch_time;
  GtkLabel *epoch_time_caption;
  GtkLabel *elapsed;
  GtkLabel *eta;
  GtkLabel *best;
  GtkLabel *best_caption;
  GtkLabel *learning_rate;

  /* Owned references */
  StrataProject *project;
  StrataTrainJob *job;
  GBindingGroup *bindings;
  GPtrArray *init_choices;          /* "RUN:best" per init_model item; NULL for none */
  char *resume_run;                 /* the run Resume continues, or NULL */
  char *run_name;                   /* the run shown */
  char *default_run_name;           /* what the name row proposes */

  /* The curves */
  StrataSeries *loss_batch;
  StrataSeries *loss_train;
  StrataSeries *loss_val;
  StrataSeries *accuracy_batch;
  StrataSeries *accuracy_train;
  StrataSeries *accuracy_val;
  StrataSmoother loss_smoother;
  StrataSmoother accuracy_smoother;
  double smoothing_batches;         /* the batches per epoch the smoothers' weight is for */

  char *precision_notice;           /* bf16 asked for, fp32 computed: why, or NULL */

  /* Progress of the run shown */
  double batch_x;                   /* where its last batch ended, in epochs */
  guint64 run_batches;              /* the batches it trained */
  double batches_per_epoch;
  guint n_batch_events;
  int epoch;
  int epochs;
  gboolean clean_at_start;
};

G_DEFINE_FINAL_TYPE (StrataTrainingPage, strata_training_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const save_on_choices[] = { "epoch", "best", NULL };

/* Stats ------------------------------------------------------------------------------------------ */

static void
set_label (GtkLabel *label,
           char     *text)
{
  gtk_label_set_label (label, text);
  g_free (text);
}

static void
reset_stats (StrataTrainingPage *self)
{
  const char *none = "—";

  gtk_label_set_label (self->rate, none);
  gtk_label_set_label (self->epoch_time, none);
  gtk_label_set_label (self->rate_caption, _("Images per Second"));
  gtk_label_set_label (self->epoch_time_caption, _("Seconds per Epoch"));
  gtk_label_set_label (self->elapsed, none);
  gtk_label_set_label (self->eta, none);
  gtk_label_set_label (self->best, none);
  gtk_label_set_label (self->best_caption, _("Best"));
  gtk_label_set_label (self->learning_rate, none);
}

static void
show_best (StrataTrainingPage *self,
           const char         *monitor,
           double              value,
           int                 epoch)
{
  g_autofree char *caption = NULL;

  if (epoch <= 0 || monitor == NULL)
    return;
  g_autofree char *tooltip = NULL;

  set_label (self->best, strata_format_value (monitor, value));
  /* Translators: under the best value so far: the epoch it came from */
  caption = g_strdup_printf (_("Best, epoch %d"), epoch);
  gtk_label_set_label (self->best_caption, caption);
  /* Translators: which metric picks the best epoch, e.g. "Best validation accuracy" */
  tooltip = g_strdup_printf (_("Best %s"), strata_format_metric_phrase (monitor));
  gtk_widget_set_tooltip_text (gtk_widget_get_parent (GTK_WIDGET (self->best)), tooltip);
}

static void
show_learning_rate (StrataTrainingPage *self,
                    double              lr)
{
  if (isfinite (lr) && lr > 0)
    set_label (self->learning_rate, g_strdup_printf ("%.3g", lr));
}

/* Curves ----------------------------------------------------------------------------------------- */

static void
clear_curves (StrataTrainingPage *self)
{
  strata_series_clear (self->loss_batch);
  strata_series_clear (self->loss_train);
  strata_series_clear (self->loss_val);
  strata_series_clear (self->accuracy_batch);
  strata_series_clear (self->accuracy_train);
  strata_series_clear (self->accuracy_val);
  strata_plot_data_changed (self->loss_plot);
  strata_plot_data_changed (self->accuracy_plot);
}

static double
smoothing_weight (double batches_per_epoch)
{
  GSettings *settings = strata_application_get_settings (strata_application_get_default ());
  double weight = settings ? g_settings_get_double (settings, "plot-smoothing") : 0.8;

  return strata_smoother_weight_per_batch (weight, batches_per_epoch);
}

static void
reset_smoothing (StrataTrainingPage *self,
                 double              batches_per_epoch)
{
  double weight = smoothing_weight (batches_per_epoch);

  strata_smoother_init (&self->loss_smoother, weight);
  strata_smoother_init (&self->accuracy_smoother, weight);
  self->smoothing_batches = batches_per_epoch;
}

/*
 * What a run did on average, once it no longer trains: the last batches' rate would be a
 * figure of a moment long past. @batches is how many it trained in @elapsed seconds.
 */
static void
show_averages (StrataTrainingPage *self,
               double              elapsed,
               guint64             batches,
               double              batches_per_epoch)
{
  guint batch_size;

  if (self->project == NULL || !(elapsed > 0) || batches == 0)
    return;
  batch_size = strata_hyperparams_get_batch_size (strata_project_get_hyperparams (self->project));
  set_label (self->rate, strata_format_rate (batches * (double) batch_size / elapsed));
  if (batches_per_epoch > 0)
    set_label (self->epoch_time, g_strdup_printf ("%.0f", elapsed * batches_per_epoch / batches));
  /* Translators: a card's caption, after a run: its mean throughput */
  gtk_label_set_label (self->rate_caption, _("Average Images/s"));
  /* Translators: a card's caption, after a run: its mean epoch time */
  gtk_label_set_label (self->epoch_time_caption, _("Average Epoch (s)"));
}

static void
add_epoch_point (StrataTrainingPage *self,
                 int                 epoch,
                 double              loss,
                 double              accuracy,
                 double              val_loss,
                 double              val_accuracy)
{
  strata_series_append (self->loss_train, epoch, loss);
  strata_series_append (self->loss_val, epoch, val_loss);
  strata_series_append (self->accuracy_train, epoch, accuracy);
  strata_series_append (self->accuracy_val, epoch, val_accuracy);
}

static void update_precision_notice (StrataTrainingPage *self);

/* The epochs a run has done, from its metrics file, so a resumed run's curves go on from them. */
static void
load_run_curves (StrataTrainingPage *self,
                 const char         *name)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);
  g_autoptr(StrataRun) run = strata_run_open (runs_dir, name, NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(StrataBatchHistory) history = NULL;
  g_autoptr(GArray) batches = NULL;
  g_autofree char *history_path = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *info;

  clear_curves (self);
  reset_stats (self);
  self->batch_x = 0;
  self->run_batches = 0;
  if (run == NULL)
    return;
  /* the per-batch curve as the trainer saved it with the checkpoint, so that the curve before
   * a Stop, a Resume or reopening the project is still there */
  history_path = strata_run_dup_path (run, STRATA_BATCH_HISTORY_FILE);
  history = strata_batch_history_load (history_path, 0, &error);
  if (history == NULL)
    g_warning ("%s", error->message);
  batches = history ? strata_batch_history_dup_points (history)
                    : g_array_new (FALSE, FALSE, sizeof (StrataBatchPoint));
  reset_smoothing (self, strata_batch_points_per_epoch (batches));
  strata_series_add_batch_points (self->loss_batch, self->accuracy_batch, batches,
                                  &self->loss_smoother, &self->accuracy_smoother);
  if (batches->len > 0)
    {
      self->batch_x = g_array_index (batches, StrataBatchPoint, batches->len - 1).x;
      self->run_batches = strata_batch_history_get_n_batches (history);
    }
  records = strata_run_read_metrics (run, NULL);
  for (guint i = 0; records && i < records->len; i++)
    {
      JsonObject *r = json_node_get_object (g_ptr_array_index (records, i));

      add_epoch_point (self, strata_json_get_int (r, "epoch", 0),
                       strata_json_get_double (r, "loss", NAN),
                       strata_json_get_double (r, "accuracy", NAN),
                       strata_json_get_double (r, "val_loss", NAN),
                       strata_json_get_double (r, "val_accuracy", NAN));
      if (i + 1 == records->len)
        {
          set_label (self->epoch_time,
                     g_strdup_printf ("%.0f", strata_json_get_double (r, "seconds", NAN)));
          set_label (self->rate, strata_format_rate (
                       strata_json_get_double (r, "images_per_second", NAN)));
          show_learning_rate (self, strata_json_get_double (r, "lr", NAN));
        }
    }
  info = strata_run_get_info (run);
  self->epoch = strata_json_get_int (info, "epochs_done", 0);
  self->epochs = strata_json_get_int (info, "epochs", 0);
  set_label (self->elapsed,
             strata_format_duration (strata_json_get_double (info, "elapsed", NAN)));
  g_clear_pointer (&self->precision_notice, g_free);
  if (g_strcmp0 (strata_json_get_string (info, "precision_requested", NULL),
                 "bf16") == 0 &&
      g_strcmp0 (strata_json_get_string (info, "precision", NULL), "fp32") == 0)
    self->precision_notice = g_strdup (_("Bfloat16 was chosen, but this processor lacks "
                                         "AVX512-BF16: training in 32-bit float"));
  update_precision_notice (self);
  show_averages (self, strata_json_get_double (info, "elapsed", NAN),
                 self->run_batches, self->smoothing_batches);
  self->batches_per_epoch = self->smoothing_batches;
  show_best (self, strata_json_get_string (info, "monitor", NULL),
             strata_json_get_double (info, "best_value", NAN),
             strata_json_get_int (info, "best_epoch", 0));
  strata_plot_set_x_extent (self->loss_plot, self->epochs);
  strata_plot_set_x_extent (self->accuracy_plot, self->epochs);
  strata_plot_data_changed (self->loss_plot);
  strata_plot_data_changed (self->accuracy_plot);
}

/* State ------------------------------------------------------------------------------------------ */

static gboolean
run_is_resumable (StrataProject *project,
                  const char    *name,
                  int            target_epochs)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  g_autoptr(StrataRun) run = strata_run_open (runs_dir, name, NULL);
  JsonObject *info;
  const char *status;

  if (run == NULL)
    return FALSE;
  status = strata_run_get_status (run);
  /* killed before its first checkpoint: it resumes from the start */
  if (!strata_run_has_checkpoint (run, "last"))
    return g_str_equal (status, "interrupted");
  info = strata_run_get_info (run);
  /* stopped, or cut short by a crash, or finished but the epochs were raised since */
  return g_str_equal (status, "stopped") || g_str_equal (status, "interrupted") ||
         strata_json_get_int (info, "epochs_done", 0) < target_epochs;
}

static void
update_controls (StrataTrainingPage *self)
{
  gboolean running = self->job != NULL;
  gboolean stopping = running && strata_train_job_get_stopping (self->job);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->run_name_row));
  g_auto(GStrv) runs = self->project ? strata_project_dup_run_names (self->project) : NULL;
  gboolean name_taken = !running && runs && *name &&
                        g_strv_contains ((const char *const *) runs, name);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.start",
                                 self->project && !running && !name_taken);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.resume",
                                 self->project && !running && self->resume_run);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.stop", running && !stopping);
  gtk_widget_set_visible (self->stop_button, running);
  gtk_widget_set_visible (self->start_button, !running);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_button), !running && self->resume_run);
  if (self->resume_run)
    {
      /* Translators: a button; %s is a run's name */
      g_autofree char *label = g_strdup_printf (_("_Resume “%s”"), self->resume_run);
      gtk_button_set_label (self->resume_button, label);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_name_row), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->init_row), !running);
  if (name_taken)
    gtk_widget_add_css_class (GTK_WIDGET (self->run_name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->run_name_row), "error");
}

/* The runs changed: what Resume continues, which weights a new run may start from. */
static void
refresh_runs (StrataTrainingPage *self)
{
  g_auto(GStrv) runs = NULL;
  g_autofree char *next = NULL;
  guint target;
  guint n;

  g_clear_pointer (&self->resume_run, g_free);
  g_ptr_array_set_size (self->init_choices, 0);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->init_model));
  gtk_string_list_splice (self->init_model, 0, n, (const char *const[]) { _("None"), NULL });
  g_ptr_array_add (self->init_choices, NULL);
  if (self->project == NULL)
    return;

  runs = strata_project_dup_run_names (self->project);
  target = strata_hyperparams_get_epochs (strata_project_get_hyperparams (self->project));
  for (guint i = g_strv_length (runs); i > 0; i--)
    {
      g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);
      g_autoptr(StrataRun) run = strata_run_open (runs_dir, runs[i - 1], NULL);
      static const char *const which[] = { "best", "last" };

      if (run == NULL)
        continue;
      if (self->resume_run == NULL && run_is_resumable (self->project, runs[i - 1], target))
        self->resume_run = g_strdup (runs[i - 1]);
      for (guint k = 0; k < G_N_ELEMENTS (which); k++)
        if (strata_run_has_checkpoint (run, which[k]))
          {
            g_autofree char *label = NULL;

            label = k == 0
                    /* Translators: a choice of weights to start from; %s is a run's name */
                    ? g_strdup_printf (_("“%s”, best epoch"), runs[i - 1])
                    : g_strdup_printf (_("“%s”, last epoch"), runs[i - 1]);
            gtk_string_list_append (self->init_model, label);
            g_ptr_array_add (self->init_choices, g_strdup_printf ("%s:%s", runs[i - 1], which[k]));
          }
    }
  adw_combo_row_set_selected (self->init_row, 0);

  /* propose the next free name, unless the user typed one */
  next = strata_project_dup_new_run_name (self->project);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->run_name_row)),
                 self->default_run_name ? self->default_run_name : "") == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->run_name_row), next);
  g_free (self->default_run_name);
  self->default_run_name = g_steal_pointer (&next);
  update_controls (self);
}

static void
set_status (StrataTrainingPage *self,
            const char         *title,
            const char         *detail)
{
  gtk_label_set_label (self->status_title, title);
  gtk_label_set_label (self->status_detail, detail ? detail : "");
  /* the detail keeps to two lines (see init): the whole of a longer one is a hover away */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_detail), detail && *detail ? detail : NULL);
}

/* A run that computes in fp32 though bf16 was chosen says so beside its title, for the run. */
static void
update_precision_notice (StrataTrainingPage *self)
{
  gtk_widget_set_visible (self->precision_icon, self->precision_notice != NULL);
  gtk_widget_set_tooltip_text (self->precision_icon, self->precision_notice);
}

/* Before a run, the epoch axis spans the epochs the project will train. */
static void
update_extent (StrataTrainingPage *self)
{
  int epochs;

  if (self->project == NULL || self->job != NULL)
    return;
  epochs = MAX ((int) strata_hyperparams_get_epochs (strata_project_get_hyperparams (self->project)),
                self->epochs);
  strata_plot_set_x_extent (self->loss_plot, epochs);
  strata_plot_set_x_extent (self->accuracy_plot, epochs);
}

static void
show_idle_status (StrataTrainingPage *self)
{
  g_auto(GStrv) runs = self->project ? strata_project_dup_run_names (self->project) : NULL;

  if (runs == NULL || runs[0] == NULL)
    {
      set_status (self, _("Ready to Train"),
                  _("Training runs on this computer’s processor. Its curves appear here as it "
                    "learns."));
      gtk_progress_bar_set_fraction (self->progress, 0);
      return;
    }
  if (self->run_name == NULL)
    {
      g_free (self->run_name);
      self->run_name = g_strdup (runs[g_strv_length (runs) - 1]);
      load_run_curves (self, self->run_name);
    }
  {
    g_autofree char *title = g_strdup_printf (_("Last Run: “%s”"), self->run_name);
    g_autofree char *detail = NULL;

    double done = MAX (self->batch_x, self->epoch);
    guint batch = (guint) round ((self->batch_x - self->epoch) * self->batches_per_epoch);

    if (self->batch_x > self->epoch && batch > 0 && self->batches_per_epoch > 0)
      /* Translators: how far a run stopped mid-epoch got: epoch, epochs, batch, batches */
      detail = g_strdup_printf (_("Epoch %d of %d, batch %u of %.0f"), self->epoch + 1,
                                self->epochs, batch, self->batches_per_epoch);
    else
      /* Translators: how far a run got */
      detail = g_strdup_printf (_("Epoch %d of %d"), self->epoch, self->epochs);
    set_status (self, title, detail);
    gtk_progress_bar_set_fraction (self->progress,
                                   self->epochs > 0 ? CLAMP (done / self->epochs, 0, 1) : 0);
  }
}

/* Events ------------------------------------------------------------------------------------------ */

static void
on_batch (StrataTrainingPage     *self,
          const StrataTrainEvent *event)
{
  double x = (event->epoch - 1) + (double) event->batch / MAX (event->n_batches, 1);
  guint batch_size = strata_hyperparams_get_batch_size (strata_project_get_hyperparams (self->project));
  g_autofree char *detail = NULL, *eta = NULL;

  self->n_batch_events++;
  /* the smoothing is for the run's batches per epoch; a resumed run goes on smoothing from
   * the curve loaded before it */
  if (event->n_batches != self->smoothing_batches)
    {
      self->loss_smoother.weight = self->accuracy_smoother.weight =
        smoothing_weight (event->n_batches);
      self->smoothing_batches = event->n_batches;
    }
  strata_series_append (self->loss_batch, x, strata_smoother_push (&self->loss_smoother,
                                                                   event->batch_loss));
  strata_series_append (self->accuracy_batch, x,
                        strata_smoother_push (&self->accuracy_smoother, event->batch_accuracy));
  strata_plot_data_changed (self->loss_plot);
  strata_plot_data_changed (self->accuracy_plot);
  self->batch_x = x;
  self->batches_per_epoch = event->n_batches;
  if (event->step > 0)
    self->run_batches = event->step;
  gtk_label_set_label (self->rate_caption, _("Images per Second"));
  gtk_label_set_label (self->epoch_time_caption, _("Seconds per Epoch"));

  self->epoch = event->epoch;
  self->epochs = event->epochs;
  gtk_progress_bar_set_fraction (self->progress, CLAMP (x / MAX (event->epochs, 1), 0, 1));
  set_label (self->rate, strata_format_rate (event->images_per_second));
  set_label (self->elapsed, strata_format_duration (event->elapsed));
  eta = strata_format_eta (event->eta);
  set_label (self->eta, strata_format_duration (event->eta));
  if (event->images_per_second > 0 && batch_size > 0 && event->epoch == 1)
    set_label (self->epoch_time, g_strdup_printf ("%.0f", event->n_batches * (double) batch_size /
                                                          event->images_per_second));
  show_learning_rate (self, event->lr);
  /* Translators: progress of a run: epoch, epochs, batch, batches, time left */
  detail = g_strdup_printf (_("Epoch %d of %d, batch %u of %u — %s left"), event->epoch,
                            event->epochs, event->batch, event->n_batches, eta);
  gtk_label_set_label (self->status_detail, detail);
}

static void
on_epoch (StrataTrainingPage     *self,
          const StrataTrainEvent *event)
{
  add_epoch_point (self, event->epoch, event->loss, event->accuracy, event->val_loss,
                   event->val_accuracy);
  strata_plot_data_changed (self->loss_plot);
  strata_plot_data_changed (self->accuracy_plot);
  set_label (self->epoch_time, g_strdup_printf ("%.0f", event->epoch_seconds));
  show_best (self, event->monitor, event->best_value, event->best_epoch);
  self->epoch = event->epoch;
}

/* Pretrained weights no cache holds come before the run starts; the bar shows their download. */
static void
on_job_download (StrataTrainingPage *self,
                 gint64              bytes,
                 gint64              total,
                 double              bytes_per_second)
{
  g_autofree char *detail = strata_zoo_format_progress (bytes, total, bytes_per_second);

  set_status (self, _("Downloading Pretrained Weights"), detail);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress, CLAMP ((double) bytes / total, 0, 1));
  else
    gtk_progress_bar_pulse (self->progress);
}

static void
on_job_event (StrataTrainingPage     *self,
              const StrataTrainEvent *event)
{
  switch (event->type)
    {
    case STRATA_TRAIN_EVENT_STARTED:
      {
        g_autofree char *title = g_strdup_printf (_("Training “%s”"), event->run);

        g_free (self->run_name);
        self->run_name = g_strdup (event->run);
        self->epochs = event->epochs;
        gtk_editable_set_text (GTK_EDITABLE (self->run_name_row), event->run);
        strata_plot_set_x_extent (self->loss_plot, event->epochs);
        strata_plot_set_x_extent (self->accuracy_plot, event->epochs);
        set_status (self, title, _("Preparing the first batch…"));
        if (g_strcmp0 (event->precision_requested, "bf16") == 0 &&
            g_strcmp0 (event->precision, "fp32") == 0)
          {
            GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

            g_free (self->precision_notice);
            self->precision_notice = g_strdup (_("Bfloat16 was chosen, but this processor "
                                                 "lacks AVX512-BF16: training in 32-bit float"));
            if (STRATA_IS_WINDOW (root))
              strata_window_show_toast (STRATA_WINDOW (root), self->precision_notice);
          }
        else
          g_clear_pointer (&self->precision_notice, g_free);
        update_precision_notice (self);
        /* the run's name is known now */
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
        /* the trainer recorded the run in the project file: keep a saved project saved */
        if (self->clean_at_start && strata_project_get_path (self->project))
          strata_project_save (self->project, NULL);
      }
      break;
    case STRATA_TRAIN_EVENT_BATCH:
      on_batch (self, event);
      break;
    case STRATA_TRAIN_EVENT_EPOCH:
      on_epoch (self, event);
      break;
    case STRATA_TRAIN_EVENT_FINISHED:
      {
        g_autofree char *title = NULL;
        g_autofree char *detail = NULL;

        if (g_strcmp0 (event->status, "stopped") == 0)
          {
            title = g_strdup_printf (_("Stopped “%s”"), event->run);
            /* Translators: after Stop; the run can go on later */
            detail = g_strdup_printf (_("Stopped in epoch %d of %d. Resume continues from "
                                        "there, with the learning rate and epochs as they are "
                                        "then."), event->epoch + 1, event->epochs);
          }
        else if (g_strcmp0 (event->status, "early-stopped") == 0)
          {
            title = g_strdup_printf (_("Stopped Early: “%s”"), event->run);
            detail = g_strdup_printf (_("%s stopped improving after epoch %d."),
                                      strata_format_metric_name (event->monitor), event->best_epoch);
          }
        else
          {
            title = g_strdup_printf (_("Finished “%s”"), event->run);
            detail = g_strdup_printf (_("Trained %d epochs in %s."), event->epoch,
                                      strata_format_duration (event->elapsed));
          }
        set_status (self, title, detail);
        gtk_label_set_label (self->eta, "—");
        show_averages (self, event->elapsed, event->step, event->n_batches);
      }
      break;
    default:
      break;
    }
}

static void
on_job_finished (StrataTrainingPage *self,
                 const GError       *error,
                 const char         *status)
{
  g_autoptr(StrataTrainJob) job = g_steal_pointer (&self->job);

  g_signal_handlers_disconnect_by_data (job, self);
  /* the name row proposes the next run again */
  g_clear_pointer (&self->default_run_name, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->run_name_row), "");
  if (error)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      set_status (self, _("Training Failed"), error->message);
      if (STRATA_IS_WINDOW (root))
        strata_window_show_error (STRATA_WINDOW (root), _("Training Failed"), error->message);
    }
  refresh_runs (self);
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* Starting ---------------------------------------------------------------------------------------- */

static void
start_job (StrataTrainingPage *self,
           gboolean            resume)
{
  StrataHyperparams *hp = strata_project_get_hyperparams (self->project);
  GSettings *settings = strata_application_get_settings (strata_application_get_default ());
  const char *max_batches = g_getenv ("STRATA_TEST_MAX_BATCHES");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->run_name_row))));
  guint init = adw_combo_row_get_selected (self->init_row);
  StrataTrainOptions options = { 0 };

  if (resume)
    options.resume = self->resume_run;
  else
    {
      options.run_name = *name ? name : NULL;
      options.init_from = init < self->init_choices->len ? g_ptr_array_index (self->init_choices, init)
                                                         : NULL;
    }
  /* the real-window tests train a few batches, not an epoch of Fashion-MNIST */
  if (max_batches)
    options.max_batches = g_ascii_strtoull (max_batches, NULL, 10);

  if (resume)
    {
      g_free (self->run_name);
      self->run_name = g_strdup (self->resume_run);
      /* its curves so far, with the smoothing where they end */
      load_run_curves (self, self->resume_run);
    }
  else
    {
      clear_curves (self);
      reset_stats (self);
      reset_smoothing (self, 0);
      self->epoch = 0;
    }
  self->n_batch_events = 0;
  strata_plot_set_x_extent (self->loss_plot, strata_hyperparams_get_epochs (hp));
  strata_plot_set_x_extent (self->accuracy_plot, strata_hyperparams_get_epochs (hp));
  gtk_progress_bar_set_fraction (self->progress, 0);
  set_status (self, _("Starting…"), _("Loading the images and building the model"));

  self->clean_at_start = !strata_project_get_modified (self->project);
  self->job = strata_train_job_new (self->project, &options);
  if (settings)
    strata_train_job_set_threads (self->job, g_settings_get_uint (settings, "training-threads"));
  g_signal_connect_object (self->job, "event", G_CALLBACK (on_job_event), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "download", G_CALLBACK (on_job_download), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "finished", G_CALLBACK (on_job_finished), self,
                           G_CONNECT_SWAPPED);
  strata_train_job_start (self->job);
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

typedef struct
{
  StrataTrainingPage *self;
  gboolean resume;
} StartData;

static void
on_saved_for_start (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  StartData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (strata_window_save_finish (STRATA_WINDOW (object), result, &error))
    start_job (data->self, data->resume);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    strata_window_show_error (STRATA_WINDOW (object), _("Could Not Save the Project"),
                              error->message);
  g_object_unref (data->self);
  g_free (data);
}

/**
 * strata_training_page_start:
 * @resume: continue the last resumable run instead of starting a new one
 *
 * Checks the model, saves the project (a run's files live beside it, so an untitled project
 * is saved first, asking where), then trains in a worker thread.
 */
void
strata_training_page_start (StrataTrainingPage *self,
                            gboolean            resume)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GError) error = NULL;
  StartData *data;

  g_return_if_fail (STRATA_IS_TRAINING_PAGE (self));
  if (self->project == NULL || self->job != NULL || (resume && self->resume_run == NULL) ||
      !STRATA_IS_WINDOW (root))
    return;
  if (!gtk_widget_get_sensitive (self->start_button) && !resume)
    return;

  if (!strata_graph_validate (strata_project_get_graph (self->project), &error))
    {
      strata_window_show_error (STRATA_WINDOW (root), _("The Model Can’t Be Trained Yet"),
                                error->message);
      strata_window_show_page (STRATA_WINDOW (root), "model");
      return;
    }

  data = g_new0 (StartData, 1);
  data->self = g_object_ref (self);
  data->resume = resume;
  if (strata_project_get_path (self->project) == NULL || strata_project_get_modified (self->project))
    strata_window_save_async (STRATA_WINDOW (root), FALSE, NULL, on_saved_for_start, data);
  else
    {
      start_job (self, resume);
      g_object_unref (data->self);
      g_free (data);
    }
}

void
strata_training_page_stop (StrataTrainingPage *self)
{
  g_return_if_fail (STRATA_IS_TRAINING_PAGE (self));
  if (self->job == NULL)
    return;
  strata_train_job_stop (self->job);
  set_status (self, _("Stopping…"), _("Finishing the batch and writing a checkpoint"));
  update_controls (self);
}

gboolean
strata_training_page_get_running (StrataTrainingPage *self)
{
  g_return_val_if_fail (STRATA_IS_TRAINING_PAGE (self), FALSE);
  return self->job != NULL;
}

gboolean
strata_training_page_get_can_resume (StrataTrainingPage *self)
{
  g_return_val_if_fail (STRATA_IS_TRAINING_PAGE (self), FALSE);
  return self->job == NULL && self->resume_run != NULL;
}

const char *
strata_training_page_get_run_name (StrataTrainingPage *self)
{
  g_return_val_if_fail (STRATA_IS_TRAINING_PAGE (self), NULL);
  return self->run_name;
}

static void
action_start (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  strata_training_page_start (STRATA_TRAINING_PAGE (widget),
                              g_str_equal (action_name, "training.resume"));
}

static void
action_stop (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  strata_training_page_stop (STRATA_TRAINING_PAGE (widget));
}

static void
on_run_name_changed (StrataTrainingPage *self)
{
  update_controls (self);
}

/* Project ----------------------------------------------------------------------------------------- */

void
strata_training_page_set_project (StrataTrainingPage *self,
                                  StrataProject      *project)
{
  g_return_if_fail (STRATA_IS_TRAINING_PAGE (self));
  g_return_if_fail (self->job == NULL);

  if (!g_set_object (&self->project, project))
    return;
  g_binding_group_set_source (self->bindings, project ? strata_project_get_hyperparams (project)
                                                      : NULL);
  g_clear_pointer (&self->run_name, g_free);
  if (project)
    {
      g_signal_connect_object (project, "runs-changed", G_CALLBACK (refresh_runs), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (strata_project_get_hyperparams (project), "notify::epochs",
                               G_CALLBACK (refresh_runs), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (strata_project_get_hyperparams (project), "notify::epochs",
                               G_CALLBACK (update_extent), self, G_CONNECT_SWAPPED);
    }
  clear_curves (self);
  reset_stats (self);
  refresh_runs (self);
  show_idle_status (self);
  update_extent (self);
}

/* Tests ------------------------------------------------------------------------------------------- */

JsonNode *
strata_training_page_dup_test_state (StrataTrainingPage *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "running");
  json_builder_add_boolean_value (b, self->job != NULL);
  json_builder_set_member_name (b, "run");
  if (self->run_name)
    json_builder_add_string_value (b, self->run_name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "init_from");
  {
    guint init = adw_combo_row_get_selected (self->init_row);
    const char *choice = init < self->init_choices->len ? g_ptr_array_index (self->init_choices, init)
                                                        : NULL;

    if (choice)
      json_builder_add_string_value (b, choice);
    else
      json_builder_add_null_value (b);
  }
  json_builder_set_member_name (b, "resume");
  if (self->resume_run)
    json_builder_add_string_value (b, self->resume_run);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, gtk_label_get_label (self->status_title));
  json_builder_set_member_name (b, "batch_events");
  json_builder_add_int_value (b, self->n_batch_events);
  json_builder_set_member_name (b, "loss_points");
  json_builder_add_int_value (b, strata_plot_get_n_points (self->loss_plot));
  json_builder_set_member_name (b, "accuracy_points");
  json_builder_add_int_value (b, strata_plot_get_n_points (self->accuracy_plot));
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, self->epoch);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, self->epochs);
  json_builder_set_member_name (b, "progress");
  json_builder_add_double_value (b, gtk_progress_bar_get_fraction (self->progress));
  json_builder_set_member_name (b, "precision_notice");
  if (self->precision_notice)
    json_builder_add_string_value (b, self->precision_notice);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, gtk_label_get_label (self->status_detail));
  json_builder_set_member_name (b, "stats");
  json_builder_begin_object (b);
  {
    GtkLabel *labels[][2] = {
      { self->rate, self->rate_caption },
      { self->epoch_time, self->epoch_time_caption },
    };

    for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
      {
        json_builder_set_member_name (b, gtk_label_get_label (labels[i][1]));
        json_builder_add_string_value (b, gtk_label_get_label (labels[i][0]));
      }
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "loss_plot");
  json_builder_add_value (b, strata_plot_dup_test_state (self->loss_plot));
  json_builder_set_member_name (b, "accuracy_plot");
  json_builder_add_value (b, strata_plot_dup_test_state (self->accuracy_plot));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * strata_training_page_set_init_from:
 * @init_from: "RUN:best" or "RUN:last", as the trainer's init_from takes it
 *
 * Chooses the weights a new run starts from in the Load Previous Weights row, as the Results
 * page's "New Run From This Run" asks; the user still changes the settings and starts it.
 *
 * Returns: whether the run has those weights to offer
 */
gboolean
strata_training_page_set_init_from (StrataTrainingPage *self,
                                    const char         *init_from)
{
  g_return_val_if_fail (STRATA_IS_TRAINING_PAGE (self), FALSE);
  g_return_val_if_fail (init_from != NULL, FALSE);

  for (guint i = 0; i < self->init_choices->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->init_choices, i), init_from) == 0)
      {
        adw_combo_row_set_selected (self->init_row, i);
        return TRUE;
      }
  return FALSE;
}

void
strata_training_page_add_test_widgets (StrataTrainingPage *self,
                                       JsonBuilder        *builder)
{
  strata_test_hooks_add_widget (builder, "training-start", self->start_button);
  strata_test_hooks_add_widget (builder, "training-stop", self->stop_button);
  strata_test_hooks_add_widget (builder, "training-resume", GTK_WIDGET (self->resume_button));
  strata_test_hooks_add_widget (builder, "loss-plot", GTK_WIDGET (self->loss_plot));
  strata_test_hooks_add_widget (builder, "accuracy-plot", GTK_WIDGET (self->accuracy_plot));
  strata_test_hooks_add_widget (builder, "training-status",
                                gtk_widget_get_parent (gtk_widget_get_parent (
                                  GTK_WIDGET (self->status_title))));
}

/* GObject ----------------------------------------------------------------------------------------- */

static void
strata_training_page_dispose (GObject *object)
{
  StrataTrainingPage *self = (StrataTrainingPage *) object;
  GtkWidget *child;

  /* the window waits for training to stop before it closes */
  if (self->job)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      strata_train_job_stop (self->job);
      g_clear_object (&self->job);
    }
  if (self->bindings)
    g_binding_group_set_source (self->bindings, NULL);
  g_clear_object (&self->bindings);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_TRAINING_PAGE);
  /* the template's unnamed top child too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (strata_training_page_parent_class)->dispose (object);
}

static void
strata_training_page_finalize (GObject *object)
{
  StrataTrainingPage *self = (StrataTrainingPage *) object;

  g_clear_pointer (&self->init_choices, g_ptr_array_unref);
  g_clear_pointer (&self->resume_run, g_free);
  g_clear_pointer (&self->run_name, g_free);
  g_clear_pointer (&self->default_run_name, g_free);
  g_clear_pointer (&self->precision_notice, g_free);
  g_clear_pointer (&self->loss_batch, strata_series_unref);
  g_clear_pointer (&self->loss_train, strata_series_unref);
  g_clear_pointer (&self->loss_val, strata_series_unref);
  g_clear_pointer (&self->accuracy_batch, strata_series_unref);
  g_clear_pointer (&self->accuracy_train, strata_series_unref);
  g_clear_pointer (&self->accuracy_val, strata_series_unref);

  G_OBJECT_CLASS (strata_training_page_parent_class)->finalize (object);
}

static void
strata_training_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataTrainingPage *self = STRATA_TRAINING_PAGE (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->job != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_training_page_class_init (StrataTrainingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_training_page_dispose;
  object_class->finalize = strata_training_page_finalize;
  object_class->get_property = strata_training_page_get_property;

  /**
   * StrataTrainingPage:running:
   *
   * A run is training (or stopping).
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STRATA_TYPE_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-training-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, StrataTrainingPage, name)
  CHILD (run_name_row);
  CHILD (init_row);
  CHILD (init_model);
  CHILD (save_on_row);
  CHILD (status_title);
  CHILD (status_detail);
  CHILD (precision_icon);
  CHILD (progress);
  CHILD (stop_button);
  CHILD (resume_button);
  CHILD (start_button);
  CHILD (loss_plot);
  CHILD (accuracy_plot);
  CHILD (rate);
  CHILD (rate_caption);
  CHILD (epoch_time);
  CHILD (epoch_time_caption);
  CHILD (elapsed);
  CHILD (eta);
  CHILD (best);
  CHILD (best_caption);
  CHILD (learning_rate);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_run_name_changed);

  gtk_widget_class_install_action (widget_class, "training.start", NULL, action_start);
  gtk_widget_class_install_action (widget_class, "training.resume", NULL, action_start);
  gtk_widget_class_install_action (widget_class, "training.stop", NULL, action_stop);
}

static void
strata_training_page_init (StrataTrainingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->init_choices = g_ptr_array_new_with_free_func (g_free);
  self->loss_batch = strata_series_new ();
  self->loss_train = strata_series_new ();
  self->loss_val = strata_series_new ();
  self->accuracy_batch = strata_series_new ();
  self->accuracy_train = strata_series_new ();
  self->accuracy_val = strata_series_new ();

  /* Translators: legend entries of the training plots */
  strata_plot_add_series (self->loss_plot, self->loss_batch, _("Per batch"), LOSS_COLOR,
                          STRATA_PLOT_LINE | STRATA_PLOT_FAINT);
  strata_plot_add_series (self->loss_plot, self->loss_train, _("Training"), LOSS_COLOR,
                          STRATA_PLOT_LINE | STRATA_PLOT_MARKERS);
  strata_plot_add_series (self->loss_plot, self->loss_val, _("Validation"), VAL_COLOR,
                          STRATA_PLOT_LINE | STRATA_PLOT_MARKERS);
  strata_plot_add_series (self->accuracy_plot, self->accuracy_batch, _("Per batch"), LOSS_COLOR,
                          STRATA_PLOT_LINE | STRATA_PLOT_FAINT);
  strata_plot_add_series (self->accuracy_plot, self->accuracy_train, _("Training"), LOSS_COLOR,
                          STRATA_PLOT_LINE | STRATA_PLOT_MARKERS);
  strata_plot_add_series (self->accuracy_plot, self->accuracy_val, _("Validation"), VAL_COLOR,
                          STRATA_PLOT_LINE | STRATA_PLOT_MARKERS);

  self->bindings = g_binding_group_new ();
  /* a hyperparameter, but set here, where Deep Learning Studio users look for it */
  strata_form_bind_combo_strings (self->bindings, "save-weights-on", self->save_on_row,
                                  save_on_choices);
  reset_smoothing (self, 0);
  reset_stats (self);
  update_controls (self);

  /* The status card is as tall whatever it says: a detail of three lines after Stop would
   * push both plots down as the run stops. */
  {
    g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->status_detail),
                                                                    "Ag\nAg");
    int height;

    pango_layout_get_pixel_size (layout, NULL, &height);
    gtk_widget_set_size_request (GTK_WIDGET (self->status_detail), -1, height);
  }
}
