/* strata-evaluation-view.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-evaluation-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-confusion-view.h"
#include "strata-evaluate.h"
#include "strata-evaluation-view.h"
#include "strata-format.h"
#include "strata-image-gallery.h"
#include "strata-json.h"
#include "strata-run.h"
#include "strata-submission.h"
#include "strata-test-hooks.h"
#include "strata-thumbnail.h"
#include "strata-window.h"

/**
 * StrataEvaluationView:
 *
 * A run's evaluation on its test or validation split, with or without test-time
 * augmentation: the figures, a per-class table, the confusion matrix (counts or shares of the
 * row) whose cells open their images, and the misclassified images, worst first. The engine
 * saves each evaluation beside the run; the view shows the saved one when a run is selected,
 * and evaluates again in a worker thread on request. The Export Submission… button writes the
 * run's model as a self-checked zip.
 */

/* Tiles per gallery: enough to see a pattern, few enough to stay quick. */
#define MAX_TILES 60

struct _StrataEvaluationView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkSpinner *spinner;
  GtkWidget *export_button;
  GtkWidget *evaluate_button;
  AdwComboRow *split_row;
  AdwComboRow *tta_row;
  GtkWidget *export_status;
  GtkSpinner *export_spinner;
  GtkLabel *export_label;
  GtkWidget *open_folder_button;
  GtkLabel *placeholder;
  GtkWidget *results;
  GtkFlowBox *stats;
  GtkLabel *tta_label;
  GtkGrid *class_table;
  StrataConfusionView *confusion;
  GtkToggleButton *normalized_button;
  GtkWidget *cell_box;
  GtkLabel *cell_title;
  GtkLabel *cell_note;
  StrataImageGallery *cell_gallery;
  GtkWidget *wrong_box;
  GtkLabel *wrong_title;
  StrataImageGallery *wrong_gallery;

  /* Owned references */
  StrataProject *project;
  char *run;
  GStrv classes;
  /* each image's outcome, from a fresh evaluation (every image) or a saved one (only the
   * misclassified images are saved) */
  GArray *entries;              /* StrataPrediction */
  gboolean have_all;            /* entries holds every image, not just the misclassified */
  StrataSplit split;            /* of the evaluation shown */
  StrataDataset *dataset;       /* the run's data, for thumbnails; NULL until opened */
  char *dataset_run;            /* the run it was opened for */
  GCancellable *eval_cancellable;
  GCancellable *dataset_cancellable;
  GCancellable *export_cancellable;
  char *exported;               /* the last zip written */
  char *opened_folder;          /* the last folder Open Folder showed, for the tests */
  int cell_row;                 /* the cell shown in the gallery, -1 for none */
  int cell_column;
};

G_DEFINE_FINAL_TYPE (StrataEvaluationView, strata_evaluation_view, GTK_TYPE_WIDGET)

static StrataSplit
selected_split (StrataEvaluationView *self)
{
  return adw_combo_row_get_selected (self->split_row) == 1 ? STRATA_SPLIT_VALIDATION
                                                          : STRATA_SPLIT_TEST;
}

static StrataTta
selected_tta (StrataEvaluationView *self)
{
  static const StrataTta modes[] = {
    STRATA_TTA_NONE, STRATA_TTA_FLIP, STRATA_TTA_CROPS, STRATA_TTA_FLIP | STRATA_TTA_CROPS,
  };
  guint i = adw_combo_row_get_selected (self->tta_row);

  return i < G_N_ELEMENTS (modes) ? modes[i] : STRATA_TTA_NONE;
}

static StrataRun *
open_run (StrataEvaluationView *self)
{
  g_autofree char *runs_dir = NULL;

  if (self->project == NULL || self->run == NULL)
    return NULL;
  runs_dir = strata_project_dup_runs_dir (self->project);
  return strata_run_open (runs_dir, self->run, NULL);
}

static const char *
class_name (StrataEvaluationView *self,
            gint32                index)
{
  if (self->classes == NULL || index < 0 || (guint) index >= g_strv_length (self->classes))
    return "?";
  return self->classes[index];
}

static gint32
class_index (StrataEvaluationView *self,
             const char           *name)
{
  for (guint i = 0; self->classes && self->classes[i]; i++)
    if (g_strcmp0 (self->classes[i], name) == 0)
      return i;
  return -1;
}

/* Galleries ----------------------------------------------------------------------------------- */

