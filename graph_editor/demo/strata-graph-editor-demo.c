/* strata-graph-editor-demo.c: the graph editor alone in a window, for trying it and for tests
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-editor-demo"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>

#include "strata-graph-editor.h"
#include "strata-graph-editor-private.h"

/*
 * strata-graph-editor-demo [MODEL.json] [--save FILE] [--dump FILE] [--select ID] [--size WxH]
 *
 * Opens the editor on the model in MODEL.json (the "model" member of a project file, or a
 * bare graph), or on the Keras tutorial CNN. --save writes the graph back when the window
 * closes and on Ctrl+S. --dump writes where everything is on screen, with the graph, each
 * time the process gets SIGUSR1: the real-window tests drive the editor with xdotool and
 * read the result from there.
 */

static char *opt_save;
static char *opt_dump;
static char *opt_select;
static char *opt_size;
static char **opt_files;

typedef struct
{
  AdwApplicationWindow *window;
  StrataGraphEditor *editor;
  AdwWindowTitle *title;
  char *subtitle;
} Demo;

static StrataGraph *
build_example (void)
{
  static const struct { const char *type, *id, *param, *value; } layers[] = {
    { "Input", "input", NULL, NULL },
    { "Conv2D", "conv2d", "filters", "32" },
    { "Conv2D", "conv2d_1", "filters", "64" },
    { "MaxPooling2D", "max_pooling2d", NULL, NULL },
    { "Dropout", "dropout", "rate", "0.25" },
    { "Flatten", "flatten", NULL, NULL },
    { "Dense", "dense", "units", "128" },
    { "Dropout", "dropout_1", "rate", "0.5" },
    { "Dense", "dense_1", "units", "10" },
    { "Output", "output", NULL, NULL },
  };
  StrataGraph *graph = strata_graph_new ();

  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      StrataNode *node = strata_graph_add_node (graph, layers[i].type, layers[i].id, NULL);

      g_assert (node != NULL);
      if (layers[i].param)
        {
          const StrataParamSpec *spec = strata_op_find_param (strata_node_get_op (node),
                                                              layers[i].param);
          GVariant *value = g_variant_parse (strata_param_spec_get_variant_type (spec),
                                             layers[i].value, NULL, NULL, NULL);
          strata_graph_set_param (graph, layers[i].id, layers[i].param, value, NULL);
        }
      if (i > 0)
        strata_graph_connect (graph, layers[i - 1].id, layers[i].id, 0, NULL);
    }
  strata_graph_set_param (graph, "dense_1", "activation", g_variant_new_string ("softmax"), NULL);
  /* All nodes at (0, 0): the editor lays them out when it first shows them. */
  return graph;
}

static StrataGraph *
load_graph (const char  *path,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  root = json_parser_get_root (parser);
  /* A project file holds the graph under "model". */
  if (root && JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "model"))
    root = json_object_get_member (json_node_get_object (root), "model");
  return strata_graph_new_from_json (root, error);
}

static gboolean
write_json (const char  *path,
            JsonNode    *json,
            GError     **error)
{
  g_autofree char *text = json_to_string (json, TRUE);

  /* g_file_set_contents writes a temporary file and renames it over the old one. */
  return g_file_set_contents (path, text, -1, error);
}

static void
save (Demo *demo)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;

  if (opt_save == NULL)
    return;
  json = strata_graph_to_json (strata_graph_editor_get_graph (demo->editor));
  if (!write_json (opt_save, json, &error))
    g_printerr ("Could not save %s: %s\n", opt_save, error->message);
  else
    strata_graph_editor_set_modified (demo->editor, FALSE);
}

static gboolean
on_dump_signal (gpointer user_data)
{
  Demo *demo = user_data;
  g_autoptr(JsonNode) json = _strata_graph_editor_dup_test_layout (demo->editor);
  g_autoptr(GError) error = NULL;

  if (!write_json (opt_dump, json, &error))
    g_printerr ("Could not write %s: %s\n", opt_dump, error->message);
  return G_SOURCE_CONTINUE;
}

static void
update_title (Demo *demo)
{
  g_autofree char *subtitle = NULL;

  subtitle = strata_graph_editor_get_modified (demo->editor)
             ? g_strdup_printf ("%s •", demo->subtitle) : g_strdup (demo->subtitle);
  adw_window_title_set_subtitle (demo->title, subtitle);
}

static void
update_undo_actions (Demo *demo)
{
  StrataUndoManager *undo = strata_graph_editor_get_undo_manager (demo->editor);
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (demo->window), "undo");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), strata_undo_manager_get_can_undo (undo));
  action = g_action_map_lookup_action (G_ACTION_MAP (demo->window), "redo");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), strata_undo_manager_get_can_redo (undo));
}

static void
on_undo (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  Demo *demo = user_data;
  strata_undo_manager_undo (strata_graph_editor_get_undo_manager (demo->editor));
}

