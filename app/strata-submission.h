/* strata-submission.h: a run exported as a submission zip, in a worker thread
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-export.h"
#include "strata-project.h"

G_BEGIN_DECLS

typedef void (*StrataSubmissionStage) (const char *stage,
                                       gpointer    user_data);

void                strata_submission_export_async  (StrataProject         *project,
                                                     const char            *run,
                                                     const char            *path,
                                                     GCancellable          *cancellable,
                                                     StrataSubmissionStage  stage,
                                                     gpointer               stage_data,
                                                     GAsyncReadyCallback    callback,
                                                     gpointer               user_data);
StrataExportResult *strata_submission_export_finish (GAsyncResult          *result,
                                                     GError               **error);
char               *strata_submission_describe      (const StrataExportResult *result);

G_END_DECLS
