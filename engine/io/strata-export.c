/* strata-export.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-dataset-private.h"
#include "strata-export.h"
#include "strata-export-resources.h"
#include "strata-json.h"
#include "strata-keras-h5.h"
#include "strata-png-writer.h"
#include "strata-predict.h"
#include "strata-remove-tree.h"
#include "strata-run.h"
#include "strata-safetensors.h"
#include "strata-session.h"
#include "strata-zip-writer.h"

/*
 * The submission zip: model.h5 (Keras), model.safetensors (PyTorch names), config.json,
 * test.py, README.md and a few example images. Everything is first written to a private
 * staging folder; test.py then runs there, in its own process, on images of the project's
 * data, and its predictions are compared with Strata's own for the same files. Only when
 * they agree (same top class, every probability within STRATA_EXPORT_TOLERANCE) is the zip
 * written, atomically, so a failed or cancelled export leaves nothing behind.
 */

#define EXAMPLE_IMAGES 8
#define MAX_LISTED_DIFFERENCES 10

/* test.py exits with this when numpy, PyTorch or h5py are missing */
#define TEST_PY_EXIT_MISSING 3

void
strata_export_result_free (StrataExportResult *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_free (self->weights);
  g_free (self->not_checked_reason);
  g_free (self->check_backend);
  g_free (self);
}

/**
 * strata_export_result_to_json:
 *
 * Returns: (transfer full): {"event": "exported", "path", "weights", "checked", …}
 */
JsonNode *
strata_export_result_to_json (const StrataExportResult *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "exported");
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, self->path);
  json_builder_set_member_name (b, "weights");
  json_builder_add_string_value (b, self->weights);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, self->zip_bytes);
  json_builder_set_member_name (b, "checked");
  json_builder_add_boolean_value (b, self->checked);
  if (self->not_checked_reason)
    {
      json_builder_set_member_name (b, "not_checked_reason");
      json_builder_add_string_value (b, self->not_checked_reason);
    }
  if (self->checked)
    {
      json_builder_set_member_name (b, "check_split");
      json_builder_add_string_value (b, strata_split_to_string (self->check_split));
      json_builder_set_member_name (b, "check_images");
      json_builder_add_int_value (b, self->check_images);
      json_builder_set_member_name (b, "check_backend");
      json_builder_add_string_value (b, self->check_backend);
      json_builder_set_member_name (b, "check_agreement");
      json_builder_add_double_value (b, 1.0);
      json_builder_set_member_name (b, "check_max_difference");
      json_builder_add_double_value (b, self->check_max_difference);
      json_builder_set_member_name (b, "check_seconds");
      json_builder_add_double_value (b, self->check_seconds);
    }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, self->seconds);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * strata_export_get_file:
 * @name: "test.py" or "README.md.in"
 *
 * Returns: (transfer full): the file as built into Strata
 */
