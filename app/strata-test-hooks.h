/* strata-test-hooks.h: what the real-window tests read from a running app
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "strata-application.h"
#include "strata-window.h"

G_BEGIN_DECLS

void strata_test_hooks_init         (StrataApplication *app);
void strata_test_hooks_add_widget   (JsonBuilder       *builder,
                                     const char        *name,
                                     GtkWidget         *widget);

G_END_DECLS
