/* strata-plan.c: a model compiled to oneDNN primitives for one batch size and mode
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strata-plan.h"
#include "strata-plan-private.h"
#include "strata-plan-struct.h"

G_DEFINE_QUARK (strata-plan-error-quark, strata_plan_error)

static void
steps_clear (gpointer data)
{
  StrataPlanStep *step = data;
  g_free (step->args);
}

/* A list of steps to execute, each freeing its arguments. */
GArray *
_strata_plan_steps_new (void)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (StrataPlanStep));
  g_array_set_clear_func (steps, steps_clear);
  return steps;
}

static void
memory_destroy (gpointer mem)
{
  dnnl_memory_destroy (mem);
}

static void
layer_free (StrataPlanLayer *layer)
{
  g_clear_pointer (&layer->forward, g_array_unref);
  g_clear_pointer (&layer->backward, g_array_unref);
  if (layer->priv_free != NULL)
    layer->priv_free (layer->priv);
  g_free (layer);
}

void
strata_plan_free (StrataPlan *plan)
{
  if (plan == NULL)
    return;
  if (plan->profile)
    _strata_plan_print_profile (plan);
  g_clear_pointer (&plan->profile_us, g_free);
  /* primitives and memories before the engine they belong to */
  g_clear_pointer (&plan->layers, g_ptr_array_unref);
  g_clear_pointer (&plan->sync, g_array_unref);
  g_clear_pointer (&plan->loss_steps, g_array_unref);
  g_clear_pointer (&plan->seed_steps, g_array_unref);
  _strata_plan_free_features (plan);
  g_clear_pointer (&plan->primitives, g_ptr_array_unref);
  g_clear_pointer (&plan->memories, g_ptr_array_unref);
  g_clear_pointer (&plan->mem_buffers, g_hash_table_unref);
  g_clear_pointer (&plan->accumulate, g_hash_table_unref);
  g_clear_pointer (&plan->buffers, g_array_unref);
  g_clear_pointer (&plan->weight_copies, g_array_unref);
  g_clear_pointer (&plan->arena, free);
  g_clear_pointer (&plan->input, free);
  if (plan->stream)
    dnnl_stream_destroy (plan->stream);
  if (plan->engine)
    dnnl_engine_destroy (plan->engine);
  g_clear_object (&plan->model);
  g_free (plan);
}

/* Structure --------------------------------------------------------------------------------- */

/* The layer's own activation ("relu", "softmax"…), or "" for a layer without one. */
static const char *
activation_name (StrataPlanLayer *layer)
{
  GVariant *activation = strata_node_get_param (layer->node, "activation");
  return activation ? g_variant_get_string (activation, NULL) : "";
}

/*
 * Whether layers may be folded into their neighbours (fold_activations(), fold_paddings()):
 * not for tests that read every layer's output (a folded layer's would be missing), nor with
 * STRATA_PLAN_NO_FUSE=1, to compare.
 */
static gboolean
may_fold (StrataPlan *plan)
{
  return !(plan->debug & (STRATA_PLAN_DEBUG_KEEP_OUTPUTS | STRATA_PLAN_DEBUG_NO_FOLD)) &&
         g_strcmp0 (g_getenv ("STRATA_PLAN_NO_FUSE"), "1") != 0;
}

/* The Activation layers that fold into their input's layer: see fold_activations(). */
static gboolean
can_fold (StrataPlan      *plan,
          StrataPlanLayer *layer)
{
  StrataPlanLayer *src = layer->inputs[0];

  if (!g_str_equal (layer->op->type, "Activation") ||
      !g_str_equal (activation_name (layer), "relu"))
    return FALSE;
  /* the input's own output (before the activation) is gone: nothing else may read it */
  if (src->n_consumers != 1 || src == plan->logits)
    return FALSE;
  return g_str_equal (src->op->type, "BatchNormalization") ||
         (g_str_equal (src->op->type, "Add") && src->n_inputs == 2);
}

