/* strata-application.h: the app: windows, app-wide actions, settings, recent projects
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STRATA_TYPE_APPLICATION (strata_application_get_type ())

G_DECLARE_FINAL_TYPE (StrataApplication, strata_application, STRATA, APPLICATION, AdwApplication)

StrataApplication *strata_application_new              (void);
StrataApplication *strata_application_get_default      (void);
GSettings         *strata_application_get_settings     (StrataApplication *self);
void               strata_application_open_path       (StrataApplication *self,
                                                        const char        *path);
void               strata_application_new_example      (StrataApplication *self);
void               strata_application_new_from_images  (StrataApplication *self,
                                                        const char        *data_path);
void               strata_application_add_recent       (StrataApplication *self,
                                                        const char        *path);
void               strata_application_remove_recent    (StrataApplication *self,
                                                        const char        *path);
GStrv              strata_application_dup_recent       (StrataApplication *self);
GMenuModel        *strata_application_get_recent_menu  (StrataApplication *self);
int                strata_application_run_main         (int                argc,
                                                        char             **argv);

G_END_DECLS
