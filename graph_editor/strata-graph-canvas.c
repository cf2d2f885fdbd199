/* strata-graph-canvas.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-canvas"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-graph-canvas.h"
#include "strata-graph-canvas-private.h"
#include "strata-graph-add-popover.h"
#include "strata-graph-clipboard.h"
#include "strata-graph-editor-private.h"
#include "strata-graph-layout.h"
#include "strata-graph-minimap.h"
#include "strata-graph-node.h"
#include "strata-link-drag.h"
#include "strata-view-transform.h"

/*
 * The design is Helvum's: nodes are child widgets placed with a per-child transform
 * (canvas → view: zoom and pan), links are drawn with cairo in snapshot, under the nodes.
 * Positions live in the graph; the canvas only caches each node's rectangle in a
 * StrataGraphGeometry, which also answers every hit test. One explicit interaction state
 * drives the pointer (imnodes); every edit goes through the undo manager, a drag being
 * recorded once when it ends.
 */

#define GRID_STEP        24.0   /* canvas units between grid dots */
#define PORT_TOLERANCE    8.0   /* view pixels around a port that still grab it */
#define DRAG_THRESHOLD    3.0   /* view pixels before a press on a node becomes a move */
#define FIT_MARGIN       40.0
#define PASTE_OFFSET     32.0
#define NUDGE_SMALL       8
#define NUDGE_LARGE      48
#define MINIMAP_WIDTH   180
#define MINIMAP_HEIGHT  140
#define OVERLAY_MARGIN   12
#define AUTOPAN_MARGIN   36     /* view pixels from an edge where dragging scrolls */
#define AUTOPAN_SPEED    16     /* view pixels per frame at the very edge */
#define MIN_TEXT_PX       9.0   /* no node text is drawn smaller than this, in view pixels */
#define COMPACT_TITLE_PX 10.0   /* a compact node's title, at the least */
#define INITIAL_ZOOM_MIN  0.4   /* the first view of a long model: fit, but not below this */
#define NOTICE_SECONDS    5

typedef enum
{
  INTERACTION_NONE,
  INTERACTION_MOVE,
  INTERACTION_LINK,
  INTERACTION_BOX,
} Interaction;

struct _StrataGraphCanvas
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *toolbar;
  GtkButton *zoom_button;
  StrataGraphMinimap *minimap;
  GtkLabel *notice;
  StrataGraphAddPopover *add_popover;
  GMenuModel *context_menu_model;
  GtkWidget *context_menu;

  /* Owned */
  StrataUndoManager *undo;
  StrataGraph *graph;
  GSignalGroup *graph_signals;
  GSignalGroup *undo_signals;
  GHashTable *nodes;               /* id → StrataGraphNode*, children of ours */
  StrataGraphGeometry *geometry;
  GHashTable *selection;           /* id → the order it was selected in */
  guint selection_serial;
  GHashTable *lost_selection;      /* ids deselected by a removal, for renames */
  char *cursor;                    /* the node keyboard navigation starts from */
  char *selected_link_dst;
  guint selected_link_port;
  char *hover_link_dst;
  guint hover_link_port;

  StrataViewTransform view;
  gboolean view_ready;
  gboolean in_allocate;
  gboolean compact;                /* zoomed out: nodes show their titles only */
  guint notice_source;

  /* Pointer */
  GtkGesture *primary_drag;
  Interaction interaction;
  StrataPoint pointer;             /* view coordinates */
  gboolean pointer_inside;
  gboolean focus_from_pointer;     /* a click focused the node: don't scroll to it */
  StrataPoint press;               /* where the current primary drag began */
  StrataPoint drag_offset;         /* how far the pointer is from there */
  StrataPoint drag_pan;            /* how far the view scrolled by itself since */
  guint autopan_tick;
  gboolean moved;
  GHashTable *move_start;          /* id → StrataPoint* */
  GHashTable *box_base;            /* selection before the rubber band */
  StrataRect band;                 /* view coordinates */
  StrataLinkDrag *link_drag;
  char *link_hover_id;             /* port the dragged link would attach to */
  StrataPortDirection link_hover_direction;
  guint link_hover_port;
  gboolean link_hover_valid;
  gint64 last_click_time;
  StrataPoint last_click;
  char *last_click_node;           /* for double clicks on a node */
  StrataViewTransform pan_start;
  double zoom_gesture_start;

  /* A pending add from the add menu */
  StrataPoint add_at;              /* canvas coordinates */
  char *add_link_src;
  char *add_link_dst;
  guint add_link_port;
};

G_DEFINE_FINAL_TYPE (StrataGraphCanvas, strata_graph_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_UNDO_MANAGER,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SELECTION_CHANGED,
  NODE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_actions       (StrataGraphCanvas *self);
static gboolean autopan_tick     (GtkWidget         *widget,
                                  GdkFrameClock     *clock,
                                  gpointer           user_data);
static void update_minimap       (StrataGraphCanvas *self);
static void ensure_visible       (StrataGraphCanvas *self,
                                  const char        *id);

/* View ---------------------------------------------------------------------------------------- */

/* The size of the canvas' font, which a node's title uses, in pixels at zoom 1. */
static double
base_font_px (StrataGraphCanvas *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size, dpi;

  if (font == NULL || pango_font_description_get_size (font) <= 0)
    return 14.0;
  size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (font))
    return size;
  dpi = pango_cairo_context_get_resolution (context);
  return size * (dpi > 0 ? dpi : 96.0) / 72.0;
}

/* A node's smallest line (its footer) is 0.8 em: below MIN_TEXT_PX the secondary lines go,
 * and the canvas draws the title itself, at a size that stays legible. */
static gboolean
wants_compact (StrataGraphCanvas *self,
               double             zoom)
{
  return base_font_px (self) * 0.8 * zoom < MIN_TEXT_PX;
}

static double
compact_title_px (StrataGraphCanvas *self)
{
  return MAX (COMPACT_TITLE_PX, base_font_px (self) * self->view.zoom);
}

static void
update_detail (StrataGraphCanvas *self)
{
  gboolean compact = wants_compact (self, self->view.zoom);
  GHashTableIter iter;
  gpointer value;

  if (compact == self->compact)
    return;
  self->compact = compact;
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (compact)
      gtk_widget_add_css_class (value, "compact");
    else
      gtk_widget_remove_css_class (value, "compact");
}

