/* strata-test-hooks.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-test-hooks"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>

#include "strata-graph-editor-private.h"
#include "strata-test-hooks.h"
#include "strata-window-private.h"

/*
 * With STRATA_TEST_DUMP=FILE in the environment, SIGUSR1 makes the app write FILE: each
 * window's page, project, dialogs, the graph editor's on-screen layout and the training
 * plot's state. The xdotool tests (tests/test-app-ui.py) drive the app with real pointer and
 * keyboard events and check the outcome there and in the files the app writes, not in pixels.
 * Without the variable none of this is installed.
 */

static char *dump_path;

/**
 * strata_test_hooks_add_widget:
 *
 * Adds "@name": [centre x, centre y, width, height] of @widget on the screen's window, in
 * the surface's coordinates, when it is shown.
 */
void
strata_test_hooks_add_widget (JsonBuilder *b,
                              const char  *name,
                              GtkWidget   *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_rect_t bounds;
  double sx, sy;

  if (native == NULL || !gtk_widget_get_mapped (widget) ||
      !gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds))
    return;
  gtk_native_get_surface_transform (native, &sx, &sy);
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  json_builder_add_double_value (b, bounds.origin.x + sx + bounds.size.width / 2);
  json_builder_add_double_value (b, bounds.origin.y + sy + bounds.size.height / 2);
  json_builder_add_double_value (b, bounds.size.width);
  json_builder_add_double_value (b, bounds.size.height);
  json_builder_end_array (b);
}

static void add_buttons (JsonBuilder *b,
                         GtkWidget   *widget);

/*
 * Every mapped widget under @widget, depth first, as "tree": [{type, css, classes, parent,
 * bounds: [x, y, width, height] in the window's coordinates, min: [width, height] it asks
 * for, ellipsized: a GtkLabel whose text is cut short right now, label}], bounds in the
 * surface's coordinates like strata_test_hooks_add_widget()'s, so that the layout
 * test (tests/test-layout-ui.py) can tell a widget that leaves the window, overlaps its
 * sibling or hides its text from one that fits. @parent is the index of the parent's entry.
 */
static void
add_tree (JsonBuilder *b,
          GtkWidget   *root,
          GtkWidget   *widget,
          int          parent,
          int         *count)
{
  graphene_rect_t bounds;
  double sx, sy;
  int index = (*count)++;
  int min_width, min_height;
  g_auto(GStrv) classes = gtk_widget_get_css_classes (widget);

  if (!gtk_widget_compute_bounds (widget, root, &bounds))
    graphene_rect_init (&bounds, 0, 0, 0, 0);
  gtk_native_get_surface_transform (GTK_NATIVE (root), &sx, &sy);
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, G_OBJECT_TYPE_NAME (widget));
  json_builder_set_member_name (b, "css");
  json_builder_add_string_value (b, gtk_widget_get_css_name (widget));
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (char **c = classes; c && *c; c++)
    json_builder_add_string_value (b, *c);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "parent");
  json_builder_add_int_value (b, parent);
  json_builder_set_member_name (b, "bounds");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, bounds.origin.x + sx);
  json_builder_add_double_value (b, bounds.origin.y + sy);
  json_builder_add_double_value (b, bounds.size.width);
  json_builder_add_double_value (b, bounds.size.height);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "min");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, min_width);
  json_builder_add_int_value (b, min_height);
  json_builder_end_array (b);
  if (GTK_IS_LABEL (widget))
    {
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, gtk_label_get_text (GTK_LABEL (widget)));
      json_builder_set_member_name (b, "ellipsized");
      json_builder_add_boolean_value (b, pango_layout_is_ellipsized (
                                           gtk_label_get_layout (GTK_LABEL (widget))));
    }
  json_builder_end_object (b);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child) && !GTK_IS_NATIVE (child))
      add_tree (b, root, child, index, count);
}

