/* strata-graph-minimap.h: the whole graph in miniature, with the visible part marked
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-graph-geometry.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_MINIMAP (strata_graph_minimap_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphMinimap, strata_graph_minimap, STRATA, GRAPH_MINIMAP, GtkWidget)

GtkWidget *strata_graph_minimap_new          (void);
void       strata_graph_minimap_set_scene    (StrataGraphMinimap  *self,
                                              StrataGraphGeometry *geometry,
                                              GHashTable          *selection,
                                              const StrataRect    *visible);

G_END_DECLS
