/* strata-hyperparams-page.h: the Hyperparameters page: optimizer, schedule, epochs, batch
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_HYPERPARAMS_PAGE (strata_hyperparams_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataHyperparamsPage, strata_hyperparams_page, STRATA, HYPERPARAMS_PAGE,
                      AdwPreferencesPage)

void strata_hyperparams_page_set_project      (StrataHyperparamsPage *self,
                                               StrataProject         *project);
void strata_hyperparams_page_add_test_widgets (StrataHyperparamsPage *self,
                                               JsonBuilder           *builder);

G_END_DECLS
