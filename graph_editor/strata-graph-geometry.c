/* strata-graph-geometry.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-geometry"

#include "config.h"

#include <math.h>

#include "strata-graph-geometry.h"
#include "strata-graph.h"

/* Rectangles ---------------------------------------------------------------------------------- */

StrataRect
strata_rect_from_corners (double x0,
                          double y0,
                          double x1,
                          double y1)
{
  return (StrataRect) { MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0) };
}

gboolean
strata_rect_contains (const StrataRect *rect,
                      double            x,
                      double            y)
{
  return x >= rect->x && x <= rect->x + rect->width &&
         y >= rect->y && y <= rect->y + rect->height;
}

gboolean
strata_rect_intersects (const StrataRect *a,
                        const StrataRect *b)
{
  return a->x <= b->x + b->width && b->x <= a->x + a->width &&
         a->y <= b->y + b->height && b->y <= a->y + a->height;
}

void
strata_rect_union (const StrataRect *a,
                   const StrataRect *b,
                   StrataRect       *out)
{
  double x0 = MIN (a->x, b->x);
  double y0 = MIN (a->y, b->y);
  double x1 = MAX (a->x + a->width, b->x + b->width);
  double y1 = MAX (a->y + a->height, b->y + b->height);

  *out = (StrataRect) { x0, y0, x1 - x0, y1 - y0 };
}

/* Ports and links ----------------------------------------------------------------------------- */

/**
 * strata_node_port_position:
 * @n_inputs: how many inputs the node has; they share the top edge evenly
 *
 * Returns: the centre of the port, on the node's border
 */
StrataPoint
strata_node_port_position (const StrataRect    *node,
                           StrataPortDirection  direction,
                           guint                port,
                           guint                n_inputs)
{
  if (direction == STRATA_PORT_OUTPUT)
    return (StrataPoint) { node->x + node->width / 2, node->y + node->height };
  n_inputs = MAX (n_inputs, 1);
  return (StrataPoint) { node->x + node->width * (port + 1) / (n_inputs + 1), node->y };
}

/*
 * The tangents are vertical so links leave a node downwards and enter the next from above;
 * a link that has to go back up bulges further so it does not cut through the nodes.
 */
void
strata_link_curve (StrataPoint from,
                   StrataPoint to,
                   StrataPoint curve[4])
{
  double dy = to.y - from.y;
  double bend = dy > 0 ? MAX (dy / 2, 24.0) : MIN (80.0 + fabs (dy) / 4, 240.0);

  curve[0] = from;
  curve[1] = (StrataPoint) { from.x, from.y + bend };
  curve[2] = (StrataPoint) { to.x, to.y - bend };
  curve[3] = to;
}

StrataPoint
strata_link_curve_point (const StrataPoint curve[4],
                         double            t)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;

  return (StrataPoint) {
    a * curve[0].x + b * curve[1].x + c * curve[2].x + d * curve[3].x,
    a * curve[0].y + b * curve[1].y + c * curve[2].y + d * curve[3].y,
  };
}

static double
segment_distance (StrataPoint a,
                  StrataPoint b,
                  double      x,
                  double      y)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((x - a.x) * dx + (y - a.y) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (a.x + t * dx - x, a.y + t * dy - y);
}

/* As imnodes does: the curve sampled into short segments is close enough for a pointer. */
double
strata_link_curve_distance (const StrataPoint curve[4],
                            double            x,
                            double            y)
{
  const guint n_segments = 32;
  StrataPoint prev = curve[0];
  double best = G_MAXDOUBLE;

  for (guint i = 1; i <= n_segments; i++)
    {
      StrataPoint p = strata_link_curve_point (curve, (double) i / n_segments);
      best = MIN (best, segment_distance (prev, p, x, y));
      prev = p;
    }
  return best;
}

/* The control polygon contains the curve, so its box is a safe, cheap pre-test. */
void
strata_link_curve_bounds (const StrataPoint  curve[4],
                          StrataRect        *bounds)
{
  double x0 = curve[0].x, x1 = curve[0].x, y0 = curve[0].y, y1 = curve[0].y;

  for (guint i = 1; i < 4; i++)
    {
      x0 = MIN (x0, curve[i].x);
      x1 = MAX (x1, curve[i].x);
      y0 = MIN (y0, curve[i].y);
      y1 = MAX (y1, curve[i].y);
    }
  *bounds = (StrataRect) { x0, y0, x1 - x0, y1 - y0 };
}

