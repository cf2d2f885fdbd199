/* strata-dataset-private.h: what the loader and the inspector use of a dataset
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-augmentation.h"
#include "strata-dataset.h"
#include "strata-source.h"
#include "strata-source-files.h"

G_BEGIN_DECLS

/* Scratch memory of one thread filling images: reused from image to image. */
typedef struct
{
  guint8 *pixels;          /* W × H × C */
  float *work;             /* W × H × C */
  float *tmp;              /* W × H × C */
} StrataFillScratch;

void                       _strata_fill_scratch_init     (StrataFillScratch   *scratch,
                                                          StrataDataset       *dataset);
void                       _strata_fill_scratch_clear    (StrataFillScratch   *scratch);

/* lowers the bound on the files and folders a folder source lists, for tests */
void                       _strata_source_files_set_max_entries (StrataSourceFiles *self,
                                                                 guint              max_entries);

StrataSource              *_strata_dataset_get_source    (StrataDataset       *self);
guint                      _strata_dataset_get_source_index (StrataDataset    *self,
                                                             StrataSplit       split,
                                                             guint             index);
const StrataAugmentParams *_strata_dataset_get_stage     (StrataDataset       *self,
                                                          int                  epoch);
gboolean                   _strata_dataset_get_pixels    (StrataDataset       *self,
                                                          guint                source_index,
                                                          guint8              *dst,
                                                          GError             **error);
gboolean                   _strata_dataset_fill          (StrataDataset       *self,
                                                          guint                source_index,
                                                          const StrataAugmentParams *stage,
                                                          guint64              seed,
                                                          int                  epoch,
                                                          StrataFillScratch   *scratch,
                                                          float               *dst,
                                                          GError             **error);
guint                      _strata_dataset_get_n_cached  (StrataDataset       *self);
void                       _strata_dataset_report_bad    (StrataDataset       *self,
                                                          guint                source_index,
                                                          const GError        *error);

G_END_DECLS