static void
add_tile (StrataEvaluationView *self,
          StrataImageGallery   *gallery,
          const StrataPrediction          *e)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *caption = NULL;

  if (e->label == e->predicted)
    caption = g_strdup (class_name (self, e->label));
  else
    /* Translators: a misclassified image's caption: true class → predicted class */
    caption = g_strdup_printf (_("%s → %s"), class_name (self, e->label),
                               class_name (self, e->predicted));
  /* Translators: a thumbnail's description: the true class, the predicted one, the loss */
  g_string_append_printf (description, _("A %s taken for %s (loss %.2f)."),
                          class_name (self, e->label), class_name (self, e->predicted), e->loss);
  if (e->label == e->predicted)
    {
      g_string_truncate (description, 0);
      /* Translators: a thumbnail's description: the class and the loss */
      g_string_append_printf (description, _("A %s, classified correctly (loss %.2f)."),
                              class_name (self, e->label), e->loss);
    }
  for (guint j = 0; j < STRATA_EVALUATION_TOP; j++)
    {
      g_autofree char *p = NULL;

      if (e->top_class[j] < 0)
        continue;
      p = strata_format_percent (e->top_probability[j]);
      g_string_append_printf (detail, "%s%s %s", detail->len ? "\n" : "",
                              class_name (self, e->top_class[j]), p);
      g_string_append_printf (description, " %s %s.", class_name (self, e->top_class[j]), p);
    }
  strata_image_gallery_add (gallery, e->item, caption, detail->str, description->str);
}

static int
compare_loss_descending (gconstpointer a,
                         gconstpointer b)
{
  const StrataPrediction *x = *(const StrataPrediction *const *) a, *y = *(const StrataPrediction *const *) b;

  return x->loss < y->loss ? 1 : x->loss > y->loss ? -1 : 0;
}

/* The entries matching @row and @column (-1 for any misclassified), worst first. */
static GPtrArray *
select_entries (StrataEvaluationView *self,
                int                   row,
                int                   column)
{
  GPtrArray *chosen = g_ptr_array_new ();

  for (guint i = 0; self->entries && i < self->entries->len; i++)
    {
      StrataPrediction *e = &g_array_index (self->entries, StrataPrediction, i);

      if (row < 0 ? e->label != e->predicted : e->label == row && e->predicted == column)
        g_ptr_array_add (chosen, e);
    }
  g_ptr_array_sort (chosen, compare_loss_descending);
  return chosen;
}

static void
fill_wrong_gallery (StrataEvaluationView *self)
{
  g_autoptr(GPtrArray) wrong = select_entries (self, -1, -1);
  g_autofree char *count = strata_format_count (wrong->len);
  g_autofree char *title = NULL;

  strata_image_gallery_clear (self->wrong_gallery);
  if (wrong->len > MAX_TILES)
    /* Translators: %d: tiles shown; %s: all misclassified images */
    title = g_strdup_printf (_("Misclassified Images, Worst First (%d of %s)"), MAX_TILES, count);
  else
    /* Translators: %s: how many */
    title = g_strdup_printf (_("Misclassified Images, Worst First (%s)"), count);
  gtk_label_set_label (self->wrong_title, title);
  gtk_widget_set_visible (self->wrong_box, wrong->len > 0);
  for (guint i = 0; i < wrong->len && i < MAX_TILES; i++)
    add_tile (self, self->wrong_gallery, g_ptr_array_index (wrong, i));
  if (self->dataset)
    strata_image_gallery_load (self->wrong_gallery, self->dataset, self->split);
}

