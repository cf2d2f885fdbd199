/* strata-keras-model.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-keras-model.h"

/*
 * The model as a tf.keras 2.13 Functional model would describe it, so that
 * keras.models.load_model() rebuilds the same network from model_config and loads the
 * weights by position:
 *
 * - every layer's config has exactly the keys of its get_config() in tf.keras 2.13 (base
 *   keys name, trainable, dtype first), initializers in the 2.13 serialised form;
 * - the layers are listed in the order a rebuilt model has them (Functional's
 *   _map_graph_network: by decreasing depth from the output, ties by first visit of a
 *   depth-first walk from the output), because weights load by position in that order;
 * - activations tf.keras 2.13 has no name for (relu6, leaky_relu) become a ReLU or
 *   LeakyReLU layer of their own after the layer;
 * - Strata's Output layer is not a Keras layer: the model's output is the layer before it.
 */

struct _StrataKerasModel
{
  char *name;
  StrataGraph *graph;
  GPtrArray *layers;         /* StrataKerasLayer*, in Keras' order */
  GHashTable *by_node;       /* node id → name of the Keras layer giving the node's output */
  char *output;
  gboolean softmax;
};

G_DEFINE_QUARK (strata-export-error-quark, strata_export_error)

static void
keras_layer_free (StrataKerasLayer *layer)
{
  g_free (layer->name);
  g_clear_pointer (&layer->config, json_object_unref);
  g_clear_pointer (&layer->inbound, g_ptr_array_unref);
  g_clear_pointer (&layer->weights, g_array_unref);
  g_free (layer->activation_of);
  g_free (layer);
}

void
strata_keras_model_free (StrataKerasModel *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_clear_object (&self->graph);
  g_clear_pointer (&self->layers, g_ptr_array_unref);
  g_clear_pointer (&self->by_node, g_hash_table_unref);
  g_free (self->output);
  g_free (self);
}

/* Names ---------------------------------------------------------------------------------- */

/* Layer names are also PyTorch module names and HDF5 group names: letters, digits and "_",
 * not starting with a digit, unique. */
static char *
unique_name (GHashTable *taken,
             const char *wanted)
{
  g_autoptr(GString) base = g_string_new (NULL);
  char *name;

  for (const char *p = wanted; *p; p++)
    g_string_append_c (base, g_ascii_isalnum (*p) ? *p : '_');
  if (base->len == 0 || g_ascii_isdigit (base->str[0]))
    g_string_prepend (base, "layer_");
  name = g_strdup (base->str);
  for (guint i = 1; g_hash_table_contains (taken, name); i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s_%u", base->str, i);
    }
  g_hash_table_add (taken, g_strdup (name));
  return name;
}

/* Config pieces -------------------------------------------------------------------------- */

static void
set_pair (JsonObject *obj,
          const char *key,
          int         a,
          int         b)
{
  JsonArray *array = json_array_new ();

  json_array_add_int_element (array, a);
  json_array_add_int_element (array, b);
  json_object_set_array_member (obj, key, array);
}

static void
set_ints_param (JsonObject       *obj,
                const char       *key,
                const StrataNode *node,
                const char       *param)
{
  set_pair (obj, key, strata_node_get_int_at (node, param, 0),
            strata_node_get_int_at (node, param, 1));
}

/* tf.keras 2.13 serialises initializers with serialization_lib: module, class, config,
 * registered_name. */
static JsonObject *
initializer (const char *class_name,
             gboolean    seeded)
{
  JsonObject *obj = json_object_new ();
  JsonObject *config = json_object_new ();

  if (seeded)
    json_object_set_null_member (config, "seed");
  json_object_set_string_member (obj, "module", "keras.initializers");
  json_object_set_string_member (obj, "class_name", class_name);
  json_object_set_object_member (obj, "config", config);
  json_object_set_null_member (obj, "registered_name");
  return obj;
}

