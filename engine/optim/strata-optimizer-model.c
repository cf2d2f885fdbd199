/* strata-optimizer-model.c: an optimizer over a model's trainable tensors
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-optimizer"

#include "config.h"

#include "strata-optimizer.h"
#include "strata-optimizer-private.h"

/*
 * Kept apart from strata-optimizer.c so that programs using only
 * strata_optimizer_new_for_tensors() (the optimizer tests) link without StrataModel.
 */

/**
 * strata_optimizer_new:
 * @config: the settings
 * @model: the model whose trainable tensors it updates
 * @error: return location for a #GError
 *
 * Creates an optimizer for the tensors of @model whose @trainable is set at this moment;
 * frozen tensors are never touched. The optimizer keeps a reference on @model. Create a new
 * optimizer when the set of trainable layers changes (and restore with
 * %STRATA_OPTIMIZER_RESTORE_PARTIAL to keep the state of the layers trained before).
 *
 * Returns: (transfer full) (nullable): the optimizer, or %NULL with @error set
 */
StrataOptimizer *
strata_optimizer_new (const StrataOptimizerConfig *config,
                      StrataModel                 *model,
                      GError                     **error)
{
  g_autoptr(GPtrArray) params = NULL;
  StrataOptimizer *self;
  guint n;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (STRATA_IS_MODEL (model), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = strata_model_get_n_tensors (model);
  params = g_ptr_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, i);

      if (tensor->trainable)
        g_ptr_array_add (params, tensor);
    }

  self = strata_optimizer_new_for_tensors (config, params, error);
  if (self != NULL)
    _strata_optimizer_set_owner (self, g_object_ref (model), g_object_unref);

  return self;
}
