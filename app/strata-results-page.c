/* strata-results-page.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-results-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-application.h"
#include "strata-evaluation-view.h"
#include "strata-format.h"
#include "strata-plot.h"
#include "strata-results-page.h"
#include "strata-run.h"
#include "strata-run-actions.h"
#include "strata-run-comparison.h"
#include "strata-test-hooks.h"
#include "strata-series.h"
#include "strata-window.h"
#include "strata-json.h"

/**
 * StrataResultsPage:
 *
 * The project's runs in a sidebar, newest first, each with its status and best figure and a
 * check box that puts its epoch curves on the plots, so runs can be compared. The selected
 * run's evaluation and its export are a #StrataEvaluationView.
 */

static const char *const palette[] = {
  "blue_3", "orange_3", "green_4", "purple_3", "red_3", "yellow_5", "brown_2", "teal_3",
};

struct _StrataResultsPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack *stack;
  AdwFlap *run_flap;
  GtkListBox *run_list;
  GtkLabel *run_title;
  GtkLabel *run_summary;
  StrataPlot *loss_plot;
  StrataPlot *accuracy_plot;
  StrataEvaluationView *evaluation;
  StrataRunComparison *comparison;
  GtkWidget *run_menu_button;
  GtkWidget *run_list_toggle;

  /* Owned references */
  StrataProject *project;
  char *selected;
  char *training_run;
  GHashTable *shown;            /* run names whose curves are plotted */
  GStrv known;                  /* the runs at the last refresh, to follow renames */
};

G_DEFINE_FINAL_TYPE (StrataResultsPage, strata_results_page, GTK_TYPE_WIDGET)

static StrataRun *
open_run (StrataResultsPage *self,
          const char        *name)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);

  return strata_run_open (runs_dir, name, NULL);
}

/* A run that says it is training but no process trains is what a crash left: the engine reads
 * it as "interrupted". The window's own training run is running even where the file system
 * has no locks to tell. */
static const char *
run_status (StrataResultsPage *self,
            StrataRun         *run,
            const char        *name)
{
  const char *status = strata_run_get_status (run);

  if (g_str_equal (status, "interrupted") && g_strcmp0 (name, self->training_run) == 0)
    return "running";
  return status;
}

static char *
best_text (JsonObject *info)
{
  const char *monitor = strata_json_get_string (info, "monitor", NULL);
  int best_epoch = strata_json_get_int (info, "best_epoch", 0);
  g_autofree char *value = NULL;

  if (monitor == NULL || best_epoch <= 0)
    return NULL;
  value = strata_format_value (monitor, strata_json_get_double (info, "best_value", NAN));
  /* Translators: e.g. "Best validation accuracy 91.2%, epoch 8" */
  return g_strdup_printf (_("best %s %s, epoch %d"), strata_format_metric_phrase (monitor), value,
                          best_epoch);
}

/* Curves ------------------------------------------------------------------------------------------ */

/* A run's saved per-batch curve, smoothed as on the Training page: a run stopped before its
 * first epoch ended has no other. Returns whether it has one. */
static gboolean
add_batch_curves (StrataRun    *run,
                  StrataSeries *loss,
                  StrataSeries *accuracy,
                  double       *extent)
{
  GSettings *settings = strata_application_get_settings (strata_application_get_default ());
  g_autofree char *path = strata_run_dup_path (run, STRATA_BATCH_HISTORY_FILE);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataBatchHistory) history = strata_batch_history_load (path, 0, &error);
  g_autoptr(GArray) points = NULL;
  StrataSmoother loss_smoother, accuracy_smoother;
  double weight;

  if (history == NULL)
    {
      g_warning ("%s", error->message);
      return FALSE;
    }
  points = strata_batch_history_dup_points (history);
  if (points->len == 0)
    return FALSE;
  weight = strata_smoother_weight_per_batch (settings ? g_settings_get_double (settings,
                                                                               "plot-smoothing")
                                                      : 0.8,
                                             strata_batch_points_per_epoch (points));
  strata_smoother_init (&loss_smoother, weight);
  strata_smoother_init (&accuracy_smoother, weight);
  strata_series_add_batch_points (loss, accuracy, points, &loss_smoother, &accuracy_smoother);
  *extent = MAX (*extent, ceil (g_array_index (points, StrataBatchPoint, points->len - 1).x));
  return TRUE;
}

