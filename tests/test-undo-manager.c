/* test-undo-manager.c: every edit undoes and redoes exactly, keyed by node ids
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-graph-clipboard.h"
#include "strata-undo-manager.h"

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

static void
append_sorted (GString   *out,
               JsonArray *array)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (items, json_to_string (json_array_get_element (array, i), FALSE));
  g_ptr_array_sort (items, compare_strings);
  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (items, i));
}

/* The graph as sorted text: undoing a delete adds the node back at the end of the list,
 * which changes nothing a user or the engine can see. */
static char *
graph_text (StrataGraph *graph)
{
  g_autoptr(JsonNode) json = strata_graph_to_json (graph);
  JsonObject *root = json_node_get_object (json);
  GString *out = g_string_new (NULL);

  append_sorted (out, json_object_get_array_member (root, "nodes"));
  append_sorted (out, json_object_get_array_member (root, "links"));
  return g_string_free (out, FALSE);
}

static void
assert_same_graph (StrataGraph *graph,
                   const char  *expected)
{
  g_autofree char *text = graph_text (graph);
  g_assert_cmpstr (text, ==, expected);
}

static StrataGraph *
build_chain (void)
{
  StrataGraph *graph = strata_graph_new ();

  g_assert_nonnull (strata_graph_add_node (graph, "Input", "input", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Flatten", "flatten", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Dense", "dense", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Output", "output", NULL));
  g_assert_true (strata_graph_connect (graph, "input", "flatten", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "flatten", "dense", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "dense", "output", 0, NULL));
  strata_graph_set_position (graph, "flatten", 0, 100);
  strata_graph_set_position (graph, "dense", 0, 200);
  strata_graph_set_position (graph, "output", 0, 300);
  return graph;
}

static void
test_add_remove (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autofree char *before = graph_text (graph);
  g_autofree char *after_add = NULL;
  const char *ids[] = { "dense", NULL };
  const char *id;
  double x, y;

  g_assert_false (strata_undo_manager_get_can_undo (undo));
  id = strata_undo_manager_add_node (undo, "Dense", 300, 40, NULL);
  g_assert_cmpstr (id, ==, "dense_1");
  strata_node_get_position (strata_graph_get_node (graph, "dense_1"), &x, &y);
  g_assert_cmpfloat (x, ==, 300);
  g_assert_cmpfloat (y, ==, 40);
  g_assert_true (strata_undo_manager_get_can_undo (undo));
  g_assert_cmpstr (strata_undo_manager_get_undo_label (undo), ==, "Add Layer");
  after_add = graph_text (graph);

  /* Deleting a node takes its links along; undo brings both back, in place. */
  g_assert_true (strata_graph_set_param (graph, "dense", "units", g_variant_new_int32 (64), NULL));
  {
    g_autofree char *with_units = graph_text (graph);
    g_assert_true (strata_undo_manager_remove_nodes (undo, ids));
    g_assert_null (strata_graph_get_node (graph, "dense"));
    g_assert_null (strata_graph_get_input (graph, "output", 0));
    g_assert_cmpuint (strata_graph_get_links (graph)->len, ==, 1);
    g_assert_true (strata_undo_manager_undo (undo));
    assert_same_graph (graph, with_units);
    g_assert_true (strata_undo_manager_redo (undo));
    g_assert_null (strata_graph_get_node (graph, "dense"));
    g_assert_true (strata_undo_manager_undo (undo));
    assert_same_graph (graph, with_units);
  }
  g_assert_true (strata_graph_set_param (graph, "dense", "units", g_variant_new_int32 (128), NULL));

  g_assert_true (strata_undo_manager_undo (undo));
  assert_same_graph (graph, before);
  g_assert_false (strata_undo_manager_get_can_undo (undo));
  g_assert_true (strata_undo_manager_redo (undo));
  assert_same_graph (graph, after_add);
  /* The delete is still there to redo. */
  g_assert_cmpstr (strata_undo_manager_get_redo_label (undo), ==, "Delete Layer");
  g_assert_null (strata_undo_manager_add_node (undo, "NoSuchLayer", 0, 0, NULL));
  g_assert_finalize_object (undo);
  g_steal_pointer (&undo);
}

static void
test_connect (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strata_undo_manager_add_node (undo, "Dense", 300, 100, NULL));

  /* Connecting into an occupied input replaces the link; undo restores the old one. */
  g_assert_true (strata_undo_manager_connect (undo, "dense_1", "output", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (strata_graph_get_input (graph, "output", 0), ==, "dense_1");
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_cmpstr (strata_graph_get_input (graph, "output", 0), ==, "dense");
  g_assert_true (strata_undo_manager_redo (undo));
  g_assert_cmpstr (strata_graph_get_input (graph, "output", 0), ==, "dense_1");

  /* A rejected link is not a step. */
  g_assert_false (strata_undo_manager_connect (undo, "output", "dense", 0, &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 2);

  /* Reconnecting what is already there is no step either. */
  g_assert_true (strata_undo_manager_connect (undo, "dense_1", "output", 0, NULL));
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 2);

  g_assert_true (strata_undo_manager_disconnect (undo, "output", 0));
  g_assert_null (strata_graph_get_input (graph, "output", 0));
  g_assert_false (strata_undo_manager_disconnect (undo, "output", 0));
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_cmpstr (strata_graph_get_input (graph, "output", 0), ==, "dense_1");
}

static void
test_move_is_one_step (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  const char *ids[] = { "flatten", "dense", NULL };
  StrataPoint from[] = { { 0, 100 }, { 0, 200 } };
  StrataPoint to[] = { { 50, 130 }, { 50, 230 } };
  double x, y;

  /* A drag moves the nodes live many times, then records once. */
  for (int i = 1; i <= 10; i++)
    {
      strata_graph_set_position (graph, "flatten", 5 * i, 100 + 3 * i);
      strata_graph_set_position (graph, "dense", 5 * i, 200 + 3 * i);
    }
  strata_undo_manager_move_nodes (undo, ids, from, to, FALSE);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
  g_assert_cmpstr (strata_undo_manager_get_undo_label (undo), ==, "Move");
  g_assert_true (strata_undo_manager_undo (undo));
  strata_node_get_position (strata_graph_get_node (graph, "dense"), &x, &y);
  g_assert_cmpfloat (x, ==, 0);
  g_assert_cmpfloat (y, ==, 200);
  g_assert_true (strata_undo_manager_redo (undo));
  strata_node_get_position (strata_graph_get_node (graph, "flatten"), &x, &y);
  g_assert_cmpfloat (x, ==, 50);
  g_assert_cmpfloat (y, ==, 130);

  /* A move that goes nowhere (a click) records nothing. */
  strata_undo_manager_move_nodes (undo, ids, to, to, FALSE);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
}

static void
test_nudges_merge (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  const char *ids[] = { "dense", NULL };
  double x, y;

  for (int i = 0; i < 5; i++)
    {
      StrataPoint from = { i * 10, 200 }, to = { (i + 1) * 10, 200 };
      strata_undo_manager_move_nodes (undo, ids, &from, &to, TRUE);
    }
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
  strata_node_get_position (strata_graph_get_node (graph, "dense"), &x, &y);
  g_assert_cmpfloat (x, ==, 50);
  g_assert_true (strata_undo_manager_undo (undo));
  strata_node_get_position (strata_graph_get_node (graph, "dense"), &x, &y);
  g_assert_cmpfloat (x, ==, 0);

  /* After an undo, the next nudge is a step of its own. */
  {
    StrataPoint from = { 0, 200 }, to = { 0, 210 };
    strata_undo_manager_move_nodes (undo, ids, &from, &to, TRUE);
    strata_undo_manager_move_nodes (undo, ids, &to, &(StrataPoint) { 0, 220 }, TRUE);
  }
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
  g_assert_false (strata_undo_manager_get_can_redo (undo));
}

static void
test_param_edits_merge (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autoptr(GError) error = NULL;
  StrataNode *dense = strata_graph_get_node (graph, "dense");

  /* Spinning Units from 128 up to 131 is one step… */
  for (int units = 129; units <= 131; units++)
    g_assert_true (strata_undo_manager_set_param (undo, "dense", "units",
                                                  g_variant_new_int32 (units), NULL));
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
  g_assert_cmpstr (strata_undo_manager_get_undo_label (undo), ==, "Change Units");

  /* …another parameter is another step… */
  g_assert_true (strata_undo_manager_set_param (undo, "dense", "activation",
                                                g_variant_new_string ("tanh"), NULL));
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 2);
  /* …and so is the same one after a break (the inspector moved to another row). */
  g_assert_true (strata_undo_manager_set_param (undo, "dense", "activation",
                                                g_variant_new_string ("relu"), NULL));
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 2);
  strata_undo_manager_break_merge (undo);
  g_assert_true (strata_undo_manager_set_param (undo, "dense", "activation",
                                                g_variant_new_string ("sigmoid"), NULL));
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 3);

  /* Out of range: refused by the graph, nothing recorded. */
  g_assert_false (strata_undo_manager_set_param (undo, "dense", "units",
                                                 g_variant_new_int32 (0), &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 3);

  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_cmpstr (strata_node_get_string (dense, "activation"), ==, "relu");
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_cmpstr (strata_node_get_string (dense, "activation"), ==, "relu");
  g_assert_cmpint (strata_node_get_int (dense, "units"), ==, 131);
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_cmpint (strata_node_get_int (dense, "units"), ==, 128);
}

static void
test_trainable_and_inputs (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  const char *add;

  strata_undo_manager_set_trainable (undo, "dense", FALSE);
  g_assert_false (strata_node_get_trainable (strata_graph_get_node (graph, "dense")));
  g_assert_cmpstr (strata_undo_manager_get_undo_label (undo), ==, "Freeze Layer");
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_true (strata_node_get_trainable (strata_graph_get_node (graph, "dense")));

  /* Fewer inputs on a merge layer drops the links to the ports that go, undoably. */
  add = strata_undo_manager_add_node (undo, "Add", 0, 0, NULL);
  g_assert_true (strata_undo_manager_set_n_inputs (undo, add, 3, NULL));
  g_assert_true (strata_undo_manager_connect (undo, "input", add, 2, NULL));
  g_assert_true (strata_undo_manager_set_n_inputs (undo, add, 2, NULL));
  g_assert_null (strata_graph_get_input (graph, add, 2));
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_cmpuint (strata_node_get_n_inputs (strata_graph_get_node (graph, add)), ==, 3);
  g_assert_cmpstr (strata_graph_get_input (graph, add, 2), ==, "input");
  g_assert_false (strata_undo_manager_set_n_inputs (undo, add, 1, NULL));
}

static void
on_renamed (StrataUndoManager *undo,
            const char        *old_id,
            const char        *new_id,
            GString           *log)
{
  g_string_append_printf (log, "%s>%s;", old_id, new_id);
}

static void
test_rename (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) log = g_string_new (NULL);

  g_signal_connect (undo, "node-renamed", G_CALLBACK (on_renamed), log);
  g_assert_true (strata_undo_manager_rename_node (undo, "dense", "classifier", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (strata_graph_get_input (graph, "output", 0), ==, "classifier");

  /* Later steps name the new id and still work after undo/redo of the rename. */
  g_assert_true (strata_undo_manager_set_param (undo, "classifier", "units",
                                                g_variant_new_int32 (10), NULL));
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_nonnull (strata_graph_get_node (graph, "dense"));
  g_assert_true (strata_undo_manager_redo (undo));
  g_assert_true (strata_undo_manager_redo (undo));
  g_assert_cmpint (strata_node_get_int (strata_graph_get_node (graph, "classifier"), "units"),
                   ==, 10);
  g_assert_cmpstr (log->str, ==, "dense>classifier;classifier>dense;dense>classifier;");

  /* Taken or malformed names are refused, with the graph's message. */
  g_assert_false (strata_undo_manager_rename_node (undo, "classifier", "input", &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (strata_undo_manager_rename_node (undo, "classifier", "has space", &error));
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 2);
}

static void
test_groups (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autofree char *before = graph_text (graph);
  const char *id;

  /* Dropping a link on empty canvas adds a node already connected: one step. */
  strata_undo_manager_begin_group (undo, "Add Layer");
  id = strata_undo_manager_add_node (undo, "Dropout", 0, 400, NULL);
  g_assert_true (strata_undo_manager_connect (undo, "dense", id, 0, NULL));
  g_assert_false (strata_undo_manager_undo (undo));   /* not while a group is open */
  strata_undo_manager_end_group (undo);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
  g_assert_true (strata_undo_manager_undo (undo));
  assert_same_graph (graph, before);

  /* An empty group leaves no step. */
  strata_undo_manager_begin_group (undo, "Nothing");
  strata_undo_manager_end_group (undo);
  g_assert_true (strata_undo_manager_get_can_redo (undo));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static gboolean
set_units (StrataUndoManager *undo,
           int                units)
{
  return strata_undo_manager_set_param (undo, "dense", "units", g_variant_new_int32 (units),
                                        NULL);
}

static void
test_modified (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  guint notified = 0;

  g_signal_connect (undo, "notify::modified", G_CALLBACK (count_notify), &notified);
  g_assert_false (strata_undo_manager_get_modified (undo));

  g_assert_true (set_units (undo, 64));
  g_assert_true (strata_undo_manager_get_modified (undo));
  g_assert_cmpuint (notified, ==, 1);

  /* Saved; undoing away from the saved state and back again. */
  strata_undo_manager_set_modified (undo, FALSE);
  g_assert_false (strata_undo_manager_get_modified (undo));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_true (strata_undo_manager_get_modified (undo));
  g_assert_true (strata_undo_manager_redo (undo));
  g_assert_false (strata_undo_manager_get_modified (undo));

  /* Editing the same parameter right after a save does not fold into the saved step. */
  g_assert_true (set_units (undo, 65));
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 2);
  g_assert_true (strata_undo_manager_get_modified (undo));
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_false (strata_undo_manager_get_modified (undo));

  /* A saved state on a redo branch that a new edit discards can't be reached again. */
  g_assert_true (set_units (undo, 70));
  strata_undo_manager_set_modified (undo, FALSE);
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_true (set_units (undo, 80));
  while (strata_undo_manager_undo (undo))
    g_assert_true (strata_undo_manager_get_modified (undo));
  g_assert_true (strata_undo_manager_get_modified (undo));

  /* Clearing the history keeps the flag. */
  strata_undo_manager_clear (undo);
  g_assert_true (strata_undo_manager_get_modified (undo));
  g_assert_false (strata_undo_manager_get_can_undo (undo));
  g_assert_false (strata_undo_manager_get_can_redo (undo));
}

static void
test_paste_and_duplicate (void)
{
  g_autoptr(StrataGraph) graph = build_chain ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = graph_text (graph);
  g_autofree char *text = NULL;
  g_auto(GStrv) pasted = NULL;
  g_auto(GStrv) copies = NULL;
  const char *ids[] = { "flatten", "dense", NULL };
  double x, y;

  text = strata_graph_clipboard_serialize (graph, ids);
  pasted = strata_undo_manager_paste (undo, text, 40, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (pasted), ==, 2);
  /* Fresh Keras-style ids, the link between them kept, nothing linked from outside. */
  g_assert_cmpstr (pasted[0], ==, "flatten_1");
  g_assert_cmpstr (pasted[1], ==, "dense_1");
  g_assert_cmpstr (strata_graph_get_input (graph, "dense_1", 0), ==, "flatten_1");
  g_assert_null (strata_graph_get_input (graph, "flatten_1", 0));
  strata_node_get_position (strata_graph_get_node (graph, "dense_1"), &x, &y);
  g_assert_cmpfloat (x, ==, 40);
  g_assert_cmpfloat (y, ==, 230);
  g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, 1);
  g_assert_cmpstr (strata_undo_manager_get_undo_label (undo), ==, "Paste");

  /* Pasting again numbers on. */
  g_clear_pointer (&pasted, g_strfreev);
  pasted = strata_undo_manager_paste (undo, text, 80, 60, NULL);
  g_assert_cmpstr (pasted[1], ==, "dense_2");

  copies = strata_undo_manager_duplicate (undo, (const char *const *) pasted, 20, 20);
  g_assert_cmpstr (copies[0], ==, "flatten_3");
  g_assert_cmpstr (strata_graph_get_input (graph, "dense_3", 0), ==, "flatten_3");

  while (strata_undo_manager_undo (undo))
    ;
  assert_same_graph (graph, before);

  /* What isn't layers is refused without a step. */
  g_clear_pointer (&pasted, g_strfreev);
  pasted = strata_undo_manager_paste (undo, "hello", 0, 0, &error);
  g_assert_null (pasted);
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_PARSE);
  g_clear_error (&error);
  pasted = strata_undo_manager_paste (undo,
                                      "{\"nodes\": [{\"id\": \"x\", \"type\": \"Nope\"}]}",
                                      0, 0, &error);
  g_assert_null (pasted);
  g_assert_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_PARSE);
  g_assert_true (strata_undo_manager_get_can_redo (undo));
}

