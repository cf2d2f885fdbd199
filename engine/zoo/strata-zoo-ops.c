/* strata-zoo-ops.c: the pretrained backbones as layer types of the graph
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-op-table.h"
#include "strata-zoo-net.h"

static const char *const weights_choices[] = {
  "imagenet-keras", "imagenet-torch", "file", "none", NULL
};
static const char *const pooling_choices[] = { "none", "avg", "max", NULL };
static const char *const variant_choices[] = {
  "auto", "keras", "keras-legacy", "torchvision", NULL
};

#define WEIGHTS_PARAMS                                                                        \
  { "weights", N_("Weights"),                                                                 \
    N_("ImageNet weights from Keras (.h5) or torchvision (safetensors), a file, or none "     \
       "(random)"),                                                                           \
    STRATA_PARAM_ENUM, 0, 0, 0, weights_choices, "'imagenet-keras'", FALSE },                 \
  { "weights_file", N_("Weights file"),                                                       \
    N_("A Keras .h5 or a safetensors file, for weights “file”"),                              \
    STRATA_PARAM_STRING, 0, 0, 0, NULL, "''", FALSE },                                        \
  { "pooling", N_("Pooling"),                                                                 \
    N_("Global pooling of the last feature map: “avg” and “max” give a flat vector"),         \
    STRATA_PARAM_ENUM, 0, 0, 0, pooling_choices, "'avg'", FALSE },                            \
  { "trainable_percent", N_("Trainable share"),                                               \
    N_("The share of the backbone's layers that training updates, from the top; the others "  \
       "keep their weights"),                                                                 \
    STRATA_PARAM_INT, 0, 0, 100, NULL, "0", FALSE },                                          \
  { "include_top", N_("ImageNet classifier"),                                                 \
    N_("Keep the 1000-class ImageNet head (needs the input size the model was trained at)"), \
    STRATA_PARAM_BOOL, 0, 0, 0, NULL, "false", TRUE },                                        \
  { "width_divisor", N_("Width divisor"),                                                     \
    N_("Divides every layer's filters, for small experiments; pretrained weights need 1"),    \
    STRATA_PARAM_INT, 0, 1, 64, NULL, "1", TRUE }

static const StrataParamSpec backbone_params[] = {
  WEIGHTS_PARAMS,
};

static const StrataParamSpec resnet_params[] = {
  WEIGHTS_PARAMS,
  { "variant", N_("Variant"),
    N_("Keras' ResNet50 (stride on the 1×1 conv, biases), the Keras 2.0–2.3 one, or "
       "torchvision's (stride on the 3×3 conv); “auto” follows the weights"),
    STRATA_PARAM_ENUM, 0, 0, 0, variant_choices, "'auto'", TRUE },
};

typedef int (*BuildFunc) (StrataZooNet *net, const StrataZooTop *top);

static const struct
{
  const char *type;
  BuildFunc build;
  int min_size;
} archs[STRATA_ZOO_N_ARCHS] = {
  [STRATA_ZOO_VGG16] = { "VGG16", _strata_zoo_build_vgg, 32 },
  [STRATA_ZOO_VGG19] = { "VGG19", _strata_zoo_build_vgg, 32 },
  [STRATA_ZOO_RESNET50] = { "ResNet50", _strata_zoo_build_resnet50, 32 },
  [STRATA_ZOO_INCEPTION_V3] = { "InceptionV3", _strata_zoo_build_inception_v3, 75 },
  [STRATA_ZOO_MOBILENET_V2] = { "MobileNetV2", _strata_zoo_build_mobilenet_v2, 32 },
  [STRATA_ZOO_DENSENET121] = { "DenseNet121", _strata_zoo_build_densenet121, 32 },
};

G_DEFINE_QUARK (strata-zoo-error-quark, strata_zoo_error)

const char *
strata_zoo_arch_get_type_name (StrataZooArch arch)
{
  g_return_val_if_fail (arch < STRATA_ZOO_N_ARCHS, NULL);
  return archs[arch].type;
}

gboolean
strata_zoo_arch_from_type_name (const char    *type,
                                StrataZooArch *arch)
{
  for (int i = 0; i < STRATA_ZOO_N_ARCHS; i++)
    if (g_strcmp0 (archs[i].type, type) == 0)
      {
        if (arch)
          *arch = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
strata_zoo_node_is_pretrained (const StrataNode *node)
{
  return strata_zoo_arch_from_type_name (strata_node_get_type_name (node), NULL);
}

StrataZooArch
strata_zoo_node_get_arch (const StrataNode *node)
{
  StrataZooArch arch = STRATA_ZOO_VGG16;

  strata_zoo_arch_from_type_name (strata_node_get_type_name (node), &arch);
  return arch;
}

/**
 * _strata_zoo_net_for_node:
 * @node: a pretrained node
 * @input: the shape it gets
 *
 * Returns: (transfer full): the net the node stands for, its trainable flags set, or %NULL
 *   with @error set when the input does not suit it
 */
