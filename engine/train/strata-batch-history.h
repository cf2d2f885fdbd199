/* strata-batch-history.h: a run's per-batch loss and accuracy, downsampled to a bounded size
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the file beside the checkpoints in a run's folder */
#define STRATA_BATCH_HISTORY_FILE "batches.json"
#define STRATA_BATCH_HISTORY_MAX_POINTS 4096

/**
 * StrataBatchPoint:
 * @step: the optimizer step of the last batch in the point
 * @x: where that batch ends, in epochs: 2.5 is half-way through the third epoch
 * @loss: the mean loss of the point's batches
 * @accuracy: their mean training accuracy, 0 to 1
 * @count: how many batches the point stands for
 */
typedef struct
{
  gint64 step;
  double x;
  double loss;
  double accuracy;
  guint count;
} StrataBatchPoint;

typedef struct _StrataBatchHistory StrataBatchHistory;

StrataBatchHistory *strata_batch_history_new        (guint                max_points);
void                strata_batch_history_free       (StrataBatchHistory  *self);
void                strata_batch_history_add        (StrataBatchHistory  *self,
                                                     gint64               step,
                                                     double               x,
                                                     double               loss,
                                                     double               accuracy);
void                strata_batch_history_truncate   (StrataBatchHistory  *self,
                                                     gint64               step);
guint               strata_batch_history_get_stride (StrataBatchHistory  *self);
guint64             strata_batch_history_get_n_batches (StrataBatchHistory *self);
GArray             *strata_batch_history_dup_points (StrataBatchHistory  *self);
char               *strata_batch_history_to_data    (StrataBatchHistory  *self,
                                                     gsize               *length);
StrataBatchHistory *strata_batch_history_new_from_data (const char       *data,
                                                     gssize               length,
                                                     guint                max_points,
                                                     GError             **error);
gboolean            strata_batch_history_save       (StrataBatchHistory  *self,
                                                     const char          *path,
                                                     GError             **error);
StrataBatchHistory *strata_batch_history_load       (const char          *path,
                                                     guint                max_points,
                                                     GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataBatchHistory, strata_batch_history_free)

G_END_DECLS
