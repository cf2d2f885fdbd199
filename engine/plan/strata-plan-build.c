/* strata-plan-build.c: the helpers op kernels build their part of a plan with
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>

#include "strata-plan-private.h"
#include "strata-plan-struct.h"

/* Errors ------------------------------------------------------------------------------------ */

void
_strata_plan_set_error (GError          **error,
                        StrataPlanError   code,
                        const char       *format,
                        ...)
{
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  *error = g_error_new_valist (STRATA_PLAN_ERROR, code, format, args);
  va_end (args);
}

static const char *
status_text (dnnl_status_t status)
{
  switch (status)
    {
    case dnnl_out_of_memory: return "out of memory";
    case dnnl_invalid_arguments: return "invalid arguments";
    case dnnl_unimplemented: return "not implemented for these settings";
    case dnnl_iterator_ends: return "no more implementations";
    case dnnl_runtime_error: return "runtime error";
    case dnnl_not_required: return "not required";
    default: return "unknown error";
    }
}

/* The one place where a dnnl_status_t becomes a GError. */
gboolean
_strata_plan_check (dnnl_status_t  status,
                    const char    *what,
                    GError       **error)
{
  if (status == dnnl_success)
    return TRUE;
  _strata_plan_set_error (error,
                          status == dnnl_out_of_memory ? STRATA_PLAN_ERROR_NO_MEMORY :
                          status == dnnl_unimplemented ? STRATA_PLAN_ERROR_UNSUPPORTED :
                          STRATA_PLAN_ERROR_DNNL,
                          _("oneDNN could not %s: %s"), what, status_text (status));
  return FALSE;
}

/* Accessors --------------------------------------------------------------------------------- */

gboolean
_strata_plan_is_training (StrataPlan *plan)
{
  return plan->train;
}

StrataModel *
_strata_plan_model (StrataPlan *plan)
{
  return plan->model;
}

guint
_strata_plan_batch (StrataPlan *plan)
{
  return plan->batch;
}

dnnl_engine_t
_strata_plan_engine (StrataPlan *plan)
{
  return plan->engine;
}

int
_strata_plan_t_forward (StrataPlan      *plan,
                        StrataPlanLayer *layer)
{
  return layer->index;
}

int
_strata_plan_t_backward (StrataPlan      *plan,
                         StrataPlanLayer *layer)
{
  return 2 * (int) plan->layers->len - (int) layer->index;
}

guint64
_strata_plan_seed (StrataPlan *plan)
{
  return plan->seed;
}

guint
_strata_plan_n_rows (StrataPlan *plan)
{
  return plan->n_rows;
}

/* Every primitive writes its temporary data into the plan's one scratchpad. */
dnnl_primitive_attr_t
_strata_plan_attr (StrataPlan *plan)
{
  dnnl_primitive_attr_t attr = NULL;

  dnnl_primitive_attr_create (&attr);
  dnnl_primitive_attr_set_scratchpad_mode (attr, dnnl_scratchpad_mode_user);
  return attr;
}

/* Memory descriptors ------------------------------------------------------------------------ */

void
_strata_md_plain (dnnl_memory_desc_t *md,
                  int                 ndims,
                  const dnnl_dims_t   dims,
                  dnnl_format_tag_t   tag)
{
  dnnl_memory_desc_init_by_tag (md, ndims, dims, dnnl_f32, tag);
}

void
_strata_md_any (dnnl_memory_desc_t *md,
                int                 ndims,
                const dnnl_dims_t   dims,
                dnnl_data_type_t    data_type)
{
  dnnl_memory_desc_init_by_tag (md, ndims, dims, data_type, dnnl_format_tag_any);
}

/* f32, or bf16 when the plan computes in bf16: activations, their gradients, weight copies */
dnnl_data_type_t
_strata_plan_data_type (StrataPlan *plan)
{
  return plan->data_type;
}

gboolean
_strata_md_equal (const dnnl_memory_desc_t *a,
                  const dnnl_memory_desc_t *b)
{
  return dnnl_memory_desc_equal (a, b) != 0;
}

gsize
_strata_md_size (const dnnl_memory_desc_t *md)
{
  return dnnl_memory_desc_get_size (md);
}