/*
 * Keras' ResNets put an Activation("relu") after every BatchNormalization and residual Add.
 * As its own layer it is one more pass over the values forward and one backward; the
 * BatchNormalization (fuse_norm_relu) and the Add (a post-op) can apply it as they write
 * their output. The folded Activation runs nothing: its output is its input's, and its
 * gradient is handed on to its input, whose backward applies the activation's.
 */
static void
fold_activations (StrataPlan *plan)
{
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);

      if (layer->n_inputs == 1 && can_fold (plan, layer))
        {
          layer->folded = TRUE;
          layer->inputs[0]->folded_act = layer;
        }
    }
}

/* Whether the layer's outputs are never negative: a ReLU or ReLU6, its own or a layer's. */
static gboolean
is_nonnegative (StrataPlanLayer *layer)
{
  const char *name = activation_name (layer);
  return g_str_equal (name, "relu") || g_str_equal (name, "relu6");
}

/* Whether @layer can pad its input itself for the ZeroPadding2D it reads: see
 * fold_paddings(). Only a "valid" window, and each side's padding smaller than the window,
 * as oneDNN's fast kernels need. */
static gboolean
can_absorb_padding (StrataPlan      *plan,
                    StrataPlanLayer *layer)
{
  StrataPlanLayer *pad = layer->inputs[0];
  gboolean max_pool = g_str_equal (layer->op->type, "MaxPooling2D");
  const char *window = max_pool ? "pool_size" : "kernel_size";

  if (!max_pool && !g_str_equal (layer->op->type, "Conv2D") &&
      !g_str_equal (layer->op->type, "DepthwiseConv2D"))
    return FALSE;
  if (!g_str_equal (pad->op->type, "ZeroPadding2D") || pad->n_consumers != 1 ||
      pad == plan->logits ||
      g_str_equal (strata_node_get_string (layer->node, "padding"), "same"))
    return FALSE;
  /* oneDNN pads a max pool with −∞, Keras' ZeroPadding2D with 0: the same maximum, and the
   * same gradient as a ReLU passes none at 0, when no value is below 0 */
  if (max_pool && !is_nonnegative (pad->inputs[0]))
    return FALSE;
  for (int side = 0; side < 4; side++)
    if (strata_node_get_int_at (pad->node, "padding", side) >=
        strata_node_get_int_at (layer->node, window, side / 2))
      return FALSE;
  return TRUE;
}

/*
 * Keras' ResNet50, MobileNetV2 and DenseNet121 write the padding of some convolutions and
 * max pools as a ZeroPadding2D layer before them. As its own layer it is a whole padded copy
 * of its input forward and a cropped copy of the gradient backward (ResNet50's pool1_pad:
 * 1.3 % of a training step); a convolution or a max pool can pad as it reads instead. The
 * consumer then reads the ZeroPadding2D's input, with its padding added to its own
 * (in_pad); the ZeroPadding2D runs nothing.
 */
static void
fold_paddings (StrataPlan *plan)
{
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      StrataPlanLayer *pad;

      if (layer->n_inputs != 1 || !can_absorb_padding (plan, layer))
        continue;
      pad = layer->inputs[0];
      for (int side = 0; side < 4; side++)
        layer->in_pad[side] = strata_node_get_int_at (pad->node, "padding", side);
      layer->inputs[0] = pad->inputs[0];
      pad->absorbed = TRUE;
      pad->n_consumers = 0;
    }
}

