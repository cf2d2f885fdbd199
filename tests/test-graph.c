/* test-graph.c: graph IR, validation, shape inference, JSON
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-graph.h"

static void
add (StrataGraph *graph,
     const char  *type,
     const char  *id,
     const char  *after)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strata_graph_add_node (graph, type, id, &error));
  g_assert_no_error (error);
  if (after)
    {
      g_assert_true (strata_graph_connect (graph, after, id, 0, &error));
      g_assert_no_error (error);
    }
}

static void
set (StrataGraph *graph,
     const char  *id,
     const char  *name,
     const char  *text)
{
  g_autoptr(GError) error = NULL;
  const StrataOpInfo *op = strata_node_get_op (strata_graph_get_node (graph, id));
  const StrataParamSpec *spec = strata_op_find_param (op, name);
  g_autoptr(GVariant) value = g_variant_parse (strata_param_spec_get_variant_type (spec), text,
                                               NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (strata_graph_set_param (graph, id, name, value, &error));
  g_assert_no_error (error);
}

/* The Keras-tutorial CNN of the example project. */
static StrataGraph *
build_example (void)
{
  StrataGraph *graph = strata_graph_new ();

  add (graph, "Input", "input", NULL);
  add (graph, "Conv2D", "conv2d", "input");
  add (graph, "Conv2D", "conv2d_1", "conv2d");
  set (graph, "conv2d_1", "filters", "64");
  add (graph, "MaxPooling2D", "max_pooling2d", "conv2d_1");
  add (graph, "Dropout", "dropout", "max_pooling2d");
  set (graph, "dropout", "rate", "0.25");
  add (graph, "Flatten", "flatten", "dropout");
  add (graph, "Dense", "dense", "flatten");
  add (graph, "Dropout", "dropout_1", "dense");
  add (graph, "Dense", "dense_1", "dropout_1");
  set (graph, "dense_1", "units", "10");
  set (graph, "dense_1", "activation", "'softmax'");
  add (graph, "Output", "output", "dense_1");
  return graph;
}

static void
assert_shape (StrataGraph *graph,
              const char  *id,
              const char  *expected)
{
  StrataShape shape;
  g_autofree char *text = NULL;

  g_assert_true (strata_graph_get_output_shape (graph, id, &shape));
  text = strata_shape_to_string (&shape);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_example_shapes (void)
{
  g_autoptr(StrataGraph) graph = build_example ();
  g_autoptr(GError) error = NULL;
  gint64 trainable, frozen;

  g_assert_true (strata_graph_validate (graph, &error));
  g_assert_no_error (error);
  assert_shape (graph, "input", "(None, 28, 28, 1)");
  assert_shape (graph, "conv2d", "(None, 26, 26, 32)");
  assert_shape (graph, "conv2d_1", "(None, 24, 24, 64)");
  assert_shape (graph, "max_pooling2d", "(None, 12, 12, 64)");
  assert_shape (graph, "flatten", "(None, 9216)");
  assert_shape (graph, "dense_1", "(None, 10)");

  /* The same counts as Keras' model.summary() for this network. */
  strata_graph_get_total_params (graph, &trainable, &frozen);
  g_assert_cmpint (trainable, ==, 320 + 18496 + 1179776 + 1290);
  g_assert_cmpint (frozen, ==, 0);

  strata_graph_set_trainable (graph, "dense", FALSE);
  strata_graph_get_param_counts (graph, "dense", &trainable, &frozen);
  g_assert_cmpint (trainable, ==, 0);
  g_assert_cmpint (frozen, ==, 1179776);
}

static void
test_keras_ids (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  const char *types[] = { "Conv2D", "Conv2D", "BatchNormalization", "MaxPooling2D",
                          "GlobalAveragePooling2D", "DepthwiseConv2D", "ZeroPadding2D" };
  const char *ids[] = { "conv2d", "conv2d_1", "batch_normalization", "max_pooling2d",
                        "global_average_pooling2d", "depthwise_conv2d", "zero_padding2d" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      StrataNode *node = strata_graph_add_node (graph, types[i], NULL, NULL);
      g_assert_cmpstr (strata_node_get_id (node), ==, ids[i]);
    }
}

static void
test_errors_name_the_problem (void)
{
  g_autoptr(StrataGraph) graph = build_example ();
  g_autoptr(GError) error = NULL;
  const char *message;

  /* A Dense straight after the convolutions needs a Flatten. */
  g_assert_true (strata_graph_connect (graph, "conv2d_1", "dense", 0, NULL));
  g_assert_false (strata_graph_validate (graph, &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID);
  message = strata_graph_get_node_error (graph, "dense");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Flatten"));
  /* Downstream layers have no shape but no error of their own. */
  g_assert_null (strata_graph_get_node_error (graph, "dense_1"));
  /* The now-dangling max pooling says its output goes nowhere. */
  g_assert_nonnull (strata_graph_get_node_error (graph, "flatten"));

  g_assert_true (strata_graph_connect (graph, "flatten", "dense", 0, NULL));
  g_clear_error (&error);
  g_assert_true (strata_graph_validate (graph, &error));

  /* A class count that does not match the scores. */
  set (graph, "output", "classes", "['a', 'b', 'c']");
  message = strata_graph_get_node_error (graph, "output");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "3 classes"));
}

