/* strata-inference-page.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-inference-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"
#include "strata-format.h"
#include "strata-inference-page.h"
#include "strata-predict.h"
#include "strata-run.h"
#include "strata-test-hooks.h"
#include "strata-thumbnail.h"
#include "strata-window.h"

/**
 * StrataInferencePage:
 *
 * Pick a run and its best or last weights, then choose or drop image files or a folder, or
 * take the project's test split: a worker thread classifies them with a #StrataPredictor (the
 * run's own preprocessing, an inference plan) and each image gets a row with its thumbnail and
 * bars for its most likely classes. The predictions can be saved as a CSV of Filename,Label
 * rows, as `strata predict --csv` writes them.
 */

#define MAX_TOP 10

/* Rows shown: a split has thousands of images, which the CSV holds; a list that long would
 * only slow the window down. */
#define MAX_ROWS 100

typedef struct
{
  GStrv classes;
  GPtrArray *items;             /* StrataImagePrediction */
  guint top_k;
  StrataDataset *dataset;       /* for a split: where the thumbnails come from */
  GPtrArray *thumbnails;        /* for a split: GBytes (or NULL) of the first rows */
} Predictions;

static void
predictions_free (Predictions *p)
{
  g_strfreev (p->classes);
  g_clear_pointer (&p->items, g_ptr_array_unref);
  g_clear_object (&p->dataset);
  g_clear_pointer (&p->thumbnails, g_ptr_array_unref);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Predictions, predictions_free)

struct _StrataInferencePage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack *stack;
  AdwComboRow *run_row;
  GtkStringList *weights_model;
  GtkWidget *go_training_button;
  GtkStringList *run_model;
  AdwComboRow *weights_row;
  gboolean has_best;                /* the weights row offers the run's best epoch */
  GtkSpinButton *top_k;
  GtkWidget *choose_button;
  GtkWidget *folder_button;
  GtkWidget *split_button;
  GtkWidget *csv_button;
  GtkSpinner *spinner;
  GtkWidget *results_group;
  GtkListBox *results_list;
  GtkLabel *results_note;

  /* Owned references */
  StrataProject *project;
  GCancellable *cancellable;
  Predictions *shown;           /* the last predictions, for the CSV */
};

G_DEFINE_FINAL_TYPE (StrataInferencePage, strata_inference_page, GTK_TYPE_WIDGET)

/* Results ------------------------------------------------------------------------------------- */

static GtkWidget *
prediction_row_new (const Predictions           *predictions,
                    const StrataImagePrediction *item,
                    guint                        index)
{
  gint32 top[MAX_TOP];
  float top_p[MAX_TOP];
  guint n_top = strata_image_prediction_get_top (item, predictions->top_k, top, top_p);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *details = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GFile) file = g_file_new_for_path (item->path ? item->path : item->name);
  g_autofree char *name = g_filename_display_basename (item->path ? item->path : item->name);
  GtkWidget *picture;
  GtkWidget *title = gtk_label_new (item->path ? name : item->name);

  /* an image of a split has no file: its pixels were read with the predictions */
  if (item->path == NULL && predictions->thumbnails && index < predictions->thumbnails->len &&
      g_ptr_array_index (predictions->thumbnails, index))
    {
      g_autoptr(GdkTexture) texture = strata_thumbnail_texture (predictions->dataset,
                                                                g_ptr_array_index (predictions->thumbnails, index));

      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
    }
  else if (item->path)
    picture = gtk_picture_new_for_file (file);
  else
    picture = gtk_picture_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (box, "prediction");
  gtk_widget_set_size_request (picture, 72, 72);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_set_valign (picture, GTK_ALIGN_START);
  gtk_widget_add_css_class (picture, "thumbnail");
  gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (details), title);
  gtk_widget_set_hexpand (details, TRUE);

  if (item->error)
    {
      GtkWidget *message = gtk_label_new (item->error);

      gtk_label_set_xalign (GTK_LABEL (message), 0);
      gtk_label_set_wrap (GTK_LABEL (message), TRUE);
      gtk_widget_add_css_class (message, "error");
      gtk_box_append (GTK_BOX (details), message);
    }
  else
    {
      GtkWidget *grid = gtk_grid_new ();

      gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
      gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
      for (guint j = 0; j < n_top; j++)
        {
          GtkWidget *label = gtk_label_new (predictions->classes[top[j]]);
          GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
          g_autofree char *percent = strata_format_percent (top_p[j]);
          GtkWidget *value = gtk_label_new (percent);

          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
          gtk_label_set_width_chars (GTK_LABEL (label), 12);
          if (j == 0)
            gtk_widget_add_css_class (label, "heading");
          gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), top_p[j]);
          /* one colour for all: the bar's length is the message, not a threshold */
          gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
          gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
          gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
          gtk_widget_set_hexpand (bar, TRUE);
          gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
          gtk_label_set_xalign (GTK_LABEL (value), 1);
          gtk_label_set_width_chars (GTK_LABEL (value), 6);
          gtk_widget_add_css_class (value, "numeric");
          gtk_grid_attach (GTK_GRID (grid), label, 0, j, 1, 1);
          gtk_grid_attach (GTK_GRID (grid), bar, 1, j, 1, 1);
          gtk_grid_attach (GTK_GRID (grid), value, 2, j, 1, 1);
        }
      gtk_box_append (GTK_BOX (details), grid);
    }
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), details);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

