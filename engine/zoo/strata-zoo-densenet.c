/* strata-zoo-densenet.c: DenseNet121 as keras_applications defines it
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include "strata-zoo-net.h"

/* torchvision's DenseNet is the same network with BatchNormalization's epsilon at 1e-5. */
static double
epsilon (StrataZooNet *net)
{
  return net->variant == STRATA_ZOO_TORCH ? 1e-5 : 1.001e-5;
}

static int
conv_block (StrataZooNet *net,
            int           x,
            const char   *name)
{
  g_autofree char *b0 = g_strconcat (name, "_0_bn", NULL);
  g_autofree char *r0 = g_strconcat (name, "_0_relu", NULL);
  g_autofree char *c1 = g_strconcat (name, "_1_conv", NULL);
  g_autofree char *b1 = g_strconcat (name, "_1_bn", NULL);
  g_autofree char *r1 = g_strconcat (name, "_1_relu", NULL);
  g_autofree char *c2 = g_strconcat (name, "_2_conv", NULL);
  g_autofree char *cat = g_strconcat (name, "_concat", NULL);
  int x1, pair[2];

  x1 = _strata_zoo_bn (net, x, b0, epsilon (net), 0.99, TRUE);
  x1 = _strata_zoo_act (net, x1, r0, "relu");
  x1 = _strata_zoo_conv (net, x1, c1, 4 * 32, 1, 1, 1, FALSE, FALSE, NULL);
  x1 = _strata_zoo_bn (net, x1, b1, epsilon (net), 0.99, TRUE);
  x1 = _strata_zoo_act (net, x1, r1, "relu");
  x1 = _strata_zoo_conv (net, x1, c2, 32, 3, 3, 1, TRUE, FALSE, NULL);
  pair[0] = x;
  pair[1] = x1;
  return _strata_zoo_merge (net, ZOO_CONCAT, cat, 2, pair);
}

static int
transition_block (StrataZooNet *net,
                  int           x,
                  const char   *name)
{
  g_autofree char *bn = g_strconcat (name, "_bn", NULL);
  g_autofree char *relu = g_strconcat (name, "_relu", NULL);
  g_autofree char *conv = g_strconcat (name, "_conv", NULL);
  g_autofree char *pool = g_strconcat (name, "_pool", NULL);

  x = _strata_zoo_bn (net, x, bn, epsilon (net), 0.99, TRUE);
  x = _strata_zoo_act (net, x, relu, "relu");
  x = _strata_zoo_conv (net, x, conv, (int) (_strata_zoo_nominal (net, x) * 0.5), 1, 1, 1, FALSE,
                        FALSE, NULL);
  return _strata_zoo_pool (net, x, pool, FALSE, 2, 2, FALSE);
}

int
_strata_zoo_build_densenet121 (StrataZooNet       *net,
                               const StrataZooTop *top)
{
  static const int blocks[4] = { 6, 12, 24, 16 };
  int x;

  x = _strata_zoo_pad (net, ZOO_INPUT, NULL, 3, 3, 3, 3);
  x = _strata_zoo_conv (net, x, "conv1/conv", 64, 7, 7, 2, FALSE, FALSE, NULL);
  x = _strata_zoo_bn (net, x, "conv1/bn", epsilon (net), 0.99, TRUE);
  x = _strata_zoo_act (net, x, "conv1/relu", "relu");
  x = _strata_zoo_pad (net, x, NULL, 1, 1, 1, 1);
  x = _strata_zoo_pool (net, x, "pool1", TRUE, 3, 2, FALSE);
  for (int b = 0; b < 4; b++)
    {
      for (int i = 1; i <= blocks[b]; i++)
        {
          g_autofree char *name = g_strdup_printf ("conv%d_block%d", b + 2, i);
          x = conv_block (net, x, name);
        }
      if (b < 3)
        {
          g_autofree char *name = g_strdup_printf ("pool%d", b + 2);
          x = transition_block (net, x, name);
        }
    }
  x = _strata_zoo_bn (net, x, "bn", epsilon (net), 0.99, TRUE);
  x = _strata_zoo_act (net, x, "relu", "relu");

  if (!top->include_top)
    return _strata_zoo_pooling_top (net, x, top, "avg_pool", "max_pool");
  x = _strata_zoo_global (net, x, "avg_pool", FALSE);
  return _strata_zoo_dense (net, x, "fc1000", 1000, "softmax");
}