static gboolean
make_layers (StrataPlan  *plan,
             GError     **error)
{
  StrataGraph *graph = strata_model_get_graph (plan->model);
  g_autoptr(GPtrArray) order = strata_graph_dup_topo_order (graph, error);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  StrataNode *output = strata_graph_find_output (graph);

  if (order == NULL)
    return FALSE;
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      StrataPlanLayer *layer;

      if (node == output)
        continue;
      layer = g_new0 (StrataPlanLayer, 1);
      layer->index = plan->layers->len;
      layer->node = node;
      layer->id = strata_node_get_id (node);
      layer->op = strata_node_get_op (node);
      layer->n_inputs = MIN (strata_node_get_n_inputs (node), STRATA_PLAN_MAX_INPUTS);
      layer->dst_buffer = -1;
      layer->diff_buffer = -1;
      layer->forward = _strata_plan_steps_new ();
      layer->backward = _strata_plan_steps_new ();
      strata_graph_get_output_shape (graph, layer->id, &layer->shape);
      for (guint k = 0; k < layer->n_inputs; k++)
        {
          const char *src = strata_graph_get_input (graph, layer->id, k);
          layer->inputs[k] = src ? g_hash_table_lookup (by_id, src) : NULL;
          if (layer->inputs[k] == NULL)
            {
              _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                                      _("Layer “%s” has an unconnected input"), layer->id);
              layer_free (layer);
              return FALSE;
            }
          layer->inputs[k]->n_consumers++;
        }
      for (guint t = 0; t < strata_model_get_n_tensors (plan->model); t++)
        {
          StrataTensor *tensor = strata_model_get_tensor (plan->model, t);
          if (g_strcmp0 (tensor->layer, layer->id) == 0 && tensor->role == STRATA_TENSOR_WEIGHT)
            {
              layer->has_weights = TRUE;
              layer->trainable |= tensor->trainable;
            }
        }
      /* what a frozen-feature cache may skip: frozen and deterministic back to the input */
      layer->frozen_prefix = !layer->trainable && !g_str_equal (layer->op->type, "Dropout");
      for (guint k = 0; k < layer->n_inputs; k++)
        layer->frozen_prefix &= layer->inputs[k]->frozen_prefix;
      if (plan->train)
        {
          layer->runs_backward = layer->trainable ||
                                 (layer->n_inputs == 0 &&
                                  (plan->debug & STRATA_PLAN_DEBUG_INPUT_DIFF));
          for (guint k = 0; k < layer->n_inputs; k++)
            layer->runs_backward |= layer->inputs[k]->runs_backward;
        }
      g_hash_table_insert (by_id, (gpointer) layer->id, layer);
      g_ptr_array_add (plan->layers, layer);
    }

  plan->logits = g_hash_table_lookup (by_id, strata_graph_get_input (graph,
                                                                      strata_node_get_id (output),
                                                                      0));
  plan->label_smoothing = strata_node_get_float (output, "label_smoothing");
  plan->n_classes = strata_model_get_n_classes (plan->model);
  plan->from_logits = !g_str_equal (activation_name (plan->logits), "softmax");
  if (may_fold (plan))
    {
      fold_activations (plan);
      fold_paddings (plan);
    }
  return TRUE;
}

/*
 * The class scores and probabilities as plain f32 (batch, classes), kept until the next
 * forward, and in TRAIN mode the f32 array the loss writes its gradient into.
 */
