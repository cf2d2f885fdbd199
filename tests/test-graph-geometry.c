/* test-graph-geometry.c: hit testing, box select and the rules for dragging links
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "strata-graph-geometry.h"
#include "strata-link-drag.h"

static StrataNode *
add (StrataGraph *graph,
     const char  *type,
     const char  *id,
     const char  *after)
{
  g_autoptr(GError) error = NULL;
  StrataNode *node = strata_graph_add_node (graph, type, id, &error);

  g_assert_no_error (error);
  if (after)
    {
      strata_graph_connect (graph, after, id, 0, &error);
      g_assert_no_error (error);
    }
  return node;
}

/* input (0,0) → dense (0,120) → output (0,240), each 200×64; a free dense_1 at (300,120). */
static void
build (StrataGraph         **graph_out,
       StrataGraphGeometry **geometry_out)
{
  StrataGraph *graph = strata_graph_new ();
  StrataGraphGeometry *geometry = strata_graph_geometry_new ();
  struct { const char *id; double x, y; } placed[] = {
    { "input", 0, 0 }, { "dense", 0, 120 }, { "output", 0, 240 }, { "dense_1", 300, 120 },
  };

  add (graph, "Input", "input", NULL);
  add (graph, "Dense", "dense", "input");
  add (graph, "Output", "output", "dense");
  add (graph, "Dense", "dense_1", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (placed); i++)
    {
      StrataNode *node = strata_graph_get_node (graph, placed[i].id);
      StrataRect rect = { placed[i].x, placed[i].y, 200, 64 };
      strata_graph_geometry_set_node (geometry, placed[i].id, &rect,
                                      strata_node_get_n_inputs (node),
                                      strata_node_get_op (node)->has_output);
    }
  *graph_out = graph;
  *geometry_out = geometry;
}

static void
test_port_positions (void)
{
  StrataRect r = { 10, 20, 200, 60 };
  StrataPoint p;

  p = strata_node_port_position (&r, STRATA_PORT_OUTPUT, 0, 1);
  g_assert_cmpfloat (p.x, ==, 110);
  g_assert_cmpfloat (p.y, ==, 80);
  p = strata_node_port_position (&r, STRATA_PORT_INPUT, 0, 1);
  g_assert_cmpfloat (p.x, ==, 110);
  g_assert_cmpfloat (p.y, ==, 20);
  /* Two inputs share the top edge at thirds. */
  p = strata_node_port_position (&r, STRATA_PORT_INPUT, 1, 2);
  g_assert_cmpfloat_with_epsilon (p.x, 10 + 400.0 / 3, 1e-9);
}

static void
test_hit_test (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  GPtrArray *links;
  StrataHit hit;
  StrataPoint curve[4], mid;

  build (&graph, &geometry);
  links = strata_graph_get_links (graph);

  /* Empty canvas. */
  hit = strata_graph_geometry_hit_test (geometry, links, 600, 600, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_NONE);

  /* Inside a node. */
  hit = strata_graph_geometry_hit_test (geometry, links, 40, 150, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_NODE);
  g_assert_cmpstr (hit.node_id, ==, "dense");

  /* dense's output port at (100, 184), reachable from just outside the node. */
  hit = strata_graph_geometry_hit_test (geometry, links, 103, 190, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_PORT);
  g_assert_cmpstr (hit.node_id, ==, "dense");
  g_assert_cmpint (hit.direction, ==, STRATA_PORT_OUTPUT);

  /* dense's input port at (100, 120) wins over the node it sits on. */
  hit = strata_graph_geometry_hit_test (geometry, links, 100, 123, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_PORT);
  g_assert_cmpint (hit.direction, ==, STRATA_PORT_INPUT);
  g_assert_cmpint (hit.port, ==, 0);

  /* The Output has no output port: its bottom centre is just the node's edge. */
  hit = strata_graph_geometry_hit_test (geometry, links, 100, 303, 0);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_NODE);
  g_assert_cmpstr (hit.node_id, ==, "output");

  /* The middle of the link input → dense, which runs through the gap (64..120). */
  g_assert_true (strata_graph_geometry_get_link_curve (geometry, "input", "dense", 0, curve));
  mid = strata_link_curve_point (curve, 0.5);
  g_assert_cmpfloat_with_epsilon (mid.y, 92, 1e-9);
  hit = strata_graph_geometry_hit_test (geometry, links, mid.x + 3, mid.y, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_LINK);
  g_assert_cmpstr (hit.node_id, ==, "dense");
  g_assert_cmpstr (hit.link_src, ==, "input");
  g_assert_cmpint (hit.port, ==, 0);
  /* …but not from further than the tolerance. */
  hit = strata_graph_geometry_hit_test (geometry, links, mid.x + 10, mid.y, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_NONE);

  /* The upper of two overlapping nodes wins; raising changes that. */
  {
    StrataRect over = { 50, 130, 200, 64 };
    strata_graph_geometry_set_node (geometry, "dense_1", &over, 1, TRUE);
    hit = strata_graph_geometry_hit_test (geometry, links, 150, 160, 4);
    g_assert_cmpstr (hit.node_id, ==, "dense_1");
    strata_graph_geometry_raise_node (geometry, "dense");
    hit = strata_graph_geometry_hit_test (geometry, links, 150, 160, 4);
    g_assert_cmpstr (hit.node_id, ==, "dense");
  }
}

