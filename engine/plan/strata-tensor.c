/* strata-tensor.c: named float arrays of a model or an optimizer
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-model"

#include "config.h"

#include <string.h>

#include "strata-model.h"

/* 64-byte aligned so that oneDNN can use the arrays in place (plain layouts). */
static float *
alloc_floats (gint64 n)
{
  gsize bytes = MAX (1, (gsize) n) * sizeof (float);
  float *p = g_aligned_alloc0 (1, (bytes + 63) & ~(gsize) 63, 64);
  return p;
}

/**
 * strata_tensor_new:
 * @name: "<layer>/<weight>"
 * @layer: the layer id
 * @rank: 1 to 4
 * @dims: the sizes, row-major
 * @with_diff: also allocate a gradient array
 *
 * Returns: (transfer full): a zero-filled tensor with role %STRATA_TENSOR_WEIGHT,
 *   trainable when @with_diff
 */
StrataTensor *
strata_tensor_new (const char   *name,
                   const char   *layer,
                   int           rank,
                   const gint64 *dims,
                   gboolean      with_diff)
{
  StrataTensor *tensor;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (rank >= 1 && rank <= 4, NULL);

  tensor = g_new0 (StrataTensor, 1);
  tensor->name = g_strdup (name);
  tensor->layer = g_strdup (layer);
  tensor->role = STRATA_TENSOR_WEIGHT;
  tensor->trainable = with_diff;
  tensor->rank = rank;
  tensor->n = 1;
  for (int i = 0; i < rank; i++)
    {
      tensor->dims[i] = dims[i];
      tensor->n *= dims[i];
    }
  tensor->data = alloc_floats (tensor->n);
  if (with_diff)
    tensor->diff = alloc_floats (tensor->n);
  return tensor;
}

void
strata_tensor_free (StrataTensor *tensor)
{
  if (tensor == NULL)
    return;
  g_free (tensor->name);
  g_free (tensor->layer);
  g_aligned_free (tensor->data);
  g_aligned_free (tensor->diff);
  g_free (tensor);
}

gboolean
strata_tensor_same_shape (const StrataTensor *a,
                          const StrataTensor *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;
  return TRUE;
}