static gboolean
build_probabilities (StrataPlan  *plan,
                     GError     **error)
{
  StrataPlanLayer *logits = plan->logits;
  int t = plan->layers->len;
  dnnl_memory_desc_t plain, stored;
  dnnl_dims_t dims = { plan->batch, plan->n_classes };

  _strata_md_plain (&plain, 2, dims, dnnl_nc);
  dnnl_memory_desc_init_by_tag (&stored, 2, dims, plan->data_type, dnnl_nc);
  if (!_strata_md_equal (&logits->dst_md, &stored))
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("Layer “%s” gives class scores in an unexpected layout"),
                              logits->id);
      return FALSE;
    }
  if (plan->data_type == dnnl_f32)
    {
      plan->logits_mem = logits->dst_mem;
      _strata_plan_buffer_use (plan, logits->dst_buffer, STRATA_PLAN_T_END);
    }
  else
    {
      _strata_plan_buffer_use (plan, logits->dst_buffer, t);
      plan->logits_mem = _strata_plan_mem_temp (plan, &plain, t, STRATA_PLAN_T_END, error);
      if (plan->logits_mem == NULL ||
          !_strata_plan_reorder (plan, plan->loss_steps, logits->dst_mem, plan->logits_mem,
                                 FALSE, error))
        return FALSE;
    }

  if (!plan->from_logits)
    plan->probs_mem = plan->logits_mem;
  else
    {
      dnnl_softmax_desc_t desc;
      dnnl_primitive_desc_t pd = NULL;
      dnnl_primitive_attr_t attr = _strata_plan_attr (plan);
      StrataPlanPrim *prim;
      dnnl_status_t status;

      status = dnnl_softmax_forward_desc_init (&desc, dnnl_forward_inference, &plain, 1);
      if (status == dnnl_success)
        status = dnnl_primitive_desc_create (&pd, &desc, attr, plan->engine, NULL);
      dnnl_primitive_attr_destroy (attr);
      if (!_strata_plan_check (status, "set up the softmax", error))
        return FALSE;
      prim = _strata_plan_prim_new (plan, pd, error);
      dnnl_primitive_desc_destroy (pd);
      if (prim == NULL)
        return FALSE;
      plan->probs_mem = _strata_plan_mem_temp (plan, &plain, t, STRATA_PLAN_T_END, error);
      if (plan->probs_mem == NULL)
        return FALSE;
      _strata_plan_exec (plan, plan->loss_steps, prim, 2, DNNL_ARG_SRC, plan->logits_mem,
                         DNNL_ARG_DST, plan->probs_mem);
    }

  if (plan->train && logits->runs_backward)
    {
      int t_last = _strata_plan_t_backward (plan, logits);

      /* the loss writes d loss / d logits; a softmax of the model's own is skipped */
      logits->loss_seeded = TRUE;
      logits->n_diff_written = 1;
      logits->diff_buffer = _strata_plan_buffer_new (plan, _strata_md_size (&stored), t,
                                                     t_last);
      logits->diff_mem = _strata_plan_mem_new (plan, &stored, logits->diff_buffer, error);
      if (logits->diff_mem == NULL)
        return FALSE;
      if (plan->data_type == dnnl_f32)
        plan->seed_mem = logits->diff_mem;
      else
        {
          plan->seed_mem = _strata_plan_mem_temp (plan, &plain, t, t_last, error);
          if (plan->seed_mem == NULL ||
              !_strata_plan_reorder (plan, plan->seed_steps, plan->seed_mem, logits->diff_mem,
                                     FALSE, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
build_input (StrataPlan      *plan,
             StrataPlanLayer *layer,
             GError         **error)
{
  dnnl_memory_desc_t md;

  _strata_md_activation_f32 (plan, &layer->shape, &md);
  if (posix_memalign ((void **) &plan->input, 64, _strata_md_size (&md)) != 0)
    {
      plan->input = NULL;
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_NO_MEMORY,
                              _("Not enough memory for a batch of %u"), plan->batch);
      return FALSE;
    }
  memset (plan->input, 0, _strata_md_size (&md));
  if (plan->data_type == dnnl_f32)
    {
      layer->dst_md = md;
      layer->dst_mem = _strata_plan_mem_wrap (plan, &md, plan->input, error);
      return layer->dst_mem != NULL;
    }
  else
    {
      /* a bf16 plan converts the batch once, so every layer sees one data type */
      dnnl_memory_desc_t converted;
      dnnl_memory_t user = _strata_plan_mem_wrap (plan, &md, plan->input, error);

      _strata_md_activation (plan, &layer->shape, &converted, FALSE);
      return user != NULL &&
             _strata_plan_output (plan, layer, &converted, FALSE, error) != NULL &&
             _strata_plan_reorder (plan, layer->forward, user, layer->dst_mem, FALSE, error);
    }
}

static gboolean
build (StrataPlan  *plan,
       GError     **error)
{
  guint n_layers;

  if (!make_layers (plan, error))
    return FALSE;
  n_layers = plan->layers->len;
  plan->scratchpad_buffer = _strata_plan_buffer_new (plan, 0, 0, STRATA_PLAN_T_END);

  for (guint i = 0; i < n_layers; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      const StrataOpKernels *kernels = layer->op->kernels;

      if (layer->absorbed)
        continue;
      if (layer->n_inputs == 0)
        {
          if (!build_input (plan, layer, error))
            return FALSE;
          continue;
        }
      if (kernels == NULL)
        {
          _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                                  _("Layer “%s”: %s layers can't run yet"), layer->id,
                                  layer->op->type);
          return FALSE;
        }
      if (!kernels->build_forward (plan, layer, error))
        {
          g_prefix_error (error, _("Layer “%s”: "), layer->id);
          return FALSE;
        }
      if (plan->debug & STRATA_PLAN_DEBUG_KEEP_OUTPUTS)
        _strata_plan_buffer_use (plan, layer->dst_buffer, STRATA_PLAN_T_END);
    }

  if (!build_probabilities (plan, error))
    return FALSE;

  for (guint i = n_layers; i > 0; i--)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i - 1);

      if (!layer->runs_backward || layer->n_inputs == 0 || layer->absorbed)
        continue;
      if (!layer->op->kernels->build_backward (plan, layer, error))
        {
          g_prefix_error (error, _("Layer “%s”: "), layer->id);
          return FALSE;
        }
    }

  /* the input's gradient, when a test asked for it, must survive the backward pass */
  if (plan->layers->len > 0)
    {
      StrataPlanLayer *input = g_ptr_array_index (plan->layers, 0);
      _strata_plan_buffer_use (plan, input->diff_buffer, STRATA_PLAN_T_END);
    }

  if (plan->options.feature_cache && !_strata_plan_build_features (plan, error))
    return FALSE;

  g_array_index (plan->buffers, StrataPlanBuffer, plan->scratchpad_buffer).size =
    (plan->scratchpad_size + 63) & ~(gsize) 63;
  _strata_plan_place_buffers (plan);
  return _strata_plan_bind_buffers (plan, error);
}