/* The batches a run trained after its last finished epoch, from its per-batch history. */
static guint
batches_into_next_epoch (StrataRun *run,
                         int        epochs_done)
{
  g_autofree char *path = strata_run_dup_path (run, STRATA_BATCH_HISTORY_FILE);
  g_autoptr(StrataBatchHistory) history = strata_batch_history_load (path, 0, NULL);
  g_autoptr(GArray) points = NULL;
  double x;

  if (history == NULL)
    return 0;
  points = strata_batch_history_dup_points (history);
  if (points->len == 0)
    return 0;
  x = g_array_index (points, StrataBatchPoint, points->len - 1).x;
  return x > epochs_done
         ? (guint) round ((x - epochs_done) * strata_batch_points_per_epoch (points)) : 0;
}

static void
update_plots (StrataResultsPage *self)
{
  g_auto(GStrv) runs = NULL;
  guint color = 0;
  double extent = 1;
  gboolean any = FALSE, any_batches = FALSE;

  strata_plot_clear_series (self->loss_plot);
  strata_plot_clear_series (self->accuracy_plot);
  if (self->project == NULL)
    return;
  runs = strata_project_dup_run_names (self->project);
  for (guint i = 0; runs[i]; i++, color++)
    {
      g_autoptr(StrataRun) run = NULL;
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(StrataSeries) loss = NULL, val_loss = NULL, accuracy = NULL, val_accuracy = NULL;
      g_autoptr(StrataSeries) loss_batch = strata_series_new ();
      g_autoptr(StrataSeries) accuracy_batch = strata_series_new ();
      g_autofree char *batch_label = NULL;
      g_autofree char *train_label = NULL, *val_label = NULL;
      const char *c = palette[color % G_N_ELEMENTS (palette)];

      if (!g_hash_table_contains (self->shown, runs[i]) || !(run = open_run (self, runs[i])))
        continue;
      records = strata_run_read_metrics (run, NULL);
      loss = strata_series_new ();
      val_loss = strata_series_new ();
      accuracy = strata_series_new ();
      val_accuracy = strata_series_new ();
      for (guint k = 0; records && k < records->len; k++)
        {
          JsonObject *r = json_node_get_object (g_ptr_array_index (records, k));
          double epoch = strata_json_get_int (r, "epoch", 0);

          strata_series_append (loss, epoch, strata_json_get_double (r, "loss", NAN));
          strata_series_append (val_loss, epoch,
                                strata_json_get_double (r, "val_loss", NAN));
          strata_series_append (accuracy, epoch,
                                strata_json_get_double (r, "accuracy", NAN));
          strata_series_append (val_accuracy, epoch,
                                strata_json_get_double (r, "val_accuracy", NAN));
          extent = MAX (extent, epoch);
        }
      /* Translators: in the Results plots' readout; %s is a run's name */
      train_label = g_strdup_printf (_("%s training"), runs[i]);
      val_label = g_strdup_printf (_("%s validation"), runs[i]);
      if (add_batch_curves (run, loss_batch, accuracy_batch, &extent))
        {
          /* Translators: in the Results plots' readout; %s is a run's name */
          batch_label = g_strdup_printf (_("%s per batch"), runs[i]);
          strata_plot_add_series (self->loss_plot, loss_batch, batch_label, c,
                                  STRATA_PLOT_LINE | STRATA_PLOT_FAINT | STRATA_PLOT_HIDE_IN_LEGEND);
          strata_plot_add_series (self->accuracy_plot, accuracy_batch, batch_label, c,
                                  STRATA_PLOT_LINE | STRATA_PLOT_FAINT | STRATA_PLOT_HIDE_IN_LEGEND);
          any_batches = TRUE;
        }
      /* the legend names the runs by colour; the line style says which figure */
      strata_plot_add_series (self->loss_plot, val_loss, val_label, c,
                              STRATA_PLOT_LINE | STRATA_PLOT_MARKERS | STRATA_PLOT_HIDE_IN_LEGEND);
      strata_plot_add_series (self->loss_plot, loss, train_label, c,
                              STRATA_PLOT_LINE | STRATA_PLOT_DASHED | STRATA_PLOT_HIDE_IN_LEGEND);
      strata_plot_add_series (self->accuracy_plot, val_accuracy, val_label, c,
                              STRATA_PLOT_LINE | STRATA_PLOT_MARKERS | STRATA_PLOT_HIDE_IN_LEGEND);
      strata_plot_add_series (self->accuracy_plot, accuracy, train_label, c,
                              STRATA_PLOT_LINE | STRATA_PLOT_DASHED | STRATA_PLOT_HIDE_IN_LEGEND);
      strata_plot_add_legend_entry (self->loss_plot, runs[i], c, STRATA_PLOT_LINE);
      strata_plot_add_legend_entry (self->accuracy_plot, runs[i], c, STRATA_PLOT_LINE);
      any = TRUE;
    }
  if (any)
    {
      StrataPlot *plots[] = { self->loss_plot, self->accuracy_plot };

      for (guint k = 0; k < G_N_ELEMENTS (plots); k++)
        {
          strata_plot_add_legend_entry (plots[k], _("Validation"), NULL,
                                        STRATA_PLOT_LINE | STRATA_PLOT_MARKERS);
          strata_plot_add_legend_entry (plots[k], _("Training"), NULL,
                                        STRATA_PLOT_LINE | STRATA_PLOT_DASHED);
          if (any_batches)
            strata_plot_add_legend_entry (plots[k], _("Per batch"), NULL,
                                          STRATA_PLOT_LINE | STRATA_PLOT_FAINT);
        }
    }
  strata_plot_set_x_extent (self->loss_plot, extent);
  strata_plot_set_x_extent (self->accuracy_plot, extent);

  /* the plotted runs side by side, the oldest first, as the others changed from it */
  {
    g_autoptr(GStrvBuilder) shown = g_strv_builder_new ();
    g_auto(GStrv) names = NULL;

    for (guint i = 0; runs[i]; i++)
      if (g_hash_table_contains (self->shown, runs[i]))
        g_strv_builder_add (shown, runs[i]);
    names = g_strv_builder_end (shown);
    strata_run_comparison_set_runs (self->comparison, self->project, (const char *const *) names);
  }
}