static void
fill_cell_gallery (StrataEvaluationView *self)
{
  g_autoptr(GPtrArray) chosen = NULL;
  g_autofree char *title = NULL, *count = NULL;
  const char *truth, *predicted;
  guint64 n;

  strata_image_gallery_clear (self->cell_gallery);
  gtk_widget_set_visible (self->cell_box, self->cell_row >= 0);
  if (self->cell_row < 0)
    return;
  truth = class_name (self, self->cell_row);
  predicted = class_name (self, self->cell_column);
  chosen = select_entries (self, self->cell_row, self->cell_column);
  n = chosen->len;
  count = strata_format_count (n);
  if (self->cell_row == self->cell_column)
    /* Translators: a confusion matrix cell's images: the class, how many */
    title = g_strdup_printf (_("%s Classified Correctly: %s Images"), truth, count);
  else
    /* Translators: a confusion matrix cell's images: true class, predicted class, how many */
    title = g_strdup_printf (_("%s Taken for %s: %s Images"), truth, predicted, count);
  gtk_label_set_label (self->cell_title, title);
  gtk_widget_set_visible (GTK_WIDGET (self->cell_note), FALSE);
  if (!self->have_all && self->cell_row == self->cell_column)
    {
      /* a saved evaluation lists only the misclassified images */
      gtk_label_set_label (self->cell_title, truth);
      gtk_label_set_label (self->cell_note,
                           _("Evaluate again to see the images classified correctly: the saved evaluation lists only the misclassified ones"));
      gtk_widget_set_visible (GTK_WIDGET (self->cell_note), TRUE);
      return;
    }
  if (n > MAX_TILES)
    {
      /* Translators: %d: how many of a confusion matrix cell's images are shown */
      g_autofree char *note = g_strdup_printf (_("The %d with the highest loss"), MAX_TILES);

      gtk_label_set_label (self->cell_note, note);
      gtk_widget_set_visible (GTK_WIDGET (self->cell_note), TRUE);
    }
  else if (n == 0)
    {
      gtk_label_set_label (self->cell_note, _("No images"));
      gtk_widget_set_visible (GTK_WIDGET (self->cell_note), TRUE);
    }
  for (guint i = 0; i < chosen->len && i < MAX_TILES; i++)
    add_tile (self, self->cell_gallery, g_ptr_array_index (chosen, i));
  if (self->dataset)
    strata_image_gallery_load (self->cell_gallery, self->dataset, self->split);
}

static void
on_cell_activated (StrataEvaluationView *self,
                   guint                 row,
                   guint                 column)
{
  self->cell_row = row;
  self->cell_column = column;
  fill_cell_gallery (self);
}

static void
on_normalized_toggled (StrataEvaluationView *self,
                       GtkToggleButton      *button)
{
  strata_confusion_view_set_normalized (self->confusion, gtk_toggle_button_get_active (button));
}

/* The run's data, opened once per run in a worker thread, for the thumbnails */

typedef struct
{
  JsonNode *settings;
  char *base_dir;
  char *run;
} DatasetJob;

static void
dataset_job_free (DatasetJob *job)
{
  g_clear_pointer (&job->settings, json_node_unref);
  g_free (job->base_dir);
  g_free (job->run);
  g_free (job);
}

static void
dataset_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DatasetJob *job = task_data;
  GError *error = NULL;
  StrataDataset *dataset = strata_thumbnail_open_dataset (job->settings, job->base_dir, &error);

  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, g_object_unref);
}

static void
on_dataset_opened (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(StrataEvaluationView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDataset) dataset = g_task_propagate_pointer (G_TASK (result), &error);
  DatasetJob *job = g_task_get_task_data (G_TASK (result));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->dataset_cancellable);
  if (dataset == NULL)
    {
      /* the galleries keep their captions; the figures don't need the images */
      g_debug ("Could not open the data for thumbnails: %s", error->message);
      return;
    }
  if (g_strcmp0 (job->run, self->run) != 0)
    return;
  g_set_object (&self->dataset, dataset);
  g_free (self->dataset_run);
  self->dataset_run = g_strdup (job->run);
  strata_image_gallery_load (self->wrong_gallery, self->dataset, self->split);
  strata_image_gallery_load (self->cell_gallery, self->dataset, self->split);
}

static void
ensure_dataset (StrataEvaluationView *self)
{
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(GTask) task = NULL;
  DatasetJob *job;

  if ((self->dataset && g_strcmp0 (self->dataset_run, self->run) == 0) ||
      self->dataset_cancellable || !(run = open_run (self)))
    return;
  g_clear_object (&self->dataset);
  job = g_new0 (DatasetJob, 1);
  job->settings = json_node_copy (strata_run_get_settings (run));
  job->base_dir = strata_project_dup_base_dir (self->project);
  job->run = g_strdup (self->run);
  self->dataset_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->dataset_cancellable, on_dataset_opened, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) dataset_job_free);
  g_task_run_in_thread (task, dataset_thread);
}

/* Figures ------------------------------------------------------------------------------------- */

static void
add_stat (StrataEvaluationView *self,
          const char           *value,
          const char           *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *v = gtk_label_new (value);
  GtkWidget *c = gtk_label_new (caption);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "stat");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_widget_add_css_class (v, "title-3");
  gtk_widget_add_css_class (v, "numeric");
  gtk_label_set_xalign (GTK_LABEL (c), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (c), 18);
  gtk_label_set_ellipsize (GTK_LABEL (c), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (c, "caption");
  gtk_widget_add_css_class (c, "dim-label");
  gtk_box_append (GTK_BOX (box), v);
  gtk_box_append (GTK_BOX (box), c);
  gtk_flow_box_append (self->stats, box);
}

