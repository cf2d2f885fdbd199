/* strata-lr-finder.h: a short run with a growing learning rate, to pick one
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "strata-progress.h"
#include "strata-project.h"

G_BEGIN_DECLS

/**
 * StrataLrFinderOptions:
 * @start_lr: the first step's learning rate; 0 for 1e-7
 * @end_lr: the last step's; 0 for 10
 * @steps: steps from @start_lr to @end_lr, growing exponentially; 0 for 100
 * @smoothing: weight of the past in the loss's moving average; 0 for 0.98
 * @diverge_factor: stop when the smoothed loss passes this many times its lowest; 0 for 4
 * @progress: (nullable): called after every step
 * @progress_data: its data
 */
typedef struct
{
  double start_lr;
  double end_lr;
  guint steps;
  double smoothing;
  double diverge_factor;
  StrataProgressFunc progress;
  gpointer progress_data;
} StrataLrFinderOptions;

/**
 * StrataLrFinderResult:
 * @n: steps taken
 * @lr: (array length=n): each step's learning rate
 * @loss: (array length=n): each step's batch loss
 * @smoothed: (array length=n): the bias-corrected moving average of the loss
 * @suggested_lr: where the smoothed loss falls fastest (per log-unit of learning rate),
 *   before its lowest point; NAN when the curve gives no such point
 * @min_loss_lr: where the smoothed loss is lowest
 * @diverged: the loss exploded and the search stopped early
 * @optimizer: the optimizer the search used (the project's)
 * @batch_size: its batch size
 */
typedef struct
{
  guint n;
  double *lr;
  double *loss;
  double *smoothed;
  double suggested_lr;
  double min_loss_lr;
  gboolean diverged;
  char *optimizer;
  guint batch_size;
} StrataLrFinderResult;

StrataLrFinderResult *strata_lr_find                  (StrataProject               *project,
                                                       const StrataLrFinderOptions *options,
                                                       GCancellable                *cancellable,
                                                       GError                     **error);
void                  strata_lr_finder_result_free    (StrataLrFinderResult        *self);
JsonNode             *strata_lr_finder_result_to_json (const StrataLrFinderResult  *self);
double                strata_lr_finder_suggest        (const double                *lr,
                                                       const double                *smoothed,
                                                       guint                        n,
                                                       double                      *min_loss_lr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLrFinderResult, strata_lr_finder_result_free)

G_END_DECLS