static JsonObject *
kernel_initializer (const StrataNode *node)
{
  static const struct { const char *strata, *keras; } map[] = {
    { "glorot_uniform", "GlorotUniform" },
    { "glorot_normal", "GlorotNormal" },
    { "he_uniform", "HeUniform" },
    { "he_normal", "HeNormal" },
    { "lecun_uniform", "LecunUniform" },
    { "lecun_normal", "LecunNormal" },
  };
  const char *name = strata_node_get_string (node, "kernel_initializer");

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (name, map[i].strata) == 0)
      return initializer (map[i].keras, TRUE);
  return initializer ("Zeros", FALSE);
}

static JsonObject *
base_config (const char       *name,
             const StrataNode *node)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "name", name);
  json_object_set_boolean_member (obj, "trainable", strata_node_get_trainable (node));
  json_object_set_string_member (obj, "dtype", "float32");
  return obj;
}

/* The activations tf.keras 2.13 knows by name. */
static gboolean
keras_knows_activation (const char *name)
{
  static const char *const known[] = {
    "linear", "relu", "elu", "sigmoid", "tanh", "swish", "softmax", NULL
  };
  return g_strv_contains (known, name);
}

static void
set_regularizers (JsonObject  *obj,
                  const char  *kernel_prefix)
{
  g_autofree char *reg = g_strconcat (kernel_prefix, "_regularizer", NULL);
  g_autofree char *con = g_strconcat (kernel_prefix, "_constraint", NULL);

  json_object_set_null_member (obj, reg);
  json_object_set_null_member (obj, "bias_regularizer");
  json_object_set_null_member (obj, "activity_regularizer");
  json_object_set_null_member (obj, con);
  json_object_set_null_member (obj, "bias_constraint");
}

static const char *
fused_activation (const StrataNode *node)
{
  const char *activation = strata_node_get_string (node, "activation");

  return keras_knows_activation (activation) ? activation : "linear";
}

static JsonObject *
conv_config (const char       *name,
             const StrataNode *node,
             gboolean          depthwise)
{
  JsonObject *obj = base_config (name, node);

  if (!depthwise)
    json_object_set_int_member (obj, "filters", strata_node_get_int (node, "filters"));
  set_ints_param (obj, "kernel_size", node, "kernel_size");
  set_ints_param (obj, "strides", node, "strides");
  json_object_set_string_member (obj, "padding", strata_node_get_string (node, "padding"));
  json_object_set_string_member (obj, "data_format", "channels_last");
  set_ints_param (obj, "dilation_rate", node, "dilation_rate");
  json_object_set_int_member (obj, "groups", 1);
  json_object_set_string_member (obj, "activation", fused_activation (node));
  json_object_set_boolean_member (obj, "use_bias", strata_node_get_bool (node, "use_bias"));
  if (!depthwise)
    json_object_set_object_member (obj, "kernel_initializer", kernel_initializer (node));
  json_object_set_object_member (obj, "bias_initializer", initializer ("Zeros", FALSE));
  if (!depthwise)
    set_regularizers (obj, "kernel");
  else
    {
      json_object_set_null_member (obj, "bias_regularizer");
      json_object_set_null_member (obj, "activity_regularizer");
      json_object_set_null_member (obj, "bias_constraint");
      json_object_set_int_member (obj, "depth_multiplier",
                                  strata_node_get_int (node, "depth_multiplier"));
      json_object_set_object_member (obj, "depthwise_initializer", kernel_initializer (node));
      json_object_set_null_member (obj, "depthwise_regularizer");
      json_object_set_null_member (obj, "depthwise_constraint");
    }
  return obj;
}

static JsonObject *
dense_config (const char       *name,
              const StrataNode *node)
{
  JsonObject *obj = base_config (name, node);

  json_object_set_int_member (obj, "units", strata_node_get_int (node, "units"));
  json_object_set_string_member (obj, "activation", fused_activation (node));
  json_object_set_boolean_member (obj, "use_bias", strata_node_get_bool (node, "use_bias"));
  json_object_set_object_member (obj, "kernel_initializer", kernel_initializer (node));
  json_object_set_object_member (obj, "bias_initializer", initializer ("Zeros", FALSE));
  set_regularizers (obj, "kernel");
  return obj;
}