static GtkWidget *
table_label (const char *text,
             gboolean    heading,
             gboolean    number)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), number ? 1 : 0);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  if (number)
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

static char *
tta_text (JsonObject *eval)
{
  JsonObject *tta = json_object_has_member (eval, "tta") ? json_object_get_object_member (eval, "tta")
                                                        : NULL;
  const char *mode;
  double change;
  g_autofree char *accuracy = NULL;
  int views;

  if (tta == NULL)
    return NULL;
  mode = strata_json_get_string (tta, "mode", "none");
  views = strata_json_get_int (tta, "views", 1);
  change = strata_json_get_double (tta, "accuracy_change", NAN);
  if (g_strcmp0 (mode, "none") == 0 || views <= 1 || !isfinite (change))
    return NULL;
  accuracy = strata_format_percent (strata_json_get_double (tta, "accuracy", NAN));
  /* Translators: the effect of test-time augmentation. %d: views averaged; %s: accuracy with
   * it; %+.1f: its change in percentage points; %d, %d: images it turned right and wrong */
  return g_strdup_printf (_("With test-time augmentation (%d views averaged): accuracy %s, %+.1f points vs. without; %d images turned right, %d turned wrong"),
                          views, accuracy, 100 * change,
                          (int) strata_json_get_int (tta, "fixed", 0),
                          (int) strata_json_get_int (tta, "broken", 0));
}

static void
show_figures (StrataEvaluationView *self,
              JsonObject           *eval)
{
  JsonArray *classes = json_object_get_array_member (eval, "classes");
  JsonArray *confusion = json_object_get_array_member (eval, "confusion");
  guint n = classes ? json_array_get_length (classes) : 0;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autofree guint64 *counts = g_new0 (guint64, MAX (n * n, 1));
  g_autofree char *top_k = NULL, *tta = NULL;
  /* Translators: headings of the per-class table of an evaluation */
  const char *headings[] = { C_("evaluation", "Class"), C_("evaluation", "Precision"),
                             C_("evaluation", "Recall"), C_("evaluation", "F1 Score"),
                             C_("evaluation", "Images") };
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stats))))
    gtk_flow_box_remove (self->stats, child);
  {
    g_autofree char *a = strata_format_percent (strata_json_get_double (eval, "accuracy", NAN));
    g_autofree char *l = strata_format_metric (strata_json_get_double (eval, "loss", NAN));
    g_autofree char *k = strata_format_percent (strata_json_get_double (eval, "top_k_accuracy", NAN));
    g_autofree char *i = strata_format_count (strata_json_get_int (eval, "images", 0));

    /* Translators: the share of images whose class is among the model's %d most likely */
    top_k = g_strdup_printf (_("Top-%d Accuracy"),
                             (int) strata_json_get_int (eval, "top_k", 5));
    add_stat (self, a, _("Accuracy"));
    add_stat (self, l, _("Loss"));
    add_stat (self, k, top_k);
    add_stat (self, i, _("Images"));
  }
  tta = tta_text (eval);
  gtk_label_set_label (self->tta_label, tta ? tta : "");
  gtk_widget_set_visible (GTK_WIDGET (self->tta_label), tta != NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->class_table))))
    gtk_grid_remove (self->class_table, child);
  for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
    gtk_grid_attach (self->class_table, table_label (headings[c], TRUE, c > 0), c, 0, 1, 1);
  for (guint r = 0; r < n; r++)
    {
      JsonObject *row = json_array_get_object_element (classes, r);
      const char *name = strata_json_get_string (row, "name", "");
      const char *keys[] = { "precision", "recall", "f1" };
      GtkWidget *label = table_label (name, FALSE, FALSE);

      g_strv_builder_add (names, name);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_grid_attach (self->class_table, label, 0, r + 1, 1, 1);
      for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
        {
          g_autofree char *v = strata_format_percent (strata_json_get_double (row, keys[k], NAN));
          gtk_grid_attach (self->class_table, table_label (v, FALSE, TRUE), k + 1, r + 1, 1, 1);
        }
      {
        g_autofree char *s = strata_format_count (strata_json_get_int (row, "support", 0));
        gtk_grid_attach (self->class_table, table_label (s, FALSE, TRUE), 4, r + 1, 1, 1);
      }
      for (guint c = 0; confusion && c < n && r < json_array_get_length (confusion); c++)
        {
          JsonArray *cells = json_array_get_array_element (confusion, r);

          if (c < json_array_get_length (cells))
            counts[r * n + c] = json_array_get_int_element (cells, c);
        }
    }
  g_strfreev (self->classes);
  self->classes = g_strv_builder_end (names);
  strata_confusion_view_set_data (self->confusion, (const char *const *) self->classes, counts);
  strata_confusion_view_set_normalized (self->confusion,
                                        gtk_toggle_button_get_active (self->normalized_button));
  gtk_widget_set_visible (self->results, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), FALSE);
}