static void
on_shown_toggled (GtkCheckButton    *check,
                  StrataResultsPage *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "run");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->shown, g_strdup (name));
  else
    g_hash_table_remove (self->shown, name);
  update_plots (self);
}

/* Runs -------------------------------------------------------------------------------------------- */

/* The run training now can't be renamed or deleted under the trainer's feet. */
static void
update_run_actions (StrataResultsPage *self,
                    StrataRun         *run)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean idle = self->selected && g_strcmp0 (self->selected, self->training_run) != 0;

  gtk_widget_action_set_enabled (widget, "results.rename", idle);
  gtk_widget_action_set_enabled (widget, "results.delete", idle);
  gtk_widget_action_set_enabled (widget, "results.train-from-best",
                                 idle && run && strata_run_has_checkpoint (run, "best"));
  gtk_widget_action_set_enabled (widget, "results.train-from-last",
                                 idle && run && strata_run_has_checkpoint (run, "last"));
}

static void
action_run (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  StrataResultsPage *self = STRATA_RESULTS_PAGE (widget);
  g_autofree char *name = g_strdup (self->selected);

  if (self->project == NULL || name == NULL || g_strcmp0 (name, self->training_run) == 0)
    return;
  if (g_str_equal (action_name, "results.rename"))
    strata_run_actions_rename (widget, self->project, name);
  else if (g_str_equal (action_name, "results.delete"))
    strata_run_actions_delete (widget, self->project, name);
  else
    {
      /* the Training page takes it from here, where the settings can change before Start */
      const char *which = g_str_equal (action_name, "results.train-from-best") ? "best" : "last";
      g_autofree char *init = g_strdup_printf ("%s:%s", name, which);

      gtk_widget_activate_action (widget, "win.train-from", "s", init);
    }
}

