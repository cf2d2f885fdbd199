/* strata-series.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-series"

#include "config.h"

#include <math.h>

#include "strata-series.h"

/* Points come in increasing x (training steps); the nearest-point search relies on it. */
struct _StrataSeries
{
  gatomicrefcount ref_count;
  GArray *points;
  double y_min;
  double y_max;
};

StrataSeries *
strata_series_new (void)
{
  StrataSeries *self = g_new0 (StrataSeries, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->points = g_array_new (FALSE, FALSE, sizeof (StrataSeriesPoint));
  self->y_min = INFINITY;
  self->y_max = -INFINITY;
  return self;
}

StrataSeries *
strata_series_ref (StrataSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
strata_series_unref (StrataSeries *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->points);
      g_free (self);
    }
}

/**
 * strata_series_append:
 *
 * Adds a point; one that is not a number (a metric the run does not have) is left out. A point
 * at an x before the last one (a run resumed from an earlier checkpoint) first drops the points
 * from there on.
 */
void
strata_series_append (StrataSeries *self,
                      double        x,
                      double        y)
{
  StrataSeriesPoint p = { x, y };

  g_return_if_fail (self != NULL);
  if (!isfinite (x) || !isfinite (y))
    return;
  if (self->points->len > 0 &&
      x < g_array_index (self->points, StrataSeriesPoint, self->points->len - 1).x)
    strata_series_truncate (self, x);
  g_array_append_val (self->points, p);
  self->y_min = MIN (self->y_min, y);
  self->y_max = MAX (self->y_max, y);
}

void
strata_series_clear (StrataSeries *self)
{
  g_return_if_fail (self != NULL);
  g_array_set_size (self->points, 0);
  self->y_min = INFINITY;
  self->y_max = -INFINITY;
}

/* Drops the points at @x and after. */
void
strata_series_truncate (StrataSeries *self,
                        double        x)
{
  guint keep = 0;

  g_return_if_fail (self != NULL);
  while (keep < self->points->len &&
         g_array_index (self->points, StrataSeriesPoint, keep).x < x)
    keep++;
  if (keep == self->points->len)
    return;
  g_array_set_size (self->points, keep);
  self->y_min = INFINITY;
  self->y_max = -INFINITY;
  for (guint i = 0; i < keep; i++)
    {
      double y = g_array_index (self->points, StrataSeriesPoint, i).y;
      self->y_min = MIN (self->y_min, y);
      self->y_max = MAX (self->y_max, y);
    }
}

guint
strata_series_get_n_points (StrataSeries *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->points->len;
}

const StrataSeriesPoint *
strata_series_get_points (StrataSeries *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const StrataSeriesPoint *) self->points->data;
}

/**
 * strata_series_get_range:
 *
 * Returns: %FALSE when the series has no points
 */
gboolean
strata_series_get_range (StrataSeries *self,
                         double       *x_min,
                         double       *x_max,
                         double       *y_min,
                         double       *y_max)
{
  const StrataSeriesPoint *p;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->points->len == 0)
    return FALSE;
  p = (const StrataSeriesPoint *) self->points->data;
  if (x_min)
    *x_min = p[0].x;
  if (x_max)
    *x_max = p[self->points->len - 1].x;
  if (y_min)
    *y_min = self->y_min;
  if (y_max)
    *y_max = self->y_max;
  return TRUE;
}

/**
 * strata_series_find_nearest:
 * @index: (out): the point whose x is closest to @x
 *
 * Returns: %FALSE when the series has no points
 */
gboolean
strata_series_find_nearest (StrataSeries *self,
                            double        x,
                            guint        *index)
{
  const StrataSeriesPoint *p;
  guint lo = 0, hi;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->points->len == 0)
    return FALSE;
  p = (const StrataSeriesPoint *) self->points->data;
  hi = self->points->len - 1;
  /* the first point with p.x >= x, or the last */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (p[mid].x < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0 && fabs (p[lo - 1].x - x) <= fabs (p[lo].x - x))
    lo--;
  *index = lo;
  return TRUE;
}

/**
 * strata_series_thin:
 * @x_start: x of the plot's left edge
 * @x_step: the width of one pixel column, in x units
 *
 * A line through 100 000 points costs as much as the screen has columns: in each column only
 * the first, lowest, highest and last points matter to what is drawn. Points are kept in
 * order, so the line looks the same.
 *
 * Returns: (transfer full) (element-type StrataSeriesPoint): the points to draw
 */
