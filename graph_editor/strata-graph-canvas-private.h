/* strata-graph-canvas-private.h: the canvas's geometry, for the editor's test hooks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-graph-canvas.h"
#include "strata-graph-geometry.h"

G_BEGIN_DECLS

StrataGraphGeometry *_strata_graph_canvas_get_geometry (StrataGraphCanvas *self);
StrataPoint          _strata_graph_canvas_to_view      (StrataGraphCanvas *self,
                                                        StrataPoint        canvas_point);
GtkWidget           *_strata_graph_canvas_get_toolbar  (StrataGraphCanvas *self);
GtkWidget           *_strata_graph_canvas_get_minimap  (StrataGraphCanvas *self);
const char          *_strata_graph_canvas_get_notice   (StrataGraphCanvas *self);
gboolean             _strata_graph_canvas_get_compact  (StrataGraphCanvas *self,
                                                        double            *text_px);

G_END_DECLS