static void
dump_window (JsonBuilder  *b,
             StrataWindow *self)
{
  StrataProject *project = self->project;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "title");
  json_builder_add_string_value (b, gtk_window_get_title (GTK_WINDOW (self)));
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, gtk_stack_get_visible_child_name (self->main_stack));
  json_builder_set_member_name (b, "active");
  json_builder_add_boolean_value (b, gtk_window_is_active (GTK_WINDOW (self)));
  /* the focus widget and its ancestors: where a test's keys went */
  json_builder_set_member_name (b, "focus");
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

    g_autoptr(GString) chain = g_string_new (NULL);
    for (GtkWidget *w = focus; w; w = gtk_widget_get_parent (w))
      g_string_append_printf (chain, "%s/", G_OBJECT_TYPE_NAME (w));
    json_builder_add_string_value (b, chain->str);
  }
  if (project)
    {
      json_builder_set_member_name (b, "page");
      json_builder_add_string_value (b, adw_view_stack_get_visible_child_name (self->view_stack));
      json_builder_set_member_name (b, "path");
      if (strata_project_get_path (project))
        json_builder_add_string_value (b, strata_project_get_path (project));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "modified");
      json_builder_add_boolean_value (b, strata_project_get_modified (project));

      json_builder_set_member_name (b, "training");
      json_builder_add_value (b, strata_training_page_dup_test_state (self->training_page));
      json_builder_set_member_name (b, "results");
      json_builder_add_value (b, strata_results_page_dup_test_state (self->results_page));

      if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "model") == 0)
        {
          json_builder_set_member_name (b, "editor");
          json_builder_add_value (b, _strata_graph_editor_dup_test_layout (
                                       (struct _StrataGraphEditor *) self->graph_editor));
        }
    }
  /* the buttons of the toasts shown, by label: "Undo" */
  json_builder_set_member_name (b, "toast_buttons");
  json_builder_begin_object (b);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->toast_overlay)); child;
       child = gtk_widget_get_next_sibling (child))
    if (child != adw_toast_overlay_get_child (self->toast_overlay))
      add_buttons (b, child);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "widgets");
  json_builder_begin_object (b);
  strata_test_hooks_add_widget (b, "window", GTK_WIDGET (self));
  strata_welcome_page_add_test_widgets (self->welcome_page, b);
  if (project)
    {
      strata_training_page_add_test_widgets (self->training_page, b);
      strata_inference_page_add_test_widgets (self->inference_page, b);
      strata_results_page_add_test_widgets (self->results_page, b);
      strata_hyperparams_page_add_test_widgets (self->hyperparams_page, b);
      strata_data_page_add_test_widgets (self->data_page, b);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "tree");
  json_builder_begin_array (b);
  {
    int count = 0;

    add_tree (b, GTK_WIDGET (self), GTK_WIDGET (self), -1, &count);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Every labelled button in @widget, by its label without mnemonics. */
static void
add_buttons (JsonBuilder *b,
             GtkWidget   *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)))
        {
          g_autoptr(GString) label = g_string_new (gtk_button_get_label (GTK_BUTTON (child)));

          g_string_replace (label, "_", "", 0);
          strata_test_hooks_add_widget (b, label->str, child);
        }
      add_buttons (b, child);
    }
}

static gboolean
on_dump_signal (gpointer user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_strconcat (dump_path, ".tmp", NULL);
  GListModel *toplevels = gtk_window_get_toplevels ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "windows");
  json_builder_begin_array (b);
  for (GList *l = gtk_application_get_windows (app); l; l = l->next)
    if (STRATA_IS_WINDOW (l->data))
      dump_window (b, l->data);
  json_builder_end_array (b);

  /* open dialogs, by their heading or title, with their buttons */
  json_builder_set_member_name (b, "dialogs");
  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (!gtk_widget_get_visible (GTK_WIDGET (window)) || STRATA_IS_WINDOW (window))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "title");
      if (ADW_IS_MESSAGE_DIALOG (window))
        json_builder_add_string_value (b, adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)));
      else if (gtk_window_get_title (window))
        json_builder_add_string_value (b, gtk_window_get_title (window));
      else
        json_builder_add_string_value (b, G_OBJECT_TYPE_NAME (window));
      json_builder_set_member_name (b, "size");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, gtk_widget_get_width (GTK_WIDGET (window)));
      json_builder_add_int_value (b, gtk_widget_get_height (GTK_WIDGET (window)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "buttons");
      json_builder_begin_object (b);
      add_buttons (b, GTK_WIDGET (window));
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  /* written aside and renamed, so the test never reads half a file */
  if (!g_file_set_contents (tmp, text, -1, &error) || g_rename (tmp, dump_path) != 0)
    g_printerr ("Could not write %s: %s\n", dump_path, error ? error->message : g_strerror (errno));
  return G_SOURCE_CONTINUE;
}

void
strata_test_hooks_init (StrataApplication *app)
{
  const char *path = g_getenv ("STRATA_TEST_DUMP");

  if (path == NULL || *path == '\0' || dump_path != NULL)
    return;
  dump_path = g_strdup (path);
  g_unix_signal_add (SIGUSR1, on_dump_signal, app);
}
