/* strata-graph-editor-private.h: shared by the editor's widgets; not for the app
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "strata-op.h"

G_BEGIN_DECLS

#define STRATA_GRAPH_EDITOR_RESOURCE_PATH "/org/strata/Strata/graph-editor"

void      _strata_graph_editor_ensure_resources (void);
void      _strata_graph_editor_ensure_style     (GtkWidget         *widget);
char     *_strata_graph_editor_format_count     (gint64             count);
char     *_strata_graph_editor_format_params    (gint64             count);
gboolean  _strata_graph_editor_lookup_color     (GtkWidget         *widget,
                                                 const char        *name,
                                                 GdkRGBA           *color);

/* Rows naming an op type, shared by the palette and the add menu */
GtkWidget          *_strata_graph_editor_op_row_new    (const StrataOpInfo *op,
                                                        gboolean            draggable);
const StrataOpInfo *_strata_graph_editor_op_row_get_op (GtkListBoxRow      *row);
gboolean            _strata_graph_editor_op_matches    (const StrataOpInfo *op,
                                                        const char         *text);
void                _strata_graph_editor_op_row_header (GtkListBoxRow      *row,
                                                        GtkListBoxRow      *before,
                                                        gpointer            user_data);

/* Test hooks */
typedef struct _StrataGraphEditor StrataGraphEditor;
JsonNode           *_strata_graph_editor_dup_test_layout (StrataGraphEditor *self);

G_END_DECLS
