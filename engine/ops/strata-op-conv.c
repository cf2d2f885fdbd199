/* strata-op-conv.c: Conv2D and DepthwiseConv2D
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-kernels.h"
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

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  StrataActStage stage;
  dnnl_primitive_desc_t fwd_pd;
  dnnl_memory_t src;               /* the input as the forward read it */
  gboolean recompute_src;          /* the weight gradient computes it again, not kept */
  StrataTensor *kernel;
  StrataTensor *bias;
  dnnl_memory_desc_t plain_weights;
  dnnl_memory_desc_t bias_md;
  int ndims_weights;
  dnnl_dims_t weights_dims;
  dnnl_dims_t strides, dilates, pad_l, pad_r;
} ConvPriv;

static void
conv_priv_free (ConvPriv *priv)
{
  _strata_act_stage_clear (&priv->stage);
  g_clear_pointer (&priv->fwd_pd, dnnl_primitive_desc_destroy);
  g_free (priv);
}

/* Conv2D and DepthwiseConv2D (groups = channels). Keras' dilation_rate d is oneDNN's d − 1. */
static gboolean
conv_build_forward (StrataPlan       *plan,
                    StrataPlanLayer  *layer,
                    GError          **error)
{
  dnnl_status_t status;
  ConvPriv *priv = g_new0 (ConvPriv, 1);
  StrataNode *node = layer->node;
  const StrataShape *in = &layer->inputs[0]->shape;
  gboolean depthwise = g_str_equal (layer->op->type, "DepthwiseConv2D");
  gboolean same = strata_op_is_same_padding (node);
  dnnl_memory_desc_t src_md, weights_md, dst_md;
  dnnl_convolution_desc_t desc;
  dnnl_primitive_attr_t attr;
  StrataPlanPrim *prim;
  dnnl_memory_t src, weights, bias = NULL, dst;
  int kh = strata_node_get_int_at (node, "kernel_size", 0);
  int kw = strata_node_get_int_at (node, "kernel_size", 1);
  int channels = in->dims[2], out = layer->shape.dims[2];

  layer->priv = priv;
  layer->priv_free = (GDestroyNotify) conv_priv_free;
  _strata_act_stage_init (&priv->stage, layer);

  for (int axis = 0; axis < 2; axis++)
    {
      int stride = strata_node_get_int_at (node, "strides", axis);
      int dilation = strata_node_get_int_at (node, "dilation_rate", axis);
      _strata_op_window_pads (layer, axis, axis ? kw : kh, stride, dilation, same,
                              &priv->pad_l[axis], &priv->pad_r[axis]);
      priv->strides[axis] = stride;
      priv->dilates[axis] = dilation - 1;
    }

  if (depthwise)
    {
      priv->kernel = _strata_plan_tensor (plan, layer, "depthwise_kernel");
      priv->ndims_weights = 5;
      priv->weights_dims[0] = channels;
      priv->weights_dims[1] = out / channels;
      priv->weights_dims[2] = 1;
      priv->weights_dims[3] = kh;
      priv->weights_dims[4] = kw;
      _strata_md_plain (&priv->plain_weights, 5, priv->weights_dims, dnnl_goihw);
    }
  else
    {
      priv->kernel = _strata_plan_tensor (plan, layer, "kernel");
      priv->ndims_weights = 4;
      priv->weights_dims[0] = out;
      priv->weights_dims[1] = channels;
      priv->weights_dims[2] = kh;
      priv->weights_dims[3] = kw;
      _strata_md_plain (&priv->plain_weights, 4, priv->weights_dims, dnnl_oihw);
    }
  priv->bias = _strata_plan_tensor (plan, layer, "bias");
  if (priv->bias)
    {
      dnnl_dims_t dims = { out };
      _strata_md_plain (&priv->bias_md, 1, dims, dnnl_x);
    }

  /* oneDNN picks the layouts (for the input image often NCHW, a view when channels = 1) */
  _strata_md_activation (plan, in, &src_md, TRUE);
  _strata_md_any (&weights_md, priv->ndims_weights, priv->weights_dims,
                  _strata_plan_data_type (plan));
  _strata_md_activation (plan, &layer->shape, &dst_md, TRUE);

  status = dnnl_dilated_convolution_forward_desc_init (&desc,
                                                       _strata_plan_is_training (plan)
                                                       ? dnnl_forward_training : dnnl_forward_inference,
                                                       dnnl_convolution_direct, &src_md, &weights_md,
                                                       priv->bias ? &priv->bias_md : NULL, &dst_md,
                                                       priv->strides, priv->dilates, priv->pad_l,
                                                       priv->pad_r);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  attr = _strata_act_stage_attr (plan, &priv->stage);
  prim = _strata_op_prim (plan, &desc, attr, NULL, &priv->fwd_pd, "set up a convolution",
                          error);
  dnnl_primitive_attr_destroy (attr);
  if (prim == NULL)
    return FALSE;

  priv->recompute_src = layer->trainable &&
                        _strata_plan_src_recomputable (plan, layer, 0,
                                                       _strata_pd_md (priv->fwd_pd,
                                                                      dnnl_query_src_md));
  src = _strata_plan_src (plan, layer, 0, _strata_pd_md (priv->fwd_pd, dnnl_query_src_md),
                          layer->trainable && !priv->recompute_src, error);
  weights = src ? _strata_plan_weights (plan, priv->kernel, &priv->plain_weights,
                                        _strata_pd_md (priv->fwd_pd, dnnl_query_weights_md),
                                        error) : NULL;
  if (weights && priv->bias)
    bias = _strata_plan_mem_wrap (plan, &priv->bias_md, priv->bias->data, error);
  if (weights == NULL || (priv->bias && bias == NULL))
    return FALSE;
  dst = _strata_act_stage_output (plan, layer, &priv->stage,
                                  _strata_pd_md (priv->fwd_pd, dnnl_query_dst_md), error);
  if (dst == NULL)
    return FALSE;
  priv->src = src;
  _strata_plan_exec (plan, layer->forward, prim, 4, DNNL_ARG_SRC, src, DNNL_ARG_WEIGHTS, weights,
                     DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst);
  return _strata_act_stage_forward (plan, layer, &priv->stage, error);
}