/* A saved evaluation: the figures and the misclassified images it lists */
static void
entries_from_json (StrataEvaluationView *self,
                   JsonObject           *eval)
{
  JsonArray *wrong = json_object_has_member (eval, "misclassified")
                     ? json_object_get_array_member (eval, "misclassified") : NULL;

  g_array_set_size (self->entries, 0);
  self->have_all = FALSE;
  for (guint i = 0; wrong && i < json_array_get_length (wrong); i++)
    {
      JsonObject *o = json_array_get_object_element (wrong, i);
      JsonArray *top = json_object_has_member (o, "top") ? json_object_get_array_member (o, "top") : NULL;
      StrataPrediction e = { .tta_predicted = -1, .tta_loss = NAN };

      e.item = strata_json_get_int (o, "index", 0);
      e.label = class_index (self, strata_json_get_string (o, "label", ""));
      e.predicted = class_index (self, strata_json_get_string (o, "predicted", ""));
      e.loss = strata_json_get_double (o, "loss", NAN);
      for (guint j = 0; j < STRATA_EVALUATION_TOP; j++)
        {
          JsonObject *t = top && j < json_array_get_length (top) ? json_array_get_object_element (top, j) : NULL;

          e.top_class[j] = t ? strata_json_get_int (t, "index", -1) : -1;
          e.top_probability[j] = t ? strata_json_get_double (t, "probability", 0) : 0;
        }
      g_array_append_val (self->entries, e);
    }
}

static void
entries_from_evaluation (StrataEvaluationView   *self,
                         const StrataEvaluation *eval)
{
  g_array_set_size (self->entries, 0);
  self->have_all = TRUE;
  for (guint i = 0; i < eval->n; i++)
    g_array_append_val (self->entries, eval->predictions[i]);
}

