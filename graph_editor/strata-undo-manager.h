/* strata-undo-manager.h: every edit of a graph as an undoable command keyed by node ids
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-graph.h"
#include "strata-graph-geometry.h"

G_BEGIN_DECLS

#define STRATA_TYPE_UNDO_MANAGER (strata_undo_manager_get_type ())

G_DECLARE_FINAL_TYPE (StrataUndoManager, strata_undo_manager, STRATA, UNDO_MANAGER, GObject)

StrataUndoManager *strata_undo_manager_new            (StrataGraph        *graph);
StrataGraph       *strata_undo_manager_get_graph      (StrataUndoManager  *self);

/* History */
gboolean           strata_undo_manager_get_can_undo   (StrataUndoManager  *self);
gboolean           strata_undo_manager_get_can_redo   (StrataUndoManager  *self);
const char        *strata_undo_manager_get_undo_label (StrataUndoManager  *self);
const char        *strata_undo_manager_get_redo_label (StrataUndoManager  *self);
gboolean           strata_undo_manager_undo           (StrataUndoManager  *self);
gboolean           strata_undo_manager_redo           (StrataUndoManager  *self);
void               strata_undo_manager_clear          (StrataUndoManager  *self);
gboolean           strata_undo_manager_get_modified   (StrataUndoManager  *self);
void               strata_undo_manager_set_modified   (StrataUndoManager  *self,
                                                       gboolean            modified);
guint              strata_undo_manager_get_n_steps    (StrataUndoManager  *self);

/* Several edits as one step */
void               strata_undo_manager_begin_group    (StrataUndoManager  *self,
                                                       const char         *label);
void               strata_undo_manager_end_group      (StrataUndoManager  *self);
void               strata_undo_manager_break_merge    (StrataUndoManager  *self);

/* Edits: each applies at once and is one undo step unless inside a group */
const char        *strata_undo_manager_add_node       (StrataUndoManager  *self,
                                                       const char         *type,
                                                       double              x,
                                                       double              y,
                                                       GError            **error);
gboolean           strata_undo_manager_remove_nodes   (StrataUndoManager  *self,
                                                       const char *const  *ids);
void               strata_undo_manager_move_nodes     (StrataUndoManager  *self,
                                                       const char *const  *ids,
                                                       const StrataPoint  *from,
                                                       const StrataPoint  *to,
                                                       gboolean            merge);
gboolean           strata_undo_manager_connect        (StrataUndoManager  *self,
                                                       const char         *src,
                                                       const char         *dst,
                                                       guint               port,
                                                       GError            **error);
gboolean           strata_undo_manager_disconnect     (StrataUndoManager  *self,
                                                       const char         *dst,
                                                       guint               port);
gboolean           strata_undo_manager_set_param      (StrataUndoManager  *self,
                                                       const char         *id,
                                                       const char         *name,
                                                       GVariant           *value,
                                                       GError            **error);
void               strata_undo_manager_set_trainable  (StrataUndoManager  *self,
                                                       const char         *id,
                                                       gboolean            trainable);
gboolean           strata_undo_manager_set_n_inputs   (StrataUndoManager  *self,
                                                       const char         *id,
                                                       guint               n_inputs,
                                                       GError            **error);
gboolean           strata_undo_manager_rename_node    (StrataUndoManager  *self,
                                                       const char         *id,
                                                       const char         *new_id,
                                                       GError            **error);
GStrv              strata_undo_manager_paste          (StrataUndoManager  *self,
                                                       const char         *text,
                                                       double              dx,
                                                       double              dy,
                                                       GError            **error);
GStrv              strata_undo_manager_duplicate      (StrataUndoManager  *self,
                                                       const char *const  *ids,
                                                       double              dx,
                                                       double              dy);

G_END_DECLS
