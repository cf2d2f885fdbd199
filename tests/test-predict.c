/* test-predict.c: a run's model on image files agrees with its evaluation on the same images
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>

#include "strata-dataset.h"
#include "strata-evaluate.h"
#include "strata-predict.h"
#include "strata-trainer.h"
#include "strata-test-images.h"

#define N_IMAGES 6

static char *tmpdir;
static char *project_path;

/* The example with a network small enough to train in a second. */
static void
write_small_project (void)
{
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  StrataGraph *graph = strata_project_get_graph (project);
  g_autoptr(GError) error = NULL;
  const gint32 stride2[] = { 2, 2 };

  for (guint i = 0; i < 2; i++)
    {
      const char *id = i ? "conv2d_1" : "conv2d";
      g_assert_true (strata_graph_set_param (graph, id, "filters", g_variant_new_int32 (4), &error));
      g_assert_true (strata_graph_set_param (graph, id, "strides",
                                             g_variant_new_fixed_array (G_VARIANT_TYPE_INT32,
                                                                        stride2, 2, 4), &error));
    }
  g_assert_true (strata_graph_set_param (graph, "dense", "units", g_variant_new_int32 (16),
                                         &error));
  project_path = g_build_filename (tmpdir, "small.strata", NULL);
  g_assert_true (strata_project_save_as (project, project_path, &error));
  g_assert_no_error (error);
}

static void
train_a_little (StrataProject *project)
{
  StrataTrainOptions options = { .run_name = "p", .epochs = 1, .max_batches = 40 };
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;

  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The first test images of Fashion-MNIST, as the RGB PNG files a user would have. */
static GPtrArray *
write_test_images (void)
{
  g_autofree char *dir = g_strdup (g_getenv ("STRATA_FASHION_MNIST_DIR"));
  g_autofree char *gz = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GConverter) gunzip = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  guint8 header[16], pixels[28 * 28];
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  gz = g_build_filename (dir && *dir ? dir : FASHION_MNIST_DIR, "t10k-images-idx3-ubyte.gz", NULL);
  file = g_file_new_for_path (gz);
  raw = G_INPUT_STREAM (g_file_read (file, NULL, &error));
  g_assert_no_error (error);
  gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  in = g_converter_input_stream_new (raw, gunzip);
  g_assert_true (g_input_stream_read_all (in, header, sizeof header, NULL, NULL, &error));
  for (guint i = 0; i < N_IMAGES; i++)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 28, 28);
      guint8 *dst = gdk_pixbuf_get_pixels (pixbuf);
      int stride = gdk_pixbuf_get_rowstride (pixbuf);
      char *path = g_strdup_printf ("%s/test-%u.png", tmpdir, i);

      g_assert_true (g_input_stream_read_all (in, pixels, sizeof pixels, NULL, NULL, &error));
      for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
          for (int c = 0; c < 3; c++)
            dst[y * stride + 3 * x + c] = pixels[y * 28 + x];
      test_save_pixbuf (pixbuf, path, "png");
      g_ptr_array_add (paths, path);
    }
  return paths;
}