typedef struct
{
  StrataProject *project;
  char *run;
  char *weights;
  GStrv paths;                  /* NULL for the test split */
  guint top_k;
} PredictJob;

static void
predict_job_free (PredictJob *job)
{
  g_clear_object (&job->project);
  g_free (job->run);
  g_free (job->weights);
  g_strfreev (job->paths);
  g_free (job);
}

static void
predict_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PredictJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPredictor) predictor = NULL;
  g_autoptr(Predictions) predictions = g_new0 (Predictions, 1);

  predictor = strata_predictor_new (job->project, job->run, job->weights, &error);
  if (predictor != NULL && job->paths)
    predictions->items = strata_predictor_predict_files (predictor,
                                                         (const char *const *) job->paths,
                                                         cancellable, NULL, NULL, &error);
  else if (predictor != NULL)
    predictions->items = strata_predictor_predict_split (predictor, STRATA_SPLIT_TEST,
                                                         cancellable, NULL, NULL, &error);
  if (predictions->items == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  predictions->classes = g_strdupv ((char **) strata_predictor_get_classes (predictor));
  predictions->top_k = MIN (job->top_k, g_strv_length (predictions->classes));
  if (job->paths == NULL)
    {
      g_autofree char *base_dir = strata_project_dup_base_dir (job->project);

      /* without the thumbnails the predictions still show */
      predictions->dataset = strata_dataset_open (strata_predictor_get_dataset_settings (predictor),
                                                  base_dir, cancellable, NULL);
      predictions->thumbnails = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      /* the split is read in order, so row i is the split's image i */
      for (guint i = 0; predictions->dataset && i < predictions->items->len && i < MAX_ROWS; i++)
        g_ptr_array_add (predictions->thumbnails,
                         strata_thumbnail_load (predictions->dataset, STRATA_SPLIT_TEST, i, NULL));
    }
  g_task_return_pointer (task, g_steal_pointer (&predictions), (GDestroyNotify) predictions_free);
}

static void
set_busy (StrataInferencePage *self,
          gboolean             busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inference.choose", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inference.choose-folder", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inference.classify-test", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inference.save-csv",
                                 !busy && self->shown && self->shown->items->len > 0);
}