static void
set_view (StrataGraphCanvas         *self,
          const StrataViewTransform *view)
{
  gboolean zoom_changed = view->zoom != self->view.zoom;

  if (view->zoom == self->view.zoom && view->x == self->view.x && view->y == self->view.y)
    return;
  self->view = *view;
  if (zoom_changed)
    {
      g_autofree char *label = g_strdup_printf ("%.0f%%", round (self->view.zoom * 100));
      gtk_button_set_label (self->zoom_button, label);
      update_detail (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  update_minimap (self);
}

static StrataPoint
to_canvas (StrataGraphCanvas *self,
           double             x,
           double             y)
{
  return strata_view_transform_to_canvas (&self->view, x, y);
}

static StrataPoint
to_view (StrataGraphCanvas *self,
         StrataPoint        p)
{
  return strata_view_transform_to_view (&self->view, p.x, p.y);
}

/* The pointer if it is over us, else the middle of the view. */
static StrataPoint
focus_point (StrataGraphCanvas *self)
{
  if (self->pointer_inside)
    return self->pointer;
  return (StrataPoint) { gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 };
}

static void
zoom_at (StrataGraphCanvas *self,
         double             zoom,
         StrataPoint        anchor)
{
  StrataViewTransform view = self->view;

  strata_view_transform_set_zoom_at (&view, zoom, anchor.x, anchor.y);
  set_view (self, &view);
}

static void
fit_view (StrataGraphCanvas *self,
          gboolean           initial)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  StrataViewTransform view = self->view;
  StrataRect bounds;

  if (width < 1 || height < 1)
    return;
  if (!strata_graph_geometry_get_bounds (self->geometry, &bounds))
    {
      view = STRATA_VIEW_TRANSFORM_IDENTITY;
      strata_view_transform_center_on (&view, 0, 0, width, height);
      set_view (self, &view);
      return;
    }
  /* Room for the toolbar above the graph. */
  bounds.y -= 32;
  bounds.height += 32;
  strata_view_transform_fit (&view, &bounds, width, height, FIT_MARGIN, 1.0);

  /* The first view shows the whole model (the nodes drop their secondary lines to keep the
   * text legible); only a very long one starts at its input, to be scrolled down. */
  if (initial && view.zoom < INITIAL_ZOOM_MIN)
    {
      view.zoom = INITIAL_ZOOM_MIN;
      strata_view_transform_center_on (&view, bounds.x + bounds.width / 2, bounds.y,
                                       width, height);
      view.y = FIT_MARGIN - bounds.y * view.zoom;
    }
  set_view (self, &view);
}

/* Geometry ------------------------------------------------------------------------------------ */

/* All cards one width, so a column of layers lines up; long names ellipsize. */
static void
measure_node (GtkWidget *node,
              int       *width,
              int       *height)
{
  int minimum;

  gtk_widget_measure (node, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  *width = MAX (minimum, (int) STRATA_NODE_DEFAULT_WIDTH);
  gtk_widget_measure (node, GTK_ORIENTATION_VERTICAL, *width, NULL, height, NULL, NULL);
}

static void
update_node_geometry (StrataGraphCanvas *self,
                      const char        *id,
                      gboolean           measure)
{
  StrataNode *node = strata_graph_get_node (self->graph, id);
  GtkWidget *widget = g_hash_table_lookup (self->nodes, id);
  StrataRect rect;

  if (node == NULL || widget == NULL)
    return;
  strata_node_get_position (node, &rect.x, &rect.y);
  if (measure)
    {
      int w, h;
      measure_node (widget, &w, &h);
      rect.width = w;
      rect.height = h;
    }
  else
    {
      StrataRect old;
      if (!strata_graph_geometry_get_rect (self->geometry, id, &old))
        old = (StrataRect) { 0, 0, STRATA_NODE_DEFAULT_WIDTH, STRATA_NODE_DEFAULT_HEIGHT };
      rect.width = old.width;
      rect.height = old.height;
    }
  strata_graph_geometry_set_node (self->geometry, id, &rect, strata_node_get_n_inputs (node),
                                  strata_node_get_op (node)->has_output);
}

static void
node_size (const char *id,
           double     *width,
           double     *height,
           gpointer    user_data)
{
  StrataGraphCanvas *self = user_data;
  StrataRect rect;

  if (strata_graph_geometry_get_rect (self->geometry, id, &rect))
    {
      *width = rect.width;
      *height = rect.height;
    }
}

static void
apply_layout (StrataGraphCanvas *self,
              gboolean           undoable)
{
  g_autoptr(GHashTable) positions = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) from = g_array_new (FALSE, FALSE, sizeof (StrataPoint));
  g_autoptr(GArray) to = g_array_new (FALSE, FALSE, sizeof (StrataPoint));
  GHashTableIter iter;
  gpointer key, value;

  positions = strata_graph_layout_compute (self->graph, node_size, self);
  g_hash_table_iter_init (&iter, positions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      StrataPoint old;
      strata_node_get_position (strata_graph_get_node (self->graph, key), &old.x, &old.y);
      g_ptr_array_add (ids, key);
      g_array_append_val (from, old);
      g_array_append_vals (to, value, 1);
    }
  g_ptr_array_add (ids, NULL);

  if (undoable)
    {
      strata_undo_manager_begin_group (self->undo, _("Arrange Layers"));
      strata_undo_manager_move_nodes (self->undo, (const char *const *) ids->pdata,
                                      (StrataPoint *) from->data, (StrataPoint *) to->data,
                                      FALSE);
      strata_undo_manager_end_group (self->undo);
    }
  else
    for (guint i = 0; i < to->len; i++)
      strata_graph_set_position (self->graph, g_ptr_array_index (ids, i),
                                 g_array_index (to, StrataPoint, i).x,
                                 g_array_index (to, StrataPoint, i).y);
}

/* A graph whose nodes were never placed (all at one spot, as a new or imported model) gets
 * laid out once, without an undo step: it is how it opens, not an edit. */
static gboolean
needs_initial_layout (StrataGraph *graph)
{
  guint n = strata_graph_get_n_nodes (graph);
  double x0, y0;

  if (n < 2)
    return FALSE;
  strata_node_get_position (strata_graph_get_nth_node (graph, 0), &x0, &y0);
  for (guint i = 1; i < n; i++)
    {
      double x, y;
      strata_node_get_position (strata_graph_get_nth_node (graph, i), &x, &y);
      if (x != x0 || y != y0)
        return FALSE;
    }
  return TRUE;
}

/* Selection ----------------------------------------------------------------------------------- */

static gboolean
is_selected (StrataGraphCanvas *self,
             const char        *id)
{
  return id != NULL && g_hash_table_contains (self->selection, id);
}

static void
set_node_selected (StrataGraphCanvas *self,
                   const char        *id,
                   gboolean           selected)
{
  GtkWidget *widget = g_hash_table_lookup (self->nodes, id);

  if (widget == NULL)
    return;
  if (selected)
    {
      if (!g_hash_table_contains (self->selection, id))
        g_hash_table_insert (self->selection, g_strdup (id),
                             GUINT_TO_POINTER (++self->selection_serial));
      if (g_strcmp0 (self->cursor, id) != 0)
        {
          g_free (self->cursor);
          self->cursor = g_strdup (id);
        }
    }
  else
    g_hash_table_remove (self->selection, id);
  strata_graph_node_set_selected (STRATA_GRAPH_NODE (widget), selected);
}

static void
clear_link_selection (StrataGraphCanvas *self)
{
  if (self->selected_link_dst == NULL)
    return;
  g_clear_pointer (&self->selected_link_dst, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
selection_changed (StrataGraphCanvas *self)
{
  update_actions (self);
  update_minimap (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
clear_selection (StrataGraphCanvas *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GtkWidget *widget = g_hash_table_lookup (self->nodes, key);
      if (widget)
        strata_graph_node_set_selected (STRATA_GRAPH_NODE (widget), FALSE);
    }
  g_hash_table_remove_all (self->selection);
}

static void
select_only (StrataGraphCanvas *self,
             const char        *id)
{
  g_autofree char *keep = g_strdup (id);

  clear_selection (self);
  clear_link_selection (self);
  if (keep)
    set_node_selected (self, keep, TRUE);
  selection_changed (self);
}

static void
select_ids (StrataGraphCanvas *self,
            const char *const *ids)
{
  clear_selection (self);
  clear_link_selection (self);
  for (guint i = 0; ids && ids[i]; i++)
    set_node_selected (self, ids[i], TRUE);
  selection_changed (self);
}

static GStrv
dup_selection (StrataGraphCanvas *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  /* In graph order, so copies and undo labels come out in a stable order. */
  for (guint i = 0; self->graph && i < strata_graph_get_n_nodes (self->graph); i++)
    {
      const char *id = strata_node_get_id (strata_graph_get_nth_node (self->graph, i));
      if (is_selected (self, id))
        g_strv_builder_add (builder, id);
    }
  return g_strv_builder_end (builder);
}

/* Graph signals ------------------------------------------------------------------------------- */

static void
on_node_focus_enter (GtkEventControllerFocus *controller,
                     StrataGraphCanvas       *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  const char *id = strata_graph_node_get_id (STRATA_GRAPH_NODE (widget));

  /* Tabbing onto a node selects it; a click has already done so. */
  if (!is_selected (self, id))
    select_only (self, id);
  if (!self->focus_from_pointer)
    ensure_visible (self, id);
}

static void
on_node_added (StrataGraphCanvas *self,
               const char        *id)
{
  GtkWidget *widget = strata_graph_node_new (id);
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect (focus, "enter", G_CALLBACK (on_node_focus_enter), self);
  gtk_widget_add_controller (widget, focus);

  /* Nodes go under the overlays (toolbar, minimap), which come last among our children. */
  gtk_widget_insert_before (widget, GTK_WIDGET (self), self->toolbar);
  if (self->compact)
    gtk_widget_add_css_class (widget, "compact");
  g_hash_table_insert (self->nodes, g_strdup (id), widget);
  strata_graph_node_update (STRATA_GRAPH_NODE (widget), self->graph);
  update_node_geometry (self, id, FALSE);
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  update_actions (self);
}

static void
on_node_removed (StrataGraphCanvas *self,
                 const char        *id)
{
  GtkWidget *widget = g_hash_table_lookup (self->nodes, id);
  gboolean was_selected = is_selected (self, id);

  if (widget == NULL)
    return;
  if (was_selected)
    g_hash_table_add (self->lost_selection, g_strdup (id));
  g_hash_table_remove (self->selection, id);
  gtk_widget_unparent (widget);
  g_hash_table_remove (self->nodes, id);
  strata_graph_geometry_remove_node (self->geometry, id);
  if (g_strcmp0 (self->selected_link_dst, id) == 0)
    g_clear_pointer (&self->selected_link_dst, g_free);
  if (g_strcmp0 (self->hover_link_dst, id) == 0)
    g_clear_pointer (&self->hover_link_dst, g_free);
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  if (was_selected)
    selection_changed (self);
  else
    update_actions (self);
}

static void
on_node_changed (StrataGraphCanvas *self,
                 const char        *id)
{
  GtkWidget *widget = g_hash_table_lookup (self->nodes, id);

  if (widget == NULL)
    return;
  strata_graph_node_update (STRATA_GRAPH_NODE (widget), self->graph);
  update_node_geometry (self, id, FALSE);
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  update_minimap (self);
}

/* Any edit can change shapes and errors downstream: refresh every card. */
static void
on_graph_changed (StrataGraphCanvas *self)
{
  GHashTableIter iter;
  gpointer widget;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &widget))
    strata_graph_node_update (widget, self->graph);
  if (!self->in_allocate)
    gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_node_renamed (StrataGraphCanvas *self,
                 const char        *old_id,
                 const char        *new_id)
{
  if (g_hash_table_remove (self->lost_selection, old_id))
    {
      set_node_selected (self, new_id, TRUE);
      selection_changed (self);
    }
}

static void
on_undo_state_changed (StrataGraphCanvas *self)
{
  g_hash_table_remove_all (self->lost_selection);
  update_actions (self);
}

/* Layout -------------------------------------------------------------------------------------- */

static void
strata_graph_canvas_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  int toolbar_min;

  /* As small as the toolbar lets us; we scroll, whatever the size. */
  gtk_widget_measure (self->toolbar, orientation, -1, &toolbar_min, NULL, NULL, NULL);
  *minimum = toolbar_min + 2 * OVERLAY_MARGIN;
  *natural = MAX (*minimum, orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 480);
}

static void
strata_graph_canvas_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  GHashTableIter iter;
  gpointer key, value;
  int w, h;

  self->in_allocate = TRUE;

  /* Sizes first: the initial layout and fit need them. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    update_node_geometry (self, key, TRUE);

  if (!self->view_ready && self->graph != NULL)
    {
      self->view_ready = TRUE;
      if (needs_initial_layout (self->graph))
        apply_layout (self, FALSE);
      fit_view (self, TRUE);
    }

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      StrataRect rect;
      StrataPoint p;

      if (!strata_graph_geometry_get_rect (self->geometry, key, &rect))
        continue;
      p = to_view (self, (StrataPoint) { rect.x, rect.y });
      gtk_widget_allocate (value, (int) rect.width, (int) rect.height, -1,
                           gsk_transform_scale (gsk_transform_translate (NULL,
                                                                         &GRAPHENE_POINT_INIT (p.x, p.y)),
                                                self->view.zoom, self->view.zoom));
    }

  gtk_widget_measure (self->toolbar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
  w = MIN (w, width - 2 * OVERLAY_MARGIN);
  gtk_widget_measure (self->toolbar, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
  gtk_widget_allocate (self->toolbar, w, h, -1,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (OVERLAY_MARGIN,
                                                                            OVERLAY_MARGIN)));

  w = MIN (MINIMAP_WIDTH, width / 4);
  h = MIN (MINIMAP_HEIGHT, height / 4);
  gtk_widget_allocate (GTK_WIDGET (self->minimap), w, h, -1,
                       gsk_transform_translate (NULL,
                                                &GRAPHENE_POINT_INIT (width - w - OVERLAY_MARGIN,
                                                                      height - h - OVERLAY_MARGIN)));

  if (gtk_widget_get_visible (GTK_WIDGET (self->notice)))
    {
      int max_width = MAX (1, width - 2 * OVERLAY_MARGIN);

      gtk_widget_measure (GTK_WIDGET (self->notice), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w,
                          NULL, NULL);
      w = MIN (w, max_width);
      gtk_widget_measure (GTK_WIDGET (self->notice), GTK_ORIENTATION_VERTICAL, w, NULL, &h,
                          NULL, NULL);
      /* at the bottom, in the middle, clear of the toolbar at the top */
      gtk_widget_allocate (GTK_WIDGET (self->notice), w, h, -1,
                           gsk_transform_translate (NULL,
                                                    &GRAPHENE_POINT_INIT ((width - w) / 2.0,
                                                                          height - h - 3 * OVERLAY_MARGIN)));
    }

  gtk_popover_present (GTK_POPOVER (self->add_popover));
  gtk_popover_present (GTK_POPOVER (self->context_menu));
  update_minimap (self);
  self->in_allocate = FALSE;
}

/* Drawing ------------------------------------------------------------------------------------- */

typedef struct
{
  GdkRGBA link;
  GdkRGBA accent;
  GdkRGBA error;
  GdkRGBA grid;
  GdkRGBA label_bg;
  GdkRGBA label_fg;
} Colors;

static void
lookup_colors (StrataGraphCanvas *self,
               Colors            *colors)
{
  GtkWidget *widget = GTK_WIDGET (self);

  if (!_strata_graph_editor_lookup_color (widget, "strata_graph_link_color", &colors->link))
    colors->link = (GdkRGBA) { 0.5, 0.5, 0.5, 0.8 };
  if (!_strata_graph_editor_lookup_color (widget, "accent_color", &colors->accent))
    colors->accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1 };
  if (!_strata_graph_editor_lookup_color (widget, "error_color", &colors->error))
    colors->error = (GdkRGBA) { 0.75, 0.11, 0.16, 1 };
  if (!_strata_graph_editor_lookup_color (widget, "strata_graph_grid_color", &colors->grid))
    colors->grid = (GdkRGBA) { 0.5, 0.5, 0.5, 0.25 };
  if (!_strata_graph_editor_lookup_color (widget, "strata_graph_label_bg_color", &colors->label_bg))
    colors->label_bg = (GdkRGBA) { 1, 1, 1, 1 };
  if (!_strata_graph_editor_lookup_color (widget, "strata_graph_label_fg_color", &colors->label_fg))
    colors->label_fg = (GdkRGBA) { 0.3, 0.3, 0.3, 1 };
}

