/* strata-data-page.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-data-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-augmentation-row.h"
#include "strata-data-page.h"
#include "strata-dataset.h"
#include "strata-form.h"
#include "strata-format.h"
#include "strata-test-hooks.h"

/**
 * StrataDataPage:
 *
 * A form over the project's #StrataDatasetSettings: source, split, image size and
 * normalisation, the augmentation schedule and the cache, each row bound to its property.
 * After each change, a worker thread opens the dataset as training would and the Contents
 * row says what it found (classes and images per split) or what is wrong.
 */

#define SUMMARY_DELAY_MS 400

struct _StrataDataPage
{
  AdwPreferencesPage parent_instance;

  /* Template widgets */
  AdwComboRow *source_row;
  AdwActionRow *location_row;
  GtkWidget *location_button;
  AdwEntryRow *filename_column;
  AdwEntryRow *label_column;
  AdwActionRow *summary_row;
  GtkStack *summary_icon;
  GtkSpinner *summary_spinner;
  AdwComboRow *split_by_row;
  GtkWidget *validation_percent_row;
  GtkSpinButton *validation_percent;
  GtkWidget *test_percent_row;
  GtkSpinButton *test_percent;
  GtkWidget *validation_count_row;
  GtkSpinButton *validation_count;
  GtkWidget *test_count_row;
  GtkSpinButton *test_count;
  GtkSpinButton *split_seed;
  GtkSpinButton *image_width;
  GtkSpinButton *image_height;
  AdwComboRow *channels_row;
  AdwActionRow *mismatch_row;
  AdwComboRow *resize_mode_row;
  AdwComboRow *resize_filter_row;
  AdwComboRow *normalization_row;
  AdwEntryRow *mean_row;
  AdwEntryRow *std_row;
  GtkListBox *stage_list;
  AdwComboRow *cache_mode_row;
  GtkSpinButton *cache_memory_limit;
  GtkWidget *cache_memory_limit_row;

  /* Owned references */
  StrataProject *project;
  StrataDatasetSettings *settings;
  StrataUndoManager *undo;
  GBindingGroup *bindings;
  GSignalGroup *signals;
  GSignalGroup *graph_signals;
  GCancellable *summary_cancellable;
  guint summary_source;
};

G_DEFINE_FINAL_TYPE (StrataDataPage, strata_data_page, ADW_TYPE_PREFERENCES_PAGE)

/* Contents ------------------------------------------------------------------------------------ */

typedef struct
{
  StrataDatasetSettings *settings;
  char *base_dir;
} SummaryJob;

static void
summary_job_free (SummaryJob *job)
{
  g_clear_object (&job->settings);
  g_free (job->base_dir);
  g_free (job);
}

static void
summary_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SummaryJob *job = task_data;
  g_autoptr(GError) error = NULL;
  StrataDataset *dataset = strata_dataset_open (job->settings, job->base_dir, cancellable, &error);

  if (dataset == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, dataset, g_object_unref);
}

static void
on_summary_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(StrataDataPage) self = user_data;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *train = NULL, *val = NULL, *test = NULL, *text = NULL, *classes = NULL;
  guint n_classes;

  dataset = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->summary_spinner);
  if (dataset == NULL)
    {
      gtk_stack_set_visible_child_name (self->summary_icon, "error");
      adw_action_row_set_subtitle (self->summary_row, error->message);
      return;
    }
  n_classes = strata_dataset_get_n_classes (dataset);
  train = strata_format_count (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TRAIN));
  val = strata_format_count (strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION));
  test = strata_format_count (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST));
  classes = g_strjoinv (", ", (char **) strata_dataset_get_class_names (dataset));
  /* Translators: the first %u is a number of classes, then their names */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u class: %s\n%s training, %s validation, %s test images",
                                       "%u classes: %s\n%s training, %s validation, %s test images",
                                       n_classes),
                          n_classes, classes, train, val, test);
  gtk_stack_set_visible_child_name (self->summary_icon, "ok");
  adw_action_row_set_subtitle (self->summary_row, text);
}

