/* strata-shape.h: per-sample tensor shapes in Keras order
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define STRATA_MAX_RANK 3

/**
 * StrataShape:
 * @rank: 1 for feature vectors, 3 for images
 * @dims: the sizes in Keras order: (features) or (height, width, channels)
 *
 * The shape of one sample; the batch dimension is implicit, as Keras' `None`.
 */
typedef struct
{
  int rank;
  int dims[STRATA_MAX_RANK];
} StrataShape;

static inline StrataShape
strata_shape_1d (int features)
{
  return (StrataShape) { 1, { features, 0, 0 } };
}

static inline StrataShape
strata_shape_3d (int height, int width, int channels)
{
  return (StrataShape) { 3, { height, width, channels } };
}

gint64    strata_shape_n_elements (const StrataShape *shape);
gboolean  strata_shape_equal      (const StrataShape *a,
                                   const StrataShape *b);
char     *strata_shape_to_string  (const StrataShape *shape);

G_END_DECLS
