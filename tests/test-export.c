/* test-export.c: the Keras .h5, the safetensors, test.py and the checked submission zip
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/resource.h>

#include "strata-atomic-file.h"
#include "strata-dataset.h"
#include "strata-export.h"
#include "strata-keras-h5.h"
#include "strata-png-writer.h"
#include "strata-run.h"
#include "strata-test-project.h"
#include "strata-test-util.h"
#include "strata-zip-writer.h"

/* Images test.py is checked on in the fast suite (the slow suite checks a whole split). */
#define CHECK_IMAGES 64

static char *tmpdir;
static char *project_path;
static char *python;

static char *
write_resource (const char *dir,
                const char *name)
{
  g_autoptr(GBytes) bytes = strata_export_get_file (name);
  g_autofree char *base = g_path_get_basename (name);
  char *path = g_build_filename (dir, base, NULL);

  g_assert_nonnull (bytes);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  return path;
}

static gboolean
skip_without_python (void)
{
  if (python == NULL)
    {
      test_skip_missing ("python3 with numpy, torch and h5py");
      return TRUE;
    }
  return FALSE;
}

/* The Keras config ------------------------------------------------------------------------ */

/* The example's model_config is the golden copy, key for key, as tf.keras 2.13 writes it. */
static void
test_keras_config_golden (void)
{
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (strata_project_get_graph (project), &error);
  g_autoptr(StrataKerasModel) keras = strata_keras_model_new (model, "model", &error);
  g_autoptr(JsonNode) config = NULL, golden = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *golden_path = test_source_path ("tests/golden/fashion-mnist-model-config.json");
  g_autofree char *h5 = g_build_filename (tmpdir, "golden.h5", NULL);
  g_autofree char *checker = test_source_path ("tests/keras_h5_check.py");

  g_assert_no_error (error);
  config = strata_keras_model_dup_config (keras);
  g_assert_true (json_parser_load_from_file (parser, golden_path, &error));
  g_assert_no_error (error);
  golden = json_node_copy (json_parser_get_root (parser));
  if (!json_node_equal (config, golden))
    {
      g_autofree char *text = json_to_string (config, TRUE);
      g_test_message ("model_config:\n%s", text);
    }
  g_assert_true (json_node_equal (config, golden));

  g_assert_true (strata_keras_h5_write (keras, h5, &error));
  g_assert_no_error (error);
  if (skip_without_python ())
    return;
  {
    const char *argv[] = { python, checker, h5, "--golden", golden_path, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
}

/* A graph with every layer type the export writes, and the shapes and paddings that trip
 * up conversions: strided "same" convolutions (padding at the end), depthwise, dilation,
 * merges, rank-1 BatchNormalization and Concatenate, activations Keras has no name for. */
static StrataGraph *
layer_zoo_graph (void)
{
  StrataGraph *graph = strata_graph_new ();
  g_autoptr(GError) error = NULL;

  test_add (graph, "Input", "input", NULL);
  test_set (graph, "input", "height", "16");
  test_set (graph, "input", "width", "15");
  test_set (graph, "input", "channels", "3");
  test_add (graph, "Conv2D", "c1", "input");
  test_set (graph, "c1", "filters", "8");
  test_set (graph, "c1", "strides", "[2, 2]");
  test_set (graph, "c1", "padding", "'same'");
  test_set (graph, "c1", "activation", "'relu6'");
  test_add (graph, "DepthwiseConv2D", "dw", "c1");
  test_set (graph, "dw", "depth_multiplier", "2");
  test_set (graph, "dw", "padding", "'same'");
  test_set (graph, "dw", "activation", "'leaky_relu'");
  test_add (graph, "BatchNormalization", "bn", "dw");
  test_add (graph, "Activation", "act", "bn");
  test_set (graph, "act", "activation", "'leaky_relu'");
  test_set (graph, "act", "alpha", "0.1");
  test_add (graph, "MaxPooling2D", "mp", "act");
  test_set (graph, "mp", "pool_size", "[3, 3]");
  test_set (graph, "mp", "strides", "[2, 2]");
  test_set (graph, "mp", "padding", "'same'");
  test_add (graph, "ZeroPadding2D", "zp", "mp");
  test_set (graph, "zp", "padding", "[1, 0, 0, 1]");
  test_add (graph, "AveragePooling2D", "ap", "zp");
  test_set (graph, "ap", "strides", "[1, 1]");
  test_set (graph, "ap", "padding", "'same'");
  test_add (graph, "Conv2D", "c2", "zp");
  test_set (graph, "c2", "filters", "16");
  test_set (graph, "c2", "kernel_size", "[1, 1]");
  test_set (graph, "c2", "activation", "'elu'");
  test_add (graph, "Add", "add", "ap");
  test_link (graph, "c2", "add", 1);
  test_add (graph, "Conv2D", "c3", "add");
  test_set (graph, "c3", "filters", "4");
  test_set (graph, "c3", "kernel_size", "[2, 2]");
  test_set (graph, "c3", "dilation_rate", "[2, 2]");
  test_set (graph, "c3", "padding", "'same'");
  test_set (graph, "c3", "activation", "'swish'");
  test_add (graph, "Concatenate", "cat", "add");
  test_link (graph, "c3", "cat", 1);
  test_add (graph, "GlobalMaxPooling2D", "gmp", "cat");
  test_add (graph, "GlobalAveragePooling2D", "gap", "cat");
  test_add (graph, "Flatten", "flat", "ap");
  test_add (graph, "Dense", "d1", "flat");
  test_set (graph, "d1", "units", "8");
  test_set (graph, "d1", "activation", "'tanh'");
  test_add (graph, "Concatenate", "cat2", "gmp");
  g_assert_true (strata_graph_set_n_inputs (graph, "cat2", 3, &error));
  g_assert_no_error (error);
  test_link (graph, "gap", "cat2", 1);
  test_link (graph, "d1", "cat2", 2);
  test_add (graph, "BatchNormalization", "bn2", "cat2");
  test_add (graph, "Dropout", "drop", "bn2");
  test_add (graph, "Dense", "logits", "drop");
  test_set (graph, "logits", "units", "5");
  test_set (graph, "logits", "activation", "'linear'");
  test_add (graph, "Output", "output", "logits");
  return graph;
}

static void
randomise_statistics (StrataModel *model)
{
  for (guint i = 0; i < strata_model_get_n_tensors (model); i++)
    {
      StrataTensor *t = strata_model_get_tensor (model, i);

      if (g_str_has_suffix (t->name, "/moving_mean") || g_str_has_suffix (t->name, "/beta"))
        test_fill_random (t->data, t->n, 11 + i, 0.5f);
      else if (g_str_has_suffix (t->name, "/moving_variance") ||
               g_str_has_suffix (t->name, "/gamma"))
        {
          test_fill_random (t->data, t->n, 23 + i, 0.5f);
          for (gint64 k = 0; k < t->n; k++)
            t->data[k] = fabsf (t->data[k]) + 0.5f;
        }
    }
  strata_model_weights_changed (model);
}

/* Strata's outputs for a batch against test.py's network with the weights read back from
 * model.h5 and from model.safetensors. */
static void
test_keras_layer_zoo (void)
{
  g_autoptr(StrataGraph) graph = layer_zoo_graph ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  g_autoptr(StrataKerasModel) keras = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new ();
  g_autoptr(JsonNode) config = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "zoo", NULL);
  g_autofree char *h5 = g_build_filename (dir, "model.h5", NULL);
  g_autofree char *st = g_build_filename (dir, "model.safetensors", NULL);
  g_autofree char *cfg = g_build_filename (dir, "config.json", NULL);
  g_autofree char *input = g_build_filename (dir, "input.npy", NULL);
  g_autofree char *probs = g_build_filename (dir, "probs.npy", NULL);
  g_autofree char *test_py = NULL;
  g_autofree char *reference = test_source_path ("tests/export_reference.py");
  g_autofree char *checker = test_source_path ("tests/keras_h5_check.py");
  const char *const classes[] = { "a", "b", "c", "d", "e", NULL };
  StrataPlanOptions options = { .mode = STRATA_PLAN_INFER, .batch = 4 };
  gint64 in_dims[4] = { 4, 16, 15, 3 }, out_dims[2] = { 4, 5 };

  g_assert_no_error (error);
  g_mkdir (dir, 0755);
  strata_model_init_weights (model, 7);
  randomise_statistics (model);
  plan = strata_plan_new (model, &options, &error);
  g_assert_no_error (error);
  test_fill_random (strata_plan_get_input (plan), 4 * 16 * 15 * 3, 5, 2.0f);
  g_assert_true (test_write_npy (input, strata_plan_get_input (plan), 4, in_dims, &error));
  g_assert_true (strata_plan_forward (plan, 4, 0, &error));
  g_assert_true (test_write_npy (probs, strata_plan_get_probabilities (plan), 2, out_dims,
                                 &error));

  keras = strata_keras_model_new (model, "zoo", &error);
  g_assert_no_error (error);
  /* the split-off activations: relu6 after c1, LeakyReLU after dw */
  g_assert_cmpstr (strata_keras_model_lookup_name (keras, "c1"), ==, "c1_relu6");
  g_assert_cmpstr (strata_keras_model_lookup_name (keras, "dw"), ==, "dw_leaky_relu");
  g_assert_false (strata_keras_model_ends_in_softmax (keras));

  g_object_set (settings, "image-width", 15, "image-height", 16, "image-channels", 3, NULL);
  config = strata_export_build_config (keras, settings, classes, NULL);
  {
    g_autofree char *text = json_to_string (config, TRUE);
    g_assert_true (g_file_set_contents (cfg, text, -1, NULL));
  }
  g_assert_true (strata_keras_h5_write (keras, h5, &error));
  g_assert_no_error (error);
  g_assert_true (strata_export_write_safetensors (keras, NULL, st, &error));
  g_assert_no_error (error);

  if (skip_without_python ())
    return;
  test_py = write_resource (dir, "test.py");
  {
    const char *argv[] = { python, checker, h5, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
  {
    const char *argv[] = { python, reference, dir, test_py, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
}

/* A layer list longer than Keras' 64512-byte header limit is split into layer_names0, 1, …
 * as fixed-length lists, which the Keras-mirroring reader joins back. */
static void
test_keras_chunked_names (void)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataKerasModel) keras = NULL;
  g_autofree char *h5 = g_build_filename (tmpdir, "chunked.h5", NULL);
  g_autofree char *checker = test_source_path ("tests/keras_h5_check.py");
  g_autofree char *previous = NULL;
  g_autofree char *long_id = g_strnfill (180, 'x');

  test_add (graph, "Input", "input", NULL);
  test_set (graph, "input", "height", "2");
  test_set (graph, "input", "width", "2");
  test_set (graph, "input", "channels", "1");
  test_add (graph, "Flatten", "flatten", "input");
  previous = g_strdup ("flatten");
  /* 400 layers with 180-character names: 72 kB of names */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s%03u", long_id, i);

      test_add (graph, "Dropout", id, previous);
      g_free (previous);
      previous = g_steal_pointer (&id);
    }
  test_add (graph, "Dense", "logits", previous);
  test_set (graph, "logits", "units", "2");
  test_set (graph, "logits", "activation", "'softmax'");
  test_add (graph, "Output", "output", "logits");
  model = strata_model_new (graph, &error);
  g_assert_no_error (error);
  keras = strata_keras_model_new (model, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strata_keras_model_ends_in_softmax (keras));
  g_assert_true (strata_keras_h5_write (keras, h5, &error));
  g_assert_no_error (error);
  if (skip_without_python ())
    return;
  {
    const char *argv[] = { python, "-c",
                           "import h5py, sys\n"
                           "a = h5py.File(sys.argv[1])['model_weights'].attrs\n"
                           "assert 'layer_names' not in a and 'layer_names1' in a, list(a)\n"
                           "assert h5py.check_string_dtype(a.get_id('layer_names0').dtype).length",
                           h5, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
  {
    const char *argv[] = { python, checker, h5, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
}

static void assert_nothing_written (const char *zip);

/* Small writers ----------------------------------------------------------------------------- */

static void
test_zip_writer (void)
{
  g_autofree char *zip = g_build_filename (tmpdir, "t.zip", NULL);
  g_autofree char *big = g_build_filename (tmpdir, "big.bin", NULL);
  g_autofree guint8 *data = g_malloc (3 << 20);
  g_autoptr(StrataZipWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < (3u << 20); i++)
    data[i] = (guint8) ((i * 2654435761u) >> 13) & (i % 7 ? 0xff : 0x0f);
  g_assert_true (g_file_set_contents (big, (char *) data, 3 << 20, NULL));
  writer = strata_zip_writer_new (zip, &error);
  g_assert_no_error (error);
  g_assert_true (strata_zip_writer_add_bytes (writer, "a.txt", "hello\n", 6, 0644, &error));
  g_assert_true (strata_zip_writer_add_bytes (writer, "empty", "", 0, 0644, &error));
  g_assert_true (strata_zip_writer_add_file (writer, "dir/big.bin", big, 0755, NULL, &error));
  /* nothing at the path before the commit */
  g_assert_false (g_file_test (zip, G_FILE_TEST_EXISTS));
  g_assert_true (strata_zip_writer_commit (writer, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (zip, G_FILE_TEST_EXISTS));

  if (skip_without_python ())
    return;
  {
    const char *argv[] = { python, "-c",
                           "import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1])\n"
                           "assert z.testzip() is None\n"
                           "assert z.namelist() == ['a.txt', 'empty', 'dir/big.bin'], z.namelist()\n"
                           "assert z.read('a.txt') == b'hello\\n' and z.read('empty') == b''\n"
                           "assert z.read('dir/big.bin') == open(sys.argv[2], 'rb').read()\n"
                           "assert z.getinfo('dir/big.bin').external_attr >> 16 == 0o100755\n",
                           zip, big, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
}

/* A zip that can't be written completely (the disk fills up) leaves nothing at its path. */
static void
test_zip_writer_full_disk (void)
{
  g_autofree char *zip = g_build_filename (tmpdir, "full-disk", "t.zip", NULL);

  if (g_test_subprocess ())
    {
      struct rlimit limit = { 256 * 1024, 256 * 1024 };
      g_autofree guint8 *data = g_malloc (1 << 20);
      g_autoptr(StrataZipWriter) writer = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_autoptr(GRand) rand = g_rand_new_with_seed (3);
      g_autofree char *dir = g_path_get_dirname (zip);

      /* random bytes don't compress */
      for (gsize i = 0; i < (1u << 20); i++)
        data[i] = (guint8) g_rand_int (rand);
      g_mkdir_with_parents (dir, 0755);
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      writer = strata_zip_writer_new (zip, &error);
      g_assert_no_error (error);
      ok = strata_zip_writer_add_bytes (writer, "a.bin", data, 1 << 20, 0644, &error) &&
           strata_zip_writer_commit (writer, &error);
      g_assert_false (ok);
      g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE);
      g_clear_pointer (&writer, strata_zip_writer_free);
      assert_nothing_written (zip);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* PNG files decode to exactly the pixels written, grey staying grey. */
static void
test_png_writer (void)
{
  for (int channels = 1; channels <= 4; channels++)
    {
      g_autofree char *path = g_strdup_printf ("%s/t%d.png", tmpdir, channels);
      g_autofree guint8 *pixels = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;
      g_autoptr(GError) error = NULL;
      int width = 7, height = 5;
      gsize stride = width * channels + 3;

      if (channels == 2)
        continue;
      pixels = g_malloc (stride * height);
      for (gsize i = 0; i < stride * height; i++)
        pixels[i] = (guint8) (i * 37 + channels);
      g_assert_true (strata_png_write (path, pixels, width, height, channels, stride, &error));
      g_assert_no_error (error);
      pixbuf = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, width);
      g_assert_cmpint (gdk_pixbuf_get_has_alpha (pixbuf), ==, channels == 4);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          for (int c = 0; c < 3; c++)
            {
              const guint8 *p = gdk_pixbuf_get_pixels (pixbuf) +
                                y * gdk_pixbuf_get_rowstride (pixbuf) +
                                x * gdk_pixbuf_get_n_channels (pixbuf);
              g_assert_cmpuint (p[c], ==, pixels[y * stride + x * channels +
                                                 (channels == 1 ? 0 : c)]);
            }
    }
}

/* test.py's preprocessing is Strata's, value for value ------------------------------------- */

static void
write_test_images (const char *dir,
                   gboolean    jpeg)
{
  const struct { const char *name; int width, height, channels; const char *type; } images[] = {
    { "grey.png", 40, 30, 1, "png" },
    { "rgb.png", 50, 70, 3, "png" },
    { "rgba.png", 33, 33, 4, "png" },
    { "tiny.png", 9, 5, 3, "png" },
    { "big.jpg", 300, 200, 3, "jpeg" },
    { "tall.jpg", 61, 190, 3, "jpeg" },
  };

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *path = g_build_filename (dir, images[i].name, NULL);
      int w = images[i].width, h = images[i].height, c = images[i].channels;
      g_autofree guint8 *pixels = g_malloc ((gsize) w * h * MAX (c, 3));
      g_autoptr(GError) error = NULL;

      if (!jpeg && g_str_equal (images[i].type, "jpeg"))
        continue;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          for (int k = 0; k < c; k++)
            pixels[((gsize) y * w + x) * c + k] = (guint8) (128 + 100 * sin (0.3 * x + 0.17 * y +
                                                                             k) + (x * y) % 13);
      if (g_str_equal (images[i].type, "png"))
        g_assert_true (strata_png_write (path, pixels, w, h, c, (gsize) w * c, &error));
      else
        {
          g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB,
                                                                  FALSE, 8, w, h, w * 3, NULL,
                                                                  NULL);
          g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL));
        }
      g_assert_no_error (error);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
check_preprocessing (const char *images,
                     const char *test_py,
                     int         channels,
                     const char *mode,
                     const char *filter,
                     const char *normalization)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new ();
  g_autofree char *dir = g_path_get_dirname (test_py);
  g_autofree char *cfg = g_build_filename (dir, "config.json", NULL);
  g_autofree char *dump = g_build_filename (dir, "inputs.npy", NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = g_dir_open (images, 0, NULL);
  g_autofree float *theirs = NULL;
  const char *entry;
  int mode_value, filter_value, norm_value;
  gsize n, sample = (gsize) 24 * 20 * channels;
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_enum_from_nick (STRATA_TYPE_RESIZE_MODE, mode, &mode_value));
  g_assert_true (strata_enum_from_nick (STRATA_TYPE_RESIZE_FILTER, filter, &filter_value));
  g_assert_true (strata_enum_from_nick (STRATA_TYPE_NORMALIZATION, normalization, &norm_value));
  g_object_set (settings, "image-width", 24, "image-height", 20, "image-channels", channels,
                "resize-mode", mode_value, "resize-filter", filter_value,
                "normalization", norm_value, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "a");
  json_builder_end_array (b);
  json_builder_set_member_name (b, "input");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, 20);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, 24);
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, channels);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "preprocessing");
  json_builder_add_value (b, strata_export_preprocessing_json (settings));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  g_assert_true (g_file_set_contents (cfg, text, -1, NULL));

  {
    const char *argv[] = { python, test_py, images, "--dump-inputs", dump, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
  theirs = test_read_npy (dump, &n, &error);
  g_assert_no_error (error);

  while ((entry = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (files, g_strdup (entry));
  g_ptr_array_sort (files, compare_strings);
  g_assert_cmpuint (n, ==, files->len * sample);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (images, g_ptr_array_index (files, i), NULL);
      g_autofree float *ours = g_new (float, sample);
      guint differ = 0;

      g_assert_true (strata_preprocess_image_file (settings, path, ours, &error));
      g_assert_no_error (error);
      for (gsize k = 0; k < sample; k++)
        differ += ours[k] != theirs[i * sample + k];
      if (differ)
        g_test_message ("%s, %d channels, %s, %s, %s: %u values differ",
                        (char *) g_ptr_array_index (files, i), channels, mode, filter,
                        normalization, differ);
      g_assert_cmpuint (differ, ==, 0);
    }
}

static void
test_preprocessing_parity (void)
{
  g_autofree char *images = g_build_filename (tmpdir, "parity-images", NULL);
  g_autofree char *dir = g_build_filename (tmpdir, "parity", NULL);
  g_autofree char *test_py = NULL;
  const char *gi_argv[] = { python, "-c", "import gi; gi.require_version('GdkPixbuf', '2.0'); "
                            "from gi.repository import GdkPixbuf", NULL };
  static const char *const modes[] = { "squash", "center-crop", "fill", "half-crop-half-fill" };

  if (skip_without_python ())
    return;
  /* JPEG decoding is Strata's only through GdkPixbuf; Pillow can differ by a grey level */
  write_test_images (images, test_run_python (gi_argv, NULL) == 0);
  g_mkdir_with_parents (dir, 0755);
  test_py = write_resource (dir, "test.py");
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      check_preprocessing (images, test_py, 3, modes[m], "auto", "torch");
      check_preprocessing (images, test_py, 1, modes[m], "auto", "0..1");
    }
  check_preprocessing (images, test_py, 3, "squash", "bilinear", "caffe");
  check_preprocessing (images, test_py, 3, "center-crop", "area", "tf");
  check_preprocessing (images, test_py, 1, "fill", "area", "mean-std");
}

/* The zip ------------------------------------------------------------------------------------- */

static StrataExportResult *
export (const char  *run,
        const char  *zip,
        const char  *interpreter,
        GError     **error)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  StrataExportOptions options = {
    .check_images = CHECK_IMAGES,
    .check_split = -1,
    .require_check = TRUE,
    .python = interpreter,
    .backend = "torch",
  };

  g_assert_nonnull (project);
  return strata_export_zip (project, run, zip, &options, NULL, error);
}

static void
test_export_zip (void)
{
  g_autofree char *zip = g_build_filename (tmpdir, "submission.zip", NULL);
  g_autofree char *out = g_build_filename (tmpdir, "unzipped", NULL);
  g_autofree char *checker = test_source_path ("tests/keras_h5_check.py");
  g_autofree char *h5 = g_build_filename (out, "model.h5", NULL);
  g_autofree char *script = g_build_filename (out, "test.py", NULL);
  g_autofree char *examples = g_build_filename (out, "examples", NULL);
  g_autofree char *predictions = g_build_filename (out, "predictions.csv", NULL);
  g_autofree char *expected = g_build_filename (out, "examples", "expected.csv", NULL);
  g_autofree char *ours = NULL, *theirs = NULL;
  g_autoptr(StrataExportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_python ())
    return;
  result = export ("r", zip, python, &error);
  g_assert_no_error (error);
  g_assert_true (result->checked);
  g_assert_cmpuint (result->check_images, ==, CHECK_IMAGES);
  g_assert_cmpint (result->check_split, ==, STRATA_SPLIT_TEST);
  g_assert_cmpstr (result->check_backend, ==, "torch");
  g_assert_cmpfloat (result->check_max_difference, <=, STRATA_EXPORT_TOLERANCE);
  g_test_message ("check of %u images: largest difference %.3g, %.1f s of %.1f s",
                  result->check_images, result->check_max_difference, result->check_seconds,
                  result->seconds);

  {
    const char *argv[] = { python, "-c",
                           "import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1])\n"
                           "assert z.testzip() is None\n"
                           "names = z.namelist()\n"
                           "for want in ('README.md', 'test.py', 'config.json', 'model.h5',\n"
                           "             'model.safetensors', 'examples/expected.csv'):\n"
                           "    assert want in names, (want, names)\n"
                           "assert sum(n.endswith('.png') for n in names) == 8, names\n"
                           "z.extractall(sys.argv[2])\n",
                           zip, out, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
  {
    const char *argv[] = { python, checker, h5, NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
  /* the unpacked test.py, on its examples, from the safetensors, says what Strata said */
  {
    const char *argv[] = { python, script, examples, "--out", predictions, "--weights",
                           "safetensors", "--backend", "torch", NULL };
    g_assert_cmpint (test_run_python (argv, NULL), ==, 0);
  }
  g_assert_true (g_file_get_contents (predictions, &theirs, NULL, NULL));
  g_assert_true (g_file_get_contents (expected, &ours, NULL, NULL));
  g_assert_cmpstr (theirs, ==, ours);
}

static void
assert_nothing_written (const char *zip)
{
  g_autofree char *dir = g_path_get_dirname (zip);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autofree char *base = g_path_get_basename (zip);
  const char *entry;

  g_assert_false (g_file_test (zip, G_FILE_TEST_EXISTS));
  while ((entry = g_dir_read_name (listing)) != NULL)
    g_assert_false (g_str_has_prefix (entry, base));
}

static void
copy_run (const char *from,
          const char *to)
{
  g_autofree char *runs = g_build_filename (tmpdir, "small.runs", NULL);
  g_autofree char *src = g_build_filename (runs, from, NULL);
  g_autofree char *dst = g_build_filename (runs, to, NULL);
  g_autoptr(GDir) dir = g_dir_open (src, 0, NULL);
  const char *entry;

  g_assert_cmpint (g_mkdir (dst, 0755), ==, 0);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *a = g_build_filename (src, entry, NULL);
      g_autofree char *b = g_build_filename (dst, entry, NULL);
      g_autofree char *data = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (a, &data, &length, NULL));
      g_assert_true (g_file_set_contents (b, data, length, NULL));
    }
}

static void
test_export_errors (void)
{
  g_autofree char *zip = g_build_filename (tmpdir, "errors", "out.zip", NULL);
  g_autofree char *broken = g_build_filename (tmpdir, "small.runs", "broken", NULL);
  g_autofree char *settings = g_build_filename (tmpdir, "small.runs", "garbled", "settings.json",
                                                NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataExportResult) result = NULL;

  {
    g_autofree char *dir = g_path_get_dirname (zip);

    g_mkdir_with_parents (dir, 0755);
  }

  result = export ("nope", zip, python, &error);
  g_assert_null (result);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  assert_nothing_written (zip);

  /* checkpoints cut short, as by a crash or a full disk */
  copy_run ("r", "broken");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (broken, i ? "checkpoint-best.safetensors"
                                                          : "checkpoint-last.safetensors", NULL);
      g_autofree char *data = NULL;
      gsize length;

      if (!g_file_get_contents (path, &data, &length, NULL))
        continue;
      g_assert_true (g_file_set_contents (path, data, length / 2, NULL));
    }
  result = export ("broken", zip, python, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "checkpoint"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  assert_nothing_written (zip);

  copy_run ("r", "garbled");
  g_assert_true (g_file_set_contents (settings, "{\"dataset\": 3", -1, NULL));
  result = export ("garbled", zip, python, &error);
  g_assert_null (result);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  assert_nothing_written (zip);
}

/* A test.py that disagrees stops the export and names the image. */
static void
test_export_disagreement (void)
{
  g_autofree char *zip = g_build_filename (tmpdir, "disagree", "out.zip", NULL);
  g_autofree char *liar = g_build_filename (tmpdir, "liar.sh", NULL);
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataExportResult) result = NULL;

  if (skip_without_python ())
    return;
  {
    g_autofree char *dir = g_path_get_dirname (zip);

    g_mkdir_with_parents (dir, 0755);
  }
  /* runs test.py, then turns its first image's probabilities around */
  script = g_strdup_printf ("#!/bin/sh\n"
                            "%s \"$@\" || exit $?\n"
                            "exec %s -c 'import json, sys\n"
                            "d = json.load(open(sys.argv[1]))\n"
                            "d[\"images\"][0][\"probabilities\"].reverse()\n"
                            "json.dump(d, open(sys.argv[1], \"w\"))' \"$6\"\n", python, python);
  g_assert_true (g_file_set_contents (liar, script, -1, NULL));
  g_chmod (liar, 0755);
  result = export ("r", zip, liar, &error);
  g_assert_null (result);
  g_assert_error (error, STRATA_EXPORT_ERROR, STRATA_EXPORT_ERROR_CHECK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "00000-test_0.png"));
  g_assert_nonnull (strstr (error->message, "1 of"));
  assert_nothing_written (zip);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { GPOINTER_TO_SIZE (data), GPOINTER_TO_SIZE (data) };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* Files can't grow past @limit bytes (a full disk, as the process sees it). */
static void
export_with_limit (gsize       limit,
                   const char *zip,
                   const char *private_tmp)
{
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("STRATA_BIN"), "export", project_path, "--run", "r", "--zip",
                         zip, "--check-images", "16", "--python", python, NULL };
  int status = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;

  env = g_environ_setenv (env, "TMPDIR", private_tmp, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, limit_file_size,
                               GSIZE_TO_POINTER (limit), &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("limit %zu: %s", limit, err);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "strata: error:"));
  assert_nothing_written (zip);
  /* the staging folder is gone too */
  dir = g_dir_open (private_tmp, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

static void
test_export_full_disk (void)
{
  g_autofree char *zip = g_build_filename (tmpdir, "full", "out.zip", NULL);
  g_autofree char *private_tmp = g_build_filename (tmpdir, "full", "tmp", NULL);
  g_autofree char *reference = g_build_filename (tmpdir, "full-reference.zip", NULL);
  g_autoptr(StrataExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sizes = NULL;
  gsize largest_member, zip_size;

  if (skip_without_python () || g_getenv ("STRATA_BIN") == NULL)
    return;
  g_mkdir_with_parents (private_tmp, 0755);
  /* a complete export, for the sizes of its files */
  result = export ("r", reference, python, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { python, "-c",
                           "import sys, zipfile\n"
                           "print(max(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))",
                           reference, NULL };
    g_assert_cmpint (test_run_python (argv, &sizes), ==, 0);
  }
  largest_member = g_ascii_strtoull (sizes, NULL, 10);
  zip_size = result->zip_bytes;
  g_assert_cmpuint (largest_member, >, 0);

  /* the disk fills while writing the first file, and while writing the zip itself */
  export_with_limit (4096, zip, private_tmp);
  if (zip_size > largest_member + 4096)
    export_with_limit ((largest_member + zip_size) / 2, zip, private_tmp);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_tmpdir ();
  python = test_python ();
  if (!g_test_subprocess ())
    {
      project_path = test_write_small_project (tmpdir, "small");
      test_train_run (project_path, "r", 30);
    }

  g_test_add_func ("/export/keras-config-golden", test_keras_config_golden);
  g_test_add_func ("/export/keras-layer-zoo", test_keras_layer_zoo);
  g_test_add_func ("/export/keras-chunked-names", test_keras_chunked_names);
  g_test_add_func ("/export/zip-writer", test_zip_writer);
  g_test_add_func ("/export/zip-writer-full-disk", test_zip_writer_full_disk);
  g_test_add_func ("/export/png-writer", test_png_writer);
  g_test_add_func ("/export/preprocessing-parity", test_preprocessing_parity);
  g_test_add_func ("/export/zip", test_export_zip);
  g_test_add_func ("/export/errors", test_export_errors);
  g_test_add_func ("/export/disagreement", test_export_disagreement);
  g_test_add_func ("/export/full-disk", test_export_full_disk);
  status = g_test_run ();
  if (status == 0 || g_test_subprocess ())
    test_remove_tree (tmpdir);
  return status;
}
