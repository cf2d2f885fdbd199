/* strata-run-import.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "strata-checkpoint.h"
#include "strata-json.h"
#include "strata-optimizer.h"
#include "strata-run.h"
#include "strata-run-import.h"
#include "strata-safetensors.h"

/*
 * train.py (strata export --pytorch) leaves OUT/checkpoint-last.safetensors (and -best),
 * metrics.jsonl in Strata's format, run.json and settings.json. Its checkpoints have PyTorch
 * names and Strata's layouts, and carry in their metadata the map from each PyTorch name to
 * Strata's tensor name, and the settings. An import makes a new run of them: the run's
 * checkpoints in Strata's format (with the optimizer's slots fresh, so it can be resumed),
 * its metrics, and run.json saying where it came from.
 */

#define CHECKPOINT_FORMAT "strata-pytorch-checkpoint-1"

static JsonNode *
parse_json (const char  *text,
            const char  *what,
            const char  *display,
            GError     **error)
{
  g_autoptr(JsonNode) root = text ? strata_json_load_data (text, -1, NULL) : NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT,
                   _("“%s” has no readable %s"), display, what);
      return NULL;
    }
  return g_steal_pointer (&root);
}

static JsonNode *
read_json_file (const char  *path,
                GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *display = g_filename_display_name (path);

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  return parse_json (text, "JSON", display, error);
}

/* Fills @model's tensors from a train.py checkpoint. */
static gboolean
load_pytorch_checkpoint (const char   *path,
                         StrataModel  *model,
                         GError      **error)
{
  g_autoptr(StrataSafetensors) st = strata_safetensors_open (path, error);
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(JsonNode) map = NULL;
  g_autoptr(GHashTable) by_strata = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *obj;
  g_autoptr(GList) members = NULL;

  if (st == NULL)
    return FALSE;
  if (g_strcmp0 (strata_safetensors_get_metadata (st, "format"), CHECKPOINT_FORMAT) != 0)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT,
                   _("“%s” is not a checkpoint of train.py from a Strata PyTorch export"),
                   display);
      return FALSE;
    }
  map = parse_json (strata_safetensors_get_metadata (st, "strata_tensors"), "tensor names",
                    display, error);
  if (map == NULL)
    return FALSE;
  obj = json_node_get_object (map);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (obj, l->data);

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        g_hash_table_insert (by_strata, (gpointer) json_node_get_string (value), l->data);
    }

  for (guint i = 0; i < strata_model_get_n_tensors (model); i++)
    {
      StrataTensor *t = strata_model_get_tensor (model, i);
      const char *torch_name = g_hash_table_lookup (by_strata, t->name);
      const StrataSafetensorsInfo *info = torch_name ? strata_safetensors_lookup (st, torch_name)
                                                     : NULL;
      gboolean fits = info != NULL && info->rank == t->rank;

      for (int d = 0; fits && d < t->rank; d++)
        fits = info->shape[d] == t->dims[d];
      if (!fits)
        {
          g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT,
                       _("“%s” lacks the weights “%s” of the model, or has them in another "
                         "shape"), display, t->name);
          return FALSE;
        }
      if (!strata_safetensors_read_f32 (st, torch_name, t->data, t->n, error))
        return FALSE;
    }
  strata_model_weights_changed (model);
  return TRUE;
}

static gboolean
save_checkpoint (StrataRun         *run,
                 const char        *which,
                 StrataModel       *model,
                 StrataHyperparams *hp,
                 const char        *source,
                 int                epoch,
                 gint64             step,
                 GError           **error)
{
  g_autofree char *path = strata_run_dup_checkpoint_path (run, which);
  g_autoptr(StrataOptimizer) optimizer = NULL;
  StrataOptimizerConfig config;
  StrataTrainState state = { 0 };
  gboolean ok;

  if (!load_pytorch_checkpoint (source, model, error))
    return FALSE;
  strata_hyperparams_get_optimizer_config (hp, &config);
  optimizer = strata_optimizer_new (&config, model, error);
  if (optimizer == NULL)
    return FALSE;
  state.epoch = epoch;
  state.step = step;
  state.seed = strata_hyperparams_get_seed (hp);
  state.optimizer = g_strdup (strata_hyperparams_get_optimizer (hp));
  ok = strata_checkpoint_save (path, model, optimizer, &state, error);
  strata_train_state_clear (&state);
  return ok;
}

static void
remove_run (StrataRun *run)
{
  g_autoptr(GDir) dir = g_dir_open (strata_run_get_dir (run), 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = strata_run_dup_path (run, name);
      g_unlink (path);
    }
  g_rmdir (strata_run_get_dir (run));
}

static char *
default_name (StrataProject *project,
              JsonObject    *info)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  JsonObject *from = info && json_object_has_member (info, "started_from")
                     ? json_object_get_object_member (info, "started_from") : NULL;
  const char *source = from ? strata_json_get_string (from, "run", NULL)
                            : NULL;
  g_autofree char *base = source ? g_strconcat (source, "-pytorch", NULL) : NULL;

  if (base == NULL || !strata_run_name_is_valid (base))
    return strata_project_dup_new_run_name (project);
  for (guint i = 1;; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, i);
      g_autofree char *dir = g_build_filename (runs_dir, name, NULL);

      if (!g_file_test (dir, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }
}

