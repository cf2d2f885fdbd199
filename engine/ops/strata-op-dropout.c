/* strata-op-dropout.c: the Dropout layer
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
#include "strata-random.h"

static const StrataParamSpec dropout_params[] = {
  { "rate", N_("Rate"), N_("Fraction of values set to zero while training"),
    STRATA_PARAM_FLOAT, 0, 0.0, 0.99, NULL, "0.5", FALSE },
};

static gboolean
dropout_infer (const StrataNode  *node,
               const StrataShape *inputs,
               guint              n_inputs,
               StrataShape       *output,
               GError           **error)
{
  *output = inputs[0];
  return TRUE;
}

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  double rate;
  dnnl_memory_t src, dst, diff_dst, diff_src;
  int mask_buffer;
} DropoutPriv;

/*
 * Keras' inverted dropout. Whether an element is kept depends only on the seed given to
 * strata_plan_forward(), the layer's index and the element's index in Keras order (sample,
 * height, width, channel), whatever layout oneDNN chose for the data.
 */
typedef struct
{
  gint64 n, c, h, w;
  gint64 strides[4];
  int block;
  gint64 run;                      /* channels stored one after the other */
} Walk;

static gboolean
walk_init (Walk                     *walk,
           const dnnl_memory_desc_t *md)
{
  walk->n = md->dims[0];
  walk->c = md->dims[1];
  walk->h = md->ndims == 4 ? md->dims[2] : 1;
  walk->w = md->ndims == 4 ? md->dims[3] : 1;
  if (!_strata_md_offsets (md, walk->strides, &walk->block))
    return FALSE;
  walk->run = walk->block > 1 ? walk->block : walk->strides[1] == 1 ? walk->c : 1;
  return TRUE;
}

static inline gint64
walk_offset (const Walk *walk,
             gint64      n,
             gint64      c,
             gint64      h,
             gint64      w)
{
  return n * walk->strides[0] + (c / walk->block) * walk->strides[1] + c % walk->block +
         h * walk->strides[2] + w * walk->strides[3];
}

