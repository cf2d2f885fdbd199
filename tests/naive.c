/* naive.c: a plain reference interpreter of a model, in double precision
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "naive.h"
#include "strata-op-common.h"
#include "strata-random.h"

typedef struct
{
  StrataShape shape;
  double *values;
  gsize n;
} Value;

struct _Naive
{
  StrataModel *model;
  StrataGraph *graph;
  guint batch;
  gboolean train;
  GPtrArray *order;                /* StrataNode*, no Output */
  GHashTable *values;              /* id → Value* */
  GHashTable *tensors;             /* name → double* */
  GHashTable *keys;                /* id → guint64* dropout key */
  GHashTable *stats;               /* "id/mean", "id/var" → double* */
  double *input;
};

static void
value_free (Value *value)
{
  g_free (value->values);
  g_free (value);
}

Naive *
naive_new (StrataModel *model,
           guint        batch,
           gboolean     train)
{
  Naive *naive = g_new0 (Naive, 1);
  g_autoptr(GPtrArray) order = NULL;
  StrataShape in = strata_model_get_input_shape (model);

  naive->model = g_object_ref (model);
  naive->graph = strata_model_get_graph (model);
  naive->batch = batch;
  naive->train = train;
  naive->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) value_free);
  naive->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  naive->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  naive->stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  naive->order = g_ptr_array_new ();
  order = strata_graph_dup_topo_order (naive->graph, NULL);
  for (guint i = 0; i < order->len; i++)
    if (strata_node_get_op (g_ptr_array_index (order, i))->has_output)
      g_ptr_array_add (naive->order, g_ptr_array_index (order, i));
  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      double *copy = g_new (double, tensor->n);
      for (gint64 i = 0; i < tensor->n; i++)
        copy[i] = tensor->data[i];
      g_hash_table_insert (naive->tensors, tensor->name, copy);
    }
  naive->input = g_new0 (double, batch * strata_shape_n_elements (&in));
  return naive;
}

void
naive_free (Naive *naive)
{
  g_hash_table_unref (naive->values);
  g_hash_table_unref (naive->tensors);
  g_hash_table_unref (naive->keys);
  g_hash_table_unref (naive->stats);
  g_ptr_array_unref (naive->order);
  g_object_unref (naive->model);
  g_free (naive->input);
  g_free (naive);
}

double *
naive_input (Naive *naive)
{
  return naive->input;
}

double *
naive_tensor (Naive      *naive,
              const char *name)
{
  return g_hash_table_lookup (naive->tensors, name);
}

void
naive_set_dropout_key (Naive      *naive,
                       const char *layer,
                       guint64     key)
{
  g_hash_table_insert (naive->keys, g_strdup (layer), g_memdup2 (&key, sizeof key));
}

static double *
weight (Naive      *naive,
        StrataNode *node,
        const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s/%s", strata_node_get_id (node), name);
  return g_hash_table_lookup (naive->tensors, full);
}

/* Keras' activations over values whose last axis has @last entries. */
static void
activate (const char *name,
          double      alpha,
          double     *x,
          gsize       n,
          int         last)
{
  if (g_str_equal (name, "softmax"))
    {
      for (gsize r = 0; r < n / last; r++)
        {
          double *row = x + r * last, max = -INFINITY, sum = 0;
          for (int c = 0; c < last; c++)
            max = MAX (max, row[c]);
          for (int c = 0; c < last; c++)
            sum += (row[c] = exp (row[c] - max));
          for (int c = 0; c < last; c++)
            row[c] /= sum;
        }
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      double v = x[i];
      if (g_str_equal (name, "relu"))
        v = MAX (v, 0.0);
      else if (g_str_equal (name, "relu6"))
        v = MIN (MAX (v, 0.0), 6.0);
      else if (g_str_equal (name, "elu"))
        v = v > 0 ? v : exp (v) - 1.0;
      else if (g_str_equal (name, "leaky_relu"))
        v = v > 0 ? v : alpha * v;
      else if (g_str_equal (name, "sigmoid"))
        v = 1.0 / (1.0 + exp (-v));
      else if (g_str_equal (name, "tanh"))
        v = tanh (v);
      else if (g_str_equal (name, "swish"))
        v = v / (1.0 + exp (-v));
      x[i] = v;
    }
}

