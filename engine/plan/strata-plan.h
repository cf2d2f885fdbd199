/* strata-plan.h: a model compiled to oneDNN primitives for one batch size and mode
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-model.h"

G_BEGIN_DECLS

#define STRATA_PLAN_ERROR (strata_plan_error_quark ())

typedef enum
{
  STRATA_PLAN_ERROR_UNSUPPORTED,   /* a layer setting oneDNN can't run here */
  STRATA_PLAN_ERROR_DNNL,          /* oneDNN reported an error */
  STRATA_PLAN_ERROR_NO_MEMORY,
} StrataPlanError;

GQuark strata_plan_error_quark (void);

typedef enum
{
  STRATA_PLAN_TRAIN,   /* batch statistics, dropout on, backward available */
  STRATA_PLAN_INFER,   /* moving statistics, dropout off, forward only */
} StrataPlanMode;

typedef enum
{
  STRATA_PRECISION_FP32,
  STRATA_PRECISION_BF16,   /* bf16 compute with fp32 master weights, where the CPU has it */
} StrataPrecision;

/**
 * StrataPlanOptions:
 * @mode: TRAIN or INFER
 * @batch: samples per batch
 * @precision: fp32, or bf16 where the CPU has it
 * @feature_cache: prepare strata_plan_forward_saving_features() and strata_plan_forward_features(),
 *   for a frozen-feature cache
 */
typedef struct
{
  StrataPlanMode mode;
  guint batch;
  StrataPrecision precision;
  gboolean feature_cache;
} StrataPlanOptions;

typedef struct _StrataPlan StrataPlan;

gboolean      strata_plan_has_bf16          (void);

StrataPlan   *strata_plan_new               (StrataModel             *model,
                                             const StrataPlanOptions *options,
                                             GError                 **error);
void          strata_plan_free              (StrataPlan              *plan);
StrataModel  *strata_plan_get_model         (StrataPlan              *plan);
guint         strata_plan_get_batch         (StrataPlan              *plan);
StrataPrecision strata_plan_get_precision   (StrataPlan              *plan);
float        *strata_plan_get_input         (StrataPlan              *plan);
gboolean      strata_plan_forward           (StrataPlan              *plan,
                                             guint                    n,
                                             guint64                  seed,
                                             GError                 **error);
const float  *strata_plan_get_probabilities (StrataPlan              *plan);
const float  *strata_plan_get_scores        (StrataPlan              *plan);
double        strata_plan_compute_loss      (StrataPlan              *plan,
                                             const gint32            *labels,
                                             guint                    n,
                                             guint                   *n_correct,
                                             float                   *sample_losses);
gboolean      strata_plan_backward          (StrataPlan              *plan,
                                             GError                 **error);
gsize         strata_plan_get_memory_bytes  (StrataPlan              *plan);

/* The frozen-feature cache (strata-plan-features.c) */
gsize         strata_plan_get_feature_size  (StrataPlan              *plan);
gboolean      strata_plan_forward_saving_features (StrataPlan        *plan,
                                                   guint              n,
                                                   guint64            seed,
                                                   float             *features,
                                                   GError           **error);
gboolean      strata_plan_forward_features  (StrataPlan              *plan,
                                             guint                    n,
                                             const float             *features,
                                             guint64                  seed,
                                             GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataPlan, strata_plan_free)

G_END_DECLS
