/* strata-zoo.h: pretrained architectures (VGG16/19, ResNet50, …) as graph nodes
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-dataset-settings.h"
#include "strata-graph.h"
#include "strata-model.h"

G_BEGIN_DECLS

#define STRATA_ZOO_ERROR (strata_zoo_error_quark ())

typedef enum
{
  STRATA_ZOO_ERROR_NOT_FOUND,     /* no weights file, or not where it was said to be */
  STRATA_ZOO_ERROR_MISMATCH,      /* the file holds other layers or shapes than the model */
  STRATA_ZOO_ERROR_CORRUPT,       /* the file is damaged or not what its format says */
  STRATA_ZOO_ERROR_UNSUPPORTED,   /* a format or weight set Strata can't use */
  STRATA_ZOO_ERROR_HASH,          /* the file is not the official one */
  STRATA_ZOO_ERROR_NETWORK,       /* downloading failed */
  STRATA_ZOO_ERROR_PREPROCESSING, /* the data is prepared otherwise than the weights expect */
} StrataZooError;

GQuark strata_zoo_error_quark (void);

typedef enum
{
  STRATA_ZOO_VGG16,
  STRATA_ZOO_VGG19,
  STRATA_ZOO_RESNET50,
  STRATA_ZOO_INCEPTION_V3,
  STRATA_ZOO_MOBILENET_V2,
  STRATA_ZOO_DENSENET121,
  STRATA_ZOO_N_ARCHS
} StrataZooArch;

/**
 * StrataZooVariant:
 * @STRATA_ZOO_KERAS: keras-applications (tf.keras, Keras 3): for ResNet50 the stride on the
 *   first 1×1 conv, conv biases, BatchNormalization epsilon 1.001e-5
 * @STRATA_ZOO_KERAS_LEGACY: ResNet50 of multi-backend Keras 2.0–2.3 (fchollet's v0.2
 *   weights): other layer names, main path before the shortcut, epsilon 1e-3
 * @STRATA_ZOO_TORCH: torchvision/timm: ResNet50 with the stride on the 3×3 conv, no conv
 *   biases, epsilon 1e-5; MobileNetV2 with symmetric padding; epsilon 1e-5 throughout
 *
 * Which of the incompatible definitions of an architecture a node builds; the weights
 * decide it (see strata_zoo_node_get_variant()).
 */
typedef enum
{
  STRATA_ZOO_KERAS,
  STRATA_ZOO_KERAS_LEGACY,
  STRATA_ZOO_TORCH,
} StrataZooVariant;

const char *strata_zoo_arch_get_type_name  (StrataZooArch       arch);
gboolean    strata_zoo_arch_from_type_name (const char         *type,
                                            StrataZooArch      *arch);
const char *strata_zoo_variant_to_string   (StrataZooVariant    variant);

gboolean         strata_zoo_node_is_pretrained (const StrataNode *node);
StrataZooArch    strata_zoo_node_get_arch      (const StrataNode *node);
StrataZooVariant strata_zoo_node_get_variant   (const StrataNode *node);
gboolean         strata_zoo_node_get_preprocessing (const StrataNode    *node,
                                                    StrataNormalization *normalization);

/**
 * StrataZooProgress:
 * @bytes: downloaded so far, a resumed part included
 * @total: the file's size, or -1 while unknown
 * @bytes_per_second: the current speed
 *
 * Called from the downloading thread.
 */
typedef void (*StrataZooProgress) (gint64   bytes,
                                   gint64   total,
                                   double   bytes_per_second,
                                   gpointer user_data);

char *strata_zoo_format_progress (gint64 bytes,
                                  gint64 total,
                                  double bytes_per_second);

/* Loading the weights of every pretrained node (strata-zoo-load.c) -------------------------- */

void     strata_zoo_resolve_paths  (StrataGraph        *graph,
                                    const char         *base_dir);
gboolean strata_zoo_load_weights   (StrataModel        *model,
                                    StrataZooProgress   progress,
                                    gpointer            user_data,
                                    GCancellable       *cancellable,
                                    GError            **error);

/* The data preparation the weights in a graph expect ---------------------------------------- */

gboolean strata_zoo_graph_get_preprocessing   (StrataGraph          *graph,
                                               StrataNormalization  *normalization,
                                               const char          **node_id);
gboolean strata_zoo_apply_preprocessing       (StrataGraph          *graph,
                                               StrataDatasetSettings *settings);
gboolean strata_zoo_check_preprocessing       (StrataGraph          *graph,
                                               StrataNormalization   normalization,
                                               GError              **error);

/* Keras' layer order and the trainable rule ------------------------------------------------- */

gboolean strata_zoo_is_frozen (guint index,
                               guint n_layers,
                               int   trainable_percent);

G_END_DECLS
