/* strata-project.h: the .strata document: data, model, hyperparameters and runs
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-dataset-settings.h"
#include "strata-graph.h"
#include "strata-hyperparams.h"

G_BEGIN_DECLS

#define STRATA_PROJECT_FORMAT_VERSION 1

#define STRATA_PROJECT_ERROR (strata_project_error_quark ())

typedef enum
{
  STRATA_PROJECT_ERROR_MALFORMED,    /* not JSON, or not a project */
  STRATA_PROJECT_ERROR_TOO_NEW,      /* written by a newer Strata */
  STRATA_PROJECT_ERROR_NOT_FOUND,    /* no such file, example or run */
} StrataProjectError;

GQuark strata_project_error_quark (void);

#define STRATA_TYPE_PROJECT (strata_project_get_type ())

G_DECLARE_FINAL_TYPE (StrataProject, strata_project, STRATA, PROJECT, GObject)

StrataProject         *strata_project_new                (void);
StrataProject         *strata_project_new_example        (const char     *example,
                                                          GError        **error);
StrataProject         *strata_project_new_for_dataset    (const char     *data_path,
                                                          const char     *project_dir,
                                                          GError        **error);
StrataProject         *strata_project_load               (const char     *path,
                                                          GError        **error);
StrataProject         *strata_project_load_from_data     (const char     *data,
                                                          gssize          length,
                                                          const char     *path,
                                                          GError        **error);
gboolean               strata_project_save               (StrataProject  *self,
                                                          GError        **error);
gboolean               strata_project_save_as            (StrataProject  *self,
                                                          const char     *path,
                                                          GError        **error);
char                  *strata_project_to_data            (StrataProject  *self,
                                                          gsize          *length);
JsonNode              *strata_project_dup_settings_json  (StrataProject  *self);
const char            *strata_project_get_path           (StrataProject  *self);
char                  *strata_project_dup_name           (StrataProject  *self);
char                  *strata_project_dup_base_dir       (StrataProject  *self);
char                  *strata_project_dup_runs_dir       (StrataProject  *self);
gboolean               strata_project_get_modified       (StrataProject  *self);
void                   strata_project_set_modified       (StrataProject  *self,
                                                          gboolean        modified);
StrataGraph           *strata_project_get_graph          (StrataProject  *self);
StrataDatasetSettings *strata_project_get_dataset        (StrataProject  *self);
StrataHyperparams     *strata_project_get_hyperparams    (StrataProject  *self);
GStrv                  strata_project_dup_run_names      (StrataProject  *self);
void                   strata_project_add_run            (StrataProject  *self,
                                                          const char     *name);
gboolean               strata_project_remove_run         (StrataProject  *self,
                                                          const char     *name);
gboolean               strata_project_rename_run         (StrataProject  *self,
                                                          const char     *name,
                                                          const char     *new_name);
char                  *strata_project_dup_new_run_name   (StrataProject  *self);

gboolean               strata_settings_parse             (JsonNode               *settings,
                                                          StrataDatasetSettings **dataset,
                                                          StrataGraph           **graph,
                                                          StrataHyperparams     **hyperparams,
                                                          GError                **error);

G_END_DECLS