#define AT(v, n, y, x, c) ((v)->values[(((gsize) (n) * (v)->shape.dims[0] + (y)) * \
                                        (v)->shape.dims[1] + (x)) * (v)->shape.dims[2] + (c)])

static void
window (StrataNode  *node,
        const Value *in,
        int          axis,
        int          kernel,
        int          stride,
        int          dilation,
        int         *pad)
{
  strata_op_window_out_size (in->shape.dims[axis], kernel, stride, dilation,
                             strata_op_is_same_padding (node), NULL, pad, NULL);
}

static void
conv (Naive       *naive,
      StrataNode  *node,
      const Value *in,
      Value       *out)
{
  gboolean depthwise = g_str_equal (strata_node_get_type_name (node), "DepthwiseConv2D");
  double *k = weight (naive, node, depthwise ? "depthwise_kernel" : "kernel");
  double *b = weight (naive, node, "bias");
  int kh = strata_node_get_int_at (node, "kernel_size", 0);
  int kw = strata_node_get_int_at (node, "kernel_size", 1);
  int sh = strata_node_get_int_at (node, "strides", 0);
  int sw = strata_node_get_int_at (node, "strides", 1);
  int dh = strata_node_get_int_at (node, "dilation_rate", 0);
  int dw = strata_node_get_int_at (node, "dilation_rate", 1);
  int C = in->shape.dims[2], O = out->shape.dims[2], mult = O / C, pt, pl;

  window (node, in, 0, kh, sh, dh, &pt);
  window (node, in, 1, kw, sw, dw, &pl);
  for (guint n = 0; n < naive->batch; n++)
    for (int oy = 0; oy < out->shape.dims[0]; oy++)
      for (int ox = 0; ox < out->shape.dims[1]; ox++)
        for (int o = 0; o < O; o++)
          {
            double sum = b ? b[o] : 0.0;
            for (int ky = 0; ky < kh; ky++)
              for (int kx = 0; kx < kw; kx++)
                {
                  int y = oy * sh - pt + ky * dh, x = ox * sw - pl + kx * dw;
                  if (y < 0 || y >= in->shape.dims[0] || x < 0 || x >= in->shape.dims[1])
                    continue;
                  if (depthwise)
                    sum += AT (in, n, y, x, o / mult) * k[(o * kh + ky) * kw + kx];
                  else
                    for (int c = 0; c < C; c++)
                      sum += AT (in, n, y, x, c) * k[((o * C + c) * kh + ky) * kw + kx];
                }
            AT (out, n, oy, ox, o) = sum;
          }
  activate (strata_node_get_string (node, "activation"), 0.2, out->values, out->n, O);
}

static void
dense (Naive       *naive,
       StrataNode  *node,
       const Value *in,
       Value       *out)
{
  double *w = weight (naive, node, "kernel"), *b = weight (naive, node, "bias");
  int F = in->shape.dims[0], O = out->shape.dims[0];

  for (guint n = 0; n < naive->batch; n++)
    for (int o = 0; o < O; o++)
      {
        double sum = b ? b[o] : 0.0;
        for (int f = 0; f < F; f++)
          sum += in->values[n * F + f] * w[(gsize) o * F + f];
        out->values[n * O + o] = sum;
      }
  activate (strata_node_get_string (node, "activation"), 0.2, out->values, out->n, O);
}

static void
pool (Naive       *naive,
      StrataNode  *node,
      const Value *in,
      Value       *out)
{
  const char *type = strata_node_get_type_name (node);
  gboolean is_max = strstr (type, "Max") != NULL, global = g_str_has_prefix (type, "Global");
  int kh, kw, sh, sw, pt = 0, pl = 0;

  if (global)
    {
      kh = sh = in->shape.dims[0];
      kw = sw = in->shape.dims[1];
    }
  else
    {
      kh = strata_node_get_int_at (node, "pool_size", 0);
      kw = strata_node_get_int_at (node, "pool_size", 1);
      sh = strata_node_get_int_at (node, "strides", 0) ?: kh;
      sw = strata_node_get_int_at (node, "strides", 1) ?: kw;
      window (node, in, 0, kh, sh, 1, &pt);
      window (node, in, 1, kw, sw, 1, &pl);
    }
  for (guint n = 0; n < naive->batch; n++)
    for (int oy = 0; oy < (global ? 1 : out->shape.dims[0]); oy++)
      for (int ox = 0; ox < (global ? 1 : out->shape.dims[1]); ox++)
        for (int c = 0; c < in->shape.dims[2]; c++)
          {
            double acc = is_max ? -INFINITY : 0.0;
            int count = 0;
            for (int ky = 0; ky < kh; ky++)
              for (int kx = 0; kx < kw; kx++)
                {
                  int y = oy * sh - pt + ky, x = ox * sw - pl + kx;
                  if (y < 0 || y >= in->shape.dims[0] || x < 0 || x >= in->shape.dims[1])
                    continue;
                  acc = is_max ? MAX (acc, AT (in, n, y, x, c)) : acc + AT (in, n, y, x, c);
                  count++;
                }
            if (!is_max)
              acc /= count;
            if (global)
              out->values[n * in->shape.dims[2] + c] = acc;
            else
              AT (out, n, oy, ox, c) = acc;
          }
}