StrataZooNet *
_strata_zoo_net_for_node (const StrataNode  *node,
                          const StrataShape *input,
                          GError           **error)
{
  StrataZooArch arch = strata_zoo_node_get_arch (node);
  const char *weights = strata_node_get_string (node, "weights");
  g_autoptr(StrataZooNet) net = NULL;
  StrataZooTop top = {
    .include_top = strata_node_get_bool (node, "include_top"),
    .pooling = strata_node_get_string (node, "pooling"),
  };
  int percent = strata_node_get_trainable (node) ? strata_node_get_int (node,
                                                                        "trainable_percent")
                                                 : 0;
  int output;

  if (input->rank != 3)
    {
      g_autofree char *text = strata_shape_to_string (input);
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("Needs images (height, width, channels) but gets %s"), text);
      return NULL;
    }
  if (input->dims[0] < archs[arch].min_size || input->dims[1] < archs[arch].min_size)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("%s needs images of at least %d×%d pixels; resize them on the Data page"),
                   archs[arch].type, archs[arch].min_size, archs[arch].min_size);
      return NULL;
    }
  if (g_str_has_prefix (weights, "imagenet") && input->dims[2] != 3)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("ImageNet weights need colour images (3 channels), not %d"),
                   input->dims[2]);
      return NULL;
    }
  if (g_str_has_prefix (weights, "imagenet") && strata_node_get_int (node, "width_divisor") > 1)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("ImageNet weights need the full width: set the width divisor to 1"));
      return NULL;
    }

  net = _strata_zoo_net_new (arch, strata_zoo_node_get_variant (node),
                             strata_node_get_int (node, "width_divisor"), input);
  output = archs[arch].build (net, &top);
  if (!_strata_zoo_net_finish (net, output, percent, error))
    return NULL;
  if (top.include_top && g_str_has_prefix (weights, "imagenet") &&
      (arch == STRATA_ZOO_VGG16 || arch == STRATA_ZOO_VGG19) &&
      (input->dims[0] != 224 || input->dims[1] != 224))
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("%s with its ImageNet classifier needs 224×224 images"), archs[arch].type);
      return NULL;
    }
  return g_steal_pointer (&net);
}

static gboolean
backbone_infer (const StrataNode  *node,
                const StrataShape *inputs,
                guint              n_inputs,
                StrataShape       *output,
                GError           **error)
{
  g_autoptr(StrataZooNet) net = _strata_zoo_net_for_node (node, &inputs[0], error);

  if (net == NULL)
    return FALSE;
  *output = *_strata_zoo_shape (net, net->output);
  return TRUE;
}

