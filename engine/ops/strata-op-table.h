/* strata-op-table.h: the layer types the registry lists (engine-private)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-op.h"

G_BEGIN_DECLS

extern const StrataOpInfo strata_op_input;
extern const StrataOpInfo strata_op_output;
extern const StrataOpInfo strata_op_dense;
extern const StrataOpInfo strata_op_dropout;
extern const StrataOpInfo strata_op_flatten;
extern const StrataOpInfo strata_op_activation;
extern const StrataOpInfo strata_op_conv2d;
extern const StrataOpInfo strata_op_depthwise_conv2d;
extern const StrataOpInfo strata_op_zero_padding2d;
extern const StrataOpInfo strata_op_max_pooling2d;
extern const StrataOpInfo strata_op_average_pooling2d;
extern const StrataOpInfo strata_op_global_average_pooling2d;
extern const StrataOpInfo strata_op_global_max_pooling2d;
extern const StrataOpInfo strata_op_batch_normalization;
extern const StrataOpInfo strata_op_add;
extern const StrataOpInfo strata_op_concatenate;

/* engine/zoo: the pretrained backbones */
extern const StrataOpInfo strata_op_vgg16;
extern const StrataOpInfo strata_op_vgg19;
extern const StrataOpInfo strata_op_resnet50;
extern const StrataOpInfo strata_op_inception_v3;
extern const StrataOpInfo strata_op_mobilenet_v2;
extern const StrataOpInfo strata_op_densenet121;

G_END_DECLS
