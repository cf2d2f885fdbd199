/* strata-dataset-settings.h: what the project says about the data
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "strata-augmentation.h"
#include "strata-dataset-enums.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DATASET_SETTINGS (strata_dataset_settings_get_type ())

G_DECLARE_FINAL_TYPE (StrataDatasetSettings, strata_dataset_settings, STRATA, DATASET_SETTINGS,
                      GObject)

StrataDatasetSettings *strata_dataset_settings_new               (void);
StrataDatasetSettings *strata_dataset_settings_new_fashion_mnist (void);
StrataDatasetSettings *strata_dataset_settings_new_from_json     (JsonNode              *node,
                                                                  GError               **error);
StrataDatasetSettings *strata_dataset_settings_new_for_path      (const char            *path,
                                                                  GError               **error);
void                   strata_dataset_settings_make_path_relative (StrataDatasetSettings *self,
                                                                   const char            *project_dir);
JsonNode              *strata_dataset_settings_to_json           (StrataDatasetSettings *self);
StrataDatasetSettings *strata_dataset_settings_copy              (StrataDatasetSettings *self);
gboolean               strata_dataset_settings_validate          (StrataDatasetSettings *self,
                                                                  GError               **error);
char                  *strata_dataset_settings_dup_source_path   (StrataDatasetSettings *self,
                                                                  const char            *base_dir);

StrataSourceKind       strata_dataset_settings_get_source_kind   (StrataDatasetSettings *self);
const char            *strata_dataset_settings_get_source_path   (StrataDatasetSettings *self);
guint                  strata_dataset_settings_get_image_width   (StrataDatasetSettings *self);
guint                  strata_dataset_settings_get_image_height  (StrataDatasetSettings *self);
guint                  strata_dataset_settings_get_image_channels (StrataDatasetSettings *self);
StrataNormalization    strata_dataset_settings_get_normalization (StrataDatasetSettings *self);
guint64                strata_dataset_settings_get_split_seed    (StrataDatasetSettings *self);
void                   strata_dataset_settings_get_normalization_constants
                                                                 (StrataDatasetSettings *self,
                                                                  float                  scale[3],
                                                                  float                  offset[3],
                                                                  gboolean              *bgr);

/* The augmentation schedule: stages of StrataAugmentation, each from its first epoch on. */
GListModel            *strata_dataset_settings_get_augmentation  (StrataDatasetSettings *self);
void                   strata_dataset_settings_add_stage         (StrataDatasetSettings *self,
                                                                  StrataAugmentation    *stage);
void                   strata_dataset_settings_remove_stage      (StrataDatasetSettings *self,
                                                                  guint                  position);
void                   strata_dataset_settings_clear_stages      (StrataDatasetSettings *self);
StrataAugmentation    *strata_dataset_settings_get_stage_for_epoch (StrataDatasetSettings *self,
                                                                    int                    epoch);

G_END_DECLS
