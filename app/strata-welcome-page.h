/* strata-welcome-page.h: what an empty window offers: the example, Open, recent projects
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define STRATA_TYPE_WELCOME_PAGE (strata_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataWelcomePage, strata_welcome_page, STRATA, WELCOME_PAGE, GtkWidget)

void strata_welcome_page_add_test_widgets (StrataWelcomePage *self,
                                           JsonBuilder       *builder);

G_END_DECLS