static JsonObject *
batch_norm_config (const char        *name,
                   const StrataNode  *node,
                   const StrataShape *in)
{
  JsonObject *obj = base_config (name, node);
  JsonArray *axis = json_array_new ();

  /* a built layer keeps its axis as a list of positive indices */
  json_array_add_int_element (axis, in->rank);
  json_object_set_array_member (obj, "axis", axis);
  json_object_set_double_member (obj, "momentum", strata_node_get_float (node, "momentum"));
  json_object_set_double_member (obj, "epsilon", strata_node_get_float (node, "epsilon"));
  json_object_set_boolean_member (obj, "center", strata_node_get_bool (node, "center"));
  json_object_set_boolean_member (obj, "scale", strata_node_get_bool (node, "scale"));
  json_object_set_object_member (obj, "beta_initializer", initializer ("Zeros", FALSE));
  json_object_set_object_member (obj, "gamma_initializer", initializer ("Ones", FALSE));
  json_object_set_object_member (obj, "moving_mean_initializer", initializer ("Zeros", FALSE));
  json_object_set_object_member (obj, "moving_variance_initializer",
                                 initializer ("Ones", FALSE));
  json_object_set_null_member (obj, "beta_regularizer");
  json_object_set_null_member (obj, "gamma_regularizer");
  json_object_set_null_member (obj, "beta_constraint");
  json_object_set_null_member (obj, "gamma_constraint");
  return obj;
}

static JsonObject *
pool_config (const char       *name,
             const StrataNode *node)
{
  JsonObject *obj = base_config (name, node);
  int strides[2];

  for (int axis = 0; axis < 2; axis++)
    {
      strides[axis] = strata_node_get_int_at (node, "strides", axis);
      if (strides[axis] <= 0)
        strides[axis] = strata_node_get_int_at (node, "pool_size", axis);
    }
  set_ints_param (obj, "pool_size", node, "pool_size");
  json_object_set_string_member (obj, "padding", strata_node_get_string (node, "padding"));
  set_pair (obj, "strides", strides[0], strides[1]);
  json_object_set_string_member (obj, "data_format", "channels_last");
  return obj;
}