static void
show_run (StrataResultsPage *self,
          const char        *name)
{
  g_autoptr(StrataRun) run = open_run (self, name);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *best = NULL;
  JsonObject *info;

  g_free (self->selected);
  self->selected = g_strdup (name);
  gtk_label_set_label (self->run_title, name);
  update_run_actions (self, run);
  if (run == NULL)
    {
      gtk_label_set_label (self->run_summary, _("The run’s folder is missing"));
      strata_evaluation_view_set_run (self->evaluation, self->project, name);
      return;
    }
  info = strata_run_get_info (run);
  g_string_append (summary, strata_format_status (run_status (self, run, name)));
  g_string_append_printf (summary, " · ");
  {
    int done = strata_json_get_int (info, "epochs_done", 0);
    int epochs = strata_json_get_int (info, "epochs", 0);
    guint into_next = batches_into_next_epoch (run, done);

    if (into_next > 0)
      /* Translators: how far a run stopped mid-epoch got: epochs done, epochs, and batches of
       * the epoch it stopped in */
      g_string_append_printf (summary, _("%d of %d epochs and %u batches"), done, epochs,
                              into_next);
    else
      /* Translators: how far a run got */
      g_string_append_printf (summary, _("%d of %d epochs"), done, epochs);
  }
  if ((best = best_text (info)))
    g_string_append_printf (summary, " · %s", best);
  if (json_object_has_member (info, "elapsed"))
    {
      g_autofree char *t = strata_format_duration (json_object_get_double_member (info, "elapsed"));
      /* Translators: time a run trained */
      g_string_append_printf (summary, " · ");
      g_string_append_printf (summary, _("trained for %s"), t);
    }
  if (json_object_has_member (info, "init_from"))
    {
      g_string_append_printf (summary, " · ");
      /* Translators: %s is e.g. "run-1:best" */
      g_string_append_printf (summary, _("started from %s"),
                              json_object_get_string_member (info, "init_from"));
    }
  gtk_label_set_label (self->run_summary, summary->str);
  strata_evaluation_view_set_run (self->evaluation, self->project, name);
}

static void
on_run_selected (StrataResultsPage *self,
                 GtkListBoxRow     *row)
{
  if (row)
    show_run (self, g_object_get_data (G_OBJECT (row), "run"));
  /* folded over the figures, the list gets out of the way of the run just chosen (the list
   * also loses its selection while the page is disposed, after the flap is gone) */
  if (self->run_flap && adw_flap_get_folded (self->run_flap))
    adw_flap_set_reveal_flap (self->run_flap, FALSE);
}

/* A click on the run already shown selects nothing new, but is a choice all the same. */
static void
on_run_activated (StrataResultsPage *self,
                  GtkListBoxRow     *row)
{
  if (self->run_flap && adw_flap_get_folded (self->run_flap))
    adw_flap_set_reveal_flap (self->run_flap, FALSE);
}

static GtkWidget *
run_row_new (StrataResultsPage *self,
             const char        *name)
{
  g_autoptr(StrataRun) run = open_run (self, name);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *subtitle;
  g_autofree char *sub = NULL;
  g_autofree char *tooltip = NULL;

  if (run)
    {
      JsonObject *info = strata_run_get_info (run);
      JsonObject *last = json_object_has_member (info, "last")
                         ? json_object_get_object_member (info, "last") : NULL;
      g_autofree char *value = NULL;

      if (last && json_object_has_member (last, "val_accuracy"))
        value = strata_format_percent (json_object_get_double_member (last, "val_accuracy"));
      else if (last)
        value = strata_format_percent (strata_json_get_double (last, "accuracy", NAN));
      sub = value ? g_strdup_printf ("%s · %s", strata_format_status (run_status (self, run, name)),
                                     value)
                  : g_strdup (strata_format_status (run_status (self, run, name)));
    }
  else
    sub = g_strdup (_("Missing"));
  subtitle = gtk_label_new (sub);

  g_object_set_data_full (G_OBJECT (row), "run", g_strdup (name), g_free);
  g_object_set_data_full (G_OBJECT (check), "run", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "check", check);
  tooltip = g_strdup_printf (_("Show “%s” on the plots"), name);
  gtk_widget_set_tooltip_text (check, tooltip);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (self->shown, name));
  g_signal_connect (check, "toggled", G_CALLBACK (on_shown_toggled), self);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

/* A run renamed leaves the list and comes back under a new name: it stays on the plots and
 * selected. */
