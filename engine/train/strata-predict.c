/* strata-predict.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "strata-atomic-file.h"
#include "strata-checkpoint.h"
#include "strata-plan.h"
#include "strata-predict.h"
#include "strata-run.h"
#include "strata-session.h"
#include "strata-threads.h"

/*
 * A predictor is a run's model with its weights, ready to take images. Files are prepared
 * by strata_preprocess_image_file(), which decodes, resizes and normalises exactly as the
 * run's loader did without augmentation; a split goes through a loader as in evaluation.
 * The predictor needs the dataset only for predict_split(), so a run's model still
 * predicts when its training images are gone.
 */

#define PREDICT_BATCH 32

struct _StrataPredictor
{
  StrataProject *project;
  char *run;
  char *weights;
  JsonNode *settings;
  StrataDatasetSettings *dataset_settings;
  StrataModel *model;
  StrataPlan *plan;
  GStrv classes;
};

void
strata_image_prediction_free (StrataImagePrediction *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->name);
  g_free (self->probabilities);
  g_free (self->error);
  g_free (self);
}

/**
 * strata_image_prediction_get_top:
 * @k: how many classes
 * @classes: (out caller-allocates) (array length=k): the most likely classes, best first
 * @probabilities: (out caller-allocates) (array length=k) (optional): their probabilities
 *
 * Returns: how many were filled: min(@k, classes), 0 for a failed image
 */
guint
strata_image_prediction_get_top (const StrataImagePrediction *self,
                                 guint                        k,
                                 gint32                      *classes,
                                 float                       *probabilities)
{
  guint filled = 0;

  if (self->probabilities == NULL || k == 0)
    return 0;
  k = MIN (k, self->n_classes);
  /* insertion into the sorted top @k; ties keep the lower class first */
  for (guint c = 0; c < self->n_classes; c++)
    {
      float p = self->probabilities[c];
      guint at;

      if (filled == k && p <= self->probabilities[classes[k - 1]])
        continue;
      at = filled < k ? filled : k - 1;
      while (at > 0 && self->probabilities[classes[at - 1]] < p)
        {
          classes[at] = classes[at - 1];
          at--;
        }
      classes[at] = c;
      if (filled < k)
        filled++;
    }
  if (probabilities)
    for (guint j = 0; j < filled; j++)
      probabilities[j] = self->probabilities[classes[j]];
  return filled;
}

void
strata_predictor_free (StrataPredictor *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->project);
  g_free (self->run);
  g_free (self->weights);
  g_clear_pointer (&self->settings, json_node_unref);
  g_clear_object (&self->dataset_settings);
  g_clear_object (&self->model);
  g_clear_pointer (&self->plan, strata_plan_free);
  g_strfreev (self->classes);
  g_free (self);
}

/* The Output names the classes; a run whose Output doesn't gets them from its dataset. */
static GStrv
find_classes (StrataPredictor *self,
              StrataGraph     *graph)
{
  StrataNode *output = strata_graph_find_output (graph);
  guint k = strata_model_get_n_classes (self->model);
  g_autofree const char **named = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (output)
    named = g_variant_get_strv (strata_node_get_param (output, "classes"), NULL);
  if (named && g_strv_length ((char **) named) == k)
    return g_strdupv ((char **) named);
  {
    g_autofree char *base_dir = strata_project_dup_base_dir (self->project);
    g_autoptr(StrataDataset) dataset = strata_dataset_open (self->dataset_settings, base_dir,
                                                            NULL, NULL);

    if (dataset && strata_dataset_get_n_classes (dataset) == k)
      return g_strdupv ((char **) strata_dataset_get_class_names (dataset));
  }
  for (guint c = 0; c < k; c++)
    {
      g_autofree char *number = g_strdup_printf ("%u", c);
      g_strv_builder_add (builder, number);
    }
  return g_strv_builder_end (builder);
}

/**
 * strata_predictor_new:
 * @run: the run whose weights predict
 * @weights: (nullable): "best" or "last"; %NULL takes best when the run has it
 *
 * Returns: (transfer full) (nullable): the predictor, or %NULL when the run, its settings or
 *   its checkpoint can't be read
 */
