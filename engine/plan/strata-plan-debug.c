/* strata-plan-debug.c: introspection for tests, and the per-layer profile
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-plan-private.h"
#include "strata-plan-struct.h"
#include "strata-random.h"

void
_strata_plan_print_profile (StrataPlan *plan)
{
  double total = 0;

  if (plan->n_profiled == 0)
    return;
  for (guint i = 0; i < plan->layers->len * 2; i++)
    total += plan->profile_us[i];
  g_printerr ("strata-plan profile: %.3f ms per step over %u steps\n",
              total / plan->n_profiled / 1000, plan->n_profiled);
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      g_printerr ("  %-24s %-22s forward %8.3f ms  backward %8.3f ms\n", layer->id,
                  layer->op->type, plan->profile_us[2 * i] / plan->n_profiled / 1000,
                  plan->profile_us[2 * i + 1] / plan->n_profiled / 1000);
    }
}

/* Test introspection ------------------------------------------------------------------------ */

void
_strata_plan_get_stats (StrataPlan      *plan,
                        StrataPlanStats *stats)
{
  memset (stats, 0, sizeof *stats);
  stats->n_layers = plan->layers->len;
  stats->n_backward_layers = plan->n_backward_layers;
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      stats->n_diff_buffers += layer->diff_mem != NULL;
    }
  stats->arena_bytes = plan->arena_size;
  stats->arena_unshared = plan->arena_unshared;
  stats->n_reference_impls = plan->n_reference_impls;
  stats->bf16 = plan->data_type == dnnl_bf16;
}

StrataPlanLayer *
_strata_plan_lookup_layer (StrataPlan *plan,
                           const char *id)
{
  for (guint i = 0; i < plan->layers->len; i++)
    {
      StrataPlanLayer *layer = g_ptr_array_index (plan->layers, i);
      if (g_str_equal (layer->id, id))
        return layer;
    }
  return NULL;
}

static gboolean
read_plain (StrataPlan        *plan,
            dnnl_memory_t      mem,
            const StrataShape *shape,
            float             *values,
            GError           **error)
{
  dnnl_memory_desc_t md;
  dnnl_memory_t out = NULL;
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_t prim = NULL;
  dnnl_exec_arg_t args[2];
  gboolean ok;

  _strata_md_activation_f32 (plan, shape, &md);
  ok = _strata_plan_check (dnnl_memory_create (&out, &md, plan->engine, values),
                           "create a memory object", error) &&
       _strata_plan_check (dnnl_reorder_primitive_desc_create (&pd, _strata_plan_md (mem),
                                                               plan->engine, &md, plan->engine,
                                                               NULL),
                           "convert between memory layouts", error) &&
       _strata_plan_check (dnnl_primitive_create (&prim, pd), "create a primitive", error);
  if (ok)
    {
      args[0].arg = DNNL_ARG_FROM;
      args[0].memory = mem;
      args[1].arg = DNNL_ARG_TO;
      args[1].memory = out;
      ok = _strata_plan_check (dnnl_primitive_execute (prim, plan->stream, 2, args),
                               "convert between memory layouts", error);
      dnnl_stream_wait (plan->stream);
    }
  if (prim)
    dnnl_primitive_destroy (prim);
  if (pd)
    dnnl_primitive_desc_destroy (pd);
  if (out)
    dnnl_memory_destroy (out);
  return ok;
}

/* The layer's last output in Keras order; the plan must be made with KEEP_OUTPUTS (which
 * also keeps a layer's output from before a folded activation). */
gboolean
_strata_plan_read_output (StrataPlan *plan,
                          const char *id,
                          float      *values,
                          GError    **error)
{
  StrataPlanLayer *layer = _strata_plan_lookup_layer (plan, id);

  g_return_val_if_fail (layer != NULL, FALSE);
  g_return_val_if_fail (layer->folded_act == NULL, FALSE);
  return read_plain (plan, layer->dst_mem, &layer->shape, values, error);
}

/* The gradient of the input; the plan must be made with INPUT_DIFF. */
gboolean
_strata_plan_read_input_diff (StrataPlan *plan,
                              float      *values,
                              GError    **error)
{
  StrataPlanLayer *input = g_ptr_array_index (plan->layers, 0);

  g_return_val_if_fail (input->diff_mem != NULL, FALSE);
  return read_plain (plan, input->diff_mem, &input->shape, values, error);
}

/* The key of the layer's dropout mask in the last forward: see strata_dropout_keep(). */
guint64
_strata_plan_dropout_key (StrataPlan      *plan,
                          StrataPlanLayer *layer)
{
  return strata_random_key (plan->seed, layer->index);
}
