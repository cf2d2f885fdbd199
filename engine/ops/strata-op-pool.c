/* strata-op-pool.c: max, average and global pooling
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

/* strides [0, 0] means "the pool size", Keras' strides=None. */
static const StrataParamSpec pool_params[] = {
  { "pool_size", N_("Pool size"), N_("Height and width of the window"),
    STRATA_PARAM_INTS, 2, 1, 64, NULL, "[2, 2]", FALSE },
  { "strides", N_("Strides"), N_("Step of the window; 0 means the pool size"),
    STRATA_PARAM_INTS, 2, 0, 64, NULL, "[0, 0]", FALSE },
  STRATA_PARAM_PADDING,
};

static gboolean
pool_infer (const StrataNode  *node,
            const StrataShape *inputs,
            guint              n_inputs,
            StrataShape       *output,
            GError           **error)
{
  gboolean same = strata_op_is_same_padding (node);
  int out[2];

  if (!strata_op_expect_rank (&inputs[0], 3, error))
    return FALSE;
  for (int axis = 0; axis < 2; axis++)
    {
      int pool = strata_node_get_int_at (node, "pool_size", axis);
      int stride = strata_node_get_int_at (node, "strides", axis);

      if (!strata_op_window_out_size (inputs[0].dims[axis], pool, stride ? stride : pool, 1,
                                      same, &out[axis], NULL, NULL))
        {
          g_autofree char *text = strata_shape_to_string (&inputs[0]);
          g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                       _("The %d×%d pool does not fit in the %s input"),
                       strata_node_get_int_at (node, "pool_size", 0),
                       strata_node_get_int_at (node, "pool_size", 1), text);
          return FALSE;
        }
    }
  *output = strata_shape_3d (out[0], out[1], inputs[0].dims[2]);
  return TRUE;
}

const StrataOpInfo strata_op_max_pooling2d = {
  .type = "MaxPooling2D",
  .category = "pooling",
  .label = N_("MaxPooling2D"),
  .description = N_("Keeps the largest value of each window"),
  .params = pool_params,
  .n_params = G_N_ELEMENTS (pool_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = pool_infer,
};

const StrataOpInfo strata_op_average_pooling2d = {
  .type = "AveragePooling2D",
  .category = "pooling",
  .label = N_("AveragePooling2D"),
  .description = N_("Averages each window"),
  .params = pool_params,
  .n_params = G_N_ELEMENTS (pool_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = pool_infer,
};

static gboolean
global_pool_infer (const StrataNode  *node,
                   const StrataShape *inputs,
                   guint              n_inputs,
                   StrataShape       *output,
                   GError           **error)
{
  if (!strata_op_expect_rank (&inputs[0], 3, error))
    return FALSE;
  *output = strata_shape_1d (inputs[0].dims[2]);
  return TRUE;
}

const StrataOpInfo strata_op_global_average_pooling2d = {
  .type = "GlobalAveragePooling2D",
  .category = "pooling",
  .label = N_("GlobalAveragePooling2D"),
  .description = N_("Averages each channel over the whole image"),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = global_pool_infer,
};

const StrataOpInfo strata_op_global_max_pooling2d = {
  .type = "GlobalMaxPooling2D",
  .category = "pooling",
  .label = N_("GlobalMaxPooling2D"),
  .description = N_("Keeps each channel's largest value over the whole image"),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = global_pool_infer,
};
