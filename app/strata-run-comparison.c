/* strata-run-comparison.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-run-comparison"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-format.h"
#include "strata-run-comparison.h"
#include "strata-run.h"
#include "strata-runs.h"
#include "strata-json.h"

/**
 * StrataRunComparison:
 *
 * A table with a column per run: when it started, how long it trained and how fast, its best
 * and last figures, the weights it started from, its main settings, and every setting in
 * which it differs from the first run (strata_settings_diff()). Values that differ from the
 * first run's are emphasised, so that what changed between runs shows at a glance.
 */

struct _StrataRunComparison
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkGrid *grid;

  /* What the table shows, for the tests: a JSON array of rows */
  JsonNode *rows;
};

G_DEFINE_FINAL_TYPE (StrataRunComparison, strata_run_comparison, GTK_TYPE_WIDGET)

/* The settings every run's column shows, changed or not: the ones people tune most. */
static const struct
{
  const char *key;
  const char *caption;
} main_settings[] = {
  { "hyperparameters.optimizer", N_("Optimizer") },
  { "hyperparameters.learning_rate", N_("Learning rate") },
  { "hyperparameters.batch_size", N_("Batch size") },
  { "hyperparameters.epochs", N_("Epochs") },
  { "hyperparameters.schedule", N_("Schedule") },
};

/* A value of a run's settings.json as a cell shows it. */
static char *
value_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("—");
  if (JSON_NODE_HOLDS_VALUE (node))
    switch (json_node_get_value_type (node))
      {
      case G_TYPE_DOUBLE:
        return g_strdup_printf ("%g", json_node_get_double (node));
      case G_TYPE_INT64:
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      case G_TYPE_BOOLEAN:
        return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
      case G_TYPE_STRING:
        return g_strdup (json_node_get_string (node));
      default:
        break;
      }
  return json_to_string (node, FALSE);
}

/* "hyperparameters.learning_rate" in @settings; plain member names only. */
static JsonNode *
lookup (JsonNode   *settings,
        const char *key)
{
  g_auto(GStrv) parts = g_strsplit (key, ".", -1);
  JsonNode *node = settings;

  for (guint i = 0; parts[i] && node; i++)
    {
      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !json_object_has_member (json_node_get_object (node), parts[i]))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    }
  return node;
}

/* "dataset.augmentation[0].rotation_range" → "augmentation[0] › rotation range" */
static char *
key_caption (const char *key)
{
  const char *rest = strchr (key, '.');
  g_autoptr(GString) caption = g_string_new (rest && !g_str_has_prefix (key, "model.") ? rest + 1 : key);

  g_string_replace (caption, ".", " › ", 0);
  g_string_replace (caption, "_", " ", 0);
  return g_string_free (g_steal_pointer (&caption), FALSE);
}

static GtkWidget *
cell (const char *text,
      const char *tooltip)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (tooltip)
    gtk_widget_set_tooltip_text (label, tooltip);
  return label;
}

typedef struct
{
  StrataRunComparison *self;
  JsonBuilder *rows;
  guint n_runs;
  int row;
} Table;

/* One row: a caption and a value per run; values unlike the first run's are emphasised. */
static void
add_row (Table       *t,
         const char  *key,
         const char  *caption,
         char       **values,
         gboolean     compare)
{
  GtkWidget *label = cell (caption, key);
  gboolean differs = FALSE;

  for (guint i = 1; compare && i < t->n_runs; i++)
    differs |= g_strcmp0 (values[i], values[0]) != 0;
  gtk_widget_add_css_class (label, "dim-label");
  if (differs)
    gtk_widget_add_css_class (label, "changed");
  gtk_grid_attach (t->self->grid, label, 0, t->row, 1, 1);
  for (guint i = 0; i < t->n_runs; i++)
    {
      GtkWidget *value = cell (values[i], values[i]);

      gtk_widget_add_css_class (value, "numeric");
      if (differs && (i == 0 || g_strcmp0 (values[i], values[0]) != 0))
        {
          gtk_widget_add_css_class (value, "accent");
          gtk_widget_add_css_class (value, "changed");
        }
      gtk_grid_attach (t->self->grid, value, i + 1, t->row, 1, 1);
    }
  t->row++;

  json_builder_begin_object (t->rows);
  json_builder_set_member_name (t->rows, "key");
  json_builder_add_string_value (t->rows, key);
  json_builder_set_member_name (t->rows, "values");
  json_builder_begin_array (t->rows);
  for (guint i = 0; i < t->n_runs; i++)
    json_builder_add_string_value (t->rows, values[i]);
  json_builder_end_array (t->rows);
  json_builder_set_member_name (t->rows, "differs");
  json_builder_add_boolean_value (t->rows, differs);
  json_builder_end_object (t->rows);
}

