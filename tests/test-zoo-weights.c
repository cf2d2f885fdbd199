/* test-zoo-weights.c: pretrained backbones against Keras' and torchvision's own code
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/zoo/gen_fixtures.py builds every architecture twice with channel counts divided by
 * 8–32 and small images: with Debian's keras_applications evaluated in float64 torch with
 * Keras' semantics (weights saved as Keras .h5 in each string style h5py has written), and
 * with torchvision's classes (weights saved as safetensors with torchvision's or timm's
 * names, in F32, F16 or BF16). Strata builds the same node with the same width divisor, loads
 * the file and must give the reference output within TOLERANCE of its largest value.
 * Damaged and mismatched files must give errors that name the problem, never a crash.
 * Skipped (77) without python3-torch, -torchvision, -h5py and -keras-applications.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "strata-dataset.h"
#include "strata-plan-private.h"
#include "strata-test-images.h"
#include "strata-test-util.h"
#include "strata-zoo-net.h"
#include "strata-zoo-weights.h"

/* float32 through up to 100 layers, against float64 */
#define TOLERANCE 2e-4

static char *fixtures;
static JsonArray *manifest;

static StrataGraph *
backbone_graph (const char *type,
                int         size,
                int         divisor,
                const char *pooling,
                gboolean    include_top,
                const char *variant,
                const char *file)
{
  StrataGraph *graph = strata_graph_new ();
  g_autofree char *size_text = g_strdup_printf ("%d", size);
  g_autofree char *divisor_text = g_strdup_printf ("%d", divisor);
  g_autofree char *pooling_text = g_strdup_printf ("'%s'", pooling);
  g_autoptr(GVariant) file_value = file ? g_variant_ref_sink (g_variant_new_string (file)) : NULL;
  g_autofree char *file_text = file_value ? g_variant_print (file_value, FALSE) : NULL;
  StrataShape shape;

  test_add (graph, "Input", "input", NULL);
  test_set (graph, "input", "height", size_text);
  test_set (graph, "input", "width", size_text);
  test_set (graph, "input", "channels", "3");
  test_add (graph, type, "net", "input");
  test_set (graph, "net", "weights", file ? "'file'" : "'none'");
  if (file)
    test_set (graph, "net", "weights_file", file_text);
  test_set (graph, "net", "width_divisor", divisor_text);
  test_set (graph, "net", "pooling", pooling_text);
  test_set (graph, "net", "include_top", include_top ? "true" : "false");
  if (variant && !g_str_equal (variant, "auto") &&
      strata_op_find_param (strata_op_lookup (type), "variant") != NULL)
    {
      g_autofree char *v = g_strdup_printf ("'%s'", variant);
      test_set (graph, "net", "variant", v);
    }
  g_assert_true (strata_graph_get_output_shape (graph, "net", &shape));
  if (shape.rank == 3)
    {
      test_add (graph, "Flatten", "flatten", "net");
      test_add (graph, "Output", "output", "flatten");
    }
  else
    test_add (graph, "Output", "output", "net");
  return graph;
}

