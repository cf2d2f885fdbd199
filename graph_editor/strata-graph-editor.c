/* strata-graph-editor.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-editor"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>
#include <locale.h>

#include "strata-graph-editor.h"
#include "strata-graph-canvas-private.h"
#include "strata-graph-editor-private.h"
#include "strata-graph-editor-resources.h"
#include "strata-graph-inspector.h"
#include "strata-graph-inspector-private.h"
#include "strata-graph-palette.h"
#include "strata-graph-palette-private.h"

/**
 * StrataGraphEditor:
 *
 * The Model page: the layer palette, the canvas with its toolbar and the inspector of the
 * selected layer. Give it a graph with strata_graph_editor_set_graph(); it edits that graph
 * in place, every edit through its #StrataUndoManager, which the app can drive from its own
 * menu (strata_graph_editor_get_undo_manager()). #StrataGraphEditor:modified says whether
 * the graph changed since the last strata_graph_editor_set_modified (editor, FALSE).
 */

struct _StrataGraphEditor
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwFlap *palette_flap;
  AdwFlap *inspector_flap;
  StrataGraphPalette *palette;
  StrataGraphCanvas *canvas;
  StrataGraphInspector *inspector;
  GtkWidget *pane_toggles;

  /* Owned */
  StrataGraph *graph;
  StrataUndoManager *undo;
};

G_DEFINE_FINAL_TYPE (StrataGraphEditor, strata_graph_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GRAPH,
  PROP_UNDO_MANAGER,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Shared helpers ------------------------------------------------------------------------------ */

void
_strata_graph_editor_ensure_resources (void)
{
  static gsize registered;

  if (g_once_init_enter (&registered))
    {
      strata_graph_editor_register_resource ();
      g_once_init_leave (&registered, 1);
    }
}

/* The editor's style sheet and icons, once per display; the app's own style.css, loaded by
 * AdwApplication at the same priority but later, can still override it. */
void
_strata_graph_editor_ensure_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "strata-graph-editor-style"))
    return;
  _strata_graph_editor_ensure_resources ();
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, STRATA_GRAPH_EDITOR_RESOURCE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (display),
                                    STRATA_GRAPH_EDITOR_RESOURCE_PATH "/icons");
  g_object_set_data_full (G_OBJECT (display), "strata-graph-editor-style",
                          g_steal_pointer (&provider), g_object_unref);
}

/* 1179776 → "1,179,776", with the locale's separator when it has one. */
char *
_strata_graph_editor_format_count (gint64 count)
{
  const char *sep = localeconv ()->thousands_sep;
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, ABS (count));
  GString *out = g_string_new (count < 0 ? "-" : "");
  gsize n = strlen (digits);

  if (sep == NULL || *sep == '\0')
    sep = ",";
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/* Short, for a node card: "320 params", "18.5K params", "1.18M params". */
char *
_strata_graph_editor_format_params (gint64 count)
{
  g_autofree char *number = NULL;

  if (count < 10000)
    number = _strata_graph_editor_format_count (count);
  else if (count < 1000000)
    number = g_strdup_printf ("%.1fK", count / 1e3);
  else if (count < 1000000000)
    number = g_strdup_printf ("%.2fM", count / 1e6);
  else
    number = g_strdup_printf ("%.2fB", count / 1e9);
  /* Translators: a layer's number of weights, e.g. "1.18M params" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s param", "%s params",
                                       (gulong) MIN (count, 1000000)), number);
}

gboolean
_strata_graph_editor_lookup_color (GtkWidget  *widget,
                                   const char *name,
                                   GdkRGBA    *color)
{
  return gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color);
}

static void
on_op_drag_begin (GtkDragSource *source,
                  GdkDrag       *drag,
                  GtkWidget     *row)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, gtk_widget_get_width (row) / 2,
                            gtk_widget_get_height (row) / 2);
}

/**
 * _strata_graph_editor_op_row_new:
 * @draggable: whether dragging the row carries its op type (a string) to a drop target
 *
 * Returns: (transfer floating): a list row naming @op, with its category's colour
 */
GtkWidget *
_strata_graph_editor_op_row_new (const StrataOpInfo *op,
                                 gboolean            draggable)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (_(op->label));
  g_autofree char *category_class = g_strdup_printf ("category-%s", op->category);

  gtk_widget_add_css_class (dot, "category-dot");
  gtk_widget_add_css_class (dot, category_class);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_add_css_class (row, "op-row");
  gtk_widget_set_tooltip_text (row, _(op->description));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(op->label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(op->description),
                                  -1);
  g_object_set_data (G_OBJECT (row), "strata-op", (gpointer) op);

  if (draggable)
    {
      GtkDragSource *source = gtk_drag_source_new ();
      g_autoptr(GdkContentProvider) content = gdk_content_provider_new_typed (G_TYPE_STRING,
                                                                              op->type);

      gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
      gtk_drag_source_set_content (source, content);
      g_signal_connect (source, "drag-begin", G_CALLBACK (on_op_drag_begin), row);
      gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
    }
  return row;
}

