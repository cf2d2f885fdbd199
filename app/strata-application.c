/* strata-application.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-application"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"
#include "strata-preferences-window.h"
#include "strata-recovery.h"
#include "strata-test-hooks.h"
#include "strata-threads.h"
#include "strata-window.h"

/**
 * StrataApplication:
 *
 * Opens a window per project: with no file it offers the example and the recent projects;
 * files given on the command line, chosen with Open or dropped on a window open in the empty
 * window or in a new one. At the first start after a crash it offers the autosaved copies.
 */

#define MAX_RECENT 8

struct _StrataApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  GtkRecentManager *recent_manager;
  GMenu *recent_menu;
  gboolean recovery_checked;
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, ADW_TYPE_APPLICATION)

/* Settings ----------------------------------------------------------------------------------- */

/* The schema, installed or, when run from the build tree, compiled there. */
static GSettings *
settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaSource) build_source = NULL;

  if (source)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_autoptr(GError) error = NULL;

      build_source = g_settings_schema_source_new_from_directory (SCHEMA_BUILD_DIR, source, FALSE,
                                                                  &error);
      if (build_source)
        schema = g_settings_schema_source_lookup (build_source, APPLICATION_ID, FALSE);
    }
  if (schema == NULL)
    g_error ("The settings schema %s is not installed", APPLICATION_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

GSettings *
strata_application_get_settings (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);
  return self->settings;
}

static void
apply_color_scheme (StrataApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  int scheme = g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[CLAMP (scheme, 0, 2)]);
}

/* Training, evaluation and prediction use at most this many cores (0: all). */
static void
apply_threads (StrataApplication *self)
{
  strata_threads_set_limit (g_settings_get_uint (self->settings, "training-threads"));
}

/* Recent projects ---------------------------------------------------------------------------- */

static gint
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **) a, *ib = *(GtkRecentInfo **) b;
  GDateTime *ta = gtk_recent_info_get_modified (ia);
  GDateTime *tb = gtk_recent_info_get_modified (ib);

  return g_date_time_compare (tb, ta);
}

/**
 * strata_application_dup_recent:
 *
 * Returns: (transfer full): the paths of the projects opened last, newest first, that still
 *   exist
 */
GStrv
strata_application_dup_recent (StrataApplication *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GList *items = gtk_recent_manager_get_items (self->recent_manager);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  guint n = 0;

  for (GList *l = items; l; l = l->next)
    if (g_strcmp0 (gtk_recent_info_get_mime_type (l->data), "application/x-strata") == 0)
      g_ptr_array_add (mine, l->data);
  g_ptr_array_sort (mine, compare_recent);
  for (guint i = 0; i < mine->len && n < MAX_RECENT; i++)
    {
      g_autofree char *path = g_filename_from_uri (gtk_recent_info_get_uri (mine->pdata[i]), NULL,
                                                   NULL);

      if (path && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          g_strv_builder_add (builder, path);
          n++;
        }
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  return g_strv_builder_end (builder);
}

static void
update_recent_menu (StrataApplication *self)
{
  g_auto(GStrv) paths = strata_application_dup_recent (self);

  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; paths[i]; i++)
    {
      g_autofree char *base = g_filename_display_basename (paths[i]);
      g_autoptr(GMenuItem) item = NULL;

      if (g_str_has_suffix (base, ".strata"))
        base[strlen (base) - strlen (".strata")] = '\0';
      item = g_menu_item_new (base, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", paths[i]);
      g_menu_append_item (self->recent_menu, item);
    }
}

GMenuModel *
strata_application_get_recent_menu (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);
  return G_MENU_MODEL (self->recent_menu);
}

void
strata_application_add_recent (StrataApplication *self,
                               const char        *path)
{
  g_autofree char *uri = NULL;
  GtkRecentData data = {
    .mime_type = (char *) "application/x-strata",
    .app_name = (char *) "Strata",
    .app_exec = (char *) "strata %f",
  };

  g_return_if_fail (STRATA_IS_APPLICATION (self));
  if (path == NULL)
    return;
  uri = g_filename_to_uri (path, NULL, NULL);
  if (uri)
    gtk_recent_manager_add_full (self->recent_manager, uri, &data);
}