static void
md_batch (StrataPlan         *plan,
          const StrataShape  *shape,
          dnnl_memory_desc_t *md,
          dnnl_data_type_t    data_type,
          gboolean            any)
{
  if (shape->rank == 3)
    {
      dnnl_dims_t dims = { plan->batch, shape->dims[2], shape->dims[0], shape->dims[1] };
      dnnl_memory_desc_init_by_tag (md, 4, dims, data_type, any ? dnnl_format_tag_any : dnnl_nhwc);
    }
  else
    {
      dnnl_dims_t dims = { plan->batch, shape->dims[0] };
      dnnl_memory_desc_init_by_tag (md, 2, dims, data_type, any ? dnnl_format_tag_any : dnnl_nc);
    }
}

/* A batch of @shape in the plan's data type: (N, C, H, W) for images, (N, F) for flat
 * values; NHWC / NC plain unless @any. */
void
_strata_md_activation (StrataPlan         *plan,
                       const StrataShape  *shape,
                       dnnl_memory_desc_t *md,
                       gboolean            any)
{
  md_batch (plan, shape, md, plan->data_type, any);
}

/* The same, plain f32: what the caller's arrays hold. */
void
_strata_md_activation_f32 (StrataPlan         *plan,
                           const StrataShape  *shape,
                           dnnl_memory_desc_t *md)
{
  md_batch (plan, shape, md, dnnl_f32, FALSE);
}

/*
 * Element strides of an activation layout, for our own loops: the offset of logical element
 * (n, c, h, w) is n·s[0] + (c / block)·s[1] + c % block + h·s[2] + w·s[3]. Handles plain
 * layouts and those with one inner block on the channels (nChw16c…), which is what oneDNN
 * picks for activations.
 */
gboolean
_strata_md_offsets (const dnnl_memory_desc_t *md,
                    gint64                    strides[4],
                    int                      *channel_block)
{
  const dnnl_blocking_desc_t *blk = &md->format_desc.blocking;

  if (md->format_kind != dnnl_blocked || md->offset0 != 0)
    return FALSE;
  *channel_block = 1;
  if (blk->inner_nblks > 1 || (blk->inner_nblks == 1 && blk->inner_idxs[0] != 1))
    return FALSE;
  if (blk->inner_nblks == 1)
    *channel_block = blk->inner_blks[0];
  for (int d = 0; d < 4; d++)
    strides[d] = d < md->ndims ? blk->strides[d] : 0;
  return TRUE;
}

/* Plain layouts that put every element at the same offset (NHWC and NCHW with one channel). */
gboolean
_strata_md_same_bytes (const dnnl_memory_desc_t *a,
                       const dnnl_memory_desc_t *b)
{
  const dnnl_blocking_desc_t *x = &a->format_desc.blocking, *y = &b->format_desc.blocking;

  if (a->ndims != b->ndims || a->format_kind != dnnl_blocked || b->format_kind != dnnl_blocked ||
      a->data_type != b->data_type || x->inner_nblks != 0 || y->inner_nblks != 0 ||
      a->offset0 != b->offset0)
    return FALSE;
  for (int d = 0; d < a->ndims; d++)
    if (a->dims[d] != b->dims[d] || a->padded_dims[d] != b->padded_dims[d] ||
        (a->dims[d] > 1 && x->strides[d] != y->strides[d]))
      return FALSE;
  return TRUE;
}

const dnnl_memory_desc_t *
_strata_pd_md (const_dnnl_primitive_desc_t pd,
               dnnl_query_t                what)
{
  return dnnl_primitive_desc_query_md (pd, what, 0);
}

/* Buffers and memories ---------------------------------------------------------------------- */

int
_strata_plan_buffer_new (StrataPlan *plan,
                         gsize       size,
                         int         t_first,
                         int         t_last)
{
  StrataPlanBuffer buffer = { (size + 63) & ~(gsize) 63, t_first, MAX (t_first, t_last), 0 };

  g_array_append_val (plan->buffers, buffer);
  return plan->buffers->len - 1;
}

void
_strata_plan_buffer_use (StrataPlan *plan,
                         int         index,
                         int         t)
{
  StrataPlanBuffer *buffer;

  if (index < 0)
    return;
  buffer = &g_array_index (plan->buffers, StrataPlanBuffer, index);
  buffer->t_first = MIN (buffer->t_first, t);
  buffer->t_last = MAX (buffer->t_last, t);
}

/* Valid once the plan is built. */
void *
_strata_plan_buffer_data (StrataPlan *plan,
                          int         index)
{
  return plan->arena + g_array_index (plan->buffers, StrataPlanBuffer, index).offset;
}

