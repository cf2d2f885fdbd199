/* strata-optimizer.h: the seven optimizers of Deep Learning Studio, with Keras semantics
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-model.h"

G_BEGIN_DECLS

#define STRATA_OPTIMIZER_ERROR (strata_optimizer_error_quark ())

typedef enum
{
  STRATA_OPTIMIZER_ERROR_UNKNOWN,    /* no optimizer by that name */
  STRATA_OPTIMIZER_ERROR_STATE,      /* saved state does not fit the model */
} StrataOptimizerError;

GQuark strata_optimizer_error_quark (void);

/**
 * StrataOptimizerConfig:
 * @name: "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax" or "nadam"
 * @momentum: SGD momentum
 * @nesterov: SGD Nesterov momentum
 * @rho: RMSprop and Adadelta decay of the squared-gradient average
 * @beta_1: Adam, Adamax, Nadam first-moment decay
 * @beta_2: Adam, Adamax, Nadam second-moment decay
 * @epsilon: fuzz factor, Keras' default 1e-7
 * @decay: Keras' legacy time decay: lr / (1 + decay × iterations)
 * @initial_accumulator: Adagrad's starting accumulator value
 *
 * Values a user sets; strata_optimizer_config_init() fills in Keras' defaults.
 */
typedef struct
{
  char name[16];
  double momentum;
  gboolean nesterov;
  double rho;
  double beta_1;
  double beta_2;
  double epsilon;
  double decay;
  double initial_accumulator;
} StrataOptimizerConfig;

void              strata_optimizer_config_init (StrataOptimizerConfig       *config,
                                                const char                  *name);
const char *const *strata_optimizer_names      (void);
double            strata_optimizer_default_lr  (const char                  *name);

typedef struct _StrataOptimizer StrataOptimizer;

StrataOptimizer *strata_optimizer_new            (const StrataOptimizerConfig *config,
                                                  StrataModel                 *model,
                                                  GError                     **error);
void             strata_optimizer_free           (StrataOptimizer             *self);
void             strata_optimizer_step           (StrataOptimizer             *self,
                                                  double                       lr);
gint64           strata_optimizer_get_iterations (StrataOptimizer             *self);
GPtrArray       *strata_optimizer_get_slots      (StrataOptimizer             *self);
gboolean         strata_optimizer_restore        (StrataOptimizer             *self,
                                                  gint64                       iterations,
                                                  GPtrArray                   *slots,
                                                  GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataOptimizer, strata_optimizer_free)

G_END_DECLS
