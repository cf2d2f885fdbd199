/* test-series.c: plotted metrics: ranges, nearest points, thinning, smoothing
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "strata-series.h"

static void
test_series_range (void)
{
  g_autoptr(StrataSeries) s = strata_series_new ();
  double x0, x1, y0, y1;

  g_assert_false (strata_series_get_range (s, &x0, &x1, &y0, &y1));
  strata_series_append (s, 0.1, 2.0);
  strata_series_append (s, 0.2, NAN);          /* a metric the run does not have */
  strata_series_append (s, 0.3, 1.5);
  strata_series_append (s, 0.4, 1.7);
  g_assert_cmpuint (strata_series_get_n_points (s), ==, 3);
  g_assert_true (strata_series_get_range (s, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x0, ==, 0.1);
  g_assert_cmpfloat (x1, ==, 0.4);
  g_assert_cmpfloat (y0, ==, 1.5);
  g_assert_cmpfloat (y1, ==, 2.0);

  /* a run resumed from an earlier point replaces what came after it */
  strata_series_append (s, 0.3, 1.9);
  g_assert_cmpuint (strata_series_get_n_points (s), ==, 2);
  g_assert_true (strata_series_get_range (s, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x1, ==, 0.3);
  g_assert_cmpfloat (y0, ==, 1.9);
  g_assert_cmpfloat (y1, ==, 2.0);

  strata_series_clear (s);
  g_assert_cmpuint (strata_series_get_n_points (s), ==, 0);
}

static void
test_series_nearest (void)
{
  g_autoptr(StrataSeries) s = strata_series_new ();
  guint i;

  g_assert_false (strata_series_find_nearest (s, 1, &i));
  for (guint k = 0; k < 100; k++)
    strata_series_append (s, k * 0.5, k);
  g_assert_true (strata_series_find_nearest (s, -10, &i));
  g_assert_cmpuint (i, ==, 0);
  g_assert_true (strata_series_find_nearest (s, 1000, &i));
  g_assert_cmpuint (i, ==, 99);
  g_assert_true (strata_series_find_nearest (s, 10.2, &i));
  g_assert_cmpuint (i, ==, 20);
  g_assert_true (strata_series_find_nearest (s, 10.3, &i));
  g_assert_cmpuint (i, ==, 21);
  g_assert_true (strata_series_find_nearest (s, 10.5, &i));
  g_assert_cmpuint (i, ==, 21);
}

/* 100 000 noisy points on 200 columns: few points, same extremes, same ends, in order. */
static void
test_series_thin (void)
{
  g_autoptr(StrataSeries) s = strata_series_new ();
  g_autoptr(GArray) thin = NULL;
  const StrataSeriesPoint *p;
  double lo = INFINITY, hi = -INFINITY, thin_lo = INFINITY, thin_hi = -INFINITY;
  GRand *rand = g_rand_new_with_seed (3);
  const guint n = 100000;

  for (guint k = 0; k < n; k++)
    {
      double y = exp (-(double) k / 30000.0) + g_rand_double_range (rand, -0.2, 0.2);

      strata_series_append (s, k, y);
      lo = MIN (lo, y);
      hi = MAX (hi, y);
    }
  g_rand_free (rand);
  thin = strata_series_thin (s, 0, n / 200.0);
  p = (const StrataSeriesPoint *) thin->data;
  g_assert_cmpuint (thin->len, <=, 4 * 200 + 4);
  g_assert_cmpuint (thin->len, >=, 200);
  g_assert_cmpfloat (p[0].x, ==, 0);
  g_assert_cmpfloat (p[thin->len - 1].x, ==, n - 1);
  for (guint k = 0; k < thin->len; k++)
    {
      if (k > 0)
        g_assert_cmpfloat (p[k].x, >, p[k - 1].x);
      thin_lo = MIN (thin_lo, p[k].y);
      thin_hi = MAX (thin_hi, p[k].y);
    }
  g_assert_cmpfloat (thin_lo, ==, lo);
  g_assert_cmpfloat (thin_hi, ==, hi);

  /* fewer points than columns: all of them */
  g_clear_pointer (&thin, g_array_unref);
  strata_series_clear (s);
  for (guint k = 0; k < 10; k++)
    strata_series_append (s, k, k % 3);
  thin = strata_series_thin (s, 0, 0.5);
  g_assert_cmpuint (thin->len, ==, 10);
}

static void
test_smoother (void)
{
  StrataSmoother sm;

  /* bias-corrected: the first value comes through as it is, not pulled to 0 */
  strata_smoother_init (&sm, 0.9);
  g_assert_cmpfloat_with_epsilon (strata_smoother_push (&sm, 2.0), 2.0, 1e-12);
  /* a constant stays constant */
  for (guint i = 0; i < 50; i++)
    g_assert_cmpfloat_with_epsilon (strata_smoother_push (&sm, 2.0), 2.0, 1e-9);
  /* and a step moves it part of the way */
  {
    double v = strata_smoother_push (&sm, 1.0);
    g_assert_cmpfloat (v, <, 2.0);
    g_assert_cmpfloat (v, >, 1.5);
  }
  /* NAN does not poison it */
  g_assert_true (isnan (strata_smoother_push (&sm, NAN)));
  g_assert_cmpfloat (strata_smoother_push (&sm, 1.0), <, 2.0);

  /* weight 0: no smoothing */
  strata_smoother_init (&sm, 0);
  g_assert_cmpfloat (strata_smoother_push (&sm, 3.0), ==, 3.0);
  g_assert_cmpfloat (strata_smoother_push (&sm, 5.0), ==, 5.0);
}

/* The standard deviation of a noisy per-batch curve, smoothed with @weight per batch. */
static double
smoothed_noise (double weight)
{
  StrataSmoother sm;
  GRand *rand = g_rand_new_with_seed (7);
  double sum = 0, sum2 = 0;
  guint n = 0;

  strata_smoother_init (&sm, weight);
  for (guint i = 0; i < 6000; i++)
    {
      double v = strata_smoother_push (&sm, 1.0 + g_rand_double_range (rand, -0.5, 0.5));

      if (i < 1000)
        continue;
      sum += v;
      sum2 += v * v;
      n++;
    }
  g_rand_free (rand);
  return sqrt (sum2 / n - (sum / n) * (sum / n));
}

static void
test_smoothing_per_batch (void)
{
  StrataSmoother a, b;

  /* Fashion-MNIST trains 844 batches an epoch: the Preferences' 0.8 per batch leaves the
   * curve about as noisy as a third of the raw noise (0.29); per 1/50 epoch it is smooth */
  g_assert_cmpfloat (smoothed_noise (0.8), >, 0.08);
  g_assert_cmpfloat (smoothed_noise (strata_smoother_weight_per_batch (0.8, 844)), <, 0.04);

  /* few batches an epoch: the weight applies per batch, as chosen */
  g_assert_cmpfloat (strata_smoother_weight_per_batch (0.8, 20), ==, 0.8);
  g_assert_cmpfloat (strata_smoother_weight_per_batch (0, 844), ==, 0);
  g_assert_cmpfloat_with_epsilon (pow (strata_smoother_weight_per_batch (0.8, 500), 10), 0.8,
                                  1e-12);

  /* a point of n batches smooths as n batches of its mean */
  strata_smoother_init (&a, 0.9);
  strata_smoother_init (&b, 0.9);
  strata_smoother_push (&a, 3.0);
  strata_smoother_push (&b, 3.0);
  for (guint i = 0; i < 8; i++)
    strata_smoother_push (&a, 1.0);
  g_assert_cmpfloat_with_epsilon (strata_smoother_push_n (&b, 1.0, 8), a.average / (1 - a.decay),
                                  1e-12);
  g_assert_true (isnan (strata_smoother_push_n (&b, 1.0, 0)));
}

static void
test_batch_points (void)
{
  g_autoptr(StrataBatchHistory) history = strata_batch_history_new (64);
  g_autoptr(StrataSeries) loss = strata_series_new ();
  g_autoptr(StrataSeries) accuracy = strata_series_new ();
  g_autoptr(GArray) points = NULL;
  StrataSmoother ls, as;
  double x0, x1, y0, y1;

  for (guint step = 1; step <= 1000; step++)
    strata_batch_history_add (history, step, step / 200.0, 2.0, 0.5);
  points = strata_batch_history_dup_points (history);
  g_assert_cmpfloat_with_epsilon (strata_batch_points_per_epoch (points), 200, 1e-9);
  strata_smoother_init (&ls, 0.9);
  strata_smoother_init (&as, 0.9);
  strata_series_add_batch_points (loss, accuracy, points, &ls, &as);
  g_assert_cmpuint (strata_series_get_n_points (loss), ==, points->len);
  g_assert_true (strata_series_get_range (loss, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (x1, ==, 5.0);
  g_assert_cmpfloat_with_epsilon (y0, 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y1, 2.0, 1e-9);
  g_assert_true (strata_series_get_range (accuracy, NULL, NULL, &y0, NULL));
  g_assert_cmpfloat_with_epsilon (y0, 0.5, 1e-9);
  g_clear_pointer (&points, g_array_unref);
  points = g_array_new (FALSE, FALSE, sizeof (StrataBatchPoint));
  g_assert_cmpfloat (strata_batch_points_per_epoch (points), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/series/range", test_series_range);
  g_test_add_func ("/series/nearest", test_series_nearest);
  g_test_add_func ("/series/thin", test_series_thin);
  g_test_add_func ("/series/smoother", test_smoother);
  g_test_add_func ("/series/smoothing-per-batch", test_smoothing_per_batch);
  g_test_add_func ("/series/batch-points", test_batch_points);
  return g_test_run ();
}