static void
snapshot_grid (StrataGraphCanvas *self,
               GtkSnapshot       *snapshot,
               const Colors      *colors,
               double             width,
               double             height)
{
  double step = GRID_STEP * self->view.zoom;
  double dot = CLAMP (2.0 * self->view.zoom, 1.0, 2.0);
  double x0, y0;

  while (step < 12)
    step *= 2;
  x0 = fmod (self->view.x, step);
  y0 = fmod (self->view.y, step);
  if (x0 > 0)
    x0 -= step;
  if (y0 > 0)
    y0 -= step;
  x0 -= dot / 2;
  y0 -= dot / 2;

  gtk_snapshot_push_repeat (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height),
                            &GRAPHENE_RECT_INIT (x0, y0, step, step));
  gtk_snapshot_append_color (snapshot, &colors->grid, &GRAPHENE_RECT_INIT (x0, y0, dot, dot));
  gtk_snapshot_pop (snapshot);
}

static gboolean
link_is_detached (StrataGraphCanvas *self,
                  StrataLink        *link)
{
  return self->link_drag != NULL && self->link_drag->detached_dst != NULL &&
         g_str_equal (self->link_drag->detached_dst, link->dst) &&
         self->link_drag->detached_port == link->port;
}

static void
stroke_path (cairo_t              *cr,
             StrataGraphCanvas    *self,
             const StrataLinkPath *path)
{
  StrataPoint start = to_view (self, path->segments[0][0]);

  cairo_move_to (cr, start.x, start.y);
  for (guint s = 0; s < path->n_segments; s++)
    {
      StrataPoint p[4];
      for (guint i = 1; i < 4; i++)
        p[i] = to_view (self, path->segments[s][i]);
      cairo_curve_to (cr, p[1].x, p[1].y, p[2].x, p[2].y, p[3].x, p[3].y);
    }
  cairo_stroke (cr);
}

static void
snapshot_links (StrataGraphCanvas *self,
                GtkSnapshot       *snapshot,
                const Colors      *colors,
                double             width,
                double             height)
{
  GPtrArray *links = strata_graph_get_links (self->graph);
  double line_width = CLAMP (2.0 * self->view.zoom, 1.0, 3.0);
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (links, i);
      gboolean selected = g_strcmp0 (self->selected_link_dst, link->dst) == 0 &&
                          self->selected_link_port == link->port;
      gboolean hovered = g_strcmp0 (self->hover_link_dst, link->dst) == 0 &&
                         self->hover_link_port == link->port;
      StrataLinkPath path;

      if (link_is_detached (self, link) ||
          !strata_graph_geometry_get_link_path (self->geometry, link->src, link->dst,
                                                link->port, &path))
        continue;
      gdk_cairo_set_source_rgba (cr, selected || hovered ? &colors->accent : &colors->link);
      cairo_set_line_width (cr, selected ? line_width + 1.5 : line_width);
      stroke_path (cr, self, &path);
    }
  cairo_destroy (cr);
}

/*
 * Links are labelled with the shape they carry, Keras style, on a pill. Every link out of
 * one output carries the same shape, so the label sits once on them, just below the
 * output, in the middle of the gap to the next layer when they go straight down.
 */
static void
snapshot_link_labels (StrataGraphCanvas *self,
                      GtkSnapshot       *snapshot,
                      const Colors      *colors)
{
  GPtrArray *links = strata_graph_get_links (self->graph);
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *font;
  const PangoFontDescription *base;
  double zoom = self->view.zoom;

  double px = MAX (base_font_px (self) * 0.82 * zoom, MIN_TEXT_PX);

  /* Below this even the shortest gap between layers has no room for legible text. */
  if (zoom < 0.3)
    return;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  base = pango_context_get_font_description (pango_layout_get_context (layout));
  font = pango_font_description_copy (base);
  /* never smaller than MIN_TEXT_PX: zoomed out, a label that has no room is left out */
  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  g_autoptr(GHashTable) labelled = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (links, i);
      g_autoptr(GPtrArray) consumers = NULL;
      g_autofree char *text = NULL;
      StrataPoint from, mid;
      double drop = G_MAXDOUBLE;
      StrataShape shape;
      PangoRectangle ink, logical;
      GskRoundedRect pill;
      graphene_rect_t box;
      float border_width[4];
      GdkRGBA border_color[4];
      double pad_x = MAX (7 * zoom, 4), pad_y = MAX (2 * zoom, 1);

      if (link_is_detached (self, link) || g_hash_table_contains (labelled, link->src) ||
          !strata_graph_get_output_shape (self->graph, link->src, &shape) ||
          !strata_graph_geometry_get_port (self->geometry, link->src, STRATA_PORT_OUTPUT, 0,
                                           &from))
        continue;
      g_hash_table_add (labelled, link->src);

      /* Halfway down to the nearest input it feeds below, but no further than a gap; the
       * graph indexes a layer's links, so this is no scan of every link per link. */
      consumers = strata_graph_dup_consumers (self->graph, link->src);
      for (guint k = 0; k < consumers->len; k++)
        {
          StrataLink *other = g_ptr_array_index (consumers, k);
          StrataPoint to;

          if (g_str_equal (other->src, link->src) && !link_is_detached (self, other) &&
              strata_graph_geometry_get_port (self->geometry, other->dst, STRATA_PORT_INPUT,
                                              other->port, &to) &&
              to.y > from.y)
            drop = MIN (drop, (to.y - from.y) / 2);
        }
      drop = drop == G_MAXDOUBLE ? 20 : MIN (drop, 24);

      text = strata_shape_to_string (&shape);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_extents (layout, &ink, &logical);
      /* between the two layers, not over them */
      if (logical.height + 2 * pad_y > 2 * drop * zoom)
        continue;
      mid = to_view (self, (StrataPoint) { from.x, from.y + drop });
      box = GRAPHENE_RECT_INIT (round (mid.x - logical.width / 2.0 - pad_x),
                                round (mid.y - logical.height / 2.0 - pad_y),
                                logical.width + 2 * pad_x, logical.height + 2 * pad_y);
      gsk_rounded_rect_init_from_rect (&pill, &box, box.size.height / 2);
      for (guint k = 0; k < 4; k++)
        {
          border_width[k] = 1;
          border_color[k] = colors->link;
        }
      gtk_snapshot_push_rounded_clip (snapshot, &pill);
      gtk_snapshot_append_color (snapshot, &colors->label_bg, &box);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &pill, border_width, border_color);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (box.origin.x + pad_x,
                                                              box.origin.y + pad_y));
      gtk_snapshot_append_layout (snapshot, layout, &colors->label_fg);
      gtk_snapshot_restore (snapshot);
    }
}

/* The link being drawn, from its fixed port to the pointer or the port it would snap to. */
static void
snapshot_link_preview (StrataGraphCanvas *self,
                       GtkSnapshot       *snapshot,
                       const Colors      *colors,
                       double             width,
                       double             height)
{
  StrataLinkDrag *drag = self->link_drag;
  StrataPoint fixed, loose;
  StrataLinkPath path = { 1 };
  cairo_t *cr;

  if (drag == NULL ||
      !strata_graph_geometry_get_port (self->geometry, drag->node_id, drag->direction,
                                       drag->port, &fixed))
    return;
  loose = to_canvas (self, self->pointer.x, self->pointer.y);
  if (self->link_hover_id && self->link_hover_valid)
    strata_graph_geometry_get_port (self->geometry, self->link_hover_id,
                                    self->link_hover_direction, self->link_hover_port, &loose);

  if (drag->direction == STRATA_PORT_OUTPUT)
    strata_link_curve (fixed, loose, path.segments[0]);
  else
    strata_link_curve (loose, fixed, path.segments[0]);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, CLAMP (2.5 * self->view.zoom, 1.5, 3.5));
  if (self->link_hover_id && !self->link_hover_valid)
    {
      double dashes[] = { 6, 5 };
      gdk_cairo_set_source_rgba (cr, &colors->error);
      cairo_set_dash (cr, dashes, 2, 0);
    }
  else
    gdk_cairo_set_source_rgba (cr, &colors->accent);
  stroke_path (cr, self, &path);
  cairo_destroy (cr);
}

static void
snapshot_band (StrataGraphCanvas *self,
               GtkSnapshot       *snapshot,
               const Colors      *colors)
{
  graphene_rect_t box = GRAPHENE_RECT_INIT (self->band.x, self->band.y, self->band.width,
                                            self->band.height);
  GskRoundedRect outline;
  GdkRGBA fill = colors->accent;
  float border_width[4] = { 1, 1, 1, 1 };
  GdkRGBA border_color[4] = { colors->accent, colors->accent, colors->accent, colors->accent };

  fill.alpha = 0.15;
  gtk_snapshot_append_color (snapshot, &fill, &box);
  gsk_rounded_rect_init_from_rect (&outline, &box, 0);
  gtk_snapshot_append_border (snapshot, &outline, border_width, border_color);
}

/* Zoomed out, a node's own labels would be too small to read: they are hidden (the "compact"
 * style class) and each title is drawn here at a legible size, where the node's title is, as
 * much as fits. A node too small even for that shows no text. */
static void
snapshot_compact_titles (StrataGraphCanvas *self,
                         GtkSnapshot       *snapshot)
{
  double px = compact_title_px (self);
  g_autoptr(PangoFontDescription) font = NULL;
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));

  font = pango_font_description_copy (pango_context_get_font_description (context));
  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);

  for (guint i = 0; i < strata_graph_geometry_get_n_nodes (self->geometry); i++)
    {
      const char *id = strata_graph_geometry_get_nth_id (self->geometry, i);
      GtkWidget *node = g_hash_table_lookup (self->nodes, id);
      GtkWidget *title;
      g_autoptr(PangoLayout) layout = NULL;
      graphene_rect_t box;
      StrataRect rect;
      StrataPoint top_left;
      PangoRectangle extents;
      GdkRGBA color;
      double height;

      if (node == NULL || !strata_graph_geometry_get_rect (self->geometry, id, &rect) ||
          (title = strata_graph_node_get_title_widget (STRATA_GRAPH_NODE (node))) == NULL ||
          !gtk_widget_compute_bounds (title, GTK_WIDGET (self), &box))
        continue;
      top_left = to_view (self, (StrataPoint) { rect.x, rect.y });
      height = rect.height * self->view.zoom;
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), id);
      pango_layout_set_font_description (layout, font);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_width (layout, (int) (box.size.width * PANGO_SCALE));
      pango_layout_get_pixel_extents (layout, NULL, &extents);
      if (extents.height > height - 2 || box.size.width < 2 * px)
        continue;
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (gtk_widget_get_style_context (node), &color);
      G_GNUC_END_IGNORE_DEPRECATIONS
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (box.origin.x,
                                                    top_left.y + (height - extents.height) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &color);
      gtk_snapshot_restore (snapshot);
    }
}

static void
strata_graph_canvas_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  Colors colors;

  lookup_colors (self, &colors);
  snapshot_grid (self, snapshot, &colors, width, height);

  if (self->graph != NULL)
    {
      snapshot_links (self, snapshot, &colors, width, height);
      snapshot_link_labels (self, snapshot, &colors);

      /* Nodes in drawing order: the last one picked (raised) is on top. */
      for (guint i = 0; i < strata_graph_geometry_get_n_nodes (self->geometry); i++)
        {
          GtkWidget *node = g_hash_table_lookup (self->nodes,
                                                 strata_graph_geometry_get_nth_id (self->geometry, i));
          if (node)
            gtk_widget_snapshot_child (widget, node, snapshot);
        }
      if (self->compact)
        snapshot_compact_titles (self, snapshot);

      snapshot_link_preview (self, snapshot, &colors, width, height);
    }

  if (self->interaction == INTERACTION_BOX)
    snapshot_band (self, snapshot, &colors);

  gtk_widget_snapshot_child (widget, self->toolbar, snapshot);
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->minimap), snapshot);
  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->notice), snapshot);
}

