/* strata-op-reshape.c: Flatten and ZeroPadding2D, which only move values
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

/* Keras flattens (height, width, channels) in that order; so does Strata, so that Dense
 * weights after a Flatten mean the same in an exported .h5. */
static gboolean
flatten_infer (const StrataNode  *node,
               const StrataShape *inputs,
               guint              n_inputs,
               StrataShape       *output,
               GError           **error)
{
  gint64 n = strata_shape_n_elements (&inputs[0]);

  if (n > G_MAXINT)
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                   _("Flattening gives %" G_GINT64_FORMAT " values, too many for one layer"), n);
      return FALSE;
    }
  *output = strata_shape_1d ((int) n);
  return TRUE;
}

const StrataOpInfo strata_op_flatten = {
  .type = "Flatten",
  .category = "core",
  .label = N_("Flatten"),
  .description = N_("Turns an image-shaped tensor into a flat list of values"),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = flatten_infer,
};

static const StrataParamSpec zero_padding_params[] = {
  { "padding", N_("Padding"), N_("Rows and columns of zeros: top, bottom, left, right"),
    STRATA_PARAM_INTS, 4, 0, 1024, NULL, "[1, 1, 1, 1]", FALSE },
};

static gboolean
zero_padding_infer (const StrataNode  *node,
                    const StrataShape *inputs,
                    guint              n_inputs,
                    StrataShape       *output,
                    GError           **error)
{
  if (!strata_op_expect_rank (&inputs[0], 3, error))
    return FALSE;
  *output = strata_shape_3d (inputs[0].dims[0] + strata_node_get_int_at (node, "padding", 0) +
                             strata_node_get_int_at (node, "padding", 1),
                             inputs[0].dims[1] + strata_node_get_int_at (node, "padding", 2) +
                             strata_node_get_int_at (node, "padding", 3),
                             inputs[0].dims[2]);
  return TRUE;
}

const StrataOpInfo strata_op_zero_padding2d = {
  .type = "ZeroPadding2D",
  .category = "convolutional",
  .label = N_("Zero padding"),
  .description = N_("Adds rows and columns of zeros around the image"),
  .params = zero_padding_params,
  .n_params = G_N_ELEMENTS (zero_padding_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = TRUE,
  .infer = zero_padding_infer,
};
