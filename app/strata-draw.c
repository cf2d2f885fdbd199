/* strata-draw.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-draw.h"

/**
 * strata_draw_color:
 * @name: (nullable): a colour of the theme ("accent_color") or a CSS colour
 * @fallback: (nullable): a CSS colour for when @name is neither
 *
 * Returns: the colour, else the widget's text colour
 */
GdkRGBA
strata_draw_color (GtkWidget  *widget,
                        const char *name,
                        const char *fallback)
{
  GdkRGBA color;

  /* GTK 4.8 has no other way to read the theme's named colours */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (name && gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name,
                                              &color))
    return color;
  if ((name && gdk_rgba_parse (&color, name)) || (fallback && gdk_rgba_parse (&color, fallback)))
    return color;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

void
strata_draw_source (cairo_t       *cr,
                             const GdkRGBA *color,
                             double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Figures in tabular digits, so that ticks and readouts line up. */
PangoLayout *
strata_draw_layout (GtkWidget  *widget,
                         const char *text,
                         gboolean    small,
                         gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (small)
    pango_attr_list_insert (attrs, pango_attr_scale_new (0.82));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

void
strata_draw_layout_size (PangoLayout *layout,
                              double      *width,
                              double      *height)
{
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  if (width)
    *width = w;
  if (height)
    *height = h;
}

void
strata_draw_text (cairo_t       *cr,
                       PangoLayout   *layout,
                       double         x,
                       double         y,
                       const GdkRGBA *color,
                       double         alpha)
{
  cairo_move_to (cr, x, y);
  strata_draw_source (cr, color, alpha);
  pango_cairo_show_layout (cr, layout);
}