static dnnl_memory_t
mem_create (StrataPlan               *plan,
            const dnnl_memory_desc_t *md,
            void                     *data,
            int                       buffer,
            GError                  **error)
{
  dnnl_memory_t mem = NULL;

  if (!_strata_plan_check (dnnl_memory_create (&mem, md, plan->engine, data),
                           "create a memory object", error))
    return NULL;
  g_ptr_array_add (plan->memories, mem);
  g_hash_table_insert (plan->mem_buffers, mem, GINT_TO_POINTER (buffer + 1));
  return mem;
}

dnnl_memory_t
_strata_plan_mem_new (StrataPlan               *plan,
                      const dnnl_memory_desc_t *md,
                      int                       buffer,
                      GError                  **error)
{
  return mem_create (plan, md, DNNL_MEMORY_NONE, buffer, error);
}

dnnl_memory_t
_strata_plan_mem_temp (StrataPlan               *plan,
                       const dnnl_memory_desc_t *md,
                       int                       t_first,
                       int                       t_last,
                       GError                  **error)
{
  return _strata_plan_mem_new (plan, md,
                               _strata_plan_buffer_new (plan, _strata_md_size (md), t_first,
                                                        t_last),
                               error);
}

dnnl_memory_t
_strata_plan_mem_wrap (StrataPlan               *plan,
                       const dnnl_memory_desc_t *md,
                       void                     *data,
                       GError                  **error)
{
  return mem_create (plan, md, data, -1, error);
}

/* Another layout over the same bytes as @mem (a 2D view of NHWC data, a sub-tensor…). */
dnnl_memory_t
_strata_plan_mem_view (StrataPlan               *plan,
                       const dnnl_memory_desc_t *md,
                       dnnl_memory_t             mem,
                       GError                  **error)
{
  int buffer = _strata_plan_mem_buffer (plan, mem);

  if (buffer < 0)
    return _strata_plan_mem_wrap (plan, md, _strata_plan_mem_data (plan, mem), error);
  return _strata_plan_mem_new (plan, md, buffer, error);
}

int
_strata_plan_mem_buffer (StrataPlan    *plan,
                         dnnl_memory_t  mem)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (plan->mem_buffers, mem)) - 1;
}

void *
_strata_plan_mem_data (StrataPlan    *plan,
                       dnnl_memory_t  mem)
{
  void *data = NULL;

  dnnl_memory_get_data_handle (mem, &data);
  return data;
}

const dnnl_memory_desc_t *
_strata_plan_md (dnnl_memory_t mem)
{
  const dnnl_memory_desc_t *md = NULL;

  dnnl_memory_get_memory_desc (mem, &md);
  return md;
}

/* Primitives and steps ---------------------------------------------------------------------- */

void
_strata_plan_prim_free (StrataPlanPrim *prim)
{
  dnnl_primitive_destroy (prim->primitive);
  g_free (prim);
}

StrataPlanPrim *
_strata_plan_prim_new (StrataPlan                  *plan,
                       const_dnnl_primitive_desc_t  pd,
                       GError                     **error)
{
  StrataPlanPrim *prim = g_new0 (StrataPlanPrim, 1);
  const dnnl_memory_desc_t *scratch = _strata_pd_md (pd, dnnl_query_scratchpad_md);
  const char *impl = NULL;

  if (!_strata_plan_check (dnnl_primitive_create (&prim->primitive, pd),
                           "create a primitive", error))
    {
      g_free (prim);
      return NULL;
    }
  g_ptr_array_add (plan->primitives, prim);

  dnnl_primitive_desc_query (pd, dnnl_query_impl_info_str, 0, &impl);
  if (impl != NULL && g_str_has_prefix (impl, "ref"))
    plan->n_reference_impls++;

  if (scratch != NULL && _strata_md_size (scratch) > 0)
    {
      plan->scratchpad_size = MAX (plan->scratchpad_size, _strata_md_size (scratch));
      prim->scratchpad = _strata_plan_mem_new (plan, scratch, plan->scratchpad_buffer, error);
      if (prim->scratchpad == NULL)
        return NULL;
    }
  return prim;
}