static void
follow_rename (StrataResultsPage  *self,
               char              **runs,
               char              **keep)
{
  const char *gone = NULL, *added = NULL;
  guint n_gone = 0, n_added = 0;

  for (guint i = 0; self->known && self->known[i]; i++)
    if (!g_strv_contains ((const char *const *) runs, self->known[i]))
      gone = self->known[i], n_gone++;
  for (guint i = 0; self->known && runs[i]; i++)
    if (!g_strv_contains ((const char *const *) self->known, runs[i]))
      added = runs[i], n_added++;
  if (n_gone == 1 && n_added == 1)
    {
      if (g_hash_table_remove (self->shown, gone))
        g_hash_table_add (self->shown, g_strdup (added));
      if (g_strcmp0 (*keep, gone) == 0)
        {
          g_free (*keep);
          *keep = g_strdup (added);
        }
    }
  g_strfreev (self->known);
  self->known = g_strdupv (runs);
}

/**
 * strata_results_page_refresh:
 *
 * Reads the runs again: after a run was added, trained further or evaluated elsewhere.
 */
void
strata_results_page_refresh (StrataResultsPage *self)
{
  g_auto(GStrv) runs = NULL;
  g_autofree char *keep = NULL;
  GtkWidget *child;
  GtkListBoxRow *select = NULL;
  GtkWidget *focus;
  gboolean had_focus;
  guint n;

  g_return_if_fail (STRATA_IS_RESULTS_PAGE (self));

  keep = g_strdup (self->selected);
  /* the rows are made again: the keyboard focus goes to the new selected row */
  /* (the window's focus, which stays while a dialog is in front, unlike the focus child) */
  focus = gtk_widget_get_root (GTK_WIDGET (self)) ? gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (self)))
                                                   : NULL;
  had_focus = focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->run_list));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->run_list))))
    gtk_list_box_remove (self->run_list, child);
  if (self->project == NULL)
    return;
  runs = strata_project_dup_run_names (self->project);
  n = g_strv_length (runs);
  follow_rename (self, runs, &keep);
  gtk_stack_set_visible_child_name (self->stack, n ? "runs" : "empty");
  if (n == 0)
    {
      g_clear_pointer (&self->selected, g_free);
      update_run_actions (self, NULL);
    }
  /* the newest runs are compared on the plots until the user picks others */
  if (n && g_hash_table_size (self->shown) == 0)
    for (guint i = n > 4 ? n - 4 : 0; i < n; i++)
      g_hash_table_add (self->shown, g_strdup (runs[i]));
  for (guint i = n; i > 0; i--)
    {
      GtkWidget *row = run_row_new (self, runs[i - 1]);

      gtk_list_box_append (self->run_list, row);
      if (select == NULL || g_strcmp0 (keep, runs[i - 1]) == 0)
        select = GTK_LIST_BOX_ROW (row);
    }
  if (keep && select && g_strcmp0 (g_object_get_data (G_OBJECT (select), "run"), keep) != 0)
    select = gtk_list_box_get_row_at_index (self->run_list, 0);
  if (select)
    gtk_list_box_select_row (self->run_list, select);
  if (select && had_focus)
    gtk_widget_grab_focus (GTK_WIDGET (select));
  update_plots (self);
}

void
strata_results_page_set_project (StrataResultsPage *self,
                                 StrataProject     *project)
{
  g_return_if_fail (STRATA_IS_RESULTS_PAGE (self));

  if (self->project && self->project != project)
    strata_run_actions_flush_deleted (self->project);
  if (!g_set_object (&self->project, project))
    return;
  g_hash_table_remove_all (self->shown);
  g_clear_pointer (&self->known, g_strfreev);
  g_clear_pointer (&self->selected, g_free);
  if (project)
    g_signal_connect_object (project, "runs-changed", G_CALLBACK (strata_results_page_refresh),
                             self, G_CONNECT_SWAPPED);
  strata_results_page_refresh (self);
}

/**
 * strata_results_page_set_training_run:
 * @run: (nullable): the run training now, which is not "interrupted" however its file reads
 */
void
strata_results_page_set_training_run (StrataResultsPage *self,
                                      const char        *run)
{
  g_return_if_fail (STRATA_IS_RESULTS_PAGE (self));
  g_free (self->training_run);
  self->training_run = g_strdup (run);
  strata_results_page_refresh (self);
}

