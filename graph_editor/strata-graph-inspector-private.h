/* strata-graph-inspector-private.h: the inspector's fields, for the editor's test hooks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-graph-inspector.h"

G_BEGIN_DECLS

GtkWidget *_strata_graph_inspector_get_field (StrataGraphInspector *self,
                                              const char           *name);

JsonNode  *_strata_graph_inspector_dup_shown (StrataGraphInspector *self);

G_END_DECLS
