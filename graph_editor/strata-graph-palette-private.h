/* strata-graph-palette-private.h: the palette's rows, for the editor's test hooks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-graph-palette.h"

G_BEGIN_DECLS

GtkWidget *_strata_graph_palette_get_row (StrataGraphPalette *self,
                                          const char         *type);

G_END_DECLS