static gboolean
start_summary (gpointer user_data)
{
  StrataDataPage *self = user_data;
  g_autoptr(GTask) task = NULL;
  SummaryJob *job;

  self->summary_source = 0;
  if (self->settings == NULL)
    return G_SOURCE_REMOVE;
  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  self->summary_cancellable = g_cancellable_new ();

  job = g_new0 (SummaryJob, 1);
  job->settings = strata_dataset_settings_copy (self->settings);
  job->base_dir = strata_project_dup_base_dir (self->project);
  task = g_task_new (NULL, self->summary_cancellable, on_summary_ready, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) summary_job_free);
  g_task_run_in_thread (task, summary_thread);

  gtk_stack_set_visible_child_name (self->summary_icon, "busy");
  gtk_spinner_start (self->summary_spinner);
  adw_action_row_set_subtitle (self->summary_row, _("Reading the images…"));
  return G_SOURCE_REMOVE;
}

static void
queue_summary (StrataDataPage *self)
{
  g_clear_handle_id (&self->summary_source, g_source_remove);
  self->summary_source = g_timeout_add (SUMMARY_DELAY_MS, start_summary, self);
}

/* Rows that depend on others ------------------------------------------------------------------- */

static void
update_location (StrataDataPage *self)
{
  g_autofree char *path = NULL;
  StrataSourceKind kind;

  if (self->settings == NULL)
    return;
  kind = strata_dataset_settings_get_source_kind (self->settings);
  path = g_strdup (strata_dataset_settings_get_source_path (self->settings));
  if (path == NULL || *path == '\0')
    adw_action_row_set_subtitle (self->location_row,
                                 kind == STRATA_SOURCE_FASHION_MNIST
                                 ? _("The copy that comes with the system")
                                 : _("Not chosen yet"));
  else
    {
      g_autofree char *shown = g_filename_display_name (path);
      adw_action_row_set_subtitle (self->location_row, shown);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->filename_column),
                          kind == STRATA_SOURCE_CSV || kind == STRATA_SOURCE_ZIP);
  gtk_widget_set_visible (GTK_WIDGET (self->label_column),
                          kind == STRATA_SOURCE_CSV || kind == STRATA_SOURCE_ZIP);
}

/* The limit only decides where the automatic cache goes: memory when the images fit in it. */
static void
update_cache_rows (StrataDataPage *self)
{
  int mode = STRATA_CACHE_AUTO;

  if (self->settings)
    g_object_get (self->settings, "cache-mode", &mode, NULL);
  gtk_widget_set_sensitive (self->cache_memory_limit_row, mode == STRATA_CACHE_AUTO);
}

static void
update_split_rows (StrataDataPage *self)
{
  int split_by;

  if (self->settings == NULL)
    return;
  g_object_get (self->settings, "split-by", &split_by, NULL);
  gtk_widget_set_visible (self->validation_percent_row, split_by == STRATA_SPLIT_BY_RATIO);
  gtk_widget_set_visible (self->test_percent_row, split_by == STRATA_SPLIT_BY_RATIO);
  gtk_widget_set_visible (self->validation_count_row, split_by == STRATA_SPLIT_BY_COUNT);
  gtk_widget_set_visible (self->test_count_row, split_by == STRATA_SPLIT_BY_COUNT);
}

static char *
format_channel_values (GVariant *values)
{
  gsize n = 0;
  const double *v = values ? g_variant_get_fixed_array (values, &n, sizeof (double)) : NULL;
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < n; i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ascii_formatd (buffer, sizeof buffer, "%.4g", v[i]));
    }
  return g_string_free (text, FALSE);
}

static void
update_normalization_rows (StrataDataPage *self)
{
  int normalization;
  g_autoptr(GVariant) mean = NULL, std = NULL;
  g_autofree char *mean_text = NULL, *std_text = NULL;

  if (self->settings == NULL)
    return;
  g_object_get (self->settings, "normalization", &normalization, "normalization-mean", &mean,
                "normalization-std", &std, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->mean_row), normalization == STRATA_NORMALIZE_MEAN_STD);
  gtk_widget_set_visible (GTK_WIDGET (self->std_row), normalization == STRATA_NORMALIZE_MEAN_STD);
  mean_text = format_channel_values (mean);
  std_text = format_channel_values (std);
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->mean_row), "error"))
    gtk_editable_set_text (GTK_EDITABLE (self->mean_row), mean_text);
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->std_row), "error"))
    gtk_editable_set_text (GTK_EDITABLE (self->std_row), std_text);
}

