/* strata-lr-finder-dialog.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-lr-finder-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-lr-finder-dialog.h"
#include "strata-lr-finder.h"
#include "strata-lr-plot.h"

/**
 * StrataLrFinderDialog:
 *
 * Runs strata_lr_find() on a copy of the project in a worker thread as soon as it opens,
 * with a progress bar; then plots the loss against the learning rate and offers the
 * suggested rate, rounded to two digits, for the project's learning rate. Cancel or closing
 * stops the search after its current step.
 */

struct _StrataLrFinderDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton *cancel_button;
  GtkButton *use_button;
  GtkStack *stack;
  GtkLabel *progress_label;
  GtkProgressBar *progress;
  StrataLrPlot *plot;
  GtkLabel *result_label;
  AdwStatusPage *error_page;

  /* Owned references */
  StrataProject *project;
  GCancellable *cancellable;

  /* State */
  double suggested_lr;          /* rounded as the Use button says it; NAN before */
  guint progress_source;
  gint done;                    /* steps taken, written by the worker */
  gint total;
};

G_DEFINE_FINAL_TYPE (StrataLrFinderDialog, strata_lr_finder_dialog, ADW_TYPE_WINDOW)

/* Two significant digits: a rate to write down, not the curve's noise. */
static double
round_rate (double lr)
{
  double scale = pow (10, floor (log10 (lr)) - 1);

  return round (lr / scale) * scale;
}

typedef struct
{
  StrataProject *project;       /* a copy: the thread must not share the window's */
  StrataLrFinderDialog *dialog; /* only its atomic counters, from the thread */
} FindJob;

static void
find_job_free (FindJob *job)
{
  g_clear_object (&job->project);
  g_clear_object (&job->dialog);
  g_free (job);
}

static void
on_progress (const char *stage,
             guint64     done,
             guint64     total,
             gpointer    user_data)
{
  StrataLrFinderDialog *self = user_data;

  g_atomic_int_set (&self->total, (gint) total);
  g_atomic_int_set (&self->done, (gint) done);
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FindJob *job = task_data;
  StrataLrFinderOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  StrataLrFinderResult *result;

  options.progress = on_progress;
  options.progress_data = job->dialog;
  result = strata_lr_find (job->project, &options, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) strata_lr_finder_result_free);
}

/* The worker only counts; the main loop reads the counts. */
static gboolean
update_progress (gpointer user_data)
{
  StrataLrFinderDialog *self = user_data;
  int done = g_atomic_int_get (&self->done), total = g_atomic_int_get (&self->total);

  if (total > 0)
    {
      g_autofree char *text = NULL;

      gtk_progress_bar_set_fraction (self->progress, (double) done / total);
      /* Translators: the lr finder's progress: steps taken of steps planned */
      text = g_strdup_printf (_("Training step %d of %d…"), done, total);
      gtk_label_set_label (self->progress_label, text);
    }
  else
    gtk_progress_bar_pulse (self->progress);
  return G_SOURCE_CONTINUE;
}

static void
on_found (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StrataLrFinderDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataLrFinderResult) found = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *rate = NULL, *label = NULL, *lowest = NULL, *text = NULL;

  /* closed or cancelled: the window is gone or going */
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->cancellable);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  if (found == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  strata_lr_plot_set_data (self->plot, found->lr, found->loss, found->smoothed, found->n,
                           found->suggested_lr);
  gtk_stack_set_visible_child_name (self->stack, "done");
  if (!isfinite (found->suggested_lr) || found->suggested_lr <= 0)
    {
      gtk_label_set_label (self->result_label,
                           _("The loss did not fall over this range of learning rates: the "
                             "model or the data may need a look first."));
      return;
    }
  self->suggested_lr = round_rate (found->suggested_lr);
  rate = strata_lr_plot_format_rate (self->suggested_lr);
  lowest = strata_lr_plot_format_rate (found->min_loss_lr);
  /* Translators: a button; %s is a learning rate, "3.2e-4" */
  label = g_strdup_printf (_("_Use %s"), rate);
  gtk_button_set_label (self->use_button, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->use_button), TRUE);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->use_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->use_button));
  /* Translators: the lr finder's result; %s are learning rates, %s the optimizer */
  text = g_strdup_printf (_("With %s, the loss falls fastest at a learning rate of %s and is "
                            "lowest at %s. The suggestion is a good start; with a one-cycle "
                            "schedule, use the lowest point as the highest rate."),
                          found->optimizer, rate, lowest);
  if (found->diverged)
    {
      g_autofree char *with_stop = g_strconcat (text, " ", _("The search stopped where the "
                                                             "loss exploded."), NULL);
      g_free (text);
      text = g_steal_pointer (&with_stop);
    }
  gtk_label_set_label (self->result_label, text);
}

static void
start (StrataLrFinderDialog *self)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *data = strata_project_to_data (self->project, NULL);
  FindJob *job = g_new0 (FindJob, 1);

  job->project = strata_project_load_from_data (data, -1, strata_project_get_path (self->project),
                                                NULL);
  job->dialog = g_object_ref (self);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, on_found, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) find_job_free);
  if (job->project == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("The project could not be copied for the search"));
      return;
    }
  g_task_run_in_thread (task, find_thread);
  self->progress_source = g_timeout_add (100, update_progress, self);
}

static void
on_cancel_clicked (StrataLrFinderDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_use_clicked (StrataLrFinderDialog *self)
{
  if (!isfinite (self->suggested_lr))
    return;
  g_object_set (strata_project_get_hyperparams (self->project), "learning-rate",
                self->suggested_lr, NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
strata_lr_finder_dialog_close_request (GtkWindow *window)
{
  StrataLrFinderDialog *self = STRATA_LR_FINDER_DIALOG (window);

  /* the search stops after its step; on_found() then sees it was cancelled */
  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (strata_lr_finder_dialog_parent_class)->close_request (window);
}

/**
 * strata_lr_finder_dialog_new:
 * @project: whose model, data and hyperparameters to try, and whose learning rate Use sets
 *
 * Returns: (transfer none): the dialog, searching already; present it
 */
StrataLrFinderDialog *
strata_lr_finder_dialog_new (GtkWindow     *parent,
                             StrataProject *project)
{
  StrataLrFinderDialog *self;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  self = g_object_new (STRATA_TYPE_LR_FINDER_DIALOG, "transient-for", parent, NULL);
  self->project = g_object_ref (project);
  start (self);
  return self;
}

static void
strata_lr_finder_dialog_dispose (GObject *object)
{
  StrataLrFinderDialog *self = (StrataLrFinderDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (strata_lr_finder_dialog_parent_class)->dispose (object);
}

static void
strata_lr_finder_dialog_class_init (StrataLrFinderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = strata_lr_finder_dialog_dispose;
  window_class->close_request = strata_lr_finder_dialog_close_request;

  g_type_ensure (STRATA_TYPE_LR_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-lr-finder-dialog.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, StrataLrFinderDialog, name)
  CHILD (cancel_button);
  CHILD (use_button);
  CHILD (stack);
  CHILD (progress_label);
  CHILD (progress);
  CHILD (plot);
  CHILD (result_label);
  CHILD (error_page);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_use_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
strata_lr_finder_dialog_init (StrataLrFinderDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->suggested_lr = NAN;
}
