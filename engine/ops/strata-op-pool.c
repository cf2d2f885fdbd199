/* strata-op-pool.c: max, average and global pooling
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include <string.h>

#include "strata-op-kernels.h"
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

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  dnnl_alg_kind_t alg;
  dnnl_dims_t kernel, strides, pad_l, pad_r;
  dnnl_primitive_desc_t fwd_pd;
  dnnl_memory_t workspace;
  dnnl_memory_desc_t view;         /* global pooling: the flat output seen as (N, C, 1, 1) */
  gboolean global;
} PoolPriv;

static void
pool_priv_free (PoolPriv *priv)
{
  g_clear_pointer (&priv->fwd_pd, dnnl_primitive_desc_destroy);
  g_free (priv);
}

/*
 * Max and average pooling with Keras' windows: "same" pads the odd row at the end, and the
 * average counts only the values inside the image (oneDNN's avg_exclude_padding). Global
 * pooling is a window over the whole image whose (N, C, 1, 1) output is stored as flat
 * (N, C) values.
 */
static gboolean
pool_build_forward (StrataPlan       *plan,
                    StrataPlanLayer  *layer,
                    GError          **error)
{
  dnnl_status_t status;
  PoolPriv *priv = g_new0 (PoolPriv, 1);
  const StrataShape *in = &layer->inputs[0]->shape;
  const char *type = layer->op->type;
  int t = _strata_plan_t_forward (plan, layer);
  dnnl_memory_desc_t dst_md;
  dnnl_pooling_desc_t desc;
  dnnl_dims_t dst_dims;
  StrataPlanPrim *prim;
  const dnnl_memory_desc_t *ws_md;
  dnnl_memory_t src, dst;

  layer->priv = priv;
  layer->priv_free = (GDestroyNotify) pool_priv_free;
  priv->global = g_str_has_prefix (type, "Global");
  priv->alg = strstr (type, "Max") ? dnnl_pooling_max : dnnl_pooling_avg_exclude_padding;
  for (int axis = 0; axis < 2; axis++)
    {
      if (priv->global)
        {
          priv->kernel[axis] = in->dims[axis];
          priv->strides[axis] = 1;
        }
      else
        {
          int pool = strata_node_get_int_at (layer->node, "pool_size", axis);
          int stride = strata_node_get_int_at (layer->node, "strides", axis);
          stride = stride ? stride : pool;
          _strata_op_window_pads (layer, axis, pool, stride, 1,
                                  strata_op_is_same_padding (layer->node), &priv->pad_l[axis],
                                  &priv->pad_r[axis]);
          priv->kernel[axis] = pool;
          priv->strides[axis] = stride;
        }
    }

  src = _strata_plan_src (plan, layer, 0, NULL, FALSE, error);
  if (src == NULL)
    return FALSE;
  dst_dims[0] = _strata_plan_batch (plan);
  dst_dims[1] = in->dims[2];
  dst_dims[2] = priv->global ? 1 : layer->shape.dims[0];
  dst_dims[3] = priv->global ? 1 : layer->shape.dims[1];
  _strata_md_any (&dst_md, 4, dst_dims, _strata_plan_data_type (plan));
  status = dnnl_pooling_forward_desc_init (&desc,
                                           layer->runs_backward ? dnnl_forward_training
                                                                : dnnl_forward_inference,
                                           priv->alg, _strata_plan_md (src), &dst_md, priv->strides,
                                           priv->kernel, priv->pad_l, priv->pad_r);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  prim = _strata_op_prim (plan, &desc, NULL, NULL, &priv->fwd_pd, "set up a pooling", error);
  if (prim == NULL)
    return FALSE;

  ws_md = _strata_pd_md (priv->fwd_pd, dnnl_query_workspace_md);
  if (ws_md != NULL && _strata_md_size (ws_md) > 0)
    {
      priv->workspace = _strata_plan_mem_temp (plan, ws_md, t,
                                               _strata_plan_t_backward (plan, layer), error);
      if (priv->workspace == NULL)
        return FALSE;
    }

  if (priv->global)
    {
      dnnl_memory_desc_t flat;
      dnnl_memory_t out, view;

      _strata_md_activation (plan, &layer->shape, &flat, FALSE);
      dnnl_memory_desc_init_by_tag (&priv->view, 4, dst_dims, _strata_plan_data_type (plan),
                                    dnnl_nhwc);
      out = _strata_plan_output (plan, layer, &flat, FALSE, error);
      view = out ? _strata_plan_mem_view (plan, &priv->view, out, error) : NULL;
      dst = view ? _strata_plan_mem_temp (plan, _strata_pd_md (priv->fwd_pd, dnnl_query_dst_md),
                                          t, t, error) : NULL;
      if (dst == NULL)
        return FALSE;
      _strata_plan_exec (plan, layer->forward, prim, 3, DNNL_ARG_SRC, src, DNNL_ARG_DST, dst,
                         DNNL_ARG_WORKSPACE, priv->workspace);
      return _strata_plan_reorder (plan, layer->forward, dst, view, FALSE, error);
    }
  dst = _strata_plan_output (plan, layer, _strata_pd_md (priv->fwd_pd, dnnl_query_dst_md), FALSE,
                             error);
  if (dst == NULL)
    return FALSE;
  _strata_plan_exec (plan, layer->forward, prim, 3, DNNL_ARG_SRC, src, DNNL_ARG_DST, dst,
                     DNNL_ARG_WORKSPACE, priv->workspace);
  return TRUE;
}