/* Minimap ------------------------------------------------------------------------------------- */

static void
update_minimap (StrataGraphCanvas *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  StrataRect visible = strata_view_transform_visible_rect (&self->view, width, height);
  StrataRect bounds;
  gboolean needed;

  /* Only when part of the graph is out of view: a map of what is all on screen is noise. */
  needed = self->graph != NULL && strata_graph_geometry_get_n_nodes (self->geometry) > 1 &&
           strata_graph_geometry_get_bounds (self->geometry, &bounds) &&
           (bounds.x < visible.x || bounds.y < visible.y ||
            bounds.x + bounds.width > visible.x + visible.width ||
            bounds.y + bounds.height > visible.y + visible.height);
  gtk_widget_set_opacity (GTK_WIDGET (self->minimap), needed ? 1.0 : 0.0);
  gtk_widget_set_can_target (GTK_WIDGET (self->minimap), needed);
  strata_graph_minimap_set_scene (self->minimap, self->geometry, self->selection, &visible);
}

static void
on_minimap_navigate (StrataGraphCanvas *self,
                     double             x,
                     double             y)
{
  StrataViewTransform view = self->view;

  strata_view_transform_center_on (&view, x, y, gtk_widget_get_width (GTK_WIDGET (self)),
                                   gtk_widget_get_height (GTK_WIDGET (self)));
  set_view (self, &view);
}

static void
ensure_visible (StrataGraphCanvas *self,
                const char        *id)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  StrataViewTransform view = self->view;
  StrataRect rect, r;
  double margin = 24, dx = 0, dy = 0;

  if (width < 1 || !strata_graph_geometry_get_rect (self->geometry, id, &rect))
    return;
  r = strata_view_transform_rect_to_view (&self->view, &rect);
  if (r.x < margin)
    dx = margin - r.x;
  else if (r.x + r.width > width - margin)
    dx = MAX (width - margin - (r.x + r.width), margin - r.x);
  if (r.y < margin + 48)
    dy = margin + 48 - r.y;
  else if (r.y + r.height > height - margin)
    dy = MAX (height - margin - (r.y + r.height), margin + 48 - r.y);
  strata_view_transform_pan (&view, dx, dy);
  set_view (self, &view);
}

/* Adding nodes -------------------------------------------------------------------------------- */

static const char *
add_node (StrataGraphCanvas *self,
          const char        *type,
          StrataPoint        at,
          const char        *link_src,
          const char        *link_dst,
          guint              link_port)
{
  const StrataOpInfo *op = strata_op_lookup (type);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  double x, y;

  if (op == NULL || self->undo == NULL)
    return NULL;

  /* Centred on the point; for a link from above, with its input right at the point. */
  x = round (at.x - STRATA_NODE_DEFAULT_WIDTH / 2);
  if (link_src)
    y = round (at.y);
  else if (link_dst)
    y = round (at.y - STRATA_NODE_DEFAULT_HEIGHT);
  else
    y = round (at.y - STRATA_NODE_DEFAULT_HEIGHT / 2);

  strata_undo_manager_begin_group (self->undo, _("Add Layer"));
  id = g_strdup (strata_undo_manager_add_node (self->undo, type, x, y, &error));
  if (id && link_src && op->max_inputs > 0)
    strata_undo_manager_connect (self->undo, link_src, id, 0, NULL);
  if (id && link_dst && op->has_output)
    strata_undo_manager_connect (self->undo, id, link_dst, link_port, NULL);
  strata_undo_manager_end_group (self->undo);

  if (id == NULL)
    {
      g_warning ("Could not add a %s layer: %s", type, error->message);
      return NULL;
    }
  select_only (self, id);
  {
    GtkWidget *widget = g_hash_table_lookup (self->nodes, id);
    if (widget)
      gtk_widget_grab_focus (widget);
  }
  return strata_node_get_id (strata_graph_get_node (self->graph, id));
}

static void
clear_pending_add (StrataGraphCanvas *self)
{
  g_clear_pointer (&self->add_link_src, g_free);
  g_clear_pointer (&self->add_link_dst, g_free);
}

static void
popup_add_menu (StrataGraphCanvas *self,
                StrataPoint        view_point,
                const char        *link_src,
                const char        *link_dst,
                guint              link_port)
{
  if (self->graph == NULL)
    return;
  clear_pending_add (self);
  self->add_at = to_canvas (self, view_point.x, view_point.y);
  self->add_link_src = g_strdup (link_src);
  self->add_link_dst = g_strdup (link_dst);
  self->add_link_port = link_port;
  strata_graph_add_popover_popup_at (self->add_popover, view_point.x, view_point.y,
                                     link_src != NULL, link_dst != NULL);
}

static void
on_add_popover_add (StrataGraphCanvas *self,
                    const char        *type)
{
  g_autofree char *src = g_steal_pointer (&self->add_link_src);
  g_autofree char *dst = g_steal_pointer (&self->add_link_dst);

  add_node (self, type, self->add_at, src, dst, self->add_link_port);
}

static void
on_add_popover_closed (StrataGraphCanvas *self)
{
  /* Back to the canvas, unless adding moved the focus to the new node. */
  if (gtk_widget_get_focus_child (GTK_WIDGET (self)) == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

/* Pointer: the primary button ----------------------------------------------------------------- */

static StrataHit
hit_test (StrataGraphCanvas *self,
          double             x,
          double             y,
          double             port_tolerance)
{
  StrataPoint c = to_canvas (self, x, y);

  return strata_graph_geometry_hit_test (self->geometry, strata_graph_get_links (self->graph),
                                         c.x, c.y, port_tolerance / self->view.zoom);
}

static void
raise_node (StrataGraphCanvas *self,
            const char        *id)
{
  GtkWidget *widget = g_hash_table_lookup (self->nodes, id);

  strata_graph_geometry_raise_node (self->geometry, id);
  /* Child order decides picking (tooltips): keep it in step with the drawing order. */
  if (widget)
    gtk_widget_insert_before (widget, GTK_WIDGET (self), self->toolbar);
}

static gboolean
hide_notice (gpointer user_data)
{
  StrataGraphCanvas *self = user_data;

  self->notice_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->notice), FALSE);
  return G_SOURCE_REMOVE;
}

/* Says why something the pointer did was refused, for a few seconds, over the graph. */
static void
show_notice (StrataGraphCanvas *self,
             const char        *text)
{
  gtk_label_set_label (self->notice, text);
  gtk_widget_set_visible (GTK_WIDGET (self->notice), TRUE);
  g_clear_handle_id (&self->notice_source, g_source_remove);
  self->notice_source = g_timeout_add_seconds (NOTICE_SECONDS, hide_notice, self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Why the dragged link cannot end on the port or node under the pointer. */
static char *
dup_link_refusal (StrataGraphCanvas *self,
                  const StrataHit   *hit)
{
  g_autoptr(GError) error = NULL;
  StrataNode *node;

  if (hit->kind == STRATA_HIT_PORT)
    strata_link_drag_accepts (self->link_drag, self->graph, hit->node_id, hit->direction,
                              hit->port, NULL, &error);
  else if (hit->kind == STRATA_HIT_NODE &&
           (node = strata_graph_get_node (self->graph, hit->node_id)) != NULL)
    {
      if (self->link_drag->direction == STRATA_PORT_INPUT)
        strata_link_drag_accepts (self->link_drag, self->graph, hit->node_id,
                                  STRATA_PORT_OUTPUT, 0, NULL, &error);
      else
        for (guint port = 0; port < MAX (strata_node_get_n_inputs (node), 1); port++)
          {
            g_clear_error (&error);
            if (strata_link_drag_accepts (self->link_drag, self->graph, hit->node_id,
                                          STRATA_PORT_INPUT, port, NULL, &error))
              break;
          }
    }
  return error ? g_strdup (error->message) : NULL;
}

static void
set_link_hover (StrataGraphCanvas   *self,
                const char          *id,
                StrataPortDirection  direction,
                guint                port,
                gboolean             valid)
{
  GtkWidget *widget;

  if (self->link_hover_id)
    {
      widget = g_hash_table_lookup (self->nodes, self->link_hover_id);
      if (widget)
        strata_graph_node_set_port_state (STRATA_GRAPH_NODE (widget), self->link_hover_direction,
                                          self->link_hover_port,
                                          self->link_hover_valid ? STRATA_PORT_STATE_TARGET
                                                                 : STRATA_PORT_STATE_REJECTED);
      g_clear_pointer (&self->link_hover_id, g_free);
  g_clear_pointer (&self->cursor, g_free);
  g_clear_pointer (&self->last_click_node, g_free);
    }
  if (id == NULL)
    return;
  self->link_hover_id = g_strdup (id);
  self->link_hover_direction = direction;
  self->link_hover_port = port;
  self->link_hover_valid = valid;
  widget = g_hash_table_lookup (self->nodes, id);
  if (widget && valid)
    strata_graph_node_set_port_state (STRATA_GRAPH_NODE (widget), direction, port,
                                      STRATA_PORT_STATE_HOVER);
}

static void
begin_link (StrataGraphCanvas *self,
            const StrataHit   *hit)
{
  StrataPortDirection want;
  GHashTableIter iter;
  gpointer key, value;

  self->link_drag = strata_link_drag_new (self->graph, hit->node_id, hit->direction, hit->port);
  self->interaction = INTERACTION_LINK;
  want = self->link_drag->direction == STRATA_PORT_OUTPUT ? STRATA_PORT_INPUT : STRATA_PORT_OUTPUT;

  /* Light up every port the link may end on, grey out the rest of that kind. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      StrataNode *node = strata_graph_get_node (self->graph, key);
      guint n = want == STRATA_PORT_INPUT ? strata_node_get_n_inputs (node)
                                          : (strata_node_get_op (node)->has_output ? 1 : 0);

      for (guint port = 0; port < n; port++)
        strata_graph_node_set_port_state (value, want, port,
                                          strata_link_drag_accepts (self->link_drag, self->graph,
                                                                    key, want, port, NULL, NULL)
                                          ? STRATA_PORT_STATE_TARGET : STRATA_PORT_STATE_REJECTED);
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
}

static void
update_link (StrataGraphCanvas *self)
{
  StrataHit hit = hit_test (self, self->pointer.x, self->pointer.y, PORT_TOLERANCE * 1.5);
  StrataPortDirection want = self->link_drag->direction == STRATA_PORT_OUTPUT
                             ? STRATA_PORT_INPUT : STRATA_PORT_OUTPUT;

  if (hit.kind == STRATA_HIT_PORT && hit.direction == want)
    {
      gboolean valid = strata_link_drag_accepts (self->link_drag, self->graph, hit.node_id,
                                                 hit.direction, hit.port, NULL, NULL);
      if (g_strcmp0 (hit.node_id, self->link_hover_id) != 0 ||
          hit.port != self->link_hover_port || hit.direction != self->link_hover_direction)
        {
          set_link_hover (self, hit.node_id, hit.direction, hit.port, valid);
          /* the drag's own hint: why this port is greyed out */
          if (!valid)
            {
              g_autofree char *why = dup_link_refusal (self, &hit);
              if (why)
                show_notice (self, why);
            }
        }
    }
  else
    set_link_hover (self, NULL, 0, 0, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
end_link (StrataGraphCanvas *self,
          gboolean           cancelled)
{
  g_autofree char *refusal = NULL;
  g_autoptr(StrataLinkDrag) drag = NULL;
  GHashTableIter iter;
  gpointer value;

  if (!cancelled && self->link_drag != NULL)
    {
      StrataHit hit = hit_test (self, self->pointer.x, self->pointer.y, PORT_TOLERANCE * 1.5);
      StrataLinkEnds ends;

      if (strata_link_drag_resolve (self->link_drag, self->graph, &hit, &ends) ==
          STRATA_LINK_DROP_NOTHING)
        refusal = dup_link_refusal (self, &hit);
    }
  drag = g_steal_pointer (&self->link_drag);

  set_link_hover (self, NULL, 0, 0, FALSE);
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    strata_graph_node_reset_port_states (value);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (!cancelled && drag != NULL)
    {
      StrataHit hit = hit_test (self, self->pointer.x, self->pointer.y, PORT_TOLERANCE * 1.5);
      StrataLinkEnds ends;
      g_autofree char *src = NULL;
      g_autofree char *dst = NULL;
      g_autoptr(GError) error = NULL;

      switch (strata_link_drag_resolve (drag, self->graph, &hit, &ends))
        {
        case STRATA_LINK_DROP_CONNECT:
          src = g_strdup (ends.src);
          dst = g_strdup (ends.dst);
          if (drag->detached_dst)
            {
              strata_undo_manager_begin_group (self->undo, _("Reconnect"));
              strata_undo_manager_disconnect (self->undo, drag->detached_dst, drag->detached_port);
            }
          if (!strata_undo_manager_connect (self->undo, src, dst, ends.port, &error))
            show_notice (self, error->message);
          if (drag->detached_dst)
            strata_undo_manager_end_group (self->undo);
          break;

        case STRATA_LINK_DROP_DETACH:
          strata_undo_manager_disconnect (self->undo, ends.dst, ends.port);
          break;

        case STRATA_LINK_DROP_ADD_NODE:
          popup_add_menu (self, self->pointer, ends.src, ends.dst, ends.port);
          break;

        case STRATA_LINK_DROP_NOTHING:
        default:
          /* let go on a port or layer it cannot join: say why rather than do nothing */
          if (refusal)
            show_notice (self, refusal);
          break;
        }
    }
}

static void
begin_move (StrataGraphCanvas *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_remove_all (self->move_start);
  g_hash_table_iter_init (&iter, self->selection);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      StrataPoint *p = g_new (StrataPoint, 1);
      strata_node_get_position (strata_graph_get_node (self->graph, key), &p->x, &p->y);
      g_hash_table_insert (self->move_start, g_strdup (key), p);
    }
  self->interaction = INTERACTION_MOVE;
}

static void
end_move (StrataGraphCanvas *self,
          gboolean           cancelled)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) from = g_array_new (FALSE, FALSE, sizeof (StrataPoint));
  g_autoptr(GArray) to = g_array_new (FALSE, FALSE, sizeof (StrataPoint));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->move_start);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      StrataNode *node = strata_graph_get_node (self->graph, key);
      StrataPoint now;

      if (node == NULL)
        continue;
      if (cancelled)
        {
          strata_graph_set_position (self->graph, key, ((StrataPoint *) value)->x,
                                     ((StrataPoint *) value)->y);
          continue;
        }
      strata_node_get_position (node, &now.x, &now.y);
      g_ptr_array_add (ids, key);
      g_array_append_vals (from, value, 1);
      g_array_append_val (to, now);
    }
  g_ptr_array_add (ids, NULL);
  if (!cancelled && self->moved)
    strata_undo_manager_move_nodes (self->undo, (const char *const *) ids->pdata,
                                    (StrataPoint *) from->data, (StrataPoint *) to->data, FALSE);
  g_hash_table_remove_all (self->move_start);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static void
