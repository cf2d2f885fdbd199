/* strata-run-comparison.h: runs side by side: their figures and the settings that differ
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_RUN_COMPARISON (strata_run_comparison_get_type ())

G_DECLARE_FINAL_TYPE (StrataRunComparison, strata_run_comparison, STRATA, RUN_COMPARISON,
                      GtkWidget)

void      strata_run_comparison_set_runs        (StrataRunComparison *self,
                                                 StrataProject       *project,
                                                 const char *const   *runs);
JsonNode *strata_run_comparison_dup_test_state  (StrataRunComparison *self);

G_END_DECLS
