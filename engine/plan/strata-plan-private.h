/* strata-plan-private.h: the plan's insides, shared with the op kernels (engine-private)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A plan is a list of layers in topological order. Building one runs every layer's
 * build_forward in order, then every build_backward in reverse order; each appends steps
 * (oneDNN primitives with their arguments, or small C functions) to its layer and declares
 * the buffers it needs with the steps at which they are used. Once all are declared the
 * buffers get offsets in one arena, so that buffers whose lifetimes don't overlap share
 * memory, and the dnnl memory objects are bound to their places.
 *
 * Time steps: layer i runs forward at step i, the loss is step L (L layers), layer i runs
 * backward at step 2L − i, and STRATA_PLAN_T_END stands for "until the next forward".
 */

#pragma once

#include <oneapi/dnnl/dnnl.h>

#include "strata-plan.h"
#include "strata-op.h"

G_BEGIN_DECLS

#define STRATA_PLAN_T_END G_MAXINT
#define STRATA_PLAN_MAX_INPUTS 16

typedef struct _StrataPlanLayer StrataPlanLayer;

typedef gboolean (*StrataPlanFunc) (StrataPlan      *plan,
                                    StrataPlanLayer *layer,
                                    gpointer         data,
                                    GError         **error);

typedef struct
{
  dnnl_primitive_t primitive;      /* or NULL for @func */
  int n_args;
  dnnl_exec_arg_t *args;
  StrataPlanFunc func;
  gpointer data;
} StrataPlanStep;

/* How the plan runs one op type: see strata-plan.c for the helpers they use. */
struct _StrataOpKernels
{
  gboolean (*build_forward)  (StrataPlan      *plan,
                              StrataPlanLayer *layer,
                              GError         **error);
  gboolean (*build_backward) (StrataPlan      *plan,
                              StrataPlanLayer *layer,
                              GError         **error);
  /* Optional: adds to @steps what writes the layer's training output again into @dst, from
   * what its own backward keeps anyway (see _strata_plan_src_recomputable()). */
  gboolean (*build_recompute) (StrataPlan      *plan,
                               StrataPlanLayer *layer,
                               GArray          *steps,
                               dnnl_memory_t    dst,
                               GError         **error);
};

struct _StrataPlanLayer
{
  guint index;
  StrataNode *node;
  const char *id;
  const StrataOpInfo *op;
  guint n_inputs;
  StrataPlanLayer *inputs[STRATA_PLAN_MAX_INPUTS];
  guint n_consumers;               /* links out of it (a layer used twice counts twice) */
  StrataShape shape;               /* per sample, Keras order */
  gboolean has_weights;
  gboolean trainable;              /* has weights that training updates */
  gboolean runs_backward;          /* some layer at or below it trains */
  gboolean frozen_prefix;          /* it and all below it are frozen and deterministic */
  guint frontier_index;            /* 1 + its place among the prefix outputs the rest reads */
  gboolean loss_seeded;            /* its diff comes from the loss: skip its softmax */
  StrataPlanLayer *folded_act;     /* the Activation after it that it computes itself */
  gboolean folded;                 /* an Activation its input computes: runs nothing, its
                                      output and gradient are its input's */
  int in_pad[4];                   /* zeros around input 0 (top, bottom, left, right) that
                                      it adds itself for a ZeroPadding2D folded into it */
  gboolean absorbed;               /* a ZeroPadding2D its one consumer pads for: runs
                                      nothing and has no output */

  /* the output */
  dnnl_memory_desc_t dst_md;
  dnnl_memory_t dst_mem;
  int dst_buffer;
  dnnl_memory_t diff_mem;          /* d loss / d output, in dst_md; NULL until a consumer
                                      writes it */
  int diff_buffer;
  guint n_diff_written;

  GArray *forward;                 /* StrataPlanStep */
  GArray *backward;
  gpointer priv;
  GDestroyNotify priv_free;
};

typedef struct
{
  dnnl_primitive_t primitive;
  dnnl_memory_t scratchpad;        /* NULL when it needs none */
} StrataPlanPrim;

/* Building ---------------------------------------------------------------------------------- */

gboolean          _strata_plan_is_training     (StrataPlan          *plan);
StrataModel      *_strata_plan_model           (StrataPlan          *plan);
guint             _strata_plan_batch           (StrataPlan          *plan);
dnnl_engine_t     _strata_plan_engine          (StrataPlan          *plan);
int               _strata_plan_t_forward       (StrataPlan          *plan,
                                                StrataPlanLayer     *layer);
int               _strata_plan_t_backward      (StrataPlan          *plan,
                                                StrataPlanLayer     *layer);
