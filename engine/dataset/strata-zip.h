/* strata-zip.h: reading zip archives in place, entry by entry, from any thread
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _StrataZip StrataZip;

StrataZip  *strata_zip_open          (const char  *path,
                                      GError     **error);
void        strata_zip_free          (StrataZip   *zip);
guint       strata_zip_get_n_entries (StrataZip   *zip);
const char *strata_zip_get_name      (StrataZip   *zip,
                                      guint        index);
gboolean    strata_zip_is_dir        (StrataZip   *zip,
                                      guint        index);
gboolean    strata_zip_is_safe_name  (const char  *name);
guint64     strata_zip_get_size      (StrataZip   *zip,
                                      guint        index);
GBytes     *strata_zip_read          (StrataZip   *zip,
                                      guint        index,
                                      guint64      max_size,
                                      GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataZip, strata_zip_free)

G_END_DECLS
