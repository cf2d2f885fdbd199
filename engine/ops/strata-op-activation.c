/* strata-op-activation.c: the Activation layer, and activations after other layers' primitives
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-kernels.h"
#include "strata-op-table.h"

static const StrataParamSpec activation_params[] = {
  STRATA_PARAM_ACTIVATION ("relu"),
  { "alpha", N_("Negative slope"), N_("Slope below zero, for leaky_relu"),
    STRATA_PARAM_FLOAT, 0, 0.0, 1.0, NULL, "0.3", TRUE },
};

static gboolean
activation_infer (const StrataNode  *node,
                  const StrataShape *inputs,
                  guint              n_inputs,
                  StrataShape       *output,
                  GError           **error)
{
  if (g_str_equal (strata_node_get_string (node, "activation"), "softmax") &&
      inputs[0].rank != 1)
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                   _("Softmax works on class scores; put it after a Dense layer"));
      return FALSE;
    }
  *output = inputs[0];
  return TRUE;
}

/*
 * Keras' activation names as oneDNN eltwise algorithms. Those whose backward can be computed
 * from the output use the _use_dst_for_bwd variants, so that the input need not be kept and
 * the activation can be fused into a convolution or inner product.
 */
void
_strata_activation_parse (const char       *name,
                          double            leaky_alpha,
                          StrataActivation *act)
{
  *act = (StrataActivation) { STRATA_ACT_ELTWISE_DST, dnnl_eltwise_relu,
                              dnnl_eltwise_relu_use_dst_for_bwd, 0.0f, 0.0f };

  if (g_str_equal (name, "linear"))
    act->kind = STRATA_ACT_IDENTITY;
  else if (g_str_equal (name, "relu"))
    ;
  else if (g_str_equal (name, "leaky_relu"))
    act->alpha = leaky_alpha;
  else if (g_str_equal (name, "relu6"))
    {
      act->fwd_alg = dnnl_eltwise_clip_v2;
      act->bwd_alg = dnnl_eltwise_clip_v2_use_dst_for_bwd;
      act->beta = 6.0f;
    }
  else if (g_str_equal (name, "elu"))
    {
      act->fwd_alg = dnnl_eltwise_elu;
      act->bwd_alg = dnnl_eltwise_elu_use_dst_for_bwd;
      act->alpha = 1.0f;
    }
  else if (g_str_equal (name, "sigmoid"))
    {
      act->fwd_alg = dnnl_eltwise_logistic;
      act->bwd_alg = dnnl_eltwise_logistic_use_dst_for_bwd;
    }
  else if (g_str_equal (name, "tanh"))
    {
      act->fwd_alg = dnnl_eltwise_tanh;
      act->bwd_alg = dnnl_eltwise_tanh_use_dst_for_bwd;
    }
  else if (g_str_equal (name, "swish"))
    {
      act->kind = STRATA_ACT_ELTWISE_SRC;
      act->fwd_alg = act->bwd_alg = dnnl_eltwise_swish;
      act->alpha = 1.0f;
    }
  else if (g_str_equal (name, "softmax"))
    act->kind = STRATA_ACT_SOFTMAX;
  else
    act->kind = STRATA_ACT_IDENTITY;
}

static gboolean
keeps_dst (StrataPlanLayer *layer,
           StrataActKind    kind)
{
  return layer->runs_backward && (kind == STRATA_ACT_ELTWISE_DST || kind == STRATA_ACT_SOFTMAX);
}

/* A separate activation on data in layout @md; @pd alone (a hint for the backward) when
 * @hint is set. */
