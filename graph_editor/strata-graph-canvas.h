/* strata-graph-canvas.h: the node-graph view: nodes, ports, links, zoom and pan
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-undo-manager.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_CANVAS (strata_graph_canvas_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphCanvas, strata_graph_canvas, STRATA, GRAPH_CANVAS, GtkWidget)

GtkWidget         *strata_graph_canvas_new                (void);
StrataUndoManager *strata_graph_canvas_get_undo_manager   (StrataGraphCanvas *self);
void               strata_graph_canvas_set_undo_manager   (StrataGraphCanvas *self,
                                                           StrataUndoManager *undo);
StrataGraph       *strata_graph_canvas_get_graph          (StrataGraphCanvas *self);

/* Selection */
GStrv              strata_graph_canvas_dup_selection      (StrataGraphCanvas *self);
guint              strata_graph_canvas_get_n_selected     (StrataGraphCanvas *self);
void               strata_graph_canvas_select             (StrataGraphCanvas *self,
                                                           const char *const *ids);

/* View */
double             strata_graph_canvas_get_zoom           (StrataGraphCanvas *self);
void               strata_graph_canvas_set_zoom           (StrataGraphCanvas *self,
                                                           double             zoom);
void               strata_graph_canvas_fit                (StrataGraphCanvas *self);
void               strata_graph_canvas_arrange            (StrataGraphCanvas *self);

/* Editing */
const char        *strata_graph_canvas_add_node_at_center (StrataGraphCanvas *self,
                                                           const char        *type);

G_END_DECLS