static void
strata_results_page_dispose (GObject *object)
{
  StrataResultsPage *self = (StrataResultsPage *) object;
  GtkWidget *child;

  /* the Undo toasts of deleted runs go with the window */
  if (self->project)
    strata_run_actions_flush_deleted (self->project);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_RESULTS_PAGE);
  /* the template's unnamed top child too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (strata_results_page_parent_class)->dispose (object);
}

static void
strata_results_page_finalize (GObject *object)
{
  StrataResultsPage *self = (StrataResultsPage *) object;

  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->known, g_strfreev);
  g_clear_pointer (&self->selected, g_free);
  g_clear_pointer (&self->training_run, g_free);

  G_OBJECT_CLASS (strata_results_page_parent_class)->finalize (object);
}

static void
strata_results_page_class_init (StrataResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_results_page_dispose;
  object_class->finalize = strata_results_page_finalize;

  g_type_ensure (STRATA_TYPE_PLOT);
  g_type_ensure (STRATA_TYPE_EVALUATION_VIEW);
  g_type_ensure (STRATA_TYPE_RUN_COMPARISON);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-results-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, StrataResultsPage, name)
  CHILD (stack);
  CHILD (run_flap);
  CHILD (run_list);
  CHILD (run_list_toggle);
  CHILD (run_title);
  CHILD (run_summary);
  CHILD (loss_plot);
  CHILD (accuracy_plot);
  CHILD (evaluation);
  CHILD (comparison);
  CHILD (run_menu_button);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_run_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_run_activated);
  gtk_widget_class_install_action (widget_class, "results.rename", NULL, action_run);
  gtk_widget_class_install_action (widget_class, "results.delete", NULL, action_run);
  gtk_widget_class_install_action (widget_class, "results.train-from-best", NULL, action_run);
  gtk_widget_class_install_action (widget_class, "results.train-from-last", NULL, action_run);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "results.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "results.delete", NULL);
}

static void
strata_results_page_init (StrataResultsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  update_run_actions (self, NULL);
}

/**
 * strata_results_page_dup_test_state:
 *
 * Returns: (transfer full): the selected run, the plotted runs and the series on the plots,
 *   and the comparison's rows, for tests/test-app-ui.py
 */
JsonNode *
strata_results_page_dup_test_state (StrataResultsPage *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(GStrv) runs = self->project ? strata_project_dup_run_names (self->project) : NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "selected");
  json_builder_add_string_value (b, self->selected);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; runs && runs[i]; i++)
    json_builder_add_string_value (b, runs[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "shown");
  json_builder_begin_array (b);
  for (guint i = 0; runs && runs[i]; i++)
    if (g_hash_table_contains (self->shown, runs[i]))
      json_builder_add_string_value (b, runs[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "loss_series");
  json_builder_add_int_value (b, strata_plot_get_n_series (self->loss_plot));
  json_builder_set_member_name (b, "accuracy_series");
  json_builder_add_int_value (b, strata_plot_get_n_series (self->accuracy_plot));
  json_builder_set_member_name (b, "summary");
  json_builder_add_string_value (b, gtk_label_get_label (self->run_summary));
  json_builder_set_member_name (b, "loss_plot");
  json_builder_add_value (b, strata_plot_dup_test_state (self->loss_plot));
  json_builder_set_member_name (b, "accuracy_plot");
  json_builder_add_value (b, strata_plot_dup_test_state (self->accuracy_plot));
  json_builder_set_member_name (b, "comparison");
  json_builder_add_value (b, strata_run_comparison_dup_test_state (self->comparison));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Each run's row and check box as "results-run-NAME" and "results-show-NAME". */
void
strata_results_page_add_test_widgets (StrataResultsPage *self,
                                      JsonBuilder       *builder)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->run_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      const char *name = g_object_get_data (G_OBJECT (row), "run");
      GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
      g_autofree char *row_id = g_strconcat ("results-run-", name, NULL);
      g_autofree char *check_id = g_strconcat ("results-show-", name, NULL);

      if (name == NULL)
        continue;
      strata_test_hooks_add_widget (builder, row_id, row);
      if (check)
        strata_test_hooks_add_widget (builder, check_id, check);
    }
  strata_test_hooks_add_widget (builder, "results-run-menu", self->run_menu_button);
  strata_test_hooks_add_widget (builder, "results-run-list-toggle", self->run_list_toggle);
  strata_evaluation_view_add_test_widgets (self->evaluation, builder);
}
