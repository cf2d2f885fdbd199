/* strata-remove-tree.h: delete a folder with everything in it, and staging folders that
 * killed writes left
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean strata_remove_tree (const char  *path,
                             GError     **error);

char    *strata_staging_dir_new   (const char  *parent,
                                   const char  *prefix,
                                   int         *lock_fd,
                                   GError     **error);
guint    strata_staging_dir_sweep (const char  *parent,
                                   const char  *prefix);

G_END_DECLS
