/* strata-split-private.h: assigning images to train, validation and test
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  int label;               /* dataset class, or -1: not in the dataset */
  int fixed_split;         /* a StrataSplit the source decided, or -1 */
  guint64 content_hash;
} StrataSplitInput;

typedef struct
{
  StrataSplitBy by;
  double validation_fraction;
  double test_fraction;
  guint validation_count;
  guint test_count;
  guint64 seed;
  gboolean exact;          /* cut each class at exact counts (fixed sources) */
} StrataSplitParams;

void   _strata_split_assign        (const StrataSplitInput  *items,
                                    guint                    n_items,
                                    guint                    n_classes,
                                    const StrataSplitParams *params,
                                    int                     *splits);
double _strata_split_position      (guint64                  seed,
                                    guint64                  content_hash);

G_END_DECLS
