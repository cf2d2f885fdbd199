/* strata-graph-inspector.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-inspector"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-graph-inspector.h"
#include "strata-graph-inspector-private.h"
#include "strata-graph-editor-private.h"

/*
 * Rows are built from the op's parameter specs, so a new op (or the zoo's pretrained
 * backbones with their trainable_percent) needs no inspector code: numbers get spin
 * buttons with the spec's range, choices a combo row, flags a switch, pairs two spins,
 * and advanced parameters fold away in an expander. Every change goes through the undo
 * manager, which folds consecutive changes of one parameter into one step; leaving a
 * field or showing another node ends the step. When the graph changes (undo, another view)
 * the widgets are set from it with the edit handlers muted.
 */

#define TRAINABLE_PERCENT "trainable_percent"

typedef struct
{
  StrataGraphInspector *self;
  const StrataParamSpec *spec;
  GtkWidget *row;
  GtkWidget *widgets[8];
  guint n_widgets;
} ParamRow;

struct _StrataGraphInspector
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkBox *groups_box;

  /* Owned */
  StrataUndoManager *undo;
  StrataGraph *graph;
  GSignalGroup *graph_signals;
  char *node_id;
  GPtrArray *param_rows;       /* ParamRow* */
  gboolean updating;
  guint n_selected;

  /* Rows of the current node, owned by their groups */
  AdwEntryRow *name_row;
  AdwActionRow *error_row;
  GtkLabel *shape_value;
  AdwActionRow *params_row;
  GtkLabel *params_value;
  AdwActionRow *trainable_row;
  GtkSwitch *trainable_switch;
  GtkSpinButton *inputs_spin;
  AdwActionRow *percent_row;
  GtkLabel *percent_value;
};

G_DEFINE_FINAL_TYPE (StrataGraphInspector, strata_graph_inspector, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_UNDO_MANAGER,
  PROP_NODE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh (StrataGraphInspector *self);

static StrataNode *
get_node (StrataGraphInspector *self)
{
  return self->graph && self->node_id ? strata_graph_get_node (self->graph, self->node_id) : NULL;
}

/* Applying edits ------------------------------------------------------------------------------ */

static void
set_param (StrataGraphInspector *self,
           const char           *name,
           GVariant             *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);

  if (self->updating || self->undo == NULL || self->node_id == NULL)
    return;
  if (!strata_undo_manager_set_param (self->undo, self->node_id, name, owned, &error))
    {
      /* The widgets' ranges come from the spec, so this is rare: show the value back. */
      g_debug ("%s", error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      refresh (self);
    }
}

static void
on_spin_changed (GtkSpinButton *spin,
                 ParamRow      *param)
{
  double value = gtk_spin_button_get_value (spin);

  if (param->spec->kind == STRATA_PARAM_INT)
    set_param (param->self, param->spec->name, g_variant_new_int32 ((gint32) lround (value)));
  else
    set_param (param->self, param->spec->name, g_variant_new_double (value));
}

static void
on_ints_changed (GtkSpinButton *spin,
                 ParamRow      *param)
{
  gint32 values[8];

  for (guint i = 0; i < param->n_widgets; i++)
    values[i] = gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (param->widgets[i]));
  set_param (param->self, param->spec->name,
             g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, values, param->n_widgets,
                                        sizeof (gint32)));
}

static void
on_switch_changed (GtkSwitch  *toggle,
                   GParamSpec *pspec,
                   ParamRow   *param)
{
  set_param (param->self, param->spec->name,
             g_variant_new_boolean (gtk_switch_get_active (toggle)));
}

/* What a pretrained backbone's weights choices say in the list, instead of their ids. */
static const struct
{
  const char *id;
  const char *label;
} weights_labels[] = {
  { "imagenet-keras", N_("ImageNet (Keras)") },
  { "imagenet-torch", N_("ImageNet (PyTorch)") },
  { "file", N_("From a File…") },
  { "none", N_("None (random)") },
};

static const char *
choice_label (const StrataParamSpec *spec,
              const char            *choice)
{
  if (g_str_equal (spec->name, "weights"))
    for (guint i = 0; i < G_N_ELEMENTS (weights_labels); i++)
      if (g_str_equal (weights_labels[i].id, choice))
        return _(weights_labels[i].label);
  return choice;
}

