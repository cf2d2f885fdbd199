/* strata-plan-features.c: the frozen-feature cache's side of the plan
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "strata-plan-private.h"
#include "strata-plan-struct.h"

/*
 * When the bottom of a model is frozen (a pretrained backbone's frozen layers) and holds
 * nothing random, its outputs for an image never change while the image doesn't. A trainer
 * whose data is not augmented can keep them: after a full forward it saves, for each sample,
 * the outputs of the frozen prefix that the rest of the model reads (the frontier), and in
 * later epochs loads them and runs only the layers past the prefix.
 *
 * The saved values are plain float32 in Keras order, whatever layout and precision the plan
 * uses inside, so a TRAIN plan's features serve the INFER plan and plans of other batch
 * sizes. A frontier output is copied out right after its layer runs, before its buffer goes
 * to a later layer; its buffer lives from the start of the step, so that loading it before
 * the other layers run is safe.
 */

void
_strata_plan_free_features (StrataPlan *plan)
{
  g_clear_pointer (&plan->frontier, g_ptr_array_unref);
  g_clear_pointer (&plan->frontier_floats, g_array_unref);
  g_clear_pointer (&plan->save_steps, g_ptr_array_unref);
  g_clear_pointer (&plan->load_steps, g_array_unref);
  g_clear_pointer (&plan->staging, free);
}

static gboolean
is_frontier (StrataPlan      *plan,
             StrataPlanLayer *layer)
{
  if (!layer->frozen_prefix)
    return FALSE;
  if (layer == plan->logits)
    return TRUE;
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *consumer = g_ptr_array_index (plan->layers, i);
      if (consumer->absorbed)       /* its input link is stale: its consumer reads past it */
        continue;
      for (guint k = 0; k < consumer->n_inputs; k++)
        if (consumer->inputs[k] == layer && !consumer->frozen_prefix)
          return TRUE;
    }
  return FALSE;
}

/* Called by build() once every layer is built and before the buffers are placed. */
gboolean
_strata_plan_build_features (StrataPlan  *plan,
                             GError     **error)
{
  gsize offset = 0;

  plan->frontier = g_ptr_array_new ();
  plan->frontier_floats = g_array_new (FALSE, FALSE, sizeof (gsize));
  plan->save_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  plan->load_steps = _strata_plan_steps_new ();
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      gsize floats;

      if (!is_frontier (plan, layer))
        continue;
      floats = strata_shape_n_elements (&layer->shape);
      g_ptr_array_add (plan->frontier, layer);
      g_array_append_val (plan->frontier_floats, floats);
      plan->feature_floats += floats;
    }
  {
    /* a prefix of only weightless layers (the input, its padding) saves no real work: the
     * "features" would be the images themselves, which the image cache already holds */
    gboolean frozen_weights = FALSE;
    for (guint i = 0; i < plan->layers->len; i++)
      {
        StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
        frozen_weights |= layer->frozen_prefix && layer->has_weights;
      }
    if (!frozen_weights)
      {
        g_ptr_array_set_size (plan->frontier, 0);
        g_array_set_size (plan->frontier_floats, 0);
        plan->feature_floats = 0;
        return TRUE;
      }
  }
  if (plan->feature_floats == 0)
    return TRUE;

  if (posix_memalign ((void **) &plan->staging, 64,
                      plan->feature_floats * plan->batch * sizeof (float)) != 0)
    {
      plan->staging = NULL;
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_NO_MEMORY,
                              _("Not enough memory for the frozen features of a batch"));
      return FALSE;
    }
  for (guint f = 0; f < plan->frontier->len; f++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->frontier, f);
      GArray *save = _strata_plan_steps_new ();
      dnnl_memory_desc_t plain;
      dnnl_memory_t staging;

      g_ptr_array_add (plan->save_steps, save);
      /* loaded before any layer runs: nothing may share the buffer before its layer */
      _strata_plan_buffer_use (plan, layer->dst_buffer, 0);
      _strata_md_activation_f32 (plan, &layer->shape, &plain);
      staging = _strata_plan_mem_wrap (plan, &plain, plan->staging + offset * plan->batch, error);
      if (staging == NULL ||
          !_strata_plan_reorder (plan, save, layer->dst_mem, staging, FALSE, error) ||
          !_strata_plan_reorder (plan, plan->load_steps, staging, layer->dst_mem, FALSE, error))
        return FALSE;
      layer->frontier_index = f + 1;
      offset += g_array_index (plan->frontier_floats, gsize, f);
    }
  return TRUE;
}