static void
add_section (Table      *t,
             const char *title)
{
  GtkWidget *label = cell (title, NULL);

  gtk_widget_add_css_class (label, "heading");
  if (t->row > 1)
    gtk_widget_set_margin_top (label, 12);
  gtk_grid_attach (t->self->grid, label, 0, t->row++, t->n_runs + 1, 1);
}

static char *
created_text (JsonObject *info)
{
  const char *created = strata_json_get_string (info, "created", NULL);
  g_autoptr(GDateTime) utc = created ? g_date_time_new_from_iso8601 (created, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("—");
  /* Translators: when a run started, a g_date_time_format() format: "Nov 26, 18:05" */
  return g_date_time_format (local, _("%b %-d, %H:%M"));
}

/* The figures of the run's last epoch, from its metrics file. */
static JsonObject *
last_record (GPtrArray *records)
{
  if (records == NULL || records->len == 0)
    return NULL;
  return json_node_get_object (g_ptr_array_index (records, records->len - 1));
}

static char *
best_text (JsonObject *info)
{
  const char *monitor = strata_json_get_string (info, "monitor", NULL);
  int epoch = strata_json_get_int (info, "best_epoch", 0);
  g_autofree char *value = NULL;

  if (monitor == NULL || epoch <= 0)
    return g_strdup ("—");
  value = strata_format_value (monitor, strata_json_get_double (info, "best_value", NAN));
  /* Translators: a run's best figure and its epoch, e.g. "91.2% (epoch 8)" */
  return g_strdup_printf (_("%s (epoch %d)"), value, epoch);
}

static char *
last_text (JsonObject *last)
{
  g_autofree char *accuracy = NULL, *loss = NULL;
  gboolean val = last && json_object_has_member (last, "val_accuracy");

  if (last == NULL)
    return g_strdup ("—");
  accuracy = strata_format_percent (strata_json_get_double (last, val ? "val_accuracy" : "accuracy", NAN));
  loss = strata_format_metric (strata_json_get_double (last, val ? "val_loss" : "loss", NAN));
  /* Translators: a run's last accuracy and loss, e.g. "88.1% · loss 0.3412" */
  return g_strdup_printf (_("%s · loss %s"), accuracy, loss);
}

/**
 * strata_run_comparison_set_runs:
 * @runs: (array zero-terminated=1): the runs to show, the first being the one the others are
 *   compared with
 */
void
strata_run_comparison_set_runs (StrataRunComparison *self,
                                StrataProject       *project,
                                const char *const   *runs)
{
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) metrics = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) diffs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();   /* the changed keys, in order, unowned */
  g_autoptr(JsonBuilder) rows = json_builder_new ();
  g_autofree char *runs_dir = NULL;
  GtkWidget *child;
  Table t = { self, rows, 0, 0 };

  g_return_if_fail (STRATA_IS_RUN_COMPARISON (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))))
    gtk_grid_remove (self->grid, child);
  json_builder_begin_array (rows);
  if (project)
    runs_dir = strata_project_dup_runs_dir (project);
  for (guint i = 0; project && runs && runs[i]; i++)
    {
      StrataRun *run = strata_run_open (runs_dir, runs[i], NULL);

      if (run == NULL)
        continue;
      g_ptr_array_add (opened, run);
      g_ptr_array_add (metrics, strata_run_read_metrics (run, NULL) ?: g_ptr_array_new ());
    }
  t.n_runs = opened->len;
  gtk_widget_set_visible (GTK_WIDGET (self), t.n_runs > 0);

  /* column headings: the runs' names */
  for (guint i = 0; i < t.n_runs; i++)
    {
      GtkWidget *name = cell (strata_run_get_name (g_ptr_array_index (opened, i)), NULL);

      gtk_widget_add_css_class (name, "heading");
      gtk_grid_attach (self->grid, name, i + 1, 0, 1, 1);
    }
  t.row = 1;

  if (t.n_runs > 0)
    {
      g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
      const char *figures[] = { "created", "elapsed", "images_per_second", "best", "last",
                                "init_from" };
      const char *captions[] = { _("Started"), _("Duration"), _("Images per second"),
                                 _("Best"), _("Last epoch"), _("Started from") };

      add_section (&t, _("Run"));
      for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
        {
          g_ptr_array_set_size (cells, 0);
          for (guint i = 0; i < t.n_runs; i++)
            {
              JsonObject *info = strata_run_get_info (g_ptr_array_index (opened, i));
              JsonObject *last = last_record (g_ptr_array_index (metrics, i));
              char *text;

              if (f == 0)
                text = created_text (info);
              else if (f == 1)
                text = json_object_has_member (info, "elapsed")
                       ? strata_format_duration (json_object_get_double_member (info, "elapsed"))
                       : g_strdup ("—");
              else if (f == 2)
                text = strata_format_rate (last ? strata_json_get_double (last, "images_per_second", NAN) : NAN);
              else if (f == 3)
                text = best_text (info);
              else if (f == 4)
                text = last_text (last);
              else
                text = g_strdup (json_object_has_member (info, "init_from")
                                 ? json_object_get_string_member (info, "init_from")
                                 /* Translators: a run that did not start from another's weights */
                                 : _("New weights"));
              g_ptr_array_add (cells, text);
            }
          /* only where the runs started from counts as a difference among these */
          add_row (&t, figures[f], captions[f], (char **) cells->pdata, f == 5);
        }

      /* what changed from the first run to each other */
      for (guint i = 1; i < t.n_runs; i++)
        {
          JsonNode *a = strata_run_get_settings (g_ptr_array_index (opened, 0));
          JsonNode *b = strata_run_get_settings (g_ptr_array_index (opened, i));
          GPtrArray *diff = a && b ? strata_settings_diff (a, b) : g_ptr_array_new ();

          g_ptr_array_add (diffs, diff);
          for (guint k = 0; k < diff->len; k++)
            {
              StrataSettingsChange *change = g_ptr_array_index (diff, k);
              gboolean seen = FALSE;

              for (guint m = 0; m < keys->len && !seen; m++)
                seen = g_str_equal (g_ptr_array_index (keys, m), change->key);
              for (guint m = 0; m < G_N_ELEMENTS (main_settings) && !seen; m++)
                seen = g_str_equal (main_settings[m].key, change->key);
              if (!seen)
                g_ptr_array_add (keys, change->key);
            }
        }

      add_section (&t, _("Settings"));
      for (guint m = 0; m < G_N_ELEMENTS (main_settings); m++)
        {
          g_ptr_array_set_size (cells, 0);
          for (guint i = 0; i < t.n_runs; i++)
            g_ptr_array_add (cells, value_text (lookup (strata_run_get_settings (g_ptr_array_index (opened, i)),
                                                        main_settings[m].key)));
          add_row (&t, main_settings[m].key, _(main_settings[m].caption),
                   (char **) cells->pdata, TRUE);
        }
      for (guint k = 0; k < keys->len; k++)
        {
          const char *key = g_ptr_array_index (keys, k);
          g_autofree char *caption = key_caption (key);
          JsonNode *first = NULL;
          gboolean found_first = FALSE;

          /* the first run's value is the "before" of any diff that has the key */
          for (guint d = 0; d < diffs->len && !found_first; d++)
            {
              GPtrArray *diff = g_ptr_array_index (diffs, d);

              for (guint c = 0; c < diff->len && !found_first; c++)
                {
                  StrataSettingsChange *change = g_ptr_array_index (diff, c);

                  if (g_str_equal (change->key, key))
                    {
                      first = change->before;
                      found_first = TRUE;
                    }
                }
            }
          g_ptr_array_set_size (cells, 0);
          g_ptr_array_add (cells, value_text (first));
          for (guint d = 0; d < diffs->len; d++)
            {
              GPtrArray *diff = g_ptr_array_index (diffs, d);
              JsonNode *value = first;

              /* a run that did not change the key has the first run's value */
              for (guint c = 0; c < diff->len; c++)
                {
                  StrataSettingsChange *change = g_ptr_array_index (diff, c);

                  if (g_str_equal (change->key, key))
                    value = change->after;
                }
              g_ptr_array_add (cells, value_text (value));
            }
          add_row (&t, key, caption, (char **) cells->pdata, TRUE);
        }
    }
  json_builder_end_array (rows);
  g_clear_pointer (&self->rows, json_node_unref);
  self->rows = json_builder_get_root (rows);
}

/**
 * strata_run_comparison_dup_test_state:
 *
 * Returns: (transfer full): the rows: [{"key", "values": [one per run], "differs"}]
 */
JsonNode *
strata_run_comparison_dup_test_state (StrataRunComparison *self)
{
  g_return_val_if_fail (STRATA_IS_RUN_COMPARISON (self), NULL);

  return self->rows ? json_node_copy (self->rows) : json_node_new (JSON_NODE_ARRAY);
}

static void
strata_run_comparison_dispose (GObject *object)
{
  StrataRunComparison *self = (StrataRunComparison *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_RUN_COMPARISON);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (strata_run_comparison_parent_class)->dispose (object);
}

static void
strata_run_comparison_finalize (GObject *object)
{
  StrataRunComparison *self = (StrataRunComparison *) object;

  g_clear_pointer (&self->rows, json_node_unref);

  G_OBJECT_CLASS (strata_run_comparison_parent_class)->finalize (object);
}

static void
strata_run_comparison_class_init (StrataRunComparisonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_run_comparison_dispose;
  object_class->finalize = strata_run_comparison_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-run-comparison.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataRunComparison, grid);
}

static void
strata_run_comparison_init (StrataRunComparison *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
