/* strata-graph-node.h: one layer on the canvas
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-graph.h"
#include "strata-graph-port.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_NODE (strata_graph_node_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphNode, strata_graph_node, STRATA, GRAPH_NODE, GtkWidget)

GtkWidget  *strata_graph_node_new               (const char          *id);
const char *strata_graph_node_get_id            (StrataGraphNode     *self);
GtkWidget  *strata_graph_node_get_title_widget  (StrataGraphNode     *self);
void        strata_graph_node_update            (StrataGraphNode     *self,
                                                 StrataGraph         *graph);
gboolean    strata_graph_node_get_selected      (StrataGraphNode     *self);
void        strata_graph_node_set_selected      (StrataGraphNode     *self,
                                                 gboolean             selected);
void        strata_graph_node_set_port_state    (StrataGraphNode     *self,
                                                 StrataPortDirection  direction,
                                                 guint                index,
                                                 StrataPortState      state);
void        strata_graph_node_reset_port_states (StrataGraphNode     *self);

G_END_DECLS
