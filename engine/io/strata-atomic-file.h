/* strata-atomic-file.h: write a file so that a crash leaves either the old or the new one
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STRATA_IO_ERROR (strata_io_error_quark ())

typedef enum
{
  STRATA_IO_ERROR_WRITE,      /* the disk refused the data (full, read-only, no permission) */
  STRATA_IO_ERROR_READ,       /* missing or unreadable file */
  STRATA_IO_ERROR_CORRUPT,    /* the contents are not what the format says */
  STRATA_IO_ERROR_NOT_REGULAR, /* the target is a device, FIFO, socket, folder or bad link */
} StrataIoError;

GQuark strata_io_error_quark (void);

/* Only a regular file is replaced; a symbolic link to one is written through (the link stays),
 * anything else is refused with STRATA_IO_ERROR_NOT_REGULAR: see strata-atomic-file.c. */
typedef struct _StrataAtomicFile StrataAtomicFile;

StrataAtomicFile *strata_atomic_file_new    (const char        *path,
                                             GError           **error);
gboolean          strata_atomic_file_write  (StrataAtomicFile  *self,
                                             const void        *data,
                                             gsize              size,
                                             GError           **error);
gboolean          strata_atomic_file_commit (StrataAtomicFile  *self,
                                             GError           **error);
void              strata_atomic_file_free   (StrataAtomicFile  *self);

gboolean          strata_atomic_file_check_target (const char   *path,
                                                   GError      **error);

gboolean          strata_write_file_atomic  (const char        *path,
                                             const void        *data,
                                             gsize              size,
                                             GError           **error);

/* On file systems without locks: how old an unfinished write must be to count as left behind */
#define STRATA_ATOMIC_FILE_STALE_SECONDS 10

guint             strata_atomic_file_sweep  (const char        *dir,
                                             guint              min_age);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataAtomicFile, strata_atomic_file_free)

G_END_DECLS
