/* strata-op-reshape.c: Flatten and ZeroPadding2D, which only move values
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

/* Keras flattens (height, width, channels) in that order; so does Strata, so that Dense
 * weights after a Flatten mean the same in an exported .h5. */
static gboolean
flatten_infer (const StrataNode  *node,
               const StrataShape *inputs,
               guint              n_inputs,
               StrataShape       *output,
               GError           **error)
{
  gint64 n = strata_shape_n_elements (&inputs[0]);

  if (n > G_MAXINT)
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                   _("Flattening gives %lld values, too many for one layer"), (long long) n);
      return FALSE;
    }
  *output = strata_shape_1d ((int) n);
  return TRUE;
}

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  dnnl_memory_desc_t nhwc;         /* the output seen as (N, C, H, W) in NHWC order */
  dnnl_memory_desc_t sub;          /* ZeroPadding2D: where the input goes in the output */
} ReshapePriv;

static void
nhwc_md (StrataPlan               *plan,
         const StrataShape        *shape,
         dnnl_memory_desc_t       *md)
{
  _strata_md_activation (plan, shape, md, FALSE);
}

/* Flatten: the values in NHWC order seen as (N, H·W·C), as Keras flattens. */
static gboolean
flatten_build_forward (StrataPlan       *plan,
                       StrataPlanLayer  *layer,
                       GError          **error)
{
  ReshapePriv *priv = g_new0 (ReshapePriv, 1);
  StrataPlanLayer *src = layer->inputs[0];
  dnnl_memory_desc_t flat;
  dnnl_memory_t in, dst, view;

  layer->priv = priv;
  layer->priv_free = g_free;
  _strata_md_activation (plan, &layer->shape, &flat, FALSE);
  nhwc_md (plan, &src->shape, &priv->nhwc);
  if (src->shape.rank == 1)
    {
      _strata_plan_output_alias (plan, layer, src);
      return TRUE;
    }
  in = _strata_plan_src (plan, layer, 0, NULL, FALSE, error);
  if (in == NULL)
    return FALSE;
  if (_strata_md_equal (&src->dst_md, &priv->nhwc))
    {
      /* already in Keras order: a second view of the same bytes */
      _strata_plan_output_alias (plan, layer, src);
      layer->dst_md = flat;
      layer->dst_mem = _strata_plan_mem_view (plan, &flat, src->dst_mem, error);
      return layer->dst_mem != NULL;
    }
  dst = _strata_plan_output (plan, layer, &flat, FALSE, error);
  view = dst ? _strata_plan_mem_view (plan, &priv->nhwc, dst, error) : NULL;
  return view != NULL && _strata_plan_reorder (plan, layer->forward, in, view, FALSE, error);
}

static gboolean
flatten_build_backward (StrataPlan       *plan,
                        StrataPlanLayer  *layer,
                        GError          **error)
{
  ReshapePriv *priv = layer->priv;
  StrataPlanLayer *src = layer->inputs[0];
  dnnl_memory_t diff, view, diff_src;

  if (!_strata_plan_wants_diff_src (layer, 0))
    return TRUE;
  diff = _strata_plan_diff_dst (plan, layer, NULL, error);
  if (diff == NULL)
    return FALSE;
  view = src->shape.rank == 1 ? diff : _strata_plan_mem_view (plan, &priv->nhwc, diff, error);
  diff_src = view ? _strata_plan_diff_src (plan, layer, 0, &src->dst_md, error) : NULL;
  if (diff_src == NULL)
    return FALSE;
  return _strata_plan_reorder (plan, layer->backward, view, diff_src, FALSE, error) &&
         _strata_plan_diff_src_done (plan, layer, 0, diff_src, error);
}

const StrataOpKernels strata_flatten_kernels = {
  flatten_build_forward,
  flatten_build_backward,
};

static gboolean
zero_fill (StrataPlan       *plan,
           StrataPlanLayer  *layer,
           gpointer          data,
           GError          **error)
{
  memset (_strata_plan_mem_data (plan, data), 0, _strata_md_size (&layer->dst_md));
  return TRUE;
}

/* The layout tags oneDNN picks for activations, to give the padded output the same one. */
static dnnl_format_tag_t
guess_tag (const dnnl_memory_desc_t *md)
{
  static const dnnl_format_tag_t tags[] = { dnnl_nhwc, dnnl_nchw, dnnl_nChw16c, dnnl_nChw8c,
                                            dnnl_nChw4c };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      dnnl_memory_desc_t candidate;
      if (dnnl_memory_desc_init_by_tag (&candidate, md->ndims, md->dims, md->data_type, tags[i]) ==
            dnnl_success && _strata_md_equal (&candidate, md))
        return tags[i];
    }
  return dnnl_nhwc;
}

