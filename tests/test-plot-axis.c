/* test-plot-axis.c: plot axes have nice ticks that hold the data
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include "strata-plot-axis.h"

static void
test_nice_numbers (void)
{
  g_assert_cmpfloat (strata_nice_number (0.87, TRUE), ==, 1);
  g_assert_cmpfloat (strata_nice_number (0.87, FALSE), ==, 1);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (0.23, TRUE), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (0.23, FALSE), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (34, TRUE), 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (34, FALSE), 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (1400, TRUE), 1000, 1e-9);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (1400, FALSE), 2000, 1e-9);
  g_assert_cmpfloat_with_epsilon (strata_nice_number (7.2e-5, TRUE), 1e-4, 1e-15);
  /* nothing sensible to round: 1 */
  g_assert_cmpfloat (strata_nice_number (0, TRUE), ==, 1);
  g_assert_cmpfloat (strata_nice_number (-3, TRUE), ==, 1);
  g_assert_cmpfloat (strata_nice_number (NAN, FALSE), ==, 1);
}

/* Every axis holds its data, starts and ends on a tick, and has no more ticks than asked. */
static void
check_axis (const StrataAxis *axis,
            double            lo,
            double            hi,
            guint             max_ticks)
{
  double mantissa = axis->step / pow (10, floor (log10 (axis->step)));

  g_assert_cmpfloat (axis->min, <=, lo);
  g_assert_cmpfloat (axis->max, >=, hi);
  g_assert_cmpuint (axis->n_ticks, >=, 2);
  g_assert_cmpuint (axis->n_ticks, <=, max_ticks);
  g_assert_cmpfloat_with_epsilon (strata_axis_get_tick (axis, axis->n_ticks - 1), axis->max,
                                  axis->step * 1e-6);
  g_assert_true (fabs (mantissa - 1) < 1e-9 || fabs (mantissa - 2) < 1e-9 ||
                 fabs (mantissa - 5) < 1e-9);
  /* ticks are whole multiples of the step */
  for (guint i = 0; i < axis->n_ticks; i++)
    {
      double t = strata_axis_get_tick (axis, i) / axis->step;
      g_assert_cmpfloat_with_epsilon (t, round (t), 1e-6);
    }
}

static void
test_axis_loss (void)
{
  StrataAxis axis;

  /* a training loss from 2.31 down to 0.28 */
  strata_axis_init (&axis, 0.28, 2.31, 6, STRATA_AXIS_DEFAULT);
  check_axis (&axis, 0.28, 2.31, 6);
  g_assert_cmpfloat_with_epsilon (axis.step, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.min, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.max, 2.5, 1e-12);
  g_assert_cmpint (axis.digits, ==, 1);
  g_assert_cmpfloat (strata_axis_get_tick (&axis, 0), ==, 0.0);
  g_assert_false (signbit (strata_axis_get_tick (&axis, 0)));

  /* a narrow range late in training */
  strata_axis_init (&axis, 0.2411, 0.2468, 5, STRATA_AXIS_DEFAULT);
  check_axis (&axis, 0.2411, 0.2468, 5);
  g_assert_cmpint (axis.digits, ==, 3);

  /* negative values and big ones */
  strata_axis_init (&axis, -3.2, 17, 8, STRATA_AXIS_DEFAULT);
  check_axis (&axis, -3.2, 17, 8);
  strata_axis_init (&axis, 12000, 68000, 5, STRATA_AXIS_DEFAULT);
  check_axis (&axis, 12000, 68000, 5);
  g_assert_cmpint (axis.digits, ==, 0);

  /* many sizes in a row: always valid */
  for (double hi = 0.001; hi < 1e6; hi *= 1.37)
    for (guint ticks = 3; ticks <= 10; ticks++)
      {
        strata_axis_init (&axis, hi / 7, hi, ticks, STRATA_AXIS_DEFAULT);
        check_axis (&axis, hi / 7, hi, ticks);
      }
}

static void
test_axis_degenerate (void)
{
  StrataAxis axis;

  /* no data yet: 0…1 */
  strata_axis_init (&axis, INFINITY, -INFINITY, 5, STRATA_AXIS_DEFAULT);
  g_assert_cmpfloat (axis.min, ==, 0);
  g_assert_cmpfloat (axis.max, ==, 1);
  strata_axis_init (&axis, NAN, NAN, 5, STRATA_AXIS_DEFAULT);
  g_assert_cmpfloat (axis.min, ==, 0);
  g_assert_cmpfloat (axis.max, ==, 1);

  /* one value: room on both sides */
  strata_axis_init (&axis, 0.5, 0.5, 5, STRATA_AXIS_DEFAULT);
  g_assert_cmpfloat (axis.min, <, 0.5);
  g_assert_cmpfloat (axis.max, >, 0.5);
  check_axis (&axis, 0.5, 0.5, 5);
  strata_axis_init (&axis, 0, 0, 5, STRATA_AXIS_DEFAULT);
  g_assert_cmpfloat (axis.min, <, 0);
  g_assert_cmpfloat (axis.max, >, 0);
}

