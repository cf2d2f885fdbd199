/* strata-op-common.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"

const char *const strata_activation_choices[] = {
  "linear", "relu", "relu6", "elu", "leaky_relu", "sigmoid", "tanh", "swish", "softmax", NULL
};

const char *const strata_padding_choices[] = { "valid", "same", NULL };

const char *const strata_initializer_choices[] = {
  "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
  "lecun_normal", "zeros", NULL
};

/*
 * Output size of a sliding window with TensorFlow's rules: "valid" keeps only whole windows,
 * "same" gives ceil(in / stride) and pads the missing rows, the odd one at the end.
 */
gboolean
strata_op_window_out_size (int       in,
                           int       kernel,
                           int       stride,
                           int       dilation,
                           gboolean  same,
                           int      *out,
                           int      *pad_before,
                           int      *pad_after)
{
  int extent = (kernel - 1) * dilation + 1;
  int before = 0, after = 0, n;

  if (same)
    {
      int total;
      n = (in + stride - 1) / stride;
      total = MAX ((n - 1) * stride + extent - in, 0);
      before = total / 2;
      after = total - before;
    }
  else
    {
      if (in < extent)
        return FALSE;
      n = (in - extent) / stride + 1;
    }
  if (out)
    *out = n;
  if (pad_before)
    *pad_before = before;
  if (pad_after)
    *pad_after = after;
  return n > 0;
}

gboolean
strata_op_expect_rank (const StrataShape *shape,
                       int                rank,
                       GError           **error)
{
  g_autofree char *text = NULL;

  if (shape->rank == rank)
    return TRUE;
  text = strata_shape_to_string (shape);
  if (rank == 3)
    g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                 _("Needs an image-shaped input (height, width, channels) but gets %s; "
                   "remove the Flatten or Dense layer before it"), text);
  else
    g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                 _("Needs a flat input but gets %s; add a Flatten or a global pooling "
                   "layer before it"), text);
  return FALSE;
}

gboolean
strata_op_is_same_padding (const StrataNode *node)
{
  return g_str_equal (strata_node_get_string (node, "padding"), "same");
}