/* Paths: a link as one or three curves -------------------------------------------------------- */

/**
 * strata_link_path_point:
 * @t: from 0 (the output) to 1 (the input), spread evenly over the segments
 */
StrataPoint
strata_link_path_point (const StrataLinkPath *path,
                        double                t)
{
  double scaled = CLAMP (t, 0, 1) * path->n_segments;
  guint segment = MIN ((guint) scaled, path->n_segments - 1);

  return strata_link_curve_point (path->segments[segment], scaled - segment);
}

double
strata_link_path_distance (const StrataLinkPath *path,
                           double                x,
                           double                y)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < path->n_segments; i++)
    best = MIN (best, strata_link_curve_distance (path->segments[i], x, y));
  return best;
}

void
strata_link_path_bounds (const StrataLinkPath *path,
                         StrataRect           *bounds)
{
  strata_link_curve_bounds (path->segments[0], bounds);
  for (guint i = 1; i < path->n_segments; i++)
    {
      StrataRect more;
      strata_link_curve_bounds (path->segments[i], &more);
      strata_rect_union (bounds, &more, bounds);
    }
}

/* The scene ----------------------------------------------------------------------------------- */

typedef struct
{
  char *id;
  StrataRect rect;
  guint n_inputs;
  gboolean has_output;
} NodeGeometry;

struct _StrataGraphGeometry
{
  GPtrArray *nodes;     /* NodeGeometry*, bottom to top */
  GHashTable *by_id;    /* id → NodeGeometry* (borrowed) */
};

static void
node_geometry_free (NodeGeometry *node)
{
  g_free (node->id);
  g_free (node);
}

StrataGraphGeometry *
strata_graph_geometry_new (void)
{
  StrataGraphGeometry *self = g_new0 (StrataGraphGeometry, 1);

  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_geometry_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

void
strata_graph_geometry_free (StrataGraphGeometry *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->nodes);
  g_free (self);
}

void
strata_graph_geometry_clear (StrataGraphGeometry *self)
{
  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->nodes, 0);
}

void
strata_graph_geometry_set_node (StrataGraphGeometry *self,
                                const char          *id,
                                const StrataRect    *rect,
                                guint                n_inputs,
                                gboolean             has_output)
{
  NodeGeometry *node = g_hash_table_lookup (self->by_id, id);

  if (node == NULL)
    {
      node = g_new0 (NodeGeometry, 1);
      node->id = g_strdup (id);
      g_ptr_array_add (self->nodes, node);
      g_hash_table_insert (self->by_id, node->id, node);
    }
  node->rect = *rect;
  node->n_inputs = n_inputs;
  node->has_output = has_output;
}

void
strata_graph_geometry_move_node (StrataGraphGeometry *self,
                                 const char          *id,
                                 double               x,
                                 double               y)
{
  NodeGeometry *node = g_hash_table_lookup (self->by_id, id);

  if (node != NULL)
    {
      node->rect.x = x;
      node->rect.y = y;
    }
}

gboolean
strata_graph_geometry_remove_node (StrataGraphGeometry *self,
                                   const char          *id)
{
  NodeGeometry *node = g_hash_table_lookup (self->by_id, id);

  if (node == NULL)
    return FALSE;
  g_hash_table_remove (self->by_id, id);
  g_ptr_array_remove (self->nodes, node);
  return TRUE;
}

void
strata_graph_geometry_raise_node (StrataGraphGeometry *self,
                                  const char          *id)
{
  NodeGeometry *node = g_hash_table_lookup (self->by_id, id);
  guint index;

  if (node == NULL || !g_ptr_array_find (self->nodes, node, &index))
    return;
  g_ptr_array_steal_index (self->nodes, index);
  g_ptr_array_add (self->nodes, node);
}

guint
strata_graph_geometry_get_n_nodes (StrataGraphGeometry *self)
{
  return self->nodes->len;
}

/**
 * strata_graph_geometry_get_nth_id:
 *
 * Returns: the id of the @index-th node from the bottom of the drawing order
 */
const char *
strata_graph_geometry_get_nth_id (StrataGraphGeometry *self,
                                  guint                index)
{
  g_return_val_if_fail (index < self->nodes->len, NULL);
  return ((NodeGeometry *) g_ptr_array_index (self->nodes, index))->id;
}

gboolean
strata_graph_geometry_get_rect (StrataGraphGeometry *self,
                                const char          *id,
                                StrataRect          *rect)
{
  NodeGeometry *node = id ? g_hash_table_lookup (self->by_id, id) : NULL;

  if (node == NULL)
    return FALSE;
  *rect = node->rect;
  return TRUE;
}