StrataPlan *
_strata_plan_new_full (StrataModel             *model,
                       const StrataPlanOptions *options,
                       StrataPlanDebugFlags     flags,
                       GError                 **error)
{
  g_autoptr(StrataPlan) plan = NULL;

  g_return_val_if_fail (STRATA_IS_MODEL (model), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (options->batch == 0)
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("The batch size must be at least 1"));
      return NULL;
    }

  plan = g_new0 (StrataPlan, 1);
  plan->model = g_object_ref (model);
  plan->options = *options;
  plan->batch = options->batch;
  plan->train = options->mode == STRATA_PLAN_TRAIN;
  plan->debug = flags;
  plan->layers = g_ptr_array_new_with_free_func ((GDestroyNotify) layer_free);
  plan->buffers = g_array_new (FALSE, TRUE, sizeof (StrataPlanBuffer));
  plan->mem_buffers = g_hash_table_new (NULL, NULL);
  plan->accumulate = g_hash_table_new (NULL, NULL);
  plan->memories = g_ptr_array_new_with_free_func (memory_destroy);
  plan->primitives = g_ptr_array_new_with_free_func ((GDestroyNotify) _strata_plan_prim_free);
  plan->weight_copies = g_array_new (FALSE, TRUE, sizeof (gpointer) * 2);
  plan->sync = _strata_plan_steps_new ();
  plan->loss_steps = _strata_plan_steps_new ();
  plan->seed_steps = _strata_plan_steps_new ();
  plan->data_type = dnnl_f32;
  /* bf16 where the CPU computes it natively (avx512_bf16 and later); the model's master
   * weights, their gradients, the input and the probabilities stay f32 */
  if (options->precision == STRATA_PRECISION_BF16 && strata_plan_has_bf16 ())
    plan->data_type = dnnl_bf16;

  if (!_strata_plan_check (dnnl_engine_create (&plan->engine, dnnl_cpu, 0),
                           "open the CPU engine", error) ||
      !_strata_plan_check (dnnl_stream_create (&plan->stream, plan->engine,
                                               dnnl_stream_default_flags),
                           "open a stream", error))
    return NULL;

  if (!build (plan, error))
    return NULL;
  plan->profile = g_strcmp0 (g_getenv ("STRATA_PLAN_PROFILE"), "1") == 0;
  plan->profile_us = g_new0 (double, plan->layers->len * 2);
  return g_steal_pointer (&plan);
}

