/* strata-model.c: a validated graph together with its weights and state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "strata-model.h"
#include "strata-random.h"

struct _StrataModel
{
  GObject parent_instance;

  StrataGraph *graph;        /* our own validated copy, pretrained backbones expanded */
  StrataGraph *source;       /* the copy as given, backbones as single nodes */
  GPtrArray *tensors;        /* StrataTensor*, layers in topological order, Keras weight order */
  GHashTable *by_name;       /* name → StrataTensor* (borrowed) */
  guint64 version;
  StrataShape input_shape;
  guint n_classes;
};

G_DEFINE_FINAL_TYPE (StrataModel, strata_model, G_TYPE_OBJECT)

G_DEFINE_QUARK (strata-model-error-quark, strata_model_error)

static void
strata_model_finalize (GObject *object)
{
  StrataModel *self = (StrataModel *) object;

  g_clear_pointer (&self->by_name, g_hash_table_unref);
  g_clear_pointer (&self->tensors, g_ptr_array_unref);
  g_clear_object (&self->graph);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (strata_model_parent_class)->finalize (object);
}

static void
strata_model_class_init (StrataModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_model_finalize;
}

static void
strata_model_init (StrataModel *self)
{
  self->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_tensor_free);
  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->version = 1;
}

static StrataTensor *
add_tensor (StrataModel      *self,
            StrataNode       *node,
            const char       *weight,
            StrataTensorRole  role,
            int               rank,
            const gint64     *dims)
{
  gboolean trainable = role == STRATA_TENSOR_WEIGHT && strata_node_get_trainable (node);
  g_autofree char *name = g_strdup_printf ("%s/%s", strata_node_get_id (node), weight);
  StrataTensor *tensor = strata_tensor_new (name, strata_node_get_id (node), rank, dims,
                                            trainable);

  tensor->role = role;
  tensor->trainable = trainable;
  g_ptr_array_add (self->tensors, tensor);
  g_hash_table_insert (self->by_name, tensor->name, tensor);
  return tensor;
}

/* The arrays each layer type owns, with PyTorch's plain layouts. */
static void
add_layer_tensors (StrataModel *self,
                   StrataNode  *node)
{
  const char *type = strata_node_get_type_name (node);
  const char *src_id = strata_graph_get_input (self->graph, strata_node_get_id (node), 0);
  StrataShape in = { 0 };

  if (src_id != NULL)
    strata_graph_get_output_shape (self->graph, src_id, &in);

  if (g_str_equal (type, "Conv2D"))
    {
      gint64 filters = strata_node_get_int (node, "filters");
      gint64 dims[4] = { filters, in.dims[2], strata_node_get_int_at (node, "kernel_size", 0),
                         strata_node_get_int_at (node, "kernel_size", 1) };
      add_tensor (self, node, "kernel", STRATA_TENSOR_WEIGHT, 4, dims);
      if (strata_node_get_bool (node, "use_bias"))
        add_tensor (self, node, "bias", STRATA_TENSOR_WEIGHT, 1, &filters);
    }
  else if (g_str_equal (type, "DepthwiseConv2D"))
    {
      gint64 out = (gint64) in.dims[2] * strata_node_get_int (node, "depth_multiplier");
      gint64 dims[4] = { out, 1, strata_node_get_int_at (node, "kernel_size", 0),
                         strata_node_get_int_at (node, "kernel_size", 1) };
      add_tensor (self, node, "depthwise_kernel", STRATA_TENSOR_WEIGHT, 4, dims);
      if (strata_node_get_bool (node, "use_bias"))
        add_tensor (self, node, "bias", STRATA_TENSOR_WEIGHT, 1, &out);
    }
  else if (g_str_equal (type, "Dense"))
    {
      gint64 units = strata_node_get_int (node, "units");
      gint64 dims[2] = { units, in.dims[0] };
      add_tensor (self, node, "kernel", STRATA_TENSOR_WEIGHT, 2, dims);
      if (strata_node_get_bool (node, "use_bias"))
        add_tensor (self, node, "bias", STRATA_TENSOR_WEIGHT, 1, &units);
    }
  else if (g_str_equal (type, "BatchNormalization"))
    {
      gint64 channels = in.dims[in.rank - 1];
      if (strata_node_get_bool (node, "scale"))
        add_tensor (self, node, "gamma", STRATA_TENSOR_WEIGHT, 1, &channels);
      if (strata_node_get_bool (node, "center"))
        add_tensor (self, node, "beta", STRATA_TENSOR_WEIGHT, 1, &channels);
      add_tensor (self, node, "moving_mean", STRATA_TENSOR_STATE, 1, &channels);
      add_tensor (self, node, "moving_variance", STRATA_TENSOR_STATE, 1, &channels);
    }
}