static void
test_predict_matches_evaluate (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(GPtrArray) paths = NULL;
  g_autoptr(StrataPredictions) predictions = NULL;
  g_autoptr(StrataEvaluation) eval = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GdkPixbuf) photo = test_pixbuf_pattern (64, 48, 7);
  g_autofree char *photo_path = g_build_filename (tmpdir, "photo.jpg", NULL);
  g_autofree char *broken = g_build_filename (tmpdir, "broken.png", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  guint checked = 0;

  g_assert_nonnull (project);
  train_a_little (project);

  paths = write_test_images ();
  test_save_pixbuf (photo, photo_path, "jpeg");
  g_assert_true (g_file_set_contents (broken, "not an image", -1, NULL));
  g_ptr_array_add (paths, g_strdup (photo_path));
  g_ptr_array_add (paths, g_strdup (broken));
  g_ptr_array_add (paths, g_strdup (missing));
  g_ptr_array_add (paths, NULL);

  predictions = strata_predict_images (project, "p", NULL, (const char *const *) paths->pdata, 3,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (predictions);
  g_assert_cmpstr (predictions->weights, ==, "last");    /* a stopped run has no best yet */
  g_assert_cmpuint (predictions->n, ==, N_IMAGES + 3);
  g_assert_cmpuint (predictions->n_classes, ==, 10);
  g_assert_cmpuint (predictions->top_k, ==, 3);
  g_assert_cmpstr (predictions->classes[0], ==, "T-shirt/top");

  /* Every readable image gets three distinct classes, most likely first. */
  for (guint i = 0; i <= N_IMAGES; i++)
    {
      const StrataImagePrediction *p = &predictions->items[i];

      g_assert_no_error (p->error);
      g_assert_cmpstr (p->path, ==, g_ptr_array_index (paths, i));
      g_assert_cmpint (p->top_class[0], >=, 0);
      g_assert_cmpint (p->top_class[2], <, 10);
      g_assert_cmpint (p->top_class[0], !=, p->top_class[1]);
      g_assert_cmpfloat (p->top_probability[0], >=, p->top_probability[1]);
      g_assert_cmpfloat (p->top_probability[1], >=, p->top_probability[2]);
      g_assert_cmpfloat (p->top_probability[0] + p->top_probability[1] + p->top_probability[2],
                         <=, 1.0001);
      g_assert_cmpint (p->top_class[3], ==, -1);
    }
  /* A file that is not an image, or not there, fails alone. */
  g_assert_error (predictions->items[N_IMAGES + 1].error, STRATA_DATASET_ERROR,
                  STRATA_DATASET_ERROR_CORRUPT);
  g_assert_nonnull (predictions->items[N_IMAGES + 2].error);
  g_assert_cmpint (predictions->items[N_IMAGES + 2].top_class[0], ==, -1);

  /* The same pictures as files and as the dataset's test items give the same answer. */
  eval = strata_evaluate (project, "p", STRATA_SPLIT_TEST, "last", NULL, &error);
  g_assert_no_error (error);
  dataset = strata_dataset_open (strata_project_get_dataset (project), tmpdir, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < eval->n; i++)
    {
      g_autofree char *name = strata_dataset_dup_item_name (dataset, STRATA_SPLIT_TEST,
                                                            eval->predictions[i].item);
      guint index;

      if (!g_str_has_prefix (name, "test/"))
        continue;
      index = (guint) g_ascii_strtoull (name + 5, NULL, 10);
      if (index >= N_IMAGES)
        continue;
      for (guint j = 0; j < 3; j++)
        {
          g_assert_cmpint (predictions->items[index].top_class[j], ==,
                           eval->predictions[i].top_class[j]);
          g_assert_cmpfloat_with_epsilon (predictions->items[index].top_probability[j],
                                          eval->predictions[i].top_probability[j], 1e-5);
        }
      checked++;
    }
  g_assert_cmpuint (checked, ==, N_IMAGES);

  json = strata_predictions_to_json (predictions);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (json), "images")), ==, N_IMAGES + 3);

  g_ptr_array_set_size (paths, paths->len - 1);
}

static void
test_predict_errors (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  const char *paths[] = { "x.png", NULL };
  g_autoptr(GError) error = NULL;
  StrataPredictions *predictions;

  predictions = strata_predict_images (project, "nope", NULL, paths, 3, NULL, &error);
  g_assert_null (predictions);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_clear_error (&error);

  predictions = strata_predict_images (project, "p", "best", paths, 3, NULL, &error);
  g_assert_null (predictions);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_make_tmp_dir ();
  write_small_project ();
  g_test_add_func ("/predict/matches-evaluate", test_predict_matches_evaluate);
  g_test_add_func ("/predict/errors", test_predict_errors);
  status = g_test_run ();
  test_rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (project_path);
  return status;
}