/**
 * strata_plan_has_bf16:
 *
 * Whether plans asked for %STRATA_PRECISION_BF16 compute in bf16: the processor has
 * AVX512-BF16 (and oneDNN may use it: ONEDNN_MAX_CPU_ISA=AVX512_CORE says it may not).
 * Elsewhere they compute in fp32, and a user who chose bf16 should be told.
 */
gboolean
strata_plan_has_bf16 (void)
{
  return (dnnl_get_effective_cpu_isa () & dnnl_cpu_isa_avx512_core_bf16) ==
         dnnl_cpu_isa_avx512_core_bf16;
}

/**
 * strata_plan_new:
 * @model: the model; the plan keeps a reference and reads and writes its tensors
 * @options: mode, batch size and precision
 *
 * Compiles the model for one batch size: creates every oneDNN primitive and plans the
 * memory. TRAIN plans also hold the backward pass, which writes each trainable tensor's diff
 * and updates BatchNormalization's moving statistics during forward.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set (a layer setting oneDNN can't
 *   run, or too little memory)
 */
StrataPlan *
strata_plan_new (StrataModel             *model,
                 const StrataPlanOptions *options,
                 GError                 **error)
{
  return _strata_plan_new_full (model, options, 0, error);
}

StrataModel *
strata_plan_get_model (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->model;
}

guint
strata_plan_get_batch (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->batch;
}

/**
 * strata_plan_get_precision:
 *
 * Returns: what the plan computes in: %STRATA_PRECISION_BF16 only when bf16 was asked for
 *   and the CPU computes it natively, else %STRATA_PRECISION_FP32
 */
StrataPrecision
strata_plan_get_precision (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, STRATA_PRECISION_FP32);
  return plan->data_type == dnnl_bf16 ? STRATA_PRECISION_BF16 : STRATA_PRECISION_FP32;
}

/**
 * strata_plan_get_input:
 *
 * Returns: (transfer none): where to put the batch before strata_plan_forward():
 *   batch × height × width × channels floats, Keras order (NHWC)
 */
float *
strata_plan_get_input (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->input;
}

/* Running ----------------------------------------------------------------------------------- */

static gboolean
run_steps (StrataPlan       *plan,
           StrataPlanLayer  *layer,
           GArray           *steps,
           GError          **error)
{
  gint64 start = 0;

  if (plan->profile && layer != NULL)
    {
      dnnl_stream_wait (plan->stream);
      start = g_get_monotonic_time ();
    }
  for (guint s = 0; s < steps->len; s++)
    {
      StrataPlanStep *step = &g_array_index (steps, StrataPlanStep, s);

      if (step->primitive != NULL)
        {
          if (!_strata_plan_check (dnnl_primitive_execute (step->primitive, plan->stream,
                                                           step->n_args, step->args),
                                   "run a layer", error))
            {
              if (layer != NULL)
                g_prefix_error (error, _("Layer “%s”: "), layer->id);
              return FALSE;
            }
        }
      else
        {
          dnnl_stream_wait (plan->stream);
          if (!step->func (plan, layer, step->data, error))
            return FALSE;
        }
    }
  if (plan->profile && layer != NULL)
    {
      dnnl_stream_wait (plan->stream);
      plan->profile_us[2 * layer->index + (steps == layer->backward)] +=
        g_get_monotonic_time () - start;
    }
  return TRUE;
}

