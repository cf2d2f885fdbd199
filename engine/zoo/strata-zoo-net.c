/* strata-zoo-net.c: building an architecture as a list of Keras layers
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "strata-op-common.h"
#include "strata-zoo-net.h"

static void
layer_clear (gpointer data)
{
  StrataZooLayer *layer = data;
  g_free (layer->name);
}

StrataZooNet *
_strata_zoo_net_new (StrataZooArch      arch,
                     StrataZooVariant   variant,
                     int                divisor,
                     const StrataShape *input)
{
  StrataZooNet *net = g_new0 (StrataZooNet, 1);

  net->arch = arch;
  net->variant = variant;
  net->divisor = MAX (divisor, 1);
  net->input = *input;
  net->layers = g_array_new (FALSE, TRUE, sizeof (StrataZooLayer));
  g_array_set_clear_func (net->layers, layer_clear);
  net->weighted = g_array_new (FALSE, FALSE, sizeof (int));
  net->auto_names = g_hash_table_new (g_str_hash, g_str_equal);
  net->output = ZOO_INPUT;
  return net;
}

void
_strata_zoo_net_free (StrataZooNet *net)
{
  if (net == NULL)
    return;
  g_array_unref (net->layers);
  g_array_unref (net->weighted);
  g_hash_table_unref (net->auto_names);
  g_clear_error (&net->error);
  g_free (net);
}

StrataZooLayer *
_strata_zoo_layer (StrataZooNet *net,
                   int           index)
{
  return &g_array_index (net->layers, StrataZooLayer, index);
}

const StrataShape *
_strata_zoo_shape (StrataZooNet *net,
                   int           index)
{
  return index == ZOO_INPUT ? &net->input : &_strata_zoo_layer (net, index)->shape;
}

/* Channels as the full-width Keras code computes them (backend.int_shape). */
int
_strata_zoo_nominal (StrataZooNet *net,
                     int           index)
{
  if (index == ZOO_INPUT)
    return net->input.dims[2];
  return _strata_zoo_layer (net, index)->nominal;
}

static int
divide (StrataZooNet *net,
        int           filters)
{
  return MAX (filters / net->divisor, 1);
}

/* Keras 2.2's automatic names: the class name in snake case and a counter from 1. */
static char *
layer_name (StrataZooNet  *net,
            const char    *name,
            StrataZooKind  kind)
{
  static const char *const stems[] = {
    [ZOO_CONV] = "conv2d", [ZOO_DEPTHWISE] = "depthwise_conv2d",
    [ZOO_BN] = "batch_normalization", [ZOO_ACT] = "activation",
    [ZOO_PAD] = "zero_padding2d", [ZOO_MAX_POOL] = "max_pooling2d",
    [ZOO_AVG_POOL] = "average_pooling2d", [ZOO_GLOBAL_AVG] = "global_average_pooling2d",
    [ZOO_GLOBAL_MAX] = "global_max_pooling2d", [ZOO_FLATTEN] = "flatten",
    [ZOO_DENSE] = "dense", [ZOO_ADD] = "add", [ZOO_CONCAT] = "concatenate",
  };
  guint n;

  if (name != NULL)
    return g_strdup (name);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (net->auto_names, stems[kind])) + 1;
  g_hash_table_insert (net->auto_names, (gpointer) stems[kind], GUINT_TO_POINTER (n));
  return g_strdup_printf ("%s_%u", stems[kind], n);
}

static int
append (StrataZooNet  *net,
        StrataZooKind  kind,
        const char    *name,
        int            x,
        StrataZooLayer *proto)
{
  proto->kind = kind;
  proto->name = layer_name (net, name, kind);
  proto->inputs[0] = x;
  proto->n_inputs = MAX (proto->n_inputs, 1);
  proto->keras_index = -1;
  proto->trainable = TRUE;
  if (proto->activation == NULL)
    proto->activation = "linear";
  g_array_append_val (net->layers, *proto);
  return net->layers->len - 1;
}

static void
too_small (StrataZooNet *net,
           int           x,
           const char    *name)
{
  g_autofree char *shape = strata_shape_to_string (_strata_zoo_shape (net, x));

  if (net->error == NULL)
    g_set_error (&net->error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                 _("The %s input is too small for %s: layer “%s” has nothing left to work on"),
                 shape, strata_zoo_arch_get_type_name (net->arch), name);
}

