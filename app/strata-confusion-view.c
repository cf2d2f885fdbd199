/* strata-confusion-view.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-confusion-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "strata-confusion-view.h"
#include "strata-format.h"

/**
 * StrataConfusionView:
 *
 * Rows are the true classes, columns the predicted ones. A cell's shade is its share of its
 * row (so a class with few images reads as clearly as one with many); the diagonal is what
 * the model got right. The count (or, normalised, the share of the row) is written in cells
 * large enough to hold it, and the tooltip of any cell says it in words. Clicking a cell, or
 * moving to it with the arrow keys and pressing Enter, emits ::cell-activated so that its
 * images can be shown.
 */

#define GAP 8.0
#define MIN_CELL 18.0
#define MAX_CELL 44.0

struct _StrataConfusionView
{
  GtkWidget parent_instance;

  GStrv classes;
  guint n;
  guint64 *counts;
  guint64 *row_sums;

  gboolean normalized;
  int cursor_row;               /* the keyboard's cell, -1 before any */
  int cursor_column;
  int selected_row;             /* the activated cell, -1 for none */
  int selected_column;

  /* the layout of the last snapshot, for the tooltip and clicks */
  double left;
  double top;
  double cell;
};

G_DEFINE_FINAL_TYPE (StrataConfusionView, strata_confusion_view, GTK_TYPE_WIDGET)

enum
{
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static PangoLayout *
make_layout (GtkWidget  *widget,
             const char *text,
             double      scale,
             gboolean    bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static double
label_width (StrataConfusionView *self)
{
  int widest = 0;

  for (guint i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) layout = make_layout (GTK_WIDGET (self), self->classes[i], 0.82, FALSE);
      int w;

      pango_layout_get_pixel_size (layout, &w, NULL);
      widest = MAX (widest, w);
    }
  return MIN (widest, 160);
}

/* Column labels stand at 45°: their height is about their width over √2. */
static double
header_height (StrataConfusionView *self)
{
  return label_width (self) * G_SQRT2 / 2 + 24;
}

static void
strata_confusion_view_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  StrataConfusionView *self = STRATA_CONFUSION_VIEW (widget);
  double labels = label_width (self) + GAP + 28;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) ceil (labels + self->n * MIN_CELL + 40);
      *natural = (int) ceil (labels + self->n * MAX_CELL + 60);
    }
  else
    {
      double cell = MAX_CELL;

      if (for_size > 0)
        cell = CLAMP ((for_size - labels - 60) / MAX (self->n, 1), MIN_CELL, MAX_CELL);
      *minimum = *natural = (int) ceil (header_height (self) + self->n * cell + 28);
    }
}

