/* strata-session.h: what a run's settings build: the dataset, the model and its hyperparameters
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "strata-dataset.h"
#include "strata-dataset-settings.h"
#include "strata-hyperparams.h"
#include "strata-model.h"

G_BEGIN_DECLS

typedef struct _StrataSession StrataSession;

StrataSession         *strata_session_new                  (JsonNode      *settings,
                                                            const char    *base_dir,
                                                            GError       **error);
void                   strata_session_free                 (StrataSession *self);
StrataDataset         *strata_session_get_dataset          (StrataSession *self);
StrataDatasetSettings *strata_session_get_dataset_settings (StrataSession *self);
StrataModel           *strata_session_get_model            (StrataSession *self);
StrataHyperparams     *strata_session_get_hyperparams      (StrataSession *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataSession, strata_session_free)

G_END_DECLS