static void
batch_norm (Naive       *naive,
            StrataNode  *node,
            const Value *in,
            Value       *out)
{
  int C = in->shape.dims[in->shape.rank - 1];
  gsize rows = in->n / C;
  double *gamma = weight (naive, node, "gamma"), *beta = weight (naive, node, "beta");
  double *mean = weight (naive, node, "moving_mean");
  double *var = weight (naive, node, "moving_variance");
  double eps = strata_node_get_float (node, "epsilon");

  if (naive->train && strata_node_get_trainable (node))
    {
      double *m = g_new0 (double, C), *v = g_new0 (double, C);
      for (gsize r = 0; r < rows; r++)
        for (int c = 0; c < C; c++)
          m[c] += in->values[r * C + c] / rows;
      for (gsize r = 0; r < rows; r++)
        for (int c = 0; c < C; c++)
          v[c] += (in->values[r * C + c] - m[c]) * (in->values[r * C + c] - m[c]) / rows;
      g_hash_table_insert (naive->stats, g_strdup_printf ("%s/mean", strata_node_get_id (node)), m);
      g_hash_table_insert (naive->stats, g_strdup_printf ("%s/var", strata_node_get_id (node)), v);
      mean = m;
      var = v;
    }
  for (gsize r = 0; r < rows; r++)
    for (int c = 0; c < C; c++)
      out->values[r * C + c] = (in->values[r * C + c] - mean[c]) / sqrt (var[c] + eps) *
                               (gamma ? gamma[c] : 1.0) + (beta ? beta[c] : 0.0);
}

static void
dropout (Naive       *naive,
         StrataNode  *node,
         const Value *in,
         Value       *out)
{
  guint64 *key = g_hash_table_lookup (naive->keys, strata_node_get_id (node));
  double rate = strata_node_get_float (node, "rate");
  guint32 threshold = strata_dropout_threshold (rate);

  for (gsize i = 0; i < in->n; i++)
    out->values[i] = key == NULL ? in->values[i]
                     : strata_dropout_keep (*key, i, threshold) ? in->values[i] / (1.0 - rate)
                     : 0.0;
}

static void
zero_padding (StrataNode  *node,
              guint        batch,
              const Value *in,
              Value       *out)
{
  int top = strata_node_get_int_at (node, "padding", 0);
  int left = strata_node_get_int_at (node, "padding", 2);

  for (guint n = 0; n < batch; n++)
    for (int y = 0; y < in->shape.dims[0]; y++)
      for (int x = 0; x < in->shape.dims[1]; x++)
        for (int c = 0; c < in->shape.dims[2]; c++)
          AT (out, n, y + top, x + left, c) = AT (in, n, y, x, c);
}

static Value *
lookup_input (Naive      *naive,
              StrataNode *node,
              guint       port)
{
  return g_hash_table_lookup (naive->values,
                              strata_graph_get_input (naive->graph, strata_node_get_id (node),
                                                      port));
}