static void
on_combo_changed (AdwComboRow *row,
                  GParamSpec  *pspec,
                  ParamRow    *param)
{
  StrataGraphInspector *self = param->self;
  guint selected = adw_combo_row_get_selected (row);
  StrataNode *node;

  if (selected >= g_strv_length ((char **) param->spec->choices))
    return;
  node = self->graph && self->node_id ? strata_graph_get_node (self->graph, self->node_id) : NULL;
  /* A backbone without pretrained weights kept all frozen would never learn: random
   * weights make it trainable in the same step (undone together). */
  if (!self->updating && self->undo && node && g_str_equal (param->spec->name, "weights") &&
      g_str_equal (param->spec->choices[selected], "none") &&
      strata_op_find_param (strata_node_get_op (node), TRAINABLE_PERCENT) != NULL &&
      strata_node_get_int (node, TRAINABLE_PERCENT) < 100)
    {
      g_autoptr(GError) error = NULL;

      strata_undo_manager_begin_group (self->undo, _("Random Weights"));
      set_param (self, param->spec->name, g_variant_new_string ("none"));
      if (!strata_undo_manager_set_param (self->undo, self->node_id, TRAINABLE_PERCENT,
                                          g_variant_new_int32 (100), &error))
        g_debug ("%s", error->message);
      strata_undo_manager_end_group (self->undo);
      return;
    }
  set_param (self, param->spec->name, g_variant_new_string (param->spec->choices[selected]));
}

static void
on_scale_changed (GtkRange *range,
                  ParamRow *param)
{
  double value = round (gtk_range_get_value (range));

  if (param->spec->kind == STRATA_PARAM_INT)
    set_param (param->self, param->spec->name, g_variant_new_int32 ((gint32) value));
  else
    set_param (param->self, param->spec->name, g_variant_new_double (value));
}

static void
on_entry_apply (AdwEntryRow *row,
                ParamRow    *param)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (param->spec->kind == STRATA_PARAM_STRINGS)
    {
      g_auto(GStrv) parts = g_strsplit (text, ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) names = NULL;

      for (guint i = 0; parts[i]; i++)
        {
          g_strstrip (parts[i]);
          if (*parts[i])
            g_strv_builder_add (builder, parts[i]);
        }
      names = g_strv_builder_end (builder);
      set_param (param->self, param->spec->name,
                 g_variant_new_strv ((const char *const *) names, -1));
    }
  else
    set_param (param->self, param->spec->name, g_variant_new_string (text));
}

/* A field losing focus ends its step: coming back to it later is a new edit. */
static void
on_field_leave (GtkEventControllerFocus *controller,
                StrataGraphInspector    *self)
{
  if (self->undo)
    strata_undo_manager_break_merge (self->undo);
}

static void
watch_focus (StrataGraphInspector *self,
             GtkWidget            *widget)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect (focus, "leave", G_CALLBACK (on_field_leave), self);
  gtk_widget_add_controller (widget, focus);
}

static void
on_name_apply (AdwEntryRow          *row,
               StrataGraphInspector *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_id = g_strdup (self->node_id);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (self->undo == NULL || old_id == NULL)
    return;
  if (!strata_undo_manager_rename_node (self->undo, old_id, text, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), error->message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      error->message, -1);
      gtk_widget_error_bell (GTK_WIDGET (row));
    }
}

static void
on_name_changed (AdwEntryRow          *row,
                 GParamSpec           *pspec,
                 StrataGraphInspector *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
}

static void
on_trainable_changed (GtkSwitch            *toggle,
                      GParamSpec           *pspec,
                      StrataGraphInspector *self)
{
  if (self->updating || self->undo == NULL || self->node_id == NULL)
    return;
  strata_undo_manager_set_trainable (self->undo, self->node_id, gtk_switch_get_active (toggle));
}

static void
on_inputs_changed (GtkSpinButton        *spin,
                   StrataGraphInspector *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating || self->undo == NULL || self->node_id == NULL)
    return;
  if (!strata_undo_manager_set_n_inputs (self->undo, self->node_id,
                                         gtk_spin_button_get_value_as_int (spin), &error))
    {
      gtk_widget_error_bell (GTK_WIDGET (spin));
      refresh (self);
    }
}