static void
on_redo (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  Demo *demo = user_data;
  strata_undo_manager_redo (strata_graph_editor_get_undo_manager (demo->editor));
}

static void
on_save (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  save (user_data);
}

static gboolean
on_close_request (GtkWindow *window,
                  Demo      *demo)
{
  save (demo);
  return FALSE;
}

static void
demo_free (Demo *demo)
{
  g_free (demo->subtitle);
  g_free (demo);
}

static void
on_activate (GtkApplication *app,
             StrataGraph    *graph)
{
  static const GActionEntry actions[] = {
    { "undo", on_undo },
    { "redo", on_redo },
    { "save", on_save },
  };
  Demo *demo = g_new0 (Demo, 1);
  GtkWidget *box, *header, *button, *undo_box;
  StrataUndoManager *undo;
  int width = 1280, height = 820;

  if (opt_size)
    sscanf (opt_size, "%dx%d", &width, &height);

  demo->window = ADW_APPLICATION_WINDOW (adw_application_window_new (app));
  gtk_window_set_title (GTK_WINDOW (demo->window), "Strata Graph Editor Demo");
  gtk_window_set_default_size (GTK_WINDOW (demo->window), width, height);
  g_object_set_data_full (G_OBJECT (demo->window), "demo", demo, (GDestroyNotify) demo_free);
  g_action_map_add_action_entries (G_ACTION_MAP (demo->window), actions, G_N_ELEMENTS (actions),
                                   demo);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  demo->subtitle = g_strdup (opt_files && opt_files[0] ? opt_files[0] : "Example: Fashion-MNIST CNN");
  demo->title = ADW_WINDOW_TITLE (adw_window_title_new ("Model", demo->subtitle));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (demo->title));

  /* What an app does with the editor's undo manager: its own Undo and Redo. */
  undo_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (undo_box, "linked");
  button = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.undo");
  gtk_widget_set_tooltip_text (button, "Undo");
  gtk_box_append (GTK_BOX (undo_box), button);
  button = gtk_button_new_from_icon_name ("edit-redo-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.redo");
  gtk_widget_set_tooltip_text (button, "Redo");
  gtk_box_append (GTK_BOX (undo_box), button);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), undo_box);
  if (opt_save)
    {
      button = gtk_button_new_from_icon_name ("document-save-symbolic");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.save");
      gtk_widget_set_tooltip_text (button, "Save");
      adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
    }
  gtk_box_append (GTK_BOX (box), header);

  demo->editor = STRATA_GRAPH_EDITOR (strata_graph_editor_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (demo->editor), TRUE);
  strata_graph_editor_set_graph (demo->editor, graph);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (demo->editor));
  adw_application_window_set_content (demo->window, box);

  undo = strata_graph_editor_get_undo_manager (demo->editor);
  g_signal_connect_swapped (undo, "notify::can-undo", G_CALLBACK (update_undo_actions), demo);
  g_signal_connect_swapped (undo, "notify::can-redo", G_CALLBACK (update_undo_actions), demo);
  g_signal_connect_swapped (demo->editor, "notify::modified", G_CALLBACK (update_title), demo);
  update_undo_actions (demo);
  update_title (demo);

  g_signal_connect (demo->window, "close-request", G_CALLBACK (on_close_request), demo);
  if (opt_dump)
    g_unix_signal_add (SIGUSR1, on_dump_signal, demo);
  if (opt_select)
    {
      const char *ids[] = { opt_select, NULL };
      strata_graph_canvas_select (strata_graph_editor_get_canvas (demo->editor), ids);
    }

  gtk_widget_grab_focus (GTK_WIDGET (demo->editor));
  gtk_window_present (GTK_WINDOW (demo->window));
}

int
main (int   argc,
      char *argv[])
{
  static const GOptionEntry entries[] = {
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &opt_save, "Write the graph here on close and Ctrl+S", "FILE" },
    { "dump", 0, 0, G_OPTION_ARG_FILENAME, &opt_dump, "On SIGUSR1, write screen positions and the graph here", "FILE" },
    { "select", 0, 0, G_OPTION_ARG_STRING, &opt_select, "Select this node at start", "ID" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &opt_size, "Window size", "WxH" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, "[MODEL.json]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  const char *accels_save[] = { "<Control>s", NULL };
  const char *accels_close[] = { "<Control>w", "<Control>q", NULL };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (opt_files && opt_files[0])
    {
      graph = load_graph (opt_files[0], &error);
      if (graph == NULL)
        {
          g_printerr ("Could not open %s: %s\n", opt_files[0], error->message);
          return 1;
        }
    }
  else
    graph = build_example ();

  app = adw_application_new ("org.strata.Strata.GraphEditorDemo", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), graph);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.save", accels_save);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", accels_close);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
