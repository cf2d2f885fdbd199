/* strata-zip-writer.h: write a zip archive (deflate), atomically
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _StrataZipWriter StrataZipWriter;

StrataZipWriter *strata_zip_writer_new       (const char       *path,
                                              GError          **error);
gboolean         strata_zip_writer_add_bytes (StrataZipWriter  *self,
                                              const char       *name,
                                              const void       *data,
                                              gsize             size,
                                              guint             mode,
                                              GError          **error);
gboolean         strata_zip_writer_add_file  (StrataZipWriter  *self,
                                              const char       *name,
                                              const char       *file,
                                              guint             mode,
                                              GCancellable     *cancellable,
                                              GError          **error);
gboolean         strata_zip_writer_commit    (StrataZipWriter  *self,
                                              GError          **error);
void             strata_zip_writer_free      (StrataZipWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataZipWriter, strata_zip_writer_free)

G_END_DECLS