/**
 * strata_import_run:
 * @path: train.py's output folder, or one of its checkpoint files
 * @name: (nullable): the new run's name; %NULL makes one from the run it started from
 *
 * Adds a run made elsewhere by the train.py of strata_export_pytorch(): its weights (last
 * and, when there is one, best), its metrics and its settings. The project is saved unless
 * it has unsaved changes.
 *
 * Returns: (transfer full) (nullable): the new run's name
 */
char *
strata_import_run (StrataProject  *project,
                   const char     *path,
                   const char     *name,
                   GError        **error)
{
  g_autofree char *last = NULL, *best = NULL, *metrics = NULL, *info_path = NULL;
  g_autofree char *settings_path = NULL, *runs_dir = NULL, *run_name = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(JsonNode) settings = NULL, info_node = NULL;
  g_autoptr(StrataDatasetSettings) dataset_settings = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataHyperparams) hp = NULL;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataRun) run = NULL;
  JsonObject *info = NULL, *run_info;
  gint64 epochs_done, step;
  gboolean was_modified;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      last = g_build_filename (path, "checkpoint-last.safetensors", NULL);
      best = g_build_filename (path, "checkpoint-best.safetensors", NULL);
      metrics = g_build_filename (path, "metrics.jsonl", NULL);
      info_path = g_build_filename (path, "run.json", NULL);
      settings_path = g_build_filename (path, "settings.json", NULL);
      if (!g_file_test (last, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                       _("“%s” has no checkpoint-last.safetensors: is it train.py's output "
                         "folder?"), display);
          return NULL;
        }
      if (!g_file_test (best, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer (&best, g_free);
    }
  else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    last = g_strdup (path);
  else
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("“%s” does not exist"), display);
      return NULL;
    }

  /* the settings: the folder's settings.json, else the checkpoint's copy */
  if (settings_path && g_file_test (settings_path, G_FILE_TEST_IS_REGULAR))
    settings = read_json_file (settings_path, error);
  else
    {
      g_autoptr(StrataSafetensors) st = strata_safetensors_open (last, error);

      if (st == NULL)
        return NULL;
      settings = parse_json (strata_safetensors_get_metadata (st, "settings"), _("settings"),
                             display, error);
    }
  if (settings == NULL)
    return NULL;
  if (!strata_settings_parse (settings, &dataset_settings, &graph, &hp, error))
    return NULL;
  model = strata_model_new (graph, error);
  if (model == NULL)
    return NULL;
  if (info_path && g_file_test (info_path, G_FILE_TEST_IS_REGULAR))
    {
      info_node = read_json_file (info_path, error);
      if (info_node == NULL)
        return NULL;
      info = json_node_get_object (info_node);
    }
  /* check the weights before anything is created */
  if (!load_pytorch_checkpoint (last, model, error))
    return NULL;

  runs_dir = strata_project_dup_runs_dir (project);
  run_name = name ? g_strdup (name) : default_name (project, info);
  run = strata_run_create (runs_dir, run_name, settings, error);
  if (run == NULL)
    return NULL;

  epochs_done = info ? strata_json_get_int (info, "epochs_done", 0) : 0;
  step = info ? strata_json_get_int (info, "steps", 0) : 0;
  if (!save_checkpoint (run, "last", model, hp, last, epochs_done, step, error) ||
      (best && !save_checkpoint (run, "best", model, hp, best, epochs_done, step, error)))
    goto fail;

  if (metrics && g_file_test (metrics, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (metrics, &text, NULL, error))
        goto fail;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          g_autoptr(JsonNode) record = *lines[i] ? strata_json_load_data (lines[i], -1, NULL)
                                                     : NULL;

          if (record && JSON_NODE_HOLDS_OBJECT (record))
            {
              if (!strata_run_append_metrics (run, record, error))
                goto fail;
              json_object_set_object_member (strata_run_get_info (run), "last",
                                             json_object_ref (json_node_get_object (record)));
            }
        }
    }

  run_info = strata_run_get_info (run);
  json_object_set_string_member (run_info, "status",
                                 info ? strata_json_get_string (info, "status",
                                                                                    "finished")
                                      : "finished");
  json_object_set_int_member (run_info, "epochs_done", epochs_done);
  if (info)
    {
      static const char *const copied[] = {
        "epochs", "monitor", "best_epoch", "best_value", "elapsed", "world_size", "device",
      };
      JsonObject *from = json_object_has_member (info, "started_from")
                         ? json_object_get_object_member (info, "started_from") : NULL;

      for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
        if (json_object_has_member (info, copied[i]) &&
            !json_node_is_null (json_object_get_member (info, copied[i])))
          json_object_set_member (run_info, copied[i],
                                  json_node_copy (json_object_get_member (info, copied[i])));
      if (from && strata_json_get_string (from, "run", NULL))
        {
          g_autofree char *init = g_strdup_printf (
            "%s:%s", json_object_get_string_member (from, "run"),
            strata_json_get_string (from, "weights", "last"));
          json_object_set_string_member (run_info, "init_from", init);
        }
    }
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *absolute = g_file_get_path (file);

    json_object_set_string_member (run_info, "imported_from", absolute);
  }
  if (!strata_run_save_info (run, error))
    goto fail;

  /* a project with unsaved edits is left for its owner to save (see strata-runs.c) */
  was_modified = strata_project_get_modified (project);
  strata_project_add_run (project, run_name);
  if (!was_modified && strata_project_get_path (project) != NULL &&
      !strata_project_save (project, error))
    {
      strata_project_remove_run (project, run_name);
      goto fail;
    }
  return g_steal_pointer (&run_name);

fail:
  remove_run (run);
  return NULL;
}
