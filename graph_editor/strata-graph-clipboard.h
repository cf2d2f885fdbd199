/* strata-graph-clipboard.h: a selection of layers as JSON, to copy, paste and duplicate
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-graph.h"

G_BEGIN_DECLS

/* The clipboard format; plain text holds the same JSON, so layers can be pasted in a mail. */
#define STRATA_GRAPH_CLIPBOARD_MIME_TYPE "application/x-strata-layers+json"

char        *strata_graph_clipboard_serialize (StrataGraph        *graph,
                                               const char *const  *ids);
StrataGraph *strata_graph_clipboard_parse     (const char         *text,
                                               GError            **error);
char        *strata_graph_clipboard_id_stem   (const char         *id);

G_END_DECLS