/* Appends a primitive run; the variadic arguments are n_args pairs (int arg, dnnl_memory_t). */
void
_strata_plan_exec (StrataPlan     *plan,
                   GArray         *steps,
                   StrataPlanPrim *prim,
                   int             n_args,
                   ...)
{
  StrataPlanStep step = { prim->primitive, 0, NULL, NULL, NULL };
  va_list args;

  step.args = g_new0 (dnnl_exec_arg_t, n_args + 1);
  va_start (args, n_args);
  for (int i = 0; i < n_args; i++)
    {
      int arg = va_arg (args, int);
      dnnl_memory_t mem = va_arg (args, dnnl_memory_t);
      if (mem == NULL)
        continue;
      step.args[step.n_args].arg = arg;
      step.args[step.n_args].memory = mem;
      step.n_args++;
    }
  va_end (args);
  if (prim->scratchpad != NULL)
    {
      step.args[step.n_args].arg = DNNL_ARG_SCRATCHPAD;
      step.args[step.n_args].memory = prim->scratchpad;
      step.n_args++;
    }
  g_array_append_val (steps, step);
}

void
_strata_plan_call (GArray         *steps,
                   StrataPlanFunc  func,
                   gpointer        data)
{
  StrataPlanStep step = { NULL, 0, NULL, func, data };

  g_array_append_val (steps, step);
}

/* Copies @src into @dst, converting the layout; adds to @dst's values when @accumulate. */
gboolean
_strata_plan_reorder (StrataPlan     *plan,
                      GArray         *steps,
                      dnnl_memory_t   src,
                      dnnl_memory_t   dst,
                      gboolean        accumulate,
                      GError        **error)
{
  dnnl_primitive_desc_t pd = NULL;
  dnnl_primitive_attr_t attr = _strata_plan_attr (plan);
  StrataPlanPrim *prim;
  dnnl_status_t status;

  if (accumulate)
    {
      dnnl_post_ops_t ops = NULL;
      dnnl_post_ops_create (&ops);
      dnnl_post_ops_append_sum (ops, 1.0f);
      dnnl_primitive_attr_set_post_ops (attr, ops);
      dnnl_post_ops_destroy (ops);
    }
  status = dnnl_reorder_primitive_desc_create (&pd, _strata_plan_md (src), plan->engine,
                                               _strata_plan_md (dst), plan->engine, attr);
  dnnl_primitive_attr_destroy (attr);
  if (!_strata_plan_check (status, "convert between memory layouts", error))
    return FALSE;
  prim = _strata_plan_prim_new (plan, pd, error);
  dnnl_primitive_desc_destroy (pd);
  if (prim == NULL)
    return FALSE;
  _strata_plan_exec (plan, steps, prim, 2, DNNL_ARG_FROM, src, DNNL_ARG_TO, dst);
  return TRUE;
}

/* @mem in layout @md: itself, or a temporary copy made at step @t. */
dnnl_memory_t
_strata_plan_as (StrataPlan               *plan,
                 GArray                   *steps,
                 dnnl_memory_t             mem,
                 const dnnl_memory_desc_t *md,
                 int                       t,
                 GError                  **error)
{
  dnnl_memory_t copy;

  if (_strata_md_equal (_strata_plan_md (mem), md))
    return mem;
  if (_strata_md_same_bytes (_strata_plan_md (mem), md))
    return _strata_plan_mem_view (plan, md, mem, error);
  copy = _strata_plan_mem_temp (plan, md, t, t, error);
  if (copy == NULL || !_strata_plan_reorder (plan, steps, mem, copy, FALSE, error))
    return NULL;
  return copy;
}

/* Layer edges ------------------------------------------------------------------------------- */

/**
 * _strata_plan_src:
 * @md: (nullable): the layout the layer wants, or %NULL for whatever the input has
 * @keep_for_backward: the layer's backward reads it too
 *
 * Returns: the input's output in layout @md, reordered at the layer's forward step if needed
 */
