/* strata-graph-layout.h: automatic top-to-bottom layered layout of a graph
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-graph.h"
#include "strata-graph-geometry.h"

G_BEGIN_DECLS

#define STRATA_LAYOUT_LAYER_GAP 48.0   /* between a layer's bottom and the next one's top */
#define STRATA_LAYOUT_NODE_GAP  40.0   /* between neighbours in a layer */

/**
 * StrataNodeSizeFunc:
 * @id: a node id
 * @width: (out): its width in canvas units
 * @height: (out): its height
 *
 * How big a node is drawn, for the layout to keep nodes apart.
 */
typedef void (*StrataNodeSizeFunc) (const char *id,
                                    double     *width,
                                    double     *height,
                                    gpointer    user_data);

GHashTable *strata_graph_layout_compute (StrataGraph        *graph,
                                         StrataNodeSizeFunc  size_func,
                                         gpointer            user_data);
guint       strata_graph_layout_count_crossings (StrataGraph        *graph,
                                                 GHashTable         *positions,
                                                 StrataNodeSizeFunc  size_func,
                                                 gpointer            user_data);

G_END_DECLS
