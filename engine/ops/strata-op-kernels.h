/* strata-op-kernels.h: how the plan runs each layer type (engine-private, includes oneDNN)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * strata-op.h must stay free of oneDNN because the graph editor includes it; the kernels
 * tables are declared here and pointed to from each StrataOpInfo.
 */

#pragma once

#include "strata-plan-private.h"

G_BEGIN_DECLS

extern const StrataOpKernels strata_conv2d_kernels;
extern const StrataOpKernels strata_depthwise_conv2d_kernels;
extern const StrataOpKernels strata_dense_kernels;
extern const StrataOpKernels strata_dropout_kernels;
extern const StrataOpKernels strata_activation_kernels;
extern const StrataOpKernels strata_batch_normalization_kernels;
extern const StrataOpKernels strata_pooling_kernels;
extern const StrataOpKernels strata_global_pooling_kernels;
extern const StrataOpKernels strata_flatten_kernels;
extern const StrataOpKernels strata_zero_padding2d_kernels;
extern const StrataOpKernels strata_add_kernels;
extern const StrataOpKernels strata_concatenate_kernels;

/* Activations ------------------------------------------------------------------------------- */

typedef enum
{
  STRATA_ACT_IDENTITY,
  STRATA_ACT_ELTWISE_DST,    /* backward reads dst: may be fused as a post-op */
  STRATA_ACT_ELTWISE_SRC,    /* backward reads src (swish): runs separately */
  STRATA_ACT_SOFTMAX,        /* over the channels / features, backward reads dst */
} StrataActKind;

typedef struct
{
  StrataActKind kind;
  dnnl_alg_kind_t fwd_alg;   /* for forward and post-ops */
  dnnl_alg_kind_t bwd_alg;   /* the _use_dst_for_bwd variant where there is one */
  float alpha;
  float beta;
} StrataActivation;

/*
 * An activation after a layer's primitive: either fused into it as a post-op, or run as a
 * separate primitive between the primitive's output ("pre") and the layer's output.
 */
typedef struct
{
  StrataActivation act;
  gboolean fused;
  dnnl_primitive_desc_t fwd_pd;
  dnnl_memory_t pre;         /* the primitive's output when not fused */
} StrataActStage;

void          _strata_activation_parse    (const char            *name,
                                           double                 leaky_alpha,
                                           StrataActivation      *act);
void          _strata_act_stage_init      (StrataActStage        *stage,
                                           StrataPlanLayer       *layer);
void          _strata_act_stage_clear     (StrataActStage        *stage);
dnnl_primitive_attr_t _strata_act_stage_attr (StrataPlan         *plan,
                                              StrataActStage     *stage);
dnnl_memory_t _strata_act_stage_output    (StrataPlan            *plan,
                                           StrataPlanLayer       *layer,
                                           StrataActStage        *stage,
                                           const dnnl_memory_desc_t *md,
                                           GError               **error);
gboolean      _strata_act_stage_forward   (StrataPlan            *plan,
                                           StrataPlanLayer       *layer,
                                           StrataActStage        *stage,
                                           GError               **error);
dnnl_memory_t _strata_act_stage_backward  (StrataPlan            *plan,
                                           StrataPlanLayer       *layer,
                                           StrataActStage        *stage,
                                           GError               **error);

/* Creating a primitive desc (only, or with its primitive), reporting failures. */
gboolean        _strata_op_pd   (StrataPlan                  *plan,
                                 const_dnnl_op_desc_t         desc,
                                 const_dnnl_primitive_attr_t  attr,
                                 const_dnnl_primitive_desc_t  hint,
                                 dnnl_primitive_desc_t       *pd,
                                 const char                  *what,
                                 GError                     **error);
StrataPlanPrim *_strata_op_prim (StrataPlan                  *plan,
                                 const_dnnl_op_desc_t         desc,
                                 const_dnnl_primitive_attr_t  attr,
                                 const_dnnl_primitive_desc_t  hint,
                                 dnnl_primitive_desc_t       *pd_out,
                                 const char                  *what,
                                 GError                     **error);

/* A window's padding of the layer's input along @axis (0 rows, 1 columns). */
void            _strata_op_window_pads (StrataPlanLayer      *layer,
                                        int                   axis,
                                        int                   window,
                                        int                   stride,
                                        int                   dilation,
                                        gboolean              same,
                                        dnnl_dim_t           *pad_l,
                                        dnnl_dim_t           *pad_r);

G_END_DECLS