static void
show_nothing (StrataEvaluationView *self,
              const char           *text)
{
  gtk_widget_set_visible (self->results, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
  gtk_label_set_label (self->placeholder, text);
  g_array_set_size (self->entries, 0);
  strata_image_gallery_clear (self->cell_gallery);
  strata_image_gallery_clear (self->wrong_gallery);
  self->cell_row = self->cell_column = -1;
}

static void
load_saved (StrataEvaluationView *self)
{
  g_autoptr(StrataRun) run = open_run (self);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *file = g_strdup_printf ("evaluation-%s.json",
                                           strata_split_to_string (selected_split (self)));
  g_autofree char *path = run ? strata_run_dup_path (run, file) : NULL;

  show_nothing (self, _("Not evaluated yet"));
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS) ||
      (root = strata_json_load_file (path, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  self->split = selected_split (self);
  show_figures (self, json_node_get_object (root));
  entries_from_json (self, json_node_get_object (root));
  fill_wrong_gallery (self);
  fill_cell_gallery (self);
  ensure_dataset (self);
}

static void
on_split_changed (StrataEvaluationView *self)
{
  if (self->eval_cancellable == NULL)
    load_saved (self);
}

/* Evaluating ---------------------------------------------------------------------------------- */

typedef struct
{
  StrataProject *project;     /* a copy: the thread must not share the window's */
  char *run;
  StrataSplit split;
  StrataTta tta;
  StrataEvaluation *evaluation;
  JsonNode *json;
  StrataDataset *dataset;
} EvalJob;

static void
eval_job_free (EvalJob *job)
{
  g_clear_object (&job->project);
  g_free (job->run);
  g_clear_pointer (&job->evaluation, strata_evaluation_free);
  g_clear_pointer (&job->json, json_node_unref);
  g_clear_object (&job->dataset);
  g_free (job);
}

static void
eval_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  EvalJob *job = task_data;
  g_autoptr(GError) error = NULL;
  StrataEvaluateOptions options = { .tta = job->tta };
  g_autofree char *runs_dir = strata_project_dup_runs_dir (job->project);
  g_autofree char *base_dir = strata_project_dup_base_dir (job->project);
  g_autoptr(StrataRun) run = NULL;

  job->evaluation = strata_evaluate_full (job->project, job->run, job->split, &options,
                                          cancellable, &error);
  if (job->evaluation == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->json = strata_evaluation_to_json (job->evaluation);
  /* the thumbnails need the run's data; without it the figures still show */
  run = strata_run_open (runs_dir, job->run, NULL);
  if (run)
    job->dataset = strata_thumbnail_open_dataset (strata_run_get_settings (run), base_dir, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
update_actions (StrataEvaluationView *self)
{
  g_autoptr(StrataRun) run = open_run (self);
  gboolean has_weights = run && (strata_run_has_checkpoint (run, "best") ||
                                 strata_run_has_checkpoint (run, "last"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "evaluation.evaluate",
                                 has_weights && self->eval_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "evaluation.export",
                                 has_weights && self->export_cancellable == NULL);
}

static void
on_evaluated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StrataEvaluationView) self = user_data;
  g_autoptr(GError) error = NULL;
  EvalJob *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  g_clear_object (&self->eval_cancellable);
  update_actions (self);
  if (g_strcmp0 (job->run, self->run) != 0)
    return;
  if (error)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      show_nothing (self, error->message);
      if (STRATA_IS_WINDOW (root))
        strata_window_show_error (STRATA_WINDOW (root), _("Could Not Evaluate the Run"),
                                  error->message);
      return;
    }
  if (job->dataset)
    {
      g_set_object (&self->dataset, job->dataset);
      g_free (self->dataset_run);
      self->dataset_run = g_strdup (job->run);
    }
  self->split = job->split;
  show_figures (self, json_node_get_object (job->json));
  entries_from_evaluation (self, job->evaluation);
  fill_wrong_gallery (self);
  fill_cell_gallery (self);
}

static void
action_evaluate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StrataEvaluationView *self = STRATA_EVALUATION_VIEW (widget);
  g_autoptr(GTask) task = NULL;
  g_autofree char *data = NULL;
  EvalJob *job;

  if (self->project == NULL || self->run == NULL || self->eval_cancellable)
    return;
  job = g_new0 (EvalJob, 1);
  data = strata_project_to_data (self->project, NULL);
  job->project = strata_project_load_from_data (data, -1, strata_project_get_path (self->project),
                                                NULL);
  job->run = g_strdup (self->run);
  job->split = selected_split (self);
  job->tta = selected_tta (self);
  self->eval_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->eval_cancellable, on_evaluated, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) eval_job_free);
  g_task_run_in_thread (task, eval_thread);
  gtk_spinner_start (self->spinner);
  update_actions (self);
  show_nothing (self, _("Evaluating…"));
}

/* Exporting ----------------------------------------------------------------------------------- */

static void
on_export_stage (const char *stage,
                 gpointer    user_data)
{
  StrataEvaluationView *self = user_data;
  g_autofree char *text = g_strdup_printf ("%s…", stage);

  gtk_label_set_label (self->export_label, text);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StrataEvaluationView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataExportResult) exported = strata_submission_export_finish (result, &error);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->export_cancellable);
  gtk_spinner_stop (self->export_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->export_spinner), FALSE);
  update_actions (self);
  if (exported == NULL)
    {
      /* Translators: %s: why the export failed */
      text = g_strdup_printf (_("Could not export: %s"), error->message);
      gtk_label_set_label (self->export_label, text);
      if (STRATA_IS_WINDOW (root))
        strata_window_show_error (STRATA_WINDOW (root), _("Could Not Export the Submission"),
                                  error->message);
      return;
    }
  g_free (self->exported);
  self->exported = g_strdup (exported->path);
  text = strata_submission_describe (exported);
  gtk_label_set_label (self->export_label, text);
  gtk_widget_set_visible (self->open_folder_button, TRUE);
  if (STRATA_IS_WINDOW (root))
    strata_window_show_toast (STRATA_WINDOW (root), text);
}