static void
on_predicted (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StrataInferencePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Predictions) predictions = g_task_propagate_pointer (G_TASK (result), &error);
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  set_busy (self, FALSE);
  if (predictions == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (STRATA_IS_WINDOW (root))
        strata_window_show_error (STRATA_WINDOW (root), _("Could Not Classify the Images"),
                                  error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))))
    gtk_list_box_remove (self->results_list, child);
  for (guint i = 0; i < predictions->items->len && i < MAX_ROWS; i++)
    gtk_list_box_append (self->results_list,
                         prediction_row_new (predictions, g_ptr_array_index (predictions->items, i), i));
  if (predictions->items->len > MAX_ROWS)
    {
      g_autofree char *total = strata_format_count (predictions->items->len);
      /* Translators: %d: rows shown; %s: all the images classified */
      g_autofree char *note = g_strdup_printf (_("The first %d of %s images; the CSV holds them all"),
                                               MAX_ROWS, total);

      gtk_label_set_label (self->results_note, note);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->results_note), predictions->items->len > MAX_ROWS);
  gtk_widget_set_visible (self->results_group, predictions->items->len > 0);
  g_clear_pointer (&self->shown, predictions_free);
  self->shown = g_steal_pointer (&predictions);
  set_busy (self, FALSE);
}

/* @paths: (nullable): image files and folders; %NULL for the project's test split */
static void
start_predicting (StrataInferencePage *self,
                  const char * const  *paths)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *data = NULL;
  guint selected = adw_combo_row_get_selected (self->run_row);
  PredictJob *job;

  if (self->project == NULL ||
      selected >= g_list_model_get_n_items (G_LIST_MODEL (self->run_model)))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  job = g_new0 (PredictJob, 1);
  data = strata_project_to_data (self->project, NULL);
  job->project = strata_project_load_from_data (data, -1, strata_project_get_path (self->project),
                                                NULL);
  job->run = g_strdup (gtk_string_list_get_string (self->run_model, selected));
  job->weights = g_strdup (self->has_best && adw_combo_row_get_selected (self->weights_row) == 0
                           ? "best" : "last");
  job->paths = g_strdupv ((char **) paths);
  job->top_k = (guint) gtk_spin_button_get_value_as_int (self->top_k);
  task = g_task_new (NULL, self->cancellable, on_predicted, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) predict_job_free);
  g_task_run_in_thread (task, predict_thread);
  gtk_spinner_start (self->spinner);
  gtk_widget_set_visible (self->results_group, TRUE);
  set_busy (self, TRUE);
}

/**
 * strata_inference_page_predict:
 * @paths: image files and folders
 *
 * Classifies @paths with the chosen run in a worker thread and shows the results.
 */
void
strata_inference_page_predict (StrataInferencePage *self,
                               const char * const  *paths)
{
  g_return_if_fail (STRATA_IS_INFERENCE_PAGE (self));
  if (paths && paths[0])
    start_predicting (self, paths);
}

static void
action_classify_test (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  start_predicting (STRATA_INFERENCE_PAGE (widget), NULL);
}

/* Choosing images ------------------------------------------------------------------------------ */

static void
on_images_chosen (GtkNativeDialog     *chooser,
                  int                  response,
                  StrataInferencePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path)
            g_strv_builder_add (paths, path);
        }
      strv = g_strv_builder_end (paths);
      strata_inference_page_predict (self, (const char *const *) strv);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
