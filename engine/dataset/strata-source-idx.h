/* strata-source-idx.h: MNIST-style IDX files (Fashion-MNIST)
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-source.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SOURCE_IDX (strata_source_idx_get_type ())

G_DECLARE_FINAL_TYPE (StrataSourceIdx, strata_source_idx, STRATA, SOURCE_IDX, StrataSource)

StrataSource       *strata_source_idx_new_fashion_mnist (const char *dir);
const char * const *strata_fashion_mnist_class_names    (void);

G_END_DECLS