static void
test_curve_distance (void)
{
  StrataPoint curve[4];
  StrataPoint from = { 0, 0 }, to = { 0, 100 };
  StrataRect box;

  strata_link_curve (from, to, curve);
  g_assert_cmpfloat_with_epsilon (strata_link_curve_distance (curve, 0, 50), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (strata_link_curve_distance (curve, 7, 50), 7, 1e-9);
  strata_link_curve_bounds (curve, &box);
  g_assert_true (strata_rect_contains (&box, 0, 50));

  /* A link that must go back up leaves downwards first. */
  strata_link_curve ((StrataPoint) { 0, 200 }, (StrataPoint) { 300, 0 }, curve);
  g_assert_cmpfloat (curve[1].y, >, 200);
  g_assert_cmpfloat (curve[2].y, <, 0);
}

/* A skip link beside a chain goes round the chain instead of through it. */
static void
test_link_detours (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(StrataGraphGeometry) geometry = strata_graph_geometry_new ();
  g_autoptr(GPtrArray) links = NULL;
  const char *ids[] = { "a", "b", "c", "add" };
  StrataLinkPath path;
  StrataRect b, c;
  StrataHit hit;
  StrataPoint lane;

  add (graph, "Input", "a", NULL);
  add (graph, "Conv2D", "b", "a");
  add (graph, "Conv2D", "c", "b");
  add (graph, "Add", "add", "c");
  g_assert_true (strata_graph_connect (graph, "a", "add", 1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      StrataNode *node = strata_graph_get_node (graph, ids[i]);
      StrataRect rect = { 0, 120.0 * i, 200, 64 };
      strata_graph_geometry_set_node (geometry, ids[i], &rect, strata_node_get_n_inputs (node),
                                      strata_node_get_op (node)->has_output);
    }
  strata_graph_geometry_get_rect (geometry, "b", &b);
  strata_graph_geometry_get_rect (geometry, "c", &c);

  /* Neighbours: one plain curve. */
  g_assert_true (strata_graph_geometry_get_link_path (geometry, "a", "b", 0, &path));
  g_assert_cmpuint (path.n_segments, ==, 1);

  /* a → add:1 passes b and c: it detours, right of them (its input is right of centre). */
  g_assert_true (strata_graph_geometry_get_link_path (geometry, "a", "add", 1, &path));
  g_assert_cmpuint (path.n_segments, ==, 3);
  for (int i = 0; i <= 200; i++)
    {
      StrataPoint p = strata_link_path_point (&path, i / 200.0);
      g_assert_false (strata_rect_contains (&b, p.x, p.y));
      g_assert_false (strata_rect_contains (&c, p.x, p.y));
    }
  g_assert_cmpfloat (path.segments[0][0].x, ==, 100);       /* from a's output */
  g_assert_cmpfloat (path.segments[2][3].y, ==, 360);       /* to add's top */
  lane = strata_link_path_point (&path, 0.5);
  g_assert_cmpfloat (lane.x, >, 200);

  /* The detour is what gets hit, not the straight line through b. */
  links = g_ptr_array_ref (strata_graph_get_links (graph));
  hit = strata_graph_geometry_hit_test (geometry, links, lane.x + 2, lane.y, 4);
  g_assert_cmpint (hit.kind, ==, STRATA_HIT_LINK);
  g_assert_cmpstr (hit.link_src, ==, "a");
  g_assert_cmpstr (hit.node_id, ==, "add");
  g_assert_cmpuint (hit.port, ==, 1);
}

static void
test_free_spot (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  StrataRect on_dense = { 10, 130, 200, 64 };
  StrataRect free_place = { 0, 400, 200, 64 };
  StrataPoint p;
  StrataRect placed;
  g_autoptr(GPtrArray) hits = NULL;

  build (&graph, &geometry);
  /* Already free: unchanged. */
  p = strata_graph_geometry_find_free_spot (geometry, &free_place, 16);
  g_assert_cmpfloat (p.x, ==, 0);
  g_assert_cmpfloat (p.y, ==, 400);
  /* On top of dense: moved to the nearest place that overlaps nothing, with the spacing. */
  p = strata_graph_geometry_find_free_spot (geometry, &on_dense, 16);
  placed = (StrataRect) { p.x - 15, p.y - 15, 230, 94 };
  hits = strata_graph_geometry_box_select (geometry, &placed);
  g_assert_cmpuint (hits->len, ==, 0);
  g_assert_cmpfloat (hypot (p.x - on_dense.x, p.y - on_dense.y), <, 300);
}

static void
test_box_select (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  StrataRect band, bounds;

  build (&graph, &geometry);

  /* Dragged up and to the left: the corners are normalised. */
  band = strata_rect_from_corners (250, 200, 20, 100);
  g_assert_cmpfloat (band.x, ==, 20);
  g_assert_cmpfloat (band.width, ==, 230);
  ids = strata_graph_geometry_box_select (geometry, &band);
  /* touches dense (y 120..184) and output (y 240..) no; input (0..64) no */
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "dense");
  g_clear_pointer (&ids, g_ptr_array_unref);

  band = strata_rect_from_corners (-10, -10, 1000, 130);
  ids = strata_graph_geometry_box_select (geometry, &band);
  g_assert_cmpuint (ids->len, ==, 3);   /* input, dense, dense_1 */
  g_clear_pointer (&ids, g_ptr_array_unref);

  band = strata_rect_from_corners (210, 0, 290, 400);
  ids = strata_graph_geometry_box_select (geometry, &band);
  g_assert_cmpuint (ids->len, ==, 0);

  g_assert_true (strata_graph_geometry_get_bounds (geometry, &bounds));
  g_assert_cmpfloat (bounds.width, ==, 500);
  g_assert_cmpfloat (bounds.height, ==, 304);
}

static void
test_neighbours (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  g_autofree char *below = NULL, *above = NULL, *right = NULL, *none = NULL;

  build (&graph, &geometry);
  below = strata_graph_geometry_dup_neighbour (geometry, "dense", 0, 1);
  above = strata_graph_geometry_dup_neighbour (geometry, "dense", 0, -1);
  right = strata_graph_geometry_dup_neighbour (geometry, "dense", 1, 0);
  none = strata_graph_geometry_dup_neighbour (geometry, "dense", -1, 0);
  g_assert_cmpstr (below, ==, "output");
  g_assert_cmpstr (above, ==, "input");
  g_assert_cmpstr (right, ==, "dense_1");
  g_assert_null (none);
}

static void
test_link_drag_from_output (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  g_autoptr(StrataLinkDrag) drag = NULL;
  g_autoptr(GError) error = NULL;
  StrataLinkEnds ends;
  StrataHit hit = { 0 };

  build (&graph, &geometry);
  drag = strata_link_drag_new (graph, "dense_1", STRATA_PORT_OUTPUT, 0);
  g_assert_null (drag->detached_dst);

  /* Valid: a free input, and an occupied one (the new link replaces the old). */
  g_assert_true (strata_link_drag_accepts (drag, graph, "output", STRATA_PORT_INPUT, 0, &ends,
                                           NULL));
  g_assert_cmpstr (ends.src, ==, "dense_1");
  g_assert_cmpstr (ends.dst, ==, "output");
  /* Invalid: output to output, into itself, a port that doesn't exist. */
  g_assert_false (strata_link_drag_accepts (drag, graph, "dense", STRATA_PORT_OUTPUT, 0, NULL,
                                            &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK);
  g_clear_error (&error);
  g_assert_false (strata_link_drag_accepts (drag, graph, "dense_1", STRATA_PORT_INPUT, 0, NULL,
                                            NULL));
  g_assert_false (strata_link_drag_accepts (drag, graph, "dense", STRATA_PORT_INPUT, 3, NULL,
                                            NULL));

  /* A loop: dense → dense_1 exists, so dense_1's output can't feed dense. */
  g_assert_true (strata_graph_connect (graph, "dense", "dense_1", 0, NULL));
  g_assert_false (strata_link_drag_accepts (drag, graph, "dense", STRATA_PORT_INPUT, 0, NULL,
                                            &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK);

  /* Released on empty canvas: add a node below, joined to dense_1. */
  hit.kind = STRATA_HIT_NONE;
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_ADD_NODE);
  g_assert_cmpstr (ends.src, ==, "dense_1");
  g_assert_null (ends.dst);

  /* Released on a node's body: its first input. */
  hit = (StrataHit) { STRATA_HIT_NODE, "output", STRATA_PORT_INPUT, 0, NULL };
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_CONNECT);
  g_assert_cmpstr (ends.dst, ==, "output");
  g_assert_cmpuint (ends.port, ==, 0);
}

static void
test_link_drag_detach (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  g_autoptr(StrataLinkDrag) drag = NULL;
  StrataLinkEnds ends;
  StrataHit hit;

  build (&graph, &geometry);
  /* Grabbing dense's linked input picks up the link input → dense by that end. */
  drag = strata_link_drag_new (graph, "dense", STRATA_PORT_INPUT, 0);
  g_assert_cmpstr (drag->node_id, ==, "input");
  g_assert_cmpint (drag->direction, ==, STRATA_PORT_OUTPUT);
  g_assert_cmpstr (drag->detached_dst, ==, "dense");

  /* Let go on empty canvas: the link is removed. */
  hit = (StrataHit) { STRATA_HIT_NONE, NULL, STRATA_PORT_INPUT, 0, NULL };
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_DETACH);
  g_assert_cmpstr (ends.src, ==, "input");
  g_assert_cmpstr (ends.dst, ==, "dense");

  /* Put back where it was: nothing to do. */
  hit = (StrataHit) { STRATA_HIT_PORT, "dense", STRATA_PORT_INPUT, 0, NULL };
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_NOTHING);

  /* Moved to dense_1's input: connect there (the caller removes the old one). */
  hit = (StrataHit) { STRATA_HIT_PORT, "dense_1", STRATA_PORT_INPUT, 0, NULL };
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_CONNECT);
  g_assert_cmpstr (ends.src, ==, "input");
  g_assert_cmpstr (ends.dst, ==, "dense_1");

  /* Dropped on an output: rejected, the link stays. */
  hit = (StrataHit) { STRATA_HIT_PORT, "dense_1", STRATA_PORT_OUTPUT, 0, NULL };
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_NOTHING);
}