dnnl_memory_t
_strata_plan_src (StrataPlan               *plan,
                  StrataPlanLayer          *layer,
                  guint                     input,
                  const dnnl_memory_desc_t *md,
                  gboolean                  keep_for_backward,
                  GError                  **error)
{
  StrataPlanLayer *src = layer->inputs[input];
  int t = _strata_plan_t_forward (plan, layer);
  int t_last = keep_for_backward ? _strata_plan_t_backward (plan, layer) : t;
  dnnl_memory_t copy;

  _strata_plan_buffer_use (plan, src->dst_buffer, t);
  if (md == NULL || _strata_md_equal (md, &src->dst_md))
    {
      _strata_plan_buffer_use (plan, src->dst_buffer, t_last);
      return src->dst_mem;
    }
  if (_strata_md_same_bytes (md, &src->dst_md))
    {
      _strata_plan_buffer_use (plan, src->dst_buffer, t_last);
      return _strata_plan_mem_view (plan, md, src->dst_mem, error);
    }
  copy = _strata_plan_mem_temp (plan, md, t, t_last, error);
  if (copy == NULL || !_strata_plan_reorder (plan, layer->forward, src->dst_mem, copy, FALSE,
                                             error))
    return NULL;
  return copy;
}

/* The layer that computes @layer's output: itself, or the layer a ReLU was folded into. */
static StrataPlanLayer *
producer (StrataPlanLayer *layer)
{
  return layer->folded ? layer->inputs[0] : layer;
}

/**
 * _strata_plan_src_recomputable:
 * @md: the layout the layer reads the input in, as for _strata_plan_src()
 *
 * Whether the layer's backward can have input @input's output computed again rather than
 * kept from the forward. A BatchNormalization's output is, from its own input, mean and
 * variance, which its backward (later than any consumer's) keeps anyway: one elementwise
 * pass instead of a whole activation held through the step: ResNet50's plan for a batch of
 * 16 in fp32 needs 160 MiB less.
 */
gboolean
_strata_plan_src_recomputable (StrataPlan               *plan,
                               StrataPlanLayer          *layer,
                               guint                     input,
                               const dnnl_memory_desc_t *md)
{
  StrataPlanLayer *source = producer (layer->inputs[input]);

  return plan->train && !(plan->debug & STRATA_PLAN_DEBUG_KEEP_OUTPUTS) &&
         source->op->kernels && source->op->kernels->build_recompute && source->runs_backward &&
         (md == NULL || _strata_md_equal (md, &layer->inputs[input]->dst_md)) &&
         g_strcmp0 (g_getenv ("STRATA_PLAN_KEEP_ACTIVATIONS"), "1") != 0;
}

/**
 * _strata_plan_src_recompute:
 *
 * Returns: in the layer's backward, input @input's output computed again into memory that
 *   lives for that step only (see _strata_plan_src_recomputable())
 */
dnnl_memory_t
_strata_plan_src_recompute (StrataPlan       *plan,
                            StrataPlanLayer  *layer,
                            guint             input,
                            GError          **error)
{
  StrataPlanLayer *source = producer (layer->inputs[input]);
  int t = _strata_plan_t_backward (plan, layer);
  dnnl_memory_t mem = _strata_plan_mem_temp (plan, &layer->inputs[input]->dst_md, t, t, error);

  if (mem == NULL ||
      !source->op->kernels->build_recompute (plan, source, layer->backward, mem, error))
    return NULL;
  return mem;
}

dnnl_memory_t
_strata_plan_output (StrataPlan               *plan,
                     StrataPlanLayer          *layer,
                     const dnnl_memory_desc_t *md,
                     gboolean                  keep_for_backward,
                     GError                  **error)
{
  int t = _strata_plan_t_forward (plan, layer);

  layer->dst_md = *md;
  layer->dst_buffer = _strata_plan_buffer_new (plan, _strata_md_size (md), t,
                                               keep_for_backward
                                               ? _strata_plan_t_backward (plan, layer) : t);
  layer->dst_mem = _strata_plan_mem_new (plan, md, layer->dst_buffer, error);
  return layer->dst_mem;
}

/* The layer's output is @source's (Dropout at inference, Flatten of NHWC): no copy. */
void
_strata_plan_output_alias (StrataPlan      *plan,
                           StrataPlanLayer *layer,
                           StrataPlanLayer *source)
{
  layer->dst_md = source->dst_md;
  layer->dst_mem = source->dst_mem;
  layer->dst_buffer = source->dst_buffer;
  _strata_plan_buffer_use (plan, source->dst_buffer, _strata_plan_t_forward (plan, layer));
}

/* The gradient of the layer's output, in layout @md (NULL: as stored). */
dnnl_memory_t
_strata_plan_diff_dst (StrataPlan               *plan,
                       StrataPlanLayer          *layer,
                       const dnnl_memory_desc_t *md,
                       GError                  **error)
{
  if (layer->diff_mem == NULL)
    {
      _strata_plan_set_error (error, STRATA_PLAN_ERROR_UNSUPPORTED,
                              _("Layer “%s” gets no gradient"), layer->id);
      return NULL;
    }
  if (md == NULL)
    return layer->diff_mem;
  return _strata_plan_as (plan, layer->backward, layer->diff_mem, md,
                          _strata_plan_t_backward (plan, layer), error);
}

