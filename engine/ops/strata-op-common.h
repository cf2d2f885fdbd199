/* strata-op-common.h: parameter vocabularies and shape arithmetic shared by the op families
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gi18n-lib.h>

#include "strata-graph.h"
#include "strata-op.h"

G_BEGIN_DECLS

/* Keras' activation names; "linear" means none. */
extern const char *const strata_activation_choices[];
extern const char *const strata_padding_choices[];
extern const char *const strata_initializer_choices[];

#define STRATA_PARAM_ACTIVATION(default_name)                                           \
  { "activation", N_("Activation"), N_("Function applied to the layer's output"),       \
    STRATA_PARAM_ENUM, 0, 0, 0, strata_activation_choices, "'" default_name "'", FALSE }
#define STRATA_PARAM_USE_BIAS                                                           \
  { "use_bias", N_("Use bias"), N_("Add a learned bias to each output"),                \
    STRATA_PARAM_BOOL, 0, 0, 0, NULL, "true", TRUE }
#define STRATA_PARAM_PADDING                                                            \
  { "padding", N_("Padding"),                                                           \
    N_("“valid” drops the border; “same” pads so that the size only shrinks by the stride"), \
    STRATA_PARAM_ENUM, 0, 0, 0, strata_padding_choices, "'valid'", FALSE }
#define STRATA_PARAM_KERNEL_INITIALIZER                                                 \
  { "kernel_initializer", N_("Weight initializer"),                                     \
    N_("How the weights are drawn before training"),                                    \
    STRATA_PARAM_ENUM, 0, 0, 0, strata_initializer_choices, "'glorot_uniform'", TRUE }

gboolean strata_op_window_out_size (int         in,
                                    int         kernel,
                                    int         stride,
                                    int         dilation,
                                    gboolean    same,
                                    int        *out,
                                    int        *pad_before,
                                    int        *pad_after);
gboolean strata_op_expect_rank     (const StrataShape *shape,
                                    int                rank,
                                    GError           **error);
gboolean strata_op_is_same_padding (const StrataNode *node);

G_END_DECLS
