/* strata-split.c: seeded, stratified, content-addressed splits
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "strata-random.h"
#include "strata-split-private.h"

/*
 * Every image gets a position in [0, 1) from a hash of its contents and the split seed, so
 * exact duplicates share it.  Two ways to turn positions into splits:
 *
 * - stable (ratio splits of user folders, CSVs, zips): validation below the validation
 *   fraction, test below validation + test, train above.  An image's split depends on
 *   nothing but itself, so adding images never moves one that was there; each class gets
 *   its fraction on average.
 * - exact (count splits, and ratio splits of fixed published datasets): each class's images
 *   in order of position, the first ones to validation, the next to test.  Classes get
 *   exactly their share (600 of Fashion-MNIST's 6,000 per class); a run of identical
 *   images takes the split of its first member so that duplicates stay together.
 */

double
_strata_split_position (guint64 seed,
                        guint64 content_hash)
{
  return (strata_key2 (seed, content_hash) >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct
{
  double position;
  guint64 hash;
  guint index;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a, *y = b;

  if (x->position != y->position)
    return x->position < y->position ? -1 : 1;
  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Shares @total out over classes in proportion to @sizes (largest remainder). */
static void
apportion (const guint *sizes,
           guint        n_classes,
           guint        total,
           guint       *shares)
{
  guint64 sum = 0, given = 0;
  g_autofree double *rest = g_new0 (double, MAX (n_classes, 1));

  for (guint c = 0; c < n_classes; c++)
    sum += sizes[c];
  total = MIN (total, sum);
  for (guint c = 0; c < n_classes; c++)
    {
      double exact = sum ? (double) total * sizes[c] / sum : 0;

      shares[c] = (guint) floor (exact);
      rest[c] = exact - shares[c];
      given += shares[c];
    }
  while (given < total)
    {
      guint best = 0;

      for (guint c = 1; c < n_classes; c++)
        if (rest[c] > rest[best])
          best = c;
      shares[best]++;
      rest[best] = -1;
      given++;
    }
}

/**
 * _strata_split_assign:
 * @splits: (out caller-allocates): per item a StrataSplit, or -1 for items not in the dataset
 */
void
_strata_split_assign (const StrataSplitInput  *items,
                      guint                    n_items,
                      guint                    n_classes,
                      const StrataSplitParams *params,
                      int                     *splits)
{
  g_autofree guint *sizes = g_new0 (guint, MAX (n_classes, 1));
  g_autofree guint *n_validation = g_new0 (guint, MAX (n_classes, 1));
  g_autofree guint *n_test = g_new0 (guint, MAX (n_classes, 1));
  g_autofree Ranked *ranked = NULL;
  g_autofree guint *starts = NULL;
  g_autofree guint *fill = NULL;

  for (guint i = 0; i < n_items; i++)
    {
      if (items[i].label < 0)
        splits[i] = -1;
      else if (items[i].fixed_split >= 0)
        splits[i] = items[i].fixed_split;
      else
        {
          splits[i] = STRATA_SPLIT_TRAIN;
          sizes[items[i].label]++;
        }
    }

  if (params->by == STRATA_SPLIT_BY_RATIO && !params->exact)
    {
      for (guint i = 0; i < n_items; i++)
        {
          double u;

          if (items[i].label < 0 || items[i].fixed_split >= 0)
            continue;
          u = _strata_split_position (params->seed, items[i].content_hash);
          if (u < params->validation_fraction)
            splits[i] = STRATA_SPLIT_VALIDATION;
          else if (u < params->validation_fraction + params->test_fraction)
            splits[i] = STRATA_SPLIT_TEST;
        }
      return;
    }

  /* exact: per class quotas, then the lowest positions of each class fill them */
  if (params->by == STRATA_SPLIT_BY_RATIO)
    for (guint c = 0; c < n_classes; c++)
      {
        n_validation[c] = (guint) floor (sizes[c] * params->validation_fraction + 0.5);
        n_test[c] = (guint) floor (sizes[c] * params->test_fraction + 0.5);
      }
  else
    {
      apportion (sizes, n_classes, params->validation_count, n_validation);
      apportion (sizes, n_classes, params->test_count, n_test);
    }
  for (guint c = 0; c < n_classes; c++)
    {
      n_validation[c] = MIN (n_validation[c], sizes[c]);
      n_test[c] = MIN (n_test[c], sizes[c] - n_validation[c]);
    }

  starts = g_new0 (guint, n_classes + 1);
  fill = g_new0 (guint, MAX (n_classes, 1));
  for (guint c = 0; c < n_classes; c++)
    starts[c + 1] = starts[c] + sizes[c];
  ranked = g_new (Ranked, MAX (starts[n_classes], 1));
  for (guint i = 0; i < n_items; i++)
    {
      Ranked *r;

      if (items[i].label < 0 || items[i].fixed_split >= 0)
        continue;
      r = &ranked[starts[items[i].label] + fill[items[i].label]++];
      r->position = _strata_split_position (params->seed, items[i].content_hash);
      r->hash = items[i].content_hash;
      r->index = i;
    }
  for (guint c = 0; c < n_classes; c++)
    {
      Ranked *r = ranked + starts[c];

      qsort (r, sizes[c], sizeof (Ranked), compare_ranked);
      for (guint p = 0; p < sizes[c]; p++)
        {
          int split;

          if (p > 0 && r[p].hash == r[p - 1].hash)
            split = splits[r[p - 1].index];
          else if (p < n_validation[c])
            split = STRATA_SPLIT_VALIDATION;
          else if (p < n_validation[c] + n_test[c])
            split = STRATA_SPLIT_TEST;
          else
            split = STRATA_SPLIT_TRAIN;
          splits[r[p].index] = split;
        }
    }
}
