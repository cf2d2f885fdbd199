/* strata-runs.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "strata-remove-tree.h"
#include "strata-run.h"
#include "strata-runs.h"
#include "strata-json.h"

/*
 * A run is its folder plus its name in the project's list. Every operation here moves the
 * folder with one rename() and changes the list. The project is saved at once when it had
 * no unsaved changes, so that the list on disk follows the folders; when the save fails the
 * folder is moved back. A project with unsaved edits (a window's) is not saved behind the
 * user's back: it is marked modified and its next save writes the list.
 */

static gboolean
save_project (StrataProject  *project,
              gboolean        was_modified,
              GError        **error)
{
  if (was_modified || strata_project_get_path (project) == NULL)
    return TRUE;
  return strata_project_save (project, error);
}

static gboolean
rename_dir (const char  *from,
            const char  *to,
            GError     **error)
{
  if (g_rename (from, to) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (from);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not move “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Runs started from @old_name's weights now name @new_name. Best effort: a run that can't be
 * updated keeps the old reference, which only affects what the Results page shows. */
static void
update_init_from (StrataProject *project,
                  const char    *old_name,
                  const char    *new_name)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  g_auto(GStrv) names = strata_project_dup_run_names (project);

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(StrataRun) run = strata_run_open (runs_dir, names[i], NULL);
      g_auto(GStrv) parts = NULL;
      const char *init_from;
      g_autofree char *updated = NULL;
      g_autoptr(GError) error = NULL;

      if (run == NULL)
        continue;
      init_from = strata_json_get_string (strata_run_get_info (run),
                                                              "init_from", NULL);
      if (init_from == NULL)
        continue;
      parts = g_strsplit (init_from, ":", 2);
      if (!g_str_equal (parts[0], old_name))
        continue;
      updated = parts[1] ? g_strconcat (new_name, ":", parts[1], NULL) : g_strdup (new_name);
      json_object_set_string_member (strata_run_get_info (run), "init_from", updated);
      if (!strata_run_save_info (run, &error))
        g_warning ("Could not update run “%s”: %s", names[i], error->message);
    }
}

/**
 * strata_runs_rename:
 * @name: an existing run
 * @new_name: a free, valid run name (see strata_run_name_is_valid())
 *
 * Renames the run's folder, its run.json and its entry in the project, and the references of
 * runs that started from its weights. The project is saved unless it has unsaved changes
 * (then it is left modified for its owner to save).
 */
gboolean
strata_runs_rename (StrataProject  *project,
                    const char     *name,
                    const char     *new_name,
                    GError        **error)
{
  g_autofree char *runs_dir = NULL, *from = NULL, *to = NULL;
  g_autoptr(StrataRun) run = NULL;
  gboolean was_modified;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), FALSE);

  if (!strata_run_name_is_valid (new_name))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_BAD_NAME,
                   _("“%s” can't be a run name: use letters, digits, “-”, “_” and “.”"),
                   new_name ? new_name : "");
      return FALSE;
    }
  runs_dir = strata_project_dup_runs_dir (project);
  run = strata_run_open (runs_dir, name, error);
  if (run == NULL)
    return FALSE;
  g_clear_object (&run);
  if (g_str_equal (name, new_name))
    return TRUE;

  from = g_build_filename (runs_dir, name, NULL);
  to = g_build_filename (runs_dir, new_name, NULL);
  if (g_file_test (to, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_EXISTS,
                   _("There is already a run named “%s”"), new_name);
      return FALSE;
    }
  was_modified = strata_project_get_modified (project);
  if (!rename_dir (from, to, error))
    return FALSE;

  run = strata_run_open (runs_dir, new_name, error);
  if (run != NULL)
    {
      json_object_set_string_member (strata_run_get_info (run), "name", new_name);
      if (!strata_run_save_info (run, error))
        g_clear_object (&run);
    }
  if (run == NULL)
    {
      g_rename (to, from);
      return FALSE;
    }

  /* before the list changes: whoever redraws on runs-changed sees the new references */
  update_init_from (project, name, new_name);
  if (!strata_project_rename_run (project, name, new_name))
    strata_project_add_run (project, new_name);
  if (!save_project (project, was_modified, error))
    {
      g_rename (to, from);
      json_object_set_string_member (strata_run_get_info (run), "name", name);
      strata_project_rename_run (project, new_name, name);
      update_init_from (project, new_name, name);
      return FALSE;
    }
  return TRUE;
}

/**
 * strata_runs_trash:
 * @name: an existing run
 *
 * Deletes a run so that it can be brought back: its folder moves to NAME.runs/.trash/ and it
 * leaves the project's list (saved as strata_runs_rename() saves).
 *
 * Returns: (transfer full): the id that strata_runs_restore() takes, or %NULL on error
 */