StrataPredictor *
strata_predictor_new (StrataProject  *project,
                      const char     *run_name,
                      const char     *weights,
                      GError        **error)
{
  g_autoptr(StrataPredictor) self = g_new0 (StrataPredictor, 1);
  g_autofree char *runs_dir = NULL, *checkpoint = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataHyperparams) hyperparams = NULL;
  StrataPlanOptions plan_options = { .mode = STRATA_PLAN_INFER, .batch = PREDICT_BATCH };
  StrataShape input;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  runs_dir = strata_project_dup_runs_dir (project);
  run = strata_run_open (runs_dir, run_name, error);
  if (run == NULL)
    return NULL;
  self->project = g_object_ref (project);
  self->run = g_strdup (run_name);
  self->settings = json_node_copy (strata_run_get_settings (run));
  if (!strata_settings_parse (self->settings, &self->dataset_settings, &graph, &hyperparams,
                              error))
    return NULL;
  self->model = strata_model_new (graph, error);
  if (self->model == NULL)
    return NULL;

  input = strata_model_get_input_shape (self->model);
  if (input.rank != 3 ||
      (guint) input.dims[0] != strata_dataset_settings_get_image_height (self->dataset_settings) ||
      (guint) input.dims[1] != strata_dataset_settings_get_image_width (self->dataset_settings) ||
      (guint) input.dims[2] != strata_dataset_settings_get_image_channels (self->dataset_settings))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT,
                   _("Run “%s” has a model whose input does not match its image size"),
                   run_name);
      return NULL;
    }

  if (weights == NULL)
    weights = strata_run_has_checkpoint (run, "best") ? "best" : "last";
  if (!g_str_equal (weights, "best") && !g_str_equal (weights, "last"))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("The weights are “best” or “last”, not “%s”"), weights);
      return NULL;
    }
  if (!strata_run_has_checkpoint (run, weights))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("Run “%s” has no %s checkpoint yet; train it first"), run_name, weights);
      return NULL;
    }
  self->weights = g_strdup (weights);
  checkpoint = strata_run_dup_checkpoint_path (run, weights);
  if (!strata_checkpoint_load (checkpoint, self->model, NULL, NULL, error))
    return NULL;
  self->classes = find_classes (self, graph);

  /* the cores available now, no more than the user allows (see strata-threads.c) */
  strata_threads_use (strata_threads_get_default ());
  self->plan = strata_plan_new (self->model, &plan_options, error);
  if (self->plan == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * strata_predictor_get_model:
 *
 * Returns: (transfer none): the model, with the run's weights
 */
StrataModel *
strata_predictor_get_model (StrataPredictor *self)
{
  return self->model;
}

/**
 * strata_predictor_get_dataset_settings:
 *
 * Returns: (transfer none): the run's dataset settings: image size, resize, normalisation
 */
StrataDatasetSettings *
strata_predictor_get_dataset_settings (StrataPredictor *self)
{
  return self->dataset_settings;
}

/**
 * strata_predictor_get_classes:
 *
 * Returns: (transfer none): the class names, in the order of the model's outputs
 */
const char *const *
strata_predictor_get_classes (StrataPredictor *self)
{
  return (const char *const *) self->classes;
}

/**
 * strata_predictor_get_weights:
 *
 * Returns: "best" or "last"
 */
const char *
strata_predictor_get_weights (StrataPredictor *self)
{
  return self->weights;
}

/* Listing ------------------------------------------------------------------------------- */

static gboolean
is_image_name (const char *name)
{
  static const char *const extensions[] = {
    ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", NULL
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; extensions[i]; i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const StrataImagePrediction *x = *(StrataImagePrediction **) a;
  const StrataImagePrediction *y = *(StrataImagePrediction **) b;

  return strcmp (x->name, y->name);
}

/* A folder's images, walked as the dataset's folders are (strata-source-files.c): each folder
 * once, known by device and inode, so that "s -> ." or "up -> .." end; links to folders
 * followed only inside the folder given; the depth and the entries bounded; only regular
 * files, as a FIFO would block the reader for ever. */
#define LIST_MAX_DEPTH 16
#define LIST_MAX_ENTRIES (1u << 24)

typedef struct
{
  const char *root;          /* canonical, without links */
  GHashTable *visited;       /* "device:inode" of every folder listed */
  GPtrArray *found;
  guint n_entries;
} Listing;

static gboolean
visit_folder (Listing        *listing,
              const GStatBuf *st)
{
  return g_hash_table_add (listing->visited,
                           g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
                                            (guint64) st->st_dev, (guint64) st->st_ino));
}

static gboolean
inside_root (Listing    *listing,
             const char *real)
{
  gsize n = strlen (listing->root);

  if (g_str_equal (listing->root, "/"))
    return TRUE;
  return strncmp (real, listing->root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

static gboolean
list_folder (Listing     *listing,
             const char  *dir_path,
             const char  *relative,
             guint        depth,
             GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, error);
  const char *entry;

  if (dir == NULL)
    return FALSE;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = relative ? g_build_filename (relative, entry, NULL)
                                      : g_strdup (entry);
      g_autofree char *full = g_build_filename (dir_path, entry, NULL);
      GStatBuf st;

      if (entry[0] == '.')
        continue;
      if (++listing->n_entries > LIST_MAX_ENTRIES)
        {
          g_autofree char *display = g_filename_display_name (listing->root);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("“%s” holds more than %u files and folders; choose a smaller "
                         "folder"), display, LIST_MAX_ENTRIES);
          return FALSE;
        }
      if (g_stat (full, &st) != 0)
        continue;    /* a link to nothing, or gone since */
      if (S_ISDIR (st.st_mode))
        {
          g_autofree char *real = NULL;
          char *resolved;

          if (depth >= LIST_MAX_DEPTH)
            continue;
          resolved = realpath (full, NULL);
          real = g_strdup (resolved);
          free (resolved);
          if (real == NULL || !inside_root (listing, real) || !visit_folder (listing, &st))
            continue;
          if (!list_folder (listing, real, rel, depth + 1, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode) && is_image_name (entry))
        {
          StrataImagePrediction *item = g_new0 (StrataImagePrediction, 1);

          item->path = g_steal_pointer (&full);
          item->name = g_steal_pointer (&rel);
          item->label = -1;
          item->predicted = -1;
          g_ptr_array_add (listing->found, item);
        }
    }
  return TRUE;
}

/**
 * strata_predict_list_images:
 * @paths: image files and folders
 *
 * The images @paths name: files as given, and the image files (by extension) in folders and
 * their subfolders, sorted by their path inside the folder. Hidden files are skipped.
 *
 * Returns: (transfer full) (element-type StrataImagePrediction): predictions without
 *   results yet, or %NULL when a path does not exist
 */
GPtrArray *
strata_predict_list_images (const char *const  *paths,
                            GError            **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (
                                 (GDestroyNotify) strata_image_prediction_free);

  for (guint i = 0; paths && paths[i]; i++)
    {
      if (g_file_test (paths[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GPtrArray) folder = g_ptr_array_new_with_free_func (
                                          (GDestroyNotify) strata_image_prediction_free);
          g_autoptr(GHashTable) visited = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                 g_free, NULL);
          char *resolved = realpath (paths[i], NULL);
          g_autofree char *root = g_strdup (resolved);
          Listing listing = { root, visited, folder, 0 };
          GStatBuf st;

          free (resolved);
          if (root == NULL || g_stat (root, &st) != 0)
            {
              int saved = errno;
              g_autofree char *display = g_filename_display_name (paths[i]);

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not read the folder “%s”: %s"), display,
                           g_strerror (saved));
              return NULL;
            }
          visit_folder (&listing, &st);
          if (!list_folder (&listing, root, NULL, 0, error))
            return NULL;
          g_ptr_array_sort (folder, compare_names);
          g_ptr_array_set_free_func (folder, NULL);   /* the items move to @found */
          for (guint k = 0; k < folder->len; k++)
            g_ptr_array_add (found, g_ptr_array_index (folder, k));
        }
      else if (g_file_test (paths[i], G_FILE_TEST_EXISTS))
        {
          StrataImagePrediction *item = g_new0 (StrataImagePrediction, 1);

          item->path = g_strdup (paths[i]);
          item->name = g_strdup (paths[i]);
          item->label = -1;
          item->predicted = -1;
          g_ptr_array_add (found, item);
        }
      else
        {
          g_autofree char *display = g_filename_display_name (paths[i]);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("“%s” does not exist"), display);
          return NULL;
        }
    }
  return g_steal_pointer (&found);
}

