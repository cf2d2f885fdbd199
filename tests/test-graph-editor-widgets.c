/* test-graph-editor-widgets.c: the editor's widgets on every op the registry has
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with a display (meson runs it under xvfb-run). Builds a node of every registered
 * layer type and checks that the canvas shows it, the inspector has a field for each of
 * its parameters, and model changes (as an undo would make them) show in those fields.
 * When the zoo adds its pretrained ops, they are covered here without a change.
 */

#include "config.h"

#include <adwaita.h>

#include "strata-graph-canvas.h"
#include "strata-graph-canvas-private.h"
#include "strata-graph-editor.h"
#include "strata-graph-inspector.h"
#include "strata-graph-inspector-private.h"

static void
spin_main_loop (void)
{
  /* Let layout and allocation run, as they would between user events. */
  for (int i = 0; i < 20; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);
      if (found)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWindow *window;
  StrataGraphEditor *editor;
  StrataGraphCanvas *canvas;
  StrataGraphInspector *inspector;
  StrataGraph *graph;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1400, 900);
  f->editor = STRATA_GRAPH_EDITOR (strata_graph_editor_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->editor));
  f->canvas = strata_graph_editor_get_canvas (f->editor);
  f->inspector = STRATA_GRAPH_INSPECTOR (find_descendant (GTK_WIDGET (f->editor),
                                                          STRATA_TYPE_GRAPH_INSPECTOR));
  g_assert_nonnull (f->inspector);
  f->graph = strata_graph_new ();
  strata_graph_editor_set_graph (f->editor, f->graph);
  gtk_window_present (f->window);
  spin_main_loop ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  strata_graph_editor_set_graph (f->editor, NULL);
  gtk_window_destroy (f->window);
  spin_main_loop ();
  g_assert_finalize_object (f->graph);
}

static void
select_one (Fixture    *f,
            const char *id)
{
  const char *ids[] = { id, NULL };

  strata_graph_canvas_select (f->canvas, ids);
  spin_main_loop ();
}

static void
test_every_op (Fixture       *f,
               gconstpointer  data)
{
  StrataUndoManager *undo = strata_graph_editor_get_undo_manager (f->editor);
  guint n_ops;
  const StrataOpInfo *const *ops = strata_op_list (&n_ops);
  StrataGraphGeometry *geometry = _strata_graph_canvas_get_geometry (f->canvas);

  for (guint i = 0; i < n_ops; i++)
    {
      const char *id = strata_undo_manager_add_node (undo, ops[i]->type, 0, 250.0 * i, NULL);
      StrataRect rect;

      g_assert_nonnull (id);
      spin_main_loop ();
      /* On the canvas, with a real size. */
      g_assert_true (strata_graph_geometry_get_rect (geometry, id, &rect));
      g_assert_cmpfloat (rect.width, >=, STRATA_NODE_DEFAULT_WIDTH);
      g_assert_cmpfloat (rect.height, >, 20);

      /* In the inspector, a field per parameter. */
      select_one (f, id);
      g_assert_cmpstr (strata_graph_inspector_get_node_id (f->inspector), ==, id);
      g_assert_nonnull (_strata_graph_inspector_get_field (f->inspector, "name"));
      for (guint p = 0; p < ops[i]->n_params; p++)
        if (_strata_graph_inspector_get_field (f->inspector, ops[i]->params[p].name) == NULL)
          g_error ("%s: no field for parameter %s", ops[i]->type, ops[i]->params[p].name);
    }
  g_assert_cmpuint (strata_graph_get_n_nodes (f->graph), ==, n_ops);

  /* Selecting nothing, or several, shows no fields. */
  strata_graph_canvas_select (f->canvas, NULL);
  spin_main_loop ();
  g_assert_null (strata_graph_inspector_get_node_id (f->inspector));
}

static void
test_fields_follow_model (Fixture       *f,
                          gconstpointer  data)
{
  StrataUndoManager *undo = strata_graph_editor_get_undo_manager (f->editor);
  const char *id = strata_undo_manager_add_node (undo, "Conv2D", 0, 0, NULL);
  GtkWidget *filters, *padding, *kernel;

  select_one (f, id);
  filters = _strata_graph_inspector_get_field (f->inspector, "filters");
  padding = _strata_graph_inspector_get_field (f->inspector, "padding");
  kernel = _strata_graph_inspector_get_field (f->inspector, "kernel_size");
  g_assert_true (GTK_IS_SPIN_BUTTON (filters));
  g_assert_true (ADW_IS_COMBO_ROW (padding));
  g_assert_true (GTK_IS_SPIN_BUTTON (kernel));
  /* Ranges from the spec. */
  g_assert_cmpfloat (gtk_adjustment_get_lower (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (filters))),
                     ==, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (filters)), ==, 32);

  /* A change in the model (here through the undo manager) shows in the fields… */
  g_assert_true (strata_undo_manager_set_param (undo, id, "filters", g_variant_new_int32 (48), NULL));
  g_assert_true (strata_undo_manager_set_param (undo, id, "padding", g_variant_new_string ("same"),
                                                NULL));
  spin_main_loop ();
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (filters)), ==, 48);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (padding)), ==, 1);

  /* …and an edit in a field goes to the model as an undoable step. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (kernel), 5);
  spin_main_loop ();
  g_assert_cmpint (strata_node_get_int_at (strata_graph_get_node (f->graph, id), "kernel_size", 0),
                   ==, 5);
  g_assert_cmpstr (strata_undo_manager_get_undo_label (undo), ==, "Change Kernel size");
  g_assert_true (strata_undo_manager_undo (undo));
  spin_main_loop ();
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (kernel)), ==, 3);

  /* Switching nodes does not write the old node's values into the new one. */
  {
    const char *other = strata_undo_manager_add_node (undo, "Dense", 0, 200, NULL);
    guint n_steps = strata_undo_manager_get_n_steps (undo);

    select_one (f, other);
    select_one (f, id);
    select_one (f, other);
    g_assert_cmpuint (strata_undo_manager_get_n_steps (undo), ==, n_steps);
    g_assert_cmpstr (strata_node_get_string (strata_graph_get_node (f->graph, other), "activation"),
                     ==, "relu");
  }
}