/**
 * strata_plan_forward:
 * @n: the number of samples in the input: the batch size in TRAIN mode, at most that in
 *   INFER mode (the other rows are ignored)
 * @seed: the dropout masks are a pure function of @seed, so use a new one for every batch
 *
 * Runs the model on the input. Re-reads the model's weights first when they changed.
 */
gboolean
strata_plan_forward (StrataPlan  *plan,
                     guint        n,
                     guint64      seed,
                     GError     **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  return _strata_plan_run_forward (plan, n, seed, FALSE, error);
}

/* The forward pass; with @skip_prefix, only the layers past the frozen prefix, whose
 * outputs were loaded from a feature cache. */
gboolean
_strata_plan_run_forward (StrataPlan  *plan,
                          guint        n,
                          guint64      seed,
                          gboolean     skip_prefix,
                          GError     **error)
{
  guint64 version;

  if (n == 0 || n > plan->batch || (plan->train && n != plan->batch))
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("This plan runs batches of %u, not %u"), plan->batch, n);
      return FALSE;
    }
  if (n < plan->batch && !skip_prefix)
    {
      StrataShape shape = strata_model_get_input_shape (plan->model);
      gsize row = strata_shape_n_elements (&shape);
      memset (plan->input + (gsize) n * row, 0, (plan->batch - n) * row * sizeof (float));
    }
  plan->n_rows = n;
  plan->seed = seed;
  plan->forward_done = FALSE;
  plan->seeded = FALSE;

  version = strata_model_get_version (plan->model);
  if (version != plan->synced_version)
    {
      if (!run_steps (plan, NULL, plan->sync, error))
        return FALSE;
      plan->synced_version = version;
    }
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      if (skip_prefix && layer->frozen_prefix)
        continue;
      if (!run_steps (plan, layer, layer->forward, error))
        return FALSE;
      if (plan->saving_features && !_strata_plan_save_frontier (plan, layer, error))
        return FALSE;
    }
  if (!run_steps (plan, NULL, plan->loss_steps, error))
    return FALSE;
  dnnl_stream_wait (plan->stream);
  plan->forward_done = TRUE;
  return TRUE;
}

gboolean
_strata_plan_run_steps (StrataPlan  *plan,
                        GArray      *steps,
                        GError     **error)
{
  gboolean ok = run_steps (plan, NULL, steps, error);
  dnnl_stream_wait (plan->stream);
  return ok;
}

/**
 * strata_plan_get_probabilities:
 *
 * Returns: (transfer none): batch × classes probabilities of the last forward
 */
const float *
strata_plan_get_probabilities (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return _strata_plan_mem_data (plan, plan->probs_mem);
}

/**
 * strata_plan_get_scores:
 *
 * Returns: (transfer none): batch × classes values the Output layer read in the last forward:
 *   the class scores before the softmax the plan applies (probabilities when the model's last
 *   layer has its own softmax). Features, for a model whose Output takes a backbone's pooled
 *   features (strata embed).
 */
const float *
strata_plan_get_scores (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return _strata_plan_mem_data (plan, plan->logits_mem);
}

/**
 * strata_plan_compute_loss:
 * @labels: @n class indices
 * @n: the samples of the last forward to count
 * @n_correct: (out) (optional): how many have their label as the most probable class
 * @sample_losses: (out) (optional) (array length=n): each sample's loss
 *
 * Categorical cross-entropy with the Output's label smoothing, as Keras computes it. In TRAIN
 * mode this also sets the gradient that strata_plan_backward() starts from:
 * (probabilities − smoothed labels) / @n with respect to the scores before the softmax.
 * A label outside the classes counts as a loss of 0 and gives no gradient.
 *
 * Returns: the mean loss over the @n samples
 */