GArray *
strata_series_thin (StrataSeries *self,
                    double        x_start,
                    double        x_step)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (StrataSeriesPoint));
  const StrataSeriesPoint *p;
  guint n, i = 0;

  g_return_val_if_fail (self != NULL, out);
  p = (const StrataSeriesPoint *) self->points->data;
  n = self->points->len;
  if (!(x_step > 0))
    {
      g_array_append_vals (out, p, n);
      return out;
    }
  while (i < n)
    {
      double column = floor ((p[i].x - x_start) / x_step);
      guint first = i, last = i, low = i, high = i;
      guint keep[4];
      guint n_keep = 0;

      while (last + 1 < n && floor ((p[last + 1].x - x_start) / x_step) == column)
        {
          last++;
          if (p[last].y < p[low].y)
            low = last;
          if (p[last].y > p[high].y)
            high = last;
        }
      /* first ≤ low, high ≤ last: in index order, each once */
      keep[n_keep++] = first;
      keep[n_keep++] = MIN (low, high);
      keep[n_keep++] = MAX (low, high);
      keep[n_keep++] = last;
      for (guint k = 0; k < n_keep; k++)
        if (k == 0 || keep[k] != keep[k - 1])
          g_array_append_val (out, p[keep[k]]);
      i = last + 1;
    }
  return out;
}

void
strata_smoother_init (StrataSmoother *self,
                      double          weight)
{
  self->weight = CLAMP (weight, 0.0, 0.999);
  self->average = 0;
  self->decay = 1;
}

/**
 * strata_smoother_push:
 *
 * Returns: the smoothed value after @value
 */
double
strata_smoother_push (StrataSmoother *self,
                      double          value)
{
  return strata_smoother_push_n (self, value, 1);
}

/**
 * strata_smoother_push_n:
 * @value: the mean of @n values
 *
 * Pushes @n equal values at once: a point of a downsampled history stands for @n batches.
 *
 * Returns: the smoothed value after them
 */
double
strata_smoother_push_n (StrataSmoother *self,
                        double          value,
                        guint           n)
{
  double weight;

  if (!isfinite (value) || n == 0)
    return NAN;
  weight = n == 1 ? self->weight : pow (self->weight, n);
  self->average = self->average * weight + (1 - weight) * value;
  self->decay *= weight;
  return self->decay < 1 ? self->average / (1 - self->decay) : value;
}

/**
 * strata_smoother_weight_per_batch:
 * @weight: the smoothing the user chose, 0 to 0.99
 * @batches_per_epoch: the run's batches per epoch
 *
 * A weight applied per batch smooths a run of 600 batches an epoch ten times less, on the
 * same plot, than one of 60: at the Preferences' 0.8 it averages about five batches, and the
 * curve of a large dataset is as noisy as no smoothing. So @weight applies per
 * %STRATA_SMOOTHING_STEPS_PER_EPOCH-th of an epoch, or per batch when an epoch has fewer
 * batches than that: what the user sees smoothed is the same on any dataset.
 *
 * Returns: the weight to smooth each batch with
 */
double
strata_smoother_weight_per_batch (double weight,
                                  double batches_per_epoch)
{
  double batches_per_step = batches_per_epoch / STRATA_SMOOTHING_STEPS_PER_EPOCH;

  weight = CLAMP (weight, 0.0, 0.999);
  if (!(batches_per_step > 1))
    return weight;
  return pow (weight, 1 / batches_per_step);
}

/**
 * strata_series_add_batch_points:
 * @points: (element-type StrataBatchPoint): a run's per-batch history
 * @loss_smoother: smooths @loss, and goes on smoothing the batches that follow
 *
 * Appends a run's saved per-batch curve, smoothed, where the batches end.
 */
void
strata_series_add_batch_points (StrataSeries   *loss,
                                StrataSeries   *accuracy,
                                GArray         *points,
                                StrataSmoother *loss_smoother,
                                StrataSmoother *accuracy_smoother)
{
  for (guint i = 0; i < points->len; i++)
    {
      const StrataBatchPoint *p = &g_array_index (points, StrataBatchPoint, i);

      strata_series_append (loss, p->x, strata_smoother_push_n (loss_smoother, p->loss,
                                                                p->count));
      strata_series_append (accuracy, p->x, strata_smoother_push_n (accuracy_smoother,
                                                                    p->accuracy, p->count));
    }
}

/**
 * strata_batch_points_per_epoch:
 * @points: (element-type StrataBatchPoint): a run's per-batch history
 *
 * Returns: the batches per epoch of the run, as the history tells: 0 when it is empty
 */
double
strata_batch_points_per_epoch (GArray *points)
{
  const StrataBatchPoint *last;
  guint64 batches = 0;

  if (points->len == 0)
    return 0;
  for (guint i = 0; i < points->len; i++)
    batches += g_array_index (points, StrataBatchPoint, i).count;
  last = &g_array_index (points, StrataBatchPoint, points->len - 1);
  /* the history starts at the run's first batch, x at its end */
  return last->x > 0 ? batches / last->x : 0;
}
