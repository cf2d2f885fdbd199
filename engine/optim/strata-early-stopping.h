/* strata-early-stopping.h: Keras' EarlyStopping, and the best epoch for the best checkpoint
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define STRATA_EARLY_STOPPING_ERROR (strata_early_stopping_error_quark ())

typedef enum
{
  STRATA_EARLY_STOPPING_ERROR_INVALID,   /* a setting out of range */
  STRATA_EARLY_STOPPING_ERROR_STATE,     /* saved state malformed or of another metric */
} StrataEarlyStoppingError;

GQuark strata_early_stopping_error_quark (void);

/**
 * StrataMonitorMode:
 * @STRATA_MONITOR_AUTO: decide from the metric's name, as Keras does: names ending in
 *   "acc", "accuracy" or "auc" are maximised, everything else (losses) minimised
 * @STRATA_MONITOR_MIN: lower is better
 * @STRATA_MONITOR_MAX: higher is better
 */
typedef enum
{
  STRATA_MONITOR_AUTO,
  STRATA_MONITOR_MIN,
  STRATA_MONITOR_MAX,
} StrataMonitorMode;

StrataMonitorMode strata_monitor_mode_resolve (StrataMonitorMode  mode,
                                               const char        *monitor);

/**
 * StrataEarlyStoppingConfig:
 * @monitor: the metric, e.g. "val_loss" or "val_accuracy"
 * @mode: whether lower or higher is better
 * @min_delta: the smallest change that counts as an improvement (its sign is ignored)
 * @patience: epochs without improvement before stopping; negative: never stop, only track
 *   the best epoch
 * @has_baseline: whether @baseline is set
 * @baseline: a value the metric must beat for patience to reset
 * @start_from_epoch: epochs to ignore at the start (warm-up)
 *
 * Keras' EarlyStopping arguments; strata_early_stopping_config_init() sets its defaults.
 */
typedef struct
{
  char monitor[32];
  StrataMonitorMode mode;
  double min_delta;
  int patience;
  gboolean has_baseline;
  double baseline;
  int start_from_epoch;
} StrataEarlyStoppingConfig;

/**
 * StrataEarlyStoppingResult:
 * @STRATA_EARLY_STOPPING_CONTINUE: nothing to do
 * @STRATA_EARLY_STOPPING_NEW_BEST: this epoch is the best so far: write the best checkpoint
 * @STRATA_EARLY_STOPPING_STOP: stop training after this epoch
 *
 * What strata_early_stopping_epoch_end() asks of the trainer; flags.
 */
typedef enum
{
  STRATA_EARLY_STOPPING_CONTINUE = 0,
  STRATA_EARLY_STOPPING_NEW_BEST = 1 << 0,
  STRATA_EARLY_STOPPING_STOP = 1 << 1,
} StrataEarlyStoppingResult;

void strata_early_stopping_config_init (StrataEarlyStoppingConfig *config,
                                        const char                *monitor);

typedef struct _StrataEarlyStopping StrataEarlyStopping;

StrataEarlyStopping      *strata_early_stopping_new          (const StrataEarlyStoppingConfig *config,
                                                              GError                         **error);
void                      strata_early_stopping_free         (StrataEarlyStopping             *self);
const StrataEarlyStoppingConfig *
                          strata_early_stopping_get_config   (StrataEarlyStopping             *self);
StrataMonitorMode         strata_early_stopping_get_mode     (StrataEarlyStopping             *self);
StrataEarlyStoppingResult strata_early_stopping_epoch_end    (StrataEarlyStopping             *self,
                                                              int                              epoch,
                                                              double                           value);
gboolean                  strata_early_stopping_has_best     (StrataEarlyStopping             *self);
double                    strata_early_stopping_get_best     (StrataEarlyStopping             *self);
int                       strata_early_stopping_get_best_epoch (StrataEarlyStopping           *self);
int                       strata_early_stopping_get_wait     (StrataEarlyStopping             *self);
gboolean                  strata_early_stopping_get_stopped  (StrataEarlyStopping             *self);
int                       strata_early_stopping_get_stopped_epoch (StrataEarlyStopping        *self);
void                      strata_early_stopping_rearm        (StrataEarlyStopping             *self);
JsonNode                 *strata_early_stopping_save_state   (StrataEarlyStopping             *self);
gboolean                  strata_early_stopping_load_state   (StrataEarlyStopping             *self,
                                                              JsonNode                        *state,
                                                              GError                         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataEarlyStopping, strata_early_stopping_free)

G_END_DECLS
