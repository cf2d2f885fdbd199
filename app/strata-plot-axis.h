/* strata-plot-axis.h: axis ranges with nice ticks, and the mapping from values to the plot
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  STRATA_AXIS_DEFAULT = 0,
  STRATA_AXIS_INTEGER = 1 << 0,   /* ticks on whole numbers only (epochs) */
  STRATA_AXIS_PERCENT = 1 << 1,   /* labels as percentages of 1 (accuracy) */
} StrataAxisFlags;

/**
 * StrataAxis:
 * @min: the lowest value on the axis, a multiple of @step at or below the data
 * @max: the highest, a multiple of @step at or above the data
 * @step: the distance between ticks: 1, 2 or 5 times a power of ten
 * @n_ticks: ticks from @min to @max inclusive
 * @digits: decimals that tell the ticks apart
 * @flags: how the axis was made
 */
typedef struct
{
  double min;
  double max;
  double step;
  guint n_ticks;
  int digits;
  StrataAxisFlags flags;
} StrataAxis;

double   strata_nice_number     (double            x,
                                 gboolean          round);
void     strata_axis_init       (StrataAxis       *axis,
                                 double            data_min,
                                 double            data_max,
                                 guint             max_ticks,
                                 StrataAxisFlags   flags);
void     strata_axis_clamp      (StrataAxis       *axis,
                                 double            lower,
                                 double            upper);
double   strata_axis_get_tick   (const StrataAxis *axis,
                                 guint             index);
double   strata_axis_to_unit    (const StrataAxis *axis,
                                 double            value);
double   strata_axis_from_unit  (const StrataAxis *axis,
                                 double            unit);
char    *strata_axis_format     (const StrataAxis *axis,
                                 double            value);
char    *strata_axis_format_precise (const StrataAxis *axis,
                                     double            value);

G_END_DECLS
