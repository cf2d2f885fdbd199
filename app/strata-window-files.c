/* strata-window-files.c: the window's actions: saving, closing, dropped files, autosave
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-recovery.h"
#include "strata-window-private.h"

/* Saving ------------------------------------------------------------------------------------- */

typedef struct
{
  char *old_runs_dir;       /* the runs to bring along when Save As moves the project */
  char *new_runs_dir;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->old_runs_dir);
  g_free (data->new_runs_dir);
  g_free (data);
}

/* A copy of the folder @src at @dst, which must not exist yet. */
static gboolean
copy_tree (GFile         *src,
           GFile         *dst,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  if (!g_file_make_directory_with_parents (dst, cancellable, error))
    return FALSE;
  children = g_file_enumerate_children (src, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (children == NULL)
    return FALSE;
  while ((info = g_file_enumerator_next_file (children, cancellable, error)))
    {
      g_autoptr(GFileInfo) owned = info;
      g_autoptr(GFile) from = g_file_get_child (src, g_file_info_get_name (info));
      g_autoptr(GFile) to = g_file_get_child (dst, g_file_info_get_name (info));
      gboolean ok;

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        ok = copy_tree (from, to, cancellable, error);
      else
        ok = g_file_copy (from, to, G_FILE_COPY_NOFOLLOW_SYMLINKS, cancellable, NULL, NULL, error);
      if (!ok)
        return FALSE;
    }
  return error == NULL || *error == NULL;
}

static void
copy_runs_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GFile) src = g_file_new_for_path (data->old_runs_dir);
  g_autoptr(GFile) dst = g_file_new_for_path (data->new_runs_dir);
  g_autoptr(GError) error = NULL;

  if (g_file_query_exists (src, cancellable) && !g_file_query_exists (dst, cancellable) &&
      !copy_tree (src, dst, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
saved (StrataWindow *self,
       GTask        *task)
{
  StrataApplication *app = strata_application_get_default ();
  SaveData *data = g_task_get_task_data (task);

  strata_graph_editor_set_modified (self->graph_editor, FALSE);
  strata_application_add_recent (app, strata_project_get_path (self->project));
  _strata_window_autosave_discard (self);
  if (data && data->old_runs_dir && g_strcmp0 (data->old_runs_dir, data->new_runs_dir) != 0)
    {
      /* the runs live beside the project file: a moved project takes a copy of them */
      g_task_run_in_thread (task, copy_runs_thread);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* A project saved in another folder keeps finding its images: the source path, relative to
 * the old folder, becomes absolute, and relative again if the images are in the new one. */
static void
rebase_source_path (StrataProject *project,
                    const char    *new_path)
{
  StrataDatasetSettings *settings = strata_project_get_dataset (project);
  g_autofree char *old_dir = strata_project_dup_base_dir (project);
  g_autofree char *new_dir = g_path_get_dirname (new_path);
  g_autofree char *absolute = NULL;

  if (*strata_dataset_settings_get_source_path (settings) == '\0' ||
      g_strcmp0 (old_dir, new_dir) == 0)
    return;
  absolute = strata_dataset_settings_dup_source_path (settings, old_dir);
  g_object_set (settings, "source-path", absolute, NULL);
  strata_dataset_settings_make_path_relative (settings, new_dir);
}

static void
save_to (StrataWindow *self,
         GTask        *task,
         const char   *path)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) runs = strata_project_dup_run_names (self->project);

  if (runs[0] != NULL && strata_project_get_path (self->project) != NULL)
    {
      SaveData *data = g_new0 (SaveData, 1);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);

      if (g_str_has_suffix (base, ".strata"))
        base[strlen (base) - strlen (".strata")] = '\0';
      data->old_runs_dir = strata_project_dup_runs_dir (self->project);
      data->new_runs_dir = g_strdup_printf ("%s/%s.runs", dir, base);
      g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
    }
  rebase_source_path (self->project, path);
  if (!strata_project_save_as (self->project, path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  saved (self, task);
}

static void
on_save_chooser_response (GtkNativeDialog *chooser,
                          int              response,
                          GTask           *task)
{
  g_autoptr(GTask) owned = task;
  StrataWindow *self = g_task_get_source_object (task);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      g_object_unref (chooser);
      return;
    }
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  path = g_file_get_path (file);
  g_object_unref (chooser);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Projects can only be saved to local folders"));
      return;
    }
  if (!g_str_has_suffix (path, ".strata"))
    {
      char *with = g_strconcat (path, ".strata", NULL);
      g_free (path);
      path = with;
    }
  save_to (self, task, path);
}

/**
 * strata_window_save_async:
 * @ask_path: ask where to save even when the project has a file
 *
 * Saves the project, asking where first when it has no file yet or @ask_path is set. A
 * cancelled file chooser finishes with %G_IO_ERROR_CANCELLED.
 */
void
strata_window_save_async (StrataWindow        *self,
                          gboolean             ask_path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file_name = NULL;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (self->project != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_window_save_async);

  if (!ask_path && strata_project_get_path (self->project) != NULL)
    {
      save_to (self, task, strata_project_get_path (self->project));
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Save Project"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Strata Projects"));
  gtk_file_filter_add_pattern (filter, "*.strata");
  gtk_file_filter_add_mime_type (filter, "application/x-strata");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = strata_project_dup_name (self->project);
  file_name = g_strconcat (name, ".strata", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  if (strata_project_get_path (self->project))
    {
      g_autofree char *dir = g_path_get_dirname (strata_project_get_path (self->project));
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_chooser_response),
                    g_steal_pointer (&task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

gboolean
strata_window_save_finish (StrataWindow  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  StrataWindow *self = STRATA_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!strata_window_save_finish (self, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        strata_window_show_error (self, _("Could Not Save the Project"), error->message);
      return;
    }
  /* Translators: shown briefly after saving */
  strata_window_show_toast (self, _("Project saved"));
}

static void
action_save (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->project == NULL)
    return;
  strata_window_save_async (self, g_str_equal (action_name, "win.save-as"), NULL, on_saved,
                            NULL);
}

/* Closing ------------------------------------------------------------------------------------ */

static void
on_close_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StrataWindow *self = STRATA_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!strata_window_save_finish (self, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        strata_window_show_error (self, _("Could Not Save the Project"), error->message);
      return;
    }
  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_now (gpointer user_data)
{
  StrataWindow *self = user_data;

  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

static void
on_unsaved_response (AdwMessageDialog *dialog,
                     const char       *response,
                     StrataWindow     *self)
{
  /* the dialog goes once its response is handled: close its parent after that */
  if (g_str_equal (response, "discard"))
    g_idle_add_full (G_PRIORITY_DEFAULT, close_now, g_object_ref (self), g_object_unref);
  else if (g_str_equal (response, "save"))
    strata_window_save_async (self, FALSE, NULL, on_close_saved, NULL);
}

static void
on_stop_response (AdwMessageDialog *dialog,
                  const char       *response,
                  StrataWindow     *self)
{
  if (!g_str_equal (response, "stop"))
    return;
  /* the close continues once the trainer has written its checkpoint */
  self->close_after_stop = TRUE;
  strata_training_page_stop (self->training_page);
}

/*
 * Returns: %TRUE to keep the window open for now: a question is being asked, or training is
 *   stopping and the window closes when it has.
 */
gboolean
_strata_window_close_request (GtkWindow *window)
{
  StrataWindow *self = STRATA_WINDOW (window);
  GtkWidget *dialog;

  if (self->closing || self->project == NULL)
    return FALSE;

  if (strata_training_page_get_running (self->training_page))
    {
      g_autofree char *body = NULL;

      if (self->close_after_stop)
        return TRUE;
      body = g_strdup_printf (_("Training of “%s” stops at the end of the current batch. It "
                                "can be resumed later from where it stopped."),
                              strata_training_page_get_run_name (self->training_page));
      dialog = adw_message_dialog_new (window, _("Stop Training?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Keep Training"),
                                        "stop", _("_Stop and Close"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_response), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  if (strata_project_get_modified (self->project))
    {
      g_autofree char *name = strata_project_dup_name (self->project);
      g_autofree char *body = g_strdup_printf (_("“%s” has unsaved changes. Changes which are "
                                                 "not saved will be permanently lost."), name);

      dialog = adw_message_dialog_new (window, _("Save Changes?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_unsaved_response), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }
  return FALSE;
}

/* Dropped files ------------------------------------------------------------------------------ */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         StrataWindow  *self)
{
  GSList *files = g_value_get_boxed (value);
  gboolean any = FALSE;

  for (GSList *l = files; l; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path == NULL || !g_str_has_suffix (path, ".strata"))
        continue;
      strata_application_open_path (strata_application_get_default (), path);
      any = TRUE;
    }
  if (!any)
    strata_window_show_toast (self, _("Only Strata projects (.strata files) can be opened"));
  return any;
}

void
_strata_window_setup_drop (StrataWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

/* Autosave ----------------------------------------------------------------------------------- */

static gboolean
autosave_tick (gpointer user_data)
{
  StrataWindow *self = user_data;
  g_autofree char *dir = strata_recovery_dup_dir ();
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL || !strata_project_get_modified (self->project))
    {
      strata_recovery_discard (dir, self->recovery_id);
      return G_SOURCE_CONTINUE;
    }
  data = strata_project_to_data (self->project, NULL);
  name = strata_project_dup_name (self->project);
  if (!strata_recovery_write (dir, self->recovery_id, strata_project_get_path (self->project),
                              name, data, &error))
    g_warning ("Could not write the recovery copy: %s", error->message);
  return G_SOURCE_CONTINUE;
}

void
_strata_window_autosave_restart (StrataWindow *self)
{
  GSettings *settings = strata_application_get_settings (strata_application_get_default ());
  guint interval = g_settings_get_uint (settings, "autosave-interval");

  g_clear_handle_id (&self->autosave_source, g_source_remove);
  if (interval == 0 || self->project == NULL)
    {
      _strata_window_autosave_discard (self);
      return;
    }
  self->autosave_source = g_timeout_add_seconds_full (G_PRIORITY_LOW, interval, autosave_tick,
                                                      self, NULL);
}

void
_strata_window_autosave_discard (StrataWindow *self)
{
  g_autofree char *dir = strata_recovery_dup_dir ();

  strata_recovery_discard (dir, self->recovery_id);
}

/* Actions ------------------------------------------------------------------------------------ */

static void
action_page (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->project)
    strata_window_show_page (self, g_variant_get_string (parameter, NULL));
}

/* "New Run From This Run" on the Results page: the Training page, starting from its weights */
static void
action_train_from (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->project == NULL || strata_training_page_get_running (self->training_page))
    return;
  strata_training_page_set_init_from (self->training_page, g_variant_get_string (parameter, NULL));
  strata_window_show_page (self, "training");
}

static void
action_open_recent (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  strata_application_open_path (strata_application_get_default (),
                                g_variant_get_string (parameter, NULL));
}

static void
action_train (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  if (self->project == NULL)
    return;
  strata_window_show_page (self, "training");
  if (g_str_equal (action_name, "win.train-stop"))
    strata_training_page_stop (self->training_page);
  else
    strata_training_page_start (self->training_page, FALSE);
}

void
_strata_window_actions_update (StrataWindow *self)
{
  gboolean has_project = self->project != NULL;
  gboolean running = strata_training_page_get_running (self->training_page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", has_project);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", has_project);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.page", has_project);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.train-start", has_project && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.train-stop", has_project && running);
}

void
_strata_window_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, action_save);
  gtk_widget_class_install_action (widget_class, "win.page", "s", action_page);
  gtk_widget_class_install_action (widget_class, "win.train-from", "s", action_train_from);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", action_open_recent);
  gtk_widget_class_install_action (widget_class, "win.train-start", NULL, action_train);
  gtk_widget_class_install_action (widget_class, "win.train-stop", NULL, action_train);
}