const StrataOpInfo *
_strata_graph_editor_op_row_get_op (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "strata-op");
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle)
{
  g_autofree char *a = g_utf8_casefold (haystack, -1);
  g_autofree char *b = g_utf8_casefold (needle, -1);

  return strstr (a, b) != NULL;
}

/* Anywhere in the label, the Keras type or the category: "pool" finds MaxPooling2D. */
gboolean
_strata_graph_editor_op_matches (const StrataOpInfo *op,
                                 const char         *text)
{
  g_autofree char *needle = g_strstrip (g_strdup (text ? text : ""));

  if (*needle == '\0')
    return TRUE;
  return contains_casefold (_(op->label), needle) || contains_casefold (op->type, needle) ||
         contains_casefold (strata_op_category_label (op->category), needle);
}

void
_strata_graph_editor_op_row_header (GtkListBoxRow *row,
                                    GtkListBoxRow *before,
                                    gpointer       user_data)
{
  const StrataOpInfo *op = _strata_graph_editor_op_row_get_op (row);
  const StrataOpInfo *previous = before ? _strata_graph_editor_op_row_get_op (before) : NULL;
  GtkWidget *header;

  if (previous && g_str_equal (previous->category, op->category))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (strata_op_category_label (op->category));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "category-heading");
  gtk_list_box_row_set_header (row, header);
}

/* The editor ---------------------------------------------------------------------------------- */

static void
on_palette_activate_op (StrataGraphEditor *self,
                        const char        *type)
{
  strata_graph_canvas_add_node_at_center (self->canvas, type);
}

static void
on_selection_changed (StrataGraphEditor *self)
{
  g_auto(GStrv) ids = strata_graph_canvas_dup_selection (self->canvas);
  guint n = g_strv_length (ids);

  strata_graph_inspector_set_n_selected (self->inspector, n);
  strata_graph_inspector_set_node_id (self->inspector, n == 1 ? ids[0] : NULL);
}

/* Double click or Enter on a node: make sure its settings are on screen. */
static void
on_node_activated (StrataGraphEditor *self,
                   const char        *id)
{
  if (adw_flap_get_folded (self->inspector_flap))
    adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
}

static void
on_folded_changed (StrataGraphEditor *self)
{
  gboolean any = adw_flap_get_folded (self->palette_flap) ||
                 adw_flap_get_folded (self->inspector_flap);

  gtk_widget_set_visible (self->pane_toggles, any);
}

static void
on_modified_changed (StrataGraphEditor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
action_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StrataGraphEditor *self = STRATA_GRAPH_EDITOR (widget);

  if (self->undo == NULL)
    return;
  if (g_str_equal (action_name, "editor.undo"))
    strata_undo_manager_undo (self->undo);
  else
    strata_undo_manager_redo (self->undo);
}

static void
action_search_layers (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  StrataGraphEditor *self = STRATA_GRAPH_EDITOR (widget);
  GtkWidget *entry = gtk_widget_get_first_child (GTK_WIDGET (self->palette));

  if (adw_flap_get_folded (self->palette_flap))
    adw_flap_set_reveal_flap (self->palette_flap, TRUE);
  if (entry)
    gtk_widget_grab_focus (entry);
}