static void
test_link_drag_from_free_input (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataGraphGeometry) geometry = NULL;
  g_autoptr(StrataLinkDrag) drag = NULL;
  StrataLinkEnds ends;
  StrataHit hit;

  build (&graph, &geometry);
  drag = strata_link_drag_new (graph, "dense_1", STRATA_PORT_INPUT, 0);
  g_assert_null (drag->detached_dst);
  g_assert_cmpint (drag->direction, ==, STRATA_PORT_INPUT);
  g_assert_true (strata_link_drag_accepts (drag, graph, "input", STRATA_PORT_OUTPUT, 0, &ends,
                                           NULL));
  g_assert_cmpstr (ends.src, ==, "input");
  g_assert_cmpstr (ends.dst, ==, "dense_1");
  /* The Output has no output. */
  g_assert_false (strata_link_drag_accepts (drag, graph, "output", STRATA_PORT_OUTPUT, 0, NULL,
                                            NULL));

  hit = (StrataHit) { STRATA_HIT_NONE, NULL, STRATA_PORT_INPUT, 0, NULL };
  g_assert_cmpint (strata_link_drag_resolve (drag, graph, &hit, &ends), ==,
                   STRATA_LINK_DROP_ADD_NODE);
  g_assert_null (ends.src);
  g_assert_cmpstr (ends.dst, ==, "dense_1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-editor/geometry/ports", test_port_positions);
  g_test_add_func ("/graph-editor/geometry/hit-test", test_hit_test);
  g_test_add_func ("/graph-editor/geometry/curve-distance", test_curve_distance);
  g_test_add_func ("/graph-editor/geometry/box-select", test_box_select);
  g_test_add_func ("/graph-editor/geometry/link-detours", test_link_detours);
  g_test_add_func ("/graph-editor/geometry/free-spot", test_free_spot);
  g_test_add_func ("/graph-editor/geometry/neighbours", test_neighbours);
  g_test_add_func ("/graph-editor/link-drag/from-output", test_link_drag_from_output);
  g_test_add_func ("/graph-editor/link-drag/detach", test_link_drag_detach);
  g_test_add_func ("/graph-editor/link-drag/from-free-input", test_link_drag_from_free_input);
  return g_test_run ();
}