/* Returns the mean loss over the batch. */
double
naive_forward (Naive        *naive,
               const gint32 *labels)
{
  StrataNode *output = strata_graph_find_output (naive->graph);
  const char *logits_id = strata_graph_get_input (naive->graph, strata_node_get_id (output), 0);
  StrataNode *logits_node = strata_graph_get_node (naive->graph, logits_id);
  GVariant *act = strata_node_get_param (logits_node, "activation");
  gboolean from_logits = act == NULL || !g_str_equal (g_variant_get_string (act, NULL),
                                                      "softmax");
  double ls = strata_node_get_float (output, "label_smoothing"), total = 0;
  Value *scores;
  int K;

  g_hash_table_remove_all (naive->values);
  for (guint i = 0; i < naive->order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (naive->order, i);
      const char *type = strata_node_get_type_name (node);
      Value *out = g_new0 (Value, 1), *in = NULL;

      strata_graph_get_output_shape (naive->graph, strata_node_get_id (node), &out->shape);
      out->n = strata_shape_n_elements (&out->shape) * naive->batch;
      out->values = g_new0 (double, out->n);
      if (strata_node_get_n_inputs (node) > 0)
        in = lookup_input (naive, node, 0);

      if (g_str_equal (type, "Input"))
        memcpy (out->values, naive->input, out->n * sizeof (double));
      else if (g_str_equal (type, "Conv2D") || g_str_equal (type, "DepthwiseConv2D"))
        conv (naive, node, in, out);
      else if (g_str_equal (type, "Dense"))
        dense (naive, node, in, out);
      else if (strstr (type, "Pooling2D"))
        pool (naive, node, in, out);
      else if (g_str_equal (type, "BatchNormalization"))
        batch_norm (naive, node, in, out);
      else if (g_str_equal (type, "Dropout"))
        dropout (naive, node, in, out);
      else if (g_str_equal (type, "ZeroPadding2D"))
        zero_padding (node, naive->batch, in, out);
      else if (g_str_equal (type, "Flatten"))
        memcpy (out->values, in->values, out->n * sizeof (double));
      else if (g_str_equal (type, "Activation"))
        {
          memcpy (out->values, in->values, out->n * sizeof (double));
          activate (strata_node_get_string (node, "activation"),
                    strata_node_get_float (node, "alpha"), out->values, out->n,
                    out->shape.dims[out->shape.rank - 1]);
        }
      else if (g_str_equal (type, "Add"))
        for (guint k = 0; k < strata_node_get_n_inputs (node); k++)
          {
            Value *term = lookup_input (naive, node, k);
            for (gsize e = 0; e < out->n; e++)
              out->values[e] += term->values[e];
          }
      else if (g_str_equal (type, "Concatenate"))
        {
          int last = out->shape.dims[out->shape.rank - 1], offset = 0;
          for (guint k = 0; k < strata_node_get_n_inputs (node); k++)
            {
              Value *part = lookup_input (naive, node, k);
              int width = part->shape.dims[part->shape.rank - 1];
              for (gsize r = 0; r < out->n / last; r++)
                for (int c = 0; c < width; c++)
                  out->values[r * last + offset + c] = part->values[r * width + c];
              offset += width;
            }
        }
      else
        g_assert_not_reached ();
      g_hash_table_insert (naive->values, (gpointer) strata_node_get_id (node), out);
    }

  scores = g_hash_table_lookup (naive->values, logits_id);
  K = scores->shape.dims[0];
  for (guint n = 0; n < naive->batch; n++)
    {
      const double *z = scores->values + n * K;
      double max = -INFINITY, lse = 0;
      for (int c = 0; c < K; c++)
        max = MAX (max, z[c]);
      for (int c = 0; c < K; c++)
        lse += exp (z[c] - max);
      lse = log (lse) + max;
      for (int c = 0; c < K; c++)
        {
          double target = (c == labels[n] ? 1.0 - ls : 0.0) + ls / K;
          total -= target * (from_logits ? z[c] - lse : log (CLAMP (z[c], 1e-7, 1 - 1e-7)));
        }
    }
  return total / naive->batch;
}

const double *
naive_output (Naive      *naive,
              const char *layer,
              gsize      *n)
{
  Value *value = g_hash_table_lookup (naive->values, layer);

  g_assert_nonnull (value);
  if (n)
    *n = value->n;
  return value->values;
}

const double *
naive_batch_mean (Naive      *naive,
                  const char *layer)
{
  g_autofree char *key = g_strdup_printf ("%s/mean", layer);
  return g_hash_table_lookup (naive->stats, key);
}

const double *
naive_batch_var (Naive      *naive,
                 const char *layer)
{
  g_autofree char *key = g_strdup_printf ("%s/var", layer);
  return g_hash_table_lookup (naive->stats, key);
}