/* "0.5, 0.45 0.4" → [0.5, 0.45, 0.4]; NULL unless 1 or 3 numbers, each within range. */
static GVariant *
parse_channel_values (const char *text,
                      gboolean    positive)
{
  g_auto(GStrv) parts = g_regex_split_simple ("[,;\\s]+", text, 0, 0);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; parts[i]; i++)
    {
      char *end = NULL;
      double v;

      if (*parts[i] == '\0')
        continue;
      v = g_ascii_strtod (parts[i], &end);
      if (end == parts[i] || *end != '\0' || v < 0 || v > 1 || (positive && v <= 0))
        return NULL;
      g_array_append_val (values, v);
    }
  if (values->len != 1 && values->len != 3)
    return NULL;
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, values->data, values->len,
                                    sizeof (double));
}

static void
on_channel_values_apply (AdwEntryRow    *row,
                         StrataDataPage *self)
{
  gboolean is_std = row == self->std_row;
  GVariant *values = parse_channel_values (gtk_editable_get_text (GTK_EDITABLE (row)), is_std);

  if (values == NULL || self->settings == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  g_object_set (self->settings, is_std ? "normalization-std" : "normalization-mean", values, NULL);
}

/* The model's Input must take the images the data page makes. */
static void
update_mismatch (StrataDataPage *self)
{
  StrataNode *input;
  guint width, height, channels;
  g_autofree char *text = NULL;
  gboolean mismatch;

  if (self->project == NULL)
    return;
  input = strata_graph_find_input (strata_project_get_graph (self->project));
  if (input == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->mismatch_row), FALSE);
      return;
    }
  width = strata_dataset_settings_get_image_width (self->settings);
  height = strata_dataset_settings_get_image_height (self->settings);
  channels = strata_dataset_settings_get_image_channels (self->settings);
  mismatch = strata_node_get_int (input, "width") != (int) width ||
             strata_node_get_int (input, "height") != (int) height ||
             strata_node_get_int (input, "channels") != (int) channels;
  gtk_widget_set_visible (GTK_WIDGET (self->mismatch_row), mismatch);
  if (!mismatch)
    return;
  /* Translators: the model's Input layer size, width × height × channels */
  text = g_strdup_printf (_("Its Input layer takes %d × %d × %d images"),
                          strata_node_get_int (input, "width"),
                          strata_node_get_int (input, "height"),
                          strata_node_get_int (input, "channels"));
  adw_action_row_set_subtitle (self->mismatch_row, text);
}

static void
on_match_model (StrataDataPage *self)
{
  StrataNode *input;
  const char *id;
  g_autoptr(GError) error = NULL;
  const struct { const char *name; guint value; } params[] = {
    { "width", strata_dataset_settings_get_image_width (self->settings) },
    { "height", strata_dataset_settings_get_image_height (self->settings) },
    { "channels", strata_dataset_settings_get_image_channels (self->settings) },
  };

  input = strata_graph_find_input (strata_project_get_graph (self->project));
  if (input == NULL || self->undo == NULL)
    return;
  id = strata_node_get_id (input);
  /* one step on the Model page's undo history */
  strata_undo_manager_begin_group (self->undo, _("Match the Image Size"));
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    if (!strata_undo_manager_set_param (self->undo, id, params[i].name,
                                        g_variant_new_int32 (params[i].value), &error))
      break;
  strata_undo_manager_end_group (self->undo);
  if (error)
    g_warning ("Could not update the Input layer: %s", error->message);
  update_mismatch (self);
}

/* Augmentation stages ------------------------------------------------------------------------- */

static GtkWidget *
create_stage_row (gpointer item,
                  gpointer user_data)
{
  return strata_augmentation_row_new (item);
}

static void
on_add_stage (StrataDataPage *self)
{
  g_autoptr(StrataAugmentation) stage = NULL;
  GListModel *stages;
  guint n, first = 1;

  if (self->settings == NULL)
    return;
  stages = strata_dataset_settings_get_augmentation (self->settings);
  n = g_list_model_get_n_items (stages);
  if (n > 0)
    {
      g_autoptr(StrataAugmentation) last = g_list_model_get_item (stages, n - 1);
      first = strata_augmentation_get_first_epoch (last) + 5;
    }
  stage = strata_augmentation_new ();
  strata_augmentation_set_first_epoch (stage, first);
  if (n == 0)
    {
      /* a useful start: the light augmentation most image tasks can take */
      g_object_set (stage, "horizontal-flip", TRUE, "width-shift-range", 0.1,
                    "height-shift-range", 0.1, NULL);
    }
  strata_dataset_settings_add_stage (self->settings, stage);
}

