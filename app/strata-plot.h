/* strata-plot.h: a line plot of training metrics, drawn with GtkSnapshot and cairo
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "strata-series.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_PLOT_LINE    = 1 << 0,   /* a line through the points */
  STRATA_PLOT_MARKERS = 1 << 1,   /* a dot on each point */
  STRATA_PLOT_DASHED  = 1 << 2,
  STRATA_PLOT_FAINT   = 1 << 3,   /* thin and translucent: noisy per-batch values */
  STRATA_PLOT_HIDE_IN_LEGEND = 1 << 4,
} StrataPlotStyle;

#define STRATA_TYPE_PLOT (strata_plot_get_type ())

G_DECLARE_FINAL_TYPE (StrataPlot, strata_plot, STRATA, PLOT, GtkWidget)

GtkWidget  *strata_plot_new              (void);
void        strata_plot_add_series       (StrataPlot      *self,
                                          StrataSeries    *series,
                                          const char      *label,
                                          const char      *color,
                                          StrataPlotStyle  style);
void        strata_plot_add_legend_entry (StrataPlot      *self,
                                          const char      *label,
                                          const char      *color,
                                          StrataPlotStyle  style);
void        strata_plot_clear_series     (StrataPlot      *self);
void        strata_plot_data_changed     (StrataPlot      *self);
void        strata_plot_set_x_extent     (StrataPlot      *self,
                                          double           x_max);
const char *strata_plot_get_title        (StrataPlot      *self);
void        strata_plot_set_title        (StrataPlot      *self,
                                          const char      *title);
gboolean    strata_plot_get_percent      (StrataPlot      *self);
void        strata_plot_set_percent      (StrataPlot      *self,
                                          gboolean         percent);
guint       strata_plot_get_n_points     (StrataPlot      *self);
guint       strata_plot_get_n_series     (StrataPlot      *self);

JsonNode   *strata_plot_dup_test_state   (StrataPlot      *self);

G_END_DECLS
