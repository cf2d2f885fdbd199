/* strata-op-merge.c: Add and Concatenate
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-kernels.h"
#include "strata-op-table.h"

#define MAX_MERGE_INPUTS 16

static gboolean
add_infer (const StrataNode  *node,
           const StrataShape *inputs,
           guint              n_inputs,
           StrataShape       *output,
           GError           **error)
{
  for (guint i = 1; i < n_inputs; i++)
    if (!strata_shape_equal (&inputs[0], &inputs[i]))
      {
        g_autofree char *a = strata_shape_to_string (&inputs[0]);
        g_autofree char *b = strata_shape_to_string (&inputs[i]);
        g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                     _("Add needs inputs of one shape, but input 1 is %s and input %u is %s"),
                     a, i + 1, b);
        return FALSE;
      }
  *output = inputs[0];
  return TRUE;
}

/* Kernels ----------------------------------------------------------------------------------- */

typedef struct
{
  StrataActStage stage;            /* a folded Activation after it */
} AddPriv;

static void
add_priv_free (AddPriv *priv)
{
  _strata_act_stage_clear (&priv->stage);
  g_free (priv);
}

/* The primitive adding two inputs with the activation as a post-op: oneDNN's sum takes no
 * post-ops, its binary does. */
static StrataPlanPrim *
add_binary_prim (StrataPlan               *plan,
                 StrataActStage           *stage,
                 const dnnl_memory_desc_t *md,
                 GError                  **error)
{
  dnnl_binary_desc_t desc;
  dnnl_primitive_attr_t attr;
  StrataPlanPrim *prim;

  if (!_strata_plan_check (dnnl_binary_desc_init (&desc, dnnl_binary_add, md, md, md),
                           "describe the operation", error))
    return NULL;
  attr = _strata_act_stage_attr (plan, stage);
  prim = _strata_op_prim (plan, &desc, attr, NULL, NULL, "set up an addition", error);
  dnnl_primitive_attr_destroy (attr);
  return prim;
}

static StrataPlanPrim *
add_sum_prim (StrataPlan               *plan,
              guint                     n_inputs,
              const dnnl_memory_desc_t *md,
              GError                  **error)
{
  dnnl_memory_desc_t mds[MAX_MERGE_INPUTS];
  float scales[MAX_MERGE_INPUTS];
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_attr_t attr = _strata_plan_attr (plan);
  StrataPlanPrim *prim;
  dnnl_status_t status;

  for (guint k = 0; k < n_inputs; k++)
    {
      mds[k] = *md;
      scales[k] = 1.0f;
    }
  status = dnnl_sum_primitive_desc_create (&pd, md, n_inputs, scales, mds, attr,
                                           _strata_plan_engine (plan));
  dnnl_primitive_attr_destroy (attr);
  if (!_strata_plan_check (status, "set up an addition", error))
    return NULL;
  prim = _strata_plan_prim_new (plan, pd, error);
  dnnl_primitive_desc_destroy (pd);
  return prim;
}

/*
 * Add: oneDNN's sum, in the first input's layout; the others are converted to it. With a
 * folded Activation (two inputs, see fold_activations()) the binary add with the activation
 * as a post-op instead, which saves the activation's pass over memory.
 */