GBytes *
strata_export_get_file (const char *name)
{
  g_autofree char *path = g_strconcat ("/org/strata/export/", name, NULL);

  return g_resource_lookup_data (strata_export_get_resource (), path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
}

/**
 * strata_export_find_python:
 * @wanted: (nullable): an interpreter the user chose
 *
 * Returns: (transfer full) (nullable): @wanted, $STRATA_PYTHON, /usr/bin/python3 (Debian's,
 *   where python3-torch lives) or python3 on the PATH, the first that exists
 */
char *
strata_export_find_python (const char *wanted)
{
  const char *env = g_getenv ("STRATA_PYTHON");

  if (wanted && *wanted)
    return g_find_program_in_path (wanted);
  if (env && *env)
    return g_find_program_in_path (env);
  if (g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("/usr/bin/python3");
  return g_find_program_in_path ("python3");
}

static void
report (const StrataExportOptions *options,
        const char                *stage,
        guint64                    done,
        guint64                    total)
{
  if (options->progress)
    options->progress (stage, done, total, options->progress_data);
}

/* config.json ----------------------------------------------------------------------------- */

static JsonArray *
shape_array (const gint64 *dims,
             int           rank)
{
  JsonArray *array = json_array_new ();

  for (int i = 0; i < rank; i++)
    json_array_add_int_element (array, dims[i]);
  return array;
}

static char *
torch_key (const StrataKerasLayer  *layer,
           const StrataKerasWeight *weight)
{
  return g_strconcat (layer->name, ".", weight->torch_name, NULL);
}

/**
 * strata_export_preprocessing_json:
 *
 * Returns: (transfer full): config.json's "preprocessing": the resize, the normalisation
 *   settings and their exact float constants
 */
JsonNode *
strata_export_preprocessing_json (StrataDatasetSettings *settings)
{
  g_autoptr(JsonNode) all = strata_dataset_settings_to_json (settings);
  JsonObject *from = json_node_get_object (all);
  JsonObject *obj = json_object_new ();
  JsonArray *scale = json_array_new (), *offset = json_array_new ();
  float s[3], o[3];
  gboolean bgr;
  guint channels = strata_dataset_settings_get_image_channels (settings);
  JsonNode *node;
  static const char *const copied[] = {
    "resize_mode", "resize_filter", "normalization", "normalization_mean",
    "normalization_std", "max_image_pixels",
  };

  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    if (json_object_has_member (from, copied[i]))
      json_object_set_member (obj, copied[i],
                              json_node_copy (json_object_get_member (from, copied[i])));
  strata_dataset_settings_get_normalization_constants (settings, s, o, &bgr);
  for (guint c = 0; c < 3; c++)
    {
      /* floats written exactly: test.py turns them back into the same float32 */
      json_array_add_double_element (scale, s[c]);
      json_array_add_double_element (offset, o[c]);
    }
  json_object_set_array_member (obj, "scale", scale);
  json_object_set_array_member (obj, "offset", offset);
  json_object_set_boolean_member (obj, "bgr", bgr);
  json_object_set_string_member (obj, "channel_order",
                                 channels == 1 ? "grey" : bgr ? "BGR" : "RGB");
  json_object_set_string_member (obj, "formula", "model value = pixel (0..255) × scale + offset");
  json_object_set_string_member (obj, "padding_noise_key", "file name");
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

/**
 * strata_export_build_config:
 * @info: (nullable): an object merged into the result (project, run, metrics)
 *
 * Returns: (transfer full): config.json: classes, input, preprocessing, the layers in Keras'
 *   order with their Keras configs and weight names, and Strata's graph
 */
JsonNode *
strata_export_build_config (StrataKerasModel      *model,
                            StrataDatasetSettings *settings,
                            const char *const     *classes,
                            JsonNode              *info)
{
  JsonObject *root = json_object_new ();
  JsonObject *input = json_object_new ();
  JsonObject *files = json_object_new ();
  JsonArray *class_array = json_array_new ();
  JsonArray *layers = json_array_new ();
  StrataGraph *graph = strata_keras_model_get_graph (model);
  JsonNode *node;

  json_object_set_string_member (root, "format", "strata-export");
  json_object_set_int_member (root, "format_version", 1);
  json_object_set_string_member (root, "strata_version", PACKAGE_VERSION);
  if (info && JSON_NODE_HOLDS_OBJECT (info))
    {
      JsonObject *extra = json_node_get_object (info);
      g_autoptr(GList) members = json_object_get_members (extra);

      for (GList *l = members; l; l = l->next)
        json_object_set_member (root, l->data,
                                json_node_copy (json_object_get_member (extra, l->data)));
    }
  for (guint c = 0; classes[c]; c++)
    json_array_add_string_element (class_array, classes[c]);
  json_object_set_array_member (root, "classes", class_array);

  json_object_set_int_member (input, "height", strata_dataset_settings_get_image_height (settings));
  json_object_set_int_member (input, "width", strata_dataset_settings_get_image_width (settings));
  json_object_set_int_member (input, "channels",
                              strata_dataset_settings_get_image_channels (settings));
  json_object_set_string_member (input, "layout", "NHWC");
  json_object_set_string_member (input, "dtype", "float32");
  json_object_set_object_member (root, "input", input);
  json_object_set_member (root, "preprocessing", strata_export_preprocessing_json (settings));

  for (guint i = 0; i < strata_keras_model_get_n_layers (model); i++)
    {
      StrataKerasLayer *layer = strata_keras_model_get_layer (model, i);
      JsonObject *obj = json_object_new ();
      JsonArray *inputs = json_array_new ();
      JsonArray *weights = json_array_new ();
      StrataShape shape;

      json_object_set_string_member (obj, "name", layer->name);
      json_object_set_string_member (obj, "node", strata_node_get_id (layer->node));
      json_object_set_string_member (obj, "class_name", layer->class_name);
      for (guint k = 0; k < layer->inbound->len; k++)
        json_array_add_string_element (inputs, g_ptr_array_index (layer->inbound, k));
      json_object_set_array_member (obj, "inputs", inputs);
      json_object_set_object_member (obj, "config", json_object_ref (layer->config));
      for (guint w = 0; w < layer->weights->len; w++)
        {
          StrataKerasWeight *weight = &g_array_index (layer->weights, StrataKerasWeight, w);
          JsonObject *wobj = json_object_new ();
          g_autofree char *keras = g_strdup_printf ("%s/%s:0", layer->name, weight->keras_name);
          g_autofree char *torch = torch_key (layer, weight);

          json_object_set_string_member (wobj, "keras_name", weight->keras_name);
          json_object_set_string_member (wobj, "keras", keras);
          json_object_set_string_member (wobj, "torch", torch);
          json_object_set_string_member (wobj, "strata", weight->tensor->name);
          json_object_set_array_member (wobj, "keras_shape", shape_array (weight->dims,
                                                                          weight->rank));
          json_object_set_array_member (wobj, "torch_shape",
                                        shape_array (weight->tensor->dims, weight->tensor->rank));
          json_array_add_object_element (weights, wobj);
        }
      json_object_set_array_member (obj, "weights", weights);
      if (strata_graph_get_output_shape (graph, strata_node_get_id (layer->node), &shape))
        {
          gint64 dims[3] = { shape.dims[0], shape.dims[1], shape.dims[2] };
          json_object_set_array_member (obj, "output_shape", shape_array (dims, shape.rank));
        }
      json_array_add_object_element (layers, obj);
    }
  json_object_set_array_member (root, "layers", layers);
  json_object_set_string_member (root, "output", strata_keras_model_get_output (model));
  json_object_set_boolean_member (root, "output_is_probabilities",
                                  strata_keras_model_ends_in_softmax (model));
  {
    StrataNode *output = strata_graph_find_output (graph);
    JsonObject *loss = json_object_new ();

    json_object_set_string_member (loss, "name", "categorical_crossentropy");
    json_object_set_double_member (loss, "label_smoothing",
                                   output ? strata_node_get_float (output, "label_smoothing") : 0);
    json_object_set_object_member (root, "loss", loss);
  }
  json_object_set_string_member (files, "keras", "model.h5");
  json_object_set_string_member (files, "safetensors", "model.safetensors");
  json_object_set_object_member (root, "files", files);
  json_object_set_member (root, "graph",
                          strata_graph_to_json (graph));
  /* the node takes its own reference */
  node = json_node_init_object (json_node_alloc (), root);
  json_object_unref (root);
  return node;
}

/* model.safetensors ---------------------------------------------------------------------- */

/**
 * strata_export_write_safetensors:
 * @metadata: (nullable): an object of strings for the header's __metadata__; other values
 *   are written as JSON text
 *
 * Writes the weights with PyTorch names ("conv2d.weight", "batch_normalization.running_var")
 * and layouts, and each BatchNormalization's num_batches_tracked, so that a module built as
 * test.py's build_torch() or with torch.nn layers loads them with strict=True.
 */
gboolean
strata_export_write_safetensors (StrataKerasModel  *model,
                                 JsonNode          *metadata,
                                 const char        *path,
                                 GError           **error)
{
  g_autoptr(StrataSafetensorsWriter) writer = strata_safetensors_writer_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  static const gint64 zero = 0;

  if (metadata && JSON_NODE_HOLDS_OBJECT (metadata))
    {
      JsonObject *obj = json_node_get_object (metadata);
      g_autoptr(GList) members = json_object_get_members (obj);

      for (GList *l = members; l; l = l->next)
        {
          JsonNode *value = json_object_get_member (obj, l->data);
          g_autofree char *text = JSON_NODE_HOLDS_VALUE (value) &&
                                  json_node_get_value_type (value) == G_TYPE_STRING
                                  ? g_strdup (json_node_get_string (value))
                                  : json_to_string (value, FALSE);

          strata_safetensors_writer_set_metadata (writer, l->data, text);
        }
    }
  /* 8-byte tensors first, so every tensor stays aligned to its size */
  for (guint i = 0; i < strata_keras_model_get_n_layers (model); i++)
    {
      StrataKerasLayer *layer = strata_keras_model_get_layer (model, i);

      if (g_str_equal (layer->class_name, "BatchNormalization"))
        {
          char *key = g_strconcat (layer->name, ".num_batches_tracked", NULL);

          g_ptr_array_add (keys, key);
          strata_safetensors_writer_add_i64 (writer, key, 0, NULL, &zero);
        }
    }
  for (guint i = 0; i < strata_keras_model_get_n_layers (model); i++)
    {
      StrataKerasLayer *layer = strata_keras_model_get_layer (model, i);

      for (guint w = 0; w < layer->weights->len; w++)
        {
          StrataKerasWeight *weight = &g_array_index (layer->weights, StrataKerasWeight, w);
          char *key = torch_key (layer, weight);

          g_ptr_array_add (keys, key);
          strata_safetensors_writer_add_f32 (writer, key, weight->tensor->rank,
                                             weight->tensor->dims, weight->tensor->data);
        }
    }
  return strata_safetensors_writer_write (writer, path, error);
}

/* README ---------------------------------------------------------------------------------- */

static char *
describe_resize (StrataDatasetSettings *settings)
{
  int mode, filter;
  guint w = strata_dataset_settings_get_image_width (settings);
  guint h = strata_dataset_settings_get_image_height (settings);
  const char *how, *sampling;
  g_autofree char *grey = NULL;

  g_object_get (settings, "resize-mode", &mode, "resize-filter", &filter, NULL);
  switch (mode)
    {
    case STRATA_RESIZE_CENTER_CROP:
      how = "scale it to cover %u × %u and cut the overhang evenly on both sides";
      break;
    case STRATA_RESIZE_FILL:
      how = "scale it to fit inside %u × %u and fill the rest with noise (keyed by the file "
            "name)";
      break;
    case STRATA_RESIZE_HALF_CROP:
      how = "scale it halfway between covering and fitting %u × %u, cut the overhang and fill "
            "the rest with noise";
      break;
    default:
      how = "stretch it to %u × %u (the aspect ratio is not kept)";
      break;
    }
  sampling = filter == STRATA_RESIZE_FILTER_AREA ? "area averaging"
             : filter == STRATA_RESIZE_FILTER_BILINEAR ? "bilinear sampling"
             : "bilinear sampling, area averaging when shrinking by more than 2";
  grey = strata_dataset_settings_get_image_channels (settings) == 1
         ? g_strdup ("turn it grey (ITU-R 601 luma, 0.299 R + 0.587 G + 0.114 B) and ")
         : g_strdup ("");
  {
    g_autofree char *text = g_strdup_printf (how, w, h);
    return g_strdup_printf ("%s%s, with %s, rounded to 8 bits", grey, text, sampling);
  }
}

static char *
describe_normalization (StrataDatasetSettings *settings)
{
  float s[3], o[3];
  gboolean bgr;
  guint channels = strata_dataset_settings_get_image_channels (settings);

  strata_dataset_settings_get_normalization_constants (settings, s, o, &bgr);
  if (channels == 1)
    return g_strdup_printf ("value = pixel × %.9g + %.9g", s[0], o[0]);
  return g_strdup_printf ("%svalue = pixel × scale + offset per channel, scale = (%.9g, %.9g, "
                          "%.9g), offset = (%.9g, %.9g, %.9g)",
                          bgr ? "reverse the channels to blue, green, red; " : "",
                          s[0], s[1], s[2], o[0], o[1], o[2]);
}

static char *
build_readme (const char            *project,
              const char            *run,
              const char            *weights,
              const char            *metrics,
              const char *const     *classes,
              StrataDatasetSettings *settings,
              gboolean               probabilities,
              const char            *check,
              gboolean               examples)
{
  g_autoptr(GBytes) template = strata_export_get_file ("README.md.in");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *class_list = g_strjoinv (", ", (char **) classes);
  g_autofree char *n_classes = g_strdup_printf ("%u", g_strv_length ((char **) classes));
  g_autofree char *height = g_strdup_printf ("%u", strata_dataset_settings_get_image_height (settings));
  g_autofree char *width = g_strdup_printf ("%u", strata_dataset_settings_get_image_width (settings));
  g_autofree char *channels = g_strdup_printf ("%u",
                                               strata_dataset_settings_get_image_channels (settings));
  g_autofree char *resize = describe_resize (settings);
  g_autofree char *normalize = describe_normalization (settings);
  const char *replacements[][2] = {
    { "@PROJECT@", project }, { "@RUN@", run }, { "@VERSION@", PACKAGE_VERSION },
    { "@DATE@", date }, { "@WEIGHTS@", weights }, { "@METRICS@", metrics },
    { "@N_CLASSES@", n_classes }, { "@CLASSES@", class_list }, { "@CHECK@", check },
    { "@HEIGHT@", height }, { "@WIDTH@", width }, { "@CHANNELS@", channels },
    { "@RESIZE@", resize }, { "@NORMALIZE@", normalize },
    { "@OUTPUT@", probabilities ? "the probabilities (a softmax)"
                                : "class scores (logits): apply a softmax for probabilities" },
    { "@EXAMPLES_RUN@", examples ? "\n`python3 test.py examples` classifies the sample images that "
                                   "came with the model;\ncompare with `examples/expected.csv`, "
                                   "Strata's own predictions for them.\n" : "" },
    { "@EXAMPLES_ROW@", examples ? "| `examples/` | a few images from the project's data and "
                                   "`expected.csv`, Strata's own predictions for them |\n" : "" },
  };
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (template, NULL),
                                              g_bytes_get_size (template));

  for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
    g_string_replace (text, replacements[i][0], replacements[i][1], 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The check ------------------------------------------------------------------------------ */

static StrataSplit
pick_split (StrataDataset *dataset,
            int            wanted)
{
  if (wanted >= 0 && wanted < STRATA_N_SPLITS)
    return wanted;
  if (strata_dataset_get_n_items (dataset, STRATA_SPLIT_TEST) > 0)
    return STRATA_SPLIT_TEST;
  if (strata_dataset_get_n_items (dataset, STRATA_SPLIT_VALIDATION) > 0)
    return STRATA_SPLIT_VALIDATION;
  return STRATA_SPLIT_TRAIN;
}

/* A file name for an image of the data: its position and its name, flattened. */
static char *
check_file_name (guint       position,
                 const char *item_name)
{
  g_autofree char *base = g_strdup (item_name);
  char *dot = strrchr (base, '.');

  if (dot && !strchr (dot, '/'))
    *dot = '\0';
  for (char *p = base; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      *p = '_';
  return g_strdup_printf ("%05u-%s.png", position, base);
}

/* Writes images of @split, evenly spread, as lossless PNG files into @dir. */
static gboolean
write_check_images (StrataDataset  *dataset,
                    StrataSplit     split,
                    guint           wanted,
                    const char     *dir,
                    GPtrArray      *written,
                    GCancellable   *cancellable,
                    GError        **error)
{
  guint n = strata_dataset_get_n_items (dataset, split);
  guint count = MIN (wanted, n);
  StrataSource *source = _strata_dataset_get_source (dataset);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_WRITE,
                   _("Could not make a folder for the check images"));
      return FALSE;
    }
  for (guint i = 0; i < count; i++)
    {
      guint index = (guint) ((guint64) i * n / count);
      g_auto(StrataImage) image = { 0 };
      g_autofree char *item = strata_dataset_dup_item_name (dataset, split, index);
      g_autofree char *file = check_file_name (index, item);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!strata_source_read_image (source, _strata_dataset_get_source_index (dataset, split,
                                                                              index),
                                     &image, &local_error))
        {
          g_debug ("Check image skipped: %s", local_error->message);
          continue;
        }
      if (!strata_png_write (path, image.data, image.width, image.height, image.channels,
                             image.stride, error))
        return FALSE;
      g_ptr_array_add (written, g_steal_pointer (&file));
    }
  if (written->len == 0)
    {
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_CHECK_FAILED,
                   _("None of the images of the %s split could be read for the check"),
                   strata_split_to_string (split));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gboolean ran;               /* FALSE: test.py could not run here (reason says why) */
  char *reason;
  char *backend;
  guint images;
  double max_difference;
  double seconds;
} CheckOutcome;

static void
check_outcome_clear (CheckOutcome *c)
{
  g_free (c->reason);
  g_free (c->backend);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CheckOutcome, check_outcome_clear)

/* Runs test.py on @images_dir in @staging; FALSE with @error when it fails outright, TRUE
 * with outcome->ran FALSE when it can't run on this machine. */
static gboolean
run_test_py (const char                *python,
             const char                *staging,
             const char                *images_dir,
             const StrataExportOptions *options,
             CheckOutcome              *outcome,
             JsonNode                 **result,
             GCancellable              *cancellable,
             GError                   **error)
{
  g_autofree char *script = g_build_filename (staging, "test.py", NULL);
  g_autofree char *csv = g_build_filename (staging, "check.csv", NULL);
  g_autofree char *json = g_build_filename (staging, "check.json", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *output = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 start = g_get_monotonic_time ();
  const char *backend = options->backend ? options->backend : "auto";

  g_subprocess_launcher_setenv (launcher, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
  g_subprocess_launcher_set_cwd (launcher, staging);
  process = g_subprocess_launcher_spawn (launcher, error, python, script, images_dir, "--out",
                                         csv, "--probabilities", json, "--backend", backend,
                                         NULL);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (process, NULL, cancellable, &output, NULL, error))
    {
      g_subprocess_force_exit (process);
      return FALSE;
    }
  outcome->seconds = (g_get_monotonic_time () - start) / 1e6;
  if (g_subprocess_get_if_exited (process) &&
      g_subprocess_get_exit_status (process) == TEST_PY_EXIT_MISSING)
    {
      outcome->ran = FALSE;
      outcome->reason = g_strdup_printf (_("test.py could not run here: %s"),
                                         g_strstrip (output));
      return TRUE;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_CHECK,
                   _("The exported test.py failed, so the zip was not written:\n%s"),
                   g_strstrip (output));
      return FALSE;
    }
  root = strata_json_load_file (json, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_CHECK,
                   _("The exported test.py wrote no readable result: %s"),
                   local_error ? local_error->message : "");
      return FALSE;
    }
  outcome->ran = TRUE;
  *result = g_steal_pointer (&root);
  return TRUE;
}

/* Compares test.py's @result with Strata's @ours, image by image. */
static gboolean
compare (GPtrArray          *ours,
         JsonNode           *result,
         const char *const  *classes,
         CheckOutcome       *outcome,
         GError            **error)
{
  JsonObject *root = json_node_get_object (result);
  JsonArray *images = json_object_get_array_member (root, "images");
  g_autoptr(GHashTable) theirs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) differences = g_string_new (NULL);
  guint n_different = 0;

  outcome->backend = g_strdup (strata_json_get_string (root, "backend",
                                                                           "?"));
  for (guint i = 0; images && i < json_array_get_length (images); i++)
    {
      JsonObject *obj = json_array_get_object_element (images, i);

      if (obj && json_object_has_member (obj, "name"))
        g_hash_table_insert (theirs, (gpointer) json_object_get_string_member (obj, "name"), obj);
    }

  for (guint i = 0; i < ours->len; i++)
    {
      const StrataImagePrediction *item = g_ptr_array_index (ours, i);
      JsonObject *obj = g_hash_table_lookup (theirs, item->name);
      JsonArray *p = obj ? json_object_get_array_member (obj, "probabilities") : NULL;
      double worst = 0;
      guint best = 0;
      g_autofree char *line = NULL;

      if (item->error && obj == NULL)
        continue;      /* both skipped it */
      if (item->error || p == NULL || json_array_get_length (p) != item->n_classes)
        {
          line = g_strdup_printf (item->error ? _("%s: Strata could not read it: %s")
                                              : _("%s: test.py gave no probabilities%s"),
                                  item->name, item->error ? item->error : "");
        }
      else
        {
          for (guint c = 0; c < item->n_classes; c++)
            {
              double q = json_array_get_double_element (p, c);

              worst = MAX (worst, fabs (q - item->probabilities[c]));
              if (q > json_array_get_double_element (p, best))
                best = c;
            }
          outcome->max_difference = MAX (outcome->max_difference, worst);
          outcome->images++;
          if ((gint32) best != item->predicted || !(worst <= STRATA_EXPORT_TOLERANCE))
            /* Translators: an image, Strata's class and probability, test.py's */
            line = g_strdup_printf (_("%s: Strata says %s (%.5f), test.py says %s (%.5f); "
                                      "probabilities differ by up to %.2g"),
                                    item->name, classes[item->predicted],
                                    item->probabilities[item->predicted], classes[best],
                                    json_array_get_double_element (p, best), worst);
        }
      if (line)
        {
          if (n_different < MAX_LISTED_DIFFERENCES)
            g_string_append_printf (differences, "\n  %s", line);
          n_different++;
        }
    }
  if (n_different > 0)
    {
      if (n_different > MAX_LISTED_DIFFERENCES)
        g_string_append_printf (differences, "\n  …");
      g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_CHECK,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The exported model disagrees with Strata on %u of %u images, "
                                "so the zip was not written:%s",
                                "The exported model disagrees with Strata on %u of %u images, "
                                "so the zip was not written:%s", n_different),
                   n_different, ours->len, differences->str);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_export (StrataPredictor           *predictor,
              StrataProject             *project,
              JsonNode                  *settings,
              const char                *staging,
              const StrataExportOptions *options,
              StrataSplit               *split_out,
              GPtrArray                 *check_files,
              CheckOutcome              *outcome,
              GCancellable              *cancellable,
              GError                   **error)
{
  g_autofree char *python = strata_export_find_python (options->python);
  g_autofree char *base_dir = strata_project_dup_base_dir (project);
  g_autofree char *images_dir = g_build_filename (staging, "examples", NULL);
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(GPtrArray) ours = NULL;
  g_autoptr(JsonNode) result = NULL;
  const char *const dirs[] = { images_dir, NULL };
  guint wanted = options->check_images ? options->check_images : STRATA_EXPORT_CHECK_IMAGES;

  if (python == NULL)
    {
      outcome->reason = g_strdup (_("there is no Python 3 to run test.py with"));
      return TRUE;
    }
  session = strata_session_new (settings, base_dir, error);
  if (session == NULL)
    return FALSE;
  *split_out = pick_split (strata_session_get_dataset (session), options->check_split);
  report (options, _("Preparing the check images"), 0, 1);
  if (!write_check_images (strata_session_get_dataset (session), *split_out, wanted, images_dir,
                           check_files, cancellable, error))
    return FALSE;
  ours = strata_predictor_predict_files (predictor, dirs, cancellable, NULL, NULL, error);
  if (ours == NULL)
    return FALSE;
  report (options, _("Checking test.py against Strata"), 0, check_files->len);
  if (!run_test_py (python, staging, images_dir, options, outcome, &result, cancellable, error))
    return FALSE;
  if (!outcome->ran)
    return TRUE;
  if (!compare (ours, result, strata_predictor_get_classes (predictor), outcome, error))
    return FALSE;
  report (options, _("Checking test.py against Strata"), check_files->len, check_files->len);

  /* Strata's own answers for the example images that go into the zip */
  {
    g_autoptr(GPtrArray) examples = g_ptr_array_new ();
    g_autofree char *csv = g_build_filename (images_dir, "expected.csv", NULL);

    for (guint i = 0; i < ours->len && examples->len < EXAMPLE_IMAGES; i++)
      g_ptr_array_add (examples, g_ptr_array_index (ours, i));
    if (!strata_predictions_write_csv (examples, strata_predictor_get_classes (predictor), csv,
                                       error))
      return FALSE;
  }
  return TRUE;
}