static void
on_export_path_chosen (GtkNativeDialog      *chooser,
                       int                   response,
                       StrataEvaluationView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->project && self->run &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) &&
      (path = g_file_get_path (file)))
    {
      if (!g_str_has_suffix (path, ".zip"))
        {
          char *zip = g_strconcat (path, ".zip", NULL);

          g_free (path);
          path = zip;
        }
      self->export_cancellable = g_cancellable_new ();
      update_actions (self);
      gtk_widget_set_visible (self->export_status, TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->export_spinner), TRUE);
      gtk_spinner_start (self->export_spinner);
      gtk_label_set_label (self->export_label, _("Exporting…"));
      gtk_widget_set_visible (self->open_folder_button, FALSE);
      strata_submission_export_async (self->project, self->run, path, self->export_cancellable,
                                      on_export_stage, self, on_exported, g_object_ref (self));
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
on_folder_shown (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(StrataEvaluationView) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error) || !STRATA_IS_WINDOW (root))
    return;
  {
    /* Translators: %s says why no file manager showed the exported file's folder */
    g_autofree char *text = g_strdup_printf (_("Could not open the folder: %s"), error->message);

    strata_window_show_toast (STRATA_WINDOW (root), text);
  }
}

/* The folder the zip went to, in the file manager, where the user picks it up. */
static void
action_open_folder (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  StrataEvaluationView *self = STRATA_EVALUATION_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *uri = NULL;

  if (self->exported == NULL)
    return;
  file = g_file_new_for_path (self->exported);
  folder = g_file_get_parent (file);
  if (folder == NULL)
    return;
  uri = g_file_get_uri (folder);
  g_free (self->opened_folder);
  self->opened_folder = g_file_get_path (folder);
  gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME,
                     NULL, on_folder_shown, g_object_ref (self));
}

static void
action_export (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StrataEvaluationView *self = STRATA_EVALUATION_VIEW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->project == NULL || self->run == NULL || self->export_cancellable)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Submission"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Zip archives"));
  gtk_file_filter_add_suffix (filter, "zip");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = g_strdup_printf ("%s-submission.zip", self->run);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  if (strata_project_get_path (self->project))
    {
      g_autofree char *dir = strata_project_dup_base_dir (self->project);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_path_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Public -------------------------------------------------------------------------------------- */

/**
 * strata_evaluation_view_set_run:
 * @run: (nullable): the run to show
 *
 * Shows @run's saved evaluation of the chosen split, if any.
 */
void
strata_evaluation_view_set_run (StrataEvaluationView *self,
                                StrataProject        *project,
                                const char           *run)
{
  g_return_if_fail (STRATA_IS_EVALUATION_VIEW (self));

  if (project != self->project || g_strcmp0 (run, self->run) != 0)
    {
      /* an evaluation of another run would be shown under this one's name */
      g_cancellable_cancel (self->eval_cancellable);
      g_clear_object (&self->eval_cancellable);
      g_cancellable_cancel (self->dataset_cancellable);
      g_clear_object (&self->dataset_cancellable);
      gtk_spinner_stop (self->spinner);
      if (self->export_cancellable == NULL)
        gtk_widget_set_visible (self->export_status, FALSE);
    }
  g_set_object (&self->project, project);
  g_free (self->run);
  self->run = g_strdup (run);
  update_actions (self);
  if (self->eval_cancellable == NULL)
    load_saved (self);
}

static void
add_count (JsonBuilder *b,
           const char  *name,
           gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/**
 * strata_evaluation_view_add_test_widgets:
 *
 * The buttons, the confusion matrix's cells with their counts ("confusion-cells": [x, y,
 * row, column, count] in the window's coordinates), the cell shown and the galleries' sizes.
 */
void
strata_evaluation_view_add_test_widgets (StrataEvaluationView *self,
                                         JsonBuilder          *b)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  guint n = self->classes ? g_strv_length (self->classes) : 0;

  strata_test_hooks_add_widget (b, "evaluation-evaluate", self->evaluate_button);
  strata_test_hooks_add_widget (b, "evaluation-export", self->export_button);
  strata_test_hooks_add_widget (b, "evaluation-normalized", GTK_WIDGET (self->normalized_button));
  strata_test_hooks_add_widget (b, "evaluation-cell-box", self->cell_box);
  add_count (b, "evaluation-busy", self->eval_cancellable != NULL);
  add_count (b, "evaluation-shown", gtk_widget_get_visible (self->results));
  add_count (b, "evaluation-cell-row", self->cell_row);
  add_count (b, "evaluation-cell-column", self->cell_column);
  add_count (b, "evaluation-cell-images", strata_image_gallery_get_n_images (self->cell_gallery));
  add_count (b, "evaluation-misclassified-images",
             strata_image_gallery_get_n_images (self->wrong_gallery));
  add_count (b, "evaluation-export-busy", self->export_cancellable != NULL);
  json_builder_set_member_name (b, "evaluation-export-status");
  json_builder_add_string_value (b, gtk_label_get_label (self->export_label));
  strata_test_hooks_add_widget (b, "evaluation-open-folder", self->open_folder_button);
  json_builder_set_member_name (b, "evaluation-opened-folder");
  json_builder_add_string_value (b, self->opened_folder ? self->opened_folder : "");
  json_builder_set_member_name (b, "confusion-cells");
  json_builder_begin_array (b);
  for (guint r = 0; native && gtk_widget_get_mapped (GTK_WIDGET (self->confusion)) && r < n; r++)
    for (guint c = 0; c < n; c++)
      {
        graphene_point_t p, q;
        double sx, sy;
        guint64 count = 0;

        if (!strata_confusion_view_get_cell_center (self->confusion, r, c, &sx, &sy))
          continue;
        p = GRAPHENE_POINT_INIT (sx, sy);
        if (!gtk_widget_compute_point (GTK_WIDGET (self->confusion), GTK_WIDGET (native), &p, &q))
          continue;
        gtk_native_get_surface_transform (native, &sx, &sy);
        for (guint i = 0; self->entries && i < self->entries->len; i++)
          {
            StrataPrediction *e = &g_array_index (self->entries, StrataPrediction, i);

            count += e->label == (gint32) r && e->predicted == (gint32) c;
          }
        json_builder_begin_array (b);
        json_builder_add_double_value (b, q.x + sx);
        json_builder_add_double_value (b, q.y + sy);
        json_builder_add_int_value (b, r);
        json_builder_add_int_value (b, c);
        json_builder_add_int_value (b, count);
        json_builder_end_array (b);
      }
  json_builder_end_array (b);
}

static void
strata_evaluation_view_dispose (GObject *object)
{
  StrataEvaluationView *self = (StrataEvaluationView *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->eval_cancellable);
  g_clear_object (&self->eval_cancellable);
  g_cancellable_cancel (self->dataset_cancellable);
  g_clear_object (&self->dataset_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->dataset);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_EVALUATION_VIEW);
  /* the template's unbound top child too */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (strata_evaluation_view_parent_class)->dispose (object);
}

