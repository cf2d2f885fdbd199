/* strata-graph-port.h: an input or output dot on a node
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-graph-geometry.h"

G_BEGIN_DECLS

/**
 * StrataPortState:
 * @STRATA_PORT_STATE_IDLE: nothing going on
 * @STRATA_PORT_STATE_TARGET: a link being dragged may end here
 * @STRATA_PORT_STATE_REJECTED: a link being dragged may not end here
 * @STRATA_PORT_STATE_HOVER: the dragged link would end here if released now
 */
typedef enum
{
  STRATA_PORT_STATE_IDLE,
  STRATA_PORT_STATE_TARGET,
  STRATA_PORT_STATE_REJECTED,
  STRATA_PORT_STATE_HOVER,
} StrataPortState;

#define STRATA_TYPE_GRAPH_PORT (strata_graph_port_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphPort, strata_graph_port, STRATA, GRAPH_PORT, GtkWidget)

GtkWidget           *strata_graph_port_new           (StrataPortDirection  direction,
                                                      guint                index);
StrataPortDirection  strata_graph_port_get_direction (StrataGraphPort     *self);
guint                strata_graph_port_get_index     (StrataGraphPort     *self);
void                 strata_graph_port_set_state     (StrataGraphPort     *self,
                                                      StrataPortState      state);
void                 strata_graph_port_set_connected (StrataGraphPort     *self,
                                                      gboolean             connected);

G_END_DECLS