static JsonObject *
layer_config (const char        *name,
              const StrataNode  *node,
              const StrataShape *in,
              const char       **class_name,
              GError           **error)
{
  const char *type = strata_node_get_type_name (node);
  JsonObject *obj;

  *class_name = type;
  if (g_str_equal (type, "Input"))
    {
      JsonArray *shape = json_array_new ();

      json_array_add_null_element (shape);
      json_array_add_int_element (shape, strata_node_get_int (node, "height"));
      json_array_add_int_element (shape, strata_node_get_int (node, "width"));
      json_array_add_int_element (shape, strata_node_get_int (node, "channels"));
      *class_name = "InputLayer";
      obj = json_object_new ();
      json_object_set_array_member (obj, "batch_input_shape", shape);
      json_object_set_string_member (obj, "dtype", "float32");
      json_object_set_boolean_member (obj, "sparse", FALSE);
      json_object_set_boolean_member (obj, "ragged", FALSE);
      json_object_set_string_member (obj, "name", name);
      return obj;
    }
  if (g_str_equal (type, "Conv2D"))
    return conv_config (name, node, FALSE);
  if (g_str_equal (type, "DepthwiseConv2D"))
    return conv_config (name, node, TRUE);
  if (g_str_equal (type, "Dense"))
    return dense_config (name, node);
  if (g_str_equal (type, "BatchNormalization"))
    return batch_norm_config (name, node, in);
  if (g_str_equal (type, "MaxPooling2D") || g_str_equal (type, "AveragePooling2D"))
    return pool_config (name, node);

  obj = base_config (name, node);
  if (g_str_equal (type, "Dropout"))
    {
      json_object_set_double_member (obj, "rate", strata_node_get_float (node, "rate"));
      json_object_set_null_member (obj, "noise_shape");
      json_object_set_null_member (obj, "seed");
    }
  else if (g_str_equal (type, "Flatten"))
    json_object_set_string_member (obj, "data_format", "channels_last");
  else if (g_str_equal (type, "GlobalAveragePooling2D") ||
           g_str_equal (type, "GlobalMaxPooling2D"))
    {
      json_object_set_string_member (obj, "data_format", "channels_last");
      json_object_set_boolean_member (obj, "keepdims", FALSE);
    }
  else if (g_str_equal (type, "ZeroPadding2D"))
    {
      JsonArray *padding = json_array_new ();
      JsonArray *rows = json_array_new (), *cols = json_array_new ();

      json_array_add_int_element (rows, strata_node_get_int_at (node, "padding", 0));
      json_array_add_int_element (rows, strata_node_get_int_at (node, "padding", 1));
      json_array_add_int_element (cols, strata_node_get_int_at (node, "padding", 2));
      json_array_add_int_element (cols, strata_node_get_int_at (node, "padding", 3));
      json_array_add_array_element (padding, rows);
      json_array_add_array_element (padding, cols);
      json_object_set_array_member (obj, "padding", padding);
      json_object_set_string_member (obj, "data_format", "channels_last");
    }
  else if (g_str_equal (type, "Add"))
    ;
  else if (g_str_equal (type, "Concatenate"))
    json_object_set_int_member (obj, "axis", -1);
  else if (g_str_equal (type, "Activation"))
    {
      const char *activation = strata_node_get_string (node, "activation");

      if (g_str_equal (activation, "relu6"))
        {
          *class_name = "ReLU";
          json_object_set_double_member (obj, "max_value", 6.0);
          json_object_set_double_member (obj, "negative_slope", 0.0);
          json_object_set_double_member (obj, "threshold", 0.0);
        }
      else if (g_str_equal (activation, "leaky_relu"))
        {
          *class_name = "LeakyReLU";
          json_object_set_double_member (obj, "alpha", strata_node_get_float (node, "alpha"));
        }
      else
        json_object_set_string_member (obj, "activation", activation);
    }
  else
    {
      json_object_unref (obj);
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_UNSUPPORTED,
                   _("Layer “%s” is a %s, which the Keras export can't write yet"),
                   strata_node_get_id (node), type);
      return NULL;
    }
  return obj;
}

/* Weights -------------------------------------------------------------------------------- */

static void
add_weight (StrataKerasLayer *layer,
            StrataModel      *model,
            const char       *strata_name,
            const char       *torch_name)
{
  g_autofree char *full = g_strdup_printf ("%s/%s", strata_node_get_id (layer->node),
                                           strata_name);
  StrataTensor *tensor = strata_model_lookup (model, full);
  StrataKerasWeight weight = { 0 };

  if (tensor == NULL)
    return;
  weight.keras_name = strata_name;
  weight.torch_name = torch_name;
  weight.tensor = tensor;
  if (tensor->rank == 4 && g_str_equal (strata_name, "depthwise_kernel"))
    {
      /* (C·M, 1, kh, kw) → (kh, kw, C, M) */
      StrataGraph *graph = strata_model_get_graph (model);
      StrataShape in = { 0 };
      gint64 channels;

      strata_graph_get_output_shape (graph, strata_graph_get_input (graph,
                                                                    strata_node_get_id (layer->node),
                                                                    0),
                                     &in);
      channels = in.dims[2];
      weight.rank = 4;
      weight.dims[0] = tensor->dims[2];
      weight.dims[1] = tensor->dims[3];
      weight.dims[2] = channels;
      weight.dims[3] = tensor->dims[0] / MAX (channels, 1);
    }
  else if (tensor->rank == 4)
    {
      /* (O, I, kh, kw) → (kh, kw, I, O) */
      weight.rank = 4;
      weight.dims[0] = tensor->dims[2];
      weight.dims[1] = tensor->dims[3];
      weight.dims[2] = tensor->dims[1];
      weight.dims[3] = tensor->dims[0];
    }
  else if (tensor->rank == 2)
    {
      /* (out, in) → (in, out) */
      weight.rank = 2;
      weight.dims[0] = tensor->dims[1];
      weight.dims[1] = tensor->dims[0];
    }
  else
    {
      weight.rank = tensor->rank;
      memcpy (weight.dims, tensor->dims, sizeof weight.dims);
    }
  g_array_append_val (layer->weights, weight);
}

