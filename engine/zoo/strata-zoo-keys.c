/* strata-zoo-keys.c: torchvision's and timm's names for the Keras layers
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "strata-zoo-weights.h"

/* block{b}_conv{c} → features.{index}: torchvision's cfg lists convs (each followed by a
 * ReLU) and "M" pools in one Sequential. */
static char *
vgg_key (StrataZooArch  arch,
         const char    *name,
         gboolean       timm)
{
  static const int convs16[5] = { 2, 2, 3, 3, 3 }, convs19[5] = { 2, 2, 4, 4, 4 };
  const int *convs = arch == STRATA_ZOO_VGG19 ? convs19 : convs16;
  int block, conv, index = 0;

  if (g_str_equal (name, "fc1"))
    return g_strdup (timm ? "pre_logits.fc1" : "classifier.0");
  if (g_str_equal (name, "fc2"))
    return g_strdup (timm ? "pre_logits.fc2" : "classifier.3");
  if (g_str_equal (name, "predictions"))
    return g_strdup (timm ? "head.fc" : "classifier.6");
  if (sscanf (name, "block%d_conv%d", &block, &conv) != 2 || block < 1 || block > 5 ||
      conv < 1 || conv > convs[block - 1])
    return NULL;
  for (int b = 0; b < block - 1; b++)
    index += 2 * convs[b] + 1;
  return g_strdup_printf ("features.%d", index + 2 * (conv - 1));
}

/* conv{s}_block{b}_{k}_conv/bn → layer{s−1}.{b−1}.conv{k}/bn{k}, k = 0: the downsample */
static char *
resnet_key (const char *name)
{
  int stage, block, k;
  char kind[8] = "";

  if (g_str_equal (name, "conv1_conv"))
    return g_strdup ("conv1");
  if (g_str_equal (name, "conv1_bn"))
    return g_strdup ("bn1");
  if (g_str_equal (name, "probs") || g_str_equal (name, "predictions"))
    return g_strdup ("fc");
  if (sscanf (name, "conv%d_block%d_%d_%7s", &stage, &block, &k, kind) != 4 ||
      stage < 2 || stage > 5 || block < 1 || k < 0 || k > 3)
    return NULL;
  if (k == 0)
    return g_strdup_printf ("layer%d.%d.downsample.%d", stage - 1, block - 1,
                            g_str_equal (kind, "conv") ? 0 : 1);
  return g_strdup_printf ("layer%d.%d.%s%d", stage - 1, block - 1,
                          g_str_equal (kind, "conv") ? "conv" : "bn", k);
}

static char *
densenet_key (const char *name)
{
  int block, layer, k;
  char kind[8] = "";

  if (g_str_equal (name, "conv1/conv"))
    return g_strdup ("features.conv0");
  if (g_str_equal (name, "conv1/bn"))
    return g_strdup ("features.norm0");
  if (g_str_equal (name, "bn"))
    return g_strdup ("features.norm5");
  if (g_str_equal (name, "fc1000") || g_str_equal (name, "predictions"))
    return g_strdup ("classifier");
  if (sscanf (name, "conv%d_block%d_%d_%7s", &block, &layer, &k, kind) == 4)
    {
      const char *module = k == 0 ? "norm1" : k == 1 && g_str_equal (kind, "conv") ? "conv1"
                           : k == 1 ? "norm2" : "conv2";
      return g_strdup_printf ("features.denseblock%d.denselayer%d.%s", block - 1, layer, module);
    }
  if (sscanf (name, "pool%d_%7s", &block, kind) == 2)
    return g_strdup_printf ("features.transition%d.%s", block - 1,
                            g_str_equal (kind, "bn") ? "norm" : "conv");
  return NULL;
}

static char *
mobilenet_key (const char *name)
{
  int block;
  char rest[24] = "";

  if (g_str_equal (name, "Conv1"))
    return g_strdup ("features.0.0");
  if (g_str_equal (name, "bn_Conv1"))
    return g_strdup ("features.0.1");
  if (g_str_equal (name, "Conv_1"))
    return g_strdup ("features.18.0");
  if (g_str_equal (name, "Conv_1_bn"))
    return g_strdup ("features.18.1");
  if (g_str_equal (name, "Logits"))
    return g_strdup ("classifier.1");
  if (g_str_has_prefix (name, "expanded_conv_"))
    {
      static const char *const map[][2] = {
        { "depthwise", "conv.0.0" }, { "depthwise_BN", "conv.0.1" },
        { "project", "conv.1" }, { "project_BN", "conv.2" },
      };
      for (guint i = 0; i < G_N_ELEMENTS (map); i++)
        if (g_str_equal (name + strlen ("expanded_conv_"), map[i][0]))
          return g_strdup_printf ("features.1.%s", map[i][1]);
      return NULL;
    }
  if (sscanf (name, "block_%d_%23s", &block, rest) == 2)
    {
      static const char *const map[][2] = {
        { "expand", "conv.0.0" }, { "expand_BN", "conv.0.1" },
        { "depthwise", "conv.1.0" }, { "depthwise_BN", "conv.1.1" },
        { "project", "conv.2" }, { "project_BN", "conv.3" },
      };
      for (guint i = 0; i < G_N_ELEMENTS (map); i++)
        if (g_str_equal (rest, map[i][0]))
          return g_strdup_printf ("features.%d.%s", block + 1, map[i][1]);
    }
  return NULL;
}

/**
 * _strata_zoo_torch_key:
 * @name: a Keras layer name of @arch
 * @timm: timm's names where they differ from torchvision's (VGG's classifier)
 *
 * Returns: (nullable): the PyTorch module path of the layer, e.g. "layer1.0.conv1", or %NULL
 *   when the architecture has no such layer there
 */
char *
_strata_zoo_torch_key (StrataZooArch  arch,
                       const char    *name,
                       gboolean       timm)
{
  switch (arch)
    {
    case STRATA_ZOO_VGG16:
    case STRATA_ZOO_VGG19:
      return vgg_key (arch, name, timm);
    case STRATA_ZOO_RESNET50:
      return resnet_key (name);
    case STRATA_ZOO_DENSENET121:
      return densenet_key (name);
    case STRATA_ZOO_MOBILENET_V2:
      return mobilenet_key (name);
    case STRATA_ZOO_INCEPTION_V3:
    case STRATA_ZOO_N_ARCHS:
    default:
      return NULL;
    }
}
