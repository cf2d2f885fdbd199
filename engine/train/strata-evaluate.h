/* strata-evaluate.h: a run's figures on a split: loss, accuracy, top-k, confusion, per class
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-dataset.h"
#include "strata-progress.h"
#include "strata-project.h"
#include "strata-tta.h"

G_BEGIN_DECLS

#define STRATA_EVALUATION_TOP 3

/**
 * StrataPrediction:
 * @item: index of the image in its split
 * @label: the true class
 * @predicted: the most likely class
 * @loss: the image's cross-entropy loss
 * @top_class: the @STRATA_EVALUATION_TOP most likely classes, most likely first
 * @top_probability: their probabilities
 * @tta_predicted: with test-time augmentation, the most likely class of the averaged views;
 *   -1 without
 * @tta_loss: the loss of the averaged views (NAN without)
 */
typedef struct
{
  guint item;
  gint32 label;
  gint32 predicted;
  float loss;
  gint32 top_class[STRATA_EVALUATION_TOP];
  float top_probability[STRATA_EVALUATION_TOP];
  gint32 tta_predicted;
  float tta_loss;
} StrataPrediction;

/**
 * StrataEvaluateOptions:
 * @weights: (nullable): "best" or "last"; %NULL picks best when the run has it
 * @tta: test-time augmentation, measured beside the plain figures
 * @max_misclassified: how many misclassified images the JSON lists (worst first); 0 for all
 * @progress: (nullable): called after every batch, with images done and in the split
 * @progress_data: its data
 * @save_error: (nullable): where a failure to save the evaluation in the run goes, with the
 *   evaluation returned anyway (a full disk must not lose the figures just measured); when
 *   %NULL that failure fails the call
 */
typedef struct
{
  const char *weights;
  StrataTta tta;
  guint max_misclassified;
  StrataProgressFunc progress;
  gpointer progress_data;
  GError **save_error;
} StrataEvaluateOptions;

typedef struct
{
  char *run;
  char *weights;
  StrataSplit split;
  guint n_classes;
  GStrv classes;
  guint n;
  double loss;
  double accuracy;
  guint top_k;
  double top_k_accuracy;
  guint64 *confusion;         /* n_classes × n_classes, row: true class, column: predicted */
  double *precision;
  double *recall;
  double *f1;
  guint64 *support;
  StrataPrediction *predictions;   /* n of them, in split order */
  GStrv names;                     /* n image names ("Sandal/12.png", "test/45") */
  double *confusion_normalized;    /* each row divided by its sum: recall on the diagonal */
  guint *misclassified;            /* indices into predictions, highest loss first */
  guint n_misclassified;
  guint max_misclassified;
  StrataTta tta;
  guint tta_views;
  double tta_loss;                 /* with TTA: the figures of the averaged views */
  double tta_accuracy;
  double tta_top_k_accuracy;
  guint tta_fixed;                 /* images TTA turned from wrong to right */
  guint tta_broken;                /* and from right to wrong */
} StrataEvaluation;

StrataEvaluation *strata_evaluate                (StrataProject          *project,
                                                  const char             *run,
                                                  StrataSplit             split,
                                                  const char             *weights,
                                                  GCancellable           *cancellable,
                                                  GError                **error);
StrataEvaluation *strata_evaluate_full           (StrataProject               *project,
                                                  const char                  *run,
                                                  StrataSplit                  split,
                                                  const StrataEvaluateOptions *options,
                                                  GCancellable                *cancellable,
                                                  GError                     **error);
void              strata_evaluation_free         (StrataEvaluation       *self);
JsonNode         *strata_evaluation_to_json      (const StrataEvaluation *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataEvaluation, strata_evaluation_free)

G_END_DECLS
