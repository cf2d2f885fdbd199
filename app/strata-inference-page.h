/* strata-inference-page.h: the Inference page: a trained run classifies image files
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_INFERENCE_PAGE (strata_inference_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataInferencePage, strata_inference_page, STRATA, INFERENCE_PAGE, GtkWidget)

void strata_inference_page_set_project (StrataInferencePage *self,
                                        StrataProject       *project);
void strata_inference_page_refresh     (StrataInferencePage *self);
void strata_inference_page_predict     (StrataInferencePage *self,
                                        const char * const  *paths);
void strata_inference_page_add_test_widgets (StrataInferencePage *self,
                                             JsonBuilder         *builder);

G_END_DECLS
