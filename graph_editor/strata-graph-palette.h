/* strata-graph-palette.h: the layer types, to drag onto the canvas
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_PALETTE (strata_graph_palette_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphPalette, strata_graph_palette, STRATA, GRAPH_PALETTE, GtkWidget)

GtkWidget *strata_graph_palette_new (void);

G_END_DECLS
