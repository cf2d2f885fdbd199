/* strata-checkpoint.h: weights, optimizer state and progress in one safetensors file
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "strata-model.h"
#include "strata-optimizer.h"

G_BEGIN_DECLS

/**
 * StrataTrainState:
 * @epoch: epochs finished
 * @batch: batches finished in the epoch after @epoch (0 at an epoch boundary)
 * @step: optimizer steps taken in all
 * @seed: the run's seed; with @step and @epoch it fixes every later random draw
 * @loss_sum: sum of batch losses × batch sizes in the unfinished epoch
 * @correct: correct predictions in the unfinished epoch
 * @seen: images seen in the unfinished epoch
 * @elapsed: seconds spent training so far
 * @schedule: (nullable): the learning-rate schedule's state
 * @early_stopping: (nullable): the early-stopping tracker's state
 * @optimizer: the optimizer's name
 *
 * Everything besides weights that a run needs to continue exactly where it stopped.
 */
typedef struct
{
  int epoch;
  guint batch;
  gint64 step;
  guint64 seed;
  double loss_sum;
  guint64 correct;
  guint64 seen;
  double elapsed;
  JsonNode *schedule;
  JsonNode *early_stopping;
  char *optimizer;
} StrataTrainState;

void     strata_train_state_clear   (StrataTrainState *state);

gboolean strata_checkpoint_save     (const char             *path,
                                     StrataModel            *model,
                                     StrataOptimizer        *optimizer,
                                     const StrataTrainState *state,
                                     GError                **error);
gboolean strata_checkpoint_load     (const char             *path,
                                     StrataModel            *model,
                                     StrataOptimizer        *optimizer,
                                     StrataTrainState       *state,
                                     GError                **error);
gboolean strata_checkpoint_load_matching (const char        *path,
                                          StrataModel       *model,
                                          guint             *n_loaded,
                                          GStrv             *skipped,
                                          GError           **error);

G_END_DECLS
