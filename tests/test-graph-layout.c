/* test-graph-layout.c: the automatic top-to-bottom layout
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "strata-graph-layout.h"

static void
add (StrataGraph *graph,
     const char  *type,
     const char  *id,
     const char  *after)
{
  g_assert_nonnull (strata_graph_add_node (graph, type, id, NULL));
  if (after)
    g_assert_true (strata_graph_connect (graph, after, id, 0, NULL));
}

static void
size_of (const char *id,
         double     *width,
         double     *height,
         gpointer    user_data)
{
  /* Different sizes, to check that gaps use them. */
  *width = g_str_has_prefix (id, "wide") ? 320 : 200;
  *height = 60;
}

static StrataPoint
pos (GHashTable *positions,
     const char *id)
{
  StrataPoint *p = g_hash_table_lookup (positions, id);
  g_assert_nonnull (p);
  return *p;
}

static double
center_x (GHashTable *positions,
          const char *id)
{
  double w, h;
  size_of (id, &w, &h, NULL);
  return pos (positions, id).x + w / 2;
}

/* No two nodes overlap, with room for the gap. */
static void
assert_no_overlap (StrataGraph *graph,
                   GHashTable  *positions)
{
  guint n = strata_graph_get_n_nodes (graph);

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        const char *a = strata_node_get_id (strata_graph_get_nth_node (graph, i));
        const char *b = strata_node_get_id (strata_graph_get_nth_node (graph, j));
        double wa, wb, h;
        StrataRect ra, rb;

        size_of (a, &wa, &h, NULL);
        size_of (b, &wb, &h, NULL);
        ra = (StrataRect) { pos (positions, a).x - 1, pos (positions, a).y, wa + 2, h };
        rb = (StrataRect) { pos (positions, b).x, pos (positions, b).y, wb, h };
        g_assert_false (strata_rect_intersects (&ra, &rb));
      }
}

static void
test_chain (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GHashTable) positions = NULL;

  add (graph, "Input", "input", NULL);
  add (graph, "Conv2D", "wide_conv", "input");
  add (graph, "Flatten", "flatten", "wide_conv");
  add (graph, "Dense", "dense", "flatten");
  add (graph, "Output", "output", "dense");

  positions = strata_graph_layout_compute (graph, size_of, NULL);
  g_assert_cmpuint (g_hash_table_size (positions), ==, 5);
  /* One column, centres aligned, top to bottom with the gap, starting at the origin. */
  g_assert_cmpfloat (pos (positions, "input").y, ==, 0);
  g_assert_cmpfloat (pos (positions, "wide_conv").y, ==, 60 + STRATA_LAYOUT_LAYER_GAP);
  g_assert_cmpfloat (pos (positions, "output").y, ==, 4 * (60 + STRATA_LAYOUT_LAYER_GAP));
  g_assert_cmpfloat (pos (positions, "wide_conv").x, ==, 0);
  g_assert_cmpfloat (center_x (positions, "input"), ==, center_x (positions, "wide_conv"));
  g_assert_cmpfloat (center_x (positions, "output"), ==, center_x (positions, "wide_conv"));
}

/* A residual block: input → a → b → add, and input → add directly. */
static void
test_residual (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GHashTable) positions = NULL;

  add (graph, "Input", "input", NULL);
  add (graph, "Conv2D", "a", "input");
  add (graph, "Conv2D", "b", "a");
  add (graph, "Add", "add", "b");
  add (graph, "Output", "output", NULL);
  g_assert_true (strata_graph_connect (graph, "input", "add", 1, NULL));
  g_assert_true (strata_graph_connect (graph, "add", "output", 0, NULL));

  positions = strata_graph_layout_compute (graph, size_of, NULL);
  /* Layers by longest path: the skip link does not pull add up. */
  g_assert_cmpfloat (pos (positions, "add").y, >, pos (positions, "b").y);
  g_assert_cmpfloat (pos (positions, "b").y, >, pos (positions, "a").y);
  /* The main path stays a nearly straight column; the skip link only pulls a little. */
  g_assert_cmpfloat (fabs (center_x (positions, "input") - center_x (positions, "a")), <=, 20);
  g_assert_cmpfloat (fabs (center_x (positions, "a") - center_x (positions, "b")), <, 1);
  g_assert_cmpfloat (fabs (center_x (positions, "add") - center_x (positions, "output")), <, 1);
  g_assert_cmpuint (strata_graph_layout_count_crossings (graph, positions, size_of, NULL), ==, 0);
  assert_no_overlap (graph, positions);
}

