/* strata-graph-node.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-node"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-graph-node.h"
#include "strata-graph-editor-private.h"

/*
 * A node is a card: its name, its layer type, the shape it outputs and how many weights it
 * has, with a warning badge, a red border and the engine's message as tooltip when the
 * layer does not fit. The ports are child widgets placed on the card's border, half outside
 * it; the canvas decides where the card goes and hit-tests ports itself.
 */

struct _StrataGraphNode
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *content;
  GtkWidget *category_bar;
  GtkLabel *title_label;
  GtkLabel *type_label;
  GtkWidget *frozen_badge;
  GtkWidget *error_badge;
  GtkLabel *shape_label;
  GtkLabel *params_label;

  /* Owned */
  char *id;
  char *category_class;
  GPtrArray *ports;          /* StrataGraphPort*, inputs first then the output; children */
  guint n_inputs;
  gboolean has_output;
  gboolean selected;
};

G_DEFINE_FINAL_TYPE (StrataGraphNode, strata_graph_node, GTK_TYPE_WIDGET)

static void
strata_graph_node_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  StrataGraphNode *self = STRATA_GRAPH_NODE (widget);

  gtk_widget_measure (self->content, orientation, for_size, minimum, natural, NULL, NULL);
}

static void
strata_graph_node_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  StrataGraphNode *self = STRATA_GRAPH_NODE (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  GtkBorder border, padding;
  StrataRect outer;

  gtk_widget_allocate (self->content, width, height, baseline, NULL);

  /* Our coordinates start inside border and padding; the ports sit on the outer edge. */
  gtk_style_context_get_border (style, &border);
  gtk_style_context_get_padding (style, &padding);
  outer = (StrataRect) { -border.left - padding.left, -border.top - padding.top,
                         width + border.left + border.right + padding.left + padding.right,
                         height + border.top + border.bottom + padding.top + padding.bottom };

  for (guint i = 0; i < self->ports->len; i++)
    {
      StrataGraphPort *port = g_ptr_array_index (self->ports, i);
      StrataPoint center = strata_node_port_position (&outer,
                                                      strata_graph_port_get_direction (port),
                                                      strata_graph_port_get_index (port),
                                                      self->n_inputs);
      int w, h;

      gtk_widget_measure (GTK_WIDGET (port), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (port), GTK_ORIENTATION_VERTICAL, -1, NULL, &h, NULL, NULL);
      gtk_widget_allocate (GTK_WIDGET (port), w, h, -1,
                           gsk_transform_translate (NULL,
                                                    &GRAPHENE_POINT_INIT (center.x - w / 2.0,
                                                                          center.y - h / 2.0)));
    }
}

static void
strata_graph_node_dispose (GObject *object)
{
  StrataGraphNode *self = (StrataGraphNode *) object;

  if (self->ports)
    {
      for (guint i = 0; i < self->ports->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->ports, i));
      g_ptr_array_set_size (self->ports, 0);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_GRAPH_NODE);

  G_OBJECT_CLASS (strata_graph_node_parent_class)->dispose (object);
}

static void
strata_graph_node_finalize (GObject *object)
{
  StrataGraphNode *self = (StrataGraphNode *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->category_class, g_free);
  g_clear_pointer (&self->ports, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_graph_node_parent_class)->finalize (object);
}

