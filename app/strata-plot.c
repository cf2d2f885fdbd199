/* strata-plot.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plot"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-plot.h"
#include "strata-plot-axis.h"
#include "strata-draw.h"

/**
 * StrataPlot:
 *
 * Metrics against epochs: a title and a legend, axes with nice ticks that follow the data,
 * the series as lines and dots, and a readout of the values under the pointer. The series
 * belong to whoever feeds them; strata_plot_data_changed() after appending queues one redraw,
 * so the plot redraws at most once per frame however fast points come.
 *
 * All the drawing is one cairo node in snapshot(); the axis arithmetic is in
 * strata-plot-axis.c, the thinning of long series in strata-series.c.
 */

#define PAD 12.0
#define TICK_GAP 8.0
#define MARKER_RADIUS 3.0
#define LEGEND_SWATCH 14.0

typedef struct
{
  StrataSeries *series;
  char *label;
  char *color;          /* a named colour of the theme ("blue_3") or a colour spec */
  StrataPlotStyle style;
} Series;

struct _StrataPlot
{
  GtkWidget parent_instance;

  char *title;
  gboolean percent;
  double x_extent;
  GPtrArray *series;    /* Series */
  GPtrArray *legend;    /* Series without points: legend entries only */

  /* The plot area of the last snapshot and the axes it used, for the pointer */
  graphene_rect_t area;
  StrataAxis x_axis;
  StrataAxis y_axis;
  gboolean hovering;
  double pointer_x;
  double pointer_y;
};

G_DEFINE_FINAL_TYPE (StrataPlot, strata_plot, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PERCENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
series_free (Series *s)
{
  g_clear_pointer (&s->series, strata_series_unref);
  g_free (s->label);
  g_free (s->color);
  g_free (s);
}

/* Axes ------------------------------------------------------------------------------------------ */

static gboolean
data_range (StrataPlot *self,
            double     *x_max,
            double     *y_min,
            double     *y_max)
{
  gboolean any = FALSE;

  *x_max = self->x_extent;
  *y_min = INFINITY;
  *y_max = -INFINITY;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      double x0, x1, y0, y1;

      if (!strata_series_get_range (s->series, &x0, &x1, &y0, &y1))
        continue;
      any = TRUE;
      *x_max = MAX (*x_max, x1);
      *y_min = MIN (*y_min, y0);
      *y_max = MAX (*y_max, y1);
    }
  return any;
}

static void
compute_axes (StrataPlot *self,
              double      plot_width,
              double      plot_height)
{
  double x_max, y_min, y_max;
  guint x_ticks = CLAMP ((guint) (plot_width / 70), 2, 11);
  guint y_ticks = CLAMP ((guint) (plot_height / 34), 2, 9);

  if (!data_range (self, &x_max, &y_min, &y_max))
    {
      y_min = 0;
      y_max = self->percent ? 1 : 1;
    }
  strata_axis_init (&self->x_axis, 0, MAX (x_max, 1), x_ticks, STRATA_AXIS_INTEGER);
  strata_axis_init (&self->y_axis, y_min, y_max, y_ticks,
                    self->percent ? STRATA_AXIS_PERCENT : STRATA_AXIS_DEFAULT);
  if (self->percent)
    strata_axis_clamp (&self->y_axis, 0, 1);
}

static double
to_x (StrataPlot *self,
      double      x)
{
  return self->area.origin.x + strata_axis_to_unit (&self->x_axis, x) * self->area.size.width;
}

static double
to_y (StrataPlot *self,
      double      y)
{
  return self->area.origin.y + (1 - strata_axis_to_unit (&self->y_axis, y)) *
                               self->area.size.height;
}

/* Drawing --------------------------------------------------------------------------------------- */

typedef struct
{
  const char *label;
  const char *color;
  StrataPlotStyle style;
} LegendEntry;

static GArray *
legend_entries (StrataPlot *self)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (LegendEntry));

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      LegendEntry e = { s->label, s->color, s->style };

      if (s->label && *s->label && !(s->style & STRATA_PLOT_HIDE_IN_LEGEND))
        g_array_append_val (entries, e);
    }
  for (guint i = 0; i < self->legend->len; i++)
    {
      Series *s = g_ptr_array_index (self->legend, i);
      LegendEntry e = { s->label, s->color, s->style };

      g_array_append_val (entries, e);
    }
  return entries;
}