action_choose (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StrataInferencePage *self = STRATA_INFERENCE_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Choose Images"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Classify"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_images_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
action_choose_folder (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  StrataInferencePage *self = STRATA_INFERENCE_PAGE (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a Folder of Images"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Classify"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* the same answer as for files: the folder is listed by the engine */
  g_signal_connect (chooser, "response", G_CALLBACK (on_images_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Saving -------------------------------------------------------------------------------------- */

static void
on_csv_chosen (GtkNativeDialog     *chooser,
               int                  response,
               StrataInferencePage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (response == GTK_RESPONSE_ACCEPT && self->shown &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) &&
      (path = g_file_get_path (file)))
    {
      /* thousands of short lines: quick enough for the main thread */
      if (!strata_predictions_write_csv (self->shown->items,
                                         (const char *const *) self->shown->classes, path, &error))
        {
          if (STRATA_IS_WINDOW (root))
            strata_window_show_error (STRATA_WINDOW (root), _("Could Not Save the Predictions"),
                                      error->message);
        }
      else if (STRATA_IS_WINDOW (root))
        {
          g_autofree char *name = g_filename_display_basename (path);
          /* Translators: %s: a file's name */
          g_autofree char *text = g_strdup_printf (_("Saved the predictions to %s"), name);

          strata_window_show_toast (STRATA_WINDOW (root), text);
        }
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
action_save_csv (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StrataInferencePage *self = STRATA_INFERENCE_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->shown == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Save Predictions"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "predictions.csv");
  g_signal_connect (chooser, "response", G_CALLBACK (on_csv_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
on_drop (GtkDropTarget       *target,
         const GValue        *value,
         double               x,
         double               y,
         StrataInferencePage *self)
{
  g_autoptr(GStrvBuilder) paths = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (GSList *l = g_value_get_boxed (value); l; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path && g_str_has_suffix (path, ".strata"))
        strata_application_open_path (strata_application_get_default (), path);
      else if (path)
        g_strv_builder_add (paths, path);
    }
  strv = g_strv_builder_end (paths);
  if (strv[0] == NULL)
    return TRUE;
  strata_inference_page_predict (self, (const char *const *) strv);
  return TRUE;
}

/* Runs ----------------------------------------------------------------------------------------- */

static void update_weights (StrataInferencePage *self);

/**
 * strata_inference_page_refresh:
 *
 * Lists the runs that have weights, newest first.
 */
void
strata_inference_page_refresh (StrataInferencePage *self)
{
  g_auto(GStrv) runs = NULL;
  g_autoptr(GStrvBuilder) usable = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;
  g_autofree char *runs_dir = NULL;

  g_return_if_fail (STRATA_IS_INFERENCE_PAGE (self));
  if (self->project == NULL)
    return;
  runs = strata_project_dup_run_names (self->project);
  runs_dir = strata_project_dup_runs_dir (self->project);
  for (guint i = g_strv_length (runs); i > 0; i--)
    {
      g_autoptr(StrataRun) run = strata_run_open (runs_dir, runs[i - 1], NULL);

      if (run && strata_run_has_checkpoint (run, "last"))
        g_strv_builder_add (usable, runs[i - 1]);
    }
  names = g_strv_builder_end (usable);
  gtk_string_list_splice (self->run_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->run_model)),
                          (const char *const *) names);
  gtk_stack_set_visible_child_name (self->stack, names[0] ? "ready" : "empty");
  update_weights (self);
}

/*
 * A run stopped before its first epoch ended has only its last weights: the row says so
 * rather than offer a best epoch and quietly use the last.
 */
static void
update_weights (StrataInferencePage *self)
{
  guint selected = adw_combo_row_get_selected (self->run_row);
  guint was = adw_combo_row_get_selected (self->weights_row);
  gboolean has_best = FALSE;

  if (self->project && selected < g_list_model_get_n_items (G_LIST_MODEL (self->run_model)))
    {
      g_autofree char *runs_dir = strata_project_dup_runs_dir (self->project);
      g_autoptr(StrataRun) run = strata_run_open (runs_dir,
                                                  gtk_string_list_get_string (self->run_model,
                                                                              selected),
                                                  NULL);

      has_best = run && strata_run_has_checkpoint (run, "best");
    }
  if (has_best == self->has_best &&
      g_list_model_get_n_items (G_LIST_MODEL (self->weights_model)) > 0)
    return;
  self->has_best = has_best;
  if (has_best)
    gtk_string_list_splice (self->weights_model, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->weights_model)),
                            (const char *const[]) { _("Best epoch"), _("Last epoch"), NULL });
  else
    /* Translators: the only weights of a run that has not finished an epoch */
    gtk_string_list_splice (self->weights_model, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->weights_model)),
                            (const char *const[]) { _("Last epoch (no best yet)"), NULL });
  adw_combo_row_set_selected (self->weights_row, has_best ? MIN (was, 1) : 0);
}

void
strata_inference_page_set_project (StrataInferencePage *self,
                                   StrataProject       *project)
{
  g_return_if_fail (STRATA_IS_INFERENCE_PAGE (self));
  if (!g_set_object (&self->project, project))
    return;
  if (project)
    g_signal_connect_object (project, "runs-changed", G_CALLBACK (strata_inference_page_refresh),
                             self, G_CONNECT_SWAPPED);
  strata_inference_page_refresh (self);
}

static void
strata_inference_page_dispose (GObject *object)
{
  StrataInferencePage *self = (StrataInferencePage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->project);
  g_clear_pointer (&self->shown, predictions_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_INFERENCE_PAGE);
  /* the template's unnamed top child too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (strata_inference_page_parent_class)->dispose (object);
}

static void
action_go_training (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (STRATA_IS_WINDOW (root))
    strata_window_show_page (STRATA_WINDOW (root), "training");
}

static void
strata_inference_page_class_init (StrataInferencePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_inference_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-inference-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, run_row);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, run_model);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, weights_row);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, weights_model);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, go_training_button);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, top_k);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, choose_button);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, folder_button);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, split_button);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, csv_button);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, results_note);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, results_group);
  gtk_widget_class_bind_template_child (widget_class, StrataInferencePage, results_list);
  gtk_widget_class_install_action (widget_class, "inference.choose", NULL, action_choose);
  gtk_widget_class_install_action (widget_class, "inference.choose-folder", NULL,
                                   action_choose_folder);
  gtk_widget_class_install_action (widget_class, "inference.classify-test", NULL,
                                   action_classify_test);
  gtk_widget_class_install_action (widget_class, "inference.save-csv", NULL, action_save_csv);
  gtk_widget_class_install_action (widget_class, "inference.go-training", NULL,
                                   action_go_training);
}

static void
strata_inference_page_init (StrataInferencePage *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_spin_button_set_range (self->top_k, 1, MAX_TOP);
  gtk_spin_button_set_value (self->top_k, 3);
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inference.save-csv", FALSE);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  self->has_best = TRUE;          /* as the template's rows say */
  g_signal_connect_swapped (self->run_row, "notify::selected", G_CALLBACK (update_weights), self);
}

void
strata_inference_page_add_test_widgets (StrataInferencePage *self,
                                        JsonBuilder         *builder)
{
  guint rows = 0;

  strata_test_hooks_add_widget (builder, "inference-choose", self->choose_button);
  strata_test_hooks_add_widget (builder, "inference-folder", self->folder_button);
  strata_test_hooks_add_widget (builder, "inference-test-split", self->split_button);
  strata_test_hooks_add_widget (builder, "inference-save-csv", self->csv_button);
  strata_test_hooks_add_widget (builder, "inference-go-training", self->go_training_button);
  strata_test_hooks_add_widget (builder, "inference-weights", GTK_WIDGET (self->weights_row));
  /* not a widget: what the Weights row says */
  json_builder_set_member_name (builder, "inference-weights-label");
  {
    guint selected = adw_combo_row_get_selected (self->weights_row);

    json_builder_add_string_value (builder,
                                   selected < g_list_model_get_n_items (G_LIST_MODEL (self->weights_model))
                                   ? gtk_string_list_get_string (self->weights_model, selected) : "");
  }
  json_builder_set_member_name (builder, "inference-total");
  json_builder_add_int_value (builder, self->shown ? self->shown->items->len : 0);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->results_list)); row;
       row = gtk_widget_get_next_sibling (row))
    rows++;
  /* not a widget: how many images the page shows predictions for */
  json_builder_set_member_name (builder, "inference-rows");
  json_builder_add_int_value (builder, gtk_widget_get_visible (self->results_group) ? rows : 0);
}
