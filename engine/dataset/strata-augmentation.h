/* strata-augmentation.h: one stage of the augmentation schedule
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "strata-dataset-enums.h"

G_BEGIN_DECLS

/**
 * StrataAugmentParams:
 * @first_epoch: the stage applies from this epoch on (1 is the first epoch, as users count)
 *   until the next stage's first epoch
 * @rotation_range: degrees; the angle is uniform in ±range (Keras `rotation_range`)
 * @width_shift_range: fraction of the width; uniform in ±range (Keras `width_shift_range`)
 * @height_shift_range: fraction of the height
 * @shear_range: degrees, counter-clockwise; uniform in ±range (Keras `shear_range`)
 * @zoom_range: zoom factors uniform in [1 - range, 1 + range] per axis, below 1 zooms in
 *   (Keras `zoom_range`)
 * @horizontal_flip: flip left-right with probability ½
 * @vertical_flip: flip top-bottom with probability ½
 * @brightness_min: brightness factor range (Keras `brightness_range`); 1, 1 is off
 * @brightness_max: see @brightness_min
 * @channel_shift_range: pixel units 0..255, added per channel, uniform in ±range
 * @fill_mode: how points outside the image are filled (Keras `fill_mode`)
 * @fill_value: the value for %STRATA_FILL_CONSTANT, 0..255 (Keras `cval`)
 * @random_resized_crop: crop a random area and aspect ratio, then resize back
 *   (torchvision's RandomResizedCrop)
 * @crop_scale_min: smallest area of the crop, as a fraction of the image
 * @crop_scale_max: largest area of the crop
 * @crop_ratio_min: smallest width/height of the crop
 * @crop_ratio_max: largest width/height of the crop
 * @erasing_probability: chance of erasing one random rectangle (torchvision's RandomErasing);
 *   0 is off
 * @erasing_area_min: smallest erased area, fraction of the image
 * @erasing_area_max: largest erased area
 * @erasing_ratio_min: smallest aspect ratio of the rectangle
 * @erasing_ratio_max: largest aspect ratio
 * @erasing_value: the value written, 0..255
 *
 * A plain copy of a stage's settings, for the loader threads.
 */
typedef struct
{
  guint first_epoch;
  double rotation_range;
  double width_shift_range;
  double height_shift_range;
  double shear_range;
  double zoom_range;
  gboolean horizontal_flip;
  gboolean vertical_flip;
  double brightness_min;
  double brightness_max;
  double channel_shift_range;
  int fill_mode;
  double fill_value;
  gboolean random_resized_crop;
  double crop_scale_min;
  double crop_scale_max;
  double crop_ratio_min;
  double crop_ratio_max;
  double erasing_probability;
  double erasing_area_min;
  double erasing_area_max;
  double erasing_ratio_min;
  double erasing_ratio_max;
  double erasing_value;
} StrataAugmentParams;

void     strata_augment_params_init_default (StrataAugmentParams       *params);
gboolean strata_augment_params_is_identity  (const StrataAugmentParams *params);

#define STRATA_TYPE_AUGMENTATION (strata_augmentation_get_type ())

G_DECLARE_FINAL_TYPE (StrataAugmentation, strata_augmentation, STRATA, AUGMENTATION, GObject)

StrataAugmentation *strata_augmentation_new         (void);
StrataAugmentation *strata_augmentation_copy        (StrataAugmentation  *self);
void                strata_augmentation_get_params  (StrataAugmentation  *self,
                                                     StrataAugmentParams *params);
void                strata_augmentation_set_params  (StrataAugmentation  *self,
                                                     const StrataAugmentParams *params);
guint               strata_augmentation_get_first_epoch (StrataAugmentation *self);
void                strata_augmentation_set_first_epoch (StrataAugmentation *self,
                                                         guint               first_epoch);
const char         *strata_augmentation_get_label   (StrataAugmentation  *self);
gboolean            strata_augmentation_is_identity (StrataAugmentation  *self);

G_END_DECLS