static void
strata_confusion_view_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  StrataConfusionView *self = STRATA_CONFUSION_VIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double labels = label_width (self);
  GdkRGBA fg, accent = { 0.21, 0.52, 0.89, 1 }, bg = { 1, 1, 1, 1 };
  g_autoptr(PangoLayout) axis = NULL;
  cairo_t *cr;
  int w, h;

  if (self->n == 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_bg_color", &accent);
  gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "view_bg_color", &bg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  self->top = header_height (self);
  self->left = 28 + labels + GAP;
  self->cell = CLAMP (MIN ((width - self->left - 12) / self->n, (height - self->top - 8) / self->n),
                      MIN_CELL, MAX_CELL);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* axis titles */
  axis = make_layout (widget, _("Predicted class"), 0.82, TRUE);
  pango_layout_get_pixel_size (axis, &w, &h);
  cairo_move_to (cr, self->left + (self->n * self->cell - w) / 2, 0);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  pango_cairo_show_layout (cr, axis);
  g_clear_object (&axis);
  axis = make_layout (widget, _("True class"), 0.82, TRUE);
  pango_layout_get_pixel_size (axis, &w, &h);
  cairo_save (cr);
  cairo_translate (cr, 2, self->top + (self->n * self->cell + w) / 2);
  cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, axis);
  cairo_restore (cr);

  for (guint r = 0; r < self->n; r++)
    {
      g_autoptr(PangoLayout) row_label = make_layout (widget, self->classes[r], 0.82, FALSE);
      g_autoptr(PangoLayout) col_label = make_layout (widget, self->classes[r], 0.82, FALSE);

      /* row label, right-aligned against the grid */
      pango_layout_set_width (row_label, (int) (labels * PANGO_SCALE));
      pango_layout_set_ellipsize (row_label, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (row_label, PANGO_ALIGN_RIGHT);
      pango_layout_get_pixel_size (row_label, &w, &h);
      cairo_move_to (cr, self->left - GAP - labels, self->top + r * self->cell + (self->cell - h) / 2);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      pango_cairo_show_layout (cr, row_label);

      /* column label, slanted up from the top of its column */
      pango_layout_set_width (col_label, (int) (labels * PANGO_SCALE));
      pango_layout_set_ellipsize (col_label, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (col_label, &w, &h);
      cairo_save (cr);
      cairo_translate (cr, self->left + (r + 0.5) * self->cell - 2, self->top - 6);
      cairo_rotate (cr, -G_PI / 4);
      cairo_move_to (cr, 0, -h / 2.0);
      pango_cairo_show_layout (cr, col_label);
      cairo_restore (cr);

      for (guint c = 0; c < self->n; c++)
        {
          guint64 count = self->counts[r * self->n + c];
          double share = self->row_sums[r] ? (double) count / self->row_sums[r] : 0;
          double x = self->left + c * self->cell, y = self->top + r * self->cell;
          double t = sqrt (share);    /* small confusions stay visible */

          cairo_rectangle (cr, x + 1, y + 1, self->cell - 2, self->cell - 2);
          cairo_set_source_rgb (cr, bg.red + (accent.red - bg.red) * t,
                                bg.green + (accent.green - bg.green) * t,
                                bg.blue + (accent.blue - bg.blue) * t);
          cairo_fill_preserve (cr);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, r == c ? 0.35 : 0.08);
          cairo_set_line_width (cr, 1);
          cairo_stroke (cr);

          if ((int) r == self->selected_row && (int) c == self->selected_column)
            {
              cairo_rectangle (cr, x + 1.5, y + 1.5, self->cell - 3, self->cell - 3);
              cairo_set_source_rgb (cr, fg.red, fg.green, fg.blue);
              cairo_set_line_width (cr, 3);
              cairo_stroke (cr);
            }
          if (gtk_widget_has_visible_focus (widget) &&
              (int) r == self->cursor_row && (int) c == self->cursor_column)
            {
              static const double dash[] = { 3, 2 };

              cairo_rectangle (cr, x + 3.5, y + 3.5, self->cell - 7, self->cell - 7);
              cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1);
              cairo_set_dash (cr, dash, 2, 0);
              cairo_set_line_width (cr, 2);
              cairo_stroke (cr);
              cairo_set_dash (cr, NULL, 0, 0);
            }

          if (self->cell >= 28 && count > 0)
            {
              /* a share shows as a whole percentage: there is no room for more */
              g_autofree char *text = self->normalized
                ? g_strdup_printf ("%.0f", 100 * share)
                : g_strdup_printf ("%" G_GUINT64_FORMAT, count);
              g_autoptr(PangoLayout) layout = make_layout (widget, text,
                                                           strlen (text) >= 4 ? 0.62 : 0.72, r == c);

              pango_layout_get_pixel_size (layout, &w, &h);
              cairo_move_to (cr, x + (self->cell - w) / 2, y + (self->cell - h) / 2);
              if (t > 0.55)
                cairo_set_source_rgb (cr, 1, 1, 1);
              else
                cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.85);
              pango_cairo_show_layout (cr, layout);
            }
        }
    }
  cairo_destroy (cr);
}

static gboolean
cell_at (StrataConfusionView *self,
         double               x,
         double               y,
         int                 *row,
         int                 *column)
{
  if (self->n == 0 || self->cell <= 0 || x < self->left || y < self->top)
    return FALSE;
  *column = (int) ((x - self->left) / self->cell);
  *row = (int) ((y - self->top) / self->cell);
  return *row < (int) self->n && *column < (int) self->n;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  StrataConfusionView *self = STRATA_CONFUSION_VIEW (widget);
  int r, c;
  guint64 count;
  g_autofree char *share = NULL, *text = NULL, *number = NULL;

  if (!cell_at (self, x, y, &r, &c))
    return FALSE;
  count = self->counts[r * self->n + c];
  share = strata_format_percent (self->row_sums[r] ? (double) count / self->row_sums[r] : 0);
  number = strata_format_count (count);
  if (r == c)
    /* Translators: a confusion matrix cell on the diagonal: class, count, share of the class */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s: %s image classified correctly (%s)",
                                         "%s: %s images classified correctly (%s)",
                                         (gulong) MIN (count, G_MAXULONG)),
                            self->classes[r], number, share);
  else
    /* Translators: a confusion matrix cell: true class, predicted class, count, share */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s taken for %s: %s image (%s)",
                                         "%s taken for %s: %s images (%s)",
                                         (gulong) MIN (count, G_MAXULONG)),
                            self->classes[r], self->classes[c], number, share);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