/* Deleting, undoing, redoing and pasting a long chain of layers keeps the graph's link index
 * true and takes time linear in the layers (a loop check and link lookups that scanned every
 * link per layer made each of these hours long). */
static void
test_long_chain (void)
{
  const guint n = 20000;
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(StrataUndoManager) undo = strata_undo_manager_new (graph);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) pasted = NULL;

  g_assert_nonnull (strata_graph_add_node (graph, "Input", "input", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Flatten", "flatten", NULL));
  g_ptr_array_add (ids, g_strdup ("flatten"));
  for (guint i = 0; i < n; i++)
    {
      char *id = g_strdup_printf ("drop_%u", i);

      g_assert_nonnull (strata_graph_add_node (graph, "Dropout", id, NULL));
      g_ptr_array_add (ids, id);
    }
  g_assert_nonnull (strata_graph_add_node (graph, "Dense", "dense", NULL));
  g_assert_nonnull (strata_graph_add_node (graph, "Output", "output", NULL));
  g_ptr_array_add (ids, g_strdup ("dense"));
  g_assert_true (strata_graph_connect (graph, "input", "flatten", 0, NULL));
  g_assert_true (strata_graph_connect (graph, "dense", "output", 0, NULL));
  /* from the end back: the order a forward-only loop check walks the chain for */
  for (guint i = ids->len - 1; i > 0; i--)
    g_assert_true (strata_graph_connect (graph, g_ptr_array_index (ids, i - 1),
                                         g_ptr_array_index (ids, i), 0, NULL));
  g_assert_true (strata_graph_validate (graph, &error));
  g_assert_no_error (error);
  before = graph_text (graph);

  /* the Dropouts deleted in one step, then back */
  g_ptr_array_remove_index (ids, ids->len - 1);
  g_ptr_array_remove_index (ids, 0);
  g_ptr_array_add (ids, NULL);
  g_assert_true (strata_undo_manager_remove_nodes (undo, (const char *const *) ids->pdata));
  g_assert_cmpuint (strata_graph_get_n_nodes (graph), ==, 4);
  g_assert_cmpuint (strata_graph_get_links (graph)->len, ==, 2);
  g_assert_true (strata_undo_manager_undo (undo));
  assert_same_graph (graph, before);
  g_assert_true (strata_graph_validate (graph, NULL));
  g_assert_true (strata_undo_manager_redo (undo));
  g_assert_cmpuint (strata_graph_get_n_nodes (graph), ==, 4);
  g_assert_true (strata_undo_manager_undo (undo));
  assert_same_graph (graph, before);

  /* copied and pasted whole: the copy is linked like the original, apart from it */
  g_ptr_array_remove_index (ids, ids->len - 1);
  g_ptr_array_insert (ids, 0, g_strdup ("flatten"));
  g_ptr_array_add (ids, g_strdup ("dense"));
  g_ptr_array_add (ids, NULL);
  text = strata_graph_clipboard_serialize (graph, (const char *const *) ids->pdata);
  pasted = strata_undo_manager_paste (undo, text, 500, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (pasted), ==, n + 2);
  g_assert_cmpuint (strata_graph_get_n_nodes (graph), ==, 2 * n + 6);
  g_assert_cmpuint (strata_graph_get_links (graph)->len, ==, (n + 3) + (n + 1));
  g_assert_true (g_strv_contains ((const char *const *) pasted, "dense_1"));
  g_assert_true (g_str_has_prefix (strata_graph_get_input (graph, "dense_1", 0), "drop"));
  g_assert_null (strata_graph_get_input (graph, "flatten_1", 0));
  g_assert_true (strata_undo_manager_undo (undo));
  assert_same_graph (graph, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-editor/undo/add-remove", test_add_remove);
  g_test_add_func ("/graph-editor/undo/connect", test_connect);
  g_test_add_func ("/graph-editor/undo/move-one-step", test_move_is_one_step);
  g_test_add_func ("/graph-editor/undo/nudges-merge", test_nudges_merge);
  g_test_add_func ("/graph-editor/undo/param-edits-merge", test_param_edits_merge);
  g_test_add_func ("/graph-editor/undo/trainable-and-inputs", test_trainable_and_inputs);
  g_test_add_func ("/graph-editor/undo/rename", test_rename);
  g_test_add_func ("/graph-editor/undo/groups", test_groups);
  g_test_add_func ("/graph-editor/undo/long-chain", test_long_chain);
  g_test_add_func ("/graph-editor/undo/modified", test_modified);
  g_test_add_func ("/graph-editor/undo/paste-and-duplicate", test_paste_and_duplicate);
  return g_test_run ();
}
