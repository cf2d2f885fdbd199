/* strata-gzip.h: whole-file gzip reading with clear errors
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GBytes *strata_gzip_inflate   (GBytes      *compressed,
                               const char  *name,
                               gsize        max_size,
                               GError     **error);
GBytes *strata_read_maybe_gzip (const char  *path,
                                gsize        max_size,
                                GError     **error);

G_END_DECLS
