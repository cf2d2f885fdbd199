/* strata-verb-embed.c: strata embed --model NAME --weights FILE IMAGE_OR_FOLDER… --out X.npy
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-dataset.h"
#include "strata-plan.h"
#include "strata-verbs.h"
#include "strata-zoo.h"

/*
 * The features of a pretrained backbone for each image: the same graph, model, weight
 * loading, image preparation and plan as training uses, with the backbone's pooled output
 * read where a classifier's scores would be.
 */

typedef struct
{
  char *model;
  char *weights;
  char *out;
  char *pooling;
  char *normalization;
  int input_size;
  int width_divisor;
  int batch;
} Options;

static const char *const image_suffixes[] = {
  ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm",
};

static gboolean
is_image (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (image_suffixes); i++)
    if (g_str_has_suffix (lower, image_suffixes[i]))
      return TRUE;
  return FALSE;
}

static gint
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The images of a folder and its subfolders, sorted; a file is taken as it is. */
static gboolean
collect (const char  *path,
         GPtrArray   *images,
         GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("There is no file “%s”"),
                       path);
          return FALSE;
        }
      g_ptr_array_add (images, g_strdup (path));
      return TRUE;
    }
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  found = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (found, g_build_filename (path, name, NULL));
  g_ptr_array_sort (found, compare_strings);
  for (guint i = 0; i < found->len; i++)
    {
      const char *child = g_ptr_array_index (found, i);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (!collect (child, images, error))
            return FALSE;
        }
      else if (is_image (child))
        g_ptr_array_add (images, g_strdup (child));
    }
  return TRUE;
}

static StrataGraph *
build_graph (const Options  *o,
             const char     *type,
             GError        **error)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  gboolean file = !g_str_has_prefix (o->weights, "imagenet-") && !g_str_equal (o->weights, "none");
  g_autofree char *id = NULL;
  StrataNode *node;
  StrataShape shape;
  const char *last;

  if (!strata_graph_add_node (graph, "Input", "input", error) ||
      !strata_graph_set_param (graph, "input", "height", g_variant_new_int32 (o->input_size), error) ||
      !strata_graph_set_param (graph, "input", "width", g_variant_new_int32 (o->input_size), error) ||
      !strata_graph_set_param (graph, "input", "channels", g_variant_new_int32 (3), error))
    return NULL;
  node = strata_graph_add_node (graph, type, NULL, error);
  if (node == NULL)
    return NULL;
  id = g_strdup (strata_node_get_id (node));
  if (!strata_graph_set_param (graph, id, "weights",
                               g_variant_new_string (file ? "file" : o->weights), error) ||
      (file && !strata_graph_set_param (graph, id, "weights_file",
                                        g_variant_new_string (o->weights), error)) ||
      !strata_graph_set_param (graph, id, "pooling", g_variant_new_string (o->pooling), error) ||
      !strata_graph_set_param (graph, id, "width_divisor",
                               g_variant_new_int32 (o->width_divisor), error) ||
      !strata_graph_connect (graph, "input", id, 0, error))
    return NULL;
  last = id;
  if (strata_graph_get_output_shape (graph, id, &shape) && shape.rank == 3)
    {
      if (!strata_graph_add_node (graph, "Flatten", "flatten", error) ||
          !strata_graph_connect (graph, id, "flatten", 0, error))
        return NULL;
      last = "flatten";
    }
  if (!strata_graph_add_node (graph, "Output", "output", error) ||
      !strata_graph_connect (graph, last, "output", 0, error) ||
      !strata_graph_validate (graph, error))
    return NULL;
  return g_steal_pointer (&graph);
}

/* NumPy's .npy 1.0: float32, little-endian, (rows, columns). */
static gboolean
write_npy (const char   *path,
           const float  *values,
           guint         rows,
           guint         columns,
           GError      **error)
{
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(StrataAtomicFile) file = NULL;
  guint16 length;

  g_string_printf (header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%u, %u), }",
                   rows, columns);
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  length = GUINT16_TO_LE (header->len);
  file = strata_atomic_file_new (path, error);
  return file != NULL &&
         strata_atomic_file_write (file, "\x93NUMPY\x01\x00", 8, error) &&
         strata_atomic_file_write (file, &length, 2, error) &&
         strata_atomic_file_write (file, header->str, header->len, error) &&
         strata_atomic_file_write (file, values, (gsize) rows * columns * sizeof (float), error) &&
         strata_atomic_file_commit (file, error);
}

static char *
list_path (const char *out)
{
  g_autofree char *stem = g_str_has_suffix (out, ".npy") ? g_strndup (out, strlen (out) - 4)
                                                         : g_strdup (out);
  return g_strconcat (stem, ".txt", NULL);
}