/* Focusing the editor focuses the canvas, where the keyboard shortcuts are. */
static gboolean
strata_graph_editor_grab_focus (GtkWidget *widget)
{
  StrataGraphEditor *self = STRATA_GRAPH_EDITOR (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
strata_graph_editor_dispose (GObject *object)
{
  StrataGraphEditor *self = (StrataGraphEditor *) object;

  if (self->undo)
    g_signal_handlers_disconnect_by_data (self->undo, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_GRAPH_EDITOR);
  g_clear_object (&self->undo);
  g_clear_object (&self->graph);

  G_OBJECT_CLASS (strata_graph_editor_parent_class)->dispose (object);
}

static void
strata_graph_editor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataGraphEditor *self = STRATA_GRAPH_EDITOR (object);

  switch (prop_id)
    {
    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;
    case PROP_UNDO_MANAGER:
      g_value_set_object (value, self->undo);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, strata_graph_editor_get_modified (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_editor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StrataGraphEditor *self = STRATA_GRAPH_EDITOR (object);

  switch (prop_id)
    {
    case PROP_GRAPH:
      strata_graph_editor_set_graph (self, g_value_get_object (value));
      break;
    case PROP_MODIFIED:
      strata_graph_editor_set_modified (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_editor_class_init (StrataGraphEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_graph_editor_dispose;
  object_class->get_property = strata_graph_editor_get_property;
  object_class->set_property = strata_graph_editor_set_property;
  widget_class->grab_focus = strata_graph_editor_grab_focus;

  /**
   * StrataGraphEditor:graph:
   *
   * The graph being edited, in place.
   */
  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL, STRATA_TYPE_GRAPH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * StrataGraphEditor:undo-manager:
   *
   * The history of edits to #StrataGraphEditor:graph; a new one with each graph.
   */
  properties[PROP_UNDO_MANAGER] =
    g_param_spec_object ("undo-manager", NULL, NULL, STRATA_TYPE_UNDO_MANAGER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * StrataGraphEditor:modified:
   *
   * Whether the graph changed since it was set or last marked saved.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ADW_TYPE_FLAP);
  g_type_ensure (STRATA_TYPE_GRAPH_PALETTE);
  g_type_ensure (STRATA_TYPE_GRAPH_CANVAS);
  g_type_ensure (STRATA_TYPE_GRAPH_INSPECTOR);
  _strata_graph_editor_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, STRATA_GRAPH_EDITOR_RESOURCE_PATH
                                               "/strata-graph-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGraphEditor, palette_flap);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphEditor, inspector_flap);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphEditor, palette);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphEditor, canvas);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphEditor, inspector);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphEditor, pane_toggles);
  gtk_widget_class_bind_template_callback (widget_class, on_palette_activate_op);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_node_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);

  /* Undo from the palette or inspector too (text fields keep their own Ctrl+Z). */
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "editor.search-layers", NULL,
                                   action_search_layers);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "editor.search-layers", NULL);

  gtk_widget_class_set_css_name (widget_class, "grapheditor");
}

static void
strata_graph_editor_init (StrataGraphEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _strata_graph_editor_ensure_style (GTK_WIDGET (self));
}

GtkWidget *
strata_graph_editor_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_EDITOR, NULL);
}

/**
 * strata_graph_editor_get_graph:
 *
 * Returns: (transfer none) (nullable): the graph being edited
 */
StrataGraph *
strata_graph_editor_get_graph (StrataGraphEditor *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_EDITOR (self), NULL);
  return self->graph;
}

/**
 * strata_graph_editor_set_graph:
 * @graph: (nullable): the graph to edit in place
 *
 * Starts a new history, with the graph as it is counting as unmodified. A graph whose
 * nodes were never placed is laid out when first shown.
 */
void
strata_graph_editor_set_graph (StrataGraphEditor *self,
                               StrataGraph       *graph)
{
  gboolean was_modified;

  g_return_if_fail (STRATA_IS_GRAPH_EDITOR (self));
  g_return_if_fail (!graph || STRATA_IS_GRAPH (graph));

  if (self->graph == graph)
    return;
  was_modified = strata_graph_editor_get_modified (self);
  if (self->undo)
    g_signal_handlers_disconnect_by_data (self->undo, self);
  g_set_object (&self->graph, graph);
  g_clear_object (&self->undo);
  if (graph)
    {
      self->undo = strata_undo_manager_new (graph);
      g_signal_connect_swapped (self->undo, "notify::modified",
                                G_CALLBACK (on_modified_changed), self);
    }
  strata_graph_canvas_set_undo_manager (self->canvas, self->undo);
  strata_graph_inspector_set_undo_manager (self->inspector, self->undo);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_MANAGER]);
  if (was_modified)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

/**
 * strata_graph_editor_get_undo_manager:
 *
 * For the app's Undo and Redo menu items: its #StrataUndoManager:can-undo and
 * #StrataUndoManager:undo-label say what to show.
 *
 * Returns: (transfer none) (nullable): the history of the current graph
 */
StrataUndoManager *
strata_graph_editor_get_undo_manager (StrataGraphEditor *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_EDITOR (self), NULL);
  return self->undo;
}

gboolean
strata_graph_editor_get_modified (StrataGraphEditor *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_EDITOR (self), FALSE);
  return self->undo != NULL && strata_undo_manager_get_modified (self->undo);
}

/**
 * strata_graph_editor_set_modified:
 * @modified: %FALSE once the graph is saved
 */
