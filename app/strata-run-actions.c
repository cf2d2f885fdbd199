/* strata-run-actions.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-run-actions"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-run.h"
#include "strata-run-actions.h"
#include "strata-runs.h"
#include "strata-window.h"

/*
 * Renaming asks for the new name in a dialog. Deleting asks nothing: the run moves to the
 * project's trash (strata_runs_trash()) and a toast offers Undo; the trash is emptied once the
 * last such toast goes away, or when the Results page goes with its window. Several deletes
 * in a row each keep their own Undo, so the trash waits for all their toasts.
 */

#define PENDING_KEY "strata-run-actions-pending"

static void
show_error (GtkWidget  *parent,
            const char *heading,
            GError     *error)
{
  GtkRoot *root = gtk_widget_get_root (parent);

  if (STRATA_IS_WINDOW (root))
    strata_window_show_error (STRATA_WINDOW (root), heading, error->message);
  else
    g_warning ("%s: %s", heading, error->message);
}

/* Rename ------------------------------------------------------------------------------------------ */

typedef struct
{
  GtkWidget *parent;        /* the page, for errors */
  StrataProject *project;
  char *run;
  GtkEditable *entry;
} RenameData;

static void
rename_data_free (RenameData *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->project);
  g_free (data->run);
  g_free (data);
}

static gboolean
new_name_ok (RenameData *data,
             const char *name)
{
  g_auto(GStrv) runs = strata_project_dup_run_names (data->project);

  return strata_run_name_is_valid (name) && !g_strv_contains ((const char *const *) runs, name);
}

static void
on_rename_changed (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  RenameData *data = g_object_get_data (G_OBJECT (dialog), "data");
  const char *name = gtk_editable_get_text (entry);
  gboolean ok = new_name_ok (data, name);

  adw_message_dialog_set_response_enabled (dialog, "rename", ok);
  /* the name the run has is no error, just nothing to do */
  if (ok || g_strcmp0 (name, data->run) == 0)
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  RenameData *data = g_object_get_data (G_OBJECT (dialog), "data");
  const char *name = gtk_editable_get_text (data->entry);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "rename") != 0 || !new_name_ok (data, name))
    return;
  if (!strata_runs_rename (data->project, data->run, name, &error))
    show_error (data->parent, _("Could Not Rename the Run"), error);
}

/**
 * strata_run_actions_rename:
 * @parent: a widget of the window to put the dialog on
 *
 * Asks for a new name for @run and renames it.
 */
void
strata_run_actions_rename (GtkWidget     *parent,
                           StrataProject *project,
                           const char    *run)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkWidget *dialog, *entry;
  RenameData *data;
  g_autofree char *heading = NULL;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (STRATA_IS_PROJECT (project));

  /* Translators: a dialog's heading; %s is a run's name */
  heading = g_strdup_printf (_("Rename “%s”"), run);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Runs that started from its weights follow the new name"));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), run);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "rename", FALSE);

  data = g_new0 (RenameData, 1);
  data->parent = g_object_ref (parent);
  data->project = g_object_ref (project);
  data->run = g_strdup (run);
  data->entry = GTK_EDITABLE (entry);
  g_object_set_data_full (G_OBJECT (dialog), "data", data, (GDestroyNotify) rename_data_free);
  g_signal_connect (entry, "changed", G_CALLBACK (on_rename_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_rename_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* Delete ------------------------------------------------------------------------------------------ */

typedef struct
{
  GtkWidget *parent;
  StrataProject *project;
  char *trash_id;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->project);
  g_free (data->trash_id);
  g_free (data);
}

static void
delete_data_notify (gpointer  data,
                    GClosure *closure)
{
  delete_data_free (data);
}

static guint
pending (StrataProject *project)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (project), PENDING_KEY));
}

static void
set_pending (StrataProject *project,
             guint          n)
{
  g_object_set_data (G_OBJECT (project), PENDING_KEY, GUINT_TO_POINTER (n));
}

static void
empty_trash (StrataProject *project)
{
  g_autoptr(GError) error = NULL;

  if (!strata_runs_empty_trash (project, &error))
    g_warning ("Could not delete the deleted runs: %s", error->message);
}

/**
 * strata_run_actions_flush_deleted:
 *
 * Deletes for good the runs deleted from @project whose Undo is still offered: the window
 * that offered it is going.
 */
void
strata_run_actions_flush_deleted (StrataProject *project)
{
  g_return_if_fail (STRATA_IS_PROJECT (project));

  if (pending (project) == 0)
    return;
  set_pending (project, 0);
  empty_trash (project);
}

static void
on_undo (AdwToast   *toast,
         DeleteData *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (data->trash_id == NULL)
    return;
  name = strata_runs_restore (data->project, data->trash_id, &error);
  if (name == NULL)
    show_error (data->parent, _("Could Not Bring the Run Back"), error);
  g_clear_pointer (&data->trash_id, g_free);
}

static void
on_dismissed (AdwToast   *toast,
              DeleteData *data)
{
  guint n = pending (data->project);

  /* 0: flushed already, when the window closed */
  if (n == 0)
    return;
  set_pending (data->project, n - 1);
  if (n == 1)
    empty_trash (data->project);
}

/**
 * strata_run_actions_delete:
 * @parent: a widget inside the window's #AdwToastOverlay
 *
 * Deletes @run, offering Undo in a toast.
 */
void
strata_run_actions_delete (GtkWidget     *parent,
                           StrataProject *project,
                           const char    *run)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *trash_id = NULL;
  g_autofree char *title = NULL;
  GtkWidget *overlay;
  AdwToast *toast;
  DeleteData *data;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (STRATA_IS_PROJECT (project));

  trash_id = strata_runs_trash (project, run, &error);
  if (trash_id == NULL)
    {
      show_error (parent, _("Could Not Delete the Run"), error);
      return;
    }
  overlay = gtk_widget_get_ancestor (parent, ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    {
      /* nowhere to offer Undo: the run goes at once */
      if (pending (project) == 0)
        empty_trash (project);
      return;
    }

  data = g_new0 (DeleteData, 1);
  data->parent = g_object_ref (parent);
  data->project = g_object_ref (project);
  data->trash_id = g_steal_pointer (&trash_id);
  set_pending (project, pending (project) + 1);

  /* Translators: a toast; %s is a run's name */
  title = g_strdup_printf (_("“%s” deleted"), run);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect (toast, "button-clicked", G_CALLBACK (on_undo), data);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (on_dismissed), data,
                         delete_data_notify, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}
