/* strata-dataset.h: a data source split into train, validation and test
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "strata-dataset-settings.h"

G_BEGIN_DECLS

#define STRATA_DATASET_ERROR (strata_dataset_error_quark ())

typedef enum
{
  STRATA_DATASET_ERROR_NOT_FOUND,     /* a file or folder is missing */
  STRATA_DATASET_ERROR_CORRUPT,       /* a file is not what it claims */
  STRATA_DATASET_ERROR_INVALID,       /* settings or contents don't make a dataset */
  STRATA_DATASET_ERROR_PARSE,         /* the settings' JSON is malformed or from a newer version */
} StrataDatasetError;

GQuark strata_dataset_error_quark (void);

/* More classes than any real classifier has (ImageNet-21k has 21 841): a list this long is a
 * damaged or hostile file, refused with a message rather than worked through. */
#define STRATA_DATASET_MAX_CLASSES 1000000

typedef enum
{
  STRATA_SPLIT_TRAIN,
  STRATA_SPLIT_VALIDATION,
  STRATA_SPLIT_TEST,
  STRATA_N_SPLITS
} StrataSplit;

const char *strata_split_to_string   (StrataSplit  split);
gboolean    strata_split_from_string (const char  *text,
                                      StrataSplit *split);

/* StrataDatasetSettings (strata-dataset-settings.h): what the project file says about the
 * data: the source, how to split it, the image size and normalisation the model sees, and
 * the augmentation schedule. Properties, so that the Data page can bind to them. */

#define STRATA_TYPE_DATASET (strata_dataset_get_type ())

G_DECLARE_FINAL_TYPE (StrataDataset, strata_dataset, STRATA, DATASET, GObject)

StrataDataset      *strata_dataset_open            (StrataDatasetSettings *settings,
                                                    const char            *base_dir,
                                                    GCancellable          *cancellable,
                                                    GError               **error);
guint               strata_dataset_get_n_classes   (StrataDataset         *self);
const char *const  *strata_dataset_get_class_names (StrataDataset         *self);
guint               strata_dataset_get_n_items     (StrataDataset         *self,
                                                    StrataSplit            split);
gint32              strata_dataset_get_label       (StrataDataset         *self,
                                                    StrataSplit            split,
                                                    guint                  index);
char               *strata_dataset_dup_item_name   (StrataDataset         *self,
                                                    StrataSplit            split,
                                                    guint                  index);
StrataDatasetSettings *strata_dataset_get_settings (StrataDataset         *self);
void                strata_dataset_get_image_size  (StrataDataset         *self,
                                                    guint                 *width,
                                                    guint                 *height,
                                                    guint                 *channels);
gsize               strata_dataset_get_image_n_floats (StrataDataset      *self);
void                strata_dataset_count_classes   (StrataDataset         *self,
                                                    StrataSplit            split,
                                                    guint                 *counts);
gboolean            strata_dataset_load_image      (StrataDataset         *self,
                                                    StrataSplit            split,
                                                    guint                  index,
                                                    int                    epoch,
                                                    guint64                seed,
                                                    gboolean               augment,
                                                    float                 *dst,
                                                    GError               **error);
gboolean            strata_dataset_load_preview    (StrataDataset         *self,
                                                    StrataSplit            split,
                                                    guint                  index,
                                                    int                    epoch,
                                                    guint64                seed,
                                                    gboolean               augment,
                                                    guint8                *dst,
                                                    GError               **error);
gboolean            strata_dataset_has_augmentation (StrataDataset        *self,
                                                     int                   epoch);
guint               strata_dataset_get_n_problems  (StrataDataset         *self);
char              **strata_dataset_dup_problems    (StrataDataset         *self);

/* One image file outside the dataset, prepared as the model sees it (for predictions) */
gboolean            strata_preprocess_image_file   (StrataDatasetSettings *settings,
                                                    const char            *path,
                                                    float                 *dst,
                                                    GError               **error);

/* Loader: batches of preprocessed float images (NHWC) with their labels ------------------- */

typedef struct _StrataLoader StrataLoader;

/**
 * StrataLoaderOptions:
 * @batch: images per batch (the last one may be short)
 * @shuffle: reshuffle every epoch, reproducibly from @seed and the epoch
 * @augment: apply the settings' augmentation schedule for the epoch
 * @seed: the run's seed
 * @n_threads: decode threads; 0 picks from the machine
 *
 * Epochs are counted from 0 in the loader's API (strata_loader_start_epoch()); the
 * augmentation stages' first epochs count from 1, as users do: epoch index 3 is the fourth
 * epoch. Batch b of epoch e holds the same images, augmented the same way, whatever the
 * number of threads.
 */
typedef struct
{
  guint batch;
  gboolean shuffle;
  gboolean augment;
  guint64 seed;
  guint n_threads;
} StrataLoaderOptions;

StrataLoader *strata_loader_new             (StrataDataset             *dataset,
                                             StrataSplit                split,
                                             const StrataLoaderOptions *options,
                                             GError                   **error);
void          strata_loader_free            (StrataLoader              *self);
guint         strata_loader_get_n_batches   (StrataLoader              *self);
void          strata_loader_start_epoch     (StrataLoader              *self,
                                             int                        epoch,
                                             guint                      first_batch);
gboolean      strata_loader_next            (StrataLoader              *self,
                                             float                     *images,
                                             gint32                    *labels,
                                             guint                     *n,
                                             GError                   **error);
const guint  *strata_loader_get_batch_items (StrataLoader              *self);
void          strata_loader_set_skip_images (StrataLoader              *self,
                                             gboolean                   skip);
guint         strata_loader_get_position    (StrataLoader              *self,
                                             int                       *epoch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLoader, strata_loader_free)

G_END_DECLS
