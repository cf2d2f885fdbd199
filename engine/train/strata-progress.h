/* strata-progress.h: how long-running engine calls report progress
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * StrataProgressFunc:
 * @stage: what is being done, translated, e.g. "Predicting"; may repeat across calls
 * @done: units finished in this stage (images, steps, files)
 * @total: units in the stage; 0 when unknown
 * @user_data: the caller's data
 *
 * Called on the thread that runs the operation (a GUI's worker thread), so a GUI forwards
 * copies of the figures to its main loop with g_idle_add() or g_main_context_invoke().
 */
typedef void (*StrataProgressFunc) (const char *stage,
                                    guint64     done,
                                    guint64     total,
                                    gpointer    user_data);

G_END_DECLS