static void
action_remove_stage (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StrataDataPage *self = STRATA_DATA_PAGE (widget);
  guint position = g_variant_get_uint32 (parameter);

  if (self->settings &&
      position < g_list_model_get_n_items (strata_dataset_settings_get_augmentation (self->settings)))
    strata_dataset_settings_remove_stage (self->settings, position);
}

/* Location ------------------------------------------------------------------------------------ */

static void
on_location_chosen (GtkNativeDialog *chooser,
                    int              response,
                    StrataDataPage  *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->settings)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path)
        g_object_set (self->settings, "source-path", path, NULL);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
on_choose_location (StrataDataPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  StrataSourceKind kind = strata_dataset_settings_get_source_kind (self->settings);
  gboolean folder = kind == STRATA_SOURCE_FOLDER || kind == STRATA_SOURCE_FASHION_MNIST;
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (folder ? _("Choose the Image Folder")
                                                : _("Choose the Image List"),
                                         GTK_WINDOW (root),
                                         folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                : GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (!folder)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      if (kind == STRATA_SOURCE_CSV)
        {
          gtk_file_filter_set_name (filter, _("CSV Files"));
          gtk_file_filter_add_pattern (filter, "*.csv");
          gtk_file_filter_add_mime_type (filter, "text/csv");
        }
      else
        {
          gtk_file_filter_set_name (filter, _("Zip Archives"));
          gtk_file_filter_add_pattern (filter, "*.zip");
          gtk_file_filter_add_mime_type (filter, "application/zip");
        }
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_location_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Project ------------------------------------------------------------------------------------- */

static void
on_settings_changed (StrataDataPage *self)
{
  update_location (self);
  update_split_rows (self);
  update_normalization_rows (self);
  update_cache_rows (self);
  update_mismatch (self);
  /* stage edits don't notify the settings' own properties: count them as changes here */
  if (self->project)
    strata_project_set_modified (self->project, TRUE);
  queue_summary (self);
}

void
strata_data_page_set_project (StrataDataPage *self,
                              StrataProject  *project)
{
  g_return_if_fail (STRATA_IS_DATA_PAGE (self));
  g_return_if_fail (!project || STRATA_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;
  g_clear_object (&self->settings);
  if (project)
    self->settings = g_object_ref (strata_project_get_dataset (project));
  g_binding_group_set_source (self->bindings, self->settings);
  g_signal_group_set_target (self->signals, self->settings);
  g_signal_group_set_target (self->graph_signals,
                             project ? strata_project_get_graph (project) : NULL);
  gtk_list_box_bind_model (self->stage_list,
                           self->settings ? strata_dataset_settings_get_augmentation (self->settings)
                                          : NULL,
                           create_stage_row, self, NULL);
  update_location (self);
  update_split_rows (self);
  update_normalization_rows (self);
  update_cache_rows (self);
  update_mismatch (self);
  if (self->settings)
    start_summary (self);
}

void
strata_data_page_set_undo_manager (StrataDataPage    *self,
                                   StrataUndoManager *undo)
{
  g_return_if_fail (STRATA_IS_DATA_PAGE (self));
  g_set_object (&self->undo, undo);
}

static void
strata_data_page_dispose (GObject *object)
{
  StrataDataPage *self = (StrataDataPage *) object;

  g_clear_handle_id (&self->summary_source, g_source_remove);
  g_cancellable_cancel (self->summary_cancellable);
  g_clear_object (&self->summary_cancellable);
  if (self->bindings)
    g_binding_group_set_source (self->bindings, NULL);
  g_clear_object (&self->bindings);
  g_clear_object (&self->signals);
  g_clear_object (&self->graph_signals);
  g_clear_object (&self->settings);
  g_clear_object (&self->project);
  g_clear_object (&self->undo);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_DATA_PAGE);

  G_OBJECT_CLASS (strata_data_page_parent_class)->dispose (object);
}

static void
strata_data_page_class_init (StrataDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_data_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-data-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, StrataDataPage, name)
  CHILD (source_row);
  CHILD (location_row);
  CHILD (location_button);
  CHILD (filename_column);
  CHILD (label_column);
  CHILD (summary_row);
  CHILD (summary_icon);
  CHILD (summary_spinner);
  CHILD (split_by_row);
  CHILD (validation_percent_row);
  CHILD (validation_percent);
  CHILD (test_percent_row);
  CHILD (test_percent);
  CHILD (validation_count_row);
  CHILD (validation_count);
  CHILD (test_count_row);
  CHILD (test_count);
  CHILD (split_seed);
  CHILD (image_width);
  CHILD (image_height);
  CHILD (channels_row);
  CHILD (mismatch_row);
  CHILD (resize_mode_row);
  CHILD (resize_filter_row);
  CHILD (normalization_row);
  CHILD (mean_row);
  CHILD (std_row);
  CHILD (stage_list);
  CHILD (cache_mode_row);
  CHILD (cache_memory_limit);
  CHILD (cache_memory_limit_row);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_choose_location);
  gtk_widget_class_bind_template_callback (widget_class, on_match_model);
  gtk_widget_class_bind_template_callback (widget_class, on_add_stage);

  gtk_widget_class_install_action (widget_class, "data.remove-stage", "u", action_remove_stage);
}