/* Building rows ------------------------------------------------------------------------------- */

/* The row's widgets carry their ParamRow (freed with the row), the array only borrows. */
static ParamRow *
param_row_new (StrataGraphInspector  *self,
               const StrataParamSpec *spec)
{
  ParamRow *param = g_new0 (ParamRow, 1);

  param->self = self;
  param->spec = spec;
  g_ptr_array_add (self->param_rows, param);
  return param;
}

static void
param_row_attach (ParamRow  *param,
                  GtkWidget *row)
{
  param->row = row;
  g_object_set_data_full (G_OBJECT (row), "strata-param-row", param, g_free);
}

/*
 * Ctrl+Z in a number field undoes the model edit (through the editor's actions), not the
 * typing: the value is committed on Enter, so the text's own history only confuses. The
 * text would take the keys first, so catch them on the way down.
 */
static void
model_undo_keys (GtkWidget *field)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_editable_set_enable_undo (GTK_EDITABLE (field), FALSE);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z,
                                                                                  GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("editor.undo")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_z,
                                                                                  GDK_CONTROL_MASK |
                                                                                  GDK_SHIFT_MASK),
                                                          gtk_named_action_new ("editor.redo")));
  gtk_widget_add_controller (field, controller);
}

/* Enough digits to show the default and to step through the range in sensible steps. */
static int
float_digits (const StrataParamSpec *spec)
{
  g_autoptr(GVariant) value = strata_param_spec_dup_default (spec);
  double d = fabs (g_variant_get_double (value));

  if (d <= 0 || d >= 1)
    return 2;
  return CLAMP ((int) ceil (-log10 (d)) + 1, 2, 6);
}

static GtkWidget *
new_spin (const StrataParamSpec *spec,
          gboolean               integer)
{
  int digits = integer ? 0 : float_digits (spec);
  double step = integer ? 1 : pow (10, -(digits - 1)) / 2;
  GtkAdjustment *adjustment = gtk_adjustment_new (spec->min, spec->min, spec->max, step,
                                                  step * 10, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, step, digits);

  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  model_undo_keys (spin);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), integer && spec->max >= 10000 ? 6 : 4);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(spec->label), -1);
  return spin;
}

static GtkWidget *
build_param_row (StrataGraphInspector  *self,
                 const StrataParamSpec *spec)
{
  ParamRow *param = param_row_new (self, spec);
  GtkWidget *row = NULL;

  switch (spec->kind)
    {
    case STRATA_PARAM_INT:
    case STRATA_PARAM_FLOAT:
      {
        GtkWidget *spin = new_spin (spec, spec->kind == STRATA_PARAM_INT);
        row = adw_action_row_new ();
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
        g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), param);
        watch_focus (self, spin);
        param->widgets[param->n_widgets++] = spin;
      }
      break;

    case STRATA_PARAM_INTS:
      {
        GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
        gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
        row = adw_action_row_new ();
        for (int i = 0; i < spec->n_components && i < (int) G_N_ELEMENTS (param->widgets); i++)
          {
            GtkWidget *spin = new_spin (spec, TRUE);
            if (i > 0)
              {
                GtkWidget *times = gtk_label_new ("×");
                gtk_widget_add_css_class (times, "dim-label");
                gtk_box_append (GTK_BOX (box), times);
              }
            gtk_editable_set_width_chars (GTK_EDITABLE (spin), 3);
            gtk_widget_add_css_class (spin, "compact");
            gtk_box_append (GTK_BOX (box), spin);
            g_signal_connect (spin, "value-changed", G_CALLBACK (on_ints_changed), param);
            watch_focus (self, spin);
            param->widgets[param->n_widgets++] = spin;
          }
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
      }
      break;

    case STRATA_PARAM_BOOL:
      {
        GtkWidget *toggle = gtk_switch_new ();
        gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
        row = adw_action_row_new ();
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
        g_signal_connect (toggle, "notify::active", G_CALLBACK (on_switch_changed), param);
        param->widgets[param->n_widgets++] = toggle;
      }
      break;

    case STRATA_PARAM_ENUM:
      {
        g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

        for (guint i = 0; spec->choices[i]; i++)
          gtk_string_list_append (model, choice_label (spec, spec->choices[i]));
        row = adw_combo_row_new ();
        adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
        g_signal_connect (row, "notify::selected", G_CALLBACK (on_combo_changed), param);
        param->widgets[param->n_widgets++] = row;
      }
      break;

    case STRATA_PARAM_STRING:
    case STRATA_PARAM_STRINGS:
    default:
      row = adw_entry_row_new ();
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      g_signal_connect (row, "apply", G_CALLBACK (on_entry_apply), param);
      param->widgets[param->n_widgets++] = row;
      break;
    }

  if (spec->kind == STRATA_PARAM_STRINGS)
    {
      /* Translators: the title of a list parameter typed as text, e.g. "Classes (comma-separated)" */
      g_autofree char *title = g_strdup_printf (_("%s (comma-separated)"), _(spec->label));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    }
  else
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->label));
  gtk_widget_set_tooltip_text (row, _(spec->description));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _(spec->description), -1);
  param_row_attach (param, row);
  return row;
}