static void
test_exact (gconstpointer data)
{
  JsonObject *c = (JsonObject *) data;
  const char *name = json_object_get_string_member (c, "name");
  int size = json_object_get_int_member (c, "size");
  g_autoptr(StrataGraph) graph = backbone_graph (json_object_get_string_member (c, "type"),
                                                 size, json_object_get_int_member (c, "divisor"),
                                                 json_object_get_string_member (c, "pooling"),
                                                 json_object_get_boolean_member (c, "include_top"),
                                                 json_object_get_string_member (c, "variant"),
                                                 json_object_get_string_member (c, "file"));
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  g_autoptr(StrataPlan) plan = NULL;
  g_autofree char *in_path = g_strdup_printf ("%s/%s_in.npy", fixtures, name);
  g_autofree char *out_path = g_strdup_printf ("%s/%s_out.npy", fixtures, name);
  g_autofree float *input = NULL, *expected = NULL, *actual = NULL;
  StrataPlanOptions options = { STRATA_PLAN_INFER, 0, STRATA_PRECISION_FP32 };
  const char *last;
  gsize n_in, n_out;
  double largest = 0, worst = 0;

  g_assert_no_error (error);
  g_assert_true (strata_zoo_load_weights (model, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  input = test_read_npy (in_path, &n_in, &error);
  g_assert_no_error (error);
  expected = test_read_npy (out_path, &n_out, &error);
  g_assert_no_error (error);
  options.batch = n_in / (size * size * 3);

  plan = _strata_plan_new_full (model, &options, STRATA_PLAN_DEBUG_KEEP_OUTPUTS, &error);
  g_assert_no_error (error);
  memcpy (strata_plan_get_input (plan), input, n_in * sizeof (float));
  g_assert_true (strata_plan_forward (plan, options.batch, 0, &error));
  g_assert_no_error (error);

  last = strata_graph_get_input (strata_model_get_graph (model), "output", 0);
  actual = g_new (float, n_out);
  g_assert_true (_strata_plan_read_output (plan, last, actual, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n_out; i++)
    {
      largest = MAX (largest, fabs (expected[i]));
      worst = MAX (worst, fabs (expected[i] - actual[i]));
    }
  g_test_message ("%s: %zu values, largest %.4g, worst difference %.3g", name, n_out, largest,
                  worst);
  g_assert_cmpfloat (largest, >, 0);
  g_assert_cmpfloat (worst, <=, TOLERANCE * largest);
}

/* Strata's layers with weights, in its Keras order, match keras_applications' list: names,
 * order and shapes, at full width. */
static void
test_keras_order (void)
{
  static const struct { const char *key, *type, *variant; int size; } archs[] = {
    { "VGG16", "VGG16", NULL, 224 },
    { "VGG19", "VGG19", NULL, 224 },
    { "ResNet50", "ResNet50", NULL, 224 },
    { "ResNet50-legacy", "ResNet50", "keras-legacy", 224 },
    { "InceptionV3", "InceptionV3", NULL, 299 },
    { "MobileNetV2", "MobileNetV2", NULL, 224 },
    { "DenseNet121", "DenseNet121", NULL, 224 },
  };
  g_autofree char *path = g_build_filename (fixtures, "keras_order.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint a = 0; a < G_N_ELEMENTS (archs); a++)
    {
      g_autoptr(StrataGraph) graph = backbone_graph (archs[a].type, archs[a].size, 1, "none",
                                                     TRUE, archs[a].variant, NULL);
      StrataNode *node = strata_graph_get_node (graph, "net");
      StrataShape input = strata_shape_3d (archs[a].size, archs[a].size, 3);
      g_autoptr(StrataZooNet) net = _strata_zoo_net_for_node (node, &input, &error);
      JsonArray *keras = json_object_get_array_member (root, archs[a].key);

      g_assert_no_error (error);
      g_assert_cmpuint (net->weighted->len, ==, json_array_get_length (keras));
      for (guint r = 0; r < net->weighted->len; r++)
        {
          StrataZooLayer *l = _strata_zoo_layer (net, g_array_index (net->weighted, int, r));
          JsonArray *entry = json_array_get_array_element (keras, r);
          JsonArray *shapes = json_array_get_array_element (entry, 1);
          JsonArray *kernel = json_array_get_array_element (shapes, 0);

          g_assert_cmpstr (l->name, ==, json_array_get_string_element (entry, 0));
          if (l->kind == ZOO_CONV)
            {
              g_assert_cmpint (json_array_get_int_element (kernel, 0), ==, l->kh);
              g_assert_cmpint (json_array_get_int_element (kernel, 1), ==, l->kw);
              g_assert_cmpint (json_array_get_int_element (kernel, 3), ==, l->filters);
              g_assert_cmpuint (json_array_get_length (shapes), ==, l->use_bias ? 2 : 1);
            }
          else if (l->kind == ZOO_BN)
            g_assert_cmpuint (json_array_get_length (shapes), ==, l->scale ? 4 : 3);
          else if (l->kind == ZOO_DENSE)
            g_assert_cmpint (json_array_get_int_element (kernel, 1), ==, l->filters);
        }
    }
}

/* Every tensor of torchvision's state_dict has a Strata layer, and the reverse. */
static void
test_torch_keys (void)
{
  static const struct { const char *type; int size; } archs[] = {
    { "VGG16", 224 }, { "VGG19", 224 }, { "ResNet50", 224 }, { "MobileNetV2", 224 },
    { "DenseNet121", 224 },
  };
  g_autofree char *path = g_build_filename (fixtures, "torch_keys.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint a = 0; a < G_N_ELEMENTS (archs); a++)
    {
      g_autoptr(StrataGraph) graph = backbone_graph (archs[a].type, archs[a].size, 1, "none",
                                                     TRUE, "torchvision", NULL);
      StrataNode *node = strata_graph_get_node (graph, "net");
      StrataShape input = strata_shape_3d (archs[a].size, archs[a].size, 3);
      g_autoptr(StrataZooNet) net = _strata_zoo_net_for_node (node, &input, &error);
      JsonObject *keys = json_object_get_object_member (root, archs[a].type);
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GList) names = json_object_get_members (keys);

      g_assert_no_error (error);
      for (guint r = 0; r < net->weighted->len; r++)
        {
          StrataZooLayer *l = _strata_zoo_layer (net, g_array_index (net->weighted, int, r));
          g_autofree char *module = _strata_zoo_torch_key (net->arch, l->name, FALSE);
          const char *suffixes[] = { "weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked" };
          guint n_suffixes = l->kind == ZOO_BN ? 5 : l->use_bias ? 2 : 1;

          g_assert_nonnull (module);
          for (guint s = 0; s < n_suffixes; s++)
            {
              char *key = g_strdup_printf ("%s.%s", module, suffixes[s]);
              if (!json_object_has_member (keys, key))
                g_error ("%s: %s (from %s) is not in torchvision's state_dict", archs[a].type,
                         key, l->name);
              g_hash_table_add (seen, key);
            }
        }
      for (GList *k = names; k; k = k->next)
        if (!g_hash_table_contains (seen, k->data))
          g_error ("%s: torchvision's %s has no Strata layer", archs[a].type, (char *) k->data);
    }
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (fixtures, name, NULL);
}

/* Loads @file into a node built for @type; returns the error. */
static GError *
load_error (const char *type,
            int         size,
            int         divisor,
            const char *file)
{
  g_autoptr(StrataGraph) graph = backbone_graph (type, size, divisor, "avg", FALSE, NULL, file);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  StrataTensor *first;
  float before;

  g_assert_no_error (error);
  first = strata_model_get_tensor (model, 0);
  before = first->data[0];
  g_assert_false (strata_zoo_load_weights (model, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  /* a failed load leaves the model as it was */
  g_assert_cmpfloat (first->data[0], ==, before);
  g_test_message ("%s", error->message);
  return g_steal_pointer (&error);
}

static char *
damaged_copy (const char *name,
              gsize       keep,
              gsize       corrupt_at,
              gsize       corrupt_len)
{
  g_autofree char *src = fixture_path (name);
  g_autofree char *contents = NULL;
  g_autofree char *dst_name = g_strdup_printf ("damaged-%zu-%zu-%s", keep, corrupt_at, name);
  char *dst = fixture_path (dst_name);
  gsize length;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (src, &contents, &length, &error));
  if (keep > 0)
    length = MIN (length, keep);
  for (gsize i = corrupt_at; i < MIN (length, corrupt_at + corrupt_len); i++)
    contents[i] = (char) (contents[i] ^ 0x5a);
  g_assert_true (g_file_set_contents (dst, contents, length, &error));
  return dst;
}

static gsize
file_size (const char *name)
{
  g_autofree char *path = fixture_path (name);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
test_damaged_files (void)
{
  static const char *const files[] = { "resnet50_tf.h5", "tv_resnet50.safetensors" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      gsize size = file_size (files[f]);
      /* cut at many places, and bytes flipped in the header and in the middle */
      const gsize cuts[] = { 4, 100, size / 10, size / 2, size - 1 };
      const gsize flips[] = { 0, 16, 600, size / 3 };

      for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
        {
          g_autofree char *path = damaged_copy (files[f], cuts[i], 0, 0);
          g_autoptr(GError) error = load_error ("ResNet50", 32, 16, path);
          g_assert_true (error->domain == STRATA_ZOO_ERROR);
        }
      for (guint i = 0; i < G_N_ELEMENTS (flips); i++)
        {
          g_autofree char *path = damaged_copy (files[f], 0, flips[i], 64);
          g_autoptr(GError) error = NULL;
          g_autoptr(StrataGraph) graph = backbone_graph ("ResNet50", 32, 16, "avg", FALSE, NULL,
                                                         path);
          g_autoptr(StrataModel) model = strata_model_new (graph, &error);

          g_assert_no_error (error);
          /* flipped weight bytes are still numbers: no crash is all that can be asked;
           * flipped structure must be an error */
          if (!strata_zoo_load_weights (model, NULL, NULL, NULL, &error))
            g_test_message ("flip at %zu: %s", flips[i], error->message);
        }
    }
}

static void
test_mismatches (void)
{
  g_autofree char *vgg16 = fixture_path ("vgg16_tf.h5");
  g_autofree char *resnet = fixture_path ("resnet50_tf.h5");
  g_autofree char *tv_resnet = fixture_path ("tv_resnet50.safetensors");
  g_autoptr(GError) error = NULL;

  /* VGG16's 13 layers are fewer than VGG19's 16 */
  error = load_error ("VGG19", 32, 16, vgg16);
  g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "13"));
  g_clear_error (&error);

  /* another width: the first layer and both shapes are named */
  error = load_error ("ResNet50", 32, 8, resnet);
  g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "conv1_conv"));
  g_assert_nonnull (strstr (error->message, "(7, 7, 3, 4)"));
  g_assert_nonnull (strstr (error->message, "(7, 7, 3, 8)"));
  g_clear_error (&error);

  /* torchvision weights in a node forced to build Keras' ResNet50 */
  {
    g_autoptr(StrataGraph) graph = backbone_graph ("ResNet50", 32, 16, "avg", FALSE, "keras",
                                                   tv_resnet);
    g_autoptr(StrataModel) model = strata_model_new (graph, &error);
    g_assert_no_error (error);
    g_assert_false (strata_zoo_load_weights (model, NULL, NULL, NULL, &error));
    g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH);
    g_clear_error (&error);
  }

  /* no file */
  error = load_error ("ResNet50", 32, 16, "/nonexistent/weights.h5");
  g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NOT_FOUND);
}

