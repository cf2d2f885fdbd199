/* strata-export-pytorch.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-dataset-private.h"
#include "strata-export.h"
#include "strata-export-pytorch.h"
#include "strata-keras-model.h"
#include "strata-predict.h"
#include "strata-remove-tree.h"
#include "strata-run.h"
#include "strata-session.h"

/*
 * The project folder for train.py (engine/io/export/pytorch/): the model (config.json and
 * init.safetensors, as in the zip), the run's settings, its augmentation stages resolved to
 * plain numbers, and the data as the run's loader sees it before augmentation: every image
 * of every split decoded and resized by Strata (uint8 .npy), with labels and the keys that
 * seed each image's augmentation. So the other machines need neither the original images
 * nor Strata, and the split and resize are exactly the run's.
 *
 * The folder is assembled under a temporary name beside @dir and renamed at the end.
 */

static void
report (const StrataPytorchExportOptions *options,
        const char                       *stage,
        guint64                           done,
        guint64                           total)
{
  if (options->progress)
    options->progress (stage, done, total, options->progress_data);
}

static gboolean
write_text (const char  *dir,
            const char  *name,
            const char  *text,
            gsize        length,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return strata_write_file_atomic (path, text, length, error);
}

static gboolean
write_json (const char  *dir,
            const char  *name,
            JsonNode    *node,
            GError     **error)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize length;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, &length);
  return write_text (dir, name, text, length, error);
}