static gboolean
window (StrataZooNet *net,
        int           x,
        const char   *name,
        int           kh,
        int           kw,
        int           sh,
        int           sw,
        gboolean      same,
        int          *oh,
        int          *ow)
{
  const StrataShape *in = _strata_zoo_shape (net, x);

  if (in->rank != 3 ||
      !strata_op_window_out_size (in->dims[0], kh, sh, 1, same, oh, NULL, NULL) ||
      !strata_op_window_out_size (in->dims[1], kw, sw, 1, same, ow, NULL, NULL))
    {
      too_small (net, x, name);
      return FALSE;
    }
  return TRUE;
}

int
_strata_zoo_conv (StrataZooNet *net,
                  int           x,
                  const char   *name,
                  int           filters,
                  int           kh,
                  int           kw,
                  int           stride,
                  gboolean      same,
                  gboolean      use_bias,
                  const char   *activation)
{
  StrataZooLayer l = { .kh = kh, .kw = kw, .sh = stride, .sw = stride, .same = same,
                       .use_bias = use_bias, .activation = activation,
                       .initializer = "glorot_uniform" };
  int oh, ow, in;

  if (net->error || !window (net, x, name ? name : "conv2d", kh, kw, stride, stride, same, &oh,
                             &ow))
    return x;
  in = _strata_zoo_shape (net, x)->dims[2];
  l.filters = divide (net, filters);
  l.nominal = filters;
  l.shape = strata_shape_3d (oh, ow, l.filters);
  l.n_weights = (gint64) kh * kw * in * l.filters + (use_bias ? l.filters : 0);
  return append (net, ZOO_CONV, name, x, &l);
}

int
_strata_zoo_depthwise (StrataZooNet *net,
                       int           x,
                       const char   *name,
                       int           stride,
                       gboolean      same)
{
  StrataZooLayer l = { .kh = 3, .kw = 3, .sh = stride, .sw = stride, .same = same,
                       .initializer = "glorot_uniform" };
  int oh, ow, in;

  if (net->error || !window (net, x, name, 3, 3, stride, stride, same, &oh, &ow))
    return x;
  in = _strata_zoo_shape (net, x)->dims[2];
  l.nominal = _strata_zoo_nominal (net, x);
  l.shape = strata_shape_3d (oh, ow, in);
  l.n_weights = 9 * (gint64) in;
  return append (net, ZOO_DEPTHWISE, name, x, &l);
}

int
_strata_zoo_bn (StrataZooNet *net,
                int           x,
                const char   *name,
                double        epsilon,
                double        momentum,
                gboolean      scale)
{
  StrataZooLayer l = { .epsilon = epsilon, .momentum = momentum, .scale = scale,
                       .center = TRUE };
  const StrataShape *in;
  int channels;

  if (net->error)
    return x;
  in = _strata_zoo_shape (net, x);
  channels = in->dims[in->rank - 1];
  l.shape = *in;
  l.nominal = _strata_zoo_nominal (net, x);
  l.n_weights = (scale ? channels : 0) + channels;
  l.n_state = 2 * (gint64) channels;
  return append (net, ZOO_BN, name, x, &l);
}

int
_strata_zoo_act (StrataZooNet *net,
                 int           x,
                 const char   *name,
                 const char   *activation)
{
  StrataZooLayer l = { .activation = activation };

  if (net->error)
    return x;
  l.shape = *_strata_zoo_shape (net, x);
  l.nominal = _strata_zoo_nominal (net, x);
  return append (net, ZOO_ACT, name, x, &l);
}

int
_strata_zoo_pad (StrataZooNet *net,
                 int           x,
                 const char   *name,
                 int           top,
                 int           bottom,
                 int           left,
                 int           right)
{
  StrataZooLayer l = { .pad = { top, bottom, left, right } };
  const StrataShape *in;

  if (net->error)
    return x;
  in = _strata_zoo_shape (net, x);
  l.shape = strata_shape_3d (in->dims[0] + top + bottom, in->dims[1] + left + right,
                             in->dims[2]);
  l.nominal = _strata_zoo_nominal (net, x);
  return append (net, ZOO_PAD, name, x, &l);
}

