/* strata-op-norm.c: BatchNormalization
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-kernels.h"
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

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  unsigned flags;
  float epsilon;
  double momentum;
  gboolean batch_stats;
  dnnl_primitive_desc_t fwd_pd;
  dnnl_memory_desc_t vec_md;
  StrataTensor *gamma, *beta, *moving_mean, *moving_variance;
  dnnl_memory_t src, mean, variance, scale, shift;
  dnnl_memory_t workspace;         /* which outputs a fused ReLU zeroed, for the backward */
  gint64 n_values;                 /* values per channel in a batch */
} NormPriv;

static void
norm_priv_free (NormPriv *priv)
{
  g_clear_pointer (&priv->fwd_pd, dnnl_primitive_desc_destroy);
  g_free (priv);
}

/*
 * Keras' moving averages: moving = momentum·moving + (1 − momentum)·batch, with the unbiased
 * batch variance for the moving variance (as PyTorch does; oneDNN gives the biased one).
 */
static gboolean
norm_update_moving (StrataPlan       *plan,
                    StrataPlanLayer  *layer,
                    gpointer          data,
                    GError          **error)
{
  NormPriv *priv = data;
  const float *mean = _strata_plan_mem_data (plan, priv->mean);
  const float *variance = _strata_plan_mem_data (plan, priv->variance);
  double m = priv->momentum;
  double unbias = priv->n_values > 1 ? (double) priv->n_values / (priv->n_values - 1) : 1.0;

  for (gint64 c = 0; c < priv->moving_mean->n; c++)
    {
      priv->moving_mean->data[c] = m * priv->moving_mean->data[c] + (1.0 - m) * mean[c];
      priv->moving_variance->data[c] = m * priv->moving_variance->data[c] +
                                       (1.0 - m) * variance[c] * unbias;
    }
  return TRUE;
}

/* The workspace a fused ReLU needs in training, kept until the backward; NULL otherwise. */
static gboolean
norm_workspace (StrataPlan       *plan,
                StrataPlanLayer  *layer,
                NormPriv         *priv,
                int               t_last,
                GError          **error)
{
  const dnnl_memory_desc_t *md = _strata_pd_md (priv->fwd_pd, dnnl_query_workspace_md);

  if (md == NULL || _strata_md_size (md) == 0)
    return TRUE;
  priv->workspace = _strata_plan_mem_temp (plan, md, _strata_plan_t_forward (plan, layer),
                                           t_last, error);
  return priv->workspace != NULL;
}

/*
 * BatchNormalization over the channels (the last axis in Keras' order). Training uses the
 * batch's statistics; inference, and a layer that is not trainable (as in Keras), uses the
 * moving ones and leaves them alone. A folded ReLU after it (see fold_activations()) is
 * oneDNN's fuse_norm_relu: in training it records in a workspace which values it zeroed,
 * for the backward.
 */