static void
draw_swatch (StrataPlot        *self,
             cairo_t           *cr,
             const LegendEntry *e,
             double             x,
             double             cy,
             const GdkRGBA     *fg)
{
  GdkRGBA color = e->color ? strata_draw_color (GTK_WIDGET (self), e->color, "#3584e4") : *fg;

  strata_draw_source (cr, &color, e->color == NULL ? 0.6 : e->style & STRATA_PLOT_FAINT ? 0.55 : 1);
  cairo_set_line_width (cr, 2);
  if (e->style & STRATA_PLOT_DASHED)
    cairo_set_dash (cr, (double[]) { 4, 2 }, 2, 0);
  cairo_move_to (cr, x, cy);
  cairo_line_to (cr, x + LEGEND_SWATCH, cy);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (e->style & STRATA_PLOT_MARKERS)
    {
      cairo_arc (cr, x + LEGEND_SWATCH / 2, cy, MARKER_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/*
 * The legend: on the title's line, right-aligned, when it fits beside the title; otherwise on
 * lines of its own under the title, wrapped. Returns the bottom of the header.
 */
static double
draw_legend (StrataPlot    *self,
             cairo_t       *cr,
             double         width,
             double         title_width,
             double         title_height,
             const GdkRGBA *fg)
{
  g_autoptr(GArray) entries = legend_entries (self);
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  double total = 0, line_height = 0, top = PAD / 2, x, y;
  const double gap = 16, swatch = LEGEND_SWATCH + 6;

  for (guint i = 0; i < entries->len; i++)
    {
      PangoLayout *layout = strata_draw_layout (GTK_WIDGET (self),
                                                g_array_index (entries, LegendEntry, i).label,
                                                TRUE, FALSE);
      double w, h;

      strata_draw_layout_size (layout, &w, &h);
      g_ptr_array_add (layouts, layout);
      total += (i ? gap : 0) + swatch + w;
      line_height = MAX (line_height, h);
    }
  if (entries->len == 0)
    return top + title_height;

  if (total <= width - 2 * PAD - title_width - 24)
    {
      /* one line, beside the title */
      x = width - PAD - total;
      y = top + MAX (0, title_height - line_height) / 2;
      for (guint i = 0; i < entries->len; i++)
        {
          double w;

          strata_draw_layout_size (layouts->pdata[i], &w, NULL);
          draw_swatch (self, cr, &g_array_index (entries, LegendEntry, i), x, y + line_height / 2, fg);
          strata_draw_text (cr, layouts->pdata[i], x + swatch, y, fg, 0.8);
          x += swatch + w + gap;
        }
      return top + MAX (title_height, line_height);
    }

  /* under the title, wrapped */
  x = PAD;
  y = top + title_height + 4;
  for (guint i = 0; i < entries->len; i++)
    {
      double w;

      strata_draw_layout_size (layouts->pdata[i], &w, NULL);
      if (x > PAD && x + swatch + w > width - PAD)
        {
          x = PAD;
          y += line_height + 2;
        }
      draw_swatch (self, cr, &g_array_index (entries, LegendEntry, i), x, y + line_height / 2, fg);
      strata_draw_text (cr, layouts->pdata[i], x + swatch, y, fg, 0.8);
      x += swatch + w + gap;
    }
  return y + line_height;
}

static void
draw_series (StrataPlot *self,
             cairo_t    *cr,
             Series     *s,
             GdkRGBA    *bg)
{
  const StrataSeriesPoint *p;
  g_autoptr(GArray) thin = NULL;
  GdkRGBA color = strata_draw_color (GTK_WIDGET (self), s->color, "#3584e4");
  guint n;

  if (strata_series_get_n_points (s->series) == 0)
    return;

  cairo_save (cr);
  cairo_rectangle (cr, self->area.origin.x - MARKER_RADIUS - 1,
                   self->area.origin.y - MARKER_RADIUS - 1,
                   self->area.size.width + 2 * MARKER_RADIUS + 2,
                   self->area.size.height + 2 * MARKER_RADIUS + 2);
  cairo_clip (cr);

  if (s->style & STRATA_PLOT_LINE)
    {
      double x_step = (self->x_axis.max - self->x_axis.min) / MAX (self->area.size.width, 1);

      thin = strata_series_thin (s->series, self->x_axis.min, x_step);
      p = (const StrataSeriesPoint *) thin->data;
      for (guint i = 0; i < thin->len; i++)
        {
          if (i == 0)
            cairo_move_to (cr, to_x (self, p[i].x), to_y (self, p[i].y));
          else
            cairo_line_to (cr, to_x (self, p[i].x), to_y (self, p[i].y));
        }
      strata_draw_source (cr, &color, s->style & STRATA_PLOT_FAINT ? 0.45 : 1);
      cairo_set_line_width (cr, s->style & STRATA_PLOT_FAINT ? 1.25 : 2);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      if (s->style & STRATA_PLOT_DASHED)
        cairo_set_dash (cr, (double[]) { 5, 3 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (s->style & STRATA_PLOT_MARKERS)
    {
      p = strata_series_get_points (s->series);
      n = strata_series_get_n_points (s->series);
      /* dots only while they don't merge into a line */
      if (n <= self->area.size.width / (3 * MARKER_RADIUS))
        for (guint i = 0; i < n; i++)
          {
            cairo_arc (cr, to_x (self, p[i].x), to_y (self, p[i].y), MARKER_RADIUS, 0, 2 * G_PI);
            strata_draw_source (cr, bg, 1);
            cairo_fill_preserve (cr);
            strata_draw_source (cr, &color, 1);
            cairo_set_line_width (cr, 2);
            cairo_stroke (cr);
          }
    }
  cairo_restore (cr);
}

static void
draw_readout (StrataPlot    *self,
              cairo_t       *cr,
              const GdkRGBA *fg,
              const GdkRGBA *bg)
{
  double x = strata_axis_from_unit (&self->x_axis, (self->pointer_x - self->area.origin.x) /
                                                   self->area.size.width);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(PangoLayout) layout = NULL;
  double px = self->pointer_x, w, h, box_x, box_y;
  gboolean any = FALSE;

  /* Translators: the readout's first line, the position on the epoch axis */
  g_string_append_printf (text, _("Epoch %.2f"), MAX (x, 0));
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const StrataSeriesPoint *p;
      g_autofree char *value = NULL;
      GdkRGBA color;
      guint k;

      if (!strata_series_find_nearest (s->series, x, &k))
        continue;
      p = &strata_series_get_points (s->series)[k];
      /* a per-epoch value only near its epoch; a per-batch one anywhere along it */
      if (fabs (to_x (self, p->x) - px) > 24 && (s->style & STRATA_PLOT_MARKERS))
        continue;
      any = TRUE;
      value = strata_axis_format_precise (&self->y_axis, p->y);
      g_string_append_printf (text, "\n%s  %s", s->label, value);

      color = strata_draw_color (GTK_WIDGET (self), s->color, "#3584e4");
      cairo_arc (cr, to_x (self, p->x), to_y (self, p->y), MARKER_RADIUS + 1.5, 0, 2 * G_PI);
      strata_draw_source (cr, &color, 1);
      cairo_fill (cr);
    }

  /* the pointer's epoch */
  strata_draw_source (cr, fg, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, floor (px) + 0.5, self->area.origin.y);
  cairo_line_to (cr, floor (px) + 0.5, self->area.origin.y + self->area.size.height);
  cairo_stroke (cr);
  if (!any)
    return;

  layout = strata_draw_layout (GTK_WIDGET (self), text->str, TRUE, FALSE);
  strata_draw_layout_size (layout, &w, &h);
  box_x = px + 12;
  if (box_x + w + 16 > self->area.origin.x + self->area.size.width)
    box_x = px - 12 - w - 16;
  box_y = self->area.origin.y + 6;

  {
    double r = 6, bw = w + 16, bh = h + 12;

    cairo_new_sub_path (cr);
    cairo_arc (cr, box_x + bw - r, box_y + r, r, -G_PI / 2, 0);
    cairo_arc (cr, box_x + bw - r, box_y + bh - r, r, 0, G_PI / 2);
    cairo_arc (cr, box_x + r, box_y + bh - r, r, G_PI / 2, G_PI);
    cairo_arc (cr, box_x + r, box_y + r, r, G_PI, 3 * G_PI / 2);
    cairo_close_path (cr);
    strata_draw_source (cr, bg, 0.96);
    cairo_fill_preserve (cr);
    strata_draw_source (cr, fg, 0.15);
    cairo_set_line_width (cr, 1);
    cairo_stroke (cr);
  }
  strata_draw_text (cr, layout, box_x + 8, box_y + 6, fg, 0.9);
}

static void
strata_plot_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  StrataPlot *self = STRATA_PLOT (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA fg = strata_draw_color (GTK_WIDGET (self), NULL, NULL);
  GdkRGBA bg = strata_draw_color (GTK_WIDGET (self), "view_bg_color", "#ffffff");
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) probe = NULL;
  g_autoptr(PangoLayout) x_title = NULL;
  double x_title_w, x_title_h;
  double title_w = 0, title_h = 0, label_h, label_w = 0, top, left, bottom;
  gboolean any;
  cairo_t *cr;

  if (width < 40 || height < 40)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* header: title on the left, legend on the right */
  if (self->title)
    {
      title = strata_draw_layout (GTK_WIDGET (self), self->title, FALSE, TRUE);
      strata_draw_layout_size (title, &title_w, &title_h);
      strata_draw_text (cr, title, PAD, PAD / 2, &fg, 1);
    }
  top = draw_legend (self, cr, width, title_w, title_h, &fg) + PAD;

  probe = strata_draw_layout (GTK_WIDGET (self), "0", TRUE, FALSE);
  strata_draw_layout_size (probe, NULL, &label_h);
  /* Translators: the title of the plots' horizontal axis */
  x_title = strata_draw_layout (GTK_WIDGET (self), _("Epoch"), FALSE, FALSE);
  strata_draw_layout_size (x_title, &x_title_w, &x_title_h);
  bottom = height - PAD / 2 - x_title_h - label_h - TICK_GAP / 2;

  /* the y labels' width decides the left margin: lay the axis out once to measure */
  any = data_range (self, &(double) { 0 }, &(double) { 0 }, &(double) { 0 });
  compute_axes (self, width - 80, bottom - top);
  for (guint i = 0; i < self->y_axis.n_ticks; i++)
    {
      g_autofree char *text = strata_axis_format (&self->y_axis,
                                                  strata_axis_get_tick (&self->y_axis, i));
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, FALSE);
      double w;

      strata_draw_layout_size (layout, &w, NULL);
      label_w = MAX (label_w, w);
    }
  left = PAD + label_w + TICK_GAP;
  self->area = GRAPHENE_RECT_INIT (left, top, MAX (width - left - PAD - 4, 10),
                                   MAX (bottom - top, 10));
  compute_axes (self, self->area.size.width, self->area.size.height);

  /* grid and tick labels */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < self->y_axis.n_ticks; i++)
    {
      double v = strata_axis_get_tick (&self->y_axis, i);
      double y = round (to_y (self, v)) + 0.5;
      g_autofree char *text = strata_axis_format (&self->y_axis, v);
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, FALSE);
      double w, h;

      strata_draw_source (cr, &fg, i == 0 ? 0.3 : 0.1);
      cairo_move_to (cr, self->area.origin.x, y);
      cairo_line_to (cr, self->area.origin.x + self->area.size.width, y);
      cairo_stroke (cr);
      strata_draw_layout_size (layout, &w, &h);
      strata_draw_text (cr, layout, left - TICK_GAP - w, y - h / 2, &fg, 0.55);
    }
  for (guint i = 0; i < self->x_axis.n_ticks; i++)
    {
      double v = strata_axis_get_tick (&self->x_axis, i);
      double x = round (to_x (self, v)) + 0.5;
      g_autofree char *text = strata_axis_format (&self->x_axis, v);
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), text, TRUE, FALSE);
      double w;

      strata_draw_source (cr, &fg, i == 0 ? 0.3 : 0.06);
      cairo_move_to (cr, x, self->area.origin.y);
      cairo_line_to (cr, x, self->area.origin.y + self->area.size.height);
      cairo_stroke (cr);
      strata_draw_layout_size (layout, &w, NULL);
      strata_draw_text (cr, layout, CLAMP (x - w / 2, 0, width - w), bottom + TICK_GAP / 2,
                        &fg, 0.55);
    }

  strata_draw_text (cr, x_title, self->area.origin.x + (self->area.size.width - x_title_w) / 2,
                    bottom + TICK_GAP / 2 + label_h, &fg, 0.7);

  for (guint i = 0; i < self->series->len; i++)
    draw_series (self, cr, g_ptr_array_index (self->series, i), &bg);

  if (!any)
    {
      g_autoptr(PangoLayout) layout = strata_draw_layout (GTK_WIDGET (self), _("No data yet"),
                                                          FALSE, FALSE);
      double w, h;

      strata_draw_layout_size (layout, &w, &h);
      strata_draw_text (cr, layout, self->area.origin.x + (self->area.size.width - w) / 2,
                        self->area.origin.y + (self->area.size.height - h) / 2, &fg, 0.45);
    }
  else if (self->hovering &&
           graphene_rect_contains_point (&self->area,
                                         &GRAPHENE_POINT_INIT (self->pointer_x, self->pointer_y)))
    draw_readout (self, cr, &fg, &bg);

  cairo_destroy (cr);
}