/* Predicting ----------------------------------------------------------------------------- */

static void
take_probabilities (StrataPredictor       *self,
                    StrataImagePrediction *item,
                    const float           *p)
{
  guint k = strata_model_get_n_classes (self->model);

  item->n_classes = k;
  item->probabilities = g_memdup2 (p, k * sizeof (float));
  item->predicted = 0;
  for (guint c = 1; c < k; c++)
    if (p[c] > p[item->predicted])
      item->predicted = c;
}

/**
 * strata_predictor_predict_files:
 * @paths: image files and folders (see strata_predict_list_images())
 * @cancellable: (nullable): checked between batches
 * @progress: (nullable): images done of all found, after every batch
 *
 * An image that can't be read gets its @error set and no probabilities; that is not a
 * failure of the call.
 *
 * Returns: (transfer full) (element-type StrataImagePrediction): one prediction per image,
 *   or %NULL when a path does not exist or on cancellation
 */
GPtrArray *
strata_predictor_predict_files (StrataPredictor    *self,
                                const char *const  *paths,
                                GCancellable       *cancellable,
                                StrataProgressFunc  progress,
                                gpointer            progress_data,
                                GError            **error)
{
  g_autoptr(GPtrArray) items = strata_predict_list_images (paths, error);
  StrataShape input = strata_model_get_input_shape (self->model);
  gsize sample = strata_shape_n_elements (&input);
  guint k = strata_model_get_n_classes (self->model);
  g_autofree float *staging = NULL;

  if (items == NULL)
    return NULL;
  staging = g_new (float, sample * PREDICT_BATCH);
  for (guint start = 0; start < items->len; start += PREDICT_BATCH)
    {
      guint n = MIN (PREDICT_BATCH, items->len - start), good = 0;
      guint slot[PREDICT_BATCH];
      float *in = strata_plan_get_input (self->plan);
      const float *p;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      /* decoding dominates for camera-sized JPEGs: spread it over the cores */
#pragma omp parallel for schedule(dynamic)
      for (guint i = 0; i < n; i++)
        {
          StrataImagePrediction *item = g_ptr_array_index (items, start + i);
          GError *local_error = NULL;

          if (!strata_preprocess_image_file (self->dataset_settings, item->path,
                                             staging + sample * i, &local_error))
            {
              item->error = g_strdup (local_error->message);
              g_error_free (local_error);
            }
        }
      for (guint i = 0; i < n; i++)
        {
          StrataImagePrediction *item = g_ptr_array_index (items, start + i);

          if (item->error)
            continue;
          memcpy (in + sample * good, staging + sample * i, sample * sizeof (float));
          slot[good++] = start + i;
        }
      if (good > 0)
        {
          if (!strata_plan_forward (self->plan, good, 0, error))
            return NULL;
          p = strata_plan_get_probabilities (self->plan);
          for (guint i = 0; i < good; i++)
            take_probabilities (self, g_ptr_array_index (items, slot[i]), p + (gsize) i * k);
        }
      if (progress)
        progress (_("Predicting"), start + n, items->len, progress_data);
    }
  return g_steal_pointer (&items);
}

