/* strata-keras-h5-reader.h: read the weights of a Keras HDF5 file (save_weights or model.save)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STRATA_KERAS_H5_MAX_RANK 8

typedef struct
{
  char *name;                 /* e.g. "block1_conv1/kernel:0" or "block1_conv1_W_1:0" */
  int rank;
  gint64 dims[STRATA_KERAS_H5_MAX_RANK];   /* as stored: Keras order, kernels HWIO */
  gint64 n_elements;
} StrataKerasH5Weight;

typedef struct
{
  char *name;                 /* the layer name, may contain '/' */
  GPtrArray *weights;         /* StrataKerasH5Weight*, in the file's weight_names order */
} StrataKerasH5Layer;

typedef struct _StrataKerasH5 StrataKerasH5;

/**
 * StrataKerasH5Flags:
 * @STRATA_KERAS_H5_NAMES: the layers and the names and shapes of their weights only
 * @STRATA_KERAS_H5_VALUES: the values too, for strata_keras_h5_read()
 */
typedef enum
{
  STRATA_KERAS_H5_NAMES,
  STRATA_KERAS_H5_VALUES,
} StrataKerasH5Flags;

StrataKerasH5            *strata_keras_h5_open          (const char          *path,
                                                          StrataKerasH5Flags   flags,
                                                          GError             **error);
void                      strata_keras_h5_close         (StrataKerasH5       *self);
guint                     strata_keras_h5_get_n_layers  (StrataKerasH5       *self);
const StrataKerasH5Layer *strata_keras_h5_get_layer     (StrataKerasH5       *self,
                                                          guint                index);
const char               *strata_keras_h5_get_attribute (StrataKerasH5       *self,
                                                          const char          *name);
gboolean                  strata_keras_h5_read          (StrataKerasH5       *self,
                                                          guint                layer,
                                                          guint                weight,
                                                          float               *dst,
                                                          gint64               n_elements,
                                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataKerasH5, strata_keras_h5_close)

G_END_DECLS