static void
backbone_count_params (const StrataNode  *node,
                       const StrataShape *inputs,
                       guint              n_inputs,
                       gint64            *n_weights,
                       gint64            *n_state)
{
  g_autoptr(StrataZooNet) net = _strata_zoo_net_for_node (node, &inputs[0], NULL);

  *n_weights = *n_state = 0;
  for (guint i = 0; net && i < net->layers->len; i++)
    {
      *n_weights += _strata_zoo_layer (net, i)->n_weights;
      *n_state += _strata_zoo_layer (net, i)->n_state;
    }
}

static void
backbone_count_frozen (const StrataNode  *node,
                       const StrataShape *inputs,
                       guint              n_inputs,
                       gint64            *n_frozen)
{
  g_autoptr(StrataZooNet) net = _strata_zoo_net_for_node (node, &inputs[0], NULL);

  *n_frozen = 0;
  for (guint i = 0; net && i < net->layers->len; i++)
    if (!_strata_zoo_layer (net, i)->trainable)
      *n_frozen += _strata_zoo_layer (net, i)->n_weights;
}

static GVariant *
ints (int n,
      const int *values)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, values, n, sizeof (gint32));
}

static gboolean
set (StrataGraph *graph,
     const char  *id,
     const char  *name,
     GVariant    *value,
     GError     **error)
{
  return strata_graph_set_param (graph, id, name, value, error);
}

/* One zoo layer as a graph node with Keras' settings. */
static gboolean
write_layer (StrataGraph    *graph,
             const char     *id,
             StrataZooLayer *l,
             GError        **error)
{
  static const char *const types[] = {
    [ZOO_CONV] = "Conv2D", [ZOO_DEPTHWISE] = "DepthwiseConv2D",
    [ZOO_BN] = "BatchNormalization", [ZOO_ACT] = "Activation", [ZOO_PAD] = "ZeroPadding2D",
    [ZOO_MAX_POOL] = "MaxPooling2D", [ZOO_AVG_POOL] = "AveragePooling2D",
    [ZOO_GLOBAL_AVG] = "GlobalAveragePooling2D", [ZOO_GLOBAL_MAX] = "GlobalMaxPooling2D",
    [ZOO_FLATTEN] = "Flatten", [ZOO_DENSE] = "Dense", [ZOO_ADD] = "Add",
    [ZOO_CONCAT] = "Concatenate",
  };
  const int kernel[2] = { l->kh, l->kw }, strides[2] = { l->sh, l->sw };
  const char *padding = l->same ? "same" : "valid";

  if (strata_graph_add_node (graph, types[l->kind], id, error) == NULL)
    return FALSE;
  strata_graph_set_trainable (graph, id, l->trainable);
  switch (l->kind)
    {
    case ZOO_CONV:
      return set (graph, id, "filters", g_variant_new_int32 (l->filters), error) &&
             set (graph, id, "kernel_size", ints (2, kernel), error) &&
             set (graph, id, "strides", ints (2, strides), error) &&
             set (graph, id, "padding", g_variant_new_string (padding), error) &&
             set (graph, id, "activation", g_variant_new_string (l->activation), error) &&
             set (graph, id, "use_bias", g_variant_new_boolean (l->use_bias), error) &&
             set (graph, id, "kernel_initializer", g_variant_new_string (l->initializer), error);
    case ZOO_DEPTHWISE:
      return set (graph, id, "kernel_size", ints (2, kernel), error) &&
             set (graph, id, "strides", ints (2, strides), error) &&
             set (graph, id, "padding", g_variant_new_string (padding), error) &&
             set (graph, id, "activation", g_variant_new_string ("linear"), error) &&
             set (graph, id, "use_bias", g_variant_new_boolean (FALSE), error);
    case ZOO_BN:
      return set (graph, id, "momentum", g_variant_new_double (l->momentum), error) &&
             set (graph, id, "epsilon", g_variant_new_double (l->epsilon), error) &&
             set (graph, id, "center", g_variant_new_boolean (l->center), error) &&
             set (graph, id, "scale", g_variant_new_boolean (l->scale), error);
    case ZOO_ACT:
      return set (graph, id, "activation", g_variant_new_string (l->activation), error);
    case ZOO_PAD:
      return set (graph, id, "padding", ints (4, l->pad), error);
    case ZOO_MAX_POOL:
    case ZOO_AVG_POOL:
      return set (graph, id, "pool_size", ints (2, kernel), error) &&
             set (graph, id, "strides", ints (2, strides), error) &&
             set (graph, id, "padding", g_variant_new_string (padding), error);
    case ZOO_DENSE:
      return set (graph, id, "units", g_variant_new_int32 (l->filters), error) &&
             set (graph, id, "activation", g_variant_new_string (l->activation), error) &&
             set (graph, id, "use_bias", g_variant_new_boolean (TRUE), error) &&
             set (graph, id, "kernel_initializer", g_variant_new_string (l->initializer), error);
    case ZOO_ADD:
    case ZOO_CONCAT:
      return strata_graph_set_n_inputs (graph, id, l->n_inputs, error);
    case ZOO_GLOBAL_AVG:
    case ZOO_GLOBAL_MAX:
    case ZOO_FLATTEN:
    default:
      return TRUE;
    }
}

