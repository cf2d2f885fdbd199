/* strata-zoo-mobilenet.c: MobileNetV2 (α = 1) as keras_applications defines it
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include "strata-zoo-net.h"

static int
make_divisible (double v,
                int    divisor)
{
  int new_v = MAX (divisor, (int) (v + divisor / 2.0) / divisor * divisor);

  if (new_v < 0.9 * v)
    new_v += divisor;
  return new_v;
}

/*
 * The padding before a 3×3 stride-2 window: Keras' correct_pad() pads one row less at the top
 * (and left) of an even-sized input, as TensorFlow's "same" does; torchvision pads one on
 * every side.
 */
static int
pad_for_stride2 (StrataZooNet *net,
                 int           x,
                 const char   *name)
{
  const StrataShape *in = _strata_zoo_shape (net, x);

  if (net->variant == STRATA_ZOO_TORCH)
    return _strata_zoo_pad (net, x, name, 1, 1, 1, 1);
  return _strata_zoo_pad (net, x, name, 1 - (1 - in->dims[0] % 2), 1, 1 - (1 - in->dims[1] % 2), 1);
}

static double
epsilon (StrataZooNet *net)
{
  return net->variant == STRATA_ZOO_TORCH ? 1e-5 : 1e-3;
}

static int
inverted_res_block (StrataZooNet *net,
                    int           inputs,
                    int           expansion,
                    int           stride,
                    int           filters,
                    int           block_id)
{
  int in_channels = _strata_zoo_nominal (net, inputs);
  int pointwise = make_divisible (filters, 8);
  g_autofree char *prefix = block_id ? g_strdup_printf ("block_%d_", block_id)
                                     : g_strdup ("expanded_conv_");
  g_autofree char *expand = g_strconcat (prefix, "expand", NULL);
  g_autofree char *expand_bn = g_strconcat (prefix, "expand_BN", NULL);
  g_autofree char *expand_relu = g_strconcat (prefix, "expand_relu", NULL);
  g_autofree char *pad = g_strconcat (prefix, "pad", NULL);
  g_autofree char *dw = g_strconcat (prefix, "depthwise", NULL);
  g_autofree char *dw_bn = g_strconcat (prefix, "depthwise_BN", NULL);
  g_autofree char *dw_relu = g_strconcat (prefix, "depthwise_relu", NULL);
  g_autofree char *project = g_strconcat (prefix, "project", NULL);
  g_autofree char *project_bn = g_strconcat (prefix, "project_BN", NULL);
  g_autofree char *add = g_strconcat (prefix, "add", NULL);
  int x = inputs, pair[2];

  if (block_id)
    {
      x = _strata_zoo_conv (net, x, expand, expansion * in_channels, 1, 1, 1, TRUE, FALSE, NULL);
      x = _strata_zoo_bn (net, x, expand_bn, epsilon (net), 0.999, TRUE);
      x = _strata_zoo_act (net, x, expand_relu, "relu6");
    }
  if (stride == 2)
    x = pad_for_stride2 (net, x, pad);
  x = _strata_zoo_depthwise (net, x, dw, stride, stride == 1);
  x = _strata_zoo_bn (net, x, dw_bn, epsilon (net), 0.999, TRUE);
  x = _strata_zoo_act (net, x, dw_relu, "relu6");
  x = _strata_zoo_conv (net, x, project, pointwise, 1, 1, 1, TRUE, FALSE, NULL);
  x = _strata_zoo_bn (net, x, project_bn, epsilon (net), 0.999, TRUE);
  if (in_channels == pointwise && stride == 1)
    {
      pair[0] = inputs;
      pair[1] = x;
      return _strata_zoo_merge (net, ZOO_ADD, add, 2, pair);
    }
  return x;
}

int
_strata_zoo_build_mobilenet_v2 (StrataZooNet       *net,
                                const StrataZooTop *top)
{
  static const struct { int filters, stride, expansion; } blocks[] = {
    { 16, 1, 1 },
    { 24, 2, 6 }, { 24, 1, 6 },
    { 32, 2, 6 }, { 32, 1, 6 }, { 32, 1, 6 },
    { 64, 2, 6 }, { 64, 1, 6 }, { 64, 1, 6 }, { 64, 1, 6 },
    { 96, 1, 6 }, { 96, 1, 6 }, { 96, 1, 6 },
    { 160, 2, 6 }, { 160, 1, 6 }, { 160, 1, 6 },
    { 320, 1, 6 },
  };
  int x;

  x = pad_for_stride2 (net, ZOO_INPUT, "Conv1_pad");
  x = _strata_zoo_conv (net, x, "Conv1", make_divisible (32, 8), 3, 3, 2, FALSE, FALSE, NULL);
  x = _strata_zoo_bn (net, x, "bn_Conv1", epsilon (net), 0.999, TRUE);
  x = _strata_zoo_act (net, x, "Conv1_relu", "relu6");
  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    x = inverted_res_block (net, x, blocks[i].expansion, blocks[i].stride, blocks[i].filters, i);
  x = _strata_zoo_conv (net, x, "Conv_1", 1280, 1, 1, 1, FALSE, FALSE, NULL);
  x = _strata_zoo_bn (net, x, "Conv_1_bn", epsilon (net), 0.999, TRUE);
  x = _strata_zoo_act (net, x, "out_relu", "relu6");

  if (!top->include_top)
    return _strata_zoo_pooling_top (net, x, top, NULL, NULL);
  x = _strata_zoo_global (net, x, NULL, FALSE);
  return _strata_zoo_dense (net, x, "Logits", 1000, "softmax");
}
