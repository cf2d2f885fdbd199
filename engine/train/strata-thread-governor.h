/* strata-thread-governor.h: the threads for the next batch, from how fast the last ones ran
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _StrataThreadGovernor StrataThreadGovernor;

StrataThreadGovernor *strata_thread_governor_new          (guint                 max_threads);
void                  strata_thread_governor_free         (StrataThreadGovernor *self);
guint                 strata_thread_governor_get_threads  (StrataThreadGovernor *self);
guint                 strata_thread_governor_get_switches (StrataThreadGovernor *self);
guint                 strata_thread_governor_record       (StrataThreadGovernor *self,
                                                           double                seconds,
                                                           double                work);
void                  strata_thread_governor_add_switch_cost (StrataThreadGovernor *self,
                                                              double                seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataThreadGovernor, strata_thread_governor_free)

G_END_DECLS