static GtkWidget *value_label (void);

static void
update_percent_value (StrataGraphInspector *self,
                      GtkRange             *scale)
{
  /* Translators: the trainable share of a pretrained model, e.g. "53 %" */
  g_autofree char *text = g_strdup_printf (_("%d %%"), (int) round (gtk_range_get_value (scale)));

  if (self->percent_value)
    gtk_label_set_label (self->percent_value, text);
}

/* The trainable share of a pretrained backbone: a slider, with the counts it gives live. */
static GtkWidget *
build_percent_row (StrataGraphInspector  *self,
                   const StrataParamSpec *spec)
{
  ParamRow *param = param_row_new (self, spec);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, spec->min, spec->max, 1);

  GtkWidget *value = value_label ();

  gtk_widget_set_size_request (scale, 140, -1);
  gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
  /* the value in a label of its own, as wide as "100 %", clear of the knob */
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_label_set_selectable (GTK_LABEL (value), FALSE);
  gtk_label_set_width_chars (GTK_LABEL (value), 5);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_widget_set_margin_start (value, 6);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->label));
  /* one line: a subtitle that wraps as the counts change makes the row jump */
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  self->percent_value = GTK_LABEL (value);
  g_signal_connect_swapped (scale, "value-changed", G_CALLBACK (update_percent_value), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(spec->label), -1);
  gtk_widget_set_tooltip_text (row, _(spec->description));
  g_signal_connect (scale, "value-changed", G_CALLBACK (on_scale_changed), param);
  watch_focus (self, scale);
  param_row_attach (param, row);
  param->widgets[param->n_widgets++] = scale;
  self->percent_row = ADW_ACTION_ROW (row);
  return row;
}

static GtkWidget *
value_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  return label;
}

static void
clear_rows (StrataGraphInspector *self)
{
  gboolean was_updating = self->updating;
  GtkWidget *child;

  /* Widgets going away may still notify (a combo row losing its model); by then the node
   * shown can be another one, which their handlers must not touch. */
  self->updating = TRUE;
  g_ptr_array_set_size (self->param_rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_box))))
    gtk_box_remove (self->groups_box, child);
  self->updating = was_updating;
  self->name_row = NULL;
  self->error_row = NULL;
  self->shape_value = NULL;
  self->params_row = NULL;
  self->params_value = NULL;
  self->trainable_row = NULL;
  self->trainable_switch = NULL;
  self->inputs_spin = NULL;
  self->percent_row = NULL;
  self->percent_value = NULL;
}

