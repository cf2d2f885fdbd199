/* strata-series.h: a plotted metric: points, their range, smoothing and thinning for drawing
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-batch-history.h"

G_BEGIN_DECLS

typedef struct
{
  double x;
  double y;
} StrataSeriesPoint;

typedef struct _StrataSeries StrataSeries;

StrataSeries            *strata_series_new           (void);
StrataSeries            *strata_series_ref           (StrataSeries            *self);
void                     strata_series_unref         (StrataSeries            *self);
void                     strata_series_append        (StrataSeries            *self,
                                                      double                   x,
                                                      double                   y);
void                     strata_series_clear         (StrataSeries            *self);
void                     strata_series_truncate      (StrataSeries            *self,
                                                      double                   x);
guint                    strata_series_get_n_points  (StrataSeries            *self);
const StrataSeriesPoint *strata_series_get_points    (StrataSeries            *self);
gboolean                 strata_series_get_range     (StrataSeries            *self,
                                                      double                  *x_min,
                                                      double                  *x_max,
                                                      double                  *y_min,
                                                      double                  *y_max);
gboolean                 strata_series_find_nearest  (StrataSeries            *self,
                                                      double                   x,
                                                      guint                   *index);
GArray                  *strata_series_thin          (StrataSeries            *self,
                                                      double                   x_start,
                                                      double                   x_step);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSeries, strata_series_unref)

/**
 * StrataSmoother:
 *
 * An exponential moving average with bias correction, as TensorBoard smooths noisy training
 * curves: the first values are not dragged towards zero.
 */
typedef struct
{
  double weight;
  double average;
  double decay;     /* weight^n, for the bias correction */
} StrataSmoother;

void    strata_smoother_init  (StrataSmoother *self,
                               double          weight);
double  strata_smoother_push  (StrataSmoother *self,
                               double          value);
double  strata_smoother_push_n (StrataSmoother *self,
                                double          value,
                                guint           n);

/* how many smoothing steps an epoch has at most, whatever its batches */
#define STRATA_SMOOTHING_STEPS_PER_EPOCH 50

double  strata_smoother_weight_per_batch (double weight,
                                          double batches_per_epoch);
void    strata_series_add_batch_points   (StrataSeries   *loss,
                                          StrataSeries   *accuracy,
                                          GArray         *points,
                                          StrataSmoother *loss_smoother,
                                          StrataSmoother *accuracy_smoother);
double  strata_batch_points_per_epoch    (GArray         *points);

G_END_DECLS