/* Two branches into a Concatenate, declared in the order that crosses. */
static void
test_branches_uncrossed (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GHashTable) positions = NULL;

  add (graph, "Input", "input", NULL);
  add (graph, "Conv2D", "right", "input");
  add (graph, "Conv2D", "wide_left", "input");
  add (graph, "Concatenate", "concat", NULL);
  add (graph, "MaxPooling2D", "pool_right", "right");
  add (graph, "MaxPooling2D", "pool_left", "wide_left");
  g_assert_true (strata_graph_connect (graph, "pool_left", "concat", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "pool_right", "concat", 1, NULL));
  add (graph, "Flatten", "flatten", "concat");

  positions = strata_graph_layout_compute (graph, size_of, NULL);
  g_assert_cmpuint (strata_graph_layout_count_crossings (graph, positions, size_of, NULL), ==, 0);
  /* Port 0 is on the left, so its branch is too. */
  g_assert_cmpfloat (center_x (positions, "pool_left"), <, center_x (positions, "pool_right"));
  g_assert_cmpfloat (pos (positions, "wide_left").y, ==, pos (positions, "right").y);
  assert_no_overlap (graph, positions);
  /* Concat sits between its inputs. */
  g_assert_cmpfloat (center_x (positions, "concat"), >, center_x (positions, "pool_left"));
  g_assert_cmpfloat (center_x (positions, "concat"), <, center_x (positions, "pool_right"));
}

/* Unconnected nodes, a source feeding a deep layer, and determinism. */
static void
test_loose_and_deterministic (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GHashTable) first = NULL;
  g_autoptr(GHashTable) second = NULL;
  GHashTableIter iter;
  gpointer key, value;

  add (graph, "Input", "input", NULL);
  add (graph, "Conv2D", "c1", "input");
  add (graph, "Conv2D", "c2", "c1");
  add (graph, "Conv2D", "c3", "c2");
  add (graph, "Add", "add", "c3");
  add (graph, "Input", "side", NULL);
  g_assert_true (strata_graph_connect (graph, "side", "add", 1, NULL));
  add (graph, "Dense", "loose", NULL);
  add (graph, "Dropout", "loose_2", NULL);

  first = strata_graph_layout_compute (graph, size_of, NULL);
  second = strata_graph_layout_compute (graph, size_of, NULL);
  g_assert_cmpuint (g_hash_table_size (first), ==, 8);
  /* The second source sits right above the layer it feeds, not at the top. */
  g_assert_cmpfloat (pos (first, "side").y, ==, pos (first, "c3").y);
  assert_no_overlap (graph, first);
  g_hash_table_iter_init (&iter, first);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      StrataPoint *a = value;
      StrataPoint b = pos (second, key);
      g_assert_cmpfloat (a->x, ==, b.x);
      g_assert_cmpfloat (a->y, ==, b.y);
      g_assert_cmpfloat (a->x, >=, 0);
      g_assert_cmpfloat (a->x, ==, round (a->x));
    }
}

static void
test_empty_and_loop (void)
{
  g_autoptr(StrataGraph) empty = strata_graph_new ();
  g_autoptr(GHashTable) none = strata_graph_layout_compute (empty, NULL, NULL);
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GHashTable) positions = NULL;

  g_assert_cmpuint (g_hash_table_size (none), ==, 0);

  /* A loop can't be made through the graph's API; a lone node and the default size. */
  add (graph, "Dense", "a", NULL);
  positions = strata_graph_layout_compute (graph, NULL, NULL);
  g_assert_cmpfloat (pos (positions, "a").x, ==, 0);
  g_assert_cmpfloat (pos (positions, "a").y, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-editor/layout/chain", test_chain);
  g_test_add_func ("/graph-editor/layout/residual", test_residual);
  g_test_add_func ("/graph-editor/layout/branches-uncrossed", test_branches_uncrossed);
  g_test_add_func ("/graph-editor/layout/loose-and-deterministic", test_loose_and_deterministic);
  g_test_add_func ("/graph-editor/layout/empty", test_empty_and_loop);
  return g_test_run ();
}