static void
rebuild (StrataGraphInspector *self)
{
  StrataNode *node = get_node (self);
  const StrataOpInfo *op;
  GtkWidget *group, *row, *expander = NULL;
  gboolean any_param = FALSE;

  clear_rows (self);
  if (node == NULL)
    {
      if (self->n_selected > 1)
        {
          g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                 "%u Layer Selected",
                                                                 "%u Layers Selected",
                                                                 self->n_selected),
                                                    self->n_selected);
          adw_status_page_set_title (self->empty_page, title);
          adw_status_page_set_description (self->empty_page,
                                           _("Select a single layer to change its settings"));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Layer Selected"));
          adw_status_page_set_description (self->empty_page,
                                           _("Select a layer to see and change its settings"));
        }
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  op = strata_node_get_op (node);

  /* The layer itself: name, problems, shape, weights, whether it trains. */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(op->label));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _(op->description));

  row = adw_action_row_new ();
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "error");
  gtk_widget_add_css_class (row, "node-error");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->error_row = ADW_ACTION_ROW (row);

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Name"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), self->node_id);
  g_signal_connect (row, "apply", G_CALLBACK (on_name_apply), self);
  g_signal_connect (row, "notify::text", G_CALLBACK (on_name_changed), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->name_row = ADW_ENTRY_ROW (row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Output shape"));
  self->shape_value = GTK_LABEL (value_label ());
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->shape_value));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  if (op->min_inputs != op->max_inputs)
    {
      GtkAdjustment *adjustment = gtk_adjustment_new (op->min_inputs, op->min_inputs,
                                                      op->max_inputs, 1, 1, 0);
      GtkWidget *spin = gtk_spin_button_new (adjustment, 1, 0);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Inputs"));
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_inputs_changed), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->inputs_spin = GTK_SPIN_BUTTON (spin);
    }

  if (op->count_params != NULL)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Weights"));
      self->params_value = GTK_LABEL (value_label ());
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->params_value));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->params_row = ADW_ACTION_ROW (row);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Trainable"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Training updates this layer’s weights"));
      self->trainable_switch = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (self->trainable_switch), GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->trainable_switch));
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row),
                                             GTK_WIDGET (self->trainable_switch));
      g_signal_connect (self->trainable_switch, "notify::active",
                        G_CALLBACK (on_trainable_changed), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->trainable_row = ADW_ACTION_ROW (row);
    }

  if (strata_op_find_param (op, TRAINABLE_PERCENT) != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               build_percent_row (self, strata_op_find_param (op,
                                                                              TRAINABLE_PERCENT)));
  gtk_box_append (self->groups_box, group);

  /* Its parameters, the advanced ones folded away. */
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Parameters"));
  for (guint i = 0; i < op->n_params; i++)
    {
      const StrataParamSpec *spec = &op->params[i];

      if (g_str_equal (spec->name, TRAINABLE_PERCENT))
        continue;
      any_param = TRUE;
      row = build_param_row (self, spec);
      if (spec->advanced)
        {
          if (expander == NULL)
            {
              expander = adw_expander_row_new ();
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("Advanced"));
            }
          adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
        }
      else
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (expander)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
  if (!any_param)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("This layer has no settings"));
  gtk_box_append (self->groups_box, group);

  gtk_stack_set_visible_child_name (self->stack, "node");
  refresh (self);
}

/* Showing the model's values ------------------------------------------------------------------ */

static void
refresh_param (ParamRow   *param,
               StrataNode *node)
{
  GVariant *value = strata_node_get_param (node, param->spec->name);

  if (value == NULL)
    return;
  switch (param->spec->kind)
    {
    case STRATA_PARAM_INT:
      if (GTK_IS_RANGE (param->widgets[0]))
        gtk_range_set_value (GTK_RANGE (param->widgets[0]), g_variant_get_int32 (value));
      else
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (param->widgets[0]), g_variant_get_int32 (value));
      break;
    case STRATA_PARAM_FLOAT:
      if (GTK_IS_RANGE (param->widgets[0]))
        gtk_range_set_value (GTK_RANGE (param->widgets[0]), g_variant_get_double (value));
      else
        gtk_spin_button_set_value (GTK_SPIN_BUTTON (param->widgets[0]),
                                   g_variant_get_double (value));
      break;
    case STRATA_PARAM_INTS:
      {
        gsize n;
        const gint32 *values = g_variant_get_fixed_array (value, &n, sizeof (gint32));
        for (guint i = 0; i < param->n_widgets && i < n; i++)
          gtk_spin_button_set_value (GTK_SPIN_BUTTON (param->widgets[i]), values[i]);
      }
      break;
    case STRATA_PARAM_BOOL:
      gtk_switch_set_active (GTK_SWITCH (param->widgets[0]), g_variant_get_boolean (value));
      break;
    case STRATA_PARAM_ENUM:
      {
        const char *current = g_variant_get_string (value, NULL);
        for (guint i = 0; param->spec->choices[i]; i++)
          if (g_str_equal (param->spec->choices[i], current))
            adw_combo_row_set_selected (ADW_COMBO_ROW (param->widgets[0]), i);
      }
      break;
    case STRATA_PARAM_STRINGS:
      {
        g_autofree const char **names = g_variant_get_strv (value, NULL);
        g_autofree char *text = g_strjoinv (", ", (char **) names);
        if (!gtk_widget_has_focus (param->widgets[0]))
          gtk_editable_set_text (GTK_EDITABLE (param->widgets[0]), text);
      }
      break;
    case STRATA_PARAM_STRING:
    default:
      gtk_editable_set_text (GTK_EDITABLE (param->widgets[0]), g_variant_get_string (value, NULL));
      break;
    }
}

