/* strata-training-page.h: the Training page: start, stop and resume runs, live plots
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_TRAINING_PAGE (strata_training_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataTrainingPage, strata_training_page, STRATA, TRAINING_PAGE, GtkWidget)

void        strata_training_page_set_project      (StrataTrainingPage *self,
                                                   StrataProject      *project);
void        strata_training_page_start            (StrataTrainingPage *self,
                                                   gboolean            resume);
void        strata_training_page_stop             (StrataTrainingPage *self);
gboolean    strata_training_page_get_running      (StrataTrainingPage *self);
gboolean    strata_training_page_get_can_resume   (StrataTrainingPage *self);
const char *strata_training_page_get_run_name     (StrataTrainingPage *self);
gboolean    strata_training_page_set_init_from    (StrataTrainingPage *self,
                                                   const char         *init_from);
JsonNode   *strata_training_page_dup_test_state   (StrataTrainingPage *self);
void        strata_training_page_add_test_widgets (StrataTrainingPage *self,
                                                   JsonBuilder        *builder);

G_END_DECLS