/* During a forward that saves features: @layer just ran; copy its output if it is one. */
gboolean
_strata_plan_save_frontier (StrataPlan      *plan,
                            StrataPlanLayer *layer,
                            GError         **error)
{
  if (layer->frontier_index == 0)
    return TRUE;
  return _strata_plan_run_steps (plan, g_ptr_array_index (plan->save_steps,
                                                          layer->frontier_index - 1), error);
}

/**
 * strata_plan_get_feature_size:
 *
 * Returns: how many floats per sample the frozen prefix hands on to the rest of the model,
 *   or 0 when the plan was made without @feature_cache or nothing below the trainable layers
 *   is frozen and deterministic
 */
gsize
strata_plan_get_feature_size (StrataPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);
  return plan->feature_floats;
}

/**
 * strata_plan_forward_saving_features:
 * @n: as strata_plan_forward()
 * @features: (out caller-allocates): @n × strata_plan_get_feature_size() floats
 *
 * strata_plan_forward() that also copies each sample's frozen features, for
 * strata_plan_forward_features() to start from later.
 */
gboolean
strata_plan_forward_saving_features (StrataPlan  *plan,
                                     guint        n,
                                     guint64      seed,
                                     float       *features,
                                     GError     **error)
{
  gsize offset = 0;

  g_return_val_if_fail (plan != NULL && plan->feature_floats > 0, FALSE);

  plan->saving_features = TRUE;
  if (!_strata_plan_run_forward (plan, n, seed, FALSE, error))
    {
      plan->saving_features = FALSE;
      return FALSE;
    }
  plan->saving_features = FALSE;
  for (guint f = 0; f < plan->frontier->len; f++)
    {
      gsize floats = g_array_index (plan->frontier_floats, gsize, f);
      const float *src = plan->staging + offset * plan->batch;

      for (guint i = 0; i < n; i++)
        memcpy (features + i * plan->feature_floats + offset, src + i * floats,
                floats * sizeof (float));
      offset += floats;
    }
  return TRUE;
}

/**
 * strata_plan_forward_features:
 * @n: as strata_plan_forward()
 * @features: @n × strata_plan_get_feature_size() floats that
 *   strata_plan_forward_saving_features() gave for the samples, by this plan or another plan
 *   of the same model
 *
 * strata_plan_forward() without the frozen prefix: its outputs come from @features. The
 * plan's input is not read. Loss and backward follow as after strata_plan_forward().
 */
gboolean
strata_plan_forward_features (StrataPlan   *plan,
                              guint         n,
                              const float  *features,
                              guint64       seed,
                              GError      **error)
{
  gsize offset = 0;

  g_return_val_if_fail (plan != NULL && plan->feature_floats > 0, FALSE);
  g_return_val_if_fail (n <= plan->batch, FALSE);

  for (guint f = 0; f < plan->frontier->len; f++)
    {
      gsize floats = g_array_index (plan->frontier_floats, gsize, f);
      float *dst = plan->staging + offset * plan->batch;

      for (guint i = 0; i < n; i++)
        memcpy (dst + i * floats, features + i * plan->feature_floats + offset,
                floats * sizeof (float));
      memset (dst + n * floats, 0, (plan->batch - n) * floats * sizeof (float));
      offset += floats;
    }
  if (!_strata_plan_run_steps (plan, plan->load_steps, error))
    return FALSE;
  return _strata_plan_run_forward (plan, n, seed, TRUE, error);
}