static gboolean
pool_build_backward (StrataPlan       *plan,
                     StrataPlanLayer  *layer,
                     GError          **error)
{
  dnnl_status_t status;
  PoolPriv *priv = layer->priv;
  StrataPlanLayer *src = layer->inputs[0];
  int t = _strata_plan_t_backward (plan, layer);
  const dnnl_memory_desc_t *dst_md = _strata_pd_md (priv->fwd_pd, dnnl_query_dst_md);
  dnnl_pooling_desc_t desc;
  dnnl_primitive_desc_t pd = NULL;
  StrataPlanPrim *prim;
  dnnl_memory_t diff, diff_dst, diff_src;

  if (!_strata_plan_wants_diff_src (layer, 0))
    return TRUE;
  diff = _strata_plan_diff_dst (plan, layer, NULL, error);
  if (diff != NULL && priv->global)
    diff = _strata_plan_mem_view (plan, &priv->view, diff, error);
  if (diff == NULL)
    return FALSE;
  status = dnnl_pooling_backward_desc_init (&desc, priv->alg, &src->dst_md, dst_md, priv->strides,
                                            priv->kernel, priv->pad_l, priv->pad_r);
  if (!_strata_plan_check (status, "describe the operation", error))
    return FALSE;
  prim = _strata_op_prim (plan, &desc, NULL, priv->fwd_pd, &pd, "set up a pooling's backward",
                          error);
  if (prim == NULL)
    return FALSE;
  diff_dst = _strata_plan_as (plan, layer->backward, diff,
                              _strata_pd_md (pd, dnnl_query_diff_dst_md), t, error);
  diff_src = diff_dst ? _strata_plan_diff_src (plan, layer, 0,
                                               _strata_pd_md (pd, dnnl_query_diff_src_md),
                                               error) : NULL;
  dnnl_primitive_desc_destroy (pd);
  if (diff_src == NULL)
    return FALSE;
  _strata_plan_exec (plan, layer->backward, prim, 3, DNNL_ARG_DIFF_DST, diff_dst,
                     DNNL_ARG_DIFF_SRC, diff_src, DNNL_ARG_WORKSPACE, priv->workspace);
  return _strata_plan_diff_src_done (plan, layer, 0, diff_src, error);
}

const StrataOpKernels strata_pooling_kernels = {
  pool_build_forward,
  pool_build_backward,
};

const StrataOpKernels strata_global_pooling_kernels = {
  pool_build_forward,
  pool_build_backward,
};

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
  .kernels = &strata_pooling_kernels,
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
  .kernels = &strata_pooling_kernels,
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
  .kernels = &strata_global_pooling_kernels,
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
  .kernels = &strata_global_pooling_kernels,
};
