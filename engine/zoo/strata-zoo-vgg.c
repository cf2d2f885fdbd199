/* strata-zoo-vgg.c: VGG16 and VGG19 as keras_applications defines them
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include "strata-zoo-net.h"

/* torchvision's VGG is the same network; only its classifier flattens in another order, which
 * the weight loader converts. */
int
_strata_zoo_build_vgg (StrataZooNet       *net,
                       const StrataZooTop *top)
{
  static const int filters[5] = { 64, 128, 256, 512, 512 };
  static const int convs16[5] = { 2, 2, 3, 3, 3 };
  static const int convs19[5] = { 2, 2, 4, 4, 4 };
  const int *convs = net->arch == STRATA_ZOO_VGG19 ? convs19 : convs16;
  int x = ZOO_INPUT;

  for (int b = 0; b < 5; b++)
    {
      g_autofree char *pool = g_strdup_printf ("block%d_pool", b + 1);

      for (int c = 0; c < convs[b]; c++)
        {
          g_autofree char *name = g_strdup_printf ("block%d_conv%d", b + 1, c + 1);
          x = _strata_zoo_conv (net, x, name, filters[b], 3, 3, 1, TRUE, TRUE, "relu");
        }
      x = _strata_zoo_pool (net, x, pool, TRUE, 2, 2, FALSE);
    }

  if (!top->include_top)
    return _strata_zoo_pooling_top (net, x, top, NULL, NULL);
  x = _strata_zoo_flatten (net, x, "flatten");
  x = _strata_zoo_dense (net, x, "fc1", 4096, "relu");
  x = _strata_zoo_dense (net, x, "fc2", 4096, "relu");
  return _strata_zoo_dense (net, x, "predictions", 1000, "softmax");
}
