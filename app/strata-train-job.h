/* strata-train-job.h: a training session in a worker thread, reporting to the main loop
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-project.h"
#include "strata-trainer.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TRAIN_JOB (strata_train_job_get_type ())

G_DECLARE_FINAL_TYPE (StrataTrainJob, strata_train_job, STRATA, TRAIN_JOB, GObject)

StrataTrainJob *strata_train_job_new          (StrataProject            *project,
                                               const StrataTrainOptions *options);
void            strata_train_job_set_threads  (StrataTrainJob           *self,
                                               guint                     n_threads);
void            strata_train_job_start        (StrataTrainJob           *self);
void            strata_train_job_stop         (StrataTrainJob           *self);
gboolean        strata_train_job_get_running  (StrataTrainJob           *self);
gboolean        strata_train_job_get_stopping (StrataTrainJob           *self);
const char     *strata_train_job_get_run_name (StrataTrainJob           *self);
guint           strata_train_job_get_n_dispatches (StrataTrainJob       *self);

G_END_DECLS