void
strata_application_remove_recent (StrataApplication *self,
                                  const char        *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

  if (uri)
    gtk_recent_manager_remove_item (self->recent_manager, uri, NULL);
}

/* Windows ------------------------------------------------------------------------------------ */

static StrataWindow *
find_window (StrataApplication *self,
             const char        *path,
             gboolean           empty)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      StrataProject *project;

      if (!STRATA_IS_WINDOW (l->data))
        continue;
      project = strata_window_get_project (l->data);
      if (empty ? project == NULL
                : project && g_strcmp0 (strata_project_get_path (project), path) == 0)
        return l->data;
    }
  return NULL;
}

/* The active window when it is still empty, or a new one. */
static StrataWindow *
window_for_project (StrataApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (STRATA_IS_WINDOW (active) && strata_window_get_project (STRATA_WINDOW (active)) == NULL)
    return STRATA_WINDOW (active);
  return find_window (self, NULL, TRUE) ? find_window (self, NULL, TRUE) : strata_window_new (self);
}

static void
show_open_error (StrataApplication *self,
                 const char        *path,
                 const GError      *error)
{
  StrataWindow *window = STRATA_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (self)));

  if (window == NULL)
    window = strata_window_new (self);
  gtk_window_present (GTK_WINDOW (window));
  strata_window_show_error (window, _("Could Not Open the Project"), error->message);
}

/**
 * strata_application_open_path:
 *
 * Shows the project at @path: its window if it is open, else in the empty window or a new one.
 */
void
strata_application_open_path (StrataApplication *self,
                              const char        *path)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = NULL;
  StrataWindow *window;

  g_return_if_fail (STRATA_IS_APPLICATION (self));

  absolute = g_canonicalize_filename (path, NULL);
  window = find_window (self, absolute, FALSE);
  if (window)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }
  project = strata_project_load (absolute, &error);
  if (project == NULL)
    {
      if (g_error_matches (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_NOT_FOUND))
        strata_application_remove_recent (self, absolute);
      show_open_error (self, absolute, error);
      return;
    }
  window = window_for_project (self);
  strata_window_set_project (window, project);
  strata_application_add_recent (self, absolute);
  gtk_window_present (GTK_WINDOW (window));
}

void
strata_application_new_example (StrataApplication *self)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  StrataWindow *window;

  g_return_if_fail (STRATA_IS_APPLICATION (self));

  project = strata_project_new_example ("fashion-mnist", &error);
  if (project == NULL)
    {
      show_open_error (self, NULL, error);
      return;
    }
  window = window_for_project (self);
  strata_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
}

typedef struct
{
  StrataApplication *self;
  char *data_path;
} NewFromImages;

static void
new_from_images_free (NewFromImages *job)
{
  g_free (job->data_path);
  g_free (job);
}

static void
new_from_images_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  NewFromImages *job = task_data;
  g_autofree char *dir = g_path_get_dirname (job->data_path);
  g_autoptr(GError) error = NULL;
  StrataProject *project = strata_project_new_for_dataset (job->data_path, dir, &error);

  if (project == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* untitled, so the images' path stays absolute until the project is saved somewhere */
  {
    StrataDatasetSettings *settings = strata_project_get_dataset (project);
    g_autofree char *absolute = strata_dataset_settings_dup_source_path (settings, dir);

    g_object_set (settings, "source-path", absolute, NULL);
  }
  g_task_return_pointer (task, project, g_object_unref);
}

static void
on_new_from_images_ready (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  StrataApplication *self = STRATA_APPLICATION (object);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  StrataWindow *window;

  g_application_release (G_APPLICATION (self));
  project = g_task_propagate_pointer (G_TASK (result), &error);
  if (project == NULL)
    {
      show_open_error (self, NULL, error);
      return;
    }
  strata_project_set_modified (project, TRUE);
  window = window_for_project (self);
  strata_window_set_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
}