char *
strata_runs_trash (StrataProject  *project,
                   const char     *name,
                   GError        **error)
{
  g_autofree char *runs_dir = NULL, *trash_dir = NULL, *from = NULL, *to = NULL;
  g_autofree char *id = NULL, *stamp = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean listed, was_modified;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  was_modified = strata_project_get_modified (project);
  runs_dir = strata_project_dup_runs_dir (project);
  if (!strata_run_name_is_valid (name) || !g_file_test ((from = g_build_filename (runs_dir, name,
                                                                                 NULL)),
                                                         G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("There is no run named “%s”"), name ? name : "");
      return NULL;
    }

  trash_dir = g_build_filename (runs_dir, STRATA_RUNS_TRASH_DIR, NULL);
  if (g_mkdir_with_parents (trash_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not make the folder for deleted runs: %s"), g_strerror (saved_errno));
      return NULL;
    }
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  for (guint i = 0; id == NULL || g_file_test (to, G_FILE_TEST_EXISTS); i++)
    {
      g_free (id);
      g_free (to);
      id = i ? g_strdup_printf ("%s@%s-%u", name, stamp, i) : g_strdup_printf ("%s@%s", name,
                                                                                stamp);
      to = g_build_filename (trash_dir, id, NULL);
    }
  if (!rename_dir (from, to, error))
    return NULL;

  listed = strata_project_remove_run (project, name);
  if (!save_project (project, was_modified, error))
    {
      g_rename (to, from);
      if (listed)
        strata_project_add_run (project, name);
      return NULL;
    }
  return g_steal_pointer (&id);
}

/**
 * strata_runs_restore:
 * @trash_id: what strata_runs_trash() returned
 *
 * Brings a deleted run back under its name, at the end of the project's list.
 *
 * Returns: (transfer full): the run's name, or %NULL on error (also when a run of that name
 *   exists again)
 */
char *
strata_runs_restore (StrataProject  *project,
                     const char     *trash_id,
                     GError        **error)
{
  g_autofree char *runs_dir = NULL, *from = NULL, *to = NULL, *name = NULL;
  gboolean was_modified;
  const char *at;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  was_modified = strata_project_get_modified (project);
  at = trash_id ? strchr (trash_id, '@') : NULL;
  name = at ? g_strndup (trash_id, at - trash_id) : NULL;
  runs_dir = strata_project_dup_runs_dir (project);
  if (name == NULL || !strata_run_name_is_valid (name) || strchr (trash_id, '/') != NULL ||
      !g_file_test ((from = g_build_filename (runs_dir, STRATA_RUNS_TRASH_DIR, trash_id, NULL)),
                    G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("The deleted run “%s” is no longer there"), trash_id ? trash_id : "");
      return NULL;
    }
  to = g_build_filename (runs_dir, name, NULL);
  if (g_file_test (to, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_EXISTS,
                   _("There is already a run named “%s”; rename it before restoring the "
                     "deleted one"), name);
      return NULL;
    }
  if (!rename_dir (from, to, error))
    return NULL;
  strata_project_add_run (project, name);
  if (!save_project (project, was_modified, error))
    {
      g_rename (to, from);
      strata_project_remove_run (project, name);
      return NULL;
    }
  return g_steal_pointer (&name);
}

/**
 * strata_runs_empty_trash:
 *
 * Deletes the deleted runs for good.
 */
gboolean
strata_runs_empty_trash (StrataProject  *project,
                         GError        **error)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  g_autofree char *trash_dir = g_build_filename (runs_dir, STRATA_RUNS_TRASH_DIR, NULL);

  if (!g_file_test (trash_dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  return strata_remove_tree (trash_dir, error);
}

/* Settings diff -------------------------------------------------------------------------- */

void
strata_settings_change_free (StrataSettingsChange *change)
{
  if (change == NULL)
    return;
  g_free (change->key);
  g_clear_pointer (&change->before, json_node_unref);
  g_clear_pointer (&change->after, json_node_unref);
  g_free (change);
}

static void
add_change (GPtrArray  *changes,
            const char *key,
            JsonNode   *before,
            JsonNode   *after)
{
  StrataSettingsChange *change = g_new0 (StrataSettingsChange, 1);

  change->key = g_strdup (key);
  change->before = before ? json_node_copy (before) : NULL;
  change->after = after ? json_node_copy (after) : NULL;
  g_ptr_array_add (changes, change);
}

static char *
join_key (const char *prefix,
          const char *member)
{
  return *prefix ? g_strconcat (prefix, ".", member, NULL) : g_strdup (member);
}

/* Where a node sits on the canvas changes nothing about training. */
static gboolean
ignored (const char *key)
{
  return g_str_has_prefix (key, "model.nodes.") && g_str_has_suffix (key, ".position");
}

static void diff_nodes (GPtrArray *changes, const char *key, JsonNode *a, JsonNode *b);

static void
diff_values (GPtrArray  *changes,
             const char *key,
             JsonNode   *a,
             JsonNode   *b)
{
  if (ignored (key))
    return;
  if (a == NULL || b == NULL)
    {
      if (a != b)
        add_change (changes, key, a, b);
      return;
    }
  if (g_str_equal (key, "model.nodes") && JSON_NODE_HOLDS_ARRAY (a) && JSON_NODE_HOLDS_ARRAY (b))
    {
      diff_nodes (changes, key, a, b);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (a) && JSON_NODE_HOLDS_OBJECT (b))
    {
      JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
      g_autoptr(GList) members_a = json_object_get_members (oa);
      g_autoptr(GList) members_b = json_object_get_members (ob);

      for (GList *l = members_a; l; l = l->next)
        {
          g_autofree char *sub = join_key (key, l->data);
          diff_values (changes, sub, json_object_get_member (oa, l->data),
                       json_object_get_member (ob, l->data));
        }
      for (GList *l = members_b; l; l = l->next)
        if (!json_object_has_member (oa, l->data))
          {
            g_autofree char *sub = join_key (key, l->data);
            diff_values (changes, sub, NULL, json_object_get_member (ob, l->data));
          }
      return;
    }
  /* Arrays of objects (the augmentation stages) are compared item by item; arrays of plain
   * values (a kernel size, the class list) as one value. */
  if (JSON_NODE_HOLDS_ARRAY (a) && JSON_NODE_HOLDS_ARRAY (b))
    {
      JsonArray *xa = json_node_get_array (a), *xb = json_node_get_array (b);
      guint na = json_array_get_length (xa), nb = json_array_get_length (xb);
      gboolean objects = na + nb > 0;

      for (guint i = 0; i < na; i++)
        objects = objects && JSON_NODE_HOLDS_OBJECT (json_array_get_element (xa, i));
      for (guint i = 0; i < nb; i++)
        objects = objects && JSON_NODE_HOLDS_OBJECT (json_array_get_element (xb, i));
      if (objects)
        {
          for (guint i = 0; i < MAX (na, nb); i++)
            {
              g_autofree char *sub = g_strdup_printf ("%s[%u]", key, i);
              diff_values (changes, sub, i < na ? json_array_get_element (xa, i) : NULL,
                           i < nb ? json_array_get_element (xb, i) : NULL);
            }
          return;
        }
    }
  if (!json_node_equal (a, b))
    add_change (changes, key, a, b);
}

static JsonNode *
find_node (JsonArray  *nodes,
           const char *id)
{
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonNode *node = json_array_get_element (nodes, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (strata_json_get_string (json_node_get_object (node), "id",
                                                                 NULL), id) == 0)
        return node;
    }
  return NULL;
}

static const char *
node_id (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return strata_json_get_string (json_node_get_object (node), "id", NULL);
}

/* Layers are matched by id, so that adding one doesn't shift every later one. */
static void
diff_nodes (GPtrArray  *changes,
            const char *key,
            JsonNode   *a,
            JsonNode   *b)
{
  JsonArray *xa = json_node_get_array (a), *xb = json_node_get_array (b);

  for (guint i = 0; i < json_array_get_length (xa); i++)
    {
      JsonNode *na = json_array_get_element (xa, i);
      const char *id = node_id (na);
      g_autofree char *sub = NULL;

      if (id == NULL)
        continue;
      sub = g_strconcat (key, ".", id, NULL);
      diff_values (changes, sub, na, find_node (xb, id));
    }
  for (guint i = 0; i < json_array_get_length (xb); i++)
    {
      JsonNode *nb = json_array_get_element (xb, i);
      const char *id = node_id (nb);

      if (id != NULL && find_node (xa, id) == NULL)
        {
          g_autofree char *sub = g_strconcat (key, ".", id, NULL);
          diff_values (changes, sub, NULL, nb);
        }
    }
}

/**
 * strata_settings_diff:
 * @a: a run's settings.json (or any JSON)
 * @b: another
 *
 * What differs between two runs' settings, as a list of keys with both values. Node
 * positions on the canvas are not compared.
 *
 * Returns: (transfer full) (element-type StrataSettingsChange): the changes, in the order of
 *   @a's members, then those only @b has
 */
GPtrArray *
strata_settings_diff (JsonNode *a,
                      JsonNode *b)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_settings_change_free);

  diff_values (changes, "", a, b);
  return changes;
}