static gboolean
write_resource (const char  *dir,
                const char  *resource,
                const char  *name,
                GError     **error)
{
  g_autoptr(GBytes) bytes = strata_export_get_file (resource);

  return write_text (dir, name, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

/* NumPy's .npy format 1.0: magic, version, header length, a dict padded to 64 bytes. */
static char *
npy_header (const char   *descr,
            const gint64 *shape,
            int           rank,
            gsize        *length)
{
  g_autoptr(GString) dict = g_string_new (NULL);
  g_autoptr(GString) header = g_string_new (NULL);
  gsize total;

  g_string_append_printf (dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
  for (int i = 0; i < rank; i++)
    g_string_append_printf (dict, "%" G_GINT64_FORMAT "%s", shape[i],
                            rank == 1 || i + 1 < rank ? ", " : "");
  g_string_append (dict, "), }");
  total = 10 + dict->len + 1;
  while (total % 64 != 0)
    {
      g_string_append_c (dict, ' ');
      total++;
    }
  g_string_append_c (dict, '\n');
  g_string_append_len (header, "\x93NUMPY\x01\x00", 8);
  g_string_append_c (header, (char) (dict->len & 0xff));
  g_string_append_c (header, (char) (dict->len >> 8));
  g_string_append_len (header, dict->str, dict->len);
  *length = header->len;
  return g_string_free (g_steal_pointer (&header), FALSE);
}

static gboolean
write_npy (const char    *path,
           const char    *descr,
           const gint64  *shape,
           int            rank,
           const void    *data,
           gsize          size,
           GError       **error)
{
  g_autoptr(StrataAtomicFile) file = strata_atomic_file_new (path, error);
  gsize length;
  g_autofree char *header = npy_header (descr, shape, rank, &length);

  return file != NULL &&
         strata_atomic_file_write (file, header, length, error) &&
         strata_atomic_file_write (file, data, size, error) &&
         strata_atomic_file_commit (file, error);
}

/* One split's resized images, labels and keys; an image that can't be read gets label -1. */
static gboolean
write_split (StrataDataset                    *dataset,
             StrataSplit                       split,
             guint                             max_images,
             const char                       *dir,
             JsonObject                       *names_out,
             JsonObject                       *counts,
             const StrataPytorchExportOptions *options,
             GCancellable                     *cancellable,
             GError                          **error)
{
  const char *split_name = strata_split_to_string (split);
  guint n_split = strata_dataset_get_n_items (dataset, split);
  guint n = max_images ? MIN (max_images, n_split) : n_split;
  guint width, height, channels;
  gsize image_size;
  g_autofree char *images_path = NULL, *labels_path = NULL, *keys_path = NULL;
  g_autoptr(StrataAtomicFile) file = NULL;
  g_autofree char *header = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree gint64 *labels = g_new0 (gint64, MAX (n, 1));
  g_autofree guint64 *keys = g_new0 (guint64, MAX (n, 1));
  JsonArray *names = json_array_new ();
  StrataSource *source = _strata_dataset_get_source (dataset);
  gint64 shape[4];
  gsize length;
  g_autofree char *stage = g_strdup_printf (_("Writing the %s images"), split_name);

  json_object_set_array_member (names_out, split_name, names);
  json_object_set_int_member (counts, split_name, n);
  strata_dataset_get_image_size (dataset, &width, &height, &channels);
  image_size = (gsize) width * height * channels;
  shape[0] = n, shape[1] = height, shape[2] = width, shape[3] = channels;

  images_path = g_strdup_printf ("%s/%s-images.npy", dir, split_name);
  labels_path = g_strdup_printf ("%s/%s-labels.npy", dir, split_name);
  keys_path = g_strdup_printf ("%s/%s-keys.npy", dir, split_name);
  file = strata_atomic_file_new (images_path, error);
  header = npy_header ("|u1", shape, 4, &length);
  if (file == NULL || !strata_atomic_file_write (file, header, length, error))
    return FALSE;
  pixels = g_malloc (MAX (image_size, 1));
  for (guint i = 0; i < n; i++)
    {
      guint index = (guint) ((guint64) i * n_split / n);
      guint source_index = _strata_dataset_get_source_index (dataset, split, index);
      g_autofree char *name = strata_dataset_dup_item_name (dataset, split, index);
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      labels[i] = strata_dataset_get_label (dataset, split, index);
      keys[i] = strata_source_get_item (source, source_index)->key;
      if (!_strata_dataset_get_pixels (dataset, source_index, pixels, &local_error))
        {
          g_debug ("Left out of the export: %s", local_error->message);
          memset (pixels, 0, image_size);
          labels[i] = -1;
        }
      json_array_add_string_element (names, name);
      if (!strata_atomic_file_write (file, pixels, image_size, error))
        return FALSE;
      if (i % 1024 == 0)
        report (options, stage, i, n);
    }
  if (!strata_atomic_file_commit (file, error))
    return FALSE;
  return write_npy (labels_path, "<i8", shape, 1, labels, n * sizeof (gint64), error) &&
         write_npy (keys_path, "<u8", shape, 1, keys, n * sizeof (guint64), error);
}

static JsonNode *
augmentation_json (StrataDatasetSettings *settings)
{
  GListModel *stages = strata_dataset_settings_get_augmentation (settings);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(StrataAugmentation) stage = g_list_model_get_item (stages, i);
      StrataAugmentParams p;
      const struct { const char *name; double value; } numbers[] = {
        { "rotation_range", 0 }, { "width_shift_range", 0 }, { "height_shift_range", 0 },
        { "shear_range", 0 }, { "zoom_range", 0 }, { "brightness_min", 0 },
        { "brightness_max", 0 }, { "channel_shift_range", 0 }, { "fill_value", 0 },
        { "crop_scale_min", 0 }, { "crop_scale_max", 0 }, { "crop_ratio_min", 0 },
        { "crop_ratio_max", 0 }, { "erasing_probability", 0 }, { "erasing_area_min", 0 },
        { "erasing_area_max", 0 }, { "erasing_ratio_min", 0 }, { "erasing_ratio_max", 0 },
        { "erasing_value", 0 },
      };
      double values[G_N_ELEMENTS (numbers)];

      strata_augmentation_get_params (stage, &p);
      values[0] = p.rotation_range, values[1] = p.width_shift_range;
      values[2] = p.height_shift_range, values[3] = p.shear_range, values[4] = p.zoom_range;
      values[5] = p.brightness_min, values[6] = p.brightness_max;
      values[7] = p.channel_shift_range, values[8] = p.fill_value;
      values[9] = p.crop_scale_min, values[10] = p.crop_scale_max;
      values[11] = p.crop_ratio_min, values[12] = p.crop_ratio_max;
      values[13] = p.erasing_probability, values[14] = p.erasing_area_min;
      values[15] = p.erasing_area_max, values[16] = p.erasing_ratio_min;
      values[17] = p.erasing_ratio_max, values[18] = p.erasing_value;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "first_epoch");
      json_builder_add_int_value (b, p.first_epoch);
      for (guint k = 0; k < G_N_ELEMENTS (numbers); k++)
        {
          json_builder_set_member_name (b, numbers[k].name);
          json_builder_add_double_value (b, values[k]);
        }
      json_builder_set_member_name (b, "horizontal_flip");
      json_builder_add_boolean_value (b, p.horizontal_flip);
      json_builder_set_member_name (b, "vertical_flip");
      json_builder_add_boolean_value (b, p.vertical_flip);
      json_builder_set_member_name (b, "random_resized_crop");
      json_builder_add_boolean_value (b, p.random_resized_crop);
      json_builder_set_member_name (b, "fill_mode");
      json_builder_add_string_value (b, strata_enum_to_nick (STRATA_TYPE_FILL_MODE,
                                                             p.fill_mode));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static char *
fill_readme (StrataProject     *project,
             const char        *run,
             const char        *weights,
             StrataHyperparams *hp,
             guint              n_train,
             guint              n_validation)
{
  g_autoptr(GBytes) template = strata_export_get_file ("pytorch/README.md.in");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = strata_project_dup_name (project);
  g_autofree char *file = g_path_get_basename (strata_project_get_path (project)
                                               ? strata_project_get_path (project)
                                               : "PROJECT.strata");
  g_autofree char *epochs = g_strdup_printf ("%u", strata_hyperparams_get_epochs (hp));
  g_autofree char *lr = g_strdup_printf ("%g", strata_hyperparams_get_learning_rate (hp));
  g_autofree char *batch = g_strdup_printf ("%u", strata_hyperparams_get_batch_size (hp));
  g_autofree char *train = g_strdup_printf ("%u", n_train);
  g_autofree char *schedule = NULL;
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (template, NULL),
                                              g_bytes_get_size (template));
  StrataScheduleConfig schedule_config;

  strata_hyperparams_get_schedule_config (hp, &schedule_config);
  schedule = g_strdup (schedule_config.name);
  {
    const char *replacements[][2] = {
      { "@PROJECT@", name }, { "@RUN@", run }, { "@VERSION@", PACKAGE_VERSION },
      { "@DATE@", date }, { "@EPOCHS@", epochs }, { "@PROJECT_FILE@", file },
      { "@WEIGHTS@", weights }, { "@VALIDATION@", n_validation ? ", validation" : "" },
      { "@N_TRAIN@", train }, { "@OPTIMIZER@", strata_hyperparams_get_optimizer (hp) },
      { "@LR@", lr }, { "@SCHEDULE@", schedule }, { "@BATCH@", batch },
      { "@MONITOR@", strata_hyperparams_get_monitor (hp) },
    };

    for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
      g_string_replace (text, replacements[i][0], replacements[i][1], 0);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* @dir must not exist, or be an empty folder. */
static gboolean
check_target (const char  *dir,
              GError     **error)
{
  g_autoptr(GDir) existing = NULL;
  g_autofree char *display = g_filename_display_name (dir);

  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    return TRUE;
  existing = g_dir_open (dir, 0, NULL);
  if (existing == NULL || g_dir_read_name (existing) != NULL)
    {
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("“%s” already exists and is not an empty folder; choose a new one"),
                   display);
      return FALSE;
    }
  return TRUE;
}

/**
 * strata_export_pytorch:
 * @run: the run to continue
 * @dir: the folder to create (it may exist if it is empty)
 * @options: (nullable): weights, a subset, progress
 * @cancellable: (nullable): checked between images
 *
 * Writes a PyTorch project that trains the run's model further with DistributedDataParallel
 * (see its README.md), whose results strata_import_run() brings back. Blocks: call it from a
 * worker thread under a GUI.
 */
gboolean
strata_export_pytorch (StrataProject                    *project,
                       const char                       *run,
                       const char                       *dir,
                       const StrataPytorchExportOptions *options,
                       GCancellable                     *cancellable,
                       GError                          **error)
{
  static const StrataPytorchExportOptions defaults = { 0 };
  g_autoptr(StrataPredictor) predictor = NULL;
  g_autoptr(StrataKerasModel) keras = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataRun) source_run = NULL;
  g_autoptr(JsonNode) config = NULL, info = NULL, stages = NULL, split = NULL;
  g_autofree char *runs_dir = NULL, *base_dir = NULL, *parent = NULL, *tmp = NULL;
  int tmp_lock = -1;
  g_autofree char *data_dir = NULL, *readme = NULL, *project_name = NULL, *stamp = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *split_obj, *names, *counts, *info_obj;
  StrataDataset *dataset;
  const char *weights;
  gboolean ok = FALSE;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), FALSE);

  if (options == NULL)
    options = &defaults;
  if (!check_target (dir, error))
    return FALSE;

  runs_dir = strata_project_dup_runs_dir (project);
  base_dir = strata_project_dup_base_dir (project);
  source_run = strata_run_open (runs_dir, run, error);
  if (source_run == NULL)
    return FALSE;
  weights = options->weights ? options->weights
                             : strata_run_has_checkpoint (source_run, "last") ? "last" : "best";
  report (options, _("Loading the model"), 0, 1);
  predictor = strata_predictor_new (project, run, weights, error);
  if (predictor == NULL)
    return FALSE;
  keras = strata_keras_model_new (strata_predictor_get_model (predictor), "model", error);
  if (keras == NULL)
    return FALSE;
  session = strata_session_new (strata_run_get_settings (source_run), base_dir, error);
  if (session == NULL)
    return FALSE;
  dataset = strata_session_get_dataset (session);

  parent = g_path_get_dirname (dir);
  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("Could not make the folder “%s”: %s"), parent, g_strerror (saved_errno));
      return FALSE;
    }
  {
    g_autofree char *base = g_path_get_basename (dir);
    g_autofree char *prefix = g_strdup_printf (".%s.partial-", base);
    g_autoptr(GError) local = NULL;

    /* what a killed export of this folder left goes first; this one holds its own locked */
    strata_staging_dir_sweep (parent, prefix);
    tmp = strata_staging_dir_new (parent, prefix, &tmp_lock, &local);
    if (tmp == NULL)
      {
        g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                     _("Could not make a folder beside “%s”: %s"), dir, local->message);
        return FALSE;
      }
    g_chmod (tmp, 0755);
  }
  data_dir = g_build_filename (tmp, "data", NULL);
  g_mkdir (data_dir, 0755);

  project_name = strata_project_dup_name (project);
  stamp = g_date_time_format_iso8601 (now);
  info_obj = json_object_new ();
  json_object_set_string_member (info_obj, "project", project_name);
  json_object_set_string_member (info_obj, "run", run);
  json_object_set_string_member (info_obj, "weights", weights);
  json_object_set_string_member (info_obj, "exported", stamp);
  info = json_node_init_object (json_node_alloc (), info_obj);
  json_object_unref (info_obj);
  config = strata_export_build_config (keras, strata_predictor_get_dataset_settings (predictor),
                                       strata_predictor_get_classes (predictor), info);
  stages = augmentation_json (strata_predictor_get_dataset_settings (predictor));

  split_obj = json_object_new ();
  names = json_object_new ();
  counts = json_object_new ();
  json_object_set_member (split_obj, "classes",
                          json_node_copy (json_object_get_member (json_node_get_object (config),
                                                                  "classes")));
  json_object_set_object_member (split_obj, "counts", counts);
  json_object_set_object_member (split_obj, "names", names);
  split = json_node_init_object (json_node_alloc (), split_obj);
  json_object_unref (split_obj);

  {
    g_autofree char *init = g_build_filename (tmp, "init.safetensors", NULL);
    g_autofree char *test_py = g_build_filename (tmp, "test.py", NULL);
    g_autofree char *train_py = g_build_filename (tmp, "train.py", NULL);

    if (!write_json (tmp, "config.json", config, error) ||
        !write_json (tmp, "settings.json", strata_run_get_settings (source_run), error) ||
        !write_json (tmp, "augmentation.json", stages, error) ||
        !strata_export_write_safetensors (keras, NULL, init, error) ||
        !write_resource (tmp, "test.py", "test.py", error) ||
        !write_resource (tmp, "pytorch/train.py", "train.py", error) ||
        !write_resource (tmp, "pytorch/strata_data.py", "strata_data.py", error) ||
        !write_resource (tmp, "pytorch/strata_optim.py", "strata_optim.py", error))
      goto out;
    g_chmod (test_py, 0755);
    g_chmod (train_py, 0755);
  }

  for (StrataSplit s = 0; s < STRATA_N_SPLITS; s++)
    if (!write_split (dataset, s, options->max_images, data_dir, names, counts, options,
                      cancellable, error))
      goto out;
  if (!write_json (tmp, "split.json", split, error))
    goto out;

  readme = fill_readme (project, run, weights, strata_session_get_hyperparams (session),
                        json_object_get_int_member (counts, "train"),
                        json_object_get_int_member (counts, "validation"));
  if (!write_text (tmp, "README.md", readme, strlen (readme), error))
    goto out;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    g_rmdir (dir);   /* empty, as checked */
  if (g_rename (tmp, dir) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("Could not write “%s”: %s"), display, g_strerror (saved_errno));
      goto out;
    }
  ok = TRUE;

out:
  if (!ok)
    strata_remove_tree (tmp, NULL);
  if (tmp_lock >= 0)
    close (tmp_lock);
  return ok;
}