int
_strata_zoo_pool (StrataZooNet *net,
                  int           x,
                  const char   *name,
                  gboolean      max,
                  int           size,
                  int           stride,
                  gboolean      same)
{
  StrataZooLayer l = { .kh = size, .kw = size, .sh = stride, .sw = stride, .same = same };
  int oh, ow;

  if (net->error || !window (net, x, name ? name : "pooling", size, size, stride, stride, same,
                             &oh, &ow))
    return x;
  l.shape = strata_shape_3d (oh, ow, _strata_zoo_shape (net, x)->dims[2]);
  l.nominal = _strata_zoo_nominal (net, x);
  return append (net, max ? ZOO_MAX_POOL : ZOO_AVG_POOL, name, x, &l);
}

int
_strata_zoo_global (StrataZooNet *net,
                    int           x,
                    const char   *name,
                    gboolean      max)
{
  StrataZooLayer l = { 0 };

  if (net->error)
    return x;
  l.shape = strata_shape_1d (_strata_zoo_shape (net, x)->dims[2]);
  l.nominal = _strata_zoo_nominal (net, x);
  return append (net, max ? ZOO_GLOBAL_MAX : ZOO_GLOBAL_AVG, name, x, &l);
}

int
_strata_zoo_flatten (StrataZooNet *net,
                     int           x,
                     const char   *name)
{
  StrataZooLayer l = { 0 };

  if (net->error)
    return x;
  l.shape = strata_shape_1d (strata_shape_n_elements (_strata_zoo_shape (net, x)));
  l.nominal = l.shape.dims[0];
  return append (net, ZOO_FLATTEN, name, x, &l);
}

int
_strata_zoo_dense (StrataZooNet *net,
                   int           x,
                   const char   *name,
                   int           units,
                   const char   *activation)
{
  StrataZooLayer l = { .use_bias = TRUE, .activation = activation,
                       .initializer = "glorot_uniform" };

  if (net->error)
    return x;
  l.filters = divide (net, units);
  l.nominal = units;
  l.shape = strata_shape_1d (l.filters);
  l.n_weights = (gint64) _strata_zoo_shape (net, x)->dims[0] * l.filters + l.filters;
  return append (net, ZOO_DENSE, name, x, &l);
}

/* Add and Concatenate (over the channels) */
int
_strata_zoo_merge (StrataZooNet  *net,
                   StrataZooKind  kind,
                   const char    *name,
                   guint          n_inputs,
                   const int     *inputs)
{
  StrataZooLayer l = { .n_inputs = n_inputs };
  const StrataShape *first;

  g_return_val_if_fail (n_inputs >= 2 && n_inputs <= ZOO_MAX_INPUTS, inputs[0]);
  if (net->error)
    return inputs[0];
  first = _strata_zoo_shape (net, inputs[0]);
  l.shape = *first;
  l.nominal = _strata_zoo_nominal (net, inputs[0]);
  for (guint i = 1; i < n_inputs; i++)
    if (kind == ZOO_CONCAT)
      {
        l.shape.dims[2] += _strata_zoo_shape (net, inputs[i])->dims[2];
        l.nominal += _strata_zoo_nominal (net, inputs[i]);
      }
  memcpy (l.inputs, inputs, n_inputs * sizeof (int));
  return append (net, kind, name, inputs[0], &l);
}

/* include_top = false: Keras' optional global pooling */
int
_strata_zoo_pooling_top (StrataZooNet       *net,
                         int                 x,
                         const StrataZooTop *top,
                         const char         *avg_name,
                         const char         *max_name)
{
  if (g_strcmp0 (top->pooling, "avg") == 0)
    return _strata_zoo_global (net, x, avg_name, FALSE);
  if (g_strcmp0 (top->pooling, "max") == 0)
    return _strata_zoo_global (net, x, max_name, TRUE);
  return x;
}

/* Keras' order of Model.layers --------------------------------------------------------------- */

static void
visit (StrataZooNet *net,
       int           i,
       int          *traversal,
       int          *counter,
       GArray       *post)
{
  StrataZooLayer *layer = _strata_zoo_layer (net, i);

  if (traversal[i] >= 0)
    return;
  traversal[i] = (*counter)++;
  for (guint k = 0; k < layer->n_inputs; k++)
    if (layer->inputs[k] != ZOO_INPUT)
      visit (net, layer->inputs[k], traversal, counter, post);
  g_array_append_val (post, i);
}

