/* strata-op-dropout.c: the Dropout layer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

static const StrataParamSpec dropout_params[] = {
  { "rate", N_("Rate"), N_("Fraction of values set to zero while training"),
    STRATA_PARAM_FLOAT, 0, 0.0, 0.99, NULL, "0.5", FALSE },
};

static gboolean
dropout_infer (const StrataNode  *node,
               const StrataShape *inputs,
               guint              n_inputs,
               StrataShape       *output,
               GError           **error)
{
  *output = inputs[0];
  return TRUE;
}

const StrataOpInfo strata_op_dropout = {
  .type = "Dropout",
  .category = "core",
  .label = N_("Dropout"),
  .description = N_("Randomly zeroes values while training, against overfitting"),
  .params = dropout_params,
  .n_params = G_N_ELEMENTS (dropout_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = dropout_infer,
};