/* Staging -------------------------------------------------------------------------------- */

static char *
describe_metrics (StrataProject *project,
                  const char    *run_name,
                  const char    *weights)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  g_autoptr(StrataRun) run = strata_run_open (runs_dir, run_name, NULL);
  JsonObject *info = run ? strata_run_get_info (run) : NULL;
  const char *monitor;
  double value;
  gint64 epoch;

  if (info == NULL)
    return g_strdup ("");
  monitor = strata_json_get_string (info, "monitor", NULL);
  value = strata_json_get_double (info, "best_value", NAN);
  epoch = strata_json_get_int (info, "best_epoch", 0);
  if (g_str_equal (weights, "best") && monitor && isfinite (value) && epoch > 0)
    return g_strdup_printf (", %s %.4f at epoch %" G_GINT64_FORMAT, monitor, value, epoch);
  epoch = strata_json_get_int (info, "epochs_done", 0);
  return epoch > 0 ? g_strdup_printf (", after %" G_GINT64_FORMAT " epochs", epoch)
                   : g_strdup ("");
}

static JsonNode *
run_info (StrataProject *project,
          const char    *run,
          const char    *weights,
          const char    *metrics)
{
  JsonObject *obj = json_object_new ();
  g_autofree char *name = strata_project_dup_name (project);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  JsonNode *node;

  json_object_set_string_member (obj, "project", name);
  json_object_set_string_member (obj, "run", run);
  json_object_set_string_member (obj, "weights", weights);
  json_object_set_string_member (obj, "exported", stamp);
  if (*metrics)
    json_object_set_string_member (obj, "summary", metrics + 2);
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

/**
 * strata_export_zip:
 * @run: the run whose model to export
 * @path: the zip to write (replaced atomically)
 * @options: (nullable): weights, the check, progress
 * @cancellable: (nullable): stops between stages and during the check
 *
 * Writes the submission zip of a run's model (see the file's comment) after checking that
 * the exported test.py agrees with Strata. Blocks: call it from a worker thread under a GUI.
 *
 * Returns: (transfer full) (nullable): what was written and checked, or %NULL with
 *   %STRATA_EXPORT_ERROR_CHECK when test.py disagrees (the message lists the images), or
 *   another error; nothing is written at @path then
 */
StrataExportResult *
strata_export_zip (StrataProject             *project,
                   const char                *run,
                   const char                *path,
                   const StrataExportOptions *options,
                   GCancellable              *cancellable,
                   GError                   **error)
{
  static const StrataExportOptions defaults = { .check_split = -1 };
  g_autoptr(StrataPredictor) predictor = NULL;
  g_autoptr(StrataKerasModel) keras = NULL;
  g_autoptr(StrataExportResult) result = NULL;
  g_autoptr(JsonNode) info = NULL, config = NULL, metadata = NULL, settings = NULL;
  g_autoptr(GPtrArray) check_files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StrataZipWriter) zip = NULL;
  g_autoptr(GBytes) test_py = NULL;
  g_autofree char *staging = NULL, *project_name = NULL, *metrics = NULL, *readme = NULL;
  int staging_lock = -1;
  g_autofree char *config_text = NULL, *check_text = NULL;
  g_auto(CheckOutcome) outcome = { 0 };
  StrataSplit check_split = STRATA_SPLIT_TEST;
  gint64 start = g_get_monotonic_time ();
  gboolean ok = FALSE;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  /* before minutes of checking: a device or a folder is never replaced by the zip */
  if (!strata_atomic_file_check_target (path, error))
    return NULL;

  report (options, _("Loading the model"), 0, 1);
  predictor = strata_predictor_new (project, run, options->weights, error);
  if (predictor == NULL)
    return NULL;
  project_name = strata_project_dup_name (project);
  keras = strata_keras_model_new (strata_predictor_get_model (predictor), "model", error);
  if (keras == NULL)
    return NULL;
  {
    g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
    g_autoptr(StrataRun) r = strata_run_open (runs_dir, run, error);

    if (r == NULL)
      return NULL;
    settings = json_node_copy (strata_run_get_settings (r));
  }

  result = g_new0 (StrataExportResult, 1);
  result->path = g_strdup (path);
  result->weights = g_strdup (strata_predictor_get_weights (predictor));
  metrics = describe_metrics (project, run, result->weights);
  info = run_info (project, run, result->weights, metrics);

  /* what a killed export left goes first; this one holds its folder locked while it works */
  strata_staging_dir_sweep (g_get_tmp_dir (), "strata-export-");
  staging = strata_staging_dir_new (g_get_tmp_dir (), "strata-export-", &staging_lock, error);
  if (staging == NULL)
    return NULL;

  {
    g_autofree char *h5 = g_build_filename (staging, "model.h5", NULL);
    g_autofree char *st = g_build_filename (staging, "model.safetensors", NULL);
    g_autofree char *cfg = g_build_filename (staging, "config.json", NULL);
    g_autofree char *script = g_build_filename (staging, "test.py", NULL);
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    JsonObject *meta;

    report (options, _("Writing the Keras model"), 0, 1);
    if (!strata_keras_h5_write (keras, h5, error))
      goto out;
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      goto out;

    config = strata_export_build_config (keras, strata_predictor_get_dataset_settings (predictor),
                                         strata_predictor_get_classes (predictor), info);
    json_generator_set_root (gen, config);
    json_generator_set_pretty (gen, TRUE);
    config_text = json_generator_to_data (gen, NULL);
    if (!g_file_set_contents (cfg, config_text, -1, error))
      goto out;

    report (options, _("Writing the PyTorch weights"), 0, 1);
    meta = json_object_new ();
    json_object_set_string_member (meta, "format", "pt");
    json_object_set_member (meta, "classes",
                            json_node_copy (json_object_get_member (json_node_get_object (config),
                                                                    "classes")));
    json_object_set_member (meta, "input",
                            json_node_copy (json_object_get_member (json_node_get_object (config),
                                                                    "input")));
    json_object_set_member (meta, "preprocessing",
                            json_node_copy (json_object_get_member (json_node_get_object (config),
                                                                    "preprocessing")));
    json_object_set_string_member (meta, "flatten_order", "height,width,channels");
    json_object_set_string_member (meta, "strata_version", PACKAGE_VERSION);
    json_object_set_string_member (meta, "run", run);
    metadata = json_node_init_object (json_node_alloc (), meta);
    json_object_unref (meta);
    if (!strata_export_write_safetensors (keras, metadata, st, error))
      goto out;

    test_py = strata_export_get_file ("test.py");
    if (!g_file_set_contents (script, g_bytes_get_data (test_py, NULL),
                              g_bytes_get_size (test_py), error))
      goto out;
    g_chmod (script, 0755);
  }

  if (!options->skip_check)
    {
      if (!check_export (predictor, project, settings, staging, options, &check_split,
                         check_files, &outcome, cancellable, error))
        goto out;
      if (!outcome.ran && options->require_check)
        {
          g_set_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_CHECK_FAILED,
                       _("The export could not be checked: %s"), outcome.reason);
          goto out;
        }
    }
  else
    outcome.reason = g_strdup (_("the check was turned off"));

  if (outcome.ran)
    check_text = g_strdup_printf ("%u images of the project's %s split (with %s): every "
                                  "prediction agreed with Strata's and every probability was "
                                  "within %g of it (largest difference %.2g)",
                                  outcome.images, strata_split_to_string (check_split),
                                  g_str_equal (outcome.backend, "keras") ? "Keras" : "PyTorch",
                                  STRATA_EXPORT_TOLERANCE, outcome.max_difference);
  else
    check_text = g_strdup_printf ("no images: the check did not run (%s)", outcome.reason);
  readme = build_readme (project_name, run, result->weights, metrics,
                         strata_predictor_get_classes (predictor),
                         strata_predictor_get_dataset_settings (predictor),
                         strata_keras_model_ends_in_softmax (keras), check_text, outcome.ran);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  report (options, _("Writing the zip"), 0, 1);
  zip = strata_zip_writer_new (path, error);
  if (zip == NULL)
    goto out;
  {
    g_autofree char *h5 = g_build_filename (staging, "model.h5", NULL);
    g_autofree char *st = g_build_filename (staging, "model.safetensors", NULL);

    if (!strata_zip_writer_add_bytes (zip, "README.md", readme, strlen (readme), 0644, error) ||
        !strata_zip_writer_add_bytes (zip, "test.py", g_bytes_get_data (test_py, NULL),
                                      g_bytes_get_size (test_py), 0755, error) ||
        !strata_zip_writer_add_bytes (zip, "config.json", config_text, strlen (config_text),
                                      0644, error) ||
        !strata_zip_writer_add_file (zip, "model.h5", h5, 0644, cancellable, error) ||
        !strata_zip_writer_add_file (zip, "model.safetensors", st, 0644, cancellable, error))
      goto out;
    for (guint i = 0; outcome.ran && i < check_files->len && i < EXAMPLE_IMAGES; i++)
      {
        const char *file = g_ptr_array_index (check_files, i);
        g_autofree char *from = g_build_filename (staging, "examples", file, NULL);
        g_autofree char *member = g_strconcat ("examples/", file, NULL);

        if (!strata_zip_writer_add_file (zip, member, from, 0644, cancellable, error))
          goto out;
      }
    if (outcome.ran)
      {
        g_autofree char *from = g_build_filename (staging, "examples", "expected.csv", NULL);

        if (!strata_zip_writer_add_file (zip, "examples/expected.csv", from, 0644, cancellable,
                                         error))
          goto out;
      }
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !strata_zip_writer_commit (zip, error))
    goto out;

  {
    GStatBuf st;

    if (g_stat (path, &st) == 0)
      result->zip_bytes = st.st_size;
  }
  result->checked = outcome.ran;
  result->not_checked_reason = g_steal_pointer (&outcome.reason);
  result->check_split = check_split;
  result->check_images = outcome.images;
  result->check_backend = g_steal_pointer (&outcome.backend);
  result->check_max_difference = outcome.max_difference;
  result->check_seconds = outcome.seconds;
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  ok = TRUE;

out:
  strata_remove_tree (staging, NULL);
  if (staging_lock >= 0)
    close (staging_lock);
  return ok ? g_steal_pointer (&result) : NULL;
}