/* ZeroPadding2D: zero the output, then copy the input into its middle. */
static gboolean
zero_padding_build_forward (StrataPlan       *plan,
                            StrataPlanLayer  *layer,
                            GError          **error)
{
  ReshapePriv *priv = g_new0 (ReshapePriv, 1);
  StrataPlanLayer *src = layer->inputs[0];
  dnnl_memory_desc_t dst_md, src_md;
  dnnl_dims_t dims = { _strata_plan_batch (plan), layer->shape.dims[2], layer->shape.dims[0],
                       layer->shape.dims[1] };
  dnnl_dims_t offsets = { 0, 0, strata_node_get_int_at (layer->node, "padding", 0),
                          strata_node_get_int_at (layer->node, "padding", 2) };
  dnnl_format_tag_t tag = guess_tag (&src->dst_md);
  dnnl_memory_t in, dst, sub;

  layer->priv = priv;
  layer->priv_free = g_free;
  dnnl_memory_desc_init_by_tag (&src_md, 4, src->dst_md.dims, src->dst_md.data_type, tag);
  dnnl_memory_desc_init_by_tag (&dst_md, 4, dims, src->dst_md.data_type, tag);
  if (!_strata_plan_check (dnnl_memory_desc_init_submemory (&priv->sub, &dst_md,
                                                            src->dst_md.dims, offsets),
                           "describe the padded area", error))
    return FALSE;
  in = _strata_plan_src (plan, layer, 0, &src_md, FALSE, error);
  dst = in ? _strata_plan_output (plan, layer, &dst_md, FALSE, error) : NULL;
  sub = dst ? _strata_plan_mem_view (plan, &priv->sub, dst, error) : NULL;
  if (sub == NULL)
    return FALSE;
  _strata_plan_call (layer->forward, zero_fill, dst);
  return _strata_plan_reorder (plan, layer->forward, in, sub, FALSE, error);
}

static gboolean
zero_padding_build_backward (StrataPlan       *plan,
                             StrataPlanLayer  *layer,
                             GError          **error)
{
  ReshapePriv *priv = layer->priv;
  StrataPlanLayer *src = layer->inputs[0];
  dnnl_memory_t diff, sub, diff_src;

  if (!_strata_plan_wants_diff_src (layer, 0))
    return TRUE;
  diff = _strata_plan_diff_dst (plan, layer, NULL, error);
  sub = diff ? _strata_plan_mem_view (plan, &priv->sub, diff, error) : NULL;
  diff_src = sub ? _strata_plan_diff_src (plan, layer, 0, &src->dst_md, error) : NULL;
  if (diff_src == NULL)
    return FALSE;
  return _strata_plan_reorder (plan, layer->backward, sub, diff_src, FALSE, error) &&
         _strata_plan_diff_src_done (plan, layer, 0, diff_src, error);
}

const StrataOpKernels strata_zero_padding2d_kernels = {
  zero_padding_build_forward,
  zero_padding_build_backward,
};

const StrataOpInfo strata_op_flatten = {
  .type = "Flatten",
  .category = "core",
  .label = N_("Flatten"),
  .description = N_("Turns an image-shaped tensor into a flat list of values"),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = flatten_infer,
  .kernels = &strata_flatten_kernels,
};

static const StrataParamSpec zero_padding_params[] = {
  { "padding", N_("Padding"), N_("Rows and columns of zeros: top, bottom, left, right"),
    STRATA_PARAM_INTS, 4, 0, 1024, NULL, "[1, 1, 1, 1]", FALSE },
};

static gboolean
zero_padding_infer (const StrataNode  *node,
                    const StrataShape *inputs,
                    guint              n_inputs,
                    StrataShape       *output,
                    GError           **error)
{
  if (!strata_op_expect_rank (&inputs[0], 3, error))
    return FALSE;
  *output = strata_shape_3d (inputs[0].dims[0] + strata_node_get_int_at (node, "padding", 0) +
                             strata_node_get_int_at (node, "padding", 1),
                             inputs[0].dims[1] + strata_node_get_int_at (node, "padding", 2) +
                             strata_node_get_int_at (node, "padding", 3),
                             inputs[0].dims[2]);
  return TRUE;
}

const StrataOpInfo strata_op_zero_padding2d = {
  .type = "ZeroPadding2D",
  .category = "convolutional",
  /* the Keras class name, as its neighbours in the palette */
  .label = N_("ZeroPadding2D"),
  .description = N_("Adds rows and columns of zeros around the image"),
  .params = zero_padding_params,
  .n_params = G_N_ELEMENTS (zero_padding_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = zero_padding_infer,
  .kernels = &strata_zero_padding2d_kernels,
};