/**
 * strata_model_new:
 * @graph: the model graph; it is copied, later edits don't affect the model
 *
 * Pretrained backbones (ResNet50, …) are expanded into their layers (strata_graph_expand()),
 * so the model's tensors are named "<backbone>/<Keras layer>/<weight>". Their pretrained
 * weights are not read here: strata_zoo_load_weights() does that.
 *
 * Returns: (transfer full): a model with every tensor allocated and initialised with seed 0,
 *   or %NULL when the graph is not valid
 */
StrataModel *
strata_model_new (StrataGraph  *graph,
                  GError      **error)
{
  g_autoptr(StrataModel) self = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GError) local_error = NULL;
  StrataNode *input, *output;
  const char *last;
  StrataShape scores;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);

  if (!strata_graph_validate (graph, &local_error))
    {
      g_set_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_INVALID,
                   "%s", local_error->message);
      return NULL;
    }

  self = g_object_new (STRATA_TYPE_MODEL, NULL);
  self->source = strata_graph_copy (graph);
  self->graph = strata_graph_expand (graph, &local_error);
  if (self->graph == NULL)
    {
      g_set_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_INVALID,
                   "%s", local_error->message);
      return NULL;
    }
  order = strata_graph_dup_topo_order (self->graph, error);
  if (order == NULL)
    return NULL;

  input = strata_graph_find_input (self->graph);
  output = strata_graph_find_output (self->graph);
  if (input == NULL || output == NULL)
    {
      g_set_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_INVALID,
                   _("The model needs an Input and an Output layer"));
      return NULL;
    }
  strata_graph_get_output_shape (self->graph, strata_node_get_id (input), &self->input_shape);
  last = strata_graph_get_input (self->graph, strata_node_get_id (output), 0);
  if (last == NULL || !strata_graph_get_output_shape (self->graph, last, &scores) ||
      scores.rank != 1)
    {
      g_set_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_INVALID,
                   _("The Output layer needs flat class scores"));
      return NULL;
    }
  self->n_classes = scores.dims[0];

  for (guint i = 0; i < order->len; i++)
    add_layer_tensors (self, g_ptr_array_index (order, i));

  strata_model_init_weights (self, 0);
  return g_steal_pointer (&self);
}

/**
 * strata_model_get_source_graph:
 *
 * Returns: (transfer none): the model's copy of the graph as it was given, pretrained
 *   backbones as single nodes; don't edit it
 */
StrataGraph *
strata_model_get_source_graph (StrataModel *self)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), NULL);
  return self->source;
}

/**
 * strata_model_get_graph:
 *
 * Returns: (transfer none): the model's own copy of the graph, with every pretrained backbone
 *   expanded into its layers; don't edit it
 */
StrataGraph *
strata_model_get_graph (StrataModel *self)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), NULL);
  return self->graph;
}

guint
strata_model_get_n_tensors (StrataModel *self)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), 0);
  return self->tensors->len;
}

/**
 * strata_model_get_tensor:
 *
 * Returns: (transfer none): the tensor at @index, layers in topological order and each
 *   layer's arrays in Keras' weight order (kernel, bias; gamma, beta, moving_mean,
 *   moving_variance)
 */
