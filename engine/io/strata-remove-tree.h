/* strata-remove-tree.h: delete a folder with everything in it
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean strata_remove_tree (const char  *path,
                             GError     **error);

G_END_DECLS
