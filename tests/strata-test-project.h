/* strata-test-project.h: small example projects with trained runs, for tests
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-project.h"

G_BEGIN_DECLS

char          *test_write_small_project (const char *dir,
                                         const char *name);
void           test_train_run           (const char *project_path,
                                         const char *run,
                                         guint64     max_batches);
char          *test_python              (void);
int            test_run_python          (const char *const *argv,
                                         char             **output);
char          *test_source_path         (const char *relative);
void           test_remove_tree         (const char *path);

G_END_DECLS