update_box (StrataGraphCanvas *self)
{
  StrataPoint start = { self->press.x + self->drag_pan.x, self->press.y + self->drag_pan.y };
  StrataPoint a = to_canvas (self, start.x, start.y);
  StrataPoint b = to_canvas (self, self->pointer.x, self->pointer.y);
  StrataRect box = strata_rect_from_corners (a.x, a.y, b.x, b.y);
  g_autoptr(GPtrArray) hits = strata_graph_geometry_box_select (self->geometry, &box);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key;

  self->band = strata_rect_from_corners (start.x, start.y, self->pointer.x, self->pointer.y);
  for (guint i = 0; i < hits->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (hits, i));
  g_hash_table_iter_init (&iter, self->box_base);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (wanted, key);

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (wanted, key) != is_selected (self, key))
      set_node_selected (self, key, g_hash_table_contains (wanted, key));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Whether a press at (@x, @y) is on one of the widgets drawn over the graph (the toolbar, the
 * minimap, the notice): those take their own clicks. The canvas' gestures see every press
 * under it, its children's included, and claiming one would cancel the button's own click. */
static gboolean
is_on_overlay (StrataGraphCanvas *self,
               double             x,
               double             y)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  GtkWidget *overlays[] = { self->toolbar, GTK_WIDGET (self->minimap),
                            GTK_WIDGET (self->notice) };

  for (guint i = 0; picked && i < G_N_ELEMENTS (overlays); i++)
    if (picked == overlays[i] || gtk_widget_is_ancestor (picked, overlays[i]))
      return TRUE;
  return FALSE;
}

static void
on_primary_drag_begin (GtkGestureDrag    *gesture,
                       double             x,
                       double             y,
                       StrataGraphCanvas *self)
{
  GdkModifierType state;
  gboolean extend;
  StrataHit hit;

  /* A press on the toolbar is the button's: left unclaimed, the drag does nothing with it. */
  if (is_on_overlay (self, x, y))
    return;
  if (self->graph == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  extend = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;

  self->press = self->pointer = (StrataPoint) { x, y };
  self->drag_offset = self->drag_pan = (StrataPoint) { 0, 0 };
  self->moved = FALSE;
  if (self->autopan_tick == 0)
    self->autopan_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), autopan_tick, NULL, NULL);
  hit = hit_test (self, x, y, PORT_TOLERANCE);

  switch (hit.kind)
    {
    case STRATA_HIT_PORT:
      gtk_widget_grab_focus (GTK_WIDGET (self));
      begin_link (self, &hit);
      break;

    case STRATA_HIT_NODE:
      {
        g_autofree char *id = g_strdup (hit.node_id);
        GtkWidget *widget = g_hash_table_lookup (self->nodes, id);

        clear_link_selection (self);
        if (extend && is_selected (self, id))
          {
            set_node_selected (self, id, FALSE);
            selection_changed (self);
            self->interaction = INTERACTION_NONE;
            break;
          }
        if (!is_selected (self, id))
          {
            if (!extend)
              clear_selection (self);
            set_node_selected (self, id, TRUE);
            selection_changed (self);
          }
        raise_node (self, id);
        self->focus_from_pointer = TRUE;
        if (widget)
          gtk_widget_grab_focus (widget);
        self->focus_from_pointer = FALSE;
        begin_move (self);
      }
      break;

    case STRATA_HIT_LINK:
      gtk_widget_grab_focus (GTK_WIDGET (self));
      clear_selection (self);
      g_free (self->selected_link_dst);
      self->selected_link_dst = g_strdup (hit.node_id);
      self->selected_link_port = hit.port;
      selection_changed (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      self->interaction = INTERACTION_NONE;
      break;

    case STRATA_HIT_NONE:
    default:
      gtk_widget_grab_focus (GTK_WIDGET (self));
      if (!extend && (g_hash_table_size (self->selection) > 0 || self->selected_link_dst))
        {
          clear_selection (self);
          clear_link_selection (self);
          selection_changed (self);
        }
      g_hash_table_remove_all (self->box_base);
      {
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init (&iter, self->selection);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          g_hash_table_add (self->box_base, g_strdup (key));
      }
      self->band = (StrataRect) { x, y, 0, 0 };
      self->interaction = INTERACTION_BOX;
      break;
    }
}

/* Everything a drag shows follows the pointer in canvas space, also while the view scrolls
 * by itself under it. */
static void
apply_drag (StrataGraphCanvas *self)
{
  double dx = self->drag_offset.x, dy = self->drag_offset.y;

  self->pointer = (StrataPoint) { self->press.x + dx, self->press.y + dy };

  switch (self->interaction)
    {
    case INTERACTION_MOVE:
      {
        GHashTableIter iter;
        gpointer key, value;

        if (!self->moved && hypot (dx, dy) < DRAG_THRESHOLD)
          return;
        if (!self->moved)
          gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
        self->moved = TRUE;
        dx -= self->drag_pan.x;
        dy -= self->drag_pan.y;
        g_hash_table_iter_init (&iter, self->move_start);
        while (g_hash_table_iter_next (&iter, &key, &value))
          {
            StrataPoint *start = value;
            strata_graph_set_position (self->graph, key, round (start->x + dx / self->view.zoom),
                                       round (start->y + dy / self->view.zoom));
          }
      }
      break;

    case INTERACTION_LINK:
      update_link (self);
      break;

    case INTERACTION_BOX:
      update_box (self);
      break;

    case INTERACTION_NONE:
    default:
      break;
    }
}

/* Near an edge, a drag scrolls the view that way, faster the closer it gets (imnodes). */
static gboolean
autopan_tick (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double vx = 0, vy = 0;
  StrataViewTransform view = self->view;

  if (self->interaction == INTERACTION_NONE)
    {
      self->autopan_tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (self->interaction == INTERACTION_MOVE && !self->moved)
    return G_SOURCE_CONTINUE;

  if (self->pointer.x < AUTOPAN_MARGIN)
    vx = MIN (AUTOPAN_MARGIN - self->pointer.x, AUTOPAN_MARGIN) / AUTOPAN_MARGIN;
  else if (self->pointer.x > width - AUTOPAN_MARGIN)
    vx = -MIN (self->pointer.x - (width - AUTOPAN_MARGIN), AUTOPAN_MARGIN) / AUTOPAN_MARGIN;
  if (self->pointer.y < AUTOPAN_MARGIN)
    vy = MIN (AUTOPAN_MARGIN - self->pointer.y, AUTOPAN_MARGIN) / AUTOPAN_MARGIN;
  else if (self->pointer.y > height - AUTOPAN_MARGIN)
    vy = -MIN (self->pointer.y - (height - AUTOPAN_MARGIN), AUTOPAN_MARGIN) / AUTOPAN_MARGIN;
  if (vx == 0 && vy == 0)
    return G_SOURCE_CONTINUE;

  vx = round (vx * AUTOPAN_SPEED);
  vy = round (vy * AUTOPAN_SPEED);
  strata_view_transform_pan (&view, vx, vy);
  set_view (self, &view);
  self->drag_pan.x += vx;
  self->drag_pan.y += vy;
  apply_drag (self);
  return G_SOURCE_CONTINUE;
}

static void
on_primary_drag_update (GtkGestureDrag    *gesture,
                        double             dx,
                        double             dy,
                        StrataGraphCanvas *self)
{
  self->drag_offset = (StrataPoint) { dx, dy };
  apply_drag (self);
}

static void
on_primary_drag_end (GtkGestureDrag    *gesture,
                     double             dx,
                     double             dy,
                     StrataGraphCanvas *self)
{
  Interaction interaction = self->interaction;

  self->pointer = (StrataPoint) { self->press.x + dx, self->press.y + dy };
  self->interaction = INTERACTION_NONE;

  switch (interaction)
    {
    case INTERACTION_MOVE:
      {
        gint64 now = g_get_monotonic_time ();
        int double_click_ms = 400;
        gboolean clicked = !self->moved;

        end_move (self, FALSE);
        if (!clicked || self->cursor == NULL)
          break;
        g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-double-click-time",
                      &double_click_ms, NULL);
        /* A double click on a node asks to see its settings. */
        if (now - self->last_click_time < double_click_ms * 1000 &&
            g_strcmp0 (self->last_click_node, self->cursor) == 0)
          {
            self->last_click_time = 0;
            g_signal_emit (self, signals[NODE_ACTIVATED], 0, self->cursor);
          }
        else
          {
            self->last_click_time = now;
            g_free (self->last_click_node);
            self->last_click_node = g_strdup (self->cursor);
          }
      }
      break;

    case INTERACTION_LINK:
      end_link (self, FALSE);
      break;

    case INTERACTION_BOX:
      {
        gint64 now = g_get_monotonic_time ();
        int double_click_ms = 400;
        gboolean is_click = hypot (dx, dy) < DRAG_THRESHOLD;

        g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-double-click-time",
                      &double_click_ms, NULL);
        gtk_widget_queue_draw (GTK_WIDGET (self));
        selection_changed (self);

        /* A double click on empty canvas opens the add menu there. */
        if (is_click && now - self->last_click_time < double_click_ms * 1000 &&
            hypot (self->press.x - self->last_click.x, self->press.y - self->last_click.y) < 8)
          {
            self->last_click_time = 0;
            popup_add_menu (self, self->press, NULL, NULL, 0);
          }
        else if (is_click)
          {
            self->last_click_time = now;
            self->last_click = self->press;
            g_clear_pointer (&self->last_click_node, g_free);
          }
      }
      break;

    case INTERACTION_NONE:
    default:
      break;
    }
}