gboolean
strata_graph_geometry_get_port (StrataGraphGeometry *self,
                                const char          *id,
                                StrataPortDirection  direction,
                                guint                port,
                                StrataPoint         *point)
{
  NodeGeometry *node = id ? g_hash_table_lookup (self->by_id, id) : NULL;

  if (node == NULL)
    return FALSE;
  if (direction == STRATA_PORT_OUTPUT ? !node->has_output : port >= node->n_inputs)
    return FALSE;
  *point = strata_node_port_position (&node->rect, direction, port, node->n_inputs);
  return TRUE;
}

gboolean
strata_graph_geometry_get_link_curve (StrataGraphGeometry *self,
                                      const char          *src,
                                      const char          *dst,
                                      guint                port,
                                      StrataPoint          curve[4])
{
  StrataPoint from, to;

  if (!strata_graph_geometry_get_port (self, src, STRATA_PORT_OUTPUT, 0, &from) ||
      !strata_graph_geometry_get_port (self, dst, STRATA_PORT_INPUT, port, &to))
    return FALSE;
  strata_link_curve (from, to, curve);
  return TRUE;
}

#define DETOUR_CLEARANCE 28.0   /* between a detouring link and the nodes it passes */
#define DETOUR_TURN      22.0   /* how far below the output / above the input it turns */

/* The nodes other than @src and @dst that overlap the vertical band [x0, x1] × (y0, y1). */
static gboolean
band_obstacles (StrataGraphGeometry *self,
                const char          *src,
                const char          *dst,
                double               x0,
                double               x1,
                double               y0,
                double               y1,
                StrataRect          *bounds)
{
  StrataRect band = { x0, y0, x1 - x0, y1 - y0 };
  gboolean any = FALSE;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      NodeGeometry *node = g_ptr_array_index (self->nodes, i);

      if (g_str_equal (node->id, src) || g_str_equal (node->id, dst) ||
          !strata_rect_intersects (&node->rect, &band))
        continue;
      if (any)
        strata_rect_union (bounds, &node->rect, bounds);
      else
        *bounds = node->rect;
      any = TRUE;
    }
  return any;
}

/**
 * strata_graph_geometry_get_link_path:
 *
 * The link as drawn. A link going down whose straight course would pass through other
 * nodes (a skip connection beside a chain of layers, as in ResNet) turns aside just below
 * its output, runs down beside those nodes and turns back in just above its input, so it
 * stays visible and never looks like part of the chain it passes.
 */
gboolean
strata_graph_geometry_get_link_path (StrataGraphGeometry *self,
                                     const char          *src,
                                     const char          *dst,
                                     guint                port,
                                     StrataLinkPath      *path)
{
  StrataPoint from, to;
  StrataRect obstacles;
  double turn, lane, y_a, y_b;
  gboolean right;

  if (!strata_graph_geometry_get_port (self, src, STRATA_PORT_OUTPUT, 0, &from) ||
      !strata_graph_geometry_get_port (self, dst, STRATA_PORT_INPUT, port, &to))
    return FALSE;

  turn = MIN (DETOUR_TURN, (to.y - from.y) / 4);
  if (to.y - from.y < 4 * DETOUR_TURN ||
      !band_obstacles (self, src, dst, MIN (from.x, to.x) - 2, MAX (from.x, to.x) + 2,
                       from.y + turn, to.y - turn, &obstacles))
    {
      path->n_segments = 1;
      strata_link_curve (from, to, path->segments[0]);
      return TRUE;
    }

  /* Go round on the side that is the shorter way, widening the lane past any node that
   * sits in it, a few times at most. */
  right = (from.x + to.x) / 2 >= obstacles.x + obstacles.width / 2;
  for (guint i = 0; i < 4; i++)
    {
      StrataRect more;

      lane = right ? obstacles.x + obstacles.width + DETOUR_CLEARANCE
                   : obstacles.x - DETOUR_CLEARANCE;
      if (!band_obstacles (self, src, dst, lane - DETOUR_CLEARANCE / 2,
                           lane + DETOUR_CLEARANCE / 2, from.y + turn, to.y - turn, &more))
        break;
      strata_rect_union (&obstacles, &more, &obstacles);
    }

  /* An S down to the lane, straight down it, an S back in; tangents vertical throughout. */
  y_a = from.y + 2 * turn;
  y_b = to.y - 2 * turn;
  path->n_segments = 3;
  path->segments[0][0] = from;
  path->segments[0][1] = (StrataPoint) { from.x, from.y + turn };
  path->segments[0][2] = (StrataPoint) { lane, from.y + turn };
  path->segments[0][3] = (StrataPoint) { lane, y_a };
  path->segments[1][0] = path->segments[0][3];
  path->segments[1][1] = (StrataPoint) { lane, y_a + (y_b - y_a) / 3 };
  path->segments[1][2] = (StrataPoint) { lane, y_b - (y_b - y_a) / 3 };
  path->segments[1][3] = (StrataPoint) { lane, y_b };
  path->segments[2][0] = path->segments[1][3];
  path->segments[2][1] = (StrataPoint) { lane, to.y - turn };
  path->segments[2][2] = (StrataPoint) { to.x, to.y - turn };
  path->segments[2][3] = to;
  return TRUE;
}

