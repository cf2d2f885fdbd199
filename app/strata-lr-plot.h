/* strata-lr-plot.h: the learning-rate finder's loss against a log-scale learning rate
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define STRATA_TYPE_LR_PLOT (strata_lr_plot_get_type ())

G_DECLARE_FINAL_TYPE (StrataLrPlot, strata_lr_plot, STRATA, LR_PLOT, GtkWidget)

GtkWidget *strata_lr_plot_new      (void);
void       strata_lr_plot_set_data (StrataLrPlot *self,
                                    const double *lr,
                                    const double *loss,
                                    const double *smoothed,
                                    guint         n,
                                    double        suggested_lr);
guint      strata_lr_plot_get_n_points (StrataLrPlot *self);
char      *strata_lr_plot_format_rate  (double        lr);

G_END_DECLS
