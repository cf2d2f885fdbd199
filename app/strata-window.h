/* strata-window.h: one project in a window: the welcome screen, then its six pages
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-application.h"
#include "strata-project.h"

G_BEGIN_DECLS

#define STRATA_TYPE_WINDOW (strata_window_get_type ())

G_DECLARE_FINAL_TYPE (StrataWindow, strata_window, STRATA, WINDOW, AdwApplicationWindow)

StrataWindow  *strata_window_new            (StrataApplication *application);
StrataProject *strata_window_get_project    (StrataWindow      *self);
void           strata_window_set_project    (StrataWindow      *self,
                                             StrataProject     *project);
gboolean       strata_window_get_busy       (StrataWindow      *self);
void           strata_window_show_toast     (StrataWindow      *self,
                                             const char        *text);
void           strata_window_show_error     (StrataWindow      *self,
                                             const char        *heading,
                                             const char        *message);
void           strata_window_show_page      (StrataWindow      *self,
                                             const char        *name);
void           strata_window_save_async     (StrataWindow      *self,
                                             gboolean           ask_path,
                                             GCancellable      *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer           user_data);
gboolean       strata_window_save_finish    (StrataWindow      *self,
                                             GAsyncResult      *result,
                                             GError           **error);

G_END_DECLS