/**
 * strata_application_new_from_images:
 * @data_path: a folder of class folders, a CSV list or a zip of either
 *
 * Opens a new project on those images, with a starter network sized for them. Looking at
 * every image takes a while, so it happens in a worker thread.
 */
void
strata_application_new_from_images (StrataApplication *self,
                                    const char        *data_path)
{
  g_autoptr(GTask) task = NULL;
  NewFromImages *job;

  g_return_if_fail (STRATA_IS_APPLICATION (self));

  job = g_new0 (NewFromImages, 1);
  job->self = self;
  job->data_path = g_strdup (data_path);
  task = g_task_new (self, NULL, on_new_from_images_ready, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) new_from_images_free);
  /* keep running while the images are read, even with no window */
  g_application_hold (G_APPLICATION (self));
  g_task_run_in_thread (task, new_from_images_thread);
}

/* Recovery ----------------------------------------------------------------------------------- */

static void
recover (StrataApplication *self,
         GPtrArray         *entries)
{
  g_autofree char *dir = strata_recovery_dup_dir ();

  for (guint i = 0; i < entries->len; i++)
    {
      StrataRecoveryEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *data = strata_recovery_load (entry, &error);
      g_autoptr(StrataProject) project = NULL;
      StrataWindow *window;

      if (data)
        project = strata_project_load_from_data (data, -1, entry->path, &error);
      if (project == NULL)
        {
          show_open_error (self, entry->path, error);
          continue;
        }
      /* the copy holds changes the file does not have */
      strata_project_set_modified (project, TRUE);
      window = window_for_project (self);
      strata_window_set_project (window, project);
      gtk_window_present (GTK_WINDOW (window));
      strata_recovery_discard (dir, entry->id);
    }
}

static void
entries_free (gpointer  data,
              GClosure *closure)
{
  g_ptr_array_unref (data);
}

static void
on_recovery_response (AdwMessageDialog *dialog,
                      const char       *response,
                      GPtrArray        *entries)
{
  StrataApplication *self = strata_application_get_default ();

  if (g_str_equal (response, "recover"))
    recover (self, entries);
  else if (g_str_equal (response, "discard"))
    {
      g_autofree char *dir = strata_recovery_dup_dir ();

      for (guint i = 0; i < entries->len; i++)
        strata_recovery_discard (dir, ((StrataRecoveryEntry *) g_ptr_array_index (entries, i))->id);
    }
}

/* Once per run: what a crash left behind, offered back. */
static void
offer_recovery (StrataApplication *self,
                GtkWindow         *parent)
{
  g_autofree char *dir = strata_recovery_dup_dir ();
  g_autoptr(GPtrArray) entries = NULL;
  StrataRecoveryEntry *first;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->recovery_checked)
    return;
  self->recovery_checked = TRUE;
  entries = strata_recovery_list (dir);
  if (entries->len == 0)
    return;
  first = g_ptr_array_index (entries, 0);
  if (entries->len == 1)
    body = g_strdup_printf (_("Strata did not close properly last time. Unsaved changes to "
                              "“%s” were kept."), first->name);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Strata did not close properly last time. Unsaved "
                                         "changes to “%s” and %u other project were kept.",
                                         "Strata did not close properly last time. Unsaved "
                                         "changes to “%s” and %u other projects were kept.",
                                         entries->len - 1),
                            first->name, entries->len - 1);
  dialog = adw_message_dialog_new (parent, _("Recover Unsaved Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "discard", _("_Discard"),
                                    "recover", _("_Recover"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recover",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recover");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_recovery_response),
                         g_steal_pointer (&entries), entries_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Actions ------------------------------------------------------------------------------------ */

static void
on_open_response (GtkNativeDialog   *chooser,
                  int                response,
                  StrataApplication *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path)
            strata_application_open_path (self, path);
        }
    }
  g_object_unref (chooser);
}

