/* strata-decode.h: image files to pixels through gdk-pixbuf
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-image.h"

G_BEGIN_DECLS

gboolean strata_decode_image (GBytes                 *bytes,
                              const char             *name,
                              guint64                 max_pixels,
                              const StrataResizeSpec *spec,
                              StrataImage            *image,
                              GError                **error);

G_END_DECLS
