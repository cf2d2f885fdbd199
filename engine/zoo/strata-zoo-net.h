/* strata-zoo-net.h: a pretrained architecture as a list of Keras layers (engine-private)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The architectures are written once, as builders that mirror keras_applications' code call
 * for call, into a StrataZooNet: a plain list of layers with their settings, shapes and
 * parameter counts. Shape inference and the editor's counts read the list directly (fast:
 * no graph is made); strata_graph_expand() turns it into graph nodes; the weight loaders
 * walk it in Keras' order.
 */

#pragma once

#include "strata-graph.h"
#include "strata-zoo.h"

G_BEGIN_DECLS

typedef enum
{
  ZOO_CONV,
  ZOO_DEPTHWISE,
  ZOO_BN,
  ZOO_ACT,
  ZOO_PAD,
  ZOO_MAX_POOL,
  ZOO_AVG_POOL,
  ZOO_GLOBAL_AVG,
  ZOO_GLOBAL_MAX,
  ZOO_FLATTEN,
  ZOO_DENSE,
  ZOO_ADD,
  ZOO_CONCAT,
} StrataZooKind;

#define ZOO_INPUT (-1)        /* the backbone's input, as a layer index */
#define ZOO_MAX_INPUTS 4

typedef struct
{
  char *name;                 /* the Keras layer name */
  StrataZooKind kind;
  int inputs[ZOO_MAX_INPUTS];
  guint n_inputs;
  int kh, kw, sh, sw;         /* windows */
  gboolean same;
  int filters;                /* Conv2D filters, Dense units (after the width divisor) */
  gboolean use_bias;
  int pad[4];                 /* ZeroPadding2D: top, bottom, left, right */
  double epsilon, momentum;   /* BatchNormalization */
  gboolean scale, center;
  const char *activation;     /* "linear", "relu", "relu6", "softmax" */
  const char *initializer;

  StrataShape shape;          /* output, per sample */
  int nominal;                /* channels as the full-width Keras code sees them */
  gint64 n_weights, n_state;
  int keras_index;            /* position among the layers with weights, Keras order; -1 */
  gboolean trainable;
} StrataZooLayer;

typedef struct
{
  StrataZooArch arch;
  StrataZooVariant variant;
  int divisor;
  StrataShape input;
  GArray *layers;             /* StrataZooLayer */
  int output;                 /* index of the last layer */
  GArray *weighted;           /* int: indices of the layers with weights, in Keras order */
  GHashTable *auto_names;     /* Keras' per-class counters for unnamed layers */
  GError *error;              /* the first problem; later calls do nothing */
} StrataZooNet;

StrataZooNet *_strata_zoo_net_new      (StrataZooArch        arch,
                                        StrataZooVariant     variant,
                                        int                  divisor,
                                        const StrataShape   *input);
void          _strata_zoo_net_free     (StrataZooNet        *net);
StrataZooLayer *_strata_zoo_layer      (StrataZooNet        *net,
                                        int                  index);
const StrataShape *_strata_zoo_shape   (StrataZooNet        *net,
                                        int                  index);
int           _strata_zoo_nominal      (StrataZooNet        *net,
                                        int                  index);
gboolean      _strata_zoo_net_finish   (StrataZooNet        *net,
                                        int                  output,
                                        int                  trainable_percent,
                                        GError             **error);

/* Builders: each appends one layer fed by @x (a layer index or ZOO_INPUT) and returns its
 * index; @name NULL gets Keras' automatic name ("activation_1"). @filters are the full-width
 * numbers of the Keras code; the net divides them by its divisor. */
int _strata_zoo_conv     (StrataZooNet *net, int x, const char *name, int filters, int kh,
                          int kw, int stride, gboolean same, gboolean use_bias,
                          const char *activation);
int _strata_zoo_depthwise (StrataZooNet *net, int x, const char *name, int stride,
                           gboolean same);
int _strata_zoo_bn       (StrataZooNet *net, int x, const char *name, double epsilon,
                          double momentum, gboolean scale);
int _strata_zoo_act      (StrataZooNet *net, int x, const char *name, const char *activation);
int _strata_zoo_pad      (StrataZooNet *net, int x, const char *name, int top, int bottom,
                          int left, int right);
int _strata_zoo_pool     (StrataZooNet *net, int x, const char *name, gboolean max, int size,
                          int stride, gboolean same);
int _strata_zoo_global   (StrataZooNet *net, int x, const char *name, gboolean max);
int _strata_zoo_flatten  (StrataZooNet *net, int x, const char *name);
int _strata_zoo_dense    (StrataZooNet *net, int x, const char *name, int units,
                          const char *activation);
int _strata_zoo_merge    (StrataZooNet *net, StrataZooKind kind, const char *name,
                          guint n_inputs, const int *inputs);

/* The architectures (strata-zoo-vgg.c, …): the layers up to the top */
typedef struct
{
  gboolean include_top;
  const char *pooling;        /* "none", "avg", "max" */
} StrataZooTop;

int _strata_zoo_build_vgg         (StrataZooNet *net, const StrataZooTop *top);
int _strata_zoo_build_resnet50    (StrataZooNet *net, const StrataZooTop *top);
int _strata_zoo_build_inception_v3 (StrataZooNet *net, const StrataZooTop *top);
int _strata_zoo_build_mobilenet_v2 (StrataZooNet *net, const StrataZooTop *top);
int _strata_zoo_build_densenet121 (StrataZooNet *net, const StrataZooTop *top);
int _strata_zoo_pooling_top       (StrataZooNet *net, int x, const StrataZooTop *top,
                                   const char *avg_name, const char *max_name);

/* The net a pretrained node stands for, on input @input */
StrataZooNet *_strata_zoo_net_for_node (const StrataNode  *node,
                                        const StrataShape *input,
                                        GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataZooNet, _strata_zoo_net_free)

G_END_DECLS
