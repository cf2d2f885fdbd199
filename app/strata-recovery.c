/* strata-recovery.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-recovery"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-json.h"
#include "strata-recovery.h"

/*
 * Each window with unsaved changes keeps DIR/ID.json up to date:
 *
 *   {"version": 1, "pid": 4242, "path": "/home/me/x.strata" | null, "name": "x",
 *    "saved": 1767225600, "project": "<the project file's text>"}
 *
 * A clean close or a save removes it, with any temporary file a crash left mid-write. A file
 * whose process is gone is what a crash left behind, and the next start offers it back. The
 * project is kept as the text the project file would hold, so that recovering is loading.
 */

#define RECOVERY_VERSION 1

void
strata_recovery_entry_free (StrataRecoveryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->file);
  g_free (entry->path);
  g_free (entry->name);
  g_free (entry);
}

/**
 * strata_recovery_dup_dir:
 *
 * Returns: $XDG_DATA_HOME/strata/recovery
 */
char *
strata_recovery_dup_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "strata", "recovery", NULL);
}

char *
strata_recovery_new_id (void)
{
  return g_uuid_string_random ();
}

static char *
entry_file (const char *dir,
            const char *id)
{
  g_autofree char *leaf = g_strconcat (id, ".json", NULL);

  return g_build_filename (dir, leaf, NULL);
}

gboolean
strata_recovery_write (const char  *dir,
                       const char  *id,
                       const char  *path,
                       const char  *name,
                       const char  *project_data,
                       GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (dir != NULL && id != NULL && project_data != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not make the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, RECOVERY_VERSION);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, getpid ());
  json_builder_set_member_name (b, "path");
  if (path)
    json_builder_add_string_value (b, path);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : "");
  json_builder_set_member_name (b, "saved");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "project");
  json_builder_add_string_value (b, project_data);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);

  file = entry_file (dir, id);
  return strata_write_file_atomic (file, text, strlen (text), error);
}

/* A write cut short by a crash leaves ID.json.XXXXXX.tmp beside (or instead of) ID.json. */
static gboolean
is_unfinished_write (const char *leaf,
                     const char *id)
{
  return g_str_has_suffix (leaf, ".tmp") &&
         (id == NULL || (g_str_has_prefix (leaf, id) &&
                         g_str_has_prefix (leaf + strlen (id), ".json.")));
}

static void
remove_or_warn (const char *file)
{
  if (g_unlink (file) != 0 && errno != ENOENT)
    g_warning ("Could not remove the recovery file %s: %s", file, g_strerror (errno));
}

void
strata_recovery_discard (const char *dir,
                         const char *id)
{
  g_autofree char *file = NULL;
  g_autoptr(GDir) d = NULL;
  const char *leaf;

  g_return_if_fail (dir != NULL && id != NULL);
  file = entry_file (dir, id);
  remove_or_warn (file);
  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (leaf = g_dir_read_name (d)))
    if (is_unfinished_write (leaf, id))
      {
        g_autofree char *tmp = g_build_filename (dir, leaf, NULL);

        remove_or_warn (tmp);
      }
}

/* A write takes milliseconds; a temporary file a minute old was left by a crash. */
static void
remove_if_stale (const char *file)
{
  GStatBuf st;

  if (g_stat (file, &st) == 0 && st.st_mtime < g_get_real_time () / G_USEC_PER_SEC - 60)
    remove_or_warn (file);
}

static gboolean
process_alive (gint64 pid)
{
  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* @root receives the parsed file, which owns the returned object */
static JsonObject *
read_entry (const char *file,
            JsonNode  **root)
{
  JsonObject *obj;

  *root = strata_json_load_file (file, NULL);
  if (*root == NULL || !JSON_NODE_HOLDS_OBJECT (*root))
    return NULL;
  obj = json_node_get_object (*root);
  if (strata_json_get_int (obj, "version", 0) != RECOVERY_VERSION ||
      strata_json_get_string (obj, "project", NULL) == NULL)
    return NULL;
  return obj;
}

/**
 * strata_recovery_list:
 *
 * Lists what crashed sessions left: the entries of processes that are gone. Entries of
 * running processes, this one included, belong to their windows.
 *
 * Returns: (transfer full) (element-type StrataRecoveryEntry): newest first
 */
GPtrArray *
strata_recovery_list (const char *dir)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_recovery_entry_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *leaf;

  if (d == NULL)
    return entries;
  while ((leaf = g_dir_read_name (d)))
    {
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *file = NULL;
      StrataRecoveryEntry *entry;
      JsonObject *obj;

      file = g_build_filename (dir, leaf, NULL);
      if (is_unfinished_write (leaf, NULL))
        remove_if_stale (file);
      if (!g_str_has_suffix (leaf, ".json"))
        continue;
      obj = read_entry (file, &root);
      if (obj == NULL)
        continue;
      if (process_alive (strata_json_get_int (obj, "pid", 0)))
        continue;
      entry = g_new0 (StrataRecoveryEntry, 1);
      entry->id = g_strndup (leaf, strlen (leaf) - strlen (".json"));
      entry->file = g_steal_pointer (&file);
      entry->path = g_strdup (strata_json_get_string (obj, "path", NULL));
      entry->name = g_strdup (strata_json_get_string (obj, "name", ""));
      entry->saved = strata_json_get_int (obj, "saved", 0);
      g_ptr_array_add (entries, entry);
    }
  for (guint i = 1; i < entries->len; i++)
    for (guint j = i; j > 0; j--)
      {
        StrataRecoveryEntry *a = g_ptr_array_index (entries, j - 1);
        StrataRecoveryEntry *b = g_ptr_array_index (entries, j);

        if (a->saved >= b->saved)
          break;
        entries->pdata[j - 1] = b;
        entries->pdata[j] = a;
      }
  return entries;
}

/**
 * strata_recovery_load:
 *
 * Returns: the recovered project's text, for strata_project_load_from_data()
 */
char *
strata_recovery_load (const StrataRecoveryEntry *entry,
                      GError                   **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;

  g_return_val_if_fail (entry != NULL, NULL);
  obj = read_entry (entry->file, &root);
  if (obj == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The recovered copy of “%s” can't be read"), entry->name);
      return NULL;
    }
  return g_strdup (json_object_get_string_member (obj, "project"));
}