/* Everything that can change without the node itself changing: errors, shapes and counts
 * follow edits upstream. */
static void
refresh_info (StrataGraphInspector *self,
              StrataNode           *node)
{
  const char *error = strata_graph_get_node_error (self->graph, self->node_id);
  gint64 n_trainable = 0, n_frozen = 0;
  StrataShape shape;

  gtk_widget_set_visible (GTK_WIDGET (self->error_row), error != NULL);
  if (error)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->error_row), error);

  if (strata_graph_get_output_shape (self->graph, self->node_id, &shape))
    {
      g_autofree char *text = strata_shape_to_string (&shape);
      gtk_label_set_label (self->shape_value, text);
    }
  else
    gtk_label_set_label (self->shape_value, "—");

  strata_graph_get_param_counts (self->graph, self->node_id, &n_trainable, &n_frozen);
  if (self->params_value)
    {
      g_autofree char *total = _strata_graph_editor_format_count (n_trainable + n_frozen);
      g_autofree char *trainable = _strata_graph_editor_format_count (n_trainable);
      g_autofree char *frozen = _strata_graph_editor_format_count (n_frozen);
      g_autofree char *subtitle = NULL;

      gtk_label_set_label (self->params_value, total);
      if (n_trainable + n_frozen == 0)
        subtitle = NULL;
      else if (n_frozen == 0)
        subtitle = g_strdup (_("All trainable"));
      else if (n_trainable == 0)
        subtitle = g_strdup (_("All frozen"));
      else
        /* Translators: weight counts, e.g. "1,024 trainable, 128 frozen" */
        subtitle = g_strdup_printf (_("%s trainable, %s frozen"), trainable, frozen);
      adw_action_row_set_subtitle (self->params_row, subtitle ? subtitle : "");
    }
  if (self->trainable_row)
    {
      StrataNode *shown = strata_graph_get_node (self->graph, self->node_id);
      gboolean none_train = shown && strata_node_get_trainable (shown) && n_trainable == 0 &&
                            n_frozen > 0 && self->percent_row != NULL;

      /* the switch on, the share at 0 %: say that nothing trains rather than contradict the
       * counts above */
      adw_action_row_set_subtitle (self->trainable_row,
                                   none_train ? _("On, but its trainable share is zero: every layer stays frozen")
                                              : _("Training updates this layer’s weights"));
    }
  if (self->percent_row)
    {
      g_autofree char *trainable = _strata_graph_editor_format_count (n_trainable);
      g_autofree char *frozen = _strata_graph_editor_format_count (n_frozen);
      /* Translators: under the trainable-percentage slider of a pretrained model */
      g_autofree char *subtitle = g_strdup_printf (_("%s weights train, %s stay frozen"),
                                                   trainable, frozen);
      /* Translators: the trainable share of a pretrained model, e.g. "53 %" */
      g_autofree char *value = g_strdup_printf (_("%d %%"),
                                                strata_node_get_int (node, TRAINABLE_PERCENT));

      adw_action_row_set_subtitle (self->percent_row, subtitle);
      gtk_label_set_label (self->percent_value, value);
    }
}

static void
refresh (StrataGraphInspector *self)
{
  StrataNode *node = get_node (self);

  if (node == NULL || self->name_row == NULL)
    return;

  self->updating = TRUE;
  for (guint i = 0; i < self->param_rows->len; i++)
    refresh_param (g_ptr_array_index (self->param_rows, i), node);
  if (self->trainable_switch)
    gtk_switch_set_active (self->trainable_switch, strata_node_get_trainable (node));
  if (self->inputs_spin)
    gtk_spin_button_set_value (self->inputs_spin, strata_node_get_n_inputs (node));
  refresh_info (self, node);
  self->updating = FALSE;
}

