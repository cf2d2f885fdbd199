/* strata-tensor.c: one named, 64-byte aligned array of a model or of an optimizer's state
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-tensor"

#include "config.h"

#include "strata-model.h"

/* oneDNN and the vectorised optimizer loops both like cache-line aligned arrays. */
#define TENSOR_ALIGNMENT 64

/**
 * strata_tensor_new:
 * @name: "<layer>/<weight>", or "<slot>/<layer>/<weight>" for optimizer state
 * @layer: (nullable): the id of the layer it belongs to
 * @rank: number of @dims, 0 to 4 (0 is a scalar)
 * @dims: (array length=rank): the plain row-major dimensions, each ≥ 0
 * @with_diff: whether to allocate a gradient array beside the values
 *
 * Allocates a zero-filled tensor. @role is %STRATA_TENSOR_WEIGHT and @trainable is
 * @with_diff; callers that mean otherwise set those fields afterwards.
 *
 * Returns: (transfer full): the new tensor, free it with strata_tensor_free()
 */
StrataTensor *
strata_tensor_new (const char   *name,
                   const char   *layer,
                   int           rank,
                   const gint64 *dims,
                   gboolean      with_diff)
{
  StrataTensor *tensor;
  gint64 n = 1;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (rank >= 0 && rank <= 4, NULL);
  g_return_val_if_fail (rank == 0 || dims != NULL, NULL);

  for (int i = 0; i < rank; i++)
    {
      g_return_val_if_fail (dims[i] >= 0, NULL);
      g_return_val_if_fail (dims[i] == 0 || n <= G_MAXSSIZE / (gint64) sizeof (float) / dims[i],
                            NULL);
      n *= dims[i];
    }

  tensor = g_new0 (StrataTensor, 1);
  tensor->name = g_strdup (name);
  tensor->layer = g_strdup (layer);
  tensor->role = STRATA_TENSOR_WEIGHT;
  tensor->trainable = with_diff;
  tensor->rank = rank;
  for (int i = 0; i < rank; i++)
    tensor->dims[i] = dims[i];
  tensor->n = n;

  /* Never a NULL array, even for an empty tensor, so callers need no special case. */
  tensor->data = g_aligned_alloc0 (MAX (n, 1), sizeof (float), TENSOR_ALIGNMENT);
  if (with_diff)
    tensor->diff = g_aligned_alloc0 (MAX (n, 1), sizeof (float), TENSOR_ALIGNMENT);

  return tensor;
}

/**
 * strata_tensor_free:
 * @tensor: (nullable): a tensor from strata_tensor_new()
 */
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

/**
 * strata_tensor_same_shape:
 * @a: a tensor
 * @b: another tensor
 *
 * Returns: whether @a and @b have the same rank and dimensions
 */
gboolean
strata_tensor_same_shape (const StrataTensor *a,
                          const StrataTensor *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a->rank != b->rank || a->n != b->n)
    return FALSE;

  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i])
      return FALSE;

  return TRUE;
}