static void
test_links (void)
{
  g_autoptr(StrataGraph) graph = build_example ();
  g_autoptr(GError) error = NULL;

  /* Loops are refused. */
  g_assert_false (strata_graph_connect (graph, "dense", "conv2d", 0, &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK);
  g_clear_error (&error);
  /* The Output has no output port. */
  g_assert_false (strata_graph_can_connect (graph, "output", "dense", 0, &error));
  g_clear_error (&error);
  /* An input takes one link: connecting replaces. */
  g_assert_true (strata_graph_connect (graph, "conv2d", "max_pooling2d", 0, &error));
  g_assert_cmpstr (strata_graph_get_input (graph, "max_pooling2d", 0), ==, "conv2d");
  assert_shape (graph, "flatten", "(None, 5408)");
  /* Removing a node removes its links. */
  g_assert_true (strata_graph_remove_node (graph, "dropout"));
  g_assert_null (strata_graph_get_input (graph, "flatten", 0));
  g_assert_false (strata_graph_validate (graph, NULL));
}

static void
test_merge_layers (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GError) error = NULL;

  add (graph, "Input", "input", NULL);
  add (graph, "Conv2D", "a", "input");
  set (graph, "a", "padding", "'same'");
  add (graph, "Conv2D", "b", "input");
  set (graph, "b", "padding", "'same'");
  add (graph, "Add", "add", NULL);
  g_assert_true (strata_graph_connect (graph, "a", "add", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "b", "add", 1, NULL));
  assert_shape (graph, "add", "(None, 28, 28, 32)");
  set (graph, "b", "filters", "16");
  g_assert_nonnull (strata_graph_get_node_error (graph, "add"));

  add (graph, "Concatenate", "cat", NULL);
  g_assert_true (strata_graph_set_n_inputs (graph, "cat", 3, &error));
  g_assert_true (strata_graph_connect (graph, "a", "cat", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "b", "cat", 1, NULL));
  g_assert_true (strata_graph_connect (graph, "input", "cat", 2, NULL));
  assert_shape (graph, "cat", "(None, 28, 28, 49)");
  g_assert_true (strata_graph_set_n_inputs (graph, "cat", 2, &error));
  assert_shape (graph, "cat", "(None, 28, 28, 48)");
}

static void
test_params_checked (void)
{
  g_autoptr(StrataGraph) graph = build_example ();
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_graph_set_param (graph, "dense", "units", g_variant_new_int32 (0),
                                          &error));
  g_assert_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_BAD_PARAM);
  g_clear_error (&error);
  g_assert_false (strata_graph_set_param (graph, "dense", "activation",
                                          g_variant_new_string ("bogus"), &error));
  g_clear_error (&error);
  g_assert_false (strata_graph_set_param (graph, "dense", "units", g_variant_new_string ("8"),
                                          &error));
  g_clear_error (&error);
  g_assert_false (strata_graph_set_param (graph, "dense", "nope", g_variant_new_int32 (1),
                                          &error));
  g_assert_cmpint (strata_node_get_int (strata_graph_get_node (graph, "dense"), "units"), ==, 128);
}