static gboolean
norm_build_forward (StrataPlan       *plan,
                    StrataPlanLayer  *layer,
                    GError          **error)
{
  dnnl_status_t status;
  NormPriv *priv = g_new0 (NormPriv, 1);
  StrataNode *node = layer->node;
  int t = _strata_plan_t_forward (plan, layer);
  int t_last = layer->runs_backward ? _strata_plan_t_backward (plan, layer) : t;
  dnnl_batch_normalization_desc_t desc;
  dnnl_dims_t dims = { layer->shape.dims[layer->shape.rank - 1] };
  StrataPlanPrim *prim;
  dnnl_memory_t dst;

  layer->priv = priv;
  layer->priv_free = (GDestroyNotify) norm_priv_free;
  priv->epsilon = strata_node_get_float (node, "epsilon");
  priv->momentum = strata_node_get_float (node, "momentum");
  priv->batch_stats = _strata_plan_is_training (plan) && strata_node_get_trainable (node);
  priv->gamma = _strata_plan_tensor (plan, layer, "gamma");
  priv->beta = _strata_plan_tensor (plan, layer, "beta");
  priv->moving_mean = _strata_plan_tensor (plan, layer, "moving_mean");
  priv->moving_variance = _strata_plan_tensor (plan, layer, "moving_variance");
  priv->n_values = strata_shape_n_elements (&layer->shape) / dims[0] * _strata_plan_batch (plan);
  priv->flags = (priv->gamma ? dnnl_use_scale : 0) | (priv->beta ? dnnl_use_shift : 0) |
                (priv->batch_stats ? 0 : dnnl_use_global_stats) |
                (layer->folded_act ? dnnl_fuse_norm_relu : 0);
  _strata_md_plain (&priv->vec_md, 1, dims, dnnl_x);

  priv->src = _strata_plan_src (plan, layer, 0, NULL, layer->runs_backward, error);
  if (priv->src == NULL)
    return FALSE;
  status = dnnl_batch_normalization_forward_desc_init (&desc,
                                                       _strata_plan_is_training (plan)
                                                       ? dnnl_forward_training : dnnl_forward_inference,
                                                       _strata_plan_md (priv->src), priv->epsilon,
                                                       priv->flags);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  prim = _strata_op_prim (plan, &desc, NULL, NULL, &priv->fwd_pd,
                          "set up a batch normalization", error);
  if (prim == NULL)
    return FALSE;

  if (priv->batch_stats)
    {
      priv->mean = _strata_plan_mem_temp (plan, &priv->vec_md, t, t_last, error);
      priv->variance = _strata_plan_mem_temp (plan, &priv->vec_md, t, t_last, error);
    }
  else
    {
      priv->mean = _strata_plan_mem_wrap (plan, &priv->vec_md, priv->moving_mean->data, error);
      priv->variance = _strata_plan_mem_wrap (plan, &priv->vec_md, priv->moving_variance->data,
                                              error);
    }
  if (priv->gamma)
    priv->scale = _strata_plan_mem_wrap (plan, &priv->vec_md, priv->gamma->data, error);
  if (priv->beta)
    priv->shift = _strata_plan_mem_wrap (plan, &priv->vec_md, priv->beta->data, error);
  if (!norm_workspace (plan, layer, priv, t_last, error))
    return FALSE;
  dst = _strata_plan_output (plan, layer, _strata_plan_md (priv->src), FALSE, error);
  if (dst == NULL || priv->mean == NULL || priv->variance == NULL)
    return FALSE;
  _strata_plan_exec (plan, layer->forward, prim, 7, DNNL_ARG_SRC, priv->src, DNNL_ARG_DST, dst,
                     DNNL_ARG_MEAN, priv->mean, DNNL_ARG_VARIANCE, priv->variance,
                     DNNL_ARG_SCALE, priv->scale, DNNL_ARG_SHIFT, priv->shift,
                     DNNL_ARG_WORKSPACE, priv->workspace);
  if (priv->batch_stats)
    _strata_plan_call (layer->forward, norm_update_moving, priv);
  return TRUE;
}

