/* strata-runs.h: a project's runs as a whole: rename, delete with undo, compare settings
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

/* Deleted runs wait in NAME.runs/.trash/ (run names never start with a dot). */
#define STRATA_RUNS_TRASH_DIR ".trash"

gboolean   strata_runs_rename      (StrataProject  *project,
                                    const char     *name,
                                    const char     *new_name,
                                    GError        **error);
char      *strata_runs_trash       (StrataProject  *project,
                                    const char     *name,
                                    GError        **error);
char      *strata_runs_restore     (StrataProject  *project,
                                    const char     *trash_id,
                                    GError        **error);
gboolean   strata_runs_empty_trash (StrataProject  *project,
                                    GError        **error);

/**
 * StrataSettingsChange:
 * @key: where the values differ, as a path: "hyperparameters.learning_rate",
 *   "dataset.augmentation[0].rotation_range", "model.nodes.conv2d.params.filters" (nodes
 *   are keyed by id), "model.links"
 * @before: (nullable): the value in the first settings; %NULL when it has none (added)
 * @after: (nullable): the value in the second; %NULL when it has none (removed)
 */
typedef struct
{
  char *key;
  JsonNode *before;
  JsonNode *after;
} StrataSettingsChange;

void       strata_settings_change_free (StrataSettingsChange *change);
GPtrArray *strata_settings_diff        (JsonNode             *a,
                                        JsonNode             *b);
GPtrArray *strata_runs_diff            (StrataProject        *project,
                                        const char           *run_a,
                                        const char           *run_b,
                                        GError              **error);
JsonNode  *strata_settings_diff_to_json (GPtrArray           *changes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSettingsChange, strata_settings_change_free)

G_END_DECLS
