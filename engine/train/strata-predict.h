/* strata-predict.h: a run's model on image files or a whole split, and predictions as CSV
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "strata-dataset.h"
#include "strata-model.h"
#include "strata-progress.h"
#include "strata-project.h"

G_BEGIN_DECLS

/**
 * StrataImagePrediction:
 * @path: (nullable): the file, as found; %NULL for an image of a dataset split
 * @name: how to show and write the image: the path relative to the folder it was found in,
 *   the path as given, or the split's image name ("Sandal/12.png", "test/45")
 * @label: the true class when known (a split), else -1
 * @n_classes: length of @probabilities
 * @probabilities: (nullable): every class's probability; %NULL when the image failed
 * @predicted: the most likely class, -1 when the image failed
 * @error: (nullable): why the image could not be read
 */
typedef struct
{
  char *path;
  char *name;
  gint32 label;
  guint n_classes;
  float *probabilities;
  gint32 predicted;
  char *error;
} StrataImagePrediction;

void      strata_image_prediction_free     (StrataImagePrediction *self);
guint     strata_image_prediction_get_top  (const StrataImagePrediction *self,
                                            guint                        k,
                                            gint32                      *classes,
                                            float                       *probabilities);

typedef struct _StrataPredictor StrataPredictor;

StrataPredictor       *strata_predictor_new                 (StrataProject   *project,
                                                             const char      *run,
                                                             const char      *weights,
                                                             GError         **error);
void                   strata_predictor_free                (StrataPredictor *self);
StrataModel           *strata_predictor_get_model           (StrataPredictor *self);
StrataDatasetSettings *strata_predictor_get_dataset_settings (StrataPredictor *self);
const char *const     *strata_predictor_get_classes         (StrataPredictor *self);
const char            *strata_predictor_get_weights         (StrataPredictor *self);
GPtrArray             *strata_predictor_predict_files       (StrataPredictor    *self,
                                                             const char *const  *paths,
                                                             GCancellable       *cancellable,
                                                             StrataProgressFunc  progress,
                                                             gpointer            progress_data,
                                                             GError            **error);
GPtrArray             *strata_predictor_predict_split       (StrataPredictor    *self,
                                                             StrataSplit         split,
                                                             GCancellable       *cancellable,
                                                             StrataProgressFunc  progress,
                                                             gpointer            progress_data,
                                                             GError            **error);
GPtrArray             *strata_predict_list_images           (const char *const  *paths,
                                                             GError            **error);

gboolean  strata_predictions_write_csv     (GPtrArray          *predictions,
                                            const char *const  *classes,
                                            const char         *path,
                                            GError            **error);
JsonNode *strata_image_prediction_to_json  (const StrataImagePrediction *self,
                                            const char *const           *classes,
                                            guint                        top_k);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataImagePrediction, strata_image_prediction_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataPredictor, strata_predictor_free)

G_END_DECLS