/* Graph signals ------------------------------------------------------------------------------- */

static void
on_node_changed (StrataGraphInspector *self,
                 const char           *id)
{
  if (g_strcmp0 (id, self->node_id) == 0)
    refresh (self);
}

static void
on_graph_changed (StrataGraphInspector *self)
{
  StrataNode *node = get_node (self);

  if (node && self->name_row)
    refresh_info (self, node);
}

static void
on_node_removed (StrataGraphInspector *self,
                 const char           *id)
{
  if (g_strcmp0 (id, self->node_id) == 0)
    strata_graph_inspector_set_node_id (self, NULL);
}

/* GObject ------------------------------------------------------------------------------------- */

static void
strata_graph_inspector_dispose (GObject *object)
{
  StrataGraphInspector *self = (StrataGraphInspector *) object;

  if (self->graph_signals)
    g_signal_group_set_target (self->graph_signals, NULL);
  g_clear_object (&self->graph_signals);
  if (self->groups_box)
    clear_rows (self);
  g_clear_object (&self->graph);
  g_clear_object (&self->undo);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_GRAPH_INSPECTOR);

  G_OBJECT_CLASS (strata_graph_inspector_parent_class)->dispose (object);
}

static void
strata_graph_inspector_finalize (GObject *object)
{
  StrataGraphInspector *self = (StrataGraphInspector *) object;

  g_clear_pointer (&self->node_id, g_free);
  g_clear_pointer (&self->param_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_graph_inspector_parent_class)->finalize (object);
}

static void
strata_graph_inspector_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  StrataGraphInspector *self = STRATA_GRAPH_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_UNDO_MANAGER:
      g_value_set_object (value, self->undo);
      break;
    case PROP_NODE_ID:
      g_value_set_string (value, self->node_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_inspector_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  StrataGraphInspector *self = STRATA_GRAPH_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_UNDO_MANAGER:
      strata_graph_inspector_set_undo_manager (self, g_value_get_object (value));
      break;
    case PROP_NODE_ID:
      strata_graph_inspector_set_node_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_inspector_class_init (StrataGraphInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_graph_inspector_dispose;
  object_class->finalize = strata_graph_inspector_finalize;
  object_class->get_property = strata_graph_inspector_get_property;
  object_class->set_property = strata_graph_inspector_set_property;

  properties[PROP_UNDO_MANAGER] =
    g_param_spec_object ("undo-manager", NULL, NULL, STRATA_TYPE_UNDO_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NODE_ID] =
    g_param_spec_string ("node-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  _strata_graph_editor_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, STRATA_GRAPH_EDITOR_RESOURCE_PATH
                                               "/strata-graph-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGraphInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphInspector, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphInspector, groups_box);

  gtk_widget_class_set_css_name (widget_class, "graphinspector");
}

static void
strata_graph_inspector_init (StrataGraphInspector *self)
{
  self->param_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->graph_signals = g_signal_group_new (STRATA_TYPE_GRAPH);
  g_signal_group_connect_swapped (self->graph_signals, "node-changed",
                                  G_CALLBACK (on_node_changed), self);
  g_signal_group_connect_swapped (self->graph_signals, "node-removed",
                                  G_CALLBACK (on_node_removed), self);
  g_signal_group_connect_swapped (self->graph_signals, "changed",
                                  G_CALLBACK (on_graph_changed), self);
}

GtkWidget *
strata_graph_inspector_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_INSPECTOR, NULL);
}

/**
 * strata_graph_inspector_get_undo_manager:
 *
 * Returns: (transfer none) (nullable): the manager edits go through
 */
StrataUndoManager *
strata_graph_inspector_get_undo_manager (StrataGraphInspector *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_INSPECTOR (self), NULL);
  return self->undo;
}

