/* strata-thumbnail.h: a dataset image as a texture, read in a worker thread
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-dataset.h"

G_BEGIN_DECLS

GBytes     *strata_thumbnail_load     (StrataDataset *dataset,
                                       StrataSplit    split,
                                       guint          index,
                                       GError       **error);
GdkTexture *strata_thumbnail_texture  (StrataDataset *dataset,
                                       GBytes        *rgb);
StrataDataset *strata_thumbnail_open_dataset (JsonNode    *run_settings,
                                              const char  *base_dir,
                                              GError     **error);

G_END_DECLS
