/* strata-threads.h: how many threads oneDNN and the kernels use, and how they wait
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libgomp's spin count at barriers that Strata sets when the user set no wait policy */
#define STRATA_THREADS_SPIN_COUNT "10000"

void     strata_threads_init_wait_policy (char       **argv);

guint    strata_threads_get_available    (void);
gboolean strata_threads_parse_cpu_max    (const char  *text,
                                          guint       *cpus);

void     strata_threads_set_limit        (guint        n_threads);
guint    strata_threads_get_limit        (void);
guint    strata_threads_get_default      (void);

guint    strata_threads_use              (guint        n_threads);
guint    strata_threads_get_current      (void);

G_END_DECLS
