/* strata-export-pytorch.h: a run as a PyTorch project for DistributedDataParallel training
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-progress.h"
#include "strata-project.h"

G_BEGIN_DECLS

/**
 * StrataPytorchExportOptions:
 * @weights: (nullable): "best" or "last": the weights training starts from; %NULL takes
 *   last
 * @max_images: at most this many images per split, spread evenly over it (for trials and
 *   tests); 0 for all
 * @progress: (nullable): reports each stage
 * @progress_data: its data
 */
typedef struct
{
  const char *weights;
  guint max_images;
  StrataProgressFunc progress;
  gpointer progress_data;
} StrataPytorchExportOptions;

gboolean strata_export_pytorch (StrataProject                    *project,
                                const char                       *run,
                                const char                       *dir,
                                const StrataPytorchExportOptions *options,
                                GCancellable                     *cancellable,
                                GError                          **error);

G_END_DECLS
