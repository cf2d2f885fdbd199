/* strata-lr-plot.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-lr-plot"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-lr-plot.h"
#include "strata-plot-axis.h"
#include "strata-draw.h"

/**
 * StrataLrPlot:
 *
 * The learning-rate range test's curve: each step's loss, faint, and its moving average
 * against the learning rate on a log scale, with the suggested rate marked. StrataPlot draws
 * epochs from zero on a linear axis; this curve spans eight decades, so it has its own
 * widget rather than a mode of that one.
 */

#define MARGIN_TOP 16.0
#define MARGIN_RIGHT 20.0
#define TICK_GAP 8.0

struct _StrataLrPlot
{
  GtkWidget parent_instance;

  GArray *lr;           /* double */
  GArray *loss;
  GArray *smoothed;
  double suggested_lr;
};

G_DEFINE_FINAL_TYPE (StrataLrPlot, strata_lr_plot, GTK_TYPE_WIDGET)

/**
 * strata_lr_plot_format_rate:
 *
 * Returns: a learning rate in two significant digits, as "3.2e-4", the way people write them
 */
char *
strata_lr_plot_format_rate (double lr)
{
  int exponent;
  double mantissa;

  if (!isfinite (lr) || lr <= 0)
    return g_strdup ("—");
  exponent = (int) floor (log10 (lr));
  mantissa = lr / pow (10, exponent);
  /* 9.96 rounds up to the next decade */
  if (mantissa >= 9.95)
    {
      mantissa /= 10;
      exponent++;
    }
  if (exponent >= -2 && exponent <= 0)
    return g_strdup_printf ("%.2g", mantissa * pow (10, exponent));
  return g_strdup_printf ("%.1fe%d", mantissa, exponent);
}

/* "10⁻⁴": a decade's tick label */
static char *
decade_label (int exponent)
{
  static const char *const digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  g_autoptr(GString) text = g_string_new ("10");
  g_autofree char *number = g_strdup_printf ("%d", ABS (exponent));

  if (exponent < 0)
    g_string_append (text, "⁻");
  for (const char *c = number; *c; c++)
    g_string_append (text, digits[*c - '0']);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  graphene_rect_t area;
  double x_min, x_max;          /* log10 of the learning rate */
  StrataAxis y;
} Frame;

static double
to_x (const Frame *f,
      double       lr)
{
  return f->area.origin.x + (log10 (lr) - f->x_min) / (f->x_max - f->x_min) * f->area.size.width;
}

static double
to_y (const Frame *f,
      double       loss)
{
  return f->area.origin.y + (1 - strata_axis_to_unit (&f->y, loss)) * f->area.size.height;
}

static void
draw_curve (cairo_t      *cr,
            const Frame  *f,
            GArray       *lr,
            GArray       *values)
{
  gboolean pen_down = FALSE;

  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);
      double x = to_x (f, g_array_index (lr, double, i));

      if (!isfinite (v))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, x, to_y (f, v));
      else
        cairo_move_to (cr, x, to_y (f, v));
      pen_down = TRUE;
    }
  cairo_stroke (cr);
}