/* A backbone's weights are listed by name; choosing none (random) makes it all trainable in
 * the same undo step, as random weights kept frozen never learn. */
static void
test_random_weights_train (Fixture       *f,
                           gconstpointer  data)
{
  StrataUndoManager *undo = strata_graph_editor_get_undo_manager (f->editor);
  const char *id = strata_undo_manager_add_node (undo, "VGG16", 0, 0, NULL);
  GtkWidget *weights;
  GObject *item;
  StrataNode *node;

  select_one (f, id);
  node = strata_graph_get_node (f->graph, id);
  weights = _strata_graph_inspector_get_field (f->inspector, "weights");
  g_assert_true (ADW_IS_COMBO_ROW (weights));
  item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (weights));
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), ==, "ImageNet (Keras)");
  g_assert_cmpint (strata_node_get_int (node, "trainable_percent"), ==, 0);

  adw_combo_row_set_selected (ADW_COMBO_ROW (weights), 3);
  spin_main_loop ();
  item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (weights));
  g_assert_cmpstr (gtk_string_object_get_string (GTK_STRING_OBJECT (item)), ==, "None (random)");
  g_assert_cmpstr (strata_node_get_string (node, "weights"), ==, "none");
  g_assert_cmpint (strata_node_get_int (node, "trainable_percent"), ==, 100);

  g_assert_true (strata_undo_manager_undo (undo));
  spin_main_loop ();
  g_assert_cmpstr (strata_node_get_string (node, "weights"), ==, "imagenet-keras");
  g_assert_cmpint (strata_node_get_int (node, "trainable_percent"), ==, 0);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_modified_and_view (Fixture       *f,
                        gconstpointer  data)
{
  StrataUndoManager *undo = strata_graph_editor_get_undo_manager (f->editor);
  guint notified = 0;
  double zoom;

  g_signal_connect (f->editor, "notify::modified", G_CALLBACK (on_notify), &notified);
  g_assert_false (strata_graph_editor_get_modified (f->editor));
  g_assert_nonnull (strata_graph_canvas_add_node_at_center (f->canvas, "Dense"));
  g_assert_true (strata_graph_editor_get_modified (f->editor));
  g_assert_cmpuint (notified, ==, 1);
  strata_graph_editor_set_modified (f->editor, FALSE);
  g_assert_false (strata_graph_editor_get_modified (f->editor));
  g_assert_true (strata_undo_manager_undo (undo));
  g_assert_true (strata_graph_editor_get_modified (f->editor));

  strata_graph_canvas_set_zoom (f->canvas, 2.0);
  g_assert_cmpfloat (strata_graph_canvas_get_zoom (f->canvas), ==, 2.0);
  zoom = strata_graph_canvas_get_zoom (f->canvas);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.zoom-out", NULL);
  g_assert_cmpfloat (strata_graph_canvas_get_zoom (f->canvas), <, zoom);
  gtk_widget_activate_action (GTK_WIDGET (f->canvas), "canvas.zoom-reset", NULL);
  g_assert_cmpfloat (strata_graph_canvas_get_zoom (f->canvas), ==, 1.0);

  /* A new graph: a new history, unmodified. */
  {
    g_autoptr(StrataGraph) other = strata_graph_new ();
    strata_graph_editor_set_graph (f->editor, other);
    g_assert_false (strata_graph_editor_get_modified (f->editor));
    g_assert_true (strata_graph_editor_get_undo_manager (f->editor) != undo);
    strata_graph_editor_set_graph (f->editor, f->graph);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return 77;
    }
  adw_init ();

  g_test_add ("/graph-editor/widgets/every-op", Fixture, NULL, fixture_set_up, test_every_op,
              fixture_tear_down);
  g_test_add ("/graph-editor/widgets/fields-follow-model", Fixture, NULL, fixture_set_up,
              test_fields_follow_model, fixture_tear_down);
  g_test_add ("/graph-editor/widgets/random-weights-train", Fixture, NULL, fixture_set_up,
              test_random_weights_train, fixture_tear_down);
  g_test_add ("/graph-editor/widgets/modified-and-view", Fixture, NULL, fixture_set_up,
              test_modified_and_view, fixture_tear_down);
  return g_test_run ();
}