typedef struct
{
  int index;
  int depth;
  int traversal;
} OrderKey;

static gint
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const OrderKey *x = a, *y = b;

  if (x->depth != y->depth)
    return x->depth > y->depth ? -1 : 1;
  return x->traversal < y->traversal ? -1 : x->traversal > y->traversal;
}

/*
 * Keras (2.x, tf.keras, 3) orders a functional model's layers by depth, the longest path to
 * the output, deepest first, and breaks ties by the order in which a depth-first walk from
 * the output, inputs in order, first reaches them. Weight files list the layers in that
 * order and Keras loads them by position, so the loaders and the trainable rule use it too.
 */
static void
keras_order (StrataZooNet *net)
{
  guint n = net->layers->len;
  g_autofree int *traversal = g_new (int, n);
  g_autofree int *depth = g_new0 (int, n);
  g_autofree OrderKey *keys = g_new (OrderKey, n);
  g_autoptr(GArray) post = g_array_new (FALSE, FALSE, sizeof (int));
  int counter = 0;
  guint n_keys = 0;

  for (guint i = 0; i < n; i++)
    traversal[i] = -1;
  if (net->output != ZOO_INPUT)
    visit (net, net->output, traversal, &counter, post);
  for (guint j = post->len; j > 0; j--)
    {
      int i = g_array_index (post, int, j - 1);
      StrataZooLayer *layer = _strata_zoo_layer (net, i);

      for (guint k = 0; k < layer->n_inputs; k++)
        if (layer->inputs[k] != ZOO_INPUT)
          depth[layer->inputs[k]] = MAX (depth[layer->inputs[k]], depth[i] + 1);
    }
  for (guint i = 0; i < n; i++)
    {
      StrataZooLayer *layer = _strata_zoo_layer (net, i);
      if (traversal[i] >= 0 && layer->n_weights + layer->n_state > 0)
        keys[n_keys++] = (OrderKey) { i, depth[i], traversal[i] };
    }
  qsort (keys, n_keys, sizeof (OrderKey), compare_keys);
  g_array_set_size (net->weighted, 0);
  for (guint r = 0; r < n_keys; r++)
    {
      g_array_append_val (net->weighted, keys[r].index);
      _strata_zoo_layer (net, keys[r].index)->keras_index = r;
    }
}

/**
 * strata_zoo_is_frozen:
 * @index: the layer's position among the backbone's layers with weights, in Keras' order
 * @n_layers: how many layers have weights
 * @trainable_percent: the node's trainable_percent
 *
 * Deep Learning Studio's rule: layer i of N is frozen when i·100/(N − 1) ≤ 100 − T, so 0 %
 * freezes everything and the layers near the output train first. 100 % trains every layer
 * (the formula alone would keep layer 0 frozen). A single layer trains only at 100 %.
 *
 * Returns: whether the layer is frozen
 */
gboolean
strata_zoo_is_frozen (guint index,
                      guint n_layers,
                      int   trainable_percent)
{
  if (trainable_percent >= 100)
    return FALSE;
  if (trainable_percent <= 0 || n_layers <= 1)
    return TRUE;
  return (guint64) index * 100 <= (guint64) (100 - trainable_percent) * (n_layers - 1);
}

/* Ends the net at @output: Keras' order and the trainable flags of the layers with weights. */
gboolean
_strata_zoo_net_finish (StrataZooNet  *net,
                        int            output,
                        int            trainable_percent,
                        GError       **error)
{
  if (net->error)
    {
      g_propagate_error (error, g_steal_pointer (&net->error));
      return FALSE;
    }
  if (output == ZOO_INPUT)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_UNSUPPORTED, "empty net");
      return FALSE;
    }
  net->output = output;
  keras_order (net);
  for (guint r = 0; r < net->weighted->len; r++)
    _strata_zoo_layer (net, g_array_index (net->weighted, int, r))->trainable =
      !strata_zoo_is_frozen (r, net->weighted->len, trainable_percent);
  return TRUE;
}
