/* strata-form.h: settings rows bound to engine properties, within the properties' ranges
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void strata_form_bind_spin          (GBindingGroup      *group,
                                     GType               source_type,
                                     const char         *property,
                                     GtkSpinButton      *spin,
                                     double              scale);
void strata_form_set_scientific     (GtkSpinButton      *spin);
void strata_form_bind_combo_values  (GBindingGroup      *group,
                                     const char         *property,
                                     AdwComboRow        *row,
                                     const int          *values,
                                     guint               n_values);
void strata_form_bind_combo_enum    (GBindingGroup      *group,
                                     const char         *property,
                                     AdwComboRow        *row);
void strata_form_bind_combo_strings (GBindingGroup      *group,
                                     const char         *property,
                                     AdwComboRow        *row,
                                     const char * const *choices);
void strata_form_bind_switch        (GBindingGroup      *group,
                                     const char         *property,
                                     GtkSwitch          *widget);
GtkWidget *strata_form_spin_row_new (const char         *title,
                                     const char         *subtitle,
                                     GtkSpinButton     **spin);

G_END_DECLS