static void
test_axis_integer_and_clamp (void)
{
  StrataAxis axis;

  /* epochs: whole steps even for a short range */
  strata_axis_init (&axis, 0, 2, 10, STRATA_AXIS_INTEGER);
  g_assert_cmpfloat (axis.step, ==, 1);
  g_assert_cmpuint (axis.n_ticks, ==, 3);
  strata_axis_init (&axis, 0, 0.3, 10, STRATA_AXIS_INTEGER);
  g_assert_cmpfloat (axis.step, ==, 1);
  strata_axis_init (&axis, 0, 100, 6, STRATA_AXIS_INTEGER);
  check_axis (&axis, 0, 100, 6);
  g_assert_cmpfloat (axis.step, ==, 20);

  /* accuracy from 86% to 99.6%: the axis may not pass 100% */
  strata_axis_init (&axis, 0.86, 0.996, 6, STRATA_AXIS_PERCENT);
  strata_axis_clamp (&axis, 0, 1);
  g_assert_cmpfloat (axis.max, <=, 1);
  g_assert_cmpfloat (axis.min, <=, 0.86);
  g_assert_cmpfloat (axis.max, >=, 0.996);
  strata_axis_init (&axis, 0.05, 0.999, 6, STRATA_AXIS_PERCENT);
  strata_axis_init (&axis, -0.01, 1.01, 6, STRATA_AXIS_PERCENT);
  strata_axis_clamp (&axis, 0, 1);
  g_assert_cmpfloat (axis.min, ==, 0);
  g_assert_cmpfloat (axis.max, ==, 1);
  g_assert_cmpfloat_with_epsilon (strata_axis_get_tick (&axis, axis.n_ticks - 1), 1, 1e-9);
}

static void
test_axis_mapping (void)
{
  StrataAxis axis;

  strata_axis_init (&axis, 0, 10, 6, STRATA_AXIS_DEFAULT);
  g_assert_cmpfloat (strata_axis_to_unit (&axis, axis.min), ==, 0);
  g_assert_cmpfloat (strata_axis_to_unit (&axis, axis.max), ==, 1);
  g_assert_cmpfloat_with_epsilon (strata_axis_to_unit (&axis, 5), 0.5, 1e-12);
  for (double u = 0; u <= 1; u += 0.125)
    g_assert_cmpfloat_with_epsilon (strata_axis_to_unit (&axis, strata_axis_from_unit (&axis, u)),
                                    u, 1e-12);
}

static void
test_axis_labels (void)
{
  StrataAxis axis;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

  strata_axis_init (&axis, 0.28, 2.31, 6, STRATA_AXIS_DEFAULT);
  a = strata_axis_format (&axis, 1.5);
  g_assert_cmpstr (a, ==, "1.5");
  b = strata_axis_format (&axis, strata_axis_get_tick (&axis, 0));
  g_assert_cmpstr (b, ==, "0.0");
  c = strata_axis_format_precise (&axis, 0.31432);
  g_assert_cmpstr (c, ==, "0.314");

  /* accuracy ticks every 2%: no decimals; every 0.5%: one */
  strata_axis_init (&axis, 0.86, 0.95, 6, STRATA_AXIS_PERCENT);
  d = strata_axis_format (&axis, 0.9);
  g_assert_cmpstr (d, ==, "90%");
  strata_axis_init (&axis, 0.981, 0.994, 6, STRATA_AXIS_PERCENT);
  e = strata_axis_format (&axis, 0.985);
  g_assert_cmpstr (e, ==, "98.5%");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot-axis/nice-numbers", test_nice_numbers);
  g_test_add_func ("/plot-axis/loss", test_axis_loss);
  g_test_add_func ("/plot-axis/degenerate", test_axis_degenerate);
  g_test_add_func ("/plot-axis/integer-and-clamp", test_axis_integer_and_clamp);
  g_test_add_func ("/plot-axis/mapping", test_axis_mapping);
  g_test_add_func ("/plot-axis/labels", test_axis_labels);
  return g_test_run ();
}
