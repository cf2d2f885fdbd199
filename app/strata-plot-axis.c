/* strata-plot-axis.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plot-axis"

#include "config.h"

#include <math.h>

#include "strata-plot-axis.h"

/*
 * After Heckbert's "Nice numbers for graph labels" (Graphics Gems, 1990): the tick step is
 * 1, 2 or 5 times a power of ten, and the axis is widened outward to whole steps, so that
 * the labels read 0.2, 0.4, 0.6 rather than 0.187, 0.374. Unlike Heckbert's loose labelling,
 * the step is the finest that fits the ticks asked for, so a plot gets as many gridlines as
 * it has room for.
 */

/**
 * strata_nice_number:
 * @x: a positive number
 * @round: round to the nearest nice number; otherwise take the smallest one ≥ @x
 *
 * Returns: 1, 2, 5 or 10 times a power of ten near @x
 */
double
strata_nice_number (double   x,
                    gboolean round)
{
  double exponent, fraction, nice;

  if (!(x > 0) || !isfinite (x))
    return 1.0;
  exponent = floor (log10 (x));
  fraction = x / pow (10, exponent);
  if (round)
    nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else
    nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * pow (10, exponent);
}

/**
 * strata_axis_init:
 * @data_min: the smallest value to show; greater than @data_max when there is no data
 * @data_max: the largest value to show
 * @max_ticks: how many ticks fit, at least 2
 *
 * Picks a range that holds the data with ticks at nice values. An empty range gives 0…1; a
 * single value gets a little room on both sides.
 */
void
strata_axis_init (StrataAxis      *axis,
                  double           data_min,
                  double           data_max,
                  guint            max_ticks,
                  StrataAxisFlags  flags)
{
  double step;

  g_return_if_fail (axis != NULL);

  max_ticks = MAX (max_ticks, 2);
  if (!isfinite (data_min) || !isfinite (data_max) || data_min > data_max)
    {
      data_min = 0;
      data_max = 1;
    }
  if (data_min == data_max)
    {
      double pad = data_min == 0 ? 0.5 : fabs (data_min) * 0.1;

      data_min -= pad;
      data_max += pad;
    }

  /* the finest nice step that still fits in max_ticks */
  step = strata_nice_number ((data_max - data_min) / (max_ticks - 1), FALSE);
  if ((flags & STRATA_AXIS_INTEGER) && step < 1)
    step = 1;
  /* Widening to whole steps can add a tick: take the next nice step until it fits. */
  while (ceil (data_max / step - 1e-9) - floor (data_min / step + 1e-9) + 1 > max_ticks)
    step = strata_nice_number (step * 1.01, FALSE);

  axis->step = step;
  axis->min = floor (data_min / step + 1e-9) * step;
  axis->max = ceil (data_max / step - 1e-9) * step;
  if (axis->max <= axis->min)
    axis->max = axis->min + step;
  axis->n_ticks = (guint) lround ((axis->max - axis->min) / step) + 1;
  axis->digits = MAX (0, (int) -floor (log10 (step) + 1e-9));
  if (flags & STRATA_AXIS_PERCENT)
    axis->digits = MAX (0, axis->digits - 2);
  axis->flags = flags;
}

/**
 * strata_axis_clamp:
 *
 * Keeps the axis within [@lower, @upper] (e.g. accuracy within 0…1) after the outward
 * rounding, dropping the ticks that fall outside.
 */
void
strata_axis_clamp (StrataAxis *axis,
                   double      lower,
                   double      upper)
{
  g_return_if_fail (axis != NULL);

  if (axis->min < lower)
    axis->min = ceil (lower / axis->step - 1e-9) * axis->step;
  if (axis->max > upper)
    axis->max = floor (upper / axis->step + 1e-9) * axis->step;
  if (axis->max <= axis->min)
    {
      axis->min = lower;
      axis->max = upper;
    }
  axis->n_ticks = (guint) floor ((axis->max - axis->min) / axis->step + 1e-9) + 1;
}

double
strata_axis_get_tick (const StrataAxis *axis,
                      guint             index)
{
  double v = axis->min + index * axis->step;

  /* -0.0 and 1e-17 read badly as labels */
  return fabs (v) < axis->step * 1e-9 ? 0.0 : v;
}

/* 0 at the axis' min, 1 at its max. */
double
strata_axis_to_unit (const StrataAxis *axis,
                     double            value)
{
  return (value - axis->min) / (axis->max - axis->min);
}

double
strata_axis_from_unit (const StrataAxis *axis,
                       double            unit)
{
  return axis->min + unit * (axis->max - axis->min);
}

static char *
format_with (const StrataAxis *axis,
             double            value,
             int               digits)
{
  if (axis->flags & STRATA_AXIS_PERCENT)
    return g_strdup_printf ("%.*f%%", digits, value * 100);
  return g_strdup_printf ("%.*f", digits, value);
}

/**
 * strata_axis_format:
 *
 * Returns: a tick label with just the decimals that tell the ticks apart
 */
char *
strata_axis_format (const StrataAxis *axis,
                    double            value)
{
  return format_with (axis, value, axis->digits);
}

/**
 * strata_axis_format_precise:
 *
 * Returns: @value with two more decimals than the ticks, for a readout
 */
char *
strata_axis_format_precise (const StrataAxis *axis,
                            double            value)
{
  return format_with (axis, value, axis->digits + 2);
}
