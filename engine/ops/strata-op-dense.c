/* strata-op-dense.c: the Dense (fully connected) layer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

static const StrataParamSpec dense_params[] = {
  { "units", N_("Units"), N_("Number of outputs"),
    STRATA_PARAM_INT, 0, 1, 1 << 20, NULL, "128", FALSE },
  STRATA_PARAM_ACTIVATION ("relu"),
  STRATA_PARAM_USE_BIAS,
  STRATA_PARAM_KERNEL_INITIALIZER,
};

static gboolean
dense_infer (const StrataNode  *node,
             const StrataShape *inputs,
             guint              n_inputs,
             StrataShape       *output,
             GError           **error)
{
  if (!strata_op_expect_rank (&inputs[0], 1, error))
    return FALSE;
  *output = strata_shape_1d (strata_node_get_int (node, "units"));
  return TRUE;
}

static void
dense_count_params (const StrataNode  *node,
                    const StrataShape *inputs,
                    guint              n_inputs,
                    gint64            *n_weights,
                    gint64            *n_state)
{
  gint64 units = strata_node_get_int (node, "units");

  *n_weights = inputs[0].dims[0] * units + (strata_node_get_bool (node, "use_bias") ? units : 0);
  *n_state = 0;
}

const StrataOpInfo strata_op_dense = {
  .type = "Dense",
  .category = "core",
  .label = N_("Dense"),
  .description = N_("Every output is a weighted sum of every input"),
  .params = dense_params,
  .n_params = G_N_ELEMENTS (dense_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = dense_infer,
  .count_params = dense_count_params,
};
