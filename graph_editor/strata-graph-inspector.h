/* strata-graph-inspector.h: the selected layer's name, parameters and problems
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-undo-manager.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_INSPECTOR (strata_graph_inspector_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphInspector, strata_graph_inspector, STRATA, GRAPH_INSPECTOR,
                      GtkWidget)

GtkWidget         *strata_graph_inspector_new              (void);
StrataUndoManager *strata_graph_inspector_get_undo_manager (StrataGraphInspector *self);
void               strata_graph_inspector_set_undo_manager (StrataGraphInspector *self,
                                                            StrataUndoManager    *undo);
const char        *strata_graph_inspector_get_node_id      (StrataGraphInspector *self);
void               strata_graph_inspector_set_node_id      (StrataGraphInspector *self,
                                                            const char           *id);
void               strata_graph_inspector_set_n_selected   (StrataGraphInspector *self,
                                                            guint                 n_selected);

G_END_DECLS
