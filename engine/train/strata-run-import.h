/* strata-run-import.h: a training run done elsewhere (train.py of a PyTorch export) as a run
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-project.h"

G_BEGIN_DECLS

char *strata_import_run (StrataProject  *project,
                         const char     *path,
                         const char     *name,
                         GError        **error);

G_END_DECLS