static gboolean
norm_build_backward (StrataPlan       *plan,
                     StrataPlanLayer  *layer,
                     GError          **error)
{
  dnnl_status_t status;
  NormPriv *priv = layer->priv;
  int t = _strata_plan_t_backward (plan, layer);
  const dnnl_memory_desc_t *md = _strata_plan_md (priv->src);
  dnnl_batch_normalization_desc_t desc;
  dnnl_primitive_desc_t pd = NULL;
  StrataPlanPrim *prim;
  dnnl_memory_t diff_dst, diff_src, diff_scale = NULL, diff_shift = NULL;
  gboolean wants_src = _strata_plan_wants_diff_src (layer, 0);

  /* oneDNN 2.6 has no backward_data with a scale or shift: a frozen layer with them runs
   * the full backward and throws its gamma and beta gradients away */
  status = dnnl_batch_normalization_backward_desc_init (&desc,
                                                        priv->gamma || priv->beta ? dnnl_backward
                                                                                  : dnnl_backward_data,
                                                        md, md, priv->epsilon, priv->flags);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  prim = _strata_op_prim (plan, &desc, NULL, priv->fwd_pd, &pd,
                          "set up a batch normalization's backward", error);
  if (prim == NULL)
    return FALSE;
  diff_dst = _strata_plan_diff_dst (plan, layer, _strata_pd_md (pd, dnnl_query_diff_dst_md),
                                    error);
  /* oneDNN always computes the input's gradient; below the lowest trainable layer it is
   * thrown away */
  diff_src = diff_dst == NULL ? NULL
             : wants_src ? _strata_plan_diff_src (plan, layer, 0,
                                                  _strata_pd_md (pd, dnnl_query_diff_src_md),
                                                  error)
             : _strata_plan_mem_temp (plan, _strata_pd_md (pd, dnnl_query_diff_src_md), t, t,
                                      error);
  dnnl_primitive_desc_destroy (pd);
  if (diff_src == NULL)
    return FALSE;
  if (priv->gamma)
    diff_scale = layer->trainable
                 ? _strata_plan_mem_wrap (plan, &priv->vec_md, priv->gamma->diff, error)
                 : _strata_plan_mem_temp (plan, &priv->vec_md, t, t, error);
  if (priv->beta)
    diff_shift = layer->trainable
                 ? _strata_plan_mem_wrap (plan, &priv->vec_md, priv->beta->diff, error)
                 : _strata_plan_mem_temp (plan, &priv->vec_md, t, t, error);
  _strata_plan_exec (plan, layer->backward, prim, 10, DNNL_ARG_SRC, priv->src,
                     DNNL_ARG_MEAN, priv->mean, DNNL_ARG_VARIANCE, priv->variance,
                     DNNL_ARG_SCALE, priv->scale, DNNL_ARG_SHIFT, priv->shift,
                     DNNL_ARG_WORKSPACE, priv->workspace,
                     DNNL_ARG_DIFF_DST, diff_dst,
                     DNNL_ARG_DIFF_SRC, diff_src, DNNL_ARG_DIFF_SCALE, diff_scale,
                     DNNL_ARG_DIFF_SHIFT, diff_shift);
  return !wants_src || _strata_plan_diff_src_done (plan, layer, 0, diff_src, error);
}

/* The output again, for a consumer's backward: the forward once more, with the statistics
 * the training forward used (or the moving ones) and a folded ReLU. */
static gboolean
norm_build_recompute (StrataPlan       *plan,
                      StrataPlanLayer  *layer,
                      GArray           *steps,
                      dnnl_memory_t     dst,
                      GError          **error)
{
  NormPriv *priv = layer->priv;
  dnnl_batch_normalization_desc_t desc;
  StrataPlanPrim *prim;
  dnnl_status_t status;

  status = dnnl_batch_normalization_forward_desc_init (&desc, dnnl_forward_inference,
                                                       _strata_plan_md (priv->src), priv->epsilon,
                                                       priv->flags | dnnl_use_global_stats);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  prim = _strata_op_prim (plan, &desc, NULL, NULL, NULL,
                          "set up a batch normalization's recomputation", error);
  if (prim == NULL)
    return FALSE;
  _strata_plan_exec (plan, steps, prim, 6, DNNL_ARG_SRC, priv->src, DNNL_ARG_DST, dst,
                     DNNL_ARG_MEAN, priv->mean, DNNL_ARG_VARIANCE, priv->variance,
                     DNNL_ARG_SCALE, priv->scale, DNNL_ARG_SHIFT, priv->shift);
  return TRUE;
}

const StrataOpKernels strata_batch_normalization_kernels = {
  norm_build_forward,
  norm_build_backward,
  norm_build_recompute,
};

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
  .kernels = &strata_batch_normalization_kernels,
};
