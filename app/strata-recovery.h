/* strata-recovery.h: autosaved copies of unsaved projects, offered again after a crash
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * StrataRecoveryEntry:
 * @id: the window session that wrote it
 * @file: the recovery file
 * @path: (nullable): where the project is saved, %NULL for an untitled one
 * @name: the project's name
 * @saved: when the copy was written, Unix time
 */
typedef struct
{
  char *id;
  char *file;
  char *path;
  char *name;
  gint64 saved;
} StrataRecoveryEntry;

void                 strata_recovery_entry_free (StrataRecoveryEntry  *entry);
char                *strata_recovery_dup_dir    (void);
char                *strata_recovery_new_id     (void);
gboolean             strata_recovery_write      (const char           *dir,
                                                 const char           *id,
                                                 const char           *path,
                                                 const char           *name,
                                                 const char           *project_data,
                                                 GError              **error);
void                 strata_recovery_discard    (const char           *dir,
                                                 const char           *id);
GPtrArray           *strata_recovery_list       (const char           *dir);
char                *strata_recovery_load       (const StrataRecoveryEntry *entry,
                                                 GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRecoveryEntry, strata_recovery_entry_free)

G_END_DECLS
