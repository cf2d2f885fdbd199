/* strata-draw.h: colours and text for widgets drawn with cairo
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkRGBA      strata_draw_color       (GtkWidget     *widget,
                                      const char    *name,
                                      const char    *fallback);
void         strata_draw_source      (cairo_t       *cr,
                                      const GdkRGBA *color,
                                      double         alpha);
PangoLayout *strata_draw_layout      (GtkWidget     *widget,
                                      const char    *text,
                                      gboolean       small,
                                      gboolean       bold);
void         strata_draw_layout_size (PangoLayout   *layout,
                                      double        *width,
                                      double        *height);
void         strata_draw_text        (cairo_t       *cr,
                                      PangoLayout   *layout,
                                      double         x,
                                      double         y,
                                      const GdkRGBA *color,
                                      double         alpha);

G_END_DECLS
