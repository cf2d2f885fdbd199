/* strata-graph-editor.h: the Model page's editor: palette, canvas and inspector together
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-graph.h"
#include "strata-graph-canvas.h"
#include "strata-undo-manager.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_EDITOR (strata_graph_editor_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphEditor, strata_graph_editor, STRATA, GRAPH_EDITOR, GtkWidget)

GtkWidget         *strata_graph_editor_new              (void);
StrataGraph       *strata_graph_editor_get_graph        (StrataGraphEditor *self);
void               strata_graph_editor_set_graph        (StrataGraphEditor *self,
                                                         StrataGraph       *graph);
StrataUndoManager *strata_graph_editor_get_undo_manager (StrataGraphEditor *self);
gboolean           strata_graph_editor_get_modified     (StrataGraphEditor *self);
void               strata_graph_editor_set_modified     (StrataGraphEditor *self,
                                                         gboolean           modified);
StrataGraphCanvas *strata_graph_editor_get_canvas       (StrataGraphEditor *self);

G_END_DECLS
