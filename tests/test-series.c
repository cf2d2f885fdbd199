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

static void
test_batch_from_running (void)
{
  /* batch accuracies 0.5, 0.75, 1.0: running means 0.5, 0.625, 0.75 */
  g_assert_cmpfloat_with_epsilon (strata_batch_value_from_running (0.5, 1, NAN, 0), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (strata_batch_value_from_running (0.625, 2, 0.5, 1), 0.75,
                                  1e-12);
  g_assert_cmpfloat_with_epsilon (strata_batch_value_from_running (0.75, 3, 0.625, 2), 1.0,
                                  1e-12);
  /* two batches at once: their mean */
  g_assert_cmpfloat_with_epsilon (strata_batch_value_from_running (0.75, 3, 0.5, 1), 0.875,
                                  1e-12);
  /* not following on (a new epoch, a resume): unknown */
  g_assert_true (isnan (strata_batch_value_from_running (0.5, 1, 0.75, 3)));
  g_assert_true (isnan (strata_batch_value_from_running (0.5, 4, NAN, 3)));
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
  g_test_add_func ("/series/batch-from-running", test_batch_from_running);
  return g_test_run ();
}