static inline float
bf16_to_float (guint16 value)
{
  guint32 bits = (guint32) value << 16;
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

/* round to nearest even, as oneDNN converts */
static inline guint16
float_to_bf16 (float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  bits += 0x7fff + ((bits >> 16) & 1);
  return bits >> 16;
}

/* One run of channels that are contiguous both in Keras order and in the layout; cloned for
 * the vector units so that the hash is computed 8 or 16 lanes at a time. */
__attribute__ ((target_clones ("avx512f", "avx2", "default")))
static void
dropout_run (const float *src,
             float       *dst,
             guint8      *mask,
             gint64       n,
             guint64      index,
             guint64      key,
             guint32      threshold,
             float        scale)
{
#pragma omp simd
  for (gint64 c = 0; c < n; c++)
    {
      gboolean keep = strata_dropout_keep (key, index + c, threshold);
      mask[c] = keep;
      dst[c] = src[c] * (keep ? scale : 0.0f);
    }
}

__attribute__ ((target_clones ("avx512f", "avx2", "default")))
static void
dropout_run_bf16 (const guint16 *src,
                  guint16       *dst,
                  guint8        *mask,
                  gint64         n,
                  guint64        index,
                  guint64        key,
                  guint32        threshold,
                  float          scale)
{
#pragma omp simd
  for (gint64 c = 0; c < n; c++)
    {
      gboolean keep = strata_dropout_keep (key, index + c, threshold);
      mask[c] = keep;
      dst[c] = float_to_bf16 (bf16_to_float (src[c]) * (keep ? scale : 0.0f));
    }
}

/* The elements of a layout, padding included. */
static gint64
md_elements (const dnnl_memory_desc_t *md)
{
  gint64 n = 1;

  for (int d = 0; d < md->ndims; d++)
    n *= md->padded_dims[d];
  return n;
}

static gboolean
dropout_forward (StrataPlan       *plan,
                 StrataPlanLayer  *layer,
                 gpointer          data,
                 GError          **error)
{
  DropoutPriv *priv = data;
  guint8 *src = _strata_plan_mem_data (plan, priv->src);
  guint8 *dst = _strata_plan_mem_data (plan, priv->dst);
  guint8 *mask = _strata_plan_buffer_data (plan, priv->mask_buffer);
  guint64 key = _strata_plan_dropout_key (plan, layer);
  guint32 threshold = strata_dropout_threshold (priv->rate);
  float scale = 1.0 / (1.0 - priv->rate);
  gboolean bf16 = layer->dst_md.data_type == dnnl_bf16;
  gsize size = bf16 ? 2 : 4;
  Walk walk;

  walk_init (&walk, &layer->dst_md);
  if (layer->dst_md.padded_dims[1] != layer->dst_md.dims[1])
    {
      memset (dst, 0, _strata_md_size (&layer->dst_md));
      memset (mask, 0, md_elements (&layer->dst_md));
    }

  /* channels in runs of the layout's block (all of them for NHWC and flat data) */
#pragma omp parallel for collapse(2)
  for (gint64 n = 0; n < walk.n; n++)
    for (gint64 h = 0; h < walk.h; h++)
      for (gint64 w = 0; w < walk.w; w++)
        {
          guint64 index = ((n * walk.h + h) * walk.w + w) * walk.c;
          for (gint64 c0 = 0; c0 < walk.c; c0 += walk.run)
            {
              gint64 base = walk_offset (&walk, n, c0, h, w);
              gint64 run = MIN (walk.run, walk.c - c0);
              if (bf16)
                dropout_run_bf16 ((const guint16 *) (src + base * size),
                                  (guint16 *) (dst + base * size), mask + base, run,
                                  index + c0, key, threshold, scale);
              else
                dropout_run ((const float *) (src + base * size), (float *) (dst + base * size),
                             mask + base, run, index + c0, key, threshold, scale);
            }
        }
  return TRUE;
}

__attribute__ ((target_clones ("avx512f", "avx2", "default")))
static void
dropout_apply_mask (const float  *diff_dst,
                    float        *diff_src,
                    const guint8 *mask,
                    gint64        size,
                    float         scale)
{
#pragma omp parallel for simd if (size > 16384)
  for (gint64 i = 0; i < size; i++)
    diff_src[i] = diff_dst[i] * (mask[i] ? scale : 0.0f);
}

__attribute__ ((target_clones ("avx512f", "avx2", "default")))
static void
dropout_apply_mask_bf16 (const guint16 *diff_dst,
                         guint16       *diff_src,
                         const guint8  *mask,
                         gint64         size,
                         float          scale)
{
#pragma omp parallel for simd if (size > 16384)
  for (gint64 i = 0; i < size; i++)
    diff_src[i] = float_to_bf16 (bf16_to_float (diff_dst[i]) * (mask[i] ? scale : 0.0f));
}

static gboolean
dropout_backward (StrataPlan       *plan,
                  StrataPlanLayer  *layer,
                  gpointer          data,
                  GError          **error)
{
  DropoutPriv *priv = data;
  void *diff_dst = _strata_plan_mem_data (plan, priv->diff_dst);
  void *diff_src = _strata_plan_mem_data (plan, priv->diff_src);
  const guint8 *mask = _strata_plan_buffer_data (plan, priv->mask_buffer);
  float scale = 1.0 / (1.0 - priv->rate);
  gint64 size = md_elements (&layer->dst_md);

  if (layer->dst_md.data_type == dnnl_bf16)
    dropout_apply_mask_bf16 (diff_dst, diff_src, mask, size, scale);
  else
    dropout_apply_mask (diff_dst, diff_src, mask, size, scale);
  return TRUE;
}

static gboolean
dropout_build_forward (StrataPlan       *plan,
                       StrataPlanLayer  *layer,
                       GError          **error)
{
  DropoutPriv *priv = g_new0 (DropoutPriv, 1);
  int t = _strata_plan_t_forward (plan, layer);
  Walk walk;

  layer->priv = priv;
  layer->priv_free = g_free;
  priv->rate = strata_node_get_float (layer->node, "rate");
  priv->src = _strata_plan_src (plan, layer, 0, NULL, FALSE, error);
  if (priv->src == NULL)
    return FALSE;
  if (!_strata_plan_is_training (plan) || priv->rate <= 0.0)
    {
      _strata_plan_output_alias (plan, layer, layer->inputs[0]);
      return TRUE;
    }
  if (!walk_init (&walk, _strata_plan_md (priv->src)))
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("Layer “%s”: Dropout can't follow this layout"), layer->id);
      return FALSE;
    }
  priv->dst = _strata_plan_output (plan, layer, _strata_plan_md (priv->src), FALSE, error);
  if (priv->dst == NULL)
    return FALSE;
  priv->mask_buffer = _strata_plan_buffer_new (plan, md_elements (&layer->dst_md), t,
                                               layer->runs_backward
                                               ? _strata_plan_t_backward (plan, layer) : t);
  _strata_plan_call (layer->forward, dropout_forward, priv);
  return TRUE;
}

static gboolean
dropout_build_backward (StrataPlan       *plan,
                        StrataPlanLayer  *layer,
                        GError          **error)
{
  DropoutPriv *priv = layer->priv;

  if (!_strata_plan_wants_diff_src (layer, 0))
    return TRUE;
  priv->diff_dst = _strata_plan_diff_dst (plan, layer, NULL, error);
  if (priv->diff_dst == NULL)
    return FALSE;
  priv->diff_src = _strata_plan_diff_src (plan, layer, 0, &layer->dst_md, error);
  if (priv->diff_src == NULL)
    return FALSE;
  if (priv->dst == NULL)
    {
      if (!_strata_plan_reorder (plan, layer->backward, priv->diff_dst, priv->diff_src, FALSE,
                                 error))
        return FALSE;
    }
  else
    _strata_plan_call (layer->backward, dropout_backward, priv);
  return _strata_plan_diff_src_done (plan, layer, 0, priv->diff_src, error);
}

const StrataOpKernels strata_dropout_kernels = {
  dropout_build_forward,
  dropout_build_backward,
};

const StrataOpInfo strata_op_dropout = {
  .type = "Dropout",
  .category = "core",
  .label = N_("Dropout"),
  .description = N_("Randomly zeroes values while training, against overfitting"),
  .params = dropout_params,
  .n_params = G_N_ELEMENTS (dropout_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = dropout_infer,
  .kernels = &strata_dropout_kernels,
};