static void
strata_lr_plot_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  StrataLrPlot *self = STRATA_LR_PLOT (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA fg = strata_draw_color (GTK_WIDGET (self), NULL, NULL);
  GdkRGBA line = strata_draw_color (GTK_WIDGET (self), "accent_color", "#1c71d8");
  GdkRGBA mark = strata_draw_color (GTK_WIDGET (self), "orange_3", "#ff7800");
  double y_min = INFINITY, y_max = -INFINITY, left = 0, bottom, label_h = 0;
  int first_decade, last_decade, decade_step;
  Frame f = { 0 };
  cairo_t *cr;

  if (self->lr->len < 2)
    return;
  for (guint i = 0; i < self->smoothed->len; i++)
    {
      double v = g_array_index (self->smoothed, double, i);

      if (isfinite (v))
        {
          y_min = MIN (y_min, v);
          y_max = MAX (y_max, v);
        }
    }
  if (!isfinite (y_min))
    return;
  /* the noisy loss dips below its average's lowest: show the dips, not the explosion */
  for (guint i = 0; i < self->loss->len; i++)
    {
      double v = g_array_index (self->loss, double, i);

      if (isfinite (v))
        y_min = MIN (y_min, v);
    }
  if (y_max - y_min < 1e-6)
    y_max = y_min + 1;
  strata_axis_init (&f.y, y_min, y_max, CLAMP ((guint) (height / 40), 2, 7), STRATA_AXIS_DEFAULT);

  /* the widest loss label sets the left margin */
  for (guint i = 0; i < f.y.n_ticks; i++)
    {
      g_autofree char *text = strata_axis_format (&f.y, strata_axis_get_tick (&f.y, i));
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, FALSE);
      double w, h;

      strata_draw_layout_size (layout, &w, &h);
      left = MAX (left, w);
      label_h = MAX (label_h, h);
    }
  left += 2 * TICK_GAP;
  bottom = height - 2 * label_h - 2 * TICK_GAP;
  f.area = GRAPHENE_RECT_INIT (left, MARGIN_TOP, MAX (width - left - MARGIN_RIGHT, 1),
                               MAX (bottom - MARGIN_TOP, 1));
  first_decade = (int) floor (log10 (g_array_index (self->lr, double, 0)) + 1e-9);
  last_decade = (int) ceil (log10 (g_array_index (self->lr, double, self->lr->len - 1)) - 1e-9);
  if (last_decade <= first_decade)
    last_decade = first_decade + 1;
  f.x_min = first_decade;
  f.x_max = last_decade;
  decade_step = (last_decade - first_decade) > (int) (f.area.size.width / 48) ? 2 : 1;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1);

  for (guint i = 0; i < f.y.n_ticks; i++)
    {
      double v = strata_axis_get_tick (&f.y, i);
      double y = round (to_y (&f, v)) + 0.5;
      g_autofree char *text = strata_axis_format (&f.y, v);
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, FALSE);
      double w, h;

      strata_draw_source (cr, &fg, i == 0 ? 0.3 : 0.1);
      cairo_move_to (cr, f.area.origin.x, y);
      cairo_line_to (cr, f.area.origin.x + f.area.size.width, y);
      cairo_stroke (cr);
      strata_draw_layout_size (layout, &w, &h);
      strata_draw_text (cr, layout, left - TICK_GAP - w, y - h / 2, &fg, 0.55);
    }
  for (int d = first_decade; d <= last_decade; d += decade_step)
    {
      double x = round (to_x (&f, pow (10, d))) + 0.5;
      g_autofree char *text = decade_label (d);
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, FALSE);
      double w, h;

      strata_draw_source (cr, &fg, d == first_decade ? 0.3 : 0.08);
      cairo_move_to (cr, x, f.area.origin.y);
      cairo_line_to (cr, x, f.area.origin.y + f.area.size.height);
      cairo_stroke (cr);
      strata_draw_layout_size (layout, &w, &h);
      strata_draw_text (cr, layout, CLAMP (x - w / 2, 0, width - w), bottom + TICK_GAP / 2,
                        &fg, 0.55);
    }
  {
    /* Translators: the lr finder plot's axis title */
    g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self),
                                                        _("Learning rate (log scale)"),
                                                        TRUE, FALSE);
    double w, h;

    strata_draw_layout_size (layout, &w, &h);
    strata_draw_text (cr, layout, f.area.origin.x + (f.area.size.width - w) / 2,
                      height - h - 2, &fg, 0.7);
  }

  cairo_save (cr);
  cairo_rectangle (cr, f.area.origin.x, f.area.origin.y - 2, f.area.size.width,
                   f.area.size.height + 4);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* each step's loss is noisy: the average is the curve to read */
  strata_draw_source (cr, &line, 0.3);
  cairo_set_line_width (cr, 1);
  draw_curve (cr, &f, self->lr, self->loss);
  strata_draw_source (cr, &line, 1);
  cairo_set_line_width (cr, 2);
  draw_curve (cr, &f, self->lr, self->smoothed);
  cairo_restore (cr);

  if (isfinite (self->suggested_lr) && self->suggested_lr > 0)
    {
      double x = to_x (&f, self->suggested_lr), y = NAN, best = INFINITY;
      g_autofree char *rate = strata_lr_plot_format_rate (self->suggested_lr);
      /* Translators: the mark on the lr finder plot; %s is a learning rate, "3.2e-4" */
      g_autofree char *text = g_strdup_printf (_("Suggested: %s"), rate);
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, TRUE);
      double dashes[] = { 4, 3 };
      double w, h;

      for (guint i = 0; i < self->lr->len; i++)
        {
          double d = fabs (log10 (g_array_index (self->lr, double, i)) - log10 (self->suggested_lr));

          if (d < best)
            {
              best = d;
              y = to_y (&f, g_array_index (self->smoothed, double, i));
            }
        }
      strata_draw_source (cr, &mark, 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      cairo_move_to (cr, round (x) + 0.5, f.area.origin.y);
      cairo_line_to (cr, round (x) + 0.5, f.area.origin.y + f.area.size.height);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (isfinite (y))
        {
          cairo_arc (cr, x, y, 5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      strata_draw_layout_size (layout, &w, &h);
      strata_draw_text (cr, layout,
                        x + 8 + w > f.area.origin.x + f.area.size.width ? x - 8 - w : x + 8,
                        f.area.origin.y, &mark, 1);
    }
  cairo_destroy (cr);
}

/**
 * strata_lr_plot_set_data:
 * @suggested_lr: the rate to mark, or NAN for none
 *
 * Shows the range test's @n steps; the arrays are copied.
 */
void
strata_lr_plot_set_data (StrataLrPlot *self,
                         const double *lr,
                         const double *loss,
                         const double *smoothed,
                         guint         n,
                         double        suggested_lr)
{
  g_return_if_fail (STRATA_IS_LR_PLOT (self));

  g_array_set_size (self->lr, 0);
  g_array_set_size (self->loss, 0);
  g_array_set_size (self->smoothed, 0);
  g_array_append_vals (self->lr, lr, n);
  g_array_append_vals (self->loss, loss, n);
  g_array_append_vals (self->smoothed, smoothed, n);
  self->suggested_lr = suggested_lr;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
strata_lr_plot_get_n_points (StrataLrPlot *self)
{
  g_return_val_if_fail (STRATA_IS_LR_PLOT (self), 0);
  return self->lr->len;
}

GtkWidget *
strata_lr_plot_new (void)
{
  return g_object_new (STRATA_TYPE_LR_PLOT, NULL);
}

static void
strata_lr_plot_finalize (GObject *object)
{
  StrataLrPlot *self = (StrataLrPlot *) object;

  g_array_unref (self->lr);
  g_array_unref (self->loss);
  g_array_unref (self->smoothed);

  G_OBJECT_CLASS (strata_lr_plot_parent_class)->finalize (object);
}

static void
strata_lr_plot_class_init (StrataLrPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = strata_lr_plot_finalize;
  widget_class->snapshot = strata_lr_plot_snapshot;
  gtk_widget_class_set_css_name (widget_class, "lrplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
strata_lr_plot_init (StrataLrPlot *self)
{
  self->lr = g_array_new (FALSE, FALSE, sizeof (double));
  self->loss = g_array_new (FALSE, FALSE, sizeof (double));
  self->smoothed = g_array_new (FALSE, FALSE, sizeof (double));
  self->suggested_lr = NAN;
}