static void
on_primary_drag_cancel (GtkGesture        *gesture,
                        GdkEventSequence  *sequence,
                        StrataGraphCanvas *self)
{
  Interaction interaction = self->interaction;

  self->interaction = INTERACTION_NONE;
  switch (interaction)
    {
    case INTERACTION_MOVE:
      end_move (self, TRUE);
      break;
    case INTERACTION_LINK:
      end_link (self, TRUE);
      break;
    case INTERACTION_BOX:
      gtk_widget_queue_draw (GTK_WIDGET (self));
      selection_changed (self);
      break;
    case INTERACTION_NONE:
    default:
      break;
    }
}

/* Pointer: panning, zooming, hovering --------------------------------------------------------- */

static void
on_pan_begin (GtkGestureDrag    *gesture,
              double             x,
              double             y,
              StrataGraphCanvas *self)
{
  if (is_on_overlay (self, x, y))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->pan_start = self->view;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_pan_update (GtkGestureDrag    *gesture,
               double             dx,
               double             dy,
               StrataGraphCanvas *self)
{
  StrataViewTransform view = self->pan_start;
  GdkEventSequence *sequence = gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture));

  /* not claimed: a press on the toolbar or minimap */
  if (gtk_gesture_get_sequence_state (GTK_GESTURE (gesture), sequence) !=
      GTK_EVENT_SEQUENCE_CLAIMED)
    return;
  strata_view_transform_pan (&view, dx, dy);
  set_view (self, &view);
}

static void
on_pan_end (GtkGestureDrag    *gesture,
            double             dx,
            double             dy,
            StrataGraphCanvas *self)
{
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           StrataGraphCanvas        *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  gboolean wheel = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL;
  StrataViewTransform view = self->view;

  if (state & GDK_CONTROL_MASK)
    {
      double factor = wheel ? pow (1.15, -dy) : exp (-dy / 120.0);
      zoom_at (self, self->view.zoom * factor, focus_point (self));
      return TRUE;
    }
  if ((state & GDK_SHIFT_MASK) && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  if (wheel)
    {
      dx *= 48;
      dy *= 48;
    }
  strata_view_transform_pan (&view, -dx, -dy);
  set_view (self, &view);
  return TRUE;
}

static void
on_zoom_begin (GtkGesture        *gesture,
               GdkEventSequence  *sequence,
               StrataGraphCanvas *self)
{
  self->zoom_gesture_start = self->view.zoom;
}

static void
on_zoom_scale_changed (GtkGestureZoom    *gesture,
                       double             scale,
                       StrataGraphCanvas *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      StrataPoint p = focus_point (self);
      x = p.x;
      y = p.y;
    }
  zoom_at (self, self->zoom_gesture_start * scale, (StrataPoint) { x, y });
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           StrataGraphCanvas        *self)
{
  StrataHit hit;
  gboolean on_link;

  self->pointer = (StrataPoint) { x, y };
  self->pointer_inside = TRUE;
  if (self->graph == NULL || self->interaction != INTERACTION_NONE)
    return;

  hit = hit_test (self, x, y, PORT_TOLERANCE);
  on_link = hit.kind == STRATA_HIT_LINK;
  if (on_link != (self->hover_link_dst != NULL) ||
      (on_link && (g_strcmp0 (hit.node_id, self->hover_link_dst) != 0 ||
                   hit.port != self->hover_link_port)))
    {
      g_free (self->hover_link_dst);
      self->hover_link_dst = on_link ? g_strdup (hit.node_id) : NULL;
      self->hover_link_port = hit.port;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   hit.kind == STRATA_HIT_PORT ? "crosshair"
                                   : hit.kind == STRATA_HIT_LINK ? "pointer" : NULL);
}

static void
on_leave (GtkEventControllerMotion *controller,
          StrataGraphCanvas        *self)
{
  self->pointer_inside = FALSE;
  if (self->hover_link_dst)
    {
      g_clear_pointer (&self->hover_link_dst, g_free);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* Dropping an op from the palette ------------------------------------------------------------- */

static gboolean
on_drop (GtkDropTarget     *target,
         const GValue      *value,
         double             x,
         double             y,
         StrataGraphCanvas *self)
{
  const char *type = g_value_get_string (value);

  if (self->graph == NULL || type == NULL || strata_op_lookup (type) == NULL)
    return FALSE;
  self->pointer = (StrataPoint) { x, y };
  return add_node (self, type, to_canvas (self, x, y), NULL, NULL, 0) != NULL;
}

/* Clipboard ----------------------------------------------------------------------------------- */

static void
paste_text (StrataGraphCanvas *self,
            const char        *text)
{
  g_autoptr(StrataGraph) fragment = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, dx, dy;

  if (self->undo == NULL)
    return;
  fragment = strata_graph_clipboard_parse (text, &error);
  if (fragment == NULL || strata_graph_get_n_nodes (fragment) == 0)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  for (guint i = 0; i < strata_graph_get_n_nodes (fragment); i++)
    {
      double x, y;
      strata_node_get_position (strata_graph_get_nth_node (fragment, i), &x, &y);
      min_x = MIN (min_x, x);
      min_y = MIN (min_y, y);
    }
  /* At the pointer when it is over the canvas, else just beside the originals. */
  if (self->pointer_inside)
    {
      StrataPoint at = to_canvas (self, self->pointer.x, self->pointer.y);
      dx = round (at.x - min_x);
      dy = round (at.y - min_y);
    }
  else
    dx = dy = PASTE_OFFSET;

  ids = strata_undo_manager_paste (self->undo, text, dx, dy, &error);
  if (ids == NULL)
    {
      g_debug ("Paste refused: %s", error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  select_ids (self, (const char *const *) ids);
}

static void
on_paste_spliced (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(StrataGraphCanvas) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    return;
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source));
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  paste_text (self, text);
}

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(StrataGraphCanvas) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) memory = NULL;

  stream = gdk_clipboard_read_finish (GDK_CLIPBOARD (source), result, NULL, &error);
  if (stream == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  memory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (memory, stream,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, on_paste_spliced,
                                g_steal_pointer (&self));
}

static void
copy_selection (StrataGraphCanvas *self)
{
  g_auto(GStrv) ids = dup_selection (self);
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkContentProvider) provider = NULL;
  GdkContentProvider *providers[2];

  if (ids[0] == NULL)
    return;
  text = strata_graph_clipboard_serialize (self->graph, (const char *const *) ids);
  bytes = g_bytes_new (text, strlen (text));
  /* Our own type for pasting layers, and text so they can go into a mail or an issue. */
  providers[0] = gdk_content_provider_new_for_bytes (STRATA_GRAPH_CLIPBOARD_MIME_TYPE, bytes);
  providers[1] = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", bytes);
  provider = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
}

/* Actions ------------------------------------------------------------------------------------- */

static void
update_actions (StrataGraphCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean has_graph = self->graph != NULL;
  gboolean any = g_hash_table_size (self->selection) > 0;
  gboolean nodes = has_graph && g_hash_table_size (self->nodes) > 0;

  gtk_widget_action_set_enabled (widget, "canvas.delete", any || self->selected_link_dst != NULL);
  gtk_widget_action_set_enabled (widget, "canvas.duplicate", any);
  gtk_widget_action_set_enabled (widget, "canvas.copy", any);
  gtk_widget_action_set_enabled (widget, "canvas.cut", any);
  gtk_widget_action_set_enabled (widget, "canvas.paste", has_graph);
  gtk_widget_action_set_enabled (widget, "canvas.select-all", nodes);
  gtk_widget_action_set_enabled (widget, "canvas.add-node", has_graph);
  gtk_widget_action_set_enabled (widget, "canvas.arrange", nodes);
  gtk_widget_action_set_enabled (widget, "canvas.connect-selection",
                                 g_hash_table_size (self->selection) >= 2);
  gtk_widget_action_set_enabled (widget, "canvas.undo",
                                 self->undo && strata_undo_manager_get_can_undo (self->undo));
  gtk_widget_action_set_enabled (widget, "canvas.redo",
                                 self->undo && strata_undo_manager_get_can_redo (self->undo));
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  StrataPoint center = { gtk_widget_get_width (widget) / 2.0, gtk_widget_get_height (widget) / 2.0 };

  if (g_str_equal (action_name, "canvas.zoom-in"))
    zoom_at (self, strata_view_zoom_step (self->view.zoom, 1), center);
  else if (g_str_equal (action_name, "canvas.zoom-out"))
    zoom_at (self, strata_view_zoom_step (self->view.zoom, -1), center);
  else
    zoom_at (self, 1.0, center);
}

static void
action_fit (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  strata_graph_canvas_fit (STRATA_GRAPH_CANVAS (widget));
}

static void
action_arrange (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  strata_graph_canvas_arrange (STRATA_GRAPH_CANVAS (widget));
}

static void
action_add_node (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);

  popup_add_menu (self, focus_point (self), NULL, NULL, 0);
}

static void
action_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  g_auto(GStrv) ids = dup_selection (self);

  if (self->undo == NULL)
    return;
  if (ids[0] != NULL)
    strata_undo_manager_remove_nodes (self->undo, (const char *const *) ids);
  else if (self->selected_link_dst != NULL)
    {
      g_autofree char *dst = g_steal_pointer (&self->selected_link_dst);
      strata_undo_manager_disconnect (self->undo, dst, self->selected_link_port);
      selection_changed (self);
    }
  gtk_widget_grab_focus (widget);
}

static void
action_duplicate (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  g_auto(GStrv) ids = dup_selection (self);
  g_auto(GStrv) copies = NULL;

  if (self->undo == NULL || ids[0] == NULL)
    return;
  copies = strata_undo_manager_duplicate (self->undo, (const char *const *) ids, PASTE_OFFSET,
                                          PASTE_OFFSET);
  if (copies)
    select_ids (self, (const char *const *) copies);
}

static void
action_copy (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);

  copy_selection (self);
  if (g_str_equal (action_name, "canvas.cut"))
    {
      g_auto(GStrv) ids = dup_selection (self);
      strata_undo_manager_remove_nodes (self->undo, (const char *const *) ids);
    }
}

static void
action_paste (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  static const char *mime_types[] = {
    STRATA_GRAPH_CLIPBOARD_MIME_TYPE, "text/plain;charset=utf-8", "text/plain", NULL
  };

  gdk_clipboard_read_async (gtk_widget_get_clipboard (widget), mime_types, G_PRIORITY_DEFAULT,
                            NULL, on_clipboard_read, g_object_ref (widget));
}