void
strata_graph_editor_set_modified (StrataGraphEditor *self,
                                  gboolean           modified)
{
  g_return_if_fail (STRATA_IS_GRAPH_EDITOR (self));

  if (self->undo)
    strata_undo_manager_set_modified (self->undo, modified);
}

/**
 * strata_graph_editor_get_canvas:
 *
 * Returns: (transfer none): the canvas, e.g. to fit the view after loading
 */
StrataGraphCanvas *
strata_graph_editor_get_canvas (StrataGraphEditor *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_EDITOR (self), NULL);
  return self->canvas;
}

/* Test hooks ---------------------------------------------------------------------------------- */

static gboolean
window_point (GtkWidget   *widget,
              double       x,
              double       y,
              StrataPoint *out)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t p;
  double sx, sy;

  if (native == NULL ||
      !gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &p))
    return FALSE;
  gtk_native_get_surface_transform (native, &sx, &sy);
  *out = (StrataPoint) { p.x + sx, p.y + sy };
  return TRUE;
}

static void
add_point (JsonBuilder *b,
           StrataPoint  p)
{
  json_builder_begin_array (b);
  json_builder_add_double_value (b, p.x);
  json_builder_add_double_value (b, p.y);
  json_builder_end_array (b);
}

static void
add_canvas_point (JsonBuilder       *b,
                  StrataGraphCanvas *canvas,
                  StrataPoint        canvas_point)
{
  StrataPoint view = _strata_graph_canvas_to_view (canvas, canvas_point);
  StrataPoint p = { 0, 0 };

  window_point (GTK_WIDGET (canvas), view.x, view.y, &p);
  add_point (b, p);
}

