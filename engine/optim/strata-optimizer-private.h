/* strata-optimizer-private.h: the per-element update loops behind strata_optimizer_step()
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-optimizer.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_OPTIMIZER_SGD,
  STRATA_OPTIMIZER_RMSPROP,
  STRATA_OPTIMIZER_ADAGRAD,
  STRATA_OPTIMIZER_ADADELTA,
  STRATA_OPTIMIZER_ADAM,
  STRATA_OPTIMIZER_ADAMAX,
  STRATA_OPTIMIZER_NADAM,
} StrataOptimizerKind;

/* At most three slots per parameter: RMSprop centered with momentum has rms, momentum, mg. */
#define STRATA_OPTIMIZER_MAX_SLOTS 3

/*
 * The scalars of one step, computed once in double precision and rounded to float, as
 * tf.keras computes them in the variable's dtype. Which fields are used depends on the kind.
 */
typedef struct
{
  StrataOptimizerKind kind;
  gboolean momentum;        /* SGD and RMSprop: a momentum slot exists */
  gboolean nesterov;
  gboolean centered;

  float lr;                 /* decayed learning rate */
  float mu;                 /* momentum */
  float rho;
  float one_minus_rho;
  float epsilon;
  float beta_1;
  float beta_2;
  float one_minus_beta_1;
  float one_minus_beta_2;
  float alpha;              /* Adam: lr·√(1−β₂ᵗ)/(1−β₁ᵗ); Adamax: lr/(1−β₁ᵗ) */
  float nadam_g;            /* Nadam: (1−μₜ)/(1−Πμ up to t) */
  float nadam_m;            /* Nadam: μₜ₊₁/(1−Πμ up to t+1) */
  float nadam_v;            /* Nadam: 1/(1−β₂ᵗ) */
} StrataOptimizerCoeffs;

void _strata_optimizer_apply (const StrataOptimizerCoeffs *c,
                              float                       *data,
                              const float                 *diff,
                              float                       *slot0,
                              float                       *slot1,
                              float                       *slot2,
                              gint64                       n);

void _strata_optimizer_set_owner (StrataOptimizer *self,
                                  gpointer         owner,
                                  GDestroyNotify   destroy);

G_END_DECLS