/* The variant follows the file: the old Keras ResNet50 by its layer names, torchvision's by
 * its keys; and the preprocessing with it. */
static void
test_probe (void)
{
  static const struct { const char *file; StrataZooVariant variant; int normalization; } cases[] = {
    { "resnet50_tf.h5", STRATA_ZOO_KERAS, STRATA_NORMALIZE_CAFFE },
    { "resnet50_legacy_keras1.h5", STRATA_ZOO_KERAS_LEGACY, STRATA_NORMALIZE_CAFFE },
    { "tv_resnet50.safetensors", STRATA_ZOO_TORCH, STRATA_NORMALIZE_TORCH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture_path (cases[i].file);
      g_autoptr(StrataGraph) graph = backbone_graph ("ResNet50", 32, 16, "avg", FALSE, NULL,
                                                     path);
      StrataNode *node = strata_graph_get_node (graph, "net");
      StrataNormalization normalization;

      g_assert_cmpint (strata_zoo_node_get_variant (node), ==, cases[i].variant);
      g_assert_true (strata_zoo_node_get_preprocessing (node, &normalization));
      g_assert_cmpint (normalization, ==, cases[i].normalization);
    }
}

/* strata embed gives, for each image, what the same model gives on the image as the data
 * pipeline prepares it (the caffe preprocessing its Keras weights imply), and lists the
 * images it read in order, leaving out one that is not an image. */
static void
test_embed (void)
{
  g_autofree char *weights = fixture_path ("resnet50_tf.h5");
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *images = g_build_filename (dir, "images", NULL);
  g_autofree char *sub = g_build_filename (images, "b", NULL);
  g_autofree char *out = g_build_filename (dir, "features.npy", NULL);
  g_autofree char *list = g_build_filename (dir, "features.txt", NULL);
  g_autofree char *broken = g_build_filename (images, "broken.png", NULL);
  g_autofree char *listed = NULL;
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  g_autofree float *features = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = backbone_graph ("ResNet50", 32, 16, "avg", FALSE, NULL,
                                                 weights);
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataDatasetSettings) settings = NULL;
  StrataPlanOptions options = { STRATA_PLAN_INFER, 1, STRATA_PRECISION_FP32 };
  const char *argv[] = {
    g_getenv ("STRATA_BIN"), "embed", "--model", "resnet50", "--weights", weights,
    "--width-divisor", "16", "--input-size", "32", "--batch", "2", "--out", out, images, NULL
  };
  gsize n;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  g_ptr_array_add (paths, g_build_filename (images, "a.png", NULL));
  g_ptr_array_add (paths, g_build_filename (sub, "c.jpg", NULL));
  g_ptr_array_add (paths, g_build_filename (sub, "d.png", NULL));
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (40 + 8 * i, 30, i + 1);
      const char *path = g_ptr_array_index (paths, i);
      test_save_pixbuf (pixbuf, path, g_str_has_suffix (path, "jpg") ? "jpeg" : "png");
    }
  g_assert_true (g_file_set_contents (broken, "not a png", -1, NULL));

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &stdout_text,
                &stderr_text, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", stdout_text, stderr_text);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (stderr_text, "broken.png"));

  g_assert_true (g_file_get_contents (list, &listed, NULL, NULL));
  {
    g_autofree char *expected = g_strdup_printf ("%s\n%s\n%s\n",
                                                 (char *) g_ptr_array_index (paths, 0),
                                                 (char *) g_ptr_array_index (paths, 1),
                                                 (char *) g_ptr_array_index (paths, 2));
    g_assert_cmpstr (listed, ==, expected);
  }
  features = test_read_npy (out, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3 * 2048 / 16);

  model = strata_model_new (graph, &error);
  g_assert_no_error (error);
  g_assert_true (strata_zoo_load_weights (model, NULL, NULL, NULL, &error));
  plan = _strata_plan_new_full (model, &options, STRATA_PLAN_DEBUG_KEEP_OUTPUTS, &error);
  g_assert_no_error (error);
  settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS, "image-width", 32, "image-height", 32,
                           "image-channels", 3, "normalization", STRATA_NORMALIZE_CAFFE, NULL);
  for (guint i = 0; i < paths->len; i++)
    {
      float row[128];

      g_assert_true (strata_preprocess_image_file (settings, g_ptr_array_index (paths, i),
                                                   strata_plan_get_input (plan), &error));
      g_assert_true (strata_plan_forward (plan, 1, 0, &error));
      g_assert_true (_strata_plan_read_output (plan, "net/avg_pool", row, &error));
      for (guint k = 0; k < 128; k++)
        g_assert_cmpfloat_with_epsilon (features[i * 128 + k], row[k],
                                        1e-5 * MAX (1, fabs (row[k])));
    }
}