static void
add_weights (StrataKerasLayer *layer,
             StrataModel      *model)
{
  const char *type = strata_node_get_type_name (layer->node);

  if (g_str_equal (type, "Conv2D") || g_str_equal (type, "Dense"))
    {
      add_weight (layer, model, "kernel", "weight");
      add_weight (layer, model, "bias", "bias");
    }
  else if (g_str_equal (type, "DepthwiseConv2D"))
    {
      add_weight (layer, model, "depthwise_kernel", "weight");
      add_weight (layer, model, "bias", "bias");
    }
  else if (g_str_equal (type, "BatchNormalization"))
    {
      add_weight (layer, model, "gamma", "weight");
      add_weight (layer, model, "beta", "bias");
      add_weight (layer, model, "moving_mean", "running_mean");
      add_weight (layer, model, "moving_variance", "running_var");
    }
}

/**
 * strata_keras_weight_dup_keras_data:
 *
 * Returns: (transfer full): the weight's values in Keras' layout; free with g_free()
 */
float *
strata_keras_weight_dup_keras_data (const StrataKerasWeight *weight)
{
  const StrataTensor *t = weight->tensor;
  float *dst = g_new (float, MAX (t->n, 1));

  if (t->rank == 4 && g_str_equal (weight->keras_name, "depthwise_kernel"))
    {
      gint64 kh = weight->dims[0], kw = weight->dims[1], C = weight->dims[2], M = weight->dims[3];

      for (gint64 c = 0; c < C; c++)
        for (gint64 m = 0; m < M; m++)
          for (gint64 y = 0; y < kh; y++)
            for (gint64 x = 0; x < kw; x++)
              dst[((y * kw + x) * C + c) * M + m] = t->data[((c * M + m) * kh + y) * kw + x];
    }
  else if (t->rank == 4)
    {
      gint64 O = t->dims[0], I = t->dims[1], kh = t->dims[2], kw = t->dims[3];

      for (gint64 o = 0; o < O; o++)
        for (gint64 i = 0; i < I; i++)
          for (gint64 y = 0; y < kh; y++)
            for (gint64 x = 0; x < kw; x++)
              dst[((y * kw + x) * I + i) * O + o] = t->data[((o * I + i) * kh + y) * kw + x];
    }
  else if (t->rank == 2)
    {
      gint64 out = t->dims[0], in = t->dims[1];

      for (gint64 o = 0; o < out; o++)
        for (gint64 i = 0; i < in; i++)
          dst[i * out + o] = t->data[o * in + i];
    }
  else
    memcpy (dst, t->data, t->n * sizeof (float));
  return dst;
}

/* Order ---------------------------------------------------------------------------------- */

typedef struct
{
  GHashTable *index;       /* layer → first-visit index (GUINT) + 1 */
  GHashTable *finished;
  GPtrArray *order;        /* post-order: inputs first */
  GHashTable *by_name;     /* name → StrataKerasLayer* */
} Walk;

static void
walk (Walk             *w,
      StrataKerasLayer *layer)
{
  if (g_hash_table_contains (w->finished, layer))
    return;
  if (!g_hash_table_contains (w->index, layer))
    g_hash_table_insert (w->index, layer,
                         GUINT_TO_POINTER (g_hash_table_size (w->index) + 1));
  for (guint i = 0; i < layer->inbound->len; i++)
    walk (w, g_hash_table_lookup (w->by_name, g_ptr_array_index (layer->inbound, i)));
  g_hash_table_add (w->finished, layer);
  g_ptr_array_add (w->order, layer);
}