/**
 * _strata_graph_editor_dup_test_layout:
 *
 * Where things are on screen, in the toplevel surface's coordinates, for tests that drive
 * the editor with a real pointer: palette rows, node centres and ports, the canvas.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
_strata_graph_editor_dup_test_layout (StrataGraphEditor *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  StrataGraphGeometry *geometry = _strata_graph_canvas_get_geometry (self->canvas);
  guint n_ops;
  const StrataOpInfo *const *ops = strata_op_list (&n_ops);
  g_auto(GStrv) selection = strata_graph_canvas_dup_selection (self->canvas);
  StrataPoint origin = { 0, 0 };

  json_builder_begin_object (b);

  json_builder_set_member_name (b, "palette");
  json_builder_begin_object (b);
  for (guint i = 0; i < n_ops; i++)
    {
      GtkWidget *row = _strata_graph_palette_get_row (self->palette, ops[i]->type);
      StrataPoint p;

      if (row && gtk_widget_get_mapped (row) &&
          window_point (row, gtk_widget_get_width (row) / 2.0, gtk_widget_get_height (row) / 2.0,
                        &p))
        {
          json_builder_set_member_name (b, ops[i]->type);
          add_point (b, p);
        }
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "canvas");
  window_point (GTK_WIDGET (self->canvas), 0, 0, &origin);
  json_builder_begin_array (b);
  json_builder_add_double_value (b, origin.x);
  json_builder_add_double_value (b, origin.y);
  json_builder_add_double_value (b, gtk_widget_get_width (GTK_WIDGET (self->canvas)));
  json_builder_add_double_value (b, gtk_widget_get_height (GTK_WIDGET (self->canvas)));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "zoom");
  json_builder_add_double_value (b, strata_graph_canvas_get_zoom (self->canvas));

  /* the toolbar's buttons by their action ("undo", "fit"), the minimap, the notice, and how
   * small the node text is drawn */
  json_builder_set_member_name (b, "toolbar");
  json_builder_begin_object (b);
  for (GtkWidget *child = gtk_widget_get_first_child (_strata_graph_canvas_get_toolbar (self->canvas));
       child; child = gtk_widget_get_next_sibling (child))
    {
      const char *action = GTK_IS_ACTIONABLE (child)
                           ? gtk_actionable_get_action_name (GTK_ACTIONABLE (child)) : NULL;
      StrataPoint p;

      if (action && g_str_has_prefix (action, "canvas.") && gtk_widget_get_mapped (child) &&
          window_point (child, gtk_widget_get_width (child) / 2.0,
                        gtk_widget_get_height (child) / 2.0, &p))
        {
          json_builder_set_member_name (b, action + strlen ("canvas."));
          json_builder_begin_array (b);
          json_builder_add_double_value (b, p.x);
          json_builder_add_double_value (b, p.y);
          json_builder_add_double_value (b, gtk_widget_get_width (child));
          json_builder_add_double_value (b, gtk_widget_get_height (child));
          json_builder_add_boolean_value (b, gtk_widget_get_sensitive (child));
          json_builder_end_array (b);
        }
    }
  json_builder_end_object (b);
  {
    GtkWidget *minimap = _strata_graph_canvas_get_minimap (self->canvas);
    const char *notice = _strata_graph_canvas_get_notice (self->canvas);
    double text_px = 0;
    gboolean compact = _strata_graph_canvas_get_compact (self->canvas, &text_px);
    StrataPoint p;

    /* shown (and clickable) only while part of the graph is out of view */
    if (gtk_widget_get_mapped (minimap) && gtk_widget_get_can_target (minimap) &&
        window_point (minimap, gtk_widget_get_width (minimap) / 2.0,
                      gtk_widget_get_height (minimap) / 2.0, &p))
      {
        json_builder_set_member_name (b, "minimap");
        add_point (b, p);
      }
    json_builder_set_member_name (b, "notice");
    if (notice)
      json_builder_add_string_value (b, notice);
    else
      json_builder_add_null_value (b);
    json_builder_set_member_name (b, "compact");
    json_builder_add_boolean_value (b, compact);
    json_builder_set_member_name (b, "text_px");
    json_builder_add_double_value (b, text_px);
  }

  json_builder_set_member_name (b, "nodes");
  json_builder_begin_object (b);
  for (guint i = 0; i < strata_graph_geometry_get_n_nodes (geometry); i++)
    {
      const char *id = strata_graph_geometry_get_nth_id (geometry, i);
      StrataNode *node = self->graph ? strata_graph_get_node (self->graph, id) : NULL;
      StrataRect rect;
      StrataPoint port;

      if (node == NULL || !strata_graph_geometry_get_rect (geometry, id, &rect))
        continue;
      json_builder_set_member_name (b, id);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "center");
      add_canvas_point (b, self->canvas,
                        (StrataPoint) { rect.x + rect.width / 2, rect.y + rect.height / 2 });
      /* the card's corners on the screen */
      json_builder_set_member_name (b, "top_left");
      add_canvas_point (b, self->canvas, (StrataPoint) { rect.x, rect.y });
      json_builder_set_member_name (b, "bottom_right");
      add_canvas_point (b, self->canvas,
                        (StrataPoint) { rect.x + rect.width, rect.y + rect.height });
      json_builder_set_member_name (b, "inputs");
      json_builder_begin_array (b);
      for (guint k = 0; k < strata_node_get_n_inputs (node); k++)
        if (strata_graph_geometry_get_port (geometry, id, STRATA_PORT_INPUT, k, &port))
          add_canvas_point (b, self->canvas, port);
      json_builder_end_array (b);
      if (strata_graph_geometry_get_port (geometry, id, STRATA_PORT_OUTPUT, 0, &port))
        {
          json_builder_set_member_name (b, "output");
          add_canvas_point (b, self->canvas, port);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  /* The inspector's fields for the shown node, by parameter name. */
  json_builder_set_member_name (b, "inspector");
  json_builder_begin_object (b);
  {
    const char *node_id = strata_graph_inspector_get_node_id (self->inspector);
    StrataNode *node = node_id && self->graph ? strata_graph_get_node (self->graph, node_id) : NULL;
    const StrataOpInfo *op = node ? strata_node_get_op (node) : NULL;

    for (guint i = 0; op && i <= op->n_params; i++)
      {
        const char *name = i < op->n_params ? op->params[i].name : "name";
        GtkWidget *field = _strata_graph_inspector_get_field (self->inspector, name);
        StrataPoint p;

        if (field && gtk_widget_get_mapped (field) &&
            window_point (field, gtk_widget_get_width (field) / 4.0,
                          gtk_widget_get_height (field) / 2.0, &p))
          {
            json_builder_set_member_name (b, name);
            add_point (b, p);
          }
      }
  }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "inspector_shows");
  json_builder_add_value (b, _strata_graph_inspector_dup_shown (self->inspector));

  json_builder_set_member_name (b, "selection");
  json_builder_begin_array (b);
  for (guint i = 0; selection[i]; i++)
    json_builder_add_string_value (b, selection[i]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "modified");
  json_builder_add_boolean_value (b, strata_graph_editor_get_modified (self));

  if (self->graph)
    {
      json_builder_set_member_name (b, "graph");
      json_builder_add_value (b, strata_graph_to_json (self->graph));
    }

  json_builder_end_object (b);
  return json_builder_get_root (b);
}
