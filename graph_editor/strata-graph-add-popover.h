/* strata-graph-add-popover.h: the add-layer menu that opens at the pointer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_ADD_POPOVER (strata_graph_add_popover_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphAddPopover, strata_graph_add_popover, STRATA, GRAPH_ADD_POPOVER,
                      GtkPopover)

GtkWidget *strata_graph_add_popover_new      (void);
void       strata_graph_add_popover_popup_at (StrataGraphAddPopover *self,
                                              double                 x,
                                              double                 y,
                                              gboolean               needs_input,
                                              gboolean               needs_output);

G_END_DECLS