static StrataPlanPrim *
act_forward_prim (StrataPlan               *plan,
                  const StrataActivation   *act,
                  const dnnl_memory_desc_t *md,
                  dnnl_alg_kind_t           alg,
                  dnnl_primitive_desc_t    *hint,
                  GError                  **error)
{
  static StrataPlanPrim none;
  dnnl_status_t status;
  dnnl_prop_kind_t prop = _strata_plan_is_training (plan) ? dnnl_forward_training
                                                          : dnnl_forward_inference;

  if (act->kind == STRATA_ACT_SOFTMAX)
    {
      dnnl_softmax_desc_t desc;
      status = dnnl_softmax_forward_desc_init (&desc, prop, md, 1);
      if (!_strata_plan_check (status, "describe the operation", error))
        return NULL;
      if (hint)
        return _strata_op_pd (plan, &desc, NULL, NULL, hint, "set up a softmax", error)
               ? &none : NULL;
      return _strata_op_prim (plan, &desc, NULL, NULL, NULL, "set up a softmax", error);
    }
  else
    {
      dnnl_eltwise_desc_t desc;
      status = dnnl_eltwise_forward_desc_init (&desc, prop, alg, md, act->alpha, act->beta);
      if (!_strata_plan_check (status, "describe the operation", error))
        return NULL;
      if (hint)
        return _strata_op_pd (plan, &desc, NULL, NULL, hint, "set up an activation", error)
               ? &none : NULL;
      return _strata_op_prim (plan, &desc, NULL, NULL, NULL, "set up an activation", error);
    }
}

/* Backward of an activation: @data is dst (or src for swish), writes @diff_src. */
static gboolean
act_backward (StrataPlan             *plan,
              StrataPlanLayer        *layer,
              const StrataActivation *act,
              dnnl_memory_t           data,
              dnnl_memory_t           diff_dst,
              dnnl_memory_t           diff_src,
              GError                **error)
{
  dnnl_status_t status;
  const dnnl_memory_desc_t *md = _strata_plan_md (data);
  dnnl_primitive_desc_t hint = NULL;
  StrataPlanPrim *prim;

  if (act_forward_prim (plan, act, md, act->bwd_alg, &hint, error) == NULL)
    return FALSE;
  if (act->kind == STRATA_ACT_SOFTMAX)
    {
      dnnl_softmax_desc_t desc;
      status = dnnl_softmax_backward_desc_init (&desc, md, md, 1);
      if (!_strata_plan_check (status, "describe the operation", error))
        return FALSE;
      prim = _strata_op_prim (plan, &desc, NULL, hint, NULL, "set up a softmax's backward",
                              error);
      if (prim)
        _strata_plan_exec (plan, layer->backward, prim, 3, DNNL_ARG_DST, data,
                           DNNL_ARG_DIFF_DST, diff_dst, DNNL_ARG_DIFF_SRC, diff_src);
    }
  else
    {
      dnnl_eltwise_desc_t desc;
      status = dnnl_eltwise_backward_desc_init (&desc, act->bwd_alg, md, md, act->alpha, act->beta);
      if (!_strata_plan_check (status, "describe the operation", error))
        return FALSE;
      prim = _strata_op_prim (plan, &desc, NULL, hint, NULL, "set up an activation's backward",
                              error);
      if (prim)
        _strata_plan_exec (plan, layer->backward, prim, 3,
                           act->kind == STRATA_ACT_ELTWISE_SRC ? DNNL_ARG_SRC : DNNL_ARG_DST,
                           data, DNNL_ARG_DIFF_DST, diff_dst, DNNL_ARG_DIFF_SRC, diff_src);
    }
  dnnl_primitive_desc_destroy (hint);
  return prim != NULL;
}

/* Stages after conv / inner product ---------------------------------------------------------- */

/* The layer's own activation parameter, or the folded Activation layer after it, or none. */
void
_strata_act_stage_init (StrataActStage  *stage,
                        StrataPlanLayer *layer)
{
  StrataNode *folded = layer->folded_act ? layer->folded_act->node : NULL;

  if (folded != NULL)
    _strata_activation_parse (strata_node_get_string (folded, "activation"),
                              strata_node_get_float (folded, "alpha"), &stage->act);
  else if (strata_node_get_param (layer->node, "activation") == NULL)
    _strata_activation_parse ("linear", 0.0, &stage->act);
  else
    /* Keras' activation="leaky_relu" is tf.nn.leaky_relu with its default slope 0.2 */
    _strata_activation_parse (strata_node_get_string (layer->node, "activation"), 0.2,
                              &stage->act);
  stage->fused = stage->act.kind == STRATA_ACT_IDENTITY ||
                 stage->act.kind == STRATA_ACT_ELTWISE_DST;
}