static gboolean
add_build_forward (StrataPlan       *plan,
                   StrataPlanLayer  *layer,
                   GError          **error)
{
  AddPriv *priv = g_new0 (AddPriv, 1);
  const dnnl_memory_desc_t *md = &layer->inputs[0]->dst_md;
  gboolean binary = layer->folded_act != NULL && layer->n_inputs == 2;
  dnnl_memory_t srcs[MAX_MERGE_INPUTS], dst;
  StrataPlanPrim *prim;
  StrataPlanStep step = { 0 };

  layer->priv = priv;
  layer->priv_free = (GDestroyNotify) add_priv_free;
  _strata_act_stage_init (&priv->stage, layer);
  if (!binary && priv->stage.act.kind != STRATA_ACT_IDENTITY)
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("An activation can only be folded into an Add of two inputs"));
      return FALSE;
    }
  for (guint k = 0; k < layer->n_inputs; k++)
    {
      srcs[k] = _strata_plan_src (plan, layer, k, md, FALSE, error);
      if (srcs[k] == NULL)
        return FALSE;
    }
  prim = binary ? add_binary_prim (plan, &priv->stage, md, error)
                : add_sum_prim (plan, layer->n_inputs, md, error);
  dst = prim ? _strata_act_stage_output (plan, layer, &priv->stage, md, error) : NULL;
  if (dst == NULL)
    return FALSE;

  step.primitive = prim->primitive;
  step.args = g_new0 (dnnl_exec_arg_t, layer->n_inputs + 2);
  for (guint k = 0; k < layer->n_inputs; k++)
    {
      step.args[step.n_args].arg = binary ? (k == 0 ? DNNL_ARG_SRC_0 : DNNL_ARG_SRC_1)
                                          : DNNL_ARG_MULTIPLE_SRC + (int) k;
      step.args[step.n_args++].memory = srcs[k];
    }
  step.args[step.n_args].arg = DNNL_ARG_DST;
  step.args[step.n_args++].memory = dst;
  if (prim->scratchpad)
    {
      step.args[step.n_args].arg = DNNL_ARG_SCRATCHPAD;
      step.args[step.n_args++].memory = prim->scratchpad;
    }
  g_array_append_val (layer->forward, step);
  return _strata_act_stage_forward (plan, layer, &priv->stage, error);
}

/*
 * Each input gets the output's gradient (before a folded activation, whose backward runs in
 * place first). One input whose only consumer is this Add takes the gradient buffer itself
 * instead of a copy (only one: its backward may change it in place); the others get copies
 * or add it to what they have.
 */
static gboolean
add_build_backward (StrataPlan       *plan,
                    StrataPlanLayer  *layer,
                    GError          **error)
{
  AddPriv *priv = layer->priv;
  dnnl_memory_t diff = _strata_act_stage_backward (plan, layer, &priv->stage, error);
  gboolean shared = FALSE;

  if (diff == NULL)
    return FALSE;
  for (guint k = 0; k < layer->n_inputs; k++)
    {
      dnnl_memory_t diff_src;

      if (!_strata_plan_wants_diff_src (layer, k))
        continue;
      if (!shared && _strata_plan_diff_share (plan, layer, k))
        {
          shared = TRUE;
          continue;
        }
      diff_src = _strata_plan_diff_src (plan, layer, k, &layer->dst_md, error);
      if (diff_src == NULL ||
          !_strata_plan_reorder (plan, layer->backward, diff, diff_src, FALSE, error) ||
          !_strata_plan_diff_src_done (plan, layer, k, diff_src, error))
        return FALSE;
    }
  return TRUE;
}

const StrataOpKernels strata_add_kernels = {
  add_build_forward,
  add_build_backward,
};

/* Concatenate along the channels into a plain NHWC (or NC) output, so that every input's part
 * of the gradient is a plain sub-tensor whatever the channel counts. */
static gboolean
concatenate_build_forward (StrataPlan       *plan,
                           StrataPlanLayer  *layer,
                           GError          **error)
{
  dnnl_memory_desc_t dst_md, mds[MAX_MERGE_INPUTS];
  dnnl_memory_t srcs[MAX_MERGE_INPUTS], dst;
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_attr_t attr = _strata_plan_attr (plan);
  StrataPlanPrim *prim;
  dnnl_status_t status;
  StrataPlanStep step = { 0 };

  _strata_md_activation (plan, &layer->shape, &dst_md, FALSE);
  for (guint k = 0; k < layer->n_inputs; k++)
    {
      srcs[k] = _strata_plan_src (plan, layer, k, NULL, FALSE, error);
      if (srcs[k] == NULL)
        {
          dnnl_primitive_attr_destroy (attr);
          return FALSE;
        }
      mds[k] = *_strata_plan_md (srcs[k]);
    }
  status = dnnl_concat_primitive_desc_create (&pd, &dst_md, layer->n_inputs, 1, mds, attr,
                                              _strata_plan_engine (plan));
  dnnl_primitive_attr_destroy (attr);
  if (!_strata_plan_check (status, "set up a concatenation", error))
    return FALSE;
  prim = _strata_plan_prim_new (plan, pd, error);
  dnnl_primitive_desc_destroy (pd);
  dst = prim ? _strata_plan_output (plan, layer, &dst_md, FALSE, error) : NULL;
  if (dst == NULL)
    return FALSE;

  step.primitive = prim->primitive;
  step.args = g_new0 (dnnl_exec_arg_t, layer->n_inputs + 2);
  for (guint k = 0; k < layer->n_inputs; k++)
    {
      step.args[step.n_args].arg = DNNL_ARG_MULTIPLE_SRC + k;
      step.args[step.n_args++].memory = srcs[k];
    }
  step.args[step.n_args].arg = DNNL_ARG_DST;
  step.args[step.n_args++].memory = dst;
  if (prim->scratchpad)
    {
      step.args[step.n_args].arg = DNNL_ARG_SCRATCHPAD;
      step.args[step.n_args++].memory = prim->scratchpad;
    }
  g_array_append_val (layer->forward, step);
  return TRUE;
}

