/* strata-image-cache.h: decoded, resized images kept in memory or in a file
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _StrataImageCache StrataImageCache;

StrataImageCache *strata_image_cache_new_memory (guint              n_items,
                                                 gsize              item_size);
StrataImageCache *strata_image_cache_new_file   (const char        *path,
                                                 guint64            key,
                                                 guint              n_items,
                                                 gsize              item_size,
                                                 GError           **error);
void              strata_image_cache_free       (StrataImageCache  *cache);
gboolean          strata_image_cache_lookup     (StrataImageCache  *cache,
                                                 guint              index,
                                                 guint8            *dst);
void              strata_image_cache_store      (StrataImageCache  *cache,
                                                 guint              index,
                                                 const guint8      *src);
guint             strata_image_cache_get_n_filled (StrataImageCache *cache);
gboolean          strata_image_cache_is_file    (StrataImageCache  *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataImageCache, strata_image_cache_free)

G_END_DECLS