static void
action_open (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  StrataApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Project"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Strata Projects"));
  gtk_file_filter_add_pattern (filter, "*.strata");
  gtk_file_filter_add_mime_type (filter, "application/x-strata");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_images_folder_chosen (GtkNativeDialog   *chooser,
                         int                response,
                         StrataApplication *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path)
        strata_application_new_from_images (self, path);
    }
  g_object_unref (chooser);
}

static void
action_new_from_images (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  StrataApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a Folder with a Folder for Each Class"), parent,
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_images_folder_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
action_new (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  strata_application_new_example (user_data);
}

static void
action_preferences (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  StrataApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *preferences = strata_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
action_about (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  StrataApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Strata authors"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Strata"),
                        "developer-name", _("The Strata authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Build, train and ship image classifiers without writing "
                                      "code. Training runs on the processor through oneDNN."),
                        "website", PROJECT_URL,
                        "issue-url", PROJECT_URL "/issues",
                        "developers", developers,
                        "copyright", _("© 2026 The Strata authors"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
action_quit (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  StrataApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* each window asks about its own changes and training */
  for (GList *l = windows; l; l = l->next)
    if (STRATA_IS_WINDOW (l->data))
      gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "new", action_new },
  { "new-from-images", action_new_from_images },
  { "open", action_open },
  { "preferences", action_preferences },
  { "about", action_about },
  { "quit", action_quit },
};

/* GApplication ------------------------------------------------------------------------------- */

static void
strata_application_startup (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.new", { "<Control>n", NULL } },
    { "app.open", { "<Control>o", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.page::data", { "<Alt>1", NULL } },
    { "win.page::model", { "<Alt>2", NULL } },
    { "win.page::hyperparameters", { "<Alt>3", NULL } },
    { "win.page::training", { "<Alt>4", NULL } },
    { "win.page::results", { "<Alt>5", NULL } },
    { "win.page::inference", { "<Alt>6", NULL } },
    { "win.train-start", { "F5", NULL } },
    { "win.train-stop", { "<Shift>F5", NULL } },
  };

  G_APPLICATION_CLASS (strata_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = settings_new ();
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
  g_signal_connect_object (self->settings, "changed::training-threads",
                           G_CALLBACK (apply_threads), self, G_CONNECT_SWAPPED);
  apply_threads (self);

  self->recent_manager = g_object_ref (gtk_recent_manager_get_default ());
  g_signal_connect_object (self->recent_manager, "changed", G_CALLBACK (update_recent_menu), self,
                           G_CONNECT_SWAPPED);
  update_recent_menu (self);
  strata_test_hooks_init (self);
}

static void
strata_application_activate (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (strata_window_new (self));
  gtk_window_present (window);
  offer_recovery (self, window);
}

static void
strata_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  StrataApplication *self = STRATA_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      if (path)
        strata_application_open_path (self, path);
    }
  if (gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL)
    strata_application_activate (application);
  else
    offer_recovery (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
strata_application_dispose (GObject *object)
{
  StrataApplication *self = (StrataApplication *) object;

  g_clear_object (&self->settings);
  g_clear_object (&self->recent_manager);
  g_clear_object (&self->recent_menu);

  G_OBJECT_CLASS (strata_application_parent_class)->dispose (object);
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = strata_application_dispose;
  app_class->startup = strata_application_startup;
  app_class->activate = strata_application_activate;
  app_class->open = strata_application_open;
}

static void
strata_application_init (StrataApplication *self)
{
  self->recent_menu = g_menu_new ();
}

StrataApplication *
strata_application_new (void)
{
  return g_object_new (STRATA_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/strata/Strata",
                       NULL);
}

StrataApplication *
strata_application_get_default (void)
{
  return STRATA_APPLICATION (g_application_get_default ());
}

/**
 * strata_application_run_main:
 *
 * Runs the window side of the strata binary, with the arguments main() was given.
 */
int
strata_application_run_main (int    argc,
                             char **argv)
{
  g_autoptr(StrataApplication) app = strata_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