static void
action_select_all (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  GHashTableIter iter;
  gpointer key;

  clear_link_selection (self);
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    set_node_selected (self, key, TRUE);
  selection_changed (self);
}

static void
action_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);

  if (self->undo == NULL || self->interaction != INTERACTION_NONE)
    return;
  if (g_str_equal (action_name, "canvas.undo"))
    strata_undo_manager_undo (self->undo);
  else
    strata_undo_manager_redo (self->undo);
}

static void
action_escape (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);

  if (self->interaction != INTERACTION_NONE)
    gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->primary_drag));
  else if (g_hash_table_size (self->selection) > 0 || self->selected_link_dst)
    {
      clear_selection (self);
      clear_link_selection (self);
      selection_changed (self);
      gtk_widget_grab_focus (widget);
    }
}

/* Arrow keys: move the selection by a few units; with nothing selected, move the view. */
static void
action_nudge (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  g_auto(GStrv) ids = dup_selection (self);
  g_autofree StrataPoint *from = NULL;
  g_autofree StrataPoint *to = NULL;
  guint n = g_strv_length (ids);
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  if (n == 0 || self->undo == NULL)
    {
      StrataViewTransform view = self->view;
      strata_view_transform_pan (&view, -dx * 4, -dy * 4);
      set_view (self, &view);
      return;
    }
  from = g_new (StrataPoint, n);
  to = g_new (StrataPoint, n);
  for (guint i = 0; i < n; i++)
    {
      strata_node_get_position (strata_graph_get_node (self->graph, ids[i]), &from[i].x,
                                &from[i].y);
      to[i] = (StrataPoint) { from[i].x + dx, from[i].y + dy };
    }
  strata_undo_manager_move_nodes (self->undo, (const char *const *) ids, from, to, TRUE);
  ensure_visible (self, ids[0]);
}

static void
move_cursor (StrataGraphCanvas *self,
             int                dx,
             int                dy,
             gboolean           extend)
{
  g_autofree char *next = NULL;
  GtkWidget *node;

  if (self->cursor && is_selected (self, self->cursor))
    next = strata_graph_geometry_dup_neighbour (self->geometry, self->cursor, dx, dy);
  else
    {
      /* Nothing selected: start at the top, where the input is. */
      StrataNode *input = self->graph ? strata_graph_find_input (self->graph) : NULL;
      next = input ? g_strdup (strata_node_get_id (input)) : NULL;
    }
  if (next == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  if (extend)
    {
      set_node_selected (self, next, TRUE);
      selection_changed (self);
    }
  else
    select_only (self, next);
  node = g_hash_table_lookup (self->nodes, next);
  if (node)
    gtk_widget_grab_focus (node);
  ensure_visible (self, next);
}

/* Alt+arrows: select the nearest node that way; with Shift, add it to the selection. */
static void
action_select_neighbour (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  move_cursor (STRATA_GRAPH_CANVAS (widget), dx, dy,
               g_str_equal (action_name, "canvas.extend-neighbour"));
}

static int
compare_by_selection_order (gconstpointer a,
                            gconstpointer b,
                            gpointer      user_data)
{
  StrataGraphCanvas *self = user_data;
  guint sa = GPOINTER_TO_UINT (g_hash_table_lookup (self->selection, *(const char **) a));
  guint sb = GPOINTER_TO_UINT (g_hash_table_lookup (self->selection, *(const char **) b));

  return sa < sb ? -1 : sa > sb;
}

/* J: link the selected layers in the order they were selected, each into the next one's
 * first free input. With the keyboard alone (Alt+arrows, Alt+Shift+arrows, J) a model can
 * be wired. */
static void
action_connect_selection (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  g_auto(GStrv) ids = dup_selection (self);
  guint n = g_strv_length (ids);
  gboolean any = FALSE;

  if (self->undo == NULL || n < 2)
    return;
  g_qsort_with_data (ids, n, sizeof (char *), compare_by_selection_order, self);

  strata_undo_manager_begin_group (self->undo, _("Connect"));
  for (guint i = 0; i + 1 < n; i++)
    {
      g_autoptr(StrataLinkDrag) drag = NULL;
      StrataHit hit = { STRATA_HIT_NODE, ids[i + 1], STRATA_PORT_INPUT, 0, NULL };
      StrataLinkEnds ends;

      if (!strata_node_get_op (strata_graph_get_node (self->graph, ids[i]))->has_output)
        continue;
      drag = strata_link_drag_new (self->graph, ids[i], STRATA_PORT_OUTPUT, 0);
      if (strata_link_drag_resolve (drag, self->graph, &hit, &ends) == STRATA_LINK_DROP_CONNECT)
        any |= strata_undo_manager_connect (self->undo, ends.src, ends.dst, ends.port, NULL);
    }
  strata_undo_manager_end_group (self->undo);
  if (!any)
    gtk_widget_error_bell (widget);
}

static void
action_activate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);

  if (self->cursor && is_selected (self, self->cursor))
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, self->cursor);
}

/* Shift+F10 or the Menu key: the context menu at the selection, or the pointer. */
static void
action_context_menu (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (widget);
  StrataPoint at = focus_point (self);
  StrataRect rect;

  if (self->cursor && is_selected (self, self->cursor) &&
      strata_graph_geometry_get_rect (self->geometry, self->cursor, &rect))
    at = to_view (self, (StrataPoint) { rect.x + rect.width / 2, rect.y + rect.height });
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) at.x, (int) at.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
on_context_click (GtkGestureClick   *gesture,
                  int                n_press,
                  double             x,
                  double             y,
                  StrataGraphCanvas *self)
{
  StrataHit hit;

  if (self->graph == NULL || self->interaction != INTERACTION_NONE ||
      is_on_overlay (self, x, y))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->pointer = (StrataPoint) { x, y };
  hit = hit_test (self, x, y, PORT_TOLERANCE);
  /* Right-clicking an unselected node makes the menu about that node. */
  if (hit.kind == STRATA_HIT_NODE && !is_selected (self, hit.node_id))
    {
      g_autofree char *id = g_strdup (hit.node_id);
      select_only (self, id);
    }
  else if (hit.kind == STRATA_HIT_LINK)
    {
      clear_selection (self);
      g_free (self->selected_link_dst);
      self->selected_link_dst = g_strdup (hit.node_id);
      self->selected_link_port = hit.port;
      selection_changed (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

/* GObject ------------------------------------------------------------------------------------- */

static void
strata_graph_canvas_dispose (GObject *object)
{
  StrataGraphCanvas *self = (StrataGraphCanvas *) object;
  GHashTableIter iter;
  gpointer value;

  if (self->nodes)
    {
      g_hash_table_iter_init (&iter, self->nodes);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        gtk_widget_unparent (value);
      g_hash_table_remove_all (self->nodes);
    }
  if (self->graph_signals)
    g_signal_group_set_target (self->graph_signals, NULL);
  if (self->undo_signals)
    g_signal_group_set_target (self->undo_signals, NULL);
  g_clear_object (&self->graph_signals);
  g_clear_object (&self->undo_signals);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_handle_id (&self->notice_source, g_source_remove);
  if (self->autopan_tick)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->autopan_tick);
      self->autopan_tick = 0;
    }
  g_clear_object (&self->graph);
  g_clear_object (&self->undo);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_GRAPH_CANVAS);

  G_OBJECT_CLASS (strata_graph_canvas_parent_class)->dispose (object);
}

static void
strata_graph_canvas_finalize (GObject *object)
{
  StrataGraphCanvas *self = (StrataGraphCanvas *) object;

  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->geometry, strata_graph_geometry_free);
  g_clear_pointer (&self->selection, g_hash_table_unref);
  g_clear_pointer (&self->lost_selection, g_hash_table_unref);
  g_clear_pointer (&self->move_start, g_hash_table_unref);
  g_clear_pointer (&self->box_base, g_hash_table_unref);
  g_clear_pointer (&self->link_drag, strata_link_drag_free);
  g_clear_pointer (&self->link_hover_id, g_free);
  g_clear_pointer (&self->selected_link_dst, g_free);
  g_clear_pointer (&self->hover_link_dst, g_free);
  g_clear_pointer (&self->add_link_src, g_free);
  g_clear_pointer (&self->add_link_dst, g_free);

  G_OBJECT_CLASS (strata_graph_canvas_parent_class)->finalize (object);
}

static void
strata_graph_canvas_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (object);

  switch (prop_id)
    {
    case PROP_UNDO_MANAGER:
      g_value_set_object (value, self->undo);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->view.zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_canvas_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StrataGraphCanvas *self = STRATA_GRAPH_CANVAS (object);

  switch (prop_id)
    {
    case PROP_UNDO_MANAGER:
      strata_graph_canvas_set_undo_manager (self, g_value_get_object (value));
      break;
    case PROP_ZOOM:
      strata_graph_canvas_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_binding (GtkWidgetClass  *widget_class,
             guint            keyval,
             GdkModifierType  mods,
             const char      *action,
             GVariant        *arguments)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyval, mods),
                                            gtk_named_action_new (action));

  if (arguments)
    gtk_shortcut_set_arguments (shortcut, arguments);
  gtk_widget_class_add_shortcut (widget_class, shortcut);
  g_object_unref (shortcut);
}

