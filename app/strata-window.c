/* strata-window.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-recovery.h"
#include "strata-window-private.h"

/**
 * StrataWindow:
 *
 * A window shows the welcome page until it holds a project, then the project's six pages
 * under a header bar with its name, an unsaved mark and the primary menu. A window holds one
 * project for its life: New and Open fill an empty window or open another one. The window
 * keeps an autosaved copy of unsaved changes for recovery (strata-window-files.c) and asks
 * before a close would lose changes or cut a training run short.
 */

G_DEFINE_FINAL_TYPE (StrataWindow, strata_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PROJECT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "~/Projects/cats" for a project in /home/me/Projects/cats/cats.strata */
char *
_strata_window_dup_display_dir (StrataProject *project)
{
  const char *path = strata_project_get_path (project);
  g_autofree char *dir = NULL;
  const char *home = g_get_home_dir ();

  if (path == NULL)
    return g_strdup (_("Not saved yet"));
  dir = g_path_get_dirname (path);
  if (home && g_str_has_prefix (dir, home) &&
      (dir[strlen (home)] == '/' || dir[strlen (home)] == '\0'))
    return g_strconcat ("~", dir + strlen (home), NULL);
  return g_filename_display_name (dir);
}

static void
update_title (StrataWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *title = NULL;
  g_autofree char *window_title = NULL;
  gboolean modified;

  if (self->project == NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Strata"));
      return;
    }
  name = strata_project_dup_name (self->project);
  dir = _strata_window_dup_display_dir (self->project);
  modified = strata_project_get_modified (self->project);

  title = modified ? g_strdup_printf ("%s •", name) : g_strdup (name);
  adw_view_switcher_title_set_title (self->switcher_title, title);
  adw_view_switcher_title_set_subtitle (self->switcher_title, dir);
  gtk_label_set_label (self->project_label, name);
  /* the header bar centres the page switcher strictly: claim room for a short name */
  gtk_label_set_width_chars (self->project_label, MIN ((int) g_utf8_strlen (name, -1), 20));
  gtk_widget_set_tooltip_text (self->project_title, dir);
  gtk_widget_set_visible (self->modified_mark, modified);
  /* Translators: the window title: the project's name, then the app's */
  window_title = g_strdup_printf (_("%s — Strata"), name);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static void
on_project_modified (StrataWindow *self)
{
  /* what an edit undone to the end must give back for the project to count as unmodified */
  if (!strata_project_get_modified (self->project))
    {
      g_free (self->clean_data);
      self->clean_data = strata_project_to_data (self->project, NULL);
    }
  update_title (self);
  _strata_window_actions_update (self);
}

static gboolean
update_project_title (gpointer user_data)
{
  StrataWindow *self = user_data;

  /* narrow: the switcher title shows the name instead, and the pages move to the bottom bar */
  gtk_widget_set_visible (self->project_title,
                          !adw_view_switcher_title_get_title_visible (self->switcher_title));
  return G_SOURCE_REMOVE;
}

static void
on_switcher_title_visible (StrataWindow *self)
{
  /* The switcher title decides while the header bar is being allocated; changing the header
   * bar's children there leaves them without an allocation for the frame. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_project_title, g_object_ref (self),
                   g_object_unref);
}

static void
on_editor_modified (StrataWindow *self)
{
  g_autofree char *data = NULL;

  if (self->project == NULL)
    return;
  if (strata_graph_editor_get_modified (self->graph_editor))
    {
      strata_project_set_modified (self->project, TRUE);
      return;
    }
  /* Every edit undone: the project is as saved again, unless something outside the graph
   * (the data, the hyperparameters) changed meanwhile; the whole file tells. */
  if (self->clean_data == NULL || !strata_project_get_modified (self->project))
    return;
  data = strata_project_to_data (self->project, NULL);
  if (g_str_equal (data, self->clean_data))
    strata_project_set_modified (self->project, FALSE);
}

static void
on_training_changed (StrataWindow *self)
{
  gboolean running = strata_training_page_get_running (self->training_page);

  _strata_window_actions_update (self);
  /* a run that trained or stopped has new curves, checkpoints and figures */
  strata_results_page_set_training_run (self->results_page,
                                        running ? strata_training_page_get_run_name (self->training_page)
                                                : NULL);
  if (!running)
    strata_inference_page_refresh (self->inference_page);
  if (self->close_after_stop && !running)
    {
      self->close_after_stop = FALSE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

/**
 * strata_window_set_project:
 *
 * Shows @project on the six pages; the window keeps it for its life.
 */
void
strata_window_set_project (StrataWindow  *self,
                           StrataProject *project)
{
  g_auto(GStrv) runs = NULL;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (STRATA_IS_PROJECT (project));
  g_return_if_fail (self->project == NULL);

  self->project = g_object_ref (project);
  if (!strata_project_get_modified (project))
    self->clean_data = strata_project_to_data (project, NULL);
  g_signal_connect_object (project, "notify::modified", G_CALLBACK (on_project_modified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "notify::path", G_CALLBACK (on_project_modified), self,
                           G_CONNECT_SWAPPED);

  strata_data_page_set_project (self->data_page, project);
  strata_graph_editor_set_graph (self->graph_editor, strata_project_get_graph (project));
  strata_data_page_set_undo_manager (self->data_page,
                                     strata_graph_editor_get_undo_manager (self->graph_editor));
  strata_hyperparams_page_set_project (self->hyperparams_page, project);
  strata_training_page_set_project (self->training_page, project);
  strata_results_page_set_project (self->results_page, project);
  strata_inference_page_set_project (self->inference_page, project);

  gtk_stack_set_visible_child_name (self->main_stack, "project");
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  /* a fresh example opens on its data; a project with runs on its training */
  runs = strata_project_dup_run_names (project);
  strata_window_show_page (self, runs[0] != NULL ? "training" : "data");
  update_title (self);
  _strata_window_actions_update (self);
  _strata_window_autosave_restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

StrataProject *
strata_window_get_project (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);
  return self->project;
}

/* Training or evaluating: the project must not go away. */
gboolean
strata_window_get_busy (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);
  return strata_training_page_get_running (self->training_page);
}

void
strata_window_show_page (StrataWindow *self,
                         const char   *name)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

void
strata_window_show_toast (StrataWindow *self,
                          const char   *text)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/**
 * strata_window_show_error:
 * @heading: what failed, e.g. "Could Not Open the Project"
 * @message: why, for a person
 */
void
strata_window_show_error (StrataWindow *self,
                          const char   *heading,
                          const char   *message)
{
  GtkWidget *dialog;

  g_return_if_fail (STRATA_IS_WINDOW (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_window_state (StrataWindow *self)
{
  GSettings *settings = strata_application_get_settings (strata_application_get_default ());
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
}

static gboolean
strata_window_close_request (GtkWindow *window)
{
  StrataWindow *self = STRATA_WINDOW (window);

  if (_strata_window_close_request (window))
    return TRUE;
  save_window_state (self);
  _strata_window_autosave_discard (self);
  return GTK_WINDOW_CLASS (strata_window_parent_class)->close_request (window);
}

static void
strata_window_dispose (GObject *object)
{
  StrataWindow *self = (StrataWindow *) object;

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_WINDOW);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (strata_window_parent_class)->dispose (object);
}

static void
strata_window_finalize (GObject *object)
{
  StrataWindow *self = (StrataWindow *) object;

  g_clear_pointer (&self->recovery_id, g_free);
  g_clear_pointer (&self->clean_data, g_free);

  G_OBJECT_CLASS (strata_window_parent_class)->finalize (object);
}

static void
strata_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataWindow *self = STRATA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_window_class_init (StrataWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = strata_window_dispose;
  object_class->finalize = strata_window_finalize;
  object_class->get_property = strata_window_get_property;
  window_class->close_request = strata_window_close_request;

  /**
   * StrataWindow:project:
   *
   * The project the window shows, %NULL while it shows the welcome page.
   */
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, STRATA_TYPE_PROJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STRATA_TYPE_WELCOME_PAGE);
  g_type_ensure (STRATA_TYPE_DATA_PAGE);
  g_type_ensure (STRATA_TYPE_GRAPH_EDITOR);
  g_type_ensure (STRATA_TYPE_HYPERPARAMS_PAGE);
  g_type_ensure (STRATA_TYPE_TRAINING_PAGE);
  g_type_ensure (STRATA_TYPE_RESULTS_PAGE);
  g_type_ensure (STRATA_TYPE_INFERENCE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/strata/Strata/ui/strata-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, project_title);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, project_label);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, modified_mark);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, graph_editor);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, hyperparams_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, training_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, results_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, inference_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, primary_menu_button);

  _strata_window_install_actions (widget_class);
}

static void
strata_window_init (StrataWindow *self)
{
  GSettings *settings = strata_application_get_settings (strata_application_get_default ());

  gtk_widget_init_template (GTK_WIDGET (self));

  self->recovery_id = strata_recovery_new_id ();
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  adw_split_button_set_menu_model (self->open_button,
                                   strata_application_get_recent_menu (strata_application_get_default ()));
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (on_switcher_title_visible), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->graph_editor, "notify::modified",
                           G_CALLBACK (on_editor_modified), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->training_page, "notify::running",
                           G_CALLBACK (on_training_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::autosave-interval",
                           G_CALLBACK (_strata_window_autosave_restart), self, G_CONNECT_SWAPPED);
  _strata_window_setup_drop (self);
  update_project_title (self);
  update_title (self);
  _strata_window_actions_update (self);
}

StrataWindow *
strata_window_new (StrataApplication *application)
{
  return g_object_new (STRATA_TYPE_WINDOW, "application", application, NULL);
}
