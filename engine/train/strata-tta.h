/* strata-tta.h: test-time augmentation: the views of an image whose predictions are averaged
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * StrataTta:
 * @STRATA_TTA_NONE: the image as it is
 * @STRATA_TTA_FLIP: also its mirror image (left-right)
 * @STRATA_TTA_CROPS: also five crops of %STRATA_TTA_CROP_FRACTION of each side (the four
 *   corners and the centre), each scaled back to the full size
 *
 * With both, every crop is also mirrored: 12 views.
 */
typedef enum
{
  STRATA_TTA_NONE = 0,
  STRATA_TTA_FLIP = 1 << 0,
  STRATA_TTA_CROPS = 1 << 1,
} StrataTta;

#define STRATA_TTA_CROP_FRACTION 0.875

guint       strata_tta_get_n_views  (StrataTta     tta);
void        strata_tta_make_view    (StrataTta     tta,
                                     guint         view,
                                     const float  *src,
                                     int           height,
                                     int           width,
                                     int           channels,
                                     float        *dst);
const char *strata_tta_to_string    (StrataTta     tta);
gboolean    strata_tta_from_string  (const char   *text,
                                     StrataTta    *tta);

G_END_DECLS
