/* strata-plan-struct.h: the StrataPlan structure (private to engine/plan)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-plan-private.h"

G_BEGIN_DECLS

typedef struct
{
  gsize size;
  int t_first;
  int t_last;
  gsize offset;
} StrataPlanBuffer;

struct _StrataPlan
{
  StrataModel *model;
  StrataPlanOptions options;
  guint batch;
  gboolean train;
  dnnl_data_type_t data_type;
  StrataPlanDebugFlags debug;

  dnnl_engine_t engine;
  dnnl_stream_t stream;

  GPtrArray *layers;               /* StrataPlanLayer*, topological order, no Output */
  StrataPlanLayer *logits;         /* the layer the Output reads */
  gboolean from_logits;            /* softmax is ours, not the model's */
  double label_smoothing;
  guint n_classes;

  GArray *buffers;                 /* StrataPlanBuffer */
  GHashTable *mem_buffers;         /* dnnl_memory_t → buffer index + 1 (0: outside the arena) */
  GHashTable *accumulate;          /* diff temporaries → 1 copy, 2 add */
  GPtrArray *memories;             /* owned dnnl_memory_t */
  GPtrArray *primitives;           /* owned StrataPlanPrim* */
  GArray *weight_copies;
  int scratchpad_buffer;
  gsize scratchpad_size;
  guint n_reference_impls;
  guint8 *arena;
  gsize arena_size;
  gsize arena_unshared;

  GArray *sync;                    /* steps refreshing the weight copies */
  guint64 synced_version;
  GArray *loss_steps;              /* probabilities */
  GArray *seed_steps;              /* the loss's gradient into the logits' layout */
  dnnl_memory_t logits_mem;        /* plain f32 class scores */
  dnnl_memory_t probs_mem;         /* plain f32 probabilities */
  dnnl_memory_t seed_mem;          /* plain f32 d loss / d logits */

  float *input;
  guint64 seed;
  guint n_rows;
  gboolean forward_done;
  gboolean seeded;
  guint n_backward_layers;

  /* the frozen-feature cache (strata-plan-features.c) */
  GPtrArray *frontier;             /* StrataPlanLayer*: prefix outputs the rest reads */
  GArray *frontier_floats;         /* gsize: per sample, of each */
  gsize feature_floats;            /* per sample, in all */
  float *staging;                  /* plain f32, batch × each frontier output */
  GPtrArray *save_steps;           /* GArray of steps per frontier output: it → staging */
  gboolean saving_features;        /* in strata_plan_forward_saving_features() */
  GArray *load_steps;              /* staging → frontier */

  gboolean profile;                /* STRATA_PLAN_PROFILE=1: time each layer */
  double *profile_us;              /* per layer: forward, backward */
  guint n_profiled;
};

void     _strata_plan_prim_free     (StrataPlanPrim *prim);
void     _strata_plan_place_buffers (StrataPlan     *plan);
gboolean _strata_plan_bind_buffers  (StrataPlan     *plan,
                                     GError        **error);
void     _strata_plan_print_profile (StrataPlan     *plan);
gboolean _strata_plan_build_features (StrataPlan    *plan,
                                      GError       **error);
void     _strata_plan_free_features (StrataPlan     *plan);
gboolean _strata_plan_run_forward   (StrataPlan     *plan,
                                     guint           n,
                                     guint64         seed,
                                     gboolean        skip_prefix,
                                     GError        **error);
gboolean _strata_plan_save_frontier (StrataPlan     *plan,
                                     StrataPlanLayer *layer,
                                     GError        **error);
gboolean _strata_plan_run_steps     (StrataPlan     *plan,
                                     GArray         *steps,
                                     GError        **error);

G_END_DECLS