void
_strata_act_stage_clear (StrataActStage *stage)
{
  g_clear_pointer (&stage->fwd_pd, dnnl_primitive_desc_destroy);
}

/* The attributes for the layer's primitive: the activation as a post-op when fused. */
dnnl_primitive_attr_t
_strata_act_stage_attr (StrataPlan     *plan,
                        StrataActStage *stage)
{
  dnnl_primitive_attr_t attr = _strata_plan_attr (plan);

  if (stage->act.kind == STRATA_ACT_ELTWISE_DST)
    {
      dnnl_post_ops_t ops = NULL;
      dnnl_post_ops_create (&ops);
      dnnl_post_ops_append_eltwise (ops, 1.0f, stage->act.fwd_alg, stage->act.alpha,
                                    stage->act.beta);
      dnnl_primitive_attr_set_post_ops (attr, ops);
      dnnl_post_ops_destroy (ops);
    }
  return attr;
}

/* Where the layer's primitive writes: the layer's output, or the activation's input. */
dnnl_memory_t
_strata_act_stage_output (StrataPlan               *plan,
                          StrataPlanLayer          *layer,
                          StrataActStage           *stage,
                          const dnnl_memory_desc_t *md,
                          GError                  **error)
{
  int t = _strata_plan_t_forward (plan, layer);

  if (stage->fused)
    return _strata_plan_output (plan, layer, md, keeps_dst (layer, stage->act.kind), error);
  stage->pre = _strata_plan_mem_temp (plan, md, t,
                                      layer->runs_backward &&
                                      stage->act.kind == STRATA_ACT_ELTWISE_SRC
                                      ? _strata_plan_t_backward (plan, layer) : t, error);
  return stage->pre;
}

/* Appends the separate activation, after the layer's primitive. */
gboolean
_strata_act_stage_forward (StrataPlan       *plan,
                           StrataPlanLayer  *layer,
                           StrataActStage   *stage,
                           GError          **error)
{
  const dnnl_memory_desc_t *md;
  StrataPlanPrim *prim;
  dnnl_memory_t dst;

  if (stage->fused)
    return TRUE;
  md = _strata_plan_md (stage->pre);
  prim = act_forward_prim (plan, &stage->act, md, stage->act.fwd_alg, NULL, error);
  if (prim == NULL)
    return FALSE;
  dst = _strata_plan_output (plan, layer, md, keeps_dst (layer, stage->act.kind), error);
  if (dst == NULL)
    return FALSE;
  _strata_plan_exec (plan, layer->forward, prim, 2, DNNL_ARG_SRC, stage->pre, DNNL_ARG_DST, dst);
  return TRUE;
}

/*
 * Returns: the gradient before the activation, in the layer's output layout. A fused
 * activation's backward runs in place on the layer's gradient; a softmax whose gradient the
 * loss already gave with respect to its input is skipped.
 */
dnnl_memory_t
_strata_act_stage_backward (StrataPlan       *plan,
                            StrataPlanLayer  *layer,
                            StrataActStage   *stage,
                            GError          **error)
{
  dnnl_memory_t diff = _strata_plan_diff_dst (plan, layer, NULL, error);
  dnnl_memory_t diff_pre;
  int t = _strata_plan_t_backward (plan, layer);

  if (diff == NULL)
    return NULL;
  switch (stage->act.kind)
    {
    case STRATA_ACT_IDENTITY:
      return diff;
    case STRATA_ACT_ELTWISE_DST:
      return act_backward (plan, layer, &stage->act, layer->dst_mem, diff, diff, error)
             ? diff : NULL;
    case STRATA_ACT_SOFTMAX:
      if (layer->loss_seeded)
        return diff;
      G_GNUC_FALLTHROUGH;
    case STRATA_ACT_ELTWISE_SRC:
    default:
      diff_pre = _strata_plan_mem_temp (plan, &layer->dst_md, t, t, error);
      if (diff_pre == NULL ||
          !act_backward (plan, layer, &stage->act,
                         stage->act.kind == STRATA_ACT_SOFTMAX ? layer->dst_mem : stage->pre,
                         diff, diff_pre, error))
        return NULL;
      return diff_pre;
    }
}