static gboolean
embed (const Options  *o,
       const char     *type,
       GPtrArray      *images,
       GError        **error)
{
  g_autoptr(StrataGraph) graph = build_graph (o, type, error);
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(GArray) features = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GPtrArray) batch_paths = g_ptr_array_new ();
  StrataPlanOptions plan_options = { STRATA_PLAN_INFER, o->batch, STRATA_PRECISION_FP32 };
  StrataNormalization normalization = STRATA_NORMALIZE_UNIT;
  g_autofree char *list_file = list_path (o->out);
  guint dims, rows = 0;
  gsize sample;

  if (graph == NULL)
    return FALSE;
  if (o->normalization)
    {
      int value;
      if (!strata_enum_from_nick (STRATA_TYPE_NORMALIZATION, o->normalization, &value))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not a normalization: use 0..1, caffe, tf or torch"),
                       o->normalization);
          return FALSE;
        }
      normalization = value;
    }
  else
    strata_zoo_graph_get_preprocessing (graph, &normalization, NULL);
  /* Keras' load_img(target_size=…) stretches the image to the size */
  settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS, "image-width", o->input_size,
                           "image-height", o->input_size, "image-channels", 3,
                           "resize-mode", STRATA_RESIZE_SQUASH,
                           "normalization", normalization, NULL);

  model = strata_model_new (graph, error);
  if (model == NULL ||
      !strata_zoo_load_weights (model, isatty (fileno (stderr)) ? strata_cli_download_progress : NULL, NULL,
                                NULL, error))
    return FALSE;
  plan = strata_plan_new (model, &plan_options, error);
  if (plan == NULL)
    return FALSE;
  dims = strata_model_get_n_classes (model);
  sample = (gsize) o->input_size * o->input_size * 3;

  for (guint i = 0; i < images->len;)
    {
      guint n = 0;

      g_ptr_array_set_size (batch_paths, 0);
      for (; i < images->len && n < (guint) o->batch; i++)
        {
          const char *path = g_ptr_array_index (images, i);
          g_autoptr(GError) local_error = NULL;

          if (!strata_preprocess_image_file (settings, path,
                                             strata_plan_get_input (plan) + n * sample,
                                             &local_error))
            {
              /* Translators: a warning; the image is left out of the features */
              g_printerr (_("strata: skipping %s\n"), local_error->message);
              continue;
            }
          g_ptr_array_add (batch_paths, (gpointer) path);
          n++;
        }
      if (n == 0)
        continue;
      if (!strata_plan_forward (plan, n, 0, error))
        return FALSE;
      g_array_append_vals (features, strata_plan_get_scores (plan), n * dims);
      for (guint k = 0; k < n; k++)
        g_string_append_printf (list, "%s\n", (const char *) g_ptr_array_index (batch_paths, k));
      rows += n;
    }
  if (rows == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("None of the images could be read"));
      return FALSE;
    }
  if (!write_npy (o->out, (const float *) features->data, rows, dims, error) ||
      !strata_write_file_atomic (list_file, list->str, list->len, error))
    return FALSE;
  printf (_("%u images, %u features each: %s, %s\n"), rows, dims, o->out, list_file);
  return TRUE;
}

int
strata_verb_embed (int    argc,
                   char **argv)
{
  Options o = { .input_size = 0, .width_divisor = 1, .batch = 16 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *type = NULL;
  StrataZooArch arch;
  GError *error = NULL;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &o.model,
      N_("The backbone: VGG16, VGG19, ResNet50, InceptionV3, MobileNetV2, DenseNet121"),
      N_("NAME") },
    { "weights", 0, 0, G_OPTION_ARG_FILENAME, &o.weights,
      N_("A Keras .h5 or safetensors file, or imagenet-keras or imagenet-torch"), N_("FILE") },
    { "input-size", 0, 0, G_OPTION_ARG_INT, &o.input_size,
      N_("Images are resized to N×N (224, or 299 for InceptionV3)"), N_("N") },
    { "pooling", 0, 0, G_OPTION_ARG_STRING, &o.pooling,
      N_("avg or max pools the last feature map; none keeps all of it"), N_("avg|max|none") },
    { "normalization", 0, 0, G_OPTION_ARG_STRING, &o.normalization,
      N_("Override the preprocessing the weights expect: 0..1, caffe, tf or torch"),
      N_("NAME") },
    { "width-divisor", 0, 0, G_OPTION_ARG_INT, &o.width_divisor,
      N_("Divides every layer's filters, for weights of a narrowed backbone"), N_("K") },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o.batch, N_("Images per batch"), N_("N") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out,
      N_("Where to write the features; the list of images goes beside it, as .txt"),
      N_("FEATURES.npy") },
    { NULL }
  };

  context = g_option_context_new (_("IMAGE_OR_FOLDER… — one row of backbone features per image"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (o.model == NULL || !strata_zoo_arch_from_type_name (o.model, &arch))
    {
      for (int a = 0; a < STRATA_ZOO_N_ARCHS && o.model; a++)
        if (g_ascii_strcasecmp (o.model, strata_zoo_arch_get_type_name (a)) == 0)
          {
            arch = a;
            goto found;
          }
      return strata_cli_usage_error (context, _("Say which backbone with --model, e.g. "
                                                "--model ResNet50"));
    }
found:
  type = g_strdup (strata_zoo_arch_get_type_name (arch));
  if (o.weights == NULL)
    return strata_cli_usage_error (context, _("Say which weights with --weights FILE"));
  if (o.out == NULL)
    return strata_cli_usage_error (context, _("Say where the features go with --out "
                                              "FEATURES.npy"));
  if (argc < 2)
    return strata_cli_usage_error (context, _("Give at least one image or folder"));
  if (o.pooling == NULL)
    o.pooling = g_strdup ("avg");
  if (o.input_size <= 0)
    o.input_size = arch == STRATA_ZOO_INCEPTION_V3 ? 299 : 224;
  if (o.batch <= 0 || o.width_divisor <= 0)
    return strata_cli_usage_error (context, _("--batch and --width-divisor must be positive"));
  for (int i = 1; i < argc; i++)
    if (!collect (argv[i], images, &error))
      return strata_cli_fail (error, FALSE);
  if (images->len == 0)
    {
      g_set_error (&error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("There are no images there"));
      return strata_cli_fail (error, FALSE);
    }
  if (!embed (&o, type, images, &error))
    return strata_cli_fail (error, FALSE);
  g_free (o.model);
  g_free (o.weights);
  g_free (o.out);
  g_free (o.pooling);
  g_free (o.normalization);
  return 0;
}
