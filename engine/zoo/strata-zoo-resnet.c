/* strata-zoo-resnet.c: ResNet50 in its three incompatible definitions
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include "strata-zoo-net.h"

#define EPS_KERAS 1.001e-5
#define EPS_LEGACY 1e-3
#define EPS_TORCH 1e-5

/*
 * keras_applications' resnet_common.block1 (tf.keras, Keras 3): the shortcut conv is made
 * first, the stride sits on the first 1×1 conv, convs have biases. With @variant TORCH the
 * same layers follow torchvision instead: the stride on the 3×3 conv (padded by one on each
 * side, as PyTorch does, not TensorFlow's "same"), no biases, epsilon 1e-5.
 */
static int
block1 (StrataZooNet *net,
        int           x,
        int           filters,
        int           stride,
        gboolean      conv_shortcut,
        const char   *name)
{
  gboolean torch = net->variant == STRATA_ZOO_TORCH;
  double eps = torch ? EPS_TORCH : EPS_KERAS;
  g_autofree char *c0 = g_strconcat (name, "_0_conv", NULL);
  g_autofree char *b0 = g_strconcat (name, "_0_bn", NULL);
  g_autofree char *c1 = g_strconcat (name, "_1_conv", NULL);
  g_autofree char *b1 = g_strconcat (name, "_1_bn", NULL);
  g_autofree char *r1 = g_strconcat (name, "_1_relu", NULL);
  g_autofree char *p2 = g_strconcat (name, "_2_pad", NULL);
  g_autofree char *c2 = g_strconcat (name, "_2_conv", NULL);
  g_autofree char *b2 = g_strconcat (name, "_2_bn", NULL);
  g_autofree char *r2 = g_strconcat (name, "_2_relu", NULL);
  g_autofree char *c3 = g_strconcat (name, "_3_conv", NULL);
  g_autofree char *b3 = g_strconcat (name, "_3_bn", NULL);
  g_autofree char *add = g_strconcat (name, "_add", NULL);
  g_autofree char *out = g_strconcat (name, "_out", NULL);
  int shortcut = x, pair[2];

  if (conv_shortcut)
    {
      shortcut = _strata_zoo_conv (net, x, c0, 4 * filters, 1, 1, stride, FALSE, !torch, NULL);
      shortcut = _strata_zoo_bn (net, shortcut, b0, eps, 0.99, TRUE);
    }
  x = _strata_zoo_conv (net, x, c1, filters, 1, 1, torch ? 1 : stride, FALSE, !torch, NULL);
  x = _strata_zoo_bn (net, x, b1, eps, 0.99, TRUE);
  x = _strata_zoo_act (net, x, r1, "relu");
  if (torch && stride > 1)
    {
      x = _strata_zoo_pad (net, x, p2, 1, 1, 1, 1);
      x = _strata_zoo_conv (net, x, c2, filters, 3, 3, stride, FALSE, FALSE, NULL);
    }
  else
    x = _strata_zoo_conv (net, x, c2, filters, 3, 3, 1, TRUE, !torch, NULL);
  x = _strata_zoo_bn (net, x, b2, eps, 0.99, TRUE);
  x = _strata_zoo_act (net, x, r2, "relu");
  x = _strata_zoo_conv (net, x, c3, 4 * filters, 1, 1, 1, FALSE, !torch, NULL);
  x = _strata_zoo_bn (net, x, b3, eps, 0.99, TRUE);
  pair[0] = shortcut;
  pair[1] = x;
  x = _strata_zoo_merge (net, ZOO_ADD, add, 2, pair);
  return _strata_zoo_act (net, x, out, "relu");
}

static int
stack1 (StrataZooNet *net,
        int           x,
        int           filters,
        int           blocks,
        int           stride,
        const char   *name)
{
  for (int i = 1; i <= blocks; i++)
    {
      g_autofree char *block = g_strdup_printf ("%s_block%d", name, i);
      x = block1 (net, x, filters, i == 1 ? stride : 1, i == 1, block);
    }
  return x;
}