static void
strata_graph_node_class_init (StrataGraphNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_graph_node_dispose;
  object_class->finalize = strata_graph_node_finalize;
  widget_class->measure = strata_graph_node_measure;
  widget_class->size_allocate = strata_graph_node_size_allocate;

  _strata_graph_editor_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, STRATA_GRAPH_EDITOR_RESOURCE_PATH
                                               "/strata-graph-node.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, content);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, category_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, title_label);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, type_label);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, frozen_badge);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, error_badge);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, shape_label);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphNode, params_label);

  gtk_widget_class_set_css_name (widget_class, "graphnode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
strata_graph_node_init (StrataGraphNode *self)
{
  self->ports = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * strata_graph_node_new:
 * @id: the node in the graph it shows
 *
 * Returns: (transfer floating): the card; call strata_graph_node_update() to fill it
 */
GtkWidget *
strata_graph_node_new (const char *id)
{
  StrataGraphNode *self = g_object_new (STRATA_TYPE_GRAPH_NODE, NULL);

  self->id = g_strdup (id);
  return GTK_WIDGET (self);
}

/**
 * strata_graph_node_get_title_widget:
 *
 * Returns: (transfer none): the label with the node's name, where the canvas draws the
 *   name itself when the node is too small for its own labels
 */
GtkWidget *
strata_graph_node_get_title_widget (StrataGraphNode *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_NODE (self), NULL);
  return GTK_WIDGET (self->title_label);
}

const char *
strata_graph_node_get_id (StrataGraphNode *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_NODE (self), NULL);
  return self->id;
}

static void
ensure_ports (StrataGraphNode *self,
              guint            n_inputs,
              gboolean         has_output)
{
  if (self->ports->len > 0 && self->n_inputs == n_inputs && self->has_output == has_output)
    return;

  for (guint i = 0; i < self->ports->len; i++)
    gtk_widget_unparent (g_ptr_array_index (self->ports, i));
  g_ptr_array_set_size (self->ports, 0);

  self->n_inputs = n_inputs;
  self->has_output = has_output;
  for (guint i = 0; i < n_inputs; i++)
    g_ptr_array_add (self->ports, strata_graph_port_new (STRATA_PORT_INPUT, i));
  if (has_output)
    g_ptr_array_add (self->ports, strata_graph_port_new (STRATA_PORT_OUTPUT, 0));
  for (guint i = 0; i < self->ports->len; i++)
    gtk_widget_set_parent (g_ptr_array_index (self->ports, i), GTK_WIDGET (self));
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static StrataGraphPort *
find_port (StrataGraphNode     *self,
           StrataPortDirection  direction,
           guint                index)
{
  if (direction == STRATA_PORT_OUTPUT)
    return self->has_output ? g_ptr_array_index (self->ports, self->n_inputs) : NULL;
  return index < self->n_inputs ? g_ptr_array_index (self->ports, index) : NULL;
}

/* What the node gets in: for layers that output nothing (the Output), their input's shape. */
static gboolean
get_shown_shape (StrataGraph *graph,
                 StrataNode  *node,
                 StrataShape *shape)
{
  const char *id = strata_node_get_id (node);

  if (strata_node_get_op (node)->has_output)
    return strata_graph_get_output_shape (graph, id, shape);
  if (strata_node_get_n_inputs (node) == 0)
    return FALSE;
  return strata_graph_get_output_shape (graph, strata_graph_get_input (graph, id, 0), shape);
}

/* The card has room for "26×26×32"; the links carry the full Keras "(None, 26, 26, 32)". */
static char *
format_shape_compact (const StrataShape *shape)
{
  GString *out = g_string_new (NULL);

  for (int i = 0; i < shape->rank; i++)
    g_string_append_printf (out, i ? "×%d" : "%d", shape->dims[i]);
  return g_string_free (out, FALSE);
}

/**
 * strata_graph_node_update:
 *
 * Shows the node's current state: after any edit, shapes and errors can change downstream.
 */
void
strata_graph_node_update (StrataGraphNode *self,
                          StrataGraph     *graph)
{
  StrataNode *node;
  const StrataOpInfo *op;
  const char *error;
  g_autofree char *category_class = NULL;
  g_autofree char *shape_text = NULL;
  g_autofree char *params_text = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GPtrArray) consumers = NULL;
  gint64 n_trainable = 0, n_frozen = 0;
  StrataShape shape;

  g_return_if_fail (STRATA_IS_GRAPH_NODE (self));

  node = strata_graph_get_node (graph, self->id);
  if (node == NULL)
    return;
  op = strata_node_get_op (node);
  error = strata_graph_get_node_error (graph, self->id);

  gtk_label_set_label (self->title_label, self->id);
  gtk_label_set_label (self->type_label, _(op->label));

  category_class = g_strdup_printf ("category-%s", op->category);
  if (g_strcmp0 (category_class, self->category_class) != 0)
    {
      if (self->category_class)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->category_class);
      gtk_widget_add_css_class (GTK_WIDGET (self), category_class);
      g_free (self->category_class);
      self->category_class = g_steal_pointer (&category_class);
    }

  if (get_shown_shape (graph, node, &shape))
    {
      g_autofree char *compact = format_shape_compact (&shape);
      shape_text = strata_shape_to_string (&shape);
      gtk_label_set_label (self->shape_label, compact);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->shape_label), shape_text);
    }
  else
    gtk_label_set_label (self->shape_label, "—");

  strata_graph_get_param_counts (graph, self->id, &n_trainable, &n_frozen);
  if (n_trainable + n_frozen > 0)
    params_text = _strata_graph_editor_format_params (n_trainable + n_frozen);
  gtk_label_set_label (self->params_label, params_text ? params_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->params_label), params_text != NULL);
  gtk_widget_set_visible (self->frozen_badge,
                          op->count_params != NULL && !strata_node_get_trainable (node));

  gtk_widget_set_visible (self->error_badge, error != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), error);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self), "invalid");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "invalid");

  ensure_ports (self, strata_node_get_n_inputs (node), op->has_output);
  for (guint i = 0; i < self->n_inputs; i++)
    strata_graph_port_set_connected (find_port (self, STRATA_PORT_INPUT, i),
                                     strata_graph_get_input (graph, self->id, i) != NULL);
  if (self->has_output)
    {
      consumers = strata_graph_dup_consumers (graph, self->id);
      strata_graph_port_set_connected (find_port (self, STRATA_PORT_OUTPUT, 0),
                                       consumers->len > 0);
    }

  /* Translators: what a screen reader says for a node: name, layer type, output shape */
  accessible = g_strdup_printf (_("%s, %s layer, output %s"), self->id, _(op->label),
                                shape_text ? shape_text : _("unknown"));
  if (params_text)
    {
      char *with_params = g_strdup_printf ("%s, %s", accessible, params_text);
      g_free (accessible);
      accessible = with_params;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  error ? error : _(op->description),
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               error ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

gboolean
strata_graph_node_get_selected (StrataGraphNode *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_NODE (self), FALSE);
  return self->selected;
}

void
strata_graph_node_set_selected (StrataGraphNode *self,
                                gboolean         selected)
{
  g_return_if_fail (STRATA_IS_GRAPH_NODE (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

void
strata_graph_node_set_port_state (StrataGraphNode     *self,
                                  StrataPortDirection  direction,
                                  guint                index,
                                  StrataPortState      state)
{
  StrataGraphPort *port;

  g_return_if_fail (STRATA_IS_GRAPH_NODE (self));

  port = find_port (self, direction, index);
  if (port)
    strata_graph_port_set_state (port, state);
}

void
strata_graph_node_reset_port_states (StrataGraphNode *self)
{
  g_return_if_fail (STRATA_IS_GRAPH_NODE (self));

  for (guint i = 0; i < self->ports->len; i++)
    strata_graph_port_set_state (g_ptr_array_index (self->ports, i), STRATA_PORT_STATE_IDLE);
}