typedef struct
{
  StrataKerasLayer *layer;
  int depth;
  guint index;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a, *y = b;

  if (x->depth != y->depth)
    return x->depth > y->depth ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Keras' _build_map and _map_graph_network for a graph without shared layers. */
static GPtrArray *
keras_order (GPtrArray        *layers,
             StrataKerasLayer *output)
{
  Walk w = {
    g_hash_table_new (NULL, NULL),
    g_hash_table_new (NULL, NULL),
    g_ptr_array_new (),
    g_hash_table_new (g_str_hash, g_str_equal),
  };
  g_autoptr(GHashTable) depths = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) keras_layer_free);

  for (guint i = 0; i < layers->len; i++)
    {
      StrataKerasLayer *layer = g_ptr_array_index (layers, i);
      g_hash_table_insert (w.by_name, layer->name, layer);
    }
  walk (&w, output);

  /* depths: 0 at the output, one more than the deepest consumer */
  for (guint i = w.order->len; i-- > 0;)
    {
      StrataKerasLayer *layer = g_ptr_array_index (w.order, i);
      int depth = GPOINTER_TO_INT (g_hash_table_lookup (depths, layer));

      for (guint k = 0; k < layer->inbound->len; k++)
        {
          StrataKerasLayer *parent = g_hash_table_lookup (w.by_name,
                                                          g_ptr_array_index (layer->inbound, k));
          int previous = GPOINTER_TO_INT (g_hash_table_lookup (depths, parent));

          g_hash_table_insert (depths, parent, GINT_TO_POINTER (MAX (depth + 1, previous)));
        }
    }
  for (guint i = 0; i < w.order->len; i++)
    {
      StrataKerasLayer *layer = g_ptr_array_index (w.order, i);
      Ranked r = { layer, GPOINTER_TO_INT (g_hash_table_lookup (depths, layer)),
                   GPOINTER_TO_UINT (g_hash_table_lookup (w.index, layer)) };

      g_array_append_val (ranked, r);
    }
  g_array_sort (ranked, compare_ranked);

  /* move the reachable layers over; the others are dropped with @layers */
  for (guint i = 0; i < ranked->len; i++)
    {
      StrataKerasLayer *layer = g_array_index (ranked, Ranked, i).layer;
      guint at;

      g_ptr_array_find (layers, layer, &at);
      g_ptr_array_add (result, g_ptr_array_steal_index (layers, at));
    }
  g_hash_table_unref (w.index);
  g_hash_table_unref (w.finished);
  g_ptr_array_unref (w.order);
  g_hash_table_unref (w.by_name);
  return result;
}

/* Building ------------------------------------------------------------------------------- */

static StrataKerasLayer *
new_layer (char       *name,
           StrataNode *node)
{
  StrataKerasLayer *layer = g_new0 (StrataKerasLayer, 1);

  layer->name = name;
  layer->node = node;
  layer->inbound = g_ptr_array_new_with_free_func (g_free);
  layer->weights = g_array_new (FALSE, TRUE, sizeof (StrataKerasWeight));
  return layer;
}

/**
 * strata_keras_model_new:
 * @model: the model, with its weights
 * @name: (nullable): the Keras model's name; "model" when %NULL
 *
 * Returns: (transfer full) (nullable): the Keras view of @model, or %NULL with
 *   %STRATA_EXPORT_ERROR_UNSUPPORTED when it has a layer Keras can't express
 */
