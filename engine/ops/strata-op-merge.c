/* strata-op-merge.c: Add and Concatenate
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

#define MAX_MERGE_INPUTS 16

static gboolean
add_infer (const StrataNode  *node,
           const StrataShape *inputs,
           guint              n_inputs,
           StrataShape       *output,
           GError           **error)
{
  for (guint i = 1; i < n_inputs; i++)
    if (!strata_shape_equal (&inputs[0], &inputs[i]))
      {
        g_autofree char *a = strata_shape_to_string (&inputs[0]);
        g_autofree char *b = strata_shape_to_string (&inputs[i]);
        g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                     _("Add needs inputs of one shape, but input 1 is %s and input %u is %s"),
                     a, i + 1, b);
        return FALSE;
      }
  *output = inputs[0];
  return TRUE;
}

const StrataOpInfo strata_op_add = {
  .type = "Add",
  .category = "merge",
  .label = N_("Add"),
  .description = N_("Adds its inputs, as in a residual connection"),
  .min_inputs = 2,
  .max_inputs = MAX_MERGE_INPUTS,
  .has_output = TRUE,
  .infer = add_infer,
};

/* Joins along the last axis (channels), Keras' default axis=-1. */
static gboolean
concatenate_infer (const StrataNode  *node,
                   const StrataShape *inputs,
                   guint              n_inputs,
                   StrataShape       *output,
                   GError           **error)
{
  StrataShape shape = inputs[0];
  int last = shape.rank - 1;

  for (guint i = 1; i < n_inputs; i++)
    {
      gboolean fits = inputs[i].rank == shape.rank;
      for (int axis = 0; fits && axis < last; axis++)
        fits = inputs[i].dims[axis] == shape.dims[axis];
      if (!fits)
        {
          g_autofree char *a = strata_shape_to_string (&inputs[0]);
          g_autofree char *b = strata_shape_to_string (&inputs[i]);
          g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                       _("Concatenate joins along the channels and needs the other sizes to "
                         "match, but input 1 is %s and input %u is %s"), a, i + 1, b);
          return FALSE;
        }
      shape.dims[last] += inputs[i].dims[last];
    }
  *output = shape;
  return TRUE;
}

const StrataOpInfo strata_op_concatenate = {
  .type = "Concatenate",
  .category = "merge",
  .label = N_("Concatenate"),
  .description = N_("Joins its inputs along the channels"),
  .min_inputs = 2,
  .max_inputs = MAX_MERGE_INPUTS,
  .has_output = TRUE,
  .infer = concatenate_infer,
};
