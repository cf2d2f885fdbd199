/* strata-dataset-inspect.h: what is in a dataset: counts, imbalance, bad files, duplicates
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-dataset.h"

G_BEGIN_DECLS

/**
 * StrataDuplicateImage:
 * @name: the image's name in the source
 * @split: where the split put it
 * @label: its class
 */
typedef struct
{
  char *name;
  StrataSplit split;
  gint32 label;
} StrataDuplicateImage;

/**
 * StrataDuplicateGroup:
 * @exact: the files are identical; otherwise they look alike (perceptual hash and a small
 *   difference of thumbnails)
 * @images: (element-type StrataDuplicateImage): the members
 * @straddles_splits: members are in more than one split: validation or test figures flatter
 *   the model
 * @conflicting_labels: members have different classes
 */
typedef struct
{
  gboolean exact;
  GArray *images;
  gboolean straddles_splits;
  gboolean conflicting_labels;
} StrataDuplicateGroup;

/**
 * StrataUnreadableImage:
 * @name: the image's name in the source
 * @split: its split
 * @message: why it could not be read
 */
typedef struct
{
  char *name;
  StrataSplit split;
  char *message;
} StrataUnreadableImage;

/**
 * StrataDatasetReport:
 * @n_classes: number of classes
 * @class_names: the classes
 * @counts: readable images per class and split: counts[class * STRATA_N_SPLITS + split]
 * @totals: readable images per split
 * @imbalance: the largest class's training images over the smallest's (0 when a class has
 *   none)
 * @problems: what the source left out while listing (missing files, bad rows, …)
 * @unreadable: (element-type StrataUnreadableImage): images that failed to decode
 * @duplicates: (element-type StrataDuplicateGroup): exact duplicates first, then near ones
 * @n_unreadable: per split, the images that failed to decode: in no class's count, as
 *   training skips them
 *
 * The answer of strata_dataset_inspect().
 */
typedef struct
{
  guint n_classes;
  char **class_names;
  guint *counts;
  guint totals[STRATA_N_SPLITS];
  double imbalance;
  char **problems;
  GPtrArray *unreadable;
  GPtrArray *duplicates;
  guint n_unreadable[STRATA_N_SPLITS];
} StrataDatasetReport;

typedef void (*StrataProgressFunc) (double   fraction,
                                    gpointer user_data);

StrataDatasetReport *strata_dataset_inspect         (StrataDataset             *dataset,
                                                     StrataProgressFunc         progress,
                                                     gpointer                   user_data,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
void                 strata_dataset_report_free     (StrataDatasetReport       *report);
JsonNode            *strata_dataset_report_to_json  (const StrataDatasetReport *report);
guint                strata_dataset_report_count    (const StrataDatasetReport *report,
                                                     guint                      class_index,
                                                     StrataSplit                split);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDatasetReport, strata_dataset_report_free)

G_END_DECLS