double
strata_plan_compute_loss (StrataPlan   *plan,
                          const gint32 *labels,
                          guint         n,
                          guint        *n_correct,
                          float        *sample_losses)
{
  const float *probs, *logits;
  float *seed = NULL;
  guint k = plan->n_classes, correct = 0;
  double ls = plan->label_smoothing, total = 0.0;

  g_return_val_if_fail (plan != NULL, NAN);
  g_return_val_if_fail (plan->forward_done, NAN);
  n = MIN (n, plan->n_rows);

  probs = _strata_plan_mem_data (plan, plan->probs_mem);
  logits = _strata_plan_mem_data (plan, plan->logits_mem);
  if (plan->train && plan->seed_mem != NULL)
    seed = _strata_plan_mem_data (plan, plan->seed_mem);

#pragma omp parallel for reduction(+:total,correct) if (n * k > 4096)
  for (guint i = 0; i < n; i++)
    {
      const float *p = probs + (gsize) i * k;
      const float *z = logits + (gsize) i * k;
      gint32 y = labels[i];
      double loss = 0.0, lse = 0.0, zmax = -INFINITY;
      guint best = 0;

      for (guint c = 1; c < k; c++)
        if (p[c] > p[best])
          best = c;
      if (y < 0 || (guint) y >= k)
        {
          if (sample_losses)
            sample_losses[i] = 0.0f;
          if (seed)
            memset (seed + (gsize) i * k, 0, k * sizeof (float));
          continue;
        }
      if (plan->from_logits)
        {
          for (guint c = 0; c < k; c++)
            zmax = MAX (zmax, z[c]);
          for (guint c = 0; c < k; c++)
            lse += exp (z[c] - zmax);
          lse = log (lse) + zmax;
        }
      for (guint c = 0; c < k; c++)
        {
          double target = ((guint) y == c ? 1.0 - ls : 0.0) + ls / k;
          double log_p = plan->from_logits ? z[c] - lse
                                           : log (CLAMP ((double) p[c], 1e-7, 1.0 - 1e-7));
          loss -= target * log_p;
          if (seed)
            seed[(gsize) i * k + c] = (float) ((p[c] - target) / n);
        }
      correct += best == (guint) y;
      total += loss;
      if (sample_losses)
        sample_losses[i] = (float) loss;
    }
  if (seed)
    for (guint i = n; i < plan->batch; i++)
      memset (seed + (gsize) i * k, 0, k * sizeof (float));

  if (n_correct)
    *n_correct = correct;
  plan->seeded = seed != NULL;
  return n > 0 ? total / n : 0.0;
}

/**
 * strata_plan_backward:
 *
 * Computes the gradient of the loss set by strata_plan_compute_loss() and writes it to the
 * diff of every trainable tensor (overwriting it). Runs nothing below the lowest trainable
 * layer.
 */
gboolean
strata_plan_backward (StrataPlan  *plan,
                      GError     **error)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  if (!plan->train)
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("This plan is for inference and has no backward pass"));
      return FALSE;
    }
  if (!plan->seeded)
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("Compute the loss after the forward pass before the backward "
                                "pass"));
      return FALSE;
    }
  plan->n_backward_layers = 0;
  if (!run_steps (plan, NULL, plan->seed_steps, error))
    return FALSE;
  for (guint i = plan->layers->len; i > 0; i--)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i - 1);
      if (layer->backward->len == 0)
        continue;
      if (!run_steps (plan, layer, layer->backward, error))
        return FALSE;
      plan->n_backward_layers++;
    }
  dnnl_stream_wait (plan->stream);
  plan->seeded = FALSE;
  plan->n_profiled++;
  return TRUE;
}

/**
 * strata_plan_get_memory_bytes:
 *
 * Returns: the bytes the plan holds for activations, gradients, weight copies and scratch
 */
gsize
strata_plan_get_memory_bytes (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->arena_size;
}