static gboolean
generate (void)
{
  const char *srcdir = g_getenv ("STRATA_TEST_SRCDIR");
  g_autofree char *script = g_build_filename (srcdir ? srcdir : ".", "zoo", "gen_fixtures.py",
                                              NULL);
  g_autofree char *path = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "/usr/bin/python3", script, fixtures, NULL };
  int status = 0;

  if (!g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  path = g_build_filename (fixtures, "manifest.json", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
    }
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gen_fixtures.py failed:\n%s%s", out, err);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  manifest = json_array_ref (json_node_get_array (json_parser_get_root (parser)));
  return TRUE;
}

static void
test_skip (void)
{
  test_skip_missing ("python3-torch, -torchvision, -h5py or -keras-applications");
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* STRATA_ZOO_FIXTURES: an existing folder of fixtures, while working on the loaders */
  fixtures = g_getenv ("STRATA_ZOO_FIXTURES") ? g_strdup (g_getenv ("STRATA_ZOO_FIXTURES"))
                                              : test_tmpdir ();
  if (!generate ())
    {
      g_test_add_func ("/zoo/weights/skipped", test_skip);
      status = g_test_run ();
      remove_tree (fixtures);
      return status;
    }
  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *c = json_array_get_object_element (manifest, i);
      g_autofree char *name = g_strdup_printf ("/zoo/exact/%s",
                                               json_object_get_string_member (c, "name"));
      g_test_add_data_func (name, c, test_exact);
    }
  g_test_add_func ("/zoo/weights/keras-order", test_keras_order);
  g_test_add_func ("/zoo/weights/torch-keys", test_torch_keys);
  g_test_add_func ("/zoo/weights/damaged", test_damaged_files);
  g_test_add_func ("/zoo/weights/mismatch", test_mismatches);
  g_test_add_func ("/zoo/weights/probe", test_probe);
  g_test_add_func ("/zoo/embed", test_embed);
  status = g_test_run ();
  if (status == 0 && g_getenv ("STRATA_ZOO_FIXTURES") == NULL)
    remove_tree (fixtures);
  json_array_unref (manifest);
  return status;
}