static char *
backbone_expand (const StrataNode  *node,
                 const StrataShape *input,
                 StrataGraph       *graph,
                 const char        *input_id,
                 GError           **error)
{
  g_autoptr(StrataZooNet) net = _strata_zoo_net_for_node (node, input, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  double x, y;

  if (net == NULL)
    return NULL;
  strata_node_get_position (node, &x, &y);
  for (guint i = 0; i < net->layers->len; i++)
    {
      StrataZooLayer *l = _strata_zoo_layer (net, i);
      char *id = g_strdup_printf ("%s/%s", strata_node_get_id (node), l->name);

      g_ptr_array_add (ids, id);
      if (!write_layer (graph, id, l, error))
        return NULL;
      strata_graph_set_position (graph, id, x, y);
      for (guint k = 0; k < l->n_inputs; k++)
        {
          const char *src = l->inputs[k] == ZOO_INPUT ? input_id
                                                      : g_ptr_array_index (ids, l->inputs[k]);
          if (!strata_graph_connect (graph, src, id, k, error))
            return NULL;
        }
    }
  return g_strdup (g_ptr_array_index (ids, net->output));
}

#define BACKBONE(symbol, type_name, text, specs)                  \
  const StrataOpInfo symbol = {                                    \
    .type = type_name,                                             \
    .category = "pretrained",                                      \
    .label = type_name,                                            \
    .description = text,                                           \
    .params = specs,                                               \
    .n_params = G_N_ELEMENTS (specs),                              \
    .min_inputs = 1,                                               \
    .max_inputs = 1,                                               \
    .has_output = TRUE,                                            \
    .infer = backbone_infer,                                       \
    .count_params = backbone_count_params,                         \
    .count_frozen = backbone_count_frozen,                         \
    .expand = backbone_expand,                                     \
  }

BACKBONE (strata_op_vgg16, "VGG16",
          N_("VGG16: 13 convolutions in 5 blocks, simple and large"), backbone_params);
BACKBONE (strata_op_vgg19, "VGG19",
          N_("VGG19: 16 convolutions in 5 blocks"), backbone_params);
BACKBONE (strata_op_resnet50, "ResNet50",
          N_("ResNet50: 16 residual bottleneck blocks"), resnet_params);
BACKBONE (strata_op_inception_v3, "InceptionV3",
          N_("InceptionV3: parallel branches of factorised convolutions; 299×299 images"),
          backbone_params);
BACKBONE (strata_op_mobilenet_v2, "MobileNetV2",
          N_("MobileNetV2: light inverted residual blocks for small computers"),
          backbone_params);
BACKBONE (strata_op_densenet121, "DenseNet121",
          N_("DenseNet121: each layer sees all the layers before it in its block"),
          backbone_params);
