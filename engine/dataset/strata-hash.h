/* strata-hash.h: a fast 64-bit content hash
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Not cryptographic: it identifies image contents for splits and duplicate detection, and
 * gives the same value on every machine (the bytes are read little-endian). */
guint64 strata_hash_bytes  (gconstpointer data,
                            gsize         size,
                            guint64       seed);
guint64 strata_hash_string (const char   *text);

G_END_DECLS