static void
test_json_roundtrip (void)
{
  g_autoptr(StrataGraph) graph = build_example ();
  g_autoptr(StrataGraph) copy = NULL;
  g_autoptr(JsonNode) json = NULL, json2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL;

  strata_graph_set_position (graph, "dense", 10.5, -3);
  json = strata_graph_to_json (graph);
  copy = strata_graph_new_from_json (json, &error);
  g_assert_no_error (error);
  json2 = strata_graph_to_json (copy);
  a = json_to_string (json, FALSE);
  b = json_to_string (json2, FALSE);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (strata_graph_validate (copy, NULL));
}

static void
test_bad_json (void)
{
  const char *cases[][2] = {
    { "[]", "not a JSON object" },
    { "{}", "no list of layers" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Conv3D\"}]}", "Conv3D" },
    { "{\"nodes\": [{\"id\": \"x\"}]}", "no “id” or no “type”" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Dense\", \"params\": {\"units\": \"9\"}}]}",
      "wrong type" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Dense\", \"params\": {\"units\": -4}}]}",
      "between" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Dense\", \"params\": {\"bogus\": 1}}]}",
      "bogus" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Dense\"}, {\"id\": \"x\", \"type\": \"Dense\"}]}",
      "already" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Dense\"}], \"links\": [{\"from\": \"x\", "
      "\"to\": \"x\", \"port\": 0}]}", "loop" },
    { "{\"nodes\": [{\"id\": \"x\", \"type\": \"Dense\"}], \"links\": [{\"from\": \"y\", "
      "\"to\": \"x\"}]}", "no layer named" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) json = json_from_string (cases[i][0], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataGraph) graph = strata_graph_new_from_json (json, &error);

      if (graph != NULL)
        g_error ("case %u was accepted", i);
      g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_PARSE);
      if (strstr (error->message, cases[i][1]) == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, error->message, cases[i][1]);
    }
}

static void
count_signal (StrataGraph *graph,
              gpointer     user_data)
{
  (*(int *) user_data)++;
}

static void
test_signals (void)
{
  g_autoptr(StrataGraph) graph = build_example ();
  int changed = 0;

  g_signal_connect (graph, "changed", G_CALLBACK (count_signal), &changed);
  set (graph, "dense", "units", "64");
  set (graph, "dense", "units", "64");   /* no change, no signal */
  strata_graph_set_position (graph, "dense", 5, 5);   /* layout only */
  g_assert_cmpint (changed, ==, 1);
  assert_shape (graph, "dense", "(None, 64)");
}

/* Input → Flatten → Dense → n Dropouts → Output, linked from the end back to the start: the
 * order in which a loop check that searches forward only walks the whole chain per link. */