static void
strata_data_page_init (StrataDataPage *self)
{
  const GType type = STRATA_TYPE_DATASET_SETTINGS;
  const int channels[] = { 1, 3 };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bindings = g_binding_group_new ();
  strata_form_bind_combo_enum (self->bindings, "source-kind", self->source_row);
  g_binding_group_bind (self->bindings, "filename-column", self->filename_column, "text",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_binding_group_bind (self->bindings, "label-column", self->label_column, "text",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  strata_form_bind_combo_enum (self->bindings, "split-by", self->split_by_row);
  strata_form_bind_spin (self->bindings, type, "validation-fraction", self->validation_percent, 100);
  strata_form_bind_spin (self->bindings, type, "test-fraction", self->test_percent, 100);
  strata_form_bind_spin (self->bindings, type, "validation-count", self->validation_count, 1);
  strata_form_bind_spin (self->bindings, type, "test-count", self->test_count, 1);
  strata_form_bind_spin (self->bindings, type, "split-seed", self->split_seed, 1);
  strata_form_bind_spin (self->bindings, type, "image-width", self->image_width, 1);
  strata_form_bind_spin (self->bindings, type, "image-height", self->image_height, 1);
  strata_form_bind_combo_values (self->bindings, "image-channels", self->channels_row, channels,
                                 G_N_ELEMENTS (channels));
  strata_form_bind_combo_enum (self->bindings, "resize-mode", self->resize_mode_row);
  strata_form_bind_combo_enum (self->bindings, "resize-filter", self->resize_filter_row);
  strata_form_bind_combo_enum (self->bindings, "normalization", self->normalization_row);
  strata_form_bind_combo_enum (self->bindings, "cache-mode", self->cache_mode_row);
  strata_form_bind_spin (self->bindings, type, "cache-memory-limit", self->cache_memory_limit, 1);

  adw_entry_row_set_show_apply_button (self->mean_row, TRUE);
  adw_entry_row_set_show_apply_button (self->std_row, TRUE);
  g_signal_connect (self->mean_row, "apply", G_CALLBACK (on_channel_values_apply), self);
  g_signal_connect (self->std_row, "apply", G_CALLBACK (on_channel_values_apply), self);

  self->signals = g_signal_group_new (STRATA_TYPE_DATASET_SETTINGS);
  g_signal_group_connect_object (self->signals, "changed", G_CALLBACK (on_settings_changed), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->signals, "notify::cache-mode",
                                 G_CALLBACK (update_cache_rows), self, G_CONNECT_SWAPPED);
  self->graph_signals = g_signal_group_new (STRATA_TYPE_GRAPH);
  g_signal_group_connect_object (self->graph_signals, "node-changed",
                                 G_CALLBACK (update_mismatch), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->graph_signals, "changed",
                                 G_CALLBACK (update_mismatch), self, G_CONNECT_SWAPPED);
}

void
strata_data_page_add_test_widgets (StrataDataPage *self,
                                   JsonBuilder    *builder)
{
  strata_test_hooks_add_widget (builder, "data-cache-mode", GTK_WIDGET (self->cache_mode_row));
  strata_test_hooks_add_widget (builder, "data-memory-limit", self->cache_memory_limit_row);
  /* not a widget: whether the limit can be edited */
  json_builder_set_member_name (builder, "data-memory-limit-sensitive");
  json_builder_add_boolean_value (builder, gtk_widget_is_sensitive (self->cache_memory_limit_row));
}
