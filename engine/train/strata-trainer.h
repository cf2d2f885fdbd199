/* strata-trainer.h: a training session: epochs, validation, checkpoints, resume, cancel
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-project.h"
#include "strata-run.h"
#include "strata-zoo.h"

G_BEGIN_DECLS

#define STRATA_TRAIN_ERROR (strata_train_error_quark ())

typedef enum
{
  STRATA_TRAIN_ERROR_INVALID,     /* the settings can't be trained as they are */
  STRATA_TRAIN_ERROR_DIVERGED,    /* the loss became NaN or infinite */
} StrataTrainError;

GQuark strata_train_error_quark (void);

typedef enum
{
  STRATA_TRAIN_EVENT_STARTED,
  STRATA_TRAIN_EVENT_BATCH,
  STRATA_TRAIN_EVENT_EPOCH,
  STRATA_TRAIN_EVENT_FINISHED,
} StrataTrainEventType;

/**
 * StrataTrainEvent:
 * @type: what happened
 * @run: the run's name
 * @epoch: the epoch in progress (BATCH) or just finished (EPOCH), from 1
 * @epochs: the epoch the run trains up to
 * @batch: batches done in @epoch
 * @n_batches: batches per epoch
 * @step: optimizer steps in all
 * @loss: mean training loss over @epoch so far
 * @accuracy: training accuracy over @epoch so far
 * @batch_loss: this batch's loss (BATCH)
 * @batch_accuracy: this batch's training accuracy (BATCH)
 * @val_loss: validation loss (EPOCH; NAN without a validation split)
 * @val_accuracy: validation accuracy (EPOCH)
 * @lr: the learning rate of the last step
 * @images_per_second: training throughput, smoothed (BATCH) or over the epoch (EPOCH)
 * @epoch_seconds: seconds the epoch took (EPOCH)
 * @elapsed: seconds of training in the run so far, resumed sessions included
 * @eta: seconds left to the last epoch, estimated
 * @monitor: the metric that picks the best checkpoint, e.g. "val_accuracy"
 * @best_value: its best value so far
 * @best_epoch: the epoch it came from (0 before the first)
 * @is_best: this epoch is the new best (EPOCH)
 * @status: FINISHED: "finished", "stopped" (cancelled; resumable) or "early-stopped"
 * @precision: STARTED: what the run computes in, "fp32" or "bf16"
 * @precision_requested: STARTED: what its hyperparameters ask for; bf16 on a processor
 *   without AVX512-BF16 runs in fp32
 * @n_skipped: FINISHED: images left out of training (unlisted or undecodable); run.json's
 *   "skipped" names each with its reason
 */
typedef struct
{
  StrataTrainEventType type;
  const char *run;
  int epoch;
  int epochs;
  guint batch;
  guint n_batches;
  gint64 step;
  double loss;
  double accuracy;
  double batch_loss;
  double batch_accuracy;
  double val_loss;
  double val_accuracy;
  double lr;
  double images_per_second;
  double epoch_seconds;
  double elapsed;
  double eta;
  const char *monitor;
  double best_value;
  int best_epoch;
  gboolean is_best;
  const char *status;
  const char *precision;
  const char *precision_requested;
  guint n_skipped;
} StrataTrainEvent;

JsonNode *strata_train_event_to_json (const StrataTrainEvent *event);

typedef void (*StrataTrainCallback) (const StrataTrainEvent *event,
                                     gpointer                user_data);

/**
 * StrataTrainOptions:
 * @run_name: (nullable): name of a new run; %NULL picks "run-N"
 * @resume: (nullable): an existing run to continue from its last checkpoint
 * @epochs: train up to this epoch; 0 takes the hyperparameters' value
 * @learning_rate: overrides the hyperparameters' when > 0
 * @init_from: (nullable): "RUN" or "RUN:best"/"RUN:last": start a new run from those weights
 * @max_batches: stop after this many batches in all (tests, benchmarks); 0 for no limit
 * @checkpoint_interval: seconds between mid-epoch checkpoints; 0 for the default (300)
 * @weights_progress: (nullable): reports the download of pretrained weights a new run needs
 *   and no cache holds, from the thread that makes the trainer
 * @weights_progress_data: its user data
 * @weights_cancellable: (nullable): stops that download
 */
typedef struct
{
  const char *run_name;
  const char *resume;
  int epochs;
  double learning_rate;
  const char *init_from;
  guint64 max_batches;
  double checkpoint_interval;
  StrataZooProgress weights_progress;
  gpointer weights_progress_data;
  GCancellable *weights_cancellable;
} StrataTrainOptions;

typedef struct _StrataTrainer StrataTrainer;

/* A new run is added to the project's list; saving the project is the caller's. */
StrataTrainer *strata_trainer_new          (StrataProject            *project,
                                            const StrataTrainOptions *options,
                                            GError                  **error);
void           strata_trainer_free         (StrataTrainer            *self);
StrataRun     *strata_trainer_get_run      (StrataTrainer            *self);
gboolean       strata_trainer_run          (StrataTrainer            *self,
                                            GCancellable             *cancellable,
                                            StrataTrainCallback       callback,
                                            gpointer                  user_data,
                                            GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTrainer, strata_trainer_free)

G_END_DECLS
