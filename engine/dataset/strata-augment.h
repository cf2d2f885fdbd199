/* strata-augment.h: applying one augmentation stage to one image
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-augmentation.h"

G_BEGIN_DECLS

/**
 * StrataAugmentDraw:
 * @shift_rows: rows of @matrix's translation (Keras `tx`, from `height_shift_range`)
 * @shift_cols: columns of the translation (Keras `ty`)
 * @theta: rotation, radians
 * @shear: shear, radians
 * @zoom_rows: zoom along rows (Keras `zx`)
 * @zoom_cols: zoom along columns (Keras `zy`)
 * @affine: whether any of the geometric operations (flips included) applies
 * @flip_h: mirror left-right
 * @flip_v: mirror top-bottom
 * @channel_shift: added to each channel, pixel units
 * @brightness: multiplies every value
 * @crop: whether a random resized crop applies, and its rectangle in pixels
 * @erase: whether a rectangle is erased, and where
 *
 * The random choices for one image, drawn from its key; each operation draws from its own
 * stream, so that enabling one does not change the others. The geometry is Keras': an
 * output pixel o (row, column, relative to the image centre) samples the input at
 * R · (Sh · Z · o + t) + centre, with R the rotation, Sh the shear, Z the zoom, t the shift.
 */
typedef struct
{
  double shift_rows;
  double shift_cols;
  double theta;
  double shear;
  double zoom_rows;
  double zoom_cols;
  gboolean affine;
  gboolean flip_h;
  gboolean flip_v;
  double channel_shift[3];
  double brightness;
  gboolean crop;
  int crop_x, crop_y, crop_w, crop_h;
  gboolean erase;
  int erase_x, erase_y, erase_w, erase_h;
} StrataAugmentDraw;

void strata_augment_draw  (const StrataAugmentParams *params,
                           guint64                    key,
                           int                        width,
                           int                        height,
                           StrataAugmentDraw         *draw);
void strata_augment_apply (const StrataAugmentParams *params,
                           const StrataAugmentDraw   *draw,
                           const guint8              *src,
                           int                        width,
                           int                        height,
                           int                        channels,
                           float                     *dst,
                           float                     *tmp);
void strata_augment_image (const StrataAugmentParams *params,
                           guint64                    key,
                           const guint8              *src,
                           int                        width,
                           int                        height,
                           int                        channels,
                           float                     *dst,
                           float                     *tmp);

G_END_DECLS