static gboolean
concatenate_build_backward (StrataPlan       *plan,
                            StrataPlanLayer  *layer,
                            GError          **error)
{
  dnnl_memory_t diff = _strata_plan_diff_dst (plan, layer, NULL, error);
  dnnl_dims_t offsets = { 0, 0, 0, 0 };

  if (diff == NULL)
    return FALSE;
  for (guint k = 0; k < layer->n_inputs; k++)
    {
      StrataPlanLayer *src = layer->inputs[k];
      dnnl_memory_desc_t sub;
      dnnl_memory_t view, diff_src;

      if (_strata_plan_wants_diff_src (layer, k))
        {
          if (!_strata_plan_check (dnnl_memory_desc_init_submemory (&sub, &layer->dst_md,
                                                                    src->dst_md.dims, offsets),
                                   "describe an input's part", error))
            return FALSE;
          view = _strata_plan_mem_view (plan, &sub, diff, error);
          diff_src = view ? _strata_plan_diff_src (plan, layer, k, &src->dst_md, error) : NULL;
          if (diff_src == NULL ||
              !_strata_plan_reorder (plan, layer->backward, view, diff_src, FALSE, error) ||
              !_strata_plan_diff_src_done (plan, layer, k, diff_src, error))
            return FALSE;
        }
      offsets[1] += src->dst_md.dims[1];
    }
  return TRUE;
}

const StrataOpKernels strata_concatenate_kernels = {
  concatenate_build_forward,
  concatenate_build_backward,
};

const StrataOpInfo strata_op_add = {
  .type = "Add",
  .category = "merge",
  .label = N_("Add"),
  .description = N_("Adds its inputs, as in a residual connection"),
  .min_inputs = 2,
  .max_inputs = MAX_MERGE_INPUTS,
  .has_output = TRUE,
  .infer = add_infer,
  .kernels = &strata_add_kernels,
};

/* Joins along the last axis (channels), Keras' default axis=-1. */
static gboolean
concatenate_infer (const StrataNode  *node,
                   const StrataShape *inputs,
                   guint              n_inputs,
                   StrataShape       *output,
                   GError           **error)
{
  StrataShape shape = inputs[0];
  int last = shape.rank - 1;

  for (guint i = 1; i < n_inputs; i++)
    {
      gboolean fits = inputs[i].rank == shape.rank;
      for (int axis = 0; fits && axis < last; axis++)
        fits = inputs[i].dims[axis] == shape.dims[axis];
      if (!fits)
        {
          g_autofree char *a = strata_shape_to_string (&inputs[0]);
          g_autofree char *b = strata_shape_to_string (&inputs[i]);
          g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                       _("Concatenate joins along the channels and needs the other sizes to "
                         "match, but input 1 is %s and input %u is %s"), a, i + 1, b);
          return FALSE;
        }
      shape.dims[last] += inputs[i].dims[last];
    }
  *output = shape;
  return TRUE;
}

const StrataOpInfo strata_op_concatenate = {
  .type = "Concatenate",
  .category = "merge",
  .label = N_("Concatenate"),
  .description = N_("Joins its inputs along the channels"),
  .min_inputs = 2,
  .max_inputs = MAX_MERGE_INPUTS,
  .has_output = TRUE,
  .infer = concatenate_infer,
  .kernels = &strata_concatenate_kernels,
};