StrataKerasModel *
strata_keras_model_new (StrataModel  *model,
                        const char   *name,
                        GError      **error)
{
  g_autoptr(StrataKerasModel) self = g_new0 (StrataKerasModel, 1);
  StrataGraph *graph = strata_model_get_graph (model);
  g_autoptr(GPtrArray) order = strata_graph_dup_topo_order (graph, error);
  g_autoptr(GPtrArray) layers = g_ptr_array_new_with_free_func ((GDestroyNotify) keras_layer_free);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  StrataNode *output_node = strata_graph_find_output (graph);
  const char *last;
  StrataKerasLayer *output_layer;

  if (order == NULL)
    return NULL;
  self->name = g_strdup (name ? name : "model");
  self->graph = g_object_ref (graph);
  self->by_node = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      const char *id = strata_node_get_id (node);
      StrataKerasLayer *layer;
      StrataShape in = { 0 };
      const char *activation;

      if (!strata_node_get_op (node)->has_output)
        continue;   /* the Output */
      layer = new_layer (unique_name (taken, id), node);
      g_ptr_array_add (layers, layer);
      for (guint port = 0; port < strata_node_get_n_inputs (node); port++)
        {
          const char *src = strata_graph_get_input (graph, id, port);
          const char *src_name = src ? g_hash_table_lookup (self->by_node, src) : NULL;

          if (src_name == NULL)
            {
              g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_UNSUPPORTED,
                           _("Layer “%s” has an unconnected input"), id);
              return NULL;
            }
          g_ptr_array_add (layer->inbound, g_strdup (src_name));
          if (port == 0)
            strata_graph_get_output_shape (graph, src, &in);
        }
      layer->config = layer_config (layer->name, node, &in, &layer->class_name, error);
      if (layer->config == NULL)
        return NULL;
      add_weights (layer, model);
      g_hash_table_insert (self->by_node, g_strdup (id), g_strdup (layer->name));

      /* an activation Keras has no name for becomes a layer of its own */
      activation = strata_op_find_param (strata_node_get_op (node), "activation") &&
                   !g_str_equal (strata_node_get_type_name (node), "Activation")
                   ? strata_node_get_string (node, "activation") : NULL;
      if (activation && !keras_knows_activation (activation))
        {
          g_autofree char *wanted = g_strconcat (layer->name, "_", activation, NULL);
          StrataKerasLayer *act = new_layer (unique_name (taken, wanted), node);

          act->activation_of = g_strdup (layer->name);
          act->config = base_config (act->name, node);
          if (g_str_equal (activation, "relu6"))
            {
              act->class_name = "ReLU";
              json_object_set_double_member (act->config, "max_value", 6.0);
              json_object_set_double_member (act->config, "negative_slope", 0.0);
              json_object_set_double_member (act->config, "threshold", 0.0);
            }
          else if (g_str_equal (activation, "leaky_relu"))
            {
              /* a fused leaky_relu is tf.nn.leaky_relu's default slope, as the plan runs it */
              act->class_name = "LeakyReLU";
              json_object_set_double_member (act->config, "alpha", 0.2);
            }
          else
            {
              g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_UNSUPPORTED,
                           _("Layer “%s” uses the activation %s, which the Keras export "
                             "can't write yet"), id, activation);
              return NULL;
            }
          g_ptr_array_add (act->inbound, g_strdup (layer->name));
          g_ptr_array_add (layers, act);
          g_hash_table_insert (self->by_node, g_strdup (id), g_strdup (act->name));
        }
    }

  last = output_node ? strata_graph_get_input (graph, strata_node_get_id (output_node), 0)
                     : NULL;
  if (last == NULL || g_hash_table_lookup (self->by_node, last) == NULL)
    {
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_UNSUPPORTED,
                   _("The model has no Output layer to export"));
      return NULL;
    }
  self->output = g_strdup (g_hash_table_lookup (self->by_node, last));
  {
    StrataNode *node = strata_graph_get_node (graph, last);
    GVariant *activation = strata_node_get_param (node, "activation");

    self->softmax = activation != NULL &&
                    g_str_equal (g_variant_get_string (activation, NULL), "softmax");
  }
  output_layer = NULL;
  for (guint i = 0; i < layers->len; i++)
    if (g_str_equal (((StrataKerasLayer *) g_ptr_array_index (layers, i))->name, self->output))
      output_layer = g_ptr_array_index (layers, i);
  self->layers = keras_order (layers, output_layer);
  return g_steal_pointer (&self);
}

