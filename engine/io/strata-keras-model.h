/* strata-keras-model.h: a model as tf.keras sees it: layers, names, config and weights
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "strata-model.h"

G_BEGIN_DECLS

#define STRATA_EXPORT_ERROR (strata_export_error_quark ())

typedef enum
{
  STRATA_EXPORT_ERROR_UNSUPPORTED,   /* the model has something the format can't express */
  STRATA_EXPORT_ERROR_WRITE,         /* a file could not be written */
  STRATA_EXPORT_ERROR_CHECK,         /* the exported model disagrees with Strata */
  STRATA_EXPORT_ERROR_CHECK_FAILED,  /* the check itself could not run */
  STRATA_EXPORT_ERROR_INVALID,       /* bad input: a corrupt file, a missing run */
} StrataExportError;

GQuark strata_export_error_quark (void);

/**
 * StrataKerasWeight:
 * @keras_name: the weight's name in Keras: "kernel", "bias", "gamma", "beta",
 *   "moving_mean", "moving_variance", "depthwise_kernel"
 * @torch_name: its name in a PyTorch state dict: "weight", "bias", "running_mean",
 *   "running_var"
 * @tensor: the model's tensor (PyTorch layout)
 * @rank: rank of the Keras array
 * @dims: its shape: HWIO kernels, (in, out) dense kernels, (kh, kw, C, M) depthwise kernels
 */
typedef struct
{
  const char *keras_name;
  const char *torch_name;
  StrataTensor *tensor;
  int rank;
  gint64 dims[4];
} StrataKerasWeight;

/**
 * StrataKerasLayer:
 * @name: the layer's name in the exported model (also its PyTorch module name)
 * @class_name: the Keras class, e.g. "Conv2D"
 * @config: the layer's config object as tf.keras 2.13's get_config() gives it
 * @inbound: (element-type utf8): names of the layers that feed it, in input order
 * @node: the Strata layer it comes from
 * @weights: (element-type StrataKerasWeight): in Keras' order
 * @activation_of: (nullable): for an activation split off a layer (relu6 and leaky_relu,
 *   which tf.keras 2.13 has no name for), that layer's name
 */
typedef struct
{
  char *name;
  const char *class_name;
  JsonObject *config;
  GPtrArray *inbound;
  StrataNode *node;
  GArray *weights;
  char *activation_of;
} StrataKerasLayer;

typedef struct _StrataKerasModel StrataKerasModel;

StrataKerasModel *strata_keras_model_new            (StrataModel       *model,
                                                     const char        *name,
                                                     GError           **error);
void              strata_keras_model_free           (StrataKerasModel  *self);
guint             strata_keras_model_get_n_layers   (StrataKerasModel  *self);
StrataKerasLayer *strata_keras_model_get_layer      (StrataKerasModel  *self,
                                                     guint              index);
StrataGraph      *strata_keras_model_get_graph      (StrataKerasModel  *self);
const char       *strata_keras_model_get_output     (StrataKerasModel  *self);
gboolean          strata_keras_model_ends_in_softmax (StrataKerasModel *self);
const char       *strata_keras_model_lookup_name    (StrataKerasModel  *self,
                                                     const char        *node_id);
JsonNode         *strata_keras_model_dup_config     (StrataKerasModel  *self);
float            *strata_keras_weight_dup_keras_data (const StrataKerasWeight *weight);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataKerasModel, strata_keras_model_free)

G_END_DECLS