/**
 * strata_predictor_predict_split:
 * @split: which part of the run's dataset
 * @cancellable: (nullable): checked between batches
 * @progress: (nullable): images done of the split's, after every batch
 *
 * Every image of a split of the run's dataset, in split order, with its true label.
 *
 * Returns: (transfer full) (element-type StrataImagePrediction): the predictions, or %NULL
 *   when the dataset can't be opened, on cancellation or when the split is empty
 */
GPtrArray *
strata_predictor_predict_split (StrataPredictor    *self,
                                StrataSplit         split,
                                GCancellable       *cancellable,
                                StrataProgressFunc  progress,
                                gpointer            progress_data,
                                GError            **error)
{
  g_autofree char *base_dir = strata_project_dup_base_dir (self->project);
  g_autoptr(StrataSession) session = strata_session_new (self->settings, base_dir, error);
  g_autoptr(StrataLoader) loader = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree gint32 *labels = g_new0 (gint32, PREDICT_BATCH);
  StrataLoaderOptions loader_options = { .batch = PREDICT_BATCH };
  guint k = strata_model_get_n_classes (self->model);
  StrataDataset *dataset;
  guint n, total;

  if (session == NULL)
    return NULL;
  dataset = strata_session_get_dataset (session);
  total = strata_dataset_get_n_items (dataset, split);
  if (total == 0)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("The %s split has no images"), strata_split_to_string (split));
      return NULL;
    }
  loader = strata_loader_new (dataset, split, &loader_options, error);
  if (loader == NULL)
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_image_prediction_free);
  strata_loader_start_epoch (loader, 0, 0);
  while (strata_loader_next (loader, strata_plan_get_input (self->plan), labels, &n, error))
    {
      const guint *batch_items = strata_loader_get_batch_items (loader);
      const float *p;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!strata_plan_forward (self->plan, n, 0, error))
        return NULL;
      p = strata_plan_get_probabilities (self->plan);
      for (guint i = 0; i < n; i++)
        {
          StrataImagePrediction *item = g_new0 (StrataImagePrediction, 1);

          item->name = strata_dataset_dup_item_name (dataset, split, batch_items[i]);
          item->label = labels[i];
          take_probabilities (self, item, p + (gsize) i * k);
          g_ptr_array_add (items, item);
        }
      if (progress)
        progress (_("Predicting"), items->len, total, progress_data);
    }
  if (error && *error)
    return NULL;
  return g_steal_pointer (&items);
}

