/* strata-results-page.h: the Results page: runs, their curves, evaluation on the test split
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_RESULTS_PAGE (strata_results_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataResultsPage, strata_results_page, STRATA, RESULTS_PAGE, GtkWidget)

void strata_results_page_set_project      (StrataResultsPage *self,
                                           StrataProject     *project);
void strata_results_page_set_training_run (StrataResultsPage *self,
                                           const char        *run);
void strata_results_page_refresh          (StrataResultsPage *self);

JsonNode *strata_results_page_dup_test_state   (StrataResultsPage *self);
void      strata_results_page_add_test_widgets (StrataResultsPage *self,
                                                JsonBuilder       *builder);

G_END_DECLS
