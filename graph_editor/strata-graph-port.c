/* strata-graph-port.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-port"

#include "config.h"

#include "strata-graph-port.h"

/*
 * A port is only drawn: it takes no events (the canvas hit-tests ports geometrically, so
 * a port stays grabbable at any zoom), and its look comes from style.css through the
 * classes set here.
 */

struct _StrataGraphPort
{
  GtkWidget parent_instance;

  StrataPortDirection direction;
  guint index;
  StrataPortState state;
};

G_DEFINE_FINAL_TYPE (StrataGraphPort, strata_graph_port, GTK_TYPE_WIDGET)

static const char *const state_classes[] = {
  [STRATA_PORT_STATE_IDLE] = NULL,
  [STRATA_PORT_STATE_TARGET] = "target",
  [STRATA_PORT_STATE_REJECTED] = "rejected",
  [STRATA_PORT_STATE_HOVER] = "hover",
};

static void
strata_graph_port_class_init (StrataGraphPortClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_css_name (widget_class, "port");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
strata_graph_port_init (StrataGraphPort *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}

GtkWidget *
strata_graph_port_new (StrataPortDirection direction,
                       guint               index)
{
  StrataGraphPort *self = g_object_new (STRATA_TYPE_GRAPH_PORT, NULL);

  self->direction = direction;
  self->index = index;
  gtk_widget_add_css_class (GTK_WIDGET (self),
                            direction == STRATA_PORT_INPUT ? "input" : "output");
  return GTK_WIDGET (self);
}

StrataPortDirection
strata_graph_port_get_direction (StrataGraphPort *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_PORT (self), STRATA_PORT_INPUT);
  return self->direction;
}

guint
strata_graph_port_get_index (StrataGraphPort *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_PORT (self), 0);
  return self->index;
}

void
strata_graph_port_set_state (StrataGraphPort *self,
                             StrataPortState  state)
{
  g_return_if_fail (STRATA_IS_GRAPH_PORT (self));

  if (self->state == state)
    return;
  if (state_classes[self->state])
    gtk_widget_remove_css_class (GTK_WIDGET (self), state_classes[self->state]);
  self->state = state;
  if (state_classes[state])
    gtk_widget_add_css_class (GTK_WIDGET (self), state_classes[state]);
}

void
strata_graph_port_set_connected (StrataGraphPort *self,
                                 gboolean         connected)
{
  g_return_if_fail (STRATA_IS_GRAPH_PORT (self));

  if (connected)
    gtk_widget_add_css_class (GTK_WIDGET (self), "connected");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "connected");
}