/* Whether the layer must compute the gradient of input @input: only where someone below
 * trains (or the test asked for the input's gradient). */
gboolean
_strata_plan_wants_diff_src (StrataPlanLayer *layer,
                             guint            input)
{
  return layer->inputs[input]->runs_backward;
}

/*
 * Hands the layer's gradient buffer to input @input as the input's own gradient, without a
 * copy. Only when the layer is the input's one consumer (nothing else adds to it) and the
 * layouts agree; the input's backward may then change the values in place.
 *
 * Returns: whether it did
 */
gboolean
_strata_plan_diff_share (StrataPlan      *plan,
                         StrataPlanLayer *layer,
                         guint            input)
{
  StrataPlanLayer *src = layer->inputs[input];

  if (src->n_consumers != 1 || src->diff_mem != NULL || layer->diff_mem == NULL ||
      !_strata_md_equal (&src->dst_md, &layer->dst_md))
    return FALSE;
  src->diff_mem = layer->diff_mem;
  src->diff_buffer = layer->diff_buffer;
  src->n_diff_written = 1;
  _strata_plan_buffer_use (plan, layer->diff_buffer, _strata_plan_t_backward (plan, src));
  return TRUE;
}

static void
ensure_diff (StrataPlan      *plan,
             StrataPlanLayer *layer,
             int              t,
             GError         **error)
{
  if (layer->diff_mem == NULL)
    {
      layer->diff_buffer = _strata_plan_buffer_new (plan, _strata_md_size (&layer->dst_md), t,
                                                    _strata_plan_t_backward (plan, layer));
      layer->diff_mem = _strata_plan_mem_new (plan, &layer->dst_md, layer->diff_buffer, error);
    }
  else
    _strata_plan_buffer_use (plan, layer->diff_buffer, t);
}

/**
 * _strata_plan_diff_src:
 * @md: the layout the layer's backward primitive writes
 *
 * Returns: where to write the gradient for input @input: the input's own gradient buffer
 *   when this is its first contribution in its layout, else a temporary that
 *   _strata_plan_diff_src_done() converts and adds
 */
dnnl_memory_t
_strata_plan_diff_src (StrataPlan               *plan,
                       StrataPlanLayer          *layer,
                       guint                     input,
                       const dnnl_memory_desc_t *md,
                       GError                  **error)
{
  StrataPlanLayer *src = layer->inputs[input];
  int t = _strata_plan_t_backward (plan, layer);
  gboolean first = src->n_diff_written == 0;
  dnnl_memory_t mem;

  src->n_diff_written++;
  ensure_diff (plan, src, t, error);
  if (src->diff_mem == NULL)
    return NULL;
  if (first && _strata_md_equal (md, &src->dst_md))
    return src->diff_mem;
  mem = _strata_plan_mem_temp (plan, md, t, t, error);
  if (mem != NULL)
    g_hash_table_insert (plan->accumulate, mem, GINT_TO_POINTER (first ? 1 : 2));
  return mem;
}

gboolean
_strata_plan_diff_src_done (StrataPlan       *plan,
                            StrataPlanLayer  *layer,
                            guint             input,
                            dnnl_memory_t     mem,
                            GError          **error)
{
  StrataPlanLayer *src = layer->inputs[input];
  int mode = GPOINTER_TO_INT (g_hash_table_lookup (plan->accumulate, mem));

  if (mem == src->diff_mem)
    return TRUE;
  return _strata_plan_reorder (plan, layer->backward, mem, src->diff_mem, mode == 2, error);
}

/* Weights ----------------------------------------------------------------------------------- */

StrataTensor *
_strata_plan_tensor (StrataPlan      *plan,
                     StrataPlanLayer *layer,
                     const char      *weight)
{
  g_autofree char *name = g_strdup_printf ("%s/%s", layer->id, weight);
  return strata_model_lookup (plan->model, name);
}

typedef struct
{
  StrataTensor *tensor;
  dnnl_memory_t mem;
} WeightCopy;