StrataTensor *
strata_model_get_tensor (StrataModel *self,
                         guint        index)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), NULL);
  g_return_val_if_fail (index < self->tensors->len, NULL);
  return g_ptr_array_index (self->tensors, index);
}

/**
 * strata_model_lookup:
 * @name: e.g. "conv2d/kernel"
 *
 * Returns: (transfer none) (nullable): the tensor, or %NULL
 */
StrataTensor *
strata_model_lookup (StrataModel *self,
                     const char  *name)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), NULL);
  return g_hash_table_lookup (self->by_name, name);
}

typedef enum
{
  DIST_ZEROS,
  DIST_UNIFORM,
  DIST_TRUNCATED_NORMAL,
} Distribution;

/* Keras' VarianceScaling: scale over fan_in, fan_out or their mean. */
static void
describe_initializer (const char   *name,
                      double        fan_in,
                      double        fan_out,
                      Distribution *dist,
                      double       *width)
{
  double scale = 1.0, fan = fan_in;
  gboolean uniform = TRUE;

  if (g_str_equal (name, "zeros"))
    {
      *dist = DIST_ZEROS;
      *width = 0;
      return;
    }
  if (g_str_has_prefix (name, "glorot"))
    fan = (fan_in + fan_out) / 2.0;
  if (g_str_has_prefix (name, "glorot"))
    scale = 1.0;
  else if (g_str_has_prefix (name, "he"))
    scale = 2.0;
  uniform = g_str_has_suffix (name, "uniform");
  scale /= MAX (1.0, fan);
  if (uniform)
    {
      *dist = DIST_UNIFORM;
      *width = sqrt (3.0 * scale);
    }
  else
    {
      /* stddev of the untruncated normal, so that the truncated one has variance scale */
      *dist = DIST_TRUNCATED_NORMAL;
      *width = sqrt (scale) / 0.87962566103423978;
    }
}

static double
truncated_normal (guint64 key,
                  guint64 element,
                  guint64 n)
{
  /* Redraw beyond two standard deviations, as tf.random.truncated_normal does; the k-th
   * attempt uses counters k·2n + 2·element and the next. */
  for (guint64 attempt = 0; attempt < 64; attempt++)
    {
      guint64 c = attempt * 2 * n + 2 * element;
      double u1 = strata_random_at (key, c);
      double u2 = strata_random_at (key, c + 1);
      double z = sqrt (-2.0 * log (1.0 - u1)) * cos (2.0 * G_PI * u2);
      if (fabs (z) <= 2.0)
        return z;
    }
  return 0.0;
}

static void
init_kernel (StrataTensor *tensor,
             StrataNode   *node,
             guint64       key)
{
  const char *type = strata_node_get_type_name (node);
  double fan_in, fan_out, width;
  Distribution dist;

  if (tensor->rank == 2)
    {
      fan_in = tensor->dims[1];
      fan_out = tensor->dims[0];
    }
  else
    {
      double rf = (double) tensor->dims[2] * tensor->dims[3];
      if (g_str_equal (type, "DepthwiseConv2D"))
        {
          /* Keras' depthwise kernel is (kh, kw, in, multiplier) */
          double mult = strata_node_get_int (node, "depth_multiplier");
          fan_in = rf * (tensor->dims[0] / mult);
          fan_out = rf * mult;
        }
      else
        {
          fan_in = rf * tensor->dims[1];
          fan_out = rf * tensor->dims[0];
        }
    }
  describe_initializer (strata_node_get_string (node, "kernel_initializer"), fan_in, fan_out,
                        &dist, &width);

#pragma omp parallel for if (tensor->n > 65536)
  for (gint64 i = 0; i < tensor->n; i++)
    {
      double v = 0.0;
      if (dist == DIST_UNIFORM)
        v = (2.0 * strata_random_at (key, i) - 1.0) * width;
      else if (dist == DIST_TRUNCATED_NORMAL)
        v = truncated_normal (key, i, tensor->n) * width;
      tensor->data[i] = (float) v;
    }
}

