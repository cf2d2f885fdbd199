/* strata-evaluate.h: a run's figures on a split: loss, accuracy, top-k, confusion, per class
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-dataset.h"
#include "strata-project.h"

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
 */
typedef struct
{
  guint item;
  gint32 label;
  gint32 predicted;
  float loss;
  gint32 top_class[STRATA_EVALUATION_TOP];
  float top_probability[STRATA_EVALUATION_TOP];
} StrataPrediction;

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
} StrataEvaluation;

StrataEvaluation *strata_evaluate                (StrataProject          *project,
                                                  const char             *run,
                                                  StrataSplit             split,
                                                  const char             *weights,
                                                  GCancellable           *cancellable,
                                                  GError                **error);
void              strata_evaluation_free         (StrataEvaluation       *self);
JsonNode         *strata_evaluation_to_json      (const StrataEvaluation *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataEvaluation, strata_evaluation_free)

G_END_DECLS
