/* strata-project.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-project"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-atomic-file.h"
#include "strata-json.h"
#include "strata-examples.h"
#include "strata-project.h"

/*
 * {"format_version": 1, "dataset": {…}, "model": {"nodes": […], "links": […]},
 *  "hyperparameters": {…}, "runs": ["run-1", …]}
 *
 * Each run's own files live in NAME.runs/RUN/ beside the project (see strata-run.h).
 */

struct _StrataProject
{
  GObject parent_instance;

  char *path;
  gboolean modified;
  StrataDatasetSettings *dataset;
  StrataGraph *graph;
  StrataHyperparams *hyperparams;
  GPtrArray *runs;            /* run names, oldest first */
  JsonObject *unknown;        /* top-level members this version does not know, or NULL */
};

G_DEFINE_FINAL_TYPE (StrataProject, strata_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RUNS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (strata-project-error-quark, strata_project_error)

static void
mark_modified (StrataProject *self)
{
  strata_project_set_modified (self, TRUE);
}

static void
watch_parts (StrataProject *self)
{
  g_signal_connect_object (self->graph, "changed", G_CALLBACK (mark_modified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->graph, "node-changed", G_CALLBACK (mark_modified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->dataset, "notify", G_CALLBACK (mark_modified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hyperparams, "notify", G_CALLBACK (mark_modified), self,
                           G_CONNECT_SWAPPED);
}

static void
strata_project_finalize (GObject *object)
{
  StrataProject *self = (StrataProject *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_object (&self->dataset);
  g_clear_object (&self->graph);
  g_clear_object (&self->hyperparams);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->unknown, json_object_unref);

  G_OBJECT_CLASS (strata_project_parent_class)->finalize (object);
}

static void
strata_project_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StrataProject *self = STRATA_PROJECT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_project_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StrataProject *self = STRATA_PROJECT (object);

  switch (prop_id)
    {
    case PROP_MODIFIED:
      strata_project_set_modified (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_project_class_init (StrataProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_project_finalize;
  object_class->get_property = strata_project_get_property;
  object_class->set_property = strata_project_set_property;

  /**
   * StrataProject:path:
   *
   * Where the project is saved, or %NULL before the first save.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * StrataProject:modified:
   *
   * Whether there are changes since the last save or load.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataProject::runs-changed:
   *
   * A run was added or removed.
   */
  signals[RUNS_CHANGED] =
    g_signal_new ("runs-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_project_init (StrataProject *self)
{
  self->runs = g_ptr_array_new_with_free_func (g_free);
}

static StrataProject *
project_new_with (StrataDatasetSettings *dataset,
                  StrataGraph           *graph,
                  StrataHyperparams     *hyperparams)
{
  StrataProject *self = g_object_new (STRATA_TYPE_PROJECT, NULL);

  self->dataset = dataset;
  self->graph = graph;
  self->hyperparams = hyperparams;
  watch_parts (self);
  return self;
}

/**
 * strata_project_new:
 *
 * Returns: an untitled project with default settings and an empty model
 */
StrataProject *
strata_project_new (void)
{
  return project_new_with (strata_dataset_settings_new (), strata_graph_new (),
                           strata_hyperparams_new ());
}

/**
 * strata_project_new_example:
 * @example: "fashion-mnist"
 *
 * Returns: an untitled, ready-to-train example project
 */
StrataProject *
strata_project_new_example (const char *example,
                            GError    **error)
{
  g_autoptr(StrataDatasetSettings) dataset = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataHyperparams) hyperparams = NULL;

  if (!strata_examples_build (example, &dataset, &graph, &hyperparams, error))
    return NULL;
  return project_new_with (g_steal_pointer (&dataset), g_steal_pointer (&graph),
                           g_steal_pointer (&hyperparams));
}

/**
 * strata_project_new_for_dataset:
 * @data_path: a folder of class folders, a CSV of `Filename,Label`, or a zip of either
 * @project_dir: where the project will be saved, so the data path can be stored relative
 *
 * Returns: an untitled project that trains a starter network on the images, with the
 *   classes found, a default split and resize
 */
StrataProject *
strata_project_new_for_dataset (const char *data_path,
                                const char *project_dir,
                                GError    **error)
{
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autofree char *absolute_dir = g_canonicalize_filename (project_dir, NULL);
  StrataHyperparams *hyperparams;

  settings = strata_dataset_settings_new_for_path (data_path, error);
  if (settings == NULL)
    return NULL;
  strata_dataset_settings_make_path_relative (settings, absolute_dir);
  dataset = strata_dataset_open (settings, absolute_dir, NULL, error);
  if (dataset == NULL)
    return NULL;
  graph = strata_examples_build_for_dataset (dataset, error);
  if (graph == NULL)
    return NULL;
  hyperparams = strata_hyperparams_new ();
  strata_hyperparams_set_optimizer (hyperparams, "adam");
  g_object_set (hyperparams, "batch-size", 32, "epochs", 20, NULL);
  return project_new_with (g_steal_pointer (&settings), g_steal_pointer (&graph), hyperparams);
}

static gboolean
malformed (GError    **error,
           const char *path,
           const char *why)
{
  g_autofree char *name = path ? g_filename_display_basename (path) : g_strdup (_("project"));

  /* Translators: the first %s is a file name, the second what is wrong with it */
  g_set_error (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_MALFORMED,
               _("“%s” can't be opened as a Strata project: %s"), name, why);
  return FALSE;
}

static JsonNode *
get_section (JsonObject *root,
             const char *name,
             const char *path,
             GError    **error)
{
  JsonNode *node = json_object_get_member (root, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *why = g_strdup_printf (_("the “%s” section is missing"), name);
      malformed (error, path, why);
      return NULL;
    }
  return node;
}

static gboolean
parse_sections (JsonObject             *obj,
                const char             *path,
                StrataDatasetSettings **dataset,
                StrataGraph           **graph,
                StrataHyperparams     **hyperparams,
                GError                **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataHyperparams) hp = strata_hyperparams_new ();
  JsonNode *section;

  if (!(section = get_section (obj, "dataset", path, error)))
    return FALSE;
  *dataset = strata_dataset_settings_new_from_json (section, &local_error);
  if (*dataset == NULL)
    return malformed (error, path, local_error->message);

  if (!(section = get_section (obj, "model", path, error)))
    return FALSE;
  *graph = strata_graph_new_from_json (section, &local_error);
  if (*graph == NULL)
    return malformed (error, path, local_error->message);

  if (!(section = get_section (obj, "hyperparameters", path, error)))
    return FALSE;
  if (!strata_hyperparams_load_json (hp, section, &local_error))
    return malformed (error, path, local_error->message);
  *hyperparams = g_steal_pointer (&hp);
  return TRUE;
}

/**
 * strata_settings_parse:
 * @settings: an object with "dataset", "model" and "hyperparameters", as a project file or a
 *   run's settings.json has
 *
 * Returns: whether all three parts were read; on failure nothing is returned
 */
gboolean
strata_settings_parse (JsonNode               *settings,
                       StrataDatasetSettings **dataset,
                       StrataGraph           **graph,
                       StrataHyperparams     **hyperparams,
                       GError                **error)
{
  g_autoptr(StrataDatasetSettings) d = NULL;
  g_autoptr(StrataGraph) g = NULL;
  g_autoptr(StrataHyperparams) h = NULL;

  if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
    return malformed (error, NULL, _("it is not a JSON object"));
  if (!parse_sections (json_node_get_object (settings), NULL, &d, &g, &h, error))
    return FALSE;
  *dataset = g_steal_pointer (&d);
  *graph = g_steal_pointer (&g);
  *hyperparams = g_steal_pointer (&h);
  return TRUE;
}

StrataProject *
strata_project_load_from_data (const char *data,
                               gssize      length,
                               const char *path,
                               GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataDatasetSettings) dataset = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataHyperparams) hyperparams = NULL;
  g_autoptr(StrataProject) self = NULL;
  JsonNode *version;
  JsonObject *obj;

  root = strata_json_load_data (data, length, &local_error);
  if (root == NULL)
    return malformed (error, path, local_error->message), NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, path, _("it is not a JSON object")), NULL;
  obj = json_node_get_object (root);

  version = json_object_get_member (obj, "format_version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    return malformed (error, path, _("it has no format_version")), NULL;
  if (json_node_get_int (version) > STRATA_PROJECT_FORMAT_VERSION)
    {
      g_autofree char *name = path ? g_filename_display_basename (path) : g_strdup ("");
      g_set_error (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_TOO_NEW,
                   _("“%s” was saved by a newer version of Strata (format %lld); this version reads "
                     "format %d. Update Strata to open it."),
                   name, (long long) json_node_get_int (version), STRATA_PROJECT_FORMAT_VERSION);
      return NULL;
    }
  if (json_node_get_int (version) < 1)
    return malformed (error, path, _("its format_version is not valid")), NULL;

  if (!parse_sections (obj, path, &dataset, &graph, &hyperparams, error))
    return NULL;

  self = project_new_with (g_steal_pointer (&dataset), g_steal_pointer (&graph),
                           g_steal_pointer (&hyperparams));
  self->path = g_strdup (path);

  if (json_object_has_member (obj, "runs"))
    {
      JsonNode *runs = json_object_get_member (obj, "runs");
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (runs) ? json_node_get_array (runs) : NULL;

      for (guint i = 0; array && i < json_array_get_length (array); i++)
        {
          JsonNode *name = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            return malformed (error, path, _("the list of runs holds something else than "
                                             "names")), NULL;
          g_ptr_array_add (self->runs, g_strdup (json_node_get_string (name)));
        }
      if (array == NULL)
        return malformed (error, path, _("“runs” is not a list")), NULL;
    }

  /* Members a later version (or a user's tool) added are kept and written back on save. */
  {
    g_autoptr(GList) members = json_object_get_members (obj);
    static const char *const known[] = {
      "format_version", "dataset", "model", "hyperparameters", "runs", NULL,
    };

    for (GList *l = members; l; l = l->next)
      if (!g_strv_contains (known, l->data))
        {
          if (self->unknown == NULL)
            self->unknown = json_object_new ();
          json_object_set_member (self->unknown, l->data,
                                  json_node_copy (json_object_get_member (obj, l->data)));
        }
  }
  return g_steal_pointer (&self);
}

StrataProject *
strata_project_load (const char *path,
                     GError    **error)
{
  g_autofree char *data = NULL;
  g_autofree char *absolute = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  absolute = g_canonicalize_filename (path, NULL);
  if (!g_file_get_contents (absolute, &data, &length, &local_error))
    {
      g_set_error_literal (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_NOT_FOUND,
                           local_error->message);
      return NULL;
    }
  return strata_project_load_from_data (data, length, absolute, error);
}

JsonNode *
strata_project_dup_settings_json (StrataProject *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format_version");
  json_builder_add_int_value (b, STRATA_PROJECT_FORMAT_VERSION);
  json_builder_set_member_name (b, "dataset");
  json_builder_add_value (b, strata_dataset_settings_to_json (self->dataset));
  json_builder_set_member_name (b, "model");
  json_builder_add_value (b, strata_graph_to_json (self->graph));
  json_builder_set_member_name (b, "hyperparameters");
  json_builder_add_value (b, strata_hyperparams_to_json (self->hyperparams));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

char *
strata_project_to_data (StrataProject *self,
                        gsize         *length)
{
  g_autoptr(JsonNode) root = strata_project_dup_settings_json (self);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonArray *runs = json_array_new ();

  for (guint i = 0; i < self->runs->len; i++)
    json_array_add_string_element (runs, g_ptr_array_index (self->runs, i));
  json_object_set_array_member (json_node_get_object (root), "runs", runs);
  if (self->unknown != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (self->unknown);

      for (GList *l = members; l; l = l->next)
        json_object_set_member (json_node_get_object (root), l->data,
                                json_node_copy (json_object_get_member (self->unknown,
                                                                        l->data)));
    }

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  return json_generator_to_data (gen, length);
}

gboolean
strata_project_save_as (StrataProject *self,
                        const char    *path,
                        GError       **error)
{
  g_autofree char *data = NULL;
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  gsize length;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  data = strata_project_to_data (self, &length);
  {
    /* a save killed mid-write left its temporary copy beside the project: this one clears it */
    g_autofree char *folder = g_path_get_dirname (absolute);

    strata_atomic_file_sweep (folder, STRATA_ATOMIC_FILE_STALE_SECONDS);
  }
  if (!strata_write_file_atomic (absolute, data, length, error))
    return FALSE;
  if (g_strcmp0 (self->path, absolute) != 0)
    {
      g_free (self->path);
      self->path = g_steal_pointer (&absolute);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
  strata_project_set_modified (self, FALSE);
  return TRUE;
}

gboolean
strata_project_save (StrataProject *self,
                     GError       **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (self->path != NULL, FALSE);

  return strata_project_save_as (self, self->path, error);
}

const char *
strata_project_get_path (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->path;
}

/**
 * strata_project_dup_name:
 *
 * Returns: the file name without ".strata", or "Untitled" before the first save
 */
char *
strata_project_dup_name (StrataProject *self)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  if (self->path == NULL)
    return g_strdup (_("Untitled"));
  base = g_path_get_basename (self->path);
  if (g_str_has_suffix (base, ".strata"))
    base[strlen (base) - strlen (".strata")] = '\0';
  return g_steal_pointer (&base);
}

char *
strata_project_dup_base_dir (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->path ? g_path_get_dirname (self->path) : g_get_current_dir ();
}

/**
 * strata_project_dup_runs_dir:
 *
 * Returns: "DIR/NAME.runs", where the project's runs keep their files
 */
char *
strata_project_dup_runs_dir (StrataProject *self)
{
  g_autofree char *dir = strata_project_dup_base_dir (self);
  g_autofree char *name = strata_project_dup_name (self);
  g_autofree char *leaf = g_strconcat (name, ".runs", NULL);

  return g_build_filename (dir, leaf, NULL);
}

gboolean
strata_project_get_modified (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);
  return self->modified;
}

void
strata_project_set_modified (StrataProject *self,
                             gboolean       modified)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));

  modified = !!modified;
  if (self->modified == modified)
    return;
  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

StrataGraph *
strata_project_get_graph (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->graph;
}

StrataDatasetSettings *
strata_project_get_dataset (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->dataset;
}

StrataHyperparams *
strata_project_get_hyperparams (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->hyperparams;
}

GStrv
strata_project_dup_run_names (StrataProject *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  for (guint i = 0; i < self->runs->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->runs, i));
  return g_strv_builder_end (builder);
}

static gboolean
find_run (StrataProject *self,
          const char    *name,
          guint         *index)
{
  for (guint i = 0; i < self->runs->len; i++)
    if (g_str_equal (g_ptr_array_index (self->runs, i), name))
      {
        if (index)
          *index = i;
        return TRUE;
      }
  return FALSE;
}

void
strata_project_add_run (StrataProject *self,
                        const char    *name)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));

  if (find_run (self, name, NULL))
    return;
  g_ptr_array_add (self->runs, g_strdup (name));
  g_signal_emit (self, signals[RUNS_CHANGED], 0);
  mark_modified (self);
}