gboolean          _strata_plan_check           (dnnl_status_t        status,
                                                const char          *what,
                                                GError             **error);
void              _strata_plan_set_error       (GError             **error,
                                                StrataPlanError      code,
                                                const char          *format,
                                                ...) G_GNUC_PRINTF (3, 4);
dnnl_primitive_attr_t _strata_plan_attr        (StrataPlan          *plan);

int               _strata_plan_buffer_new      (StrataPlan          *plan,
                                                gsize                size,
                                                int                  t_first,
                                                int                  t_last);
void              _strata_plan_buffer_use      (StrataPlan          *plan,
                                                int                  buffer,
                                                int                  t);
void             *_strata_plan_buffer_data     (StrataPlan          *plan,
                                                int                  buffer);
dnnl_memory_t     _strata_plan_mem_view        (StrataPlan          *plan,
                                                const dnnl_memory_desc_t *md,
                                                dnnl_memory_t        mem,
                                                GError             **error);
dnnl_memory_t     _strata_plan_mem_new         (StrataPlan          *plan,
                                                const dnnl_memory_desc_t *md,
                                                int                  buffer,
                                                GError             **error);
dnnl_memory_t     _strata_plan_mem_temp        (StrataPlan          *plan,
                                                const dnnl_memory_desc_t *md,
                                                int                  t_first,
                                                int                  t_last,
                                                GError             **error);
dnnl_memory_t     _strata_plan_mem_wrap        (StrataPlan          *plan,
                                                const dnnl_memory_desc_t *md,
                                                void                *data,
                                                GError             **error);
void             *_strata_plan_mem_data        (StrataPlan          *plan,
                                                dnnl_memory_t        mem);
int               _strata_plan_mem_buffer      (StrataPlan          *plan,
                                                dnnl_memory_t        mem);
const dnnl_memory_desc_t *_strata_plan_md      (dnnl_memory_t        mem);
StrataPlanPrim   *_strata_plan_prim_new        (StrataPlan          *plan,
                                                const_dnnl_primitive_desc_t pd,
                                                GError             **error);
void              _strata_plan_exec            (StrataPlan          *plan,
                                                GArray              *steps,
                                                StrataPlanPrim      *prim,
                                                int                  n_args,
                                                ...);
void              _strata_plan_call            (GArray              *steps,
                                                StrataPlanFunc       func,
                                                gpointer             data);
gboolean          _strata_plan_reorder         (StrataPlan          *plan,
                                                GArray              *steps,
                                                dnnl_memory_t        src,
                                                dnnl_memory_t        dst,
                                                gboolean             accumulate,
                                                GError             **error);
dnnl_memory_t     _strata_plan_as              (StrataPlan          *plan,
                                                GArray              *steps,
                                                dnnl_memory_t        mem,
                                                const dnnl_memory_desc_t *md,
                                                int                  t,
                                                GError             **error);

/* Layer edges */
dnnl_memory_t     _strata_plan_src             (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                guint                input,
                                                const dnnl_memory_desc_t *md,
                                                gboolean             keep_for_backward,
                                                GError             **error);
gboolean          _strata_plan_src_recomputable (StrataPlan         *plan,
                                                StrataPlanLayer     *layer,
                                                guint                input,
                                                const dnnl_memory_desc_t *md);
dnnl_memory_t     _strata_plan_src_recompute   (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                guint                input,
                                                GError             **error);
dnnl_memory_t     _strata_plan_output          (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                const dnnl_memory_desc_t *md,
                                                gboolean             keep_for_backward,
                                                GError             **error);
void              _strata_plan_output_alias    (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                StrataPlanLayer     *source);
dnnl_memory_t     _strata_plan_diff_dst        (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                const dnnl_memory_desc_t *md,
                                                GError             **error);
gboolean          _strata_plan_wants_diff_src  (StrataPlanLayer     *layer,
                                                guint                input);
gboolean          _strata_plan_diff_share      (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                guint                input);
dnnl_memory_t     _strata_plan_diff_src        (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                guint                input,
                                                const dnnl_memory_desc_t *md,
                                                GError             **error);
gboolean          _strata_plan_diff_src_done   (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                guint                input,
                                                dnnl_memory_t        mem,
                                                GError             **error);

/* Weights: opaque copies re-synced when the model's version changes */
StrataTensor     *_strata_plan_tensor          (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                const char          *weight);
dnnl_memory_t     _strata_plan_weights         (StrataPlan          *plan,
                                                StrataTensor        *tensor,
                                                const dnnl_memory_desc_t *plain_md,
                                                const dnnl_memory_desc_t *md,
                                                GError             **error);
