/* strata-run.h: one training run's folder: settings, metrics, checkpoints, evaluations
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define STRATA_RUN_ERROR (strata_run_error_quark ())

typedef enum
{
  STRATA_RUN_ERROR_NOT_FOUND,
  STRATA_RUN_ERROR_EXISTS,
  STRATA_RUN_ERROR_CORRUPT,
  STRATA_RUN_ERROR_BAD_NAME,
  STRATA_RUN_ERROR_BUSY,
} StrataRunError;

GQuark strata_run_error_quark (void);

#define STRATA_TYPE_RUN (strata_run_get_type ())

G_DECLARE_FINAL_TYPE (StrataRun, strata_run, STRATA, RUN, GObject)

gboolean     strata_run_name_is_valid        (const char  *name);
void         strata_run_remove_unfinished    (const char  *runs_dir,
                                              const char  *name);
StrataRun   *strata_run_create               (const char  *runs_dir,
                                              const char  *name,
                                              JsonNode    *settings,
                                              GError     **error);
StrataRun   *strata_run_open                 (const char  *runs_dir,
                                              const char  *name,
                                              GError     **error);
gboolean     strata_run_lock                 (StrataRun   *self,
                                              GError     **error);
const char  *strata_run_get_status           (StrataRun   *self);
const char  *strata_run_get_name             (StrataRun   *self);
const char  *strata_run_get_dir              (StrataRun   *self);
char        *strata_run_dup_path             (StrataRun   *self,
                                              const char  *file);
JsonNode    *strata_run_get_settings         (StrataRun   *self);
gboolean     strata_run_set_settings         (StrataRun   *self,
                                              JsonNode    *settings,
                                              GError     **error);
JsonObject  *strata_run_get_info             (StrataRun   *self);
gboolean     strata_run_save_info            (StrataRun   *self,
                                              GError     **error);
gboolean     strata_run_append_metrics       (StrataRun   *self,
                                              JsonNode    *record,
                                              GError     **error);
GPtrArray   *strata_run_read_metrics         (StrataRun   *self,
                                              GError     **error);
gboolean     strata_run_truncate_metrics     (StrataRun   *self,
                                              int          last_epoch,
                                              GError     **error);
gboolean     strata_run_has_checkpoint       (StrataRun   *self,
                                              const char  *which);
char        *strata_run_dup_checkpoint_path  (StrataRun   *self,
                                              const char  *which);

G_END_DECLS
