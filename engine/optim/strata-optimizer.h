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
  STRATA_OPTIMIZER_ERROR_INVALID,    /* a setting out of range, or tensors it can't train */
} StrataOptimizerError;

GQuark strata_optimizer_error_quark (void);

/**
 * StrataOptimizerConfig:
 * @name: "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax" or "nadam"
 * @momentum: SGD and RMSprop momentum, in [0, 1]
 * @nesterov: SGD Nesterov momentum (only with @momentum > 0, as in Keras)
 * @rho: RMSprop and Adadelta decay of the squared-gradient average
 * @beta_1: Adam, Adamax, Nadam first-moment decay
 * @beta_2: Adam, Adamax, Nadam second-moment decay
 * @epsilon: fuzz factor, Keras' default 1e-7. Unlike Keras (which silently puts 1e-7 in
 *   place of 0), 0 is kept as 0.
 * @decay: Keras' legacy time decay: the step uses lr / (1 + decay × iterations), where
 *   iterations counts the steps before this one. Applies to all seven; note that Keras'
 *   legacy Nadam ignores its `decay` argument (it is overwritten by schedule_decay), so
 *   Nadam equals Keras only for decay = 0.
 * @initial_accumulator: Adagrad's starting accumulator value
 * @centered: RMSprop: normalise by the estimated variance instead of the second moment
 * @schedule_decay: Nadam's momentum-cache schedule decay (Keras' `schedule_decay`, 0.004)
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
  gboolean centered;
  double schedule_decay;
} StrataOptimizerConfig;

void               strata_optimizer_config_init (StrataOptimizerConfig       *config,
                                                 const char                  *name);
const char *const *strata_optimizer_names       (void);
double             strata_optimizer_default_lr  (const char                  *name);

typedef struct _StrataOptimizer StrataOptimizer;

/**
 * StrataOptimizerRestoreFlags:
 * @STRATA_OPTIMIZER_RESTORE_DEFAULT: the saved slots must be exactly this optimizer's slots
 * @STRATA_OPTIMIZER_RESTORE_PARTIAL: restore the slots whose names match; slots of tensors
 *   trained now but not then keep their initial value, saved slots nobody here has are
 *   skipped. For a resume that trains more (or fewer) layers. Shapes must still match.
 */
typedef enum
{
  STRATA_OPTIMIZER_RESTORE_DEFAULT = 0,
  STRATA_OPTIMIZER_RESTORE_PARTIAL = 1 << 0,
} StrataOptimizerRestoreFlags;

StrataOptimizer *strata_optimizer_new             (const StrataOptimizerConfig *config,
                                                   StrataModel                 *model,
                                                   GError                     **error);
StrataOptimizer *strata_optimizer_new_for_tensors (const StrataOptimizerConfig *config,
                                                   GPtrArray                   *params,
                                                   GError                     **error);
void             strata_optimizer_free            (StrataOptimizer             *self);
const StrataOptimizerConfig *
                 strata_optimizer_get_config      (StrataOptimizer             *self);
GPtrArray       *strata_optimizer_get_params      (StrataOptimizer             *self);
void             strata_optimizer_step            (StrataOptimizer             *self,
                                                   double                       lr);
double           strata_optimizer_get_decayed_lr  (StrataOptimizer             *self,
                                                   double                       lr);
gint64           strata_optimizer_get_iterations  (StrataOptimizer             *self);
GPtrArray       *strata_optimizer_get_slots       (StrataOptimizer             *self);
gboolean         strata_optimizer_restore         (StrataOptimizer             *self,
                                                   gint64                       iterations,
                                                   GPtrArray                   *slots,
                                                   GError                     **error);
gboolean         strata_optimizer_restore_full    (StrataOptimizer             *self,
                                                   gint64                       iterations,
                                                   GPtrArray                   *slots,
                                                   StrataOptimizerRestoreFlags  flags,
                                                   GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataOptimizer, strata_optimizer_free)

G_END_DECLS