dnnl_memory_t     _strata_plan_weights_backward (StrataPlan         *plan,
                                                StrataPlanLayer     *layer,
                                                StrataTensor        *tensor,
                                                const dnnl_memory_desc_t *plain_md,
                                                const dnnl_memory_desc_t *md,
                                                GError             **error);
dnnl_memory_t     _strata_plan_diff_weights    (StrataPlan          *plan,
                                                StrataPlanLayer     *layer,
                                                StrataTensor        *tensor,
                                                const dnnl_memory_desc_t *plain_md,
                                                const dnnl_memory_desc_t *md,
                                                GError             **error);
gboolean          _strata_plan_diff_weights_done (StrataPlan        *plan,
                                                  StrataPlanLayer   *layer,
                                                  StrataTensor      *tensor,
                                                  const dnnl_memory_desc_t *plain_md,
                                                  dnnl_memory_t      mem,
                                                  GError           **error);

/* Running */
guint64           _strata_plan_seed            (StrataPlan          *plan);
guint             _strata_plan_n_rows          (StrataPlan          *plan);

/* Memory descriptors */
void              _strata_md_plain             (dnnl_memory_desc_t  *md,
                                                int                  ndims,
                                                const dnnl_dims_t    dims,
                                                dnnl_format_tag_t    tag);
void              _strata_md_any               (dnnl_memory_desc_t  *md,
                                                int                  ndims,
                                                const dnnl_dims_t    dims,
                                                dnnl_data_type_t     data_type);
dnnl_data_type_t  _strata_plan_data_type       (StrataPlan          *plan);
void              _strata_md_activation_f32    (StrataPlan          *plan,
                                                const StrataShape   *shape,
                                                dnnl_memory_desc_t  *md);
gboolean          _strata_md_equal             (const dnnl_memory_desc_t *a,
                                                const dnnl_memory_desc_t *b);
void              _strata_md_activation        (StrataPlan          *plan,
                                                const StrataShape   *shape,
                                                dnnl_memory_desc_t  *md,
                                                gboolean             any);
gboolean          _strata_md_same_bytes        (const dnnl_memory_desc_t *a,
                                                const dnnl_memory_desc_t *b);
gsize             _strata_md_size              (const dnnl_memory_desc_t *md);
gboolean          _strata_md_offsets           (const dnnl_memory_desc_t *md,
                                                gint64               strides[4],
                                                int                 *channel_block);
const dnnl_memory_desc_t *_strata_pd_md        (const_dnnl_primitive_desc_t pd,
                                                dnnl_query_t         what);

/* Test introspection ------------------------------------------------------------------------ */

/**
 * StrataPlanStats:
 * @n_backward_layers: layers whose backward ran in the last strata_plan_backward()
 * @n_diff_buffers: layers that have a gradient buffer
 */
typedef struct
{
  guint n_layers;
  guint n_backward_layers;
  guint n_diff_buffers;
  gsize arena_bytes;
  gsize arena_unshared;            /* what the buffers would take without sharing */
  guint n_reference_impls;         /* primitives that run oneDNN's slow ref: code */
  gboolean bf16;                   /* computes in bf16 */
} StrataPlanStats;

typedef enum
{
  STRATA_PLAN_DEBUG_INPUT_DIFF = 1 << 0,     /* also compute the gradient of the input */
  STRATA_PLAN_DEBUG_KEEP_OUTPUTS = 1 << 1,   /* no buffer sharing, no folded activations:
                                                every output readable */
  STRATA_PLAN_DEBUG_NO_FOLD = 1 << 2,        /* every Activation runs as its own layer */
} StrataPlanDebugFlags;

StrataPlan       *_strata_plan_new_full         (StrataModel             *model,
                                                 const StrataPlanOptions *options,
                                                 StrataPlanDebugFlags     flags,
                                                 GError                 **error);
void              _strata_plan_get_stats        (StrataPlan              *plan,
                                                 StrataPlanStats         *stats);
StrataPlanLayer  *_strata_plan_lookup_layer     (StrataPlan              *plan,
                                                 const char              *id);
gboolean          _strata_plan_read_output      (StrataPlan              *plan,
                                                 const char              *id,
                                                 float                   *values,
                                                 GError                 **error);
gboolean          _strata_plan_read_input_diff  (StrataPlan              *plan,
                                                 float                   *values,
                                                 GError                 **error);
guint64           _strata_plan_dropout_key      (StrataPlan              *plan,
                                                 StrataPlanLayer         *layer);

GArray *_strata_plan_steps_new (void);

G_END_DECLS