/**
 * strata_model_init_weights:
 * @seed: the same seed gives the same weights
 *
 * Draws every kernel with its layer's kernel_initializer (Keras' fan rules), sets biases and
 * beta to 0, gamma to 1, moving means to 0 and moving variances to 1; bumps the version.
 */
void
strata_model_init_weights (StrataModel *self,
                           guint64      seed)
{
  g_return_if_fail (STRATA_IS_MODEL (self));

  for (guint t = 0; t < self->tensors->len; t++)
    {
      StrataTensor *tensor = g_ptr_array_index (self->tensors, t);
      const char *weight = strrchr (tensor->name, '/') + 1;
      StrataNode *node = strata_graph_get_node (self->graph, tensor->layer);

      if (g_str_equal (weight, "kernel") || g_str_equal (weight, "depthwise_kernel"))
        init_kernel (tensor, node, strata_random_key (seed, t));
      else
        {
          float value = g_str_equal (weight, "gamma") ||
                        g_str_equal (weight, "moving_variance") ? 1.0f : 0.0f;
          for (gint64 i = 0; i < tensor->n; i++)
            tensor->data[i] = value;
        }
      if (tensor->diff)
        memset (tensor->diff, 0, tensor->n * sizeof (float));
    }
  strata_model_weights_changed (self);
}

/**
 * strata_model_copy_weights_from:
 * @other: a model with the same tensor names and shapes (its graph may differ otherwise)
 *
 * Copies every weight and state array. Leaves @self untouched on a mismatch.
 */
gboolean
strata_model_copy_weights_from (StrataModel  *self,
                                StrataModel  *other,
                                GError      **error)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), FALSE);
  g_return_val_if_fail (STRATA_IS_MODEL (other), FALSE);

  for (guint t = 0; t < self->tensors->len; t++)
    {
      StrataTensor *mine = g_ptr_array_index (self->tensors, t);
      StrataTensor *theirs = strata_model_lookup (other, mine->name);
      if (theirs == NULL || !strata_tensor_same_shape (mine, theirs))
        {
          g_set_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_MISMATCH,
                       theirs == NULL ? _("The weights have no “%s”")
                                      : _("The weights have “%s” in another shape"),
                       mine->name);
          return FALSE;
        }
    }
  for (guint t = 0; t < self->tensors->len; t++)
    {
      StrataTensor *mine = g_ptr_array_index (self->tensors, t);
      StrataTensor *theirs = strata_model_lookup (other, mine->name);
      memcpy (mine->data, theirs->data, mine->n * sizeof (float));
    }
  strata_model_weights_changed (self);
  return TRUE;
}

/**
 * strata_model_get_version:
 *
 * Returns: a number that changes whenever the weights were changed from outside a plan;
 *   plans compare it to re-sync their own copies
 */
guint64
strata_model_get_version (StrataModel *self)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), 0);
  return self->version;
}

/**
 * strata_model_weights_changed:
 *
 * Tells plans that tensor data changed (an optimizer step, a load); call after every update.
 */
void
strata_model_weights_changed (StrataModel *self)
{
  g_return_if_fail (STRATA_IS_MODEL (self));
  self->version++;
}

StrataShape
strata_model_get_input_shape (StrataModel *self)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), (StrataShape) { 0 });
  return self->input_shape;
}

/**
 * strata_model_get_n_classes:
 *
 * Returns: the number of class scores the Output takes (its classes list has that length
 *   when it is set)
 */
guint
strata_model_get_n_classes (StrataModel *self)
{
  g_return_val_if_fail (STRATA_IS_MODEL (self), 0);
  return self->n_classes;
}

gint64
strata_model_get_n_trainable (StrataModel *self)
{
  gint64 n = 0;

  g_return_val_if_fail (STRATA_IS_MODEL (self), 0);
  for (guint t = 0; t < self->tensors->len; t++)
    {
      StrataTensor *tensor = g_ptr_array_index (self->tensors, t);
      if (tensor->trainable)
        n += tensor->n;
    }
  return n;
}