static void
strata_evaluation_view_finalize (GObject *object)
{
  StrataEvaluationView *self = (StrataEvaluationView *) object;

  g_clear_pointer (&self->run, g_free);
  g_clear_pointer (&self->classes, g_strfreev);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->dataset_run, g_free);
  g_clear_pointer (&self->exported, g_free);
  g_clear_pointer (&self->opened_folder, g_free);

  G_OBJECT_CLASS (strata_evaluation_view_parent_class)->finalize (object);
}

static void
strata_evaluation_view_class_init (StrataEvaluationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_evaluation_view_dispose;
  object_class->finalize = strata_evaluation_view_finalize;

  g_type_ensure (STRATA_TYPE_CONFUSION_VIEW);
  g_type_ensure (STRATA_TYPE_IMAGE_GALLERY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-evaluation-view.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, StrataEvaluationView, name)
  CHILD (spinner);
  CHILD (export_button);
  CHILD (evaluate_button);
  CHILD (split_row);
  CHILD (tta_row);
  CHILD (export_status);
  CHILD (open_folder_button);
  CHILD (export_spinner);
  CHILD (export_label);
  CHILD (placeholder);
  CHILD (results);
  CHILD (stats);
  CHILD (tta_label);
  CHILD (class_table);
  CHILD (confusion);
  CHILD (normalized_button);
  CHILD (cell_box);
  CHILD (cell_title);
  CHILD (cell_note);
  CHILD (cell_gallery);
  CHILD (wrong_box);
  CHILD (wrong_title);
  CHILD (wrong_gallery);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_split_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_cell_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_normalized_toggled);
  gtk_widget_class_install_action (widget_class, "evaluation.evaluate", NULL, action_evaluate);
  gtk_widget_class_install_action (widget_class, "evaluation.export", NULL, action_export);
  gtk_widget_class_install_action (widget_class, "evaluation.open-folder", NULL,
                                   action_open_folder);
}

static void
strata_evaluation_view_init (StrataEvaluationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->entries = g_array_new (FALSE, TRUE, sizeof (StrataPrediction));
  self->cell_row = self->cell_column = -1;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "evaluation.evaluate", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "evaluation.export", FALSE);
}