/* The Activation layer ---------------------------------------------------------------------- */

static StrataActivation *
layer_act (StrataPlanLayer *layer)
{
  return layer->priv;
}

static gboolean
activation_build_forward (StrataPlan       *plan,
                          StrataPlanLayer  *layer,
                          GError          **error)
{
  StrataActivation *act;
  dnnl_memory_t src, dst;
  StrataPlanPrim *prim;

  if (layer->folded)
    {
      _strata_plan_output_alias (plan, layer, layer->inputs[0]);
      return TRUE;
    }
  act = g_new0 (StrataActivation, 1);
  layer->priv = act;
  layer->priv_free = g_free;
  _strata_activation_parse (strata_node_get_string (layer->node, "activation"),
                            strata_node_get_float (layer->node, "alpha"), act);

  src = _strata_plan_src (plan, layer, 0, NULL,
                          layer->runs_backward && act->kind == STRATA_ACT_ELTWISE_SRC, error);
  if (src == NULL)
    return FALSE;
  if (act->kind == STRATA_ACT_IDENTITY)
    {
      _strata_plan_output_alias (plan, layer, layer->inputs[0]);
      return TRUE;
    }
  prim = act_forward_prim (plan, act, _strata_plan_md (src), act->fwd_alg, NULL, error);
  if (prim == NULL)
    return FALSE;
  dst = _strata_plan_output (plan, layer, _strata_plan_md (src), keeps_dst (layer, act->kind),
                             error);
  if (dst == NULL)
    return FALSE;
  _strata_plan_exec (plan, layer->forward, prim, 2, DNNL_ARG_SRC, src, DNNL_ARG_DST, dst);
  return TRUE;
}

static gboolean
activation_build_backward (StrataPlan       *plan,
                           StrataPlanLayer  *layer,
                           GError          **error)
{
  StrataActivation *act = layer_act (layer);
  dnnl_memory_t diff_dst, diff_src;

  if (!_strata_plan_wants_diff_src (layer, 0))
    return TRUE;
  diff_dst = _strata_plan_diff_dst (plan, layer, NULL, error);
  if (diff_dst == NULL)
    return FALSE;
  /* folded: the input's backward starts from this gradient and applies the activation's */
  if (layer->folded && _strata_plan_diff_share (plan, layer, 0))
    return TRUE;
  diff_src = _strata_plan_diff_src (plan, layer, 0, &layer->dst_md, error);
  if (diff_src == NULL)
    return FALSE;
  if (layer->folded || act->kind == STRATA_ACT_IDENTITY ||
      (act->kind == STRATA_ACT_SOFTMAX && layer->loss_seeded))
    {
      if (!_strata_plan_reorder (plan, layer->backward, diff_dst, diff_src, FALSE, error))
        return FALSE;
    }
  else if (!act_backward (plan, layer, act,
                          act->kind == STRATA_ACT_ELTWISE_SRC ? layer->inputs[0]->dst_mem
                                                              : layer->dst_mem,
                          diff_dst, diff_src, error))
    return FALSE;
  return _strata_plan_diff_src_done (plan, layer, 0, diff_src, error);
}

const StrataOpKernels strata_activation_kernels = {
  activation_build_forward,
  activation_build_backward,
};

const StrataOpInfo strata_op_activation = {
  .type = "Activation",
  .category = "activations",
  .label = N_("Activation"),
  .description = N_("Applies a function to every value: relu, sigmoid, softmax…"),
  .params = activation_params,
  .n_params = G_N_ELEMENTS (activation_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = activation_infer,
  .kernels = &strata_activation_kernels,
};
