/* strata-graph-minimap.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-minimap"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-graph-minimap.h"
#include "strata-graph-editor-private.h"

/*
 * Drawn entirely in snapshot from the canvas's geometry, which it borrows: the canvas
 * outlives it and tells it when anything moved. Clicking or dragging in it emits
 * "navigate" with the canvas point to centre the view on.
 */

#define PADDING 8.0

struct _StrataGraphMinimap
{
  GtkWidget parent_instance;

  /* Borrowed */
  StrataGraphGeometry *geometry;
  GHashTable *selection;

  StrataRect visible;
  /* canvas → minimap, from the last snapshot */
  double scale;
  double offset_x;
  double offset_y;
};

G_DEFINE_FINAL_TYPE (StrataGraphMinimap, strata_graph_minimap, GTK_TYPE_WIDGET)

enum {
  NAVIGATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
compute_frame (StrataGraphMinimap *self,
               double              width,
               double              height)
{
  StrataRect all;

  if (self->geometry == NULL || !strata_graph_geometry_get_bounds (self->geometry, &all))
    return FALSE;
  strata_rect_union (&all, &self->visible, &all);
  self->scale = MIN ((width - 2 * PADDING) / MAX (all.width, 1),
                     (height - 2 * PADDING) / MAX (all.height, 1));
  self->offset_x = (width - all.width * self->scale) / 2 - all.x * self->scale;
  self->offset_y = (height - all.height * self->scale) / 2 - all.y * self->scale;
  return TRUE;
}

static graphene_rect_t
to_minimap (StrataGraphMinimap *self,
            const StrataRect   *rect)
{
  return GRAPHENE_RECT_INIT (rect->x * self->scale + self->offset_x,
                             rect->y * self->scale + self->offset_y,
                             MAX (rect->width * self->scale, 1),
                             MAX (rect->height * self->scale, 1));
}

static void
strata_graph_minimap_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  StrataGraphMinimap *self = STRATA_GRAPH_MINIMAP (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA fg, node_color, accent;
  graphene_rect_t view;
  GskRoundedRect outline;
  float border_width[4] = { 1.5, 1.5, 1.5, 1.5 };
  GdkRGBA border_color[4];

  if (!compute_frame (self, width, height))
    return;

  gtk_style_context_get_color (style, &fg);
  if (!_strata_graph_editor_lookup_color (widget, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1 };
  node_color = fg;
  node_color.alpha *= 0.35;

  for (guint i = 0; i < strata_graph_geometry_get_n_nodes (self->geometry); i++)
    {
      const char *id = strata_graph_geometry_get_nth_id (self->geometry, i);
      StrataRect rect;
      graphene_rect_t r;

      strata_graph_geometry_get_rect (self->geometry, id, &rect);
      r = to_minimap (self, &rect);
      gtk_snapshot_append_color (snapshot,
                                 self->selection && g_hash_table_contains (self->selection, id)
                                 ? &accent : &node_color, &r);
    }

  view = to_minimap (self, &self->visible);
  gsk_rounded_rect_init_from_rect (&outline, &view, 3);
  for (guint i = 0; i < 4; i++)
    border_color[i] = accent;
  {
    GdkRGBA fill = accent;
    fill.alpha = 0.12;
    gtk_snapshot_push_rounded_clip (snapshot, &outline);
    gtk_snapshot_append_color (snapshot, &fill, &view);
    gtk_snapshot_pop (snapshot);
  }
  gtk_snapshot_append_border (snapshot, &outline, border_width, border_color);
}

static void
navigate_to (StrataGraphMinimap *self,
             double              x,
             double              y)
{
  if (self->scale <= 0)
    return;
  g_signal_emit (self, signals[NAVIGATE], 0,
                 (x - self->offset_x) / self->scale, (y - self->offset_y) / self->scale);
}

static void
on_drag_begin (GtkGestureDrag     *gesture,
               double              x,
               double              y,
               StrataGraphMinimap *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  navigate_to (self, x, y);
}

static void
on_drag_update (GtkGestureDrag     *gesture,
                double              dx,
                double              dy,
                StrataGraphMinimap *self)
{
  double x, y;

  gtk_gesture_drag_get_start_point (gesture, &x, &y);
  navigate_to (self, x + dx, y + dy);
}

static void
strata_graph_minimap_class_init (StrataGraphMinimapClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = strata_graph_minimap_snapshot;

  /**
   * StrataGraphMinimap::navigate:
   * @x: the canvas point to show in the middle of the view
   * @y: and its y
   */
  signals[NAVIGATE] =
    g_signal_new ("navigate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "graphminimap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
strata_graph_minimap_init (StrataGraphMinimap *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Overview of the model"), -1);
}

GtkWidget *
strata_graph_minimap_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_MINIMAP, NULL);
}

/**
 * strata_graph_minimap_set_scene:
 * @geometry: (nullable): the canvas's node rectangles, borrowed until the next call
 * @selection: (nullable): selected ids, borrowed likewise
 * @visible: the part of the canvas the view shows
 */
void
strata_graph_minimap_set_scene (StrataGraphMinimap  *self,
                                StrataGraphGeometry *geometry,
                                GHashTable          *selection,
                                const StrataRect    *visible)
{
  g_return_if_fail (STRATA_IS_GRAPH_MINIMAP (self));

  self->geometry = geometry;
  self->selection = selection;
  self->visible = *visible;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
