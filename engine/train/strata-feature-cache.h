/* strata-feature-cache.h: the frozen prefix's outputs of every image of a split
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _StrataFeatureCache StrataFeatureCache;

StrataFeatureCache *strata_feature_cache_new         (guint                n_items,
                                                      gsize                floats);
void                strata_feature_cache_free        (StrataFeatureCache  *self);
gboolean            strata_feature_cache_is_complete (StrataFeatureCache  *self);
gboolean            strata_feature_cache_has_all     (StrataFeatureCache  *self,
                                                      const guint         *items,
                                                      guint                n);
void                strata_feature_cache_gather      (StrataFeatureCache  *self,
                                                      const guint         *items,
                                                      guint                n,
                                                      float               *features);
void                strata_feature_cache_scatter     (StrataFeatureCache  *self,
                                                      const guint         *items,
                                                      guint                n,
                                                      const float         *features);
gsize               strata_feature_cache_limit       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataFeatureCache, strata_feature_cache_free)

G_END_DECLS