guint
strata_keras_model_get_n_layers (StrataKerasModel *self)
{
  return self->layers->len;
}

/**
 * strata_keras_model_get_layer:
 *
 * Returns: (transfer none): the @index-th layer in the order of the model's layers
 */
StrataKerasLayer *
strata_keras_model_get_layer (StrataKerasModel *self,
                              guint             index)
{
  g_return_val_if_fail (index < self->layers->len, NULL);
  return g_ptr_array_index (self->layers, index);
}

/**
 * strata_keras_model_get_graph:
 *
 * Returns: (transfer none): the graph of the model it describes
 */
StrataGraph *
strata_keras_model_get_graph (StrataKerasModel *self)
{
  return self->graph;
}

/**
 * strata_keras_model_get_output:
 *
 * Returns: the name of the layer whose output is the model's
 */
const char *
strata_keras_model_get_output (StrataKerasModel *self)
{
  return self->output;
}

/**
 * strata_keras_model_ends_in_softmax:
 *
 * Returns: whether the model's output is probabilities; otherwise it is class scores
 *   (logits) that want a softmax
 */
gboolean
strata_keras_model_ends_in_softmax (StrataKerasModel *self)
{
  return self->softmax;
}

/**
 * strata_keras_model_lookup_name:
 *
 * Returns: (nullable): the name of the layer that gives the output of Strata layer @node_id
 */
const char *
strata_keras_model_lookup_name (StrataKerasModel *self,
                                const char       *node_id)
{
  return g_hash_table_lookup (self->by_node, node_id);
}

static JsonArray *
node_ref (const char *name)
{
  JsonArray *ref = json_array_new ();

  json_array_add_string_element (ref, name);
  json_array_add_int_element (ref, 0);
  json_array_add_int_element (ref, 0);
  return ref;
}

/**
 * strata_keras_model_dup_config:
 *
 * Returns: (transfer full): {"class_name": "Functional", "config": {…}} as tf.keras 2.13's
 *   model.save() writes it to model_config
 */
JsonNode *
strata_keras_model_dup_config (StrataKerasModel *self)
{
  JsonObject *root = json_object_new ();
  JsonObject *config = json_object_new ();
  JsonArray *layers = json_array_new ();
  JsonArray *inputs = json_array_new ();
  JsonArray *outputs = json_array_new ();
  JsonNode *node;

  json_object_set_string_member (config, "name", self->name);
  json_object_set_boolean_member (config, "trainable", TRUE);
  for (guint i = 0; i < self->layers->len; i++)
    {
      StrataKerasLayer *layer = g_ptr_array_index (self->layers, i);
      JsonObject *obj = json_object_new ();
      JsonArray *nodes = json_array_new ();

      json_object_set_string_member (obj, "class_name", layer->class_name);
      json_object_set_object_member (obj, "config", json_object_ref (layer->config));
      json_object_set_string_member (obj, "name", layer->name);
      if (layer->inbound->len > 0)
        {
          JsonArray *call = json_array_new ();

          for (guint k = 0; k < layer->inbound->len; k++)
            {
              JsonArray *ref = node_ref (g_ptr_array_index (layer->inbound, k));

              json_array_add_object_element (ref, json_object_new ());
              json_array_add_array_element (call, ref);
            }
          json_array_add_array_element (nodes, call);
        }
      else
        json_array_add_array_element (inputs, node_ref (layer->name));
      json_object_set_array_member (obj, "inbound_nodes", nodes);
      json_array_add_object_element (layers, obj);
    }
  json_array_add_array_element (outputs, node_ref (self->output));
  json_object_set_array_member (config, "layers", layers);
  json_object_set_array_member (config, "input_layers", inputs);
  json_object_set_array_member (config, "output_layers", outputs);

  json_object_set_string_member (root, "class_name", "Functional");
  json_object_set_object_member (root, "config", config);
  node = json_node_init_object (json_node_alloc (), root);
  json_object_unref (root);
  return node;
}
