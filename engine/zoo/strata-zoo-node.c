/* strata-zoo-node.c: what a pretrained node's weights imply: the variant, the preprocessing
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-dataset-settings.h"
#include "strata-zoo-weights.h"

const char *
strata_zoo_variant_to_string (StrataZooVariant variant)
{
  switch (variant)
    {
    case STRATA_ZOO_KERAS_LEGACY:
      return "keras-legacy";
    case STRATA_ZOO_TORCH:
      return "torchvision";
    case STRATA_ZOO_KERAS:
    default:
      return "keras";
    }
}

/**
 * strata_zoo_node_get_variant:
 *
 * The definition of the architecture the node builds: ResNet50's "variant" parameter when it
 * is not "auto", else what the weights say: torchvision weights give the torchvision
 * definition, a file the one it was made for (a Keras file of ResNet50 is old or new by its
 * layer names), and Keras' otherwise.
 */
StrataZooVariant
strata_zoo_node_get_variant (const StrataNode *node)
{
  const char *weights = strata_node_get_string (node, "weights");
  StrataZooArch arch = strata_zoo_node_get_arch (node);
  GVariant *param = strata_node_get_param (node, "variant");
  const char *variant = param ? g_variant_get_string (param, NULL) : "auto";
  StrataZooProbe probe;

  if (g_str_equal (variant, "keras"))
    return STRATA_ZOO_KERAS;
  if (g_str_equal (variant, "keras-legacy"))
    return STRATA_ZOO_KERAS_LEGACY;
  if (g_str_equal (variant, "torchvision"))
    return STRATA_ZOO_TORCH;

  /* torchvision's InceptionV3 is not the Keras one; Strata builds Keras' only */
  if (arch == STRATA_ZOO_INCEPTION_V3)
    return STRATA_ZOO_KERAS;
  if (g_str_equal (weights, "imagenet-torch"))
    return STRATA_ZOO_TORCH;
  if (g_str_equal (weights, "file") &&
      _strata_zoo_probe_file (strata_node_get_string (node, "weights_file"), arch, &probe) &&
      probe.has_variant)
    return arch == STRATA_ZOO_RESNET50 || probe.variant != STRATA_ZOO_KERAS_LEGACY
           ? probe.variant : STRATA_ZOO_KERAS;
  return STRATA_ZOO_KERAS;
}

static StrataNormalization
keras_preprocessing (StrataZooArch arch)
{
  switch (arch)
    {
    case STRATA_ZOO_INCEPTION_V3:
    case STRATA_ZOO_MOBILENET_V2:
      return STRATA_NORMALIZE_TF;
    case STRATA_ZOO_DENSENET121:
      return STRATA_NORMALIZE_TORCH;
    case STRATA_ZOO_VGG16:
    case STRATA_ZOO_VGG19:
    case STRATA_ZOO_RESNET50:
    default:
      return STRATA_NORMALIZE_CAFFE;
    }
}

/**
 * strata_zoo_node_get_preprocessing:
 * @normalization: (out): what the weights were trained on
 *
 * Keras' preprocess_input of each application (caffe: BGR minus the ImageNet mean for VGG
 * and ResNet50; tf: −1..1 for InceptionV3 and MobileNetV2; torch for DenseNet121),
 * torchvision's mean and std for its weights, and what a Strata weights file records.
 *
 * Returns: %FALSE when the weights don't say (random, or a file without the information)
 */
gboolean
strata_zoo_node_get_preprocessing (const StrataNode    *node,
                                   StrataNormalization *normalization)
{
  const char *weights = strata_node_get_string (node, "weights");
  StrataZooArch arch = strata_zoo_node_get_arch (node);
  StrataZooProbe probe;

  if (g_str_equal (weights, "imagenet-keras"))
    {
      *normalization = keras_preprocessing (arch);
      return TRUE;
    }
  if (g_str_equal (weights, "imagenet-torch"))
    {
      *normalization = STRATA_NORMALIZE_TORCH;
      return TRUE;
    }
  if (!g_str_equal (weights, "file") ||
      !_strata_zoo_probe_file (strata_node_get_string (node, "weights_file"), arch, &probe))
    return FALSE;
  if (probe.normalization >= 0)
    {
      *normalization = probe.normalization;
      return TRUE;
    }
  if (probe.kind == ZOO_FILE_KERAS_H5)
    {
      *normalization = keras_preprocessing (arch);
      return TRUE;
    }
  return FALSE;
}

/**
 * strata_zoo_graph_get_preprocessing:
 * @normalization: (out): what the first pretrained node's weights expect
 * @node_id: (out) (optional) (transfer none): that node
 *
 * Returns: whether some pretrained node's weights expect a preprocessing; the app sets the
 *   dataset's normalization to it
 */
gboolean
strata_zoo_graph_get_preprocessing (StrataGraph          *graph,
                                    StrataNormalization  *normalization,
                                    const char          **node_id)
{
  for (guint i = 0; i < strata_graph_get_n_nodes (graph); i++)
    {
      StrataNode *node = strata_graph_get_nth_node (graph, i);
      if (strata_zoo_node_is_pretrained (node) &&
          strata_zoo_node_get_preprocessing (node, normalization))
        {
          if (node_id)
            *node_id = strata_node_get_id (node);
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * strata_zoo_check_preprocessing:
 * @normalization: the dataset's
 *
 * Returns: %FALSE with a message for the user when the data is prepared otherwise than the
 *   pretrained weights of @graph expect
 */
gboolean
strata_zoo_check_preprocessing (StrataGraph          *graph,
                                StrataNormalization   normalization,
                                GError              **error)
{
  StrataNormalization want;
  const char *node_id;
  StrataNode *node;

  if (!strata_zoo_graph_get_preprocessing (graph, &want, &node_id) || want == normalization)
    return TRUE;
  node = strata_graph_get_node (graph, node_id);
  /* Translators: "The ImageNet weights of “resnet50” (ResNet50) expect the normalization
   * “caffe”, but the dataset uses “0..1”: choose “caffe” on the Data page" */
  g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_PREPROCESSING,
               _("The weights of “%s” (%s) expect the normalization “%s”, but the dataset uses "
                 "“%s”: choose “%s” on the Data page"),
               node_id, strata_node_get_type_name (node),
               strata_enum_to_nick (STRATA_TYPE_NORMALIZATION, want),
               strata_enum_to_nick (STRATA_TYPE_NORMALIZATION, normalization),
               strata_enum_to_nick (STRATA_TYPE_NORMALIZATION, want));
  return FALSE;
}

/**
 * strata_zoo_apply_preprocessing:
 * @settings: the project's dataset settings
 *
 * Sets the dataset's normalization to what the pretrained weights in @graph expect; the app
 * calls it when a pretrained node or its weights change.
 *
 * Returns: whether the settings changed
 */
gboolean
strata_zoo_apply_preprocessing (StrataGraph           *graph,
                                StrataDatasetSettings *settings)
{
  StrataNormalization want;

  if (!strata_zoo_graph_get_preprocessing (graph, &want, NULL) ||
      strata_dataset_settings_get_normalization (settings) == want)
    return FALSE;
  g_object_set (settings, "normalization", want, NULL);
  return TRUE;
}
