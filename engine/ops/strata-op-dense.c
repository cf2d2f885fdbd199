/* strata-op-dense.c: the Dense (fully connected) layer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-kernels.h"
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

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  StrataActStage stage;
  dnnl_primitive_desc_t fwd_pd;
  dnnl_memory_t src;
  StrataTensor *kernel;
  StrataTensor *bias;
  dnnl_memory_desc_t plain_weights;
  dnnl_memory_desc_t bias_md;
  dnnl_dims_t weights_dims;
} DensePriv;

static void
dense_priv_free (DensePriv *priv)
{
  _strata_act_stage_clear (&priv->stage);
  g_clear_pointer (&priv->fwd_pd, dnnl_primitive_desc_destroy);
  g_free (priv);
}

/* An inner product; the kernel is PyTorch's (units, inputs), Keras' transposed. */
static gboolean
dense_build_forward (StrataPlan       *plan,
                     StrataPlanLayer  *layer,
                     GError          **error)
{
  dnnl_status_t status;
  DensePriv *priv = g_new0 (DensePriv, 1);
  int units = layer->shape.dims[0];
  dnnl_memory_desc_t weights_md, dst_md;
  dnnl_inner_product_desc_t desc;
  dnnl_primitive_attr_t attr;
  StrataPlanPrim *prim;
  dnnl_memory_t src, weights, bias = NULL, dst;

  layer->priv = priv;
  layer->priv_free = (GDestroyNotify) dense_priv_free;
  _strata_act_stage_init (&priv->stage, layer);
  priv->kernel = _strata_plan_tensor (plan, layer, "kernel");
  priv->bias = _strata_plan_tensor (plan, layer, "bias");
  priv->weights_dims[0] = units;
  priv->weights_dims[1] = layer->inputs[0]->shape.dims[0];
  _strata_md_plain (&priv->plain_weights, 2, priv->weights_dims, dnnl_oi);
  if (priv->bias)
    {
      dnnl_dims_t dims = { units };
      _strata_md_plain (&priv->bias_md, 1, dims, dnnl_x);
    }
  _strata_md_any (&weights_md, 2, priv->weights_dims, _strata_plan_data_type (plan));
  _strata_md_activation (plan, &layer->shape, &dst_md, FALSE);

  status = dnnl_inner_product_forward_desc_init (&desc,
                                                 _strata_plan_is_training (plan)
                                                 ? dnnl_forward_training : dnnl_forward_inference,
                                                 &layer->inputs[0]->dst_md, &weights_md,
                                                 priv->bias ? &priv->bias_md : NULL, &dst_md);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  attr = _strata_act_stage_attr (plan, &priv->stage);
  prim = _strata_op_prim (plan, &desc, attr, NULL, &priv->fwd_pd, "set up a dense layer", error);
  dnnl_primitive_attr_destroy (attr);
  if (prim == NULL)
    return FALSE;

  src = _strata_plan_src (plan, layer, 0, _strata_pd_md (priv->fwd_pd, dnnl_query_src_md),
                          layer->trainable, error);
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
dense_build_backward (StrataPlan       *plan,
                      StrataPlanLayer  *layer,
                      GError          **error)
{
  dnnl_status_t status;
  DensePriv *priv = layer->priv;
  int t = _strata_plan_t_backward (plan, layer);
  const dnnl_memory_desc_t *src_md = _strata_pd_md (priv->fwd_pd, dnnl_query_src_md);
  const dnnl_memory_desc_t *dst_md = _strata_pd_md (priv->fwd_pd, dnnl_query_dst_md);
  dnnl_memory_desc_t weights_md, diff_weights_md;
  dnnl_inner_product_desc_t desc;
  dnnl_primitive_desc_t pd = NULL;
  StrataPlanPrim *prim;
  dnnl_memory_t diff_pre;

  diff_pre = _strata_act_stage_backward (plan, layer, &priv->stage, error);
  if (diff_pre == NULL)
    return FALSE;
  _strata_md_any (&weights_md, 2, priv->weights_dims, _strata_plan_data_type (plan));
  _strata_md_any (&diff_weights_md, 2, priv->weights_dims, dnnl_f32);

  if (layer->trainable)
    {
      dnnl_memory_t diff_dst, diff_weights, diff_bias = NULL;

      status = dnnl_inner_product_backward_weights_desc_init (&desc, src_md, &diff_weights_md,
                                                              priv->bias ? &priv->bias_md : NULL, dst_md);
      if (!_strata_plan_check (status, "describe the operation", error))
        return FALSE;
      prim = _strata_op_prim (plan, &desc, NULL, priv->fwd_pd, &pd,
                              "set up a dense layer's weight gradient", error);
      if (prim == NULL)
        return FALSE;
      diff_dst = _strata_plan_as (plan, layer->backward, diff_pre,
                                  _strata_pd_md (pd, dnnl_query_diff_dst_md), t, error);
      diff_weights = diff_dst ? _strata_plan_diff_weights (plan, layer, priv->kernel,
                                                           &priv->plain_weights,
                                                           _strata_pd_md (pd, dnnl_query_diff_weights_md),
                                                           error) : NULL;
      if (diff_weights && priv->bias)
        diff_bias = _strata_plan_mem_wrap (plan, &priv->bias_md, priv->bias->diff, error);
      dnnl_primitive_desc_destroy (pd);
      if (diff_weights == NULL || (priv->bias && diff_bias == NULL))
        return FALSE;
      _strata_plan_exec (plan, layer->backward, prim, 4, DNNL_ARG_SRC, priv->src,
                         DNNL_ARG_DIFF_DST, diff_dst, DNNL_ARG_DIFF_WEIGHTS, diff_weights,
                         DNNL_ARG_DIFF_BIAS, diff_bias);
      if (!_strata_plan_diff_weights_done (plan, layer, priv->kernel, &priv->plain_weights,
                                           diff_weights, error))
        return FALSE;
    }

  if (_strata_plan_wants_diff_src (layer, 0))
    {
      dnnl_memory_t weights, diff_dst, diff_src;

      status = dnnl_inner_product_backward_data_desc_init (&desc, src_md, &weights_md, dst_md);
      if (!_strata_plan_check (status, "describe the operation", error))
        return FALSE;
      prim = _strata_op_prim (plan, &desc, NULL, priv->fwd_pd, &pd,
                              "set up a dense layer's input gradient", error);
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

const StrataOpKernels strata_dense_kernels = {
  dense_build_forward,
  dense_build_backward,
};

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
  .kernels = &strata_dense_kernels,
};