activate_cell (StrataConfusionView *self,
               int                  row,
               int                  column)
{
  self->selected_row = self->cursor_row = row;
  self->selected_column = self->cursor_column = column;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, (guint) row, (guint) column);
}

static void
on_pressed (GtkGestureClick     *gesture,
            int                  n_press,
            double               x,
            double               y,
            StrataConfusionView *self)
{
  int r, c;

  /* no focus grab: the page would scroll the whole matrix into view under the pointer */
  if (cell_at (self, x, y, &r, &c))
    activate_cell (self, r, c);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StrataConfusionView   *self)
{
  int r = MAX (self->cursor_row, 0), c = MAX (self->cursor_column, 0);

  if (self->n == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      c--;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      c++;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      r--;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      r++;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      activate_cell (self, r, c);
      return TRUE;
    default:
      return FALSE;
    }
  /* the first arrow press shows the cursor where it is, at the top left */
  if (self->cursor_row < 0)
    r = c = 0;
  self->cursor_row = CLAMP (r, 0, (int) self->n - 1);
  self->cursor_column = CLAMP (c, 0, (int) self->n - 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
strata_confusion_view_finalize (GObject *object)
{
  StrataConfusionView *self = (StrataConfusionView *) object;

  g_clear_pointer (&self->classes, g_strfreev);
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_sums, g_free);

  G_OBJECT_CLASS (strata_confusion_view_parent_class)->finalize (object);
}

static void
strata_confusion_view_class_init (StrataConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = strata_confusion_view_finalize;
  widget_class->measure = strata_confusion_view_measure;
  widget_class->snapshot = strata_confusion_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "confusionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  /**
   * StrataConfusionView::cell-activated:
   * @row: the true class
   * @column: the predicted class
   */
  signals[CELL_ACTIVATED] = g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
strata_confusion_view_init (StrataConfusionView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->cursor_row = self->cursor_column = -1;
  self->selected_row = self->selected_column = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  /* the keyboard's cell is drawn only while the matrix has the focus */
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (gtk_widget_queue_draw), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Confusion matrix"), -1);
}

GtkWidget *
strata_confusion_view_new (void)
{
  return g_object_new (STRATA_TYPE_CONFUSION_VIEW, NULL);
}

/**
 * strata_confusion_view_set_data:
 * @classes: the class names
 * @counts: n × n counts, row: true class, column: predicted; copied
 */
void
strata_confusion_view_set_data (StrataConfusionView *self,
                                const char * const  *classes,
                                const guint64       *counts)
{
  g_return_if_fail (STRATA_IS_CONFUSION_VIEW (self));

  g_clear_pointer (&self->classes, g_strfreev);
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_sums, g_free);
  self->n = classes ? g_strv_length ((char **) classes) : 0;
  self->classes = g_strdupv ((char **) classes);
  self->counts = g_memdup2 (counts, sizeof (guint64) * self->n * self->n);
  self->row_sums = g_new0 (guint64, MAX (self->n, 1));
  for (guint r = 0; r < self->n; r++)
    for (guint c = 0; c < self->n; c++)
      self->row_sums[r] += self->counts[r * self->n + c];
  self->selected_row = self->selected_column = -1;
  self->cursor_row = self->cursor_column = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/**
 * strata_confusion_view_set_normalized:
 * @normalized: write each cell's share of its row (true class) instead of its count
 */
void
strata_confusion_view_set_normalized (StrataConfusionView *self,
                                      gboolean             normalized)
{
  g_return_if_fail (STRATA_IS_CONFUSION_VIEW (self));
  self->normalized = !!normalized;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * strata_confusion_view_get_cell_center:
 *
 * Where the cell was drawn last, in the widget's coordinates: for the real-window tests.
 *
 * Returns: %FALSE before the first drawing or for a cell out of range
 */
gboolean
strata_confusion_view_get_cell_center (StrataConfusionView *self,
                                       guint                row,
                                       guint                column,
                                       double              *x,
                                       double              *y)
{
  g_return_val_if_fail (STRATA_IS_CONFUSION_VIEW (self), FALSE);
  if (row >= self->n || column >= self->n || self->cell <= 0)
    return FALSE;
  *x = self->left + (column + 0.5) * self->cell;
  *y = self->top + (row + 0.5) * self->cell;
  return TRUE;
}