/* Output --------------------------------------------------------------------------------- */

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * strata_predictions_write_csv:
 * @predictions: (element-type StrataImagePrediction): what to write
 * @classes: the class names
 * @path: the CSV file; replaced atomically
 *
 * Writes "Filename,Label" and one row per image with its most likely class, the form Deep
 * Learning Studio and Kaggle-style submissions use. Images that failed are left out.
 */
gboolean
strata_predictions_write_csv (GPtrArray          *predictions,
                              const char *const  *classes,
                              const char         *path,
                              GError            **error)
{
  g_autoptr(GString) out = g_string_new ("Filename,Label\n");

  for (guint i = 0; i < predictions->len; i++)
    {
      const StrataImagePrediction *item = g_ptr_array_index (predictions, i);

      if (item->predicted < 0)
        continue;
      append_csv_field (out, item->name);
      g_string_append_c (out, ',');
      append_csv_field (out, classes[item->predicted]);
      g_string_append_c (out, '\n');
    }
  return strata_write_file_atomic (path, out->str, out->len, error);
}

/**
 * strata_image_prediction_to_json:
 * @top_k: how many classes to list
 *
 * Returns: (transfer full): {"image": …, "predicted": …, "top": [{"class", "index",
 *   "probability"}, …]} with "label" when known and "error" for a failed image
 */
JsonNode *
strata_image_prediction_to_json (const StrataImagePrediction *self,
                                 const char *const           *classes,
                                 guint                        top_k)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree gint32 *top = g_new0 (gint32, MAX (top_k, 1));
  g_autofree float *top_p = g_new0 (float, MAX (top_k, 1));
  guint n = strata_image_prediction_get_top (self, top_k, top, top_p);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "prediction");
  json_builder_set_member_name (b, "image");
  json_builder_add_string_value (b, self->name);
  if (self->label >= 0)
    {
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, classes[self->label]);
    }
  if (self->error)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, self->error);
    }
  else
    {
      json_builder_set_member_name (b, "predicted");
      json_builder_add_string_value (b, classes[self->predicted]);
      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (guint j = 0; j < n; j++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "class");
          json_builder_add_string_value (b, classes[top[j]]);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, top[j]);
          json_builder_set_member_name (b, "probability");
          json_builder_add_double_value (b, top_p[j]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