gboolean
strata_project_remove_run (StrataProject *self,
                           const char    *name)
{
  guint index;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);

  if (!find_run (self, name, &index))
    return FALSE;
  g_ptr_array_remove_index (self->runs, index);
  g_signal_emit (self, signals[RUNS_CHANGED], 0);
  mark_modified (self);
  return TRUE;
}

/**
 * strata_project_rename_run:
 *
 * Renames a run in the list, keeping its place. The run's folder is the caller's business
 * (see strata_runs_rename()).
 *
 * Returns: %FALSE when there is no run @name
 */
gboolean
strata_project_rename_run (StrataProject *self,
                           const char    *name,
                           const char    *new_name)
{
  guint index;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (new_name != NULL, FALSE);

  if (!find_run (self, name, &index))
    return FALSE;
  g_free (g_ptr_array_index (self->runs, index));
  g_ptr_array_index (self->runs, index) = g_strdup (new_name);
  g_signal_emit (self, signals[RUNS_CHANGED], 0);
  mark_modified (self);
  return TRUE;
}

/**
 * strata_project_dup_new_run_name:
 *
 * Returns: the first free "run-N", counting runs listed or present on disk
 */
char *
strata_project_dup_new_run_name (StrataProject *self)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (self);

  for (guint i = 1;; i++)
    {
      g_autofree char *name = g_strdup_printf ("run-%u", i);
      g_autofree char *dir = g_build_filename (runs_dir, name, NULL);

      if (!find_run (self, name, NULL) && !g_file_test (dir, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }
}