void
strata_graph_inspector_set_undo_manager (StrataGraphInspector *self,
                                         StrataUndoManager    *undo)
{
  g_return_if_fail (STRATA_IS_GRAPH_INSPECTOR (self));
  g_return_if_fail (!undo || STRATA_IS_UNDO_MANAGER (undo));

  if (self->undo == undo)
    return;
  g_set_object (&self->undo, undo);
  g_clear_object (&self->graph);
  if (undo)
    self->graph = g_object_ref (strata_undo_manager_get_graph (undo));
  g_signal_group_set_target (self->graph_signals, self->graph);
  g_clear_pointer (&self->node_id, g_free);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_MANAGER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE_ID]);
}

/**
 * strata_graph_inspector_get_node_id:
 *
 * Returns: (nullable): the node shown
 */
const char *
strata_graph_inspector_get_node_id (StrataGraphInspector *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_INSPECTOR (self), NULL);
  return self->node_id;
}

/**
 * strata_graph_inspector_set_node_id:
 * @id: (nullable): the node to show, or %NULL for none
 */
void
strata_graph_inspector_set_node_id (StrataGraphInspector *self,
                                    const char           *id)
{
  g_return_if_fail (STRATA_IS_GRAPH_INSPECTOR (self));

  if (g_strcmp0 (self->node_id, id) == 0 && (id == NULL || self->name_row != NULL))
    return;
  g_free (self->node_id);
  self->node_id = g_strdup (id);
  if (self->undo)
    strata_undo_manager_break_merge (self->undo);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE_ID]);
}

/**
 * strata_graph_inspector_set_n_selected:
 *
 * How many nodes are selected, for what to say when it is not exactly one.
 */
void
strata_graph_inspector_set_n_selected (StrataGraphInspector *self,
                                       guint                 n_selected)
{
  g_return_if_fail (STRATA_IS_GRAPH_INSPECTOR (self));

  if (self->n_selected == n_selected)
    return;
  self->n_selected = n_selected;
  if (self->node_id == NULL)
    rebuild (self);
}

/* The widget that edits parameter @name (the first of a pair), or "name" for the name row. */
GtkWidget *
_strata_graph_inspector_get_field (StrataGraphInspector *self,
                                   const char           *name)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_INSPECTOR (self), NULL);

  if (g_str_equal (name, "name"))
    return self->name_row ? GTK_WIDGET (self->name_row) : NULL;
  for (guint i = 0; i < self->param_rows->len; i++)
    {
      ParamRow *param = g_ptr_array_index (self->param_rows, i);
      if (g_str_equal (param->spec->name, name))
        return param->widgets[0];
    }
  return NULL;
}

/**
 * _strata_graph_inspector_dup_shown:
 *
 * What the inspector shows, for the window tests: each choice's label and slider's value
 * by parameter, the trainable share's label, and the rows' subtitles.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
_strata_graph_inspector_dup_shown (StrataGraphInspector *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (STRATA_IS_GRAPH_INSPECTOR (self), NULL);
  json_builder_begin_object (b);
  for (guint i = 0; i < self->param_rows->len; i++)
    {
      ParamRow *param = g_ptr_array_index (self->param_rows, i);
      GtkWidget *field = param->widgets[0];

      if (ADW_IS_COMBO_ROW (field))
        {
          GObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (field));

          json_builder_set_member_name (b, param->spec->name);
          json_builder_add_string_value (b, item ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "");
        }
      else if (GTK_IS_RANGE (field))
        {
          json_builder_set_member_name (b, param->spec->name);
          json_builder_add_double_value (b, gtk_range_get_value (GTK_RANGE (field)));
        }
    }
  if (self->percent_value)
    {
      json_builder_set_member_name (b, "percent_label");
      json_builder_add_string_value (b, gtk_label_get_label (self->percent_value));
      json_builder_set_member_name (b, "percent_subtitle");
      json_builder_add_string_value (b, adw_action_row_get_subtitle (self->percent_row));
    }
  if (self->trainable_row)
    {
      json_builder_set_member_name (b, "trainable");
      json_builder_add_boolean_value (b, gtk_switch_get_active (self->trainable_switch));
      json_builder_set_member_name (b, "trainable_subtitle");
      json_builder_add_string_value (b, adw_action_row_get_subtitle (self->trainable_row));
    }
  if (self->params_row)
    {
      json_builder_set_member_name (b, "weights_subtitle");
      json_builder_add_string_value (b, adw_action_row_get_subtitle (self->params_row));
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
