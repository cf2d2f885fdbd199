/* test-graph-clipboard.c: copying layers as JSON
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-graph-clipboard.h"

static void
test_roundtrip (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(StrataGraph) fragment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *ids[] = { "conv2d", "max_pooling2d", "add", NULL };
  StrataNode *node;
  double x, y;

  g_assert_nonnull (strata_graph_add_node (graph, "Input", "input", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Conv2D", "conv2d", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "MaxPooling2D", "max_pooling2d", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Add", "add", NULL));
  g_assert_true (strata_graph_set_n_inputs (graph, "add", 3, NULL));
  g_assert_true (strata_graph_connect (graph, "input", "conv2d", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "conv2d", "max_pooling2d", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "max_pooling2d", "add", 2, NULL));
  g_assert_true (strata_graph_connect (graph, "input", "add", 0, NULL));
  g_assert_true (strata_graph_set_param (graph, "conv2d", "filters", g_variant_new_int32 (48),
                                         NULL));
  strata_graph_set_trainable (graph, "conv2d", FALSE);
  strata_graph_set_position (graph, "conv2d", 12, 34);

  text = strata_graph_clipboard_serialize (graph, ids);
  g_assert_true (g_str_has_prefix (text, "{"));
  fragment = strata_graph_clipboard_parse (text, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (strata_graph_get_n_nodes (fragment), ==, 3);
  g_assert_null (strata_graph_get_node (fragment, "input"));
  node = strata_graph_get_node (fragment, "conv2d");
  g_assert_cmpint (strata_node_get_int (node, "filters"), ==, 48);
  g_assert_false (strata_node_get_trainable (node));
  strata_node_get_position (node, &x, &y);
  g_assert_cmpfloat (x, ==, 12);
  g_assert_cmpfloat (y, ==, 34);
  g_assert_cmpuint (strata_node_get_n_inputs (strata_graph_get_node (fragment, "add")), ==, 3);
  /* Internal links only. */
  g_assert_cmpuint (strata_graph_get_links (fragment)->len, ==, 2);
  g_assert_cmpstr (strata_graph_get_input (fragment, "add", 2), ==, "max_pooling2d");
  g_assert_null (strata_graph_get_input (fragment, "add", 0));
  g_assert_null (strata_graph_get_input (fragment, "conv2d", 0));
}

static void
test_rejects (void)
{
  g_autoptr(GError) error = NULL;
  const char *bad[] = {
    NULL, "", "not json", "[1, 2]", "{\"x\": 1}",
    "{\"nodes\": [{\"id\": \"a\", \"type\": \"Dense\", \"params\": {\"units\": -4}}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(StrataGraph) graph = strata_graph_clipboard_parse (bad[i], &error);
      g_assert_null (graph);
      g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_PARSE);
      g_clear_error (&error);
    }
}

static void
test_id_stem (void)
{
  const char *cases[][2] = {
    { "conv2d_3", "conv2d" }, { "conv2d", "conv2d" }, { "encoder", "encoder" },
    { "dense_12", "dense" }, { "_4", "_4" }, { "v2", "v2" }, { "a__1", "a_" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *stem = strata_graph_clipboard_id_stem (cases[i][0]);
      g_assert_cmpstr (stem, ==, cases[i][1]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-editor/clipboard/roundtrip", test_roundtrip);
  g_test_add_func ("/graph-editor/clipboard/rejects", test_rejects);
  g_test_add_func ("/graph-editor/clipboard/id-stem", test_id_stem);
  return g_test_run ();
}
