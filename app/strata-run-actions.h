/* strata-run-actions.h: what the Results page does to a run: rename it, delete it with undo
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-project.h"

G_BEGIN_DECLS

void strata_run_actions_rename        (GtkWidget     *parent,
                                       StrataProject *project,
                                       const char    *run);
void strata_run_actions_delete        (GtkWidget     *parent,
                                       StrataProject *project,
                                       const char    *run);
void strata_run_actions_flush_deleted (StrataProject *project);

G_END_DECLS
