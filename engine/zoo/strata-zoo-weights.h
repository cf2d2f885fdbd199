/* strata-zoo-weights.h: putting a weights file's values into a backbone's tensors
 * (engine-private)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-model.h"
#include "strata-zoo-net.h"

G_BEGIN_DECLS

typedef enum
{
  ZOO_FILE_UNKNOWN,
  ZOO_FILE_KERAS_H5,          /* Keras .h5, weights-only or full model */
  ZOO_FILE_TORCH,             /* safetensors with torchvision's or timm's names */
  ZOO_FILE_STRATA,            /* safetensors with Strata's names: a checkpoint or an export */
} StrataZooFileKind;

typedef struct
{
  StrataZooFileKind kind;
  gboolean has_variant;
  StrataZooVariant variant;
  int normalization;          /* StrataNormalization, or -1 when the file doesn't say */
} StrataZooProbe;

gboolean  _strata_zoo_probe_file (const char      *path,
                                  StrataZooArch    arch,
                                  StrataZooProbe  *probe);
gboolean  _strata_zoo_load_file  (StrataModel     *model,
                                  const char      *node_id,
                                  StrataZooNet    *net,
                                  const char      *path,
                                  GError         **error);
char     *_strata_zoo_torch_key  (StrataZooArch    arch,
                                  const char      *name,
                                  gboolean         timm);

G_END_DECLS

G_BEGIN_DECLS

/* Shared by the loaders (strata-zoo-weights.c) */
#define ZOO_MAX_LAYER_TENSORS 4

guint     _strata_zoo_layer_tensors (StrataModel          *model,
                                     const char           *node_id,
                                     const StrataZooLayer *layer,
                                     StrataTensor        **tensors);
void      _strata_zoo_keras_dims    (const StrataZooLayer *layer,
                                     const StrataTensor   *tensor,
                                     int                  *rank,
                                     gint64               *dims);
char     *_strata_zoo_dims_string   (int                   rank,
                                     const gint64         *dims);
gboolean  _strata_zoo_dims_equal    (int                   rank_a,
                                     const gint64         *a,
                                     int                   rank_b,
                                     const gint64         *b);
void      _strata_zoo_shape_error   (GError              **error,
                                     const StrataZooLayer *layer,
                                     const char           *file_name,
                                     const char           *weight,
                                     int                   file_rank,
                                     const gint64         *file_dims,
                                     int                   our_rank,
                                     const gint64         *our_dims);
gboolean  _strata_zoo_load_keras_h5 (StrataModel          *model,
                                     const char           *node_id,
                                     StrataZooNet         *net,
                                     const char           *path,
                                     GError              **error);
gboolean  _strata_zoo_load_safetensors (StrataModel       *model,
                                        const char        *node_id,
                                        StrataZooNet      *net,
                                        const char        *path,
                                        GError           **error);

G_END_DECLS