/**
 * strata_runs_diff:
 *
 * strata_settings_diff() of two runs' settings.
 *
 * Returns: (transfer full) (element-type StrataSettingsChange) (nullable): the changes, or
 *   %NULL when a run can't be read
 */
GPtrArray *
strata_runs_diff (StrataProject  *project,
                  const char     *run_a,
                  const char     *run_b,
                  GError        **error)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  g_autoptr(StrataRun) a = strata_run_open (runs_dir, run_a, error);
  g_autoptr(StrataRun) b = a ? strata_run_open (runs_dir, run_b, error) : NULL;

  if (b == NULL)
    return NULL;
  return strata_settings_diff (strata_run_get_settings (a), strata_run_get_settings (b));
}

/**
 * strata_settings_diff_to_json:
 *
 * Returns: (transfer full): [{"key": …, "before": …, "after": …}, …], a missing value as null
 */
JsonNode *
strata_settings_diff_to_json (GPtrArray *changes)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < changes->len; i++)
    {
      StrataSettingsChange *change = g_ptr_array_index (changes, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, change->key);
      json_builder_set_member_name (b, "before");
      if (change->before)
        json_builder_add_value (b, json_node_copy (change->before));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "after");
      if (change->after)
        json_builder_add_value (b, json_node_copy (change->after));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}
