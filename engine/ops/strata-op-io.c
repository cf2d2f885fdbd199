/* strata-op-io.c: the Input and Output layers
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include "strata-op-common.h"
#include "strata-op-table.h"

static const char *const loss_choices[] = { "categorical_crossentropy", NULL };

static const StrataParamSpec input_params[] = {
  { "height", N_("Height"), N_("Image height in pixels, after resizing"),
    STRATA_PARAM_INT, 0, 1, 4096, NULL, "28", FALSE },
  { "width", N_("Width"), N_("Image width in pixels, after resizing"),
    STRATA_PARAM_INT, 0, 1, 4096, NULL, "28", FALSE },
  { "channels", N_("Channels"), N_("1 for grayscale, 3 for colour"),
    STRATA_PARAM_INT, 0, 1, 4, NULL, "1", FALSE },
};

static gboolean
input_infer (const StrataNode  *node,
             const StrataShape *inputs,
             guint              n_inputs,
             StrataShape       *output,
             GError           **error)
{
  *output = strata_shape_3d (strata_node_get_int (node, "height"),
                             strata_node_get_int (node, "width"),
                             strata_node_get_int (node, "channels"));
  return TRUE;
}

const StrataOpInfo strata_op_input = {
  .type = "Input",
  .category = "core",
  .label = N_("Input"),
  .description = N_("The images, as the data pipeline delivers them"),
  .params = input_params,
  .n_params = G_N_ELEMENTS (input_params),
  .min_inputs = 0,
  .max_inputs = 0,
  .has_output = TRUE,
  .infer = input_infer,
};

static const StrataParamSpec output_params[] = {
  { "loss", N_("Loss"), N_("What training minimises"),
    STRATA_PARAM_ENUM, 0, 0, 0, loss_choices, "'categorical_crossentropy'", FALSE },
  { "label_smoothing", N_("Label smoothing"),
    N_("Moves this much of each target's weight evenly onto all classes"),
    STRATA_PARAM_FLOAT, 0, 0.0, 0.5, NULL, "0.0", FALSE },
  { "classes", N_("Classes"), N_("The class names, in the order of the model's outputs"),
    STRATA_PARAM_STRINGS, 0, 0, 0, NULL, "@as []", TRUE },
};

/*
 * The Output takes class scores. When the layer before ends in softmax they are probabilities;
 * otherwise the plan applies softmax itself (Keras' from_logits=True).
 */
static gboolean
output_infer (const StrataNode  *node,
              const StrataShape *inputs,
              guint              n_inputs,
              StrataShape       *output,
              GError           **error)
{
  GVariant *classes = strata_node_get_param (node, "classes");
  gsize n_classes = g_variant_n_children (classes);

  if (!strata_op_expect_rank (&inputs[0], 1, error))
    return FALSE;
  if (n_classes > 0 && (gsize) inputs[0].dims[0] != n_classes)
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The dataset has %zu class but the layer before gives %d "
                                "scores; set its units to %zu",
                                "The dataset has %zu classes but the layer before gives %d "
                                "scores; set its units to %zu", n_classes),
                   n_classes, inputs[0].dims[0], n_classes);
      return FALSE;
    }
  if (inputs[0].dims[0] < 2)
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_SHAPE,
                   _("A classifier needs at least 2 class scores"));
      return FALSE;
    }
  *output = inputs[0];
  return TRUE;
}

const StrataOpInfo strata_op_output = {
  .type = "Output",
  .category = "core",
  .label = N_("Output"),
  .description = N_("Class scores, the loss and the class names"),
  .params = output_params,
  .n_params = G_N_ELEMENTS (output_params),
  .min_inputs = 1,
  .max_inputs = 1,
  .has_output = FALSE,
  .infer = output_infer,
};
