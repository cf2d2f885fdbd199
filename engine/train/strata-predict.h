/* strata-predict.h: a run's model on image files: the most likely classes of each
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_PREDICT_MAX_TOP 10

/**
 * StrataImagePrediction:
 * @path: the image file
 * @error: (nullable): why the image could not be classified; the rest is then unset
 * @top_class: the most likely classes, most likely first; -1 past the number of classes
 * @top_probability: their probabilities
 */
typedef struct
{
  char *path;
  GError *error;
  gint32 top_class[STRATA_PREDICT_MAX_TOP];
  float top_probability[STRATA_PREDICT_MAX_TOP];
} StrataImagePrediction;

/**
 * StrataPredictions:
 * @run: the run whose weights were used
 * @weights: "best" or "last"
 * @classes: the class names, in the model's output order
 * @n_classes: how many
 * @top_k: how many classes each prediction lists
 * @n: how many images
 * @items: (array length=n): one prediction per image, in the order given
 */
typedef struct
{
  char *run;
  char *weights;
  GStrv classes;
  guint n_classes;
  guint top_k;
  guint n;
  StrataImagePrediction *items;
} StrataPredictions;

StrataPredictions *strata_predict_images    (StrataProject       *project,
                                             const char          *run,
                                             const char          *weights,
                                             const char * const  *paths,
                                             guint                top_k,
                                             GCancellable        *cancellable,
                                             GError             **error);
void               strata_predictions_free  (StrataPredictions   *self);
JsonNode          *strata_predictions_to_json (const StrataPredictions *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataPredictions, strata_predictions_free)

G_END_DECLS
