/* strata-confusion-view.h: a confusion matrix as a heat map
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_CONFUSION_VIEW (strata_confusion_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataConfusionView, strata_confusion_view, STRATA, CONFUSION_VIEW, GtkWidget)

GtkWidget *strata_confusion_view_new      (void);
void       strata_confusion_view_set_data (StrataConfusionView *self,
                                           const char * const  *classes,
                                           const guint64       *counts);
void       strata_confusion_view_set_normalized (StrataConfusionView *self,
                                                 gboolean             normalized);
gboolean   strata_confusion_view_get_cell_center (StrataConfusionView *self,
                                                  guint                row,
                                                  guint                column,
                                                  double              *x,
                                                  double              *y);

G_END_DECLS
