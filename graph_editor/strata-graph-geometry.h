/* strata-graph-geometry.h: where nodes, ports and links are on the canvas, and what a point hits
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Canvas units: one unit is one pixel at zoom 1. */
#define STRATA_NODE_DEFAULT_WIDTH   200.0
#define STRATA_NODE_DEFAULT_HEIGHT   64.0
#define STRATA_PORT_RADIUS            6.0

typedef struct
{
  double x;
  double y;
} StrataPoint;

typedef struct
{
  double x;
  double y;
  double width;
  double height;
} StrataRect;

StrataRect strata_rect_from_corners (double            x0,
                                     double            y0,
                                     double            x1,
                                     double            y1);
gboolean   strata_rect_contains     (const StrataRect *rect,
                                     double            x,
                                     double            y);
gboolean   strata_rect_intersects   (const StrataRect *a,
                                     const StrataRect *b);
void       strata_rect_union        (const StrataRect *a,
                                     const StrataRect *b,
                                     StrataRect       *out);

typedef enum
{
  STRATA_PORT_INPUT,
  STRATA_PORT_OUTPUT,
} StrataPortDirection;

/* Data flows top to bottom: inputs sit along a node's top edge, its output at the bottom. */
StrataPoint strata_node_port_position (const StrataRect    *node,
                                       StrataPortDirection  direction,
                                       guint                port,
                                       guint                n_inputs);

/* A link is a cubic Bézier from an output port down to an input port. */
void        strata_link_curve          (StrataPoint        from,
                                        StrataPoint        to,
                                        StrataPoint        curve[4]);
StrataPoint strata_link_curve_point    (const StrataPoint  curve[4],
                                        double             t);
double      strata_link_curve_distance (const StrataPoint  curve[4],
                                        double             x,
                                        double             y);
void        strata_link_curve_bounds   (const StrataPoint  curve[4],
                                        StrataRect        *bounds);

/**
 * StrataLinkPath:
 * @n_segments: 1 for a plain curve, 3 for a link that detours around nodes in its way
 * @segments: cubic Bézier control points, each segment starting where the last ended
 *
 * How a link is drawn and hit-tested.
 */
typedef struct
{
  guint n_segments;
  StrataPoint segments[3][4];
} StrataLinkPath;

StrataPoint strata_link_path_point    (const StrataLinkPath *path,
                                       double                t);
double      strata_link_path_distance (const StrataLinkPath *path,
                                       double                x,
                                       double                y);
void        strata_link_path_bounds   (const StrataLinkPath *path,
                                       StrataRect           *bounds);

typedef enum
{
  STRATA_HIT_NONE,
  STRATA_HIT_NODE,
  STRATA_HIT_PORT,
  STRATA_HIT_LINK,
} StrataHitKind;

/**
 * StrataHit:
 * @kind: what was hit
 * @node_id: (nullable): the node, the port's node, or the link's destination; borrowed from
 *   the geometry
 * @direction: for ports, which side
 * @port: the port index; for links, the destination's input port
 * @link_src: (nullable): for links, the source node id, borrowed
 */
typedef struct
{
  StrataHitKind kind;
  const char *node_id;
  StrataPortDirection direction;
  guint port;
  const char *link_src;
} StrataHit;

/**
 * StrataGraphGeometry:
 *
 * The rectangles of the nodes in canvas coordinates, in drawing order (last on top), as
 * the canvas last laid them out. Everything a pointer can touch is answered from here,
 * without GTK, so it is tested directly.
 */
typedef struct _StrataGraphGeometry StrataGraphGeometry;

StrataGraphGeometry *strata_graph_geometry_new         (void);
void                 strata_graph_geometry_free        (StrataGraphGeometry *self);
void                 strata_graph_geometry_clear       (StrataGraphGeometry *self);
void                 strata_graph_geometry_set_node    (StrataGraphGeometry *self,
                                                        const char          *id,
                                                        const StrataRect    *rect,
                                                        guint                n_inputs,
                                                        gboolean             has_output);
void                 strata_graph_geometry_move_node   (StrataGraphGeometry *self,
                                                        const char          *id,
                                                        double               x,
                                                        double               y);
gboolean             strata_graph_geometry_remove_node (StrataGraphGeometry *self,
                                                        const char          *id);
void                 strata_graph_geometry_raise_node  (StrataGraphGeometry *self,
                                                        const char          *id);
guint                strata_graph_geometry_get_n_nodes (StrataGraphGeometry *self);
const char          *strata_graph_geometry_get_nth_id  (StrataGraphGeometry *self,
                                                        guint                index);
gboolean             strata_graph_geometry_get_rect    (StrataGraphGeometry *self,
                                                        const char          *id,
                                                        StrataRect          *rect);
gboolean             strata_graph_geometry_get_port    (StrataGraphGeometry *self,
                                                        const char          *id,
                                                        StrataPortDirection  direction,
                                                        guint                port,
                                                        StrataPoint         *point);
gboolean             strata_graph_geometry_get_link_curve (StrataGraphGeometry *self,
                                                           const char          *src,
                                                           const char          *dst,
                                                           guint                port,
                                                           StrataPoint          curve[4]);
gboolean             strata_graph_geometry_get_link_path (StrataGraphGeometry *self,
                                                          const char          *src,
                                                          const char          *dst,
                                                          guint                port,
                                                          StrataLinkPath      *path);
gboolean             strata_graph_geometry_get_bounds  (StrataGraphGeometry *self,
                                                        StrataRect          *bounds);
StrataHit            strata_graph_geometry_hit_test    (StrataGraphGeometry *self,
                                                        GPtrArray           *links,
                                                        double               x,
                                                        double               y,
                                                        double               tolerance);
GPtrArray           *strata_graph_geometry_box_select  (StrataGraphGeometry *self,
                                                        const StrataRect    *box);
StrataPoint          strata_graph_geometry_find_free_spot (StrataGraphGeometry *self,
                                                           const StrataRect    *wanted,
                                                           double               spacing);
char                *strata_graph_geometry_dup_neighbour (StrataGraphGeometry *self,
                                                          const char          *id,
                                                          int                  dx,
                                                          int                  dy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataGraphGeometry, strata_graph_geometry_free)

G_END_DECLS
