/* strata-op-norm.c: BatchNormalization
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

static const StrataParamSpec batch_norm_params[] = {
  { "momentum", N_("Momentum"), N_("How slowly the moving mean and variance follow each batch"),
    STRATA_PARAM_FLOAT, 0, 0.0, 1.0, NULL, "0.99", FALSE },
  { "epsilon", N_("Epsilon"), N_("Added to the variance so it is never zero"),
    STRATA_PARAM_FLOAT, 0, 1e-12, 1.0, NULL, "0.001", TRUE },
  { "center", N_("Center"), N_("Learn an offset (beta)"),
    STRATA_PARAM_BOOL, 0, 0, 0, NULL, "true", TRUE },
  { "scale", N_("Scale"), N_("Learn a scale (gamma)"),
    STRATA_PARAM_BOOL, 0, 0, 0, NULL, "true", TRUE },
};

static gboolean
batch_norm_infer (const StrataNode  *node,
                  const StrataShape *inputs,
                  guint              n_inputs,
                  StrataShape       *output,
                  GError           **error)
{
  *output = inputs[0];
  return TRUE;
}

/* Normalises over the last axis: channels of images, or features of flat inputs. */
static void
batch_norm_count_params (const StrataNode  *node,
                         const StrataShape *inputs,
                         guint              n_inputs,
                         gint64            *n_weights,
                         gint64            *n_state)
{
  gint64 channels = inputs[0].dims[inputs[0].rank - 1];

  *n_weights = (strata_node_get_bool (node, "scale") ? channels : 0) +
               (strata_node_get_bool (node, "center") ? channels : 0);
  *n_state = 2 * channels;
}

const StrataOpInfo strata_op_batch_normalization = {
  .type = "BatchNormalization",
  .category = "normalization",
  .label = N_("BatchNormalization"),
  .description = N_("Normalises each channel to zero mean and unit variance"),
  .params = batch_norm_params,
  .n_params = G_N_ELEMENTS (batch_norm_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = batch_norm_infer,
  .count_params = batch_norm_count_params,
};