/**
 * _strata_plan_weights:
 * @plain_md: the tensor's own layout
 * @md: the layout the primitive wants
 *
 * Returns: the tensor's values in @md: the tensor itself when the layouts agree, else a
 *   plan-owned copy that the plan refreshes whenever the model's version changed
 */
dnnl_memory_t
_strata_plan_weights (StrataPlan               *plan,
                      StrataTensor             *tensor,
                      const dnnl_memory_desc_t *plain_md,
                      const dnnl_memory_desc_t *md,
                      GError                  **error)
{
  dnnl_memory_t plain, copy;
  WeightCopy entry;

  if (_strata_md_equal (plain_md, md))
    return _strata_plan_mem_wrap (plan, md, tensor->data, error);
  for (guint i = 0; i < plan->weight_copies->len; i++)
    {
      WeightCopy *c = &g_array_index (plan->weight_copies, WeightCopy, i);
      if (c->tensor == tensor && _strata_md_equal (_strata_plan_md (c->mem), md))
        return c->mem;
    }
  plain = _strata_plan_mem_wrap (plan, plain_md, tensor->data, error);
  if (plain == NULL)
    return NULL;
  copy = _strata_plan_mem_temp (plan, md, 0, STRATA_PLAN_T_END, error);
  if (copy == NULL || !_strata_plan_reorder (plan, plan->sync, plain, copy, FALSE, error))
    return NULL;
  entry.tensor = tensor;
  entry.mem = copy;
  g_array_append_val (plan->weight_copies, entry);
  return copy;
}

/**
 * _strata_plan_weights_backward:
 *
 * Like _strata_plan_weights(), for the layer's backward: a layout that no other step reads
 * is made from the forward's copy at the backward step, into memory that lives for that step
 * only. A convolution's input gradient wants its weights in another layout than its forward;
 * kept for the whole step, those copies would be as large as the model.
 */
dnnl_memory_t
_strata_plan_weights_backward (StrataPlan               *plan,
                               StrataPlanLayer          *layer,
                               StrataTensor             *tensor,
                               const dnnl_memory_desc_t *plain_md,
                               const dnnl_memory_desc_t *md,
                               GError                  **error)
{
  int t = _strata_plan_t_backward (plan, layer);
  dnnl_memory_t from = NULL, copy;

  if (_strata_md_equal (plain_md, md))
    return _strata_plan_weights (plan, tensor, plain_md, md, error);
  for (guint i = 0; i < plan->weight_copies->len; i++)
    {
      WeightCopy *c = &g_array_index (plan->weight_copies, WeightCopy, i);
      const dnnl_memory_desc_t *c_md = _strata_plan_md (c->mem);

      if (c->tensor != tensor)
        continue;
      if (_strata_md_equal (c_md, md))
        return c->mem;
      /* the same values as the master weights only in the same type (bf16 is rounded) */
      if (c_md->data_type == md->data_type)
        from = c->mem;
    }
  if (from == NULL)
    return _strata_plan_weights (plan, tensor, plain_md, md, error);
  copy = _strata_plan_mem_temp (plan, md, t, t, error);
  if (copy == NULL || !_strata_plan_reorder (plan, layer->backward, from, copy, FALSE, error))
    return NULL;
  return copy;
}

dnnl_memory_t
_strata_plan_diff_weights (StrataPlan               *plan,
                           StrataPlanLayer          *layer,
                           StrataTensor             *tensor,
                           const dnnl_memory_desc_t *plain_md,
                           const dnnl_memory_desc_t *md,
                           GError                  **error)
{
  int t = _strata_plan_t_backward (plan, layer);

  if (_strata_md_equal (plain_md, md))
    return _strata_plan_mem_wrap (plan, md, tensor->diff, error);
  return _strata_plan_mem_temp (plan, md, t, t, error);
}

gboolean
_strata_plan_diff_weights_done (StrataPlan               *plan,
                                StrataPlanLayer          *layer,
                                StrataTensor             *tensor,
                                const dnnl_memory_desc_t *plain_md,
                                dnnl_memory_t             mem,
                                GError                  **error)
{
  dnnl_memory_t plain;

  if (_strata_plan_mem_data (plan, mem) == tensor->diff)
    return TRUE;
  plain = _strata_plan_mem_wrap (plan, plain_md, tensor->diff, error);
  return plain != NULL && _strata_plan_reorder (plan, layer->backward, mem, plain, FALSE, error);
}