/* keras_applications' resnet50.py (Keras 2.0–2.3): conv_block and identity_block. */
static int
legacy_block (StrataZooNet *net,
              int           x,
              const int     filters[3],
              int           stage,
              char          block,
              int           stride,
              gboolean      conv_shortcut)
{
  g_autofree char *conv = g_strdup_printf ("res%d%c_branch", stage, block);
  g_autofree char *bn = g_strdup_printf ("bn%d%c_branch", stage, block);
  g_autofree char *c2a = g_strconcat (conv, "2a", NULL), *b2a = g_strconcat (bn, "2a", NULL);
  g_autofree char *c2b = g_strconcat (conv, "2b", NULL), *b2b = g_strconcat (bn, "2b", NULL);
  g_autofree char *c2c = g_strconcat (conv, "2c", NULL), *b2c = g_strconcat (bn, "2c", NULL);
  g_autofree char *c1 = g_strconcat (conv, "1", NULL), *b1 = g_strconcat (bn, "1", NULL);
  int input = x, shortcut = x, pair[2];

  x = _strata_zoo_conv (net, x, c2a, filters[0], 1, 1, stride, FALSE, TRUE, NULL);
  x = _strata_zoo_bn (net, x, b2a, EPS_LEGACY, 0.99, TRUE);
  x = _strata_zoo_act (net, x, NULL, "relu");
  x = _strata_zoo_conv (net, x, c2b, filters[1], 3, 3, 1, TRUE, TRUE, NULL);
  x = _strata_zoo_bn (net, x, b2b, EPS_LEGACY, 0.99, TRUE);
  x = _strata_zoo_act (net, x, NULL, "relu");
  x = _strata_zoo_conv (net, x, c2c, filters[2], 1, 1, 1, FALSE, TRUE, NULL);
  x = _strata_zoo_bn (net, x, b2c, EPS_LEGACY, 0.99, TRUE);
  if (conv_shortcut)
    {
      shortcut = _strata_zoo_conv (net, input, c1, filters[2], 1, 1, stride, FALSE, TRUE, NULL);
      shortcut = _strata_zoo_bn (net, shortcut, b1, EPS_LEGACY, 0.99, TRUE);
    }
  pair[0] = x;
  pair[1] = shortcut;
  x = _strata_zoo_merge (net, ZOO_ADD, NULL, 2, pair);
  return _strata_zoo_act (net, x, NULL, "relu");
}

static void
set_he_normal (StrataZooNet *net)
{
  for (guint i = 0; i < net->layers->len; i++)
    if (_strata_zoo_layer (net, i)->kind == ZOO_CONV)
      _strata_zoo_layer (net, i)->initializer = "he_normal";
}

static int
build_legacy (StrataZooNet       *net,
              const StrataZooTop *top)
{
  static const struct { int stage; int blocks; int filters[3]; } stages[] = {
    { 2, 3, { 64, 64, 256 } },
    { 3, 4, { 128, 128, 512 } },
    { 4, 6, { 256, 256, 1024 } },
    { 5, 3, { 512, 512, 2048 } },
  };
  int x;

  x = _strata_zoo_pad (net, ZOO_INPUT, "conv1_pad", 3, 3, 3, 3);
  x = _strata_zoo_conv (net, x, "conv1", 64, 7, 7, 2, FALSE, TRUE, NULL);
  x = _strata_zoo_bn (net, x, "bn_conv1", EPS_LEGACY, 0.99, TRUE);
  x = _strata_zoo_act (net, x, NULL, "relu");
  x = _strata_zoo_pad (net, x, "pool1_pad", 1, 1, 1, 1);
  x = _strata_zoo_pool (net, x, NULL, TRUE, 3, 2, FALSE);
  for (guint s = 0; s < G_N_ELEMENTS (stages); s++)
    for (int b = 0; b < stages[s].blocks; b++)
      x = legacy_block (net, x, stages[s].filters, stages[s].stage, 'a' + b,
                        b == 0 && s > 0 ? 2 : 1, b == 0);
  set_he_normal (net);

  if (!top->include_top)
    return _strata_zoo_pooling_top (net, x, top, NULL, NULL);
  x = _strata_zoo_global (net, x, "avg_pool", FALSE);
  return _strata_zoo_dense (net, x, "fc1000", 1000, "softmax");
}

int
_strata_zoo_build_resnet50 (StrataZooNet       *net,
                            const StrataZooTop *top)
{
  gboolean torch = net->variant == STRATA_ZOO_TORCH;
  int x;

  if (net->variant == STRATA_ZOO_KERAS_LEGACY)
    return build_legacy (net, top);

  x = _strata_zoo_pad (net, ZOO_INPUT, "conv1_pad", 3, 3, 3, 3);
  x = _strata_zoo_conv (net, x, "conv1_conv", 64, 7, 7, 2, FALSE, !torch, NULL);
  x = _strata_zoo_bn (net, x, "conv1_bn", torch ? EPS_TORCH : EPS_KERAS, 0.99, TRUE);
  x = _strata_zoo_act (net, x, "conv1_relu", "relu");
  x = _strata_zoo_pad (net, x, "pool1_pad", 1, 1, 1, 1);
  x = _strata_zoo_pool (net, x, "pool1_pool", TRUE, 3, 2, FALSE);
  x = stack1 (net, x, 64, 3, 1, "conv2");
  x = stack1 (net, x, 128, 4, 2, "conv3");
  x = stack1 (net, x, 256, 6, 2, "conv4");
  x = stack1 (net, x, 512, 3, 2, "conv5");

  if (!top->include_top)
    return _strata_zoo_pooling_top (net, x, top, "avg_pool", "max_pool");
  x = _strata_zoo_global (net, x, "avg_pool", FALSE);
  return _strata_zoo_dense (net, x, "probs", 1000, "softmax");
}
