/* strata-evaluation-view.h: a run's evaluation: options, figures, confusion, galleries, export
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_EVALUATION_VIEW (strata_evaluation_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataEvaluationView, strata_evaluation_view, STRATA, EVALUATION_VIEW, GtkWidget)

void strata_evaluation_view_set_run           (StrataEvaluationView *self,
                                               StrataProject        *project,
                                               const char           *run);
void strata_evaluation_view_add_test_widgets  (StrataEvaluationView *self,
                                               JsonBuilder          *builder);

G_END_DECLS