static gboolean
conv_build_backward (StrataPlan       *plan,
                     StrataPlanLayer  *layer,
                     GError          **error)
{
  dnnl_status_t status;
  ConvPriv *priv = layer->priv;
  const StrataShape *in = &layer->inputs[0]->shape;
  int t = _strata_plan_t_backward (plan, layer);
  dnnl_memory_desc_t src_md, weights_md, diff_weights_md, dst_md, diff_bias_md;
  dnnl_convolution_desc_t desc;
  dnnl_primitive_desc_t pd = NULL;
  StrataPlanPrim *prim;
  dnnl_memory_t diff_pre;

  diff_pre = _strata_act_stage_backward (plan, layer, &priv->stage, error);
  if (diff_pre == NULL)
    return FALSE;
  _strata_md_activation (plan, in, &src_md, TRUE);
  _strata_md_any (&weights_md, priv->ndims_weights, priv->weights_dims,
                  _strata_plan_data_type (plan));
  /* weight gradients are f32 whatever the compute type: they go to the f32 master weights */
  _strata_md_any (&diff_weights_md, priv->ndims_weights, priv->weights_dims, dnnl_f32);
  _strata_md_activation (plan, &layer->shape, &dst_md, TRUE);
  diff_bias_md = priv->bias_md;

  if (layer->trainable)
    {
      dnnl_memory_t src, diff_dst, diff_weights, diff_bias = NULL;

      status = dnnl_dilated_convolution_backward_weights_desc_init (&desc, dnnl_convolution_direct,
                                                                    &src_md, &diff_weights_md,
                                                                    priv->bias ? &diff_bias_md : NULL,
                                                                    &dst_md, priv->strides,
                                                                    priv->dilates, priv->pad_l,
                                                                    priv->pad_r);
      if (!_strata_plan_check (status, "describe the operation", error))
        return FALSE;
      prim = _strata_op_prim (plan, &desc, NULL, priv->fwd_pd, &pd,
                              "set up a convolution's weight gradient", error);
      if (prim == NULL)
        return FALSE;
      src = priv->recompute_src ? _strata_plan_src_recompute (plan, layer, 0, error) : priv->src;
      src = src ? _strata_plan_as (plan, layer->backward, src,
                                   _strata_pd_md (pd, dnnl_query_src_md), t, error) : NULL;
      diff_dst = src ? _strata_plan_as (plan, layer->backward, diff_pre,
                                        _strata_pd_md (pd, dnnl_query_diff_dst_md), t, error)
                     : NULL;
      diff_weights = diff_dst ? _strata_plan_diff_weights (plan, layer, priv->kernel,
                                                           &priv->plain_weights,
                                                           _strata_pd_md (pd, dnnl_query_diff_weights_md),
                                                           error) : NULL;
      if (diff_weights && priv->bias)
        diff_bias = _strata_plan_mem_wrap (plan, &priv->bias_md, priv->bias->diff, error);
      dnnl_primitive_desc_destroy (pd);
      if (diff_weights == NULL || (priv->bias && diff_bias == NULL))
        return FALSE;
      _strata_plan_exec (plan, layer->backward, prim, 4, DNNL_ARG_SRC, src,
                         DNNL_ARG_DIFF_DST, diff_dst, DNNL_ARG_DIFF_WEIGHTS, diff_weights,
                         DNNL_ARG_DIFF_BIAS, diff_bias);
      if (!_strata_plan_diff_weights_done (plan, layer, priv->kernel, &priv->plain_weights,
                                           diff_weights, error))
        return FALSE;
    }

  if (_strata_plan_wants_diff_src (layer, 0))
    {
      dnnl_memory_t weights, diff_dst, diff_src;

      status = dnnl_dilated_convolution_backward_data_desc_init (&desc, dnnl_convolution_direct,
                                                                 &src_md, &weights_md, &dst_md,
                                                                 priv->strides, priv->dilates,
                                                                 priv->pad_l, priv->pad_r);
      if (!_strata_plan_check (status, "describe the operation", error))
        return FALSE;
      prim = _strata_op_prim (plan, &desc, NULL, priv->fwd_pd, &pd,
                              "set up a convolution's input gradient", error);
      if (prim == NULL)
        return FALSE;
      weights = _strata_plan_weights_backward (plan, layer, priv->kernel, &priv->plain_weights,
                                               _strata_pd_md (pd, dnnl_query_weights_md), error);
      diff_dst = weights ? _strata_plan_as (plan, layer->backward, diff_pre,
                                            _strata_pd_md (pd, dnnl_query_diff_dst_md), t,
                                            error) : NULL;
      diff_src = diff_dst ? _strata_plan_diff_src (plan, layer, 0,
                                                   _strata_pd_md (pd, dnnl_query_diff_src_md),
                                                   error) : NULL;
      dnnl_primitive_desc_destroy (pd);
      if (diff_src == NULL)
        return FALSE;
      _strata_plan_exec (plan, layer->backward, prim, 3, DNNL_ARG_WEIGHTS, weights,
                         DNNL_ARG_DIFF_DST, diff_dst, DNNL_ARG_DIFF_SRC, diff_src);
      if (!_strata_plan_diff_src_done (plan, layer, 0, diff_src, error))
        return FALSE;
    }
  return TRUE;
}

const StrataOpKernels strata_conv2d_kernels = {
  conv_build_forward,
  conv_build_backward,
};

const StrataOpKernels strata_depthwise_conv2d_kernels = {
  conv_build_forward,
  conv_build_backward,
};

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
  .kernels = &strata_conv2d_kernels,
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
  .kernels = &strata_depthwise_conv2d_kernels,
};
