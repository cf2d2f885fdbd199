/* strata-augmentation-row.h: one stage of the augmentation schedule, as an expander row
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-augmentation.h"

G_BEGIN_DECLS

#define STRATA_TYPE_AUGMENTATION_ROW (strata_augmentation_row_get_type ())

G_DECLARE_FINAL_TYPE (StrataAugmentationRow, strata_augmentation_row, STRATA, AUGMENTATION_ROW,
                      AdwExpanderRow)

GtkWidget          *strata_augmentation_row_new       (StrataAugmentation    *stage);
StrataAugmentation *strata_augmentation_row_get_stage (StrataAugmentationRow *self);

G_END_DECLS
