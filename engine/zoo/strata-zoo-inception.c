/* strata-zoo-inception.c: InceptionV3 as keras_applications defines it
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include "strata-zoo-net.h"

/* conv2d_bn: a conv without bias, BatchNormalization without scale (gamma), ReLU; unnamed
 * layers get Keras' automatic names, as in the official weight files. */
static int
conv_bn (StrataZooNet *net,
         int           x,
         int           filters,
         int           rows,
         int           cols,
         int           stride,
         gboolean      same)
{
  x = _strata_zoo_conv (net, x, NULL, filters, rows, cols, stride, same, FALSE, NULL);
  x = _strata_zoo_bn (net, x, NULL, 1e-3, 0.99, FALSE);
  return _strata_zoo_act (net, x, NULL, "relu");
}

#define CONV(x, f, r, c) conv_bn (net, (x), (f), (r), (c), 1, TRUE)
#define CONV_VALID(x, f, r, c, s) conv_bn (net, (x), (f), (r), (c), (s), FALSE)

static int
concat (StrataZooNet *net,
        const char   *name,
        guint         n,
        int           a,
        int           b,
        int           c,
        int           d)
{
  int inputs[4] = { a, b, c, d };
  return _strata_zoo_merge (net, ZOO_CONCAT, name, n, inputs);
}

static int
avg_branch (StrataZooNet *net,
            int           x,
            int           filters)
{
  x = _strata_zoo_pool (net, x, NULL, FALSE, 3, 1, TRUE);
  return CONV (x, filters, 1, 1);
}

/* mixed0–2 */
static int
block_a (StrataZooNet *net,
         int           x,
         int           pool_filters,
         const char   *name)
{
  int b1, b5, b3, bp;

  b1 = CONV (x, 64, 1, 1);
  b5 = CONV (x, 48, 1, 1);
  b5 = CONV (b5, 64, 5, 5);
  b3 = CONV (x, 64, 1, 1);
  b3 = CONV (b3, 96, 3, 3);
  b3 = CONV (b3, 96, 3, 3);
  bp = avg_branch (net, x, pool_filters);
  return concat (net, name, 4, b1, b5, b3, bp);
}

/* mixed4–7 */
static int
block_c (StrataZooNet *net,
         int           x,
         int           f7,
         const char   *name)
{
  int b1, b7, bd, bp;

  b1 = CONV (x, 192, 1, 1);
  b7 = CONV (x, f7, 1, 1);
  b7 = CONV (b7, f7, 1, 7);
  b7 = CONV (b7, 192, 7, 1);
  bd = CONV (x, f7, 1, 1);
  bd = CONV (bd, f7, 7, 1);
  bd = CONV (bd, f7, 1, 7);
  bd = CONV (bd, f7, 7, 1);
  bd = CONV (bd, 192, 1, 7);
  bp = avg_branch (net, x, 192);
  return concat (net, name, 4, b1, b7, bd, bp);
}

/* mixed9 and mixed10 */
static int
block_e (StrataZooNet *net,
         int           x,
         int           i)
{
  g_autofree char *inner = g_strdup_printf ("mixed9_%d", i);
  g_autofree char *name = g_strdup_printf ("mixed%d", 9 + i);
  int b1, b3, b3_1, b3_2, bd, bd_1, bd_2, bp;

  b1 = CONV (x, 320, 1, 1);
  b3 = CONV (x, 384, 1, 1);
  b3_1 = CONV (b3, 384, 1, 3);
  b3_2 = CONV (b3, 384, 3, 1);
  b3 = concat (net, inner, 2, b3_1, b3_2, 0, 0);
  bd = CONV (x, 448, 1, 1);
  bd = CONV (bd, 384, 3, 3);
  bd_1 = CONV (bd, 384, 1, 3);
  bd_2 = CONV (bd, 384, 3, 1);
  bd = concat (net, NULL, 2, bd_1, bd_2, 0, 0);
  bp = avg_branch (net, x, 192);
  return concat (net, name, 4, b1, b3, bd, bp);
}

int
_strata_zoo_build_inception_v3 (StrataZooNet       *net,
                                const StrataZooTop *top)
{
  int x, b3, bd, bp, b7;

  x = CONV_VALID (ZOO_INPUT, 32, 3, 3, 2);
  x = CONV_VALID (x, 32, 3, 3, 1);
  x = CONV (x, 64, 3, 3);
  x = _strata_zoo_pool (net, x, NULL, TRUE, 3, 2, FALSE);
  x = CONV_VALID (x, 80, 1, 1, 1);
  x = CONV_VALID (x, 192, 3, 3, 1);
  x = _strata_zoo_pool (net, x, NULL, TRUE, 3, 2, FALSE);

  x = block_a (net, x, 32, "mixed0");
  x = block_a (net, x, 64, "mixed1");
  x = block_a (net, x, 64, "mixed2");

  b3 = CONV_VALID (x, 384, 3, 3, 2);
  bd = CONV (x, 64, 1, 1);
  bd = CONV (bd, 96, 3, 3);
  bd = CONV_VALID (bd, 96, 3, 3, 2);
  bp = _strata_zoo_pool (net, x, NULL, TRUE, 3, 2, FALSE);
  x = concat (net, "mixed3", 3, b3, bd, bp, 0);

  x = block_c (net, x, 128, "mixed4");
  x = block_c (net, x, 160, "mixed5");
  x = block_c (net, x, 160, "mixed6");
  x = block_c (net, x, 192, "mixed7");

  b3 = CONV (x, 192, 1, 1);
  b3 = CONV_VALID (b3, 320, 3, 3, 2);
  b7 = CONV (x, 192, 1, 1);
  b7 = CONV (b7, 192, 1, 7);
  b7 = CONV (b7, 192, 7, 1);
  b7 = CONV_VALID (b7, 192, 3, 3, 2);
  bp = _strata_zoo_pool (net, x, NULL, TRUE, 3, 2, FALSE);
  x = concat (net, "mixed8", 3, b3, b7, bp, 0);

  x = block_e (net, x, 0);
  x = block_e (net, x, 1);

  if (!top->include_top)
    return _strata_zoo_pooling_top (net, x, top, NULL, NULL);
  x = _strata_zoo_global (net, x, "avg_pool", FALSE);
  return _strata_zoo_dense (net, x, "predictions", 1000, "softmax");
}
