/* strata-op-activation.c: the Activation layer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

static const StrataParamSpec activation_params[] = {
  STRATA_PARAM_ACTIVATION ("relu"),
  { "alpha", N_("Negative slope"), N_("Slope below zero, for leaky_relu"),
    STRATA_PARAM_FLOAT, 0, 0.0, 1.0, NULL, "0.3", TRUE },
};

static gboolean
activation_infer (const StrataNode  *node,
                  const StrataShape *inputs,
                  guint              n_inputs,
                  StrataShape       *output,
                  GError           **error)
{
  if (g_str_equal (strata_node_get_string (node, "activation"), "softmax") &&
      inputs[0].rank != 1)
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                   _("Softmax works on class scores; put it after a Dense layer"));
      return FALSE;
    }
  *output = inputs[0];
  return TRUE;
}

const StrataOpInfo strata_op_activation = {
  .type = "Activation",
  .category = "activations",
  .label = N_("Activation"),
  .description = N_("Applies a function to every value: relu, sigmoid, softmax…"),
  .params = activation_params,
  .n_params = G_N_ELEMENTS (activation_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = activation_infer,
};
