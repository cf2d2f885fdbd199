/* strata-feature-cache.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strata-feature-cache.h"

/*
 * One row of strata_plan_get_feature_size() floats per image of a split, filled as the
 * first epoch meets the images. It lives as long as the trainer: the trainer, and with it
 * the cache, is made anew from a run's settings, so a change of resize, split or classes
 * never meets old features.
 */

struct _StrataFeatureCache
{
  gsize floats;
  guint n_items;
  guint n_filled;
  guint8 *filled;
  float *values;
};

#define DEFAULT_LIMIT_MIB 2048

/**
 * strata_feature_cache_limit:
 *
 * Returns: the bytes a trainer may give its caches: $STRATA_FEATURE_CACHE_MIB MiB, 2 GiB
 *   by default, 0 to turn the cache off
 */
gsize
strata_feature_cache_limit (void)
{
  const char *text = g_getenv ("STRATA_FEATURE_CACHE_MIB");
  guint64 mib = DEFAULT_LIMIT_MIB;

  if (text && *text)
    mib = g_ascii_strtoull (text, NULL, 10);
  return (gsize) mib << 20;
}

/**
 * strata_feature_cache_new:
 *
 * Returns: (nullable): an empty cache, or %NULL when it would not fit in memory
 */
StrataFeatureCache *
strata_feature_cache_new (guint n_items,
                          gsize floats)
{
  StrataFeatureCache *self;
  float *values;

  if (n_items == 0 || floats == 0)
    return NULL;
  values = malloc ((gsize) n_items * floats * sizeof (float));
  if (values == NULL)
    return NULL;
  self = g_new0 (StrataFeatureCache, 1);
  self->floats = floats;
  self->n_items = n_items;
  self->values = values;
  self->filled = g_new0 (guint8, n_items);
  return self;
}

void
strata_feature_cache_free (StrataFeatureCache *self)
{
  if (self == NULL)
    return;
  free (self->values);
  g_free (self->filled);
  g_free (self);
}

gboolean
strata_feature_cache_is_complete (StrataFeatureCache *self)
{
  return self->n_filled == self->n_items;
}

gboolean
strata_feature_cache_has_all (StrataFeatureCache *self,
                              const guint        *items,
                              guint               n)
{
  for (guint i = 0; i < n; i++)
    if (items[i] >= self->n_items || !self->filled[items[i]])
      return FALSE;
  return TRUE;
}

void
strata_feature_cache_gather (StrataFeatureCache *self,
                             const guint        *items,
                             guint               n,
                             float              *features)
{
  for (guint i = 0; i < n; i++)
    memcpy (features + i * self->floats, self->values + (gsize) items[i] * self->floats,
            self->floats * sizeof (float));
}

void
strata_feature_cache_scatter (StrataFeatureCache *self,
                              const guint        *items,
                              guint               n,
                              const float        *features)
{
  for (guint i = 0; i < n; i++)
    {
      if (items[i] >= self->n_items)
        continue;
      memcpy (self->values + (gsize) items[i] * self->floats, features + i * self->floats,
              self->floats * sizeof (float));
      if (!self->filled[items[i]])
        {
          self->filled[items[i]] = 1;
          self->n_filled++;
        }
    }
}
