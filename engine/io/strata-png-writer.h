/* strata-png-writer.h: 8-bit grey, RGB or RGBA pixels as a PNG file
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean strata_png_write (const char    *path,
                           const guint8  *pixels,
                           int            width,
                           int            height,
                           int            channels,
                           gsize          stride,
                           GError       **error);

G_END_DECLS