gboolean
strata_graph_geometry_get_bounds (StrataGraphGeometry *self,
                                  StrataRect          *bounds)
{
  if (self->nodes->len == 0)
    return FALSE;
  *bounds = ((NodeGeometry *) g_ptr_array_index (self->nodes, 0))->rect;
  for (guint i = 1; i < self->nodes->len; i++)
    strata_rect_union (bounds, &((NodeGeometry *) g_ptr_array_index (self->nodes, i))->rect,
                       bounds);
  return TRUE;
}

/**
 * strata_graph_geometry_hit_test:
 * @links: (element-type StrataLink): the graph's links
 * @tolerance: how far from a port or link still counts, in canvas units
 *
 * Ports win over the nodes they sit on, nodes over the links beneath them, and among nodes
 * the one drawn last.
 */
StrataHit
strata_graph_geometry_hit_test (StrataGraphGeometry *self,
                                GPtrArray           *links,
                                double               x,
                                double               y,
                                double               tolerance)
{
  StrataHit hit = { STRATA_HIT_NONE, NULL, STRATA_PORT_INPUT, 0, NULL };
  double port_reach = STRATA_PORT_RADIUS + tolerance;
  double best = G_MAXDOUBLE;

  /* Ports: the nearest one in reach, the upper node winning ties. */
  for (guint i = self->nodes->len; i > 0; i--)
    {
      NodeGeometry *node = g_ptr_array_index (self->nodes, i - 1);
      StrataRect reach = { node->rect.x - port_reach, node->rect.y - port_reach,
                           node->rect.width + 2 * port_reach,
                           node->rect.height + 2 * port_reach };

      if (!strata_rect_contains (&reach, x, y))
        continue;
      for (guint port = 0; port < node->n_inputs + (node->has_output ? 1 : 0); port++)
        {
          gboolean output = port == node->n_inputs;
          StrataPortDirection direction = output ? STRATA_PORT_OUTPUT : STRATA_PORT_INPUT;
          StrataPoint p = strata_node_port_position (&node->rect, direction,
                                                     output ? 0 : port, node->n_inputs);
          double d = hypot (p.x - x, p.y - y);

          if (d <= port_reach && d < best)
            {
              best = d;
              hit = (StrataHit) { STRATA_HIT_PORT, node->id, direction, output ? 0 : port, NULL };
            }
        }
    }
  if (hit.kind != STRATA_HIT_NONE)
    return hit;

  for (guint i = self->nodes->len; i > 0; i--)
    {
      NodeGeometry *node = g_ptr_array_index (self->nodes, i - 1);
      if (strata_rect_contains (&node->rect, x, y))
        return (StrataHit) { STRATA_HIT_NODE, node->id, STRATA_PORT_INPUT, 0, NULL };
    }

  for (guint i = 0; links && i < links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (links, i);
      StrataLinkPath path;
      StrataRect box;
      NodeGeometry *dst;
      double d;

      if (!strata_graph_geometry_get_link_path (self, link->src, link->dst, link->port, &path))
        continue;
      strata_link_path_bounds (&path, &box);
      box = (StrataRect) { box.x - tolerance, box.y - tolerance,
                           box.width + 2 * tolerance, box.height + 2 * tolerance };
      if (!strata_rect_contains (&box, x, y))
        continue;
      d = strata_link_path_distance (&path, x, y);
      if (d <= tolerance && d < best)
        {
          best = d;
          dst = g_hash_table_lookup (self->by_id, link->dst);
          hit = (StrataHit) { STRATA_HIT_LINK, dst->id, STRATA_PORT_INPUT, link->port,
                              ((NodeGeometry *) g_hash_table_lookup (self->by_id,
                                                                     link->src))->id };
        }
    }
  return hit;
}

