/* strata-op-conv.c: Conv2D and DepthwiseConv2D
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

#define KERNEL_SIZE_PARAM                                                               \
  { "kernel_size", N_("Kernel size"), N_("Height and width of the window"),             \
    STRATA_PARAM_INTS, 2, 1, 64, NULL, "[3, 3]", FALSE }
#define STRIDES_PARAM                                                                   \
  { "strides", N_("Strides"), N_("Step of the window, down and across"),                \
    STRATA_PARAM_INTS, 2, 1, 64, NULL, "[1, 1]", FALSE }
#define DILATION_PARAM                                                                  \
  { "dilation_rate", N_("Dilation"), N_("Spacing between the window's taps"),           \
    STRATA_PARAM_INTS, 2, 1, 64, NULL, "[1, 1]", TRUE }

static const StrataParamSpec conv2d_params[] = {
  { "filters", N_("Filters"), N_("Number of output channels"),
    STRATA_PARAM_INT, 0, 1, 65536, NULL, "32", FALSE },
  KERNEL_SIZE_PARAM,
  STRIDES_PARAM,
  STRATA_PARAM_PADDING,
  STRATA_PARAM_ACTIVATION ("relu"),
  DILATION_PARAM,
  STRATA_PARAM_USE_BIAS,
  STRATA_PARAM_KERNEL_INITIALIZER,
};

static const StrataParamSpec depthwise_params[] = {
  KERNEL_SIZE_PARAM,
  STRIDES_PARAM,
  STRATA_PARAM_PADDING,
  { "depth_multiplier", N_("Depth multiplier"), N_("Output channels per input channel"),
    STRATA_PARAM_INT, 0, 1, 64, NULL, "1", FALSE },
  STRATA_PARAM_ACTIVATION ("linear"),
  DILATION_PARAM,
  STRATA_PARAM_USE_BIAS,
  STRATA_PARAM_KERNEL_INITIALIZER,
};

static gboolean
window_infer (const StrataNode  *node,
              const StrataShape *input,
              int                out_channels,
              StrataShape       *output,
              GError           **error)
{
  gboolean same = strata_op_is_same_padding (node);
  int out[2];

  if (!strata_op_expect_rank (input, 3, error))
    return FALSE;
  for (int axis = 0; axis < 2; axis++)
    if (!strata_op_window_out_size (input->dims[axis],
                                    strata_node_get_int_at (node, "kernel_size", axis),
                                    strata_node_get_int_at (node, "strides", axis),
                                    strata_node_get_int_at (node, "dilation_rate", axis),
                                    same, &out[axis], NULL, NULL))
      {
        g_autofree char *text = strata_shape_to_string (input);
        g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                     _("The %d×%d window does not fit in the %s input; use “same” padding "
                       "or a smaller kernel"),
                     strata_node_get_int_at (node, "kernel_size", 0),
                     strata_node_get_int_at (node, "kernel_size", 1), text);
        return FALSE;
      }
  *output = strata_shape_3d (out[0], out[1], out_channels);
  return TRUE;
}

static gboolean
conv2d_infer (const StrataNode  *node,
              const StrataShape *inputs,
              guint              n_inputs,
              StrataShape       *output,
              GError           **error)
{
  return window_infer (node, &inputs[0], strata_node_get_int (node, "filters"), output, error);
}

static void
conv2d_count_params (const StrataNode  *node,
                     const StrataShape *inputs,
                     guint              n_inputs,
                     gint64            *n_weights,
                     gint64            *n_state)
{
  gint64 filters = strata_node_get_int (node, "filters");

  *n_weights = (gint64) strata_node_get_int_at (node, "kernel_size", 0) *
               strata_node_get_int_at (node, "kernel_size", 1) * inputs[0].dims[2] * filters +
               (strata_node_get_bool (node, "use_bias") ? filters : 0);
  *n_state = 0;
}

const StrataOpInfo strata_op_conv2d = {
  .type = "Conv2D",
  .category = "convolutional",
  .label = N_("Conv2D"),
  .description = N_("2D convolution: learned filters slid over the image"),
  .params = conv2d_params,
  .n_params = G_N_ELEMENTS (conv2d_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = conv2d_infer,
  .count_params = conv2d_count_params,
};

static gboolean
depthwise_infer (const StrataNode  *node,
                 const StrataShape *inputs,
                 guint              n_inputs,
                 StrataShape       *output,
                 GError           **error)
{
  return window_infer (node, &inputs[0],
                       inputs[0].rank == 3
                       ? inputs[0].dims[2] * strata_node_get_int (node, "depth_multiplier") : 0,
                       output, error);
}

static void
depthwise_count_params (const StrataNode  *node,
                        const StrataShape *inputs,
                        guint              n_inputs,
                        gint64            *n_weights,
                        gint64            *n_state)
{
  gint64 out = (gint64) inputs[0].dims[2] * strata_node_get_int (node, "depth_multiplier");

  *n_weights = (gint64) strata_node_get_int_at (node, "kernel_size", 0) *
               strata_node_get_int_at (node, "kernel_size", 1) * out +
               (strata_node_get_bool (node, "use_bias") ? out : 0);
  *n_state = 0;
}

const StrataOpInfo strata_op_depthwise_conv2d = {
  .type = "DepthwiseConv2D",
  .category = "convolutional",
  .label = N_("DepthwiseConv2D"),
  .description = N_("A separate convolution for each channel"),
  .params = depthwise_params,
  .n_params = G_N_ELEMENTS (depthwise_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = depthwise_infer,
  .count_params = depthwise_count_params,
};