static void
strata_plot_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 280;
      *natural = 400;
    }
  else
    {
      *minimum = 200;
      *natural = 280;
    }
}

/* Pointer --------------------------------------------------------------------------------------- */

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           StrataPlot               *self)
{
  self->hovering = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion,
          StrataPlot               *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* GObject ----------------------------------------------------------------------------------------- */

static void
update_accessible (StrataPlot *self)
{
  g_autoptr(GString) text = g_string_new (self->title ? self->title : "");

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      guint n = strata_series_get_n_points (s->series);
      const StrataSeriesPoint *p = strata_series_get_points (s->series);
      g_autofree char *value = NULL;

      if (n == 0 || (s->style & STRATA_PLOT_FAINT))
        continue;
      value = strata_axis_format_precise (&self->y_axis, p[n - 1].y);
      /* Translators: what a screen reader says of a curve: its name, last value, epoch */
      g_string_append_printf (text, _("; %s %s at epoch %.0f"), s->label, value, p[n - 1].x);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text->str, -1);
}

static void
strata_plot_finalize (GObject *object)
{
  StrataPlot *self = (StrataPlot *) object;

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->legend, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (strata_plot_parent_class)->finalize (object);
}

static void
strata_plot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  StrataPlot *self = STRATA_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PERCENT:
      g_value_set_boolean (value, self->percent);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_plot_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  StrataPlot *self = STRATA_PLOT (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      strata_plot_set_title (self, g_value_get_string (value));
      break;
    case PROP_PERCENT:
      strata_plot_set_percent (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_plot_class_init (StrataPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = strata_plot_finalize;
  object_class->get_property = strata_plot_get_property;
  object_class->set_property = strata_plot_set_property;
  widget_class->snapshot = strata_plot_snapshot;
  widget_class->measure = strata_plot_measure;

  /**
   * StrataPlot:title:
   *
   * Shown above the plot, e.g. "Loss".
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StrataPlot:percent:
   *
   * Values are fractions shown as percentages, and the axis stays within 0…100%.
   */
  properties[PROP_PERCENT] =
    g_param_spec_boolean ("percent", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "plot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
strata_plot_init (StrataPlot *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  self->legend = g_ptr_array_new_with_free_func ((GDestroyNotify) series_free);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  strata_axis_init (&self->x_axis, 0, 1, 2, STRATA_AXIS_INTEGER);
  strata_axis_init (&self->y_axis, 0, 1, 2, STRATA_AXIS_DEFAULT);
}

GtkWidget *
strata_plot_new (void)
{
  return g_object_new (STRATA_TYPE_PLOT, NULL);
}

/**
 * strata_plot_add_series:
 * @series: the points; the plot keeps a reference and draws them as they are appended
 * @label: the name in the legend and the readout
 * @color: a named colour of the theme ("blue_3", "accent_color") or a colour spec
 */
void
strata_plot_add_series (StrataPlot      *self,
                        StrataSeries    *series,
                        const char      *label,
                        const char      *color,
                        StrataPlotStyle  style)
{
  Series *s;

  g_return_if_fail (STRATA_IS_PLOT (self));
  g_return_if_fail (series != NULL);

  s = g_new0 (Series, 1);
  s->series = strata_series_ref (series);
  s->label = g_strdup (label);
  s->color = g_strdup (color);
  s->style = style;
  g_ptr_array_add (self->series, s);
  strata_plot_data_changed (self);
}

/**
 * strata_plot_add_legend_entry:
 * @color: (nullable): a colour as for strata_plot_add_series(), or %NULL for the text's
 *
 * A legend entry that stands for no series of its own, e.g. what a dashed line means.
 */
void
strata_plot_add_legend_entry (StrataPlot      *self,
                              const char      *label,
                              const char      *color,
                              StrataPlotStyle  style)
{
  Series *s;

  g_return_if_fail (STRATA_IS_PLOT (self));

  s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  s->color = g_strdup (color);
  s->style = style;
  g_ptr_array_add (self->legend, s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
strata_plot_clear_series (StrataPlot *self)
{
  g_return_if_fail (STRATA_IS_PLOT (self));
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->legend, 0);
  strata_plot_data_changed (self);
}

/**
 * strata_plot_data_changed:
 *
 * Points were appended to a series: redraw at the next frame.
 */
void
strata_plot_data_changed (StrataPlot *self)
{
  g_return_if_fail (STRATA_IS_PLOT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_accessible (self);
}

/**
 * strata_plot_set_x_extent:
 * @x_max: the epoch axis reaches at least this far, e.g. the epochs planned
 */
void
strata_plot_set_x_extent (StrataPlot *self,
                          double      x_max)
{
  g_return_if_fail (STRATA_IS_PLOT (self));
  if (self->x_extent == x_max)
    return;
  self->x_extent = x_max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
strata_plot_get_title (StrataPlot *self)
{
  g_return_val_if_fail (STRATA_IS_PLOT (self), NULL);
  return self->title;
}

void
strata_plot_set_title (StrataPlot *self,
                       const char *title)
{
  g_return_if_fail (STRATA_IS_PLOT (self));
  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
strata_plot_get_percent (StrataPlot *self)
{
  g_return_val_if_fail (STRATA_IS_PLOT (self), FALSE);
  return self->percent;
}

void
strata_plot_set_percent (StrataPlot *self,
                         gboolean    percent)
{
  g_return_if_fail (STRATA_IS_PLOT (self));
  percent = !!percent;
  if (self->percent == percent)
    return;
  self->percent = percent;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERCENT]);
}

/* All the points drawn, for the tests. */
guint
strata_plot_get_n_points (StrataPlot *self)
{
  guint n = 0;

  g_return_val_if_fail (STRATA_IS_PLOT (self), 0);
  for (guint i = 0; i < self->series->len; i++)
    n += strata_series_get_n_points (((Series *) g_ptr_array_index (self->series, i))->series);
  return n;
}

/* The curves on the plot, legend-only entries not counted: for tests. */
guint
strata_plot_get_n_series (StrataPlot *self)
{
  g_return_val_if_fail (STRATA_IS_PLOT (self), 0);
  return self->series->len;
}

/**
 * strata_plot_dup_test_state:
 *
 * Returns: for the window tests: {"x_title": "Epoch", "series": [{"label", "points",
 *   "x_min", "x_max", "y_min", "y_max"}, …]}, the ranges only of series with points
 */
JsonNode *
strata_plot_dup_test_state (StrataPlot *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (STRATA_IS_PLOT (self), NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "x_title");
  json_builder_add_string_value (b, _("Epoch"));
  json_builder_set_member_name (b, "series");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      double x0, x1, y0, y1;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, s->label ? s->label : "");
      json_builder_set_member_name (b, "points");
      json_builder_add_int_value (b, strata_series_get_n_points (s->series));
      if (strata_series_get_range (s->series, &x0, &x1, &y0, &y1))
        {
          json_builder_set_member_name (b, "x_min");
          json_builder_add_double_value (b, x0);
          json_builder_set_member_name (b, "x_max");
          json_builder_add_double_value (b, x1);
          json_builder_set_member_name (b, "y_min");
          json_builder_add_double_value (b, y0);
          json_builder_set_member_name (b, "y_max");
          json_builder_add_double_value (b, y1);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