/**
 * strata_graph_geometry_box_select:
 * @box: the rubber band, in canvas coordinates
 *
 * Returns: (transfer container) (element-type utf8): ids of the nodes the band touches, in
 *   drawing order; the strings are borrowed from the geometry
 */
GPtrArray *
strata_graph_geometry_box_select (StrataGraphGeometry *self,
                                  const StrataRect    *box)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < self->nodes->len; i++)
    {
      NodeGeometry *node = g_ptr_array_index (self->nodes, i);
      if (strata_rect_intersects (&node->rect, box))
        g_ptr_array_add (ids, node->id);
    }
  return ids;
}

static gboolean
is_free (StrataGraphGeometry *self,
         const StrataRect    *rect,
         double               spacing)
{
  StrataRect padded = { rect->x - spacing, rect->y - spacing, rect->width + 2 * spacing,
                        rect->height + 2 * spacing };

  for (guint i = 0; i < self->nodes->len; i++)
    if (strata_rect_intersects (&((NodeGeometry *) g_ptr_array_index (self->nodes, i))->rect,
                                &padded))
      return FALSE;
  return TRUE;
}

/**
 * strata_graph_geometry_find_free_spot:
 * @wanted: where a new node would go and its size
 * @spacing: room to keep from other nodes
 *
 * Returns: the top-left corner nearest to @wanted's where a node of that size overlaps no
 *   other, searched on rings of growing radius, so an added layer is never hidden under one
 *   that is already there
 */
StrataPoint
strata_graph_geometry_find_free_spot (StrataGraphGeometry *self,
                                      const StrataRect    *wanted,
                                      double               spacing)
{
  const double step = 24;

  if (is_free (self, wanted, spacing))
    return (StrataPoint) { wanted->x, wanted->y };
  for (int ring = 1; ring < 200; ring++)
    {
      StrataPoint best = { 0, 0 };
      double best_distance = G_MAXDOUBLE;

      /* Every grid point on the square ring; the nearest free one wins. */
      for (int i = -ring; i <= ring; i++)
        for (int j = -ring; j <= ring; j++)
          {
            StrataRect candidate;
            double distance;

            if (ABS (i) != ring && ABS (j) != ring)
              continue;
            candidate = (StrataRect) { wanted->x + i * step, wanted->y + j * step,
                                       wanted->width, wanted->height };
            distance = hypot (i, j);
            if (distance < best_distance && is_free (self, &candidate, spacing))
              {
                best_distance = distance;
                best = (StrataPoint) { candidate.x, candidate.y };
              }
          }
      if (best_distance < G_MAXDOUBLE)
        return best;
    }
  return (StrataPoint) { wanted->x, wanted->y };
}

/**
 * strata_graph_geometry_dup_neighbour:
 * @dx: -1, 0 or 1
 * @dy: -1, 0 or 1
 *
 * Keyboard navigation between nodes: the nearest node whose centre lies in the direction
 * (@dx, @dy) from @id's centre, preferring nodes straight ahead over ones off to the side.
 *
 * Returns: (nullable): its id
 */
char *
strata_graph_geometry_dup_neighbour (StrataGraphGeometry *self,
                                     const char          *id,
                                     int                  dx,
                                     int                  dy)
{
  NodeGeometry *from = id ? g_hash_table_lookup (self->by_id, id) : NULL;
  NodeGeometry *best = NULL;
  double best_score = G_MAXDOUBLE;
  double cx, cy;

  if (from == NULL)
    return NULL;
  cx = from->rect.x + from->rect.width / 2;
  cy = from->rect.y + from->rect.height / 2;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      NodeGeometry *node = g_ptr_array_index (self->nodes, i);
      double ox = node->rect.x + node->rect.width / 2 - cx;
      double oy = node->rect.y + node->rect.height / 2 - cy;
      double ahead = ox * dx + oy * dy;
      double aside = fabs (ox * dy) + fabs (oy * dx);
      double score;

      if (node == from || ahead <= 0)
        continue;
      /* Within about 60° either side of the direction, sideways distance counting double. */
      if (aside > ahead * 2)
        continue;
      score = ahead + 2 * aside;
      if (score < best_score)
        {
          best_score = score;
          best = node;
        }
    }
  return best ? g_strdup (best->id) : NULL;
}