static void
strata_graph_canvas_class_init (StrataGraphCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint key; int dx, dy; } arrows[] = {
    { GDK_KEY_Left, -1, 0 }, { GDK_KEY_Right, 1, 0 }, { GDK_KEY_Up, 0, -1 }, { GDK_KEY_Down, 0, 1 },
  };

  object_class->dispose = strata_graph_canvas_dispose;
  object_class->finalize = strata_graph_canvas_finalize;
  object_class->get_property = strata_graph_canvas_get_property;
  object_class->set_property = strata_graph_canvas_set_property;
  widget_class->measure = strata_graph_canvas_measure;
  widget_class->size_allocate = strata_graph_canvas_size_allocate;
  widget_class->snapshot = strata_graph_canvas_snapshot;

  properties[PROP_UNDO_MANAGER] =
    g_param_spec_object ("undo-manager", NULL, NULL, STRATA_TYPE_UNDO_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, STRATA_VIEW_ZOOM_MIN, STRATA_VIEW_ZOOM_MAX, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataGraphCanvas::selection-changed:
   *
   * The selected nodes changed; see strata_graph_canvas_dup_selection().
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * StrataGraphCanvas::node-activated:
   * @id: the node
   *
   * A node was double-clicked or Enter was pressed on it: show its settings.
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (STRATA_TYPE_GRAPH_MINIMAP);
  g_type_ensure (STRATA_TYPE_GRAPH_ADD_POPOVER);
  _strata_graph_editor_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, STRATA_GRAPH_EDITOR_RESOURCE_PATH
                                               "/strata-graph-canvas.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGraphCanvas, toolbar);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphCanvas, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphCanvas, minimap);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphCanvas, notice);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphCanvas, add_popover);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphCanvas, context_menu_model);
  gtk_widget_class_bind_template_callback (widget_class, on_minimap_navigate);
  gtk_widget_class_bind_template_callback (widget_class, on_add_popover_add);
  gtk_widget_class_bind_template_callback (widget_class, on_add_popover_closed);

  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.fit", NULL, action_fit);
  gtk_widget_class_install_action (widget_class, "canvas.arrange", NULL, action_arrange);
  gtk_widget_class_install_action (widget_class, "canvas.add-node", NULL, action_add_node);
  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "canvas.duplicate", NULL, action_duplicate);
  gtk_widget_class_install_action (widget_class, "canvas.copy", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "canvas.cut", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "canvas.paste", NULL, action_paste);
  gtk_widget_class_install_action (widget_class, "canvas.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (widget_class, "canvas.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "canvas.redo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "canvas.escape", NULL, action_escape);
  gtk_widget_class_install_action (widget_class, "canvas.nudge", "(ii)", action_nudge);
  gtk_widget_class_install_action (widget_class, "canvas.select-neighbour", "(ii)",
                                   action_select_neighbour);
  gtk_widget_class_install_action (widget_class, "canvas.extend-neighbour", "(ii)",
                                   action_select_neighbour);
  gtk_widget_class_install_action (widget_class, "canvas.connect-selection", NULL,
                                   action_connect_selection);
  gtk_widget_class_install_action (widget_class, "canvas.activate", NULL, action_activate);
  gtk_widget_class_install_action (widget_class, "canvas.context-menu", NULL,
                                   action_context_menu);

  add_binding (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  add_binding (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  add_binding (widget_class, GDK_KEY_KP_Add, 0, "canvas.zoom-in", NULL);
  add_binding (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  add_binding (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  add_binding (widget_class, GDK_KEY_KP_Subtract, 0, "canvas.zoom-out", NULL);
  add_binding (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  add_binding (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  add_binding (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "canvas.zoom-reset", NULL);
  add_binding (widget_class, GDK_KEY_f, 0, "canvas.fit", NULL);
  add_binding (widget_class, GDK_KEY_Home, 0, "canvas.fit", NULL);
  add_binding (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "canvas.arrange", NULL);
  add_binding (widget_class, GDK_KEY_a, GDK_SHIFT_MASK, "canvas.add-node", NULL);
  add_binding (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  add_binding (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  add_binding (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  add_binding (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "canvas.duplicate", NULL);
  add_binding (widget_class, GDK_KEY_d, GDK_SHIFT_MASK, "canvas.duplicate", NULL);
  add_binding (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "canvas.copy", NULL);
  add_binding (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "canvas.cut", NULL);
  add_binding (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "canvas.paste", NULL);
  add_binding (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all", NULL);
  add_binding (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "canvas.undo", NULL);
  add_binding (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "canvas.redo", NULL);
  add_binding (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "canvas.redo", NULL);
  add_binding (widget_class, GDK_KEY_Escape, 0, "canvas.escape", NULL);
  add_binding (widget_class, GDK_KEY_j, 0, "canvas.connect-selection", NULL);
  add_binding (widget_class, GDK_KEY_Return, 0, "canvas.activate", NULL);
  add_binding (widget_class, GDK_KEY_KP_Enter, 0, "canvas.activate", NULL);
  add_binding (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "canvas.context-menu", NULL);
  add_binding (widget_class, GDK_KEY_Menu, 0, "canvas.context-menu", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      add_binding (widget_class, arrows[i].key, 0, "canvas.nudge",
                   g_variant_new ("(ii)", arrows[i].dx * NUDGE_SMALL, arrows[i].dy * NUDGE_SMALL));
      add_binding (widget_class, arrows[i].key, GDK_SHIFT_MASK, "canvas.nudge",
                   g_variant_new ("(ii)", arrows[i].dx * NUDGE_LARGE, arrows[i].dy * NUDGE_LARGE));
      add_binding (widget_class, arrows[i].key, GDK_ALT_MASK, "canvas.select-neighbour",
                   g_variant_new ("(ii)", arrows[i].dx, arrows[i].dy));
      add_binding (widget_class, arrows[i].key, GDK_ALT_MASK | GDK_SHIFT_MASK,
                   "canvas.extend-neighbour", g_variant_new ("(ii)", arrows[i].dx, arrows[i].dy));
    }

  gtk_widget_class_set_css_name (widget_class, "graphcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
strata_graph_canvas_init (StrataGraphCanvas *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;
  GtkDropTarget *drop;

  self->view = STRATA_VIEW_TRANSFORM_IDENTITY;
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->geometry = strata_graph_geometry_new ();
  self->selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->lost_selection = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->move_start = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->box_base = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  _strata_graph_editor_ensure_style (GTK_WIDGET (self));

  self->context_menu = gtk_popover_menu_new_from_model (self->context_menu_model);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->context_menu), GTK_POS_BOTTOM);
  gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));

  self->graph_signals = g_signal_group_new (STRATA_TYPE_GRAPH);
  g_signal_group_connect_swapped (self->graph_signals, "node-added",
                                  G_CALLBACK (on_node_added), self);
  g_signal_group_connect_swapped (self->graph_signals, "node-removed",
                                  G_CALLBACK (on_node_removed), self);
  g_signal_group_connect_swapped (self->graph_signals, "node-changed",
                                  G_CALLBACK (on_node_changed), self);
  g_signal_group_connect_swapped (self->graph_signals, "changed",
                                  G_CALLBACK (on_graph_changed), self);

  self->undo_signals = g_signal_group_new (STRATA_TYPE_UNDO_MANAGER);
  g_signal_group_connect_swapped (self->undo_signals, "node-renamed",
                                  G_CALLBACK (on_node_renamed), self);
  g_signal_group_connect_swapped (self->undo_signals, "notify::can-undo",
                                  G_CALLBACK (on_undo_state_changed), self);
  g_signal_group_connect_swapped (self->undo_signals, "notify::can-redo",
                                  G_CALLBACK (on_undo_state_changed), self);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_primary_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_primary_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_primary_drag_end), self);
  g_signal_connect (gesture, "cancel", G_CALLBACK (on_primary_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
  self->primary_drag = gesture;

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_context_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_MIDDLE);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_pan_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_pan_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_pan_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_actions (self);
}

GtkWidget *
strata_graph_canvas_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_CANVAS, NULL);
}

/**
 * strata_graph_canvas_get_undo_manager:
 *
 * Returns: (transfer none) (nullable): the manager all edits go through
 */
StrataUndoManager *
strata_graph_canvas_get_undo_manager (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return self->undo;
}

/**
 * strata_graph_canvas_get_graph:
 *
 * Returns: (transfer none) (nullable): the graph shown, the undo manager's
 */
StrataGraph *
strata_graph_canvas_get_graph (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return self->graph;
}

/**
 * strata_graph_canvas_set_undo_manager:
 * @undo: (nullable): the manager whose graph to show and edit
 */
void
strata_graph_canvas_set_undo_manager (StrataGraphCanvas *self,
                                      StrataUndoManager *undo)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (STRATA_IS_GRAPH_CANVAS (self));
  g_return_if_fail (!undo || STRATA_IS_UNDO_MANAGER (undo));

  if (self->undo == undo)
    return;

  gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->primary_drag));
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gtk_widget_unparent (value);
  g_hash_table_remove_all (self->nodes);
  g_hash_table_remove_all (self->selection);
  g_clear_pointer (&self->selected_link_dst, g_free);
  g_clear_pointer (&self->hover_link_dst, g_free);
  strata_graph_geometry_clear (self->geometry);

  g_set_object (&self->undo, undo);
  g_clear_object (&self->graph);
  if (undo)
    self->graph = g_object_ref (strata_undo_manager_get_graph (undo));
  g_signal_group_set_target (self->graph_signals, self->graph);
  g_signal_group_set_target (self->undo_signals, self->undo);

  for (guint i = 0; self->graph && i < strata_graph_get_n_nodes (self->graph); i++)
    on_node_added (self, strata_node_get_id (strata_graph_get_nth_node (self->graph, i)));

  self->view_ready = FALSE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  update_actions (self);
  selection_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_MANAGER]);
}

/**
 * strata_graph_canvas_dup_selection:
 *
 * Returns: (transfer full): the selected node ids, in graph order
 */
GStrv
strata_graph_canvas_dup_selection (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return dup_selection (self);
}

guint
strata_graph_canvas_get_n_selected (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), 0);
  return g_hash_table_size (self->selection);
}

/**
 * strata_graph_canvas_select:
 * @ids: (array zero-terminated=1) (nullable): the nodes to select, the rest deselected
 */
void
strata_graph_canvas_select (StrataGraphCanvas *self,
                            const char *const *ids)
{
  g_return_if_fail (STRATA_IS_GRAPH_CANVAS (self));
  select_ids (self, ids);
}

double
strata_graph_canvas_get_zoom (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), 1.0);
  return self->view.zoom;
}

/**
 * strata_graph_canvas_set_zoom:
 *
 * Zooms about the middle of the view.
 */
void
strata_graph_canvas_set_zoom (StrataGraphCanvas *self,
                              double             zoom)
{
  g_return_if_fail (STRATA_IS_GRAPH_CANVAS (self));
  zoom_at (self, zoom, (StrataPoint) { gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                       gtk_widget_get_height (GTK_WIDGET (self)) / 2.0 });
}

void
strata_graph_canvas_fit (StrataGraphCanvas *self)
{
  g_return_if_fail (STRATA_IS_GRAPH_CANVAS (self));
  fit_view (self, FALSE);
}

/**
 * strata_graph_canvas_arrange:
 *
 * Lays the graph out top to bottom, as one undo step, and shows all of it.
 */
void
strata_graph_canvas_arrange (StrataGraphCanvas *self)
{
  g_return_if_fail (STRATA_IS_GRAPH_CANVAS (self));

  if (self->graph == NULL || self->undo == NULL)
    return;
  apply_layout (self, TRUE);
  fit_view (self, FALSE);
}

/**
 * strata_graph_canvas_add_node_at_center:
 * @type: an op type such as "Dense"
 *
 * Adds a layer in the middle of the view (or the nearest free place there), as activating
 * it in the palette does.
 *
 * Returns: (nullable): the new node's id
 */
const char *
strata_graph_canvas_add_node_at_center (StrataGraphCanvas *self,
                                        const char        *type)
{
  StrataPoint center, spot;
  StrataRect wanted;

  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);

  center = to_canvas (self, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                      gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
  /* The middle of the view, or the nearest place there that is free. */
  wanted = (StrataRect) { center.x - STRATA_NODE_DEFAULT_WIDTH / 2,
                          center.y - STRATA_NODE_DEFAULT_HEIGHT / 2,
                          STRATA_NODE_DEFAULT_WIDTH, STRATA_NODE_DEFAULT_HEIGHT };
  spot = strata_graph_geometry_find_free_spot (self->geometry, &wanted, 16);
  center = (StrataPoint) { spot.x + STRATA_NODE_DEFAULT_WIDTH / 2,
                           spot.y + STRATA_NODE_DEFAULT_HEIGHT / 2 };
  return add_node (self, type, center, NULL, NULL, 0);
}

StrataGraphGeometry *
_strata_graph_canvas_get_geometry (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return self->geometry;
}

StrataPoint
_strata_graph_canvas_to_view (StrataGraphCanvas *self,
                              StrataPoint        canvas_point)
{
  return to_view (self, canvas_point);
}

GtkWidget *
_strata_graph_canvas_get_toolbar (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return self->toolbar;
}

GtkWidget *
_strata_graph_canvas_get_minimap (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return GTK_WIDGET (self->minimap);
}

/* The notice shown over the graph, or %NULL */
const char *
_strata_graph_canvas_get_notice (StrataGraphCanvas *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->notice)) ? gtk_label_get_label (self->notice)
                                                             : NULL;
}

/* Whether the nodes show their titles only, and the size of the smallest node text drawn,
 * in view pixels. */
gboolean
_strata_graph_canvas_get_compact (StrataGraphCanvas *self,
                                  double            *text_px)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_CANVAS (self), FALSE);
  if (text_px)
    *text_px = self->compact ? compact_title_px (self)
                             : base_font_px (self) * 0.8 * self->view.zoom;
  return self->compact;
}
