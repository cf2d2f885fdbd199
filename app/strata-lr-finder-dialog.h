/* strata-lr-finder-dialog.h: the learning-rate range test, run and shown, its suggestion taken
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_LR_FINDER_DIALOG (strata_lr_finder_dialog_get_type ())

G_DECLARE_FINAL_TYPE (StrataLrFinderDialog, strata_lr_finder_dialog, STRATA, LR_FINDER_DIALOG,
                      AdwWindow)

StrataLrFinderDialog *strata_lr_finder_dialog_new (GtkWindow     *parent,
                                                   StrataProject *project);

G_END_DECLS
