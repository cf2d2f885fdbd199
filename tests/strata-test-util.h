/* strata-test-util.h: building graphs and models in tests
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-graph.h"
#include "strata-model.h"
#include "strata-plan.h"

G_BEGIN_DECLS

void         test_add          (StrataGraph *graph,
                                const char  *type,
                                const char  *id,
                                const char  *after);
void         test_set          (StrataGraph *graph,
                                const char  *id,
                                const char  *name,
                                const char  *text);
void         test_link         (StrataGraph *graph,
                                const char  *src,
                                const char  *dst,
                                guint        port);
StrataGraph *test_example_graph (void);
StrataGraph *test_residual_graph (void);
void         test_fill_random  (float       *values,
                                gsize        n,
                                guint64      seed,
                                float        scale);
char        *test_tmpdir       (void);
gboolean     test_write_npy    (const char  *path,
                                const float *values,
                                int          rank,
                                const gint64 *dims,
                                GError     **error);
float       *test_read_npy     (const char  *path,
                                gsize       *n,
                                GError     **error);
int          test_http_server_start (const char *dir,
                                     const char *log);
void         test_skip_missing (const char  *what);

G_END_DECLS
