/* strata-data-page.h: the Data page: where the images come from and what the model sees
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-project.h"
#include "strata-undo-manager.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DATA_PAGE (strata_data_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataDataPage, strata_data_page, STRATA, DATA_PAGE, AdwPreferencesPage)

void strata_data_page_set_project      (StrataDataPage    *self,
                                        StrataProject     *project);
void strata_data_page_set_undo_manager (StrataDataPage    *self,
                                        StrataUndoManager *undo);
void strata_data_page_add_test_widgets (StrataDataPage    *self,
                                        JsonBuilder       *builder);

G_END_DECLS
