/* strata-model.h: a validated graph together with its weights and state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-graph.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_TENSOR_WEIGHT,   /* learned: kernel, bias, gamma, beta */
  STRATA_TENSOR_STATE,    /* never trained: moving_mean, moving_variance */
} StrataTensorRole;

/**
 * StrataTensor:
 * @name: "<layer>/<weight>" with Keras' weight names: "conv2d/kernel", "conv2d/bias",
 *   "depthwise_conv2d/depthwise_kernel", "batch_normalization/gamma", ".../beta",
 *   ".../moving_mean", ".../moving_variance"
 * @layer: the id of the layer it belongs to
 * @role: weight or state
 * @trainable: whether training updates it (a weight of a trainable layer)
 * @rank: number of @dims
 * @dims: plain row-major layout, PyTorch's: Conv2D kernel (out, in, kh, kw);
 *   DepthwiseConv2D (channels × multiplier, 1, kh, kw); Dense (out, in) where a Flatten
 *   before it orders `in` as Keras does (height, width, channels); vectors (n)
 * @n: number of elements
 * @data: the values, 64-byte aligned
 * @diff: the gradient of the loss, same layout; %NULL unless @trainable
 *
 * One named array of a model, or of an optimizer's state (then @layer is the layer of the
 * weight it belongs to and @diff is %NULL).
 */
typedef struct
{
  char *name;
  char *layer;
  StrataTensorRole role;
  gboolean trainable;
  int rank;
  gint64 dims[4];
  gint64 n;
  float *data;
  float *diff;
} StrataTensor;

StrataTensor *strata_tensor_new      (const char   *name,
                                      const char   *layer,
                                      int           rank,
                                      const gint64 *dims,
                                      gboolean      with_diff);
void          strata_tensor_free     (StrataTensor *tensor);
gboolean      strata_tensor_same_shape (const StrataTensor *a,
                                        const StrataTensor *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTensor, strata_tensor_free)

#define STRATA_MODEL_ERROR (strata_model_error_quark ())

typedef enum
{
  STRATA_MODEL_ERROR_INVALID,
  STRATA_MODEL_ERROR_MISMATCH,    /* weights of another shape or name */
} StrataModelError;

GQuark strata_model_error_quark (void);

#define STRATA_TYPE_MODEL (strata_model_get_type ())

G_DECLARE_FINAL_TYPE (StrataModel, strata_model, STRATA, MODEL, GObject)

StrataModel  *strata_model_new               (StrataGraph   *graph,
                                              GError       **error);
StrataGraph  *strata_model_get_graph         (StrataModel   *self);
StrataGraph  *strata_model_get_source_graph  (StrataModel   *self);
guint         strata_model_get_n_tensors     (StrataModel   *self);
StrataTensor *strata_model_get_tensor        (StrataModel   *self,
                                              guint          index);
StrataTensor *strata_model_lookup            (StrataModel   *self,
                                              const char    *name);
void          strata_model_init_weights      (StrataModel   *self,
                                              guint64        seed);
gboolean      strata_model_copy_weights_from (StrataModel   *self,
                                              StrataModel   *other,
                                              GError       **error);
guint64       strata_model_get_version       (StrataModel   *self);
void          strata_model_weights_changed   (StrataModel   *self);
StrataShape   strata_model_get_input_shape   (StrataModel   *self);
guint         strata_model_get_n_classes     (StrataModel   *self);
gint64        strata_model_get_n_trainable   (StrataModel   *self);

G_END_DECLS