static StrataGraph *
build_chain (guint n)
{
  StrataGraph *graph = strata_graph_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  add (graph, "Input", "input", NULL);
  add (graph, "Flatten", "flatten", NULL);
  add (graph, "Dense", "dense", NULL);
  set (graph, "dense", "units", "10");
  set (graph, "dense", "activation", "'softmax'");
  g_ptr_array_add (ids, g_strdup ("input"));
  g_ptr_array_add (ids, g_strdup ("flatten"));
  g_ptr_array_add (ids, g_strdup ("dense"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("drop_%u", i);

      add (graph, "Dropout", id, NULL);
      g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  add (graph, "Output", "output", NULL);
  g_ptr_array_add (ids, g_strdup ("output"));
  for (guint i = ids->len - 1; i > 0; i--)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (strata_graph_connect (graph, g_ptr_array_index (ids, i - 1),
                                           g_ptr_array_index (ids, i), 0, &error));
      g_assert_no_error (error);
    }
  return graph;
}

/* A model of 200 000 layers is analysed, edited and saved in time linear in its size (each
 * of these scanned every link per layer, which took hours); the answers stay right. */
static void
test_large_graph (void)
{
  const guint n = 200000;
  g_autoptr(StrataGraph) graph = build_chain (n);
  g_autoptr(StrataGraph) copy = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GPtrArray) consumers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = g_strdup_printf ("drop_%u", n - 1);

  g_assert_cmpuint (strata_graph_get_n_nodes (graph), ==, n + 4);
  g_assert_cmpuint (strata_graph_get_links (graph)->len, ==, n + 3);
  g_assert_true (strata_graph_validate (graph, &error));
  g_assert_no_error (error);
  assert_shape (graph, last, "(None, 10)");
  order = strata_graph_dup_topo_order (graph, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (order->len, ==, n + 4);
  g_assert_cmpstr (strata_node_get_id (g_ptr_array_index (order, 0)), ==, "input");
  g_assert_cmpstr (strata_node_get_id (g_ptr_array_index (order, 3)), ==, "drop_0");
  g_assert_cmpstr (strata_node_get_id (g_ptr_array_index (order, n + 3)), ==, "output");
  consumers = strata_graph_dup_consumers (graph, "dense");
  g_assert_cmpuint (consumers->len, ==, 1);
  g_assert_cmpstr (((StrataLink *) g_ptr_array_index (consumers, 0))->dst, ==, "drop_0");

  /* a loop from the end to the start is found, however long the way round */
  g_assert_false (strata_graph_connect (graph, last, "flatten", 0, &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK);
  g_clear_error (&error);

  /* a round trip through JSON, which links in the file's order (from the end back) and
   * checks every link for a loop; json-glib itself takes seconds for 200 000 layers, so
   * fewer here: the search that walked the chain for every link would still take hours */
  {
    g_autoptr(StrataGraph) chain = build_chain (20000);

    copy = strata_graph_copy (chain);
    g_assert_cmpuint (strata_graph_get_n_nodes (copy), ==, 20000 + 4);
    g_assert_cmpuint (strata_graph_get_links (copy)->len, ==, 20000 + 3);
    g_assert_true (strata_graph_validate (copy, &error));
    g_assert_no_error (error);
  }

  /* delete every other Dropout, bridging each gap, then every one left */
  for (guint i = 1; i < n; i += 2)
    {
      g_autofree char *id = g_strdup_printf ("drop_%u", i);
      g_autofree char *before = g_strdup_printf ("drop_%u", i - 1);
      g_autofree char *after = i + 1 < n ? g_strdup_printf ("drop_%u", i + 1)
                                         : g_strdup ("output");

      g_assert_true (strata_graph_remove_node (graph, id));
      g_assert_null (strata_graph_get_input (graph, after, 0));
      g_assert_true (strata_graph_connect (graph, before, after, 0, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (strata_graph_get_n_nodes (graph), ==, n / 2 + 4);
  g_assert_cmpuint (strata_graph_get_links (graph)->len, ==, n / 2 + 3);
  g_assert_true (strata_graph_validate (graph, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i += 2)
    {
      g_autofree char *id = g_strdup_printf ("drop_%u", i);

      g_assert_true (strata_graph_remove_node (graph, id));
    }
  g_assert_cmpuint (strata_graph_get_n_nodes (graph), ==, 4);
  g_assert_cmpuint (strata_graph_get_links (graph)->len, ==, 2);
  g_assert_false (strata_graph_validate (graph, &error));
  g_assert_nonnull (strstr (error->message, "“dense”"));
  g_clear_error (&error);
  g_assert_true (strata_graph_connect (graph, "dense", "output", 0, &error));
  g_assert_true (strata_graph_validate (graph, &error));
  g_assert_no_error (error);
}

/* The links as the graph lists them, against what it answers per node. */
static void
check_index (StrataGraph *graph)
{
  GPtrArray *links = strata_graph_get_links (graph);

  for (guint i = 0; i < strata_graph_get_n_nodes (graph); i++)
    {
      const char *id = strata_node_get_id (strata_graph_get_nth_node (graph, i));
      g_autoptr(GPtrArray) consumers = strata_graph_dup_consumers (graph, id);
      guint n_out = 0;

      g_assert_true (strata_graph_get_node (graph, id) == strata_graph_get_nth_node (graph, i));
      for (guint port = 0; port < 4; port++)
        {
          const char *src = NULL;

          for (guint k = 0; k < links->len; k++)
            {
              StrataLink *link = g_ptr_array_index (links, k);
              if (g_str_equal (link->dst, id) && link->port == port)
                {
                  g_assert_null (src);
                  src = link->src;
                }
            }
          g_assert_cmpstr (strata_graph_get_input (graph, id, port), ==, src);
        }
      /* the consumers in the order of the list */
      for (guint k = 0; k < links->len; k++)
        {
          StrataLink *link = g_ptr_array_index (links, k);

          g_assert_nonnull (strata_graph_get_node (graph, link->src));
          g_assert_nonnull (strata_graph_get_node (graph, link->dst));
          if (g_str_equal (link->src, id))
            {
              g_assert_cmpuint (n_out, <, consumers->len);
              g_assert_true (g_ptr_array_index (consumers, n_out) == link);
              n_out++;
            }
        }
      g_assert_cmpuint (n_out, ==, consumers->len);
    }
}

/* Every edit keeps the per-node index of links true: random edits, checked after each. */
static void
test_index_consistent (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint made = 0;

  for (guint step = 0; step < 600; step++)
    {
      guint n = strata_graph_get_n_nodes (graph);
      guint what = g_rand_int_range (rand, 0, 10);

      if (n < 3 || what < 3)
        {
          g_autofree char *id = g_strdup_printf ("n%u", made++);

          add (graph, made % 3 == 0 ? "Add" : "Dropout", id, NULL);
          if (made % 3 == 0)
            g_assert_true (strata_graph_set_n_inputs (graph, id, 4, NULL));
        }
      else if (what < 7)
        {
          const char *src = strata_node_get_id (strata_graph_get_nth_node (
                                                  graph, g_rand_int_range (rand, 0, n)));
          StrataNode *dst = strata_graph_get_nth_node (graph, g_rand_int_range (rand, 0, n));
          guint port = g_rand_int_range (rand, 0, strata_node_get_n_inputs (dst));

          /* refused when it would make a loop; the index must not change then */
          strata_graph_connect (graph, src, strata_node_get_id (dst), port, NULL);
        }
      else if (what == 7)
        {
          StrataNode *dst = strata_graph_get_nth_node (graph, g_rand_int_range (rand, 0, n));

          strata_graph_disconnect (graph, strata_node_get_id (dst),
                                   g_rand_int_range (rand, 0, 4));
        }
      else if (what == 8)
        {
          g_autofree char *id = g_strdup (strata_node_get_id (strata_graph_get_nth_node (
                                            graph, g_rand_int_range (rand, 0, n))));

          g_assert_true (strata_graph_remove_node (graph, id));
        }
      else
        {
          StrataNode *node = strata_graph_get_nth_node (graph, g_rand_int_range (rand, 0, n));
          g_autofree char *id = g_strdup (strata_node_get_id (node));
          g_autofree char *new_id = g_strdup_printf ("r%u", made++);

          if (g_str_equal (strata_node_get_type_name (node), "Add"))
            g_assert_true (strata_graph_set_n_inputs (graph, id,
                                                      g_rand_int_range (rand, 2, 5), NULL));
          else
            g_assert_true (strata_graph_rename_node (graph, id, new_id, NULL));
        }
      check_index (graph);
      /* never a loop, whatever was refused */
      {
        g_autoptr(GPtrArray) order = strata_graph_dup_topo_order (graph, NULL);

        g_assert_nonnull (order);
        g_assert_cmpuint (order->len, ==, strata_graph_get_n_nodes (graph));
      }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph/example-shapes", test_example_shapes);
  g_test_add_func ("/graph/keras-ids", test_keras_ids);
  g_test_add_func ("/graph/errors", test_errors_name_the_problem);
  g_test_add_func ("/graph/links", test_links);
  g_test_add_func ("/graph/merge", test_merge_layers);
  g_test_add_func ("/graph/params-checked", test_params_checked);
  g_test_add_func ("/graph/json-roundtrip", test_json_roundtrip);
  g_test_add_func ("/graph/bad-json", test_bad_json);
  g_test_add_func ("/graph/signals", test_signals);
  g_test_add_func ("/graph/large", test_large_graph);
  g_test_add_func ("/graph/index-consistent", test_index_consistent);
  return g_test_run ();
}
