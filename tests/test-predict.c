/* test-predict.c: predictions on files and splits, CSV, and the evaluation's extras
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "strata-evaluate.h"
#include "strata-png-writer.h"
#include "strata-predict.h"
#include "strata-run.h"
#include "strata-test-project.h"
#include "strata-test-util.h"
#include "strata-tta.h"

static char *tmpdir;
static char *project_path;

/* Writes test images 0..n-1 of the split as PNG files into @dir; returns their labels. */
static GArray *
write_split_images (const char *dir,
                    guint       n)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  GArray *labels = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autofree char *base = strata_project_dup_base_dir (project);

  dataset = strata_dataset_open (strata_project_get_dataset (project), base, NULL, &error);
  g_assert_no_error (error);
  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree float *image = g_new (float, 28 * 28);
      guint8 pixels[28 * 28];
      g_autofree char *path = g_strdup_printf ("%s/%03u.png", dir, i);
      gint32 label = strata_dataset_get_label (dataset, STRATA_SPLIT_TEST, i);

      g_assert_true (strata_dataset_load_image (dataset, STRATA_SPLIT_TEST, i, 0, 0, FALSE, image,
                                                &error));
      for (guint k = 0; k < 28 * 28; k++)
        pixels[k] = (guint8) lroundf (image[k] * 255.0f);
      g_assert_true (strata_png_write (path, pixels, 28, 28, 1, 28, &error));
      g_array_append_val (labels, label);
    }
  return labels;
}

static void
test_top (void)
{
  float p[] = { 0.1f, 0.4f, 0.05f, 0.4f, 0.05f };
  StrataImagePrediction item = { .n_classes = 5, .probabilities = p };
  gint32 top[5];
  float top_p[5];

  g_assert_cmpuint (strata_image_prediction_get_top (&item, 3, top, top_p), ==, 3);
  /* ties keep the lower class first */
  g_assert_cmpint (top[0], ==, 1);
  g_assert_cmpint (top[1], ==, 3);
  g_assert_cmpint (top[2], ==, 0);
  g_assert_cmpfloat (top_p[2], ==, 0.1f);
  g_assert_cmpuint (strata_image_prediction_get_top (&item, 9, top, NULL), ==, 5);
  g_assert_cmpint (top[4], ==, 4);
  item.probabilities = NULL;
  g_assert_cmpuint (strata_image_prediction_get_top (&item, 3, top, NULL), ==, 0);
}

/* Files, a folder with a subfolder and a broken file: the same probabilities as the split. */
static void
test_predict_files (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autofree char *dir = g_build_filename (tmpdir, "images", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *bad = g_build_filename (dir, "sub", "broken.png", NULL);
  g_autofree char *loose = g_build_filename (dir, "002.png", NULL);
  g_autofree char *csv = g_build_filename (tmpdir, "predictions.csv", NULL);
  g_autoptr(GArray) labels = write_split_images (dir, 6);
  g_autoptr(StrataPredictor) predictor = NULL;
  g_autoptr(GPtrArray) files = NULL, split = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *const paths[] = { dir, loose, NULL };
  const char *const missing[] = { "/nonexistent/x.png", NULL };

  g_mkdir (sub, 0755);
  g_assert_true (g_file_set_contents (bad, "not a png", -1, NULL));
  predictor = strata_predictor_new (project, "r", NULL, &error);
  g_assert_no_error (error);
  /* a run stopped inside its first epoch has only a last checkpoint */
  g_assert_cmpstr (strata_predictor_get_weights (predictor), ==, "last");
  g_assert_cmpstr (strata_predictor_get_classes (predictor)[9], ==, "Ankle boot");

  files = strata_predictor_predict_files (predictor, paths, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* the folder's six images and the broken one in name order, then the loose file */
  g_assert_cmpuint (files->len, ==, 8);
  g_assert_cmpstr (((StrataImagePrediction *) g_ptr_array_index (files, 0))->name, ==, "000.png");
  g_assert_cmpstr (((StrataImagePrediction *) g_ptr_array_index (files, 6))->name, ==,
                   "sub/broken.png");
  g_assert_nonnull (((StrataImagePrediction *) g_ptr_array_index (files, 6))->error);
  g_assert_cmpint (((StrataImagePrediction *) g_ptr_array_index (files, 6))->predicted, ==, -1);
  g_assert_cmpstr (((StrataImagePrediction *) g_ptr_array_index (files, 7))->name, ==, loose);

  split = strata_predictor_predict_split (predictor, STRATA_SPLIT_TEST, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (split->len, ==, 10000);
  for (guint i = 0; i < 6; i++)
    {
      StrataImagePrediction *a = g_ptr_array_index (files, i);
      StrataImagePrediction *b = g_ptr_array_index (split, i);

      g_assert_cmpint (b->label, ==, g_array_index (labels, gint32, i));
      g_assert_cmpint (a->label, ==, -1);
      g_assert_cmpint (a->predicted, ==, b->predicted);
      for (guint c = 0; c < 10; c++)
        g_assert_cmpfloat_with_epsilon (a->probabilities[c], b->probabilities[c], 1e-6);
    }

  g_assert_true (strata_predictions_write_csv (files, strata_predictor_get_classes (predictor),
                                               csv, &error));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "Filename,Label\n000.png,"));
  g_assert_null (strstr (text, "broken"));

  g_clear_pointer (&files, g_ptr_array_unref);
  files = strata_predictor_predict_files (predictor, missing, NULL, NULL, NULL, &error);
  g_assert_null (files);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_predictor_errors (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataPredictor) predictor = NULL;
  g_autoptr(GError) error = NULL;

  predictor = strata_predictor_new (project, "nope", NULL, &error);
  g_assert_null (predictor);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
  g_clear_error (&error);
  predictor = strata_predictor_new (project, "r", "middle", &error);
  g_assert_null (predictor);
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND);
}

static void
test_csv_quoting (void)
{
  float p[] = { 0.2f, 0.8f };
  StrataImagePrediction item = { .name = "a,\"b\".png", .n_classes = 2, .probabilities = p,
                                 .predicted = 1 };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  const char *const classes[] = { "x", "y, z", NULL };
  g_autofree char *csv = g_build_filename (tmpdir, "quoted.csv", NULL);
  g_autofree char *text = NULL;

  g_ptr_array_add (items, &item);
  g_assert_true (strata_predictions_write_csv (items, classes, csv, NULL));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "Filename,Label\n\"a,\"\"b\"\".png\",\"y, z\"\n");
}

/* Test-time augmentation views --------------------------------------------------------------- */

static void
test_tta_views (void)
{
  float src[4 * 5 * 2], dst[4 * 5 * 2], back[4 * 5 * 2];
  StrataTta tta;

  for (guint i = 0; i < G_N_ELEMENTS (src); i++)
    src[i] = i;
  g_assert_cmpuint (strata_tta_get_n_views (STRATA_TTA_NONE), ==, 1);
  g_assert_cmpuint (strata_tta_get_n_views (STRATA_TTA_FLIP), ==, 2);
  g_assert_cmpuint (strata_tta_get_n_views (STRATA_TTA_CROPS), ==, 6);
  g_assert_cmpuint (strata_tta_get_n_views (STRATA_TTA_FLIP | STRATA_TTA_CROPS), ==, 12);

  /* view 0 is the image; the flip mirrors it and twice is the image again */
  strata_tta_make_view (STRATA_TTA_FLIP, 0, src, 4, 5, 2, dst);
  g_assert_cmpmem (dst, sizeof dst, src, sizeof src);
  strata_tta_make_view (STRATA_TTA_FLIP, 1, src, 4, 5, 2, dst);
  g_assert_cmpfloat (dst[0], ==, src[4 * 2]);
  g_assert_cmpfloat (dst[1], ==, src[4 * 2 + 1]);
  strata_tta_make_view (STRATA_TTA_FLIP, 1, dst, 4, 5, 2, back);
  g_assert_cmpmem (back, sizeof back, src, sizeof src);

  /* a crop scaled back stays within the values of its corner */
  strata_tta_make_view (STRATA_TTA_CROPS, 1, src, 4, 5, 2, dst);
  for (guint i = 0; i < G_N_ELEMENTS (dst); i++)
    g_assert_cmpfloat (dst[i], <=, src[(3 * 5 + 4) * 2 + 1]);
  g_assert_cmpfloat (dst[0], ==, src[0]);

  g_assert_true (strata_tta_from_string ("flip+crops", &tta));
  g_assert_cmpint (tta, ==, STRATA_TTA_FLIP | STRATA_TTA_CROPS);
  g_assert_false (strata_tta_from_string ("rotate", &tta));
  g_assert_cmpstr (strata_tta_to_string (STRATA_TTA_CROPS), ==, "crops");
}

/* Evaluation extras -------------------------------------------------------------------------- */

static void
progress_cb (const char *stage,
             guint64     done,
             guint64     total,
             gpointer    user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (done, >, *last);
  g_assert_cmpuint (done, <=, total);
  *last = done;
}

static void
test_evaluation_extras (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autoptr(StrataEvaluation) plain = NULL, tta = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  guint64 last = 0;
  StrataEvaluateOptions options = { .tta = STRATA_TTA_FLIP, .max_misclassified = 5,
                                    .progress = progress_cb, .progress_data = &last };
  JsonObject *obj;
  guint k;

  plain = strata_evaluate (project, "r", STRATA_SPLIT_TEST, NULL, NULL, &error);
  g_assert_no_error (error);
  tta = strata_evaluate_full (project, "r", STRATA_SPLIT_TEST, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last, ==, 10000);
  k = plain->n_classes;

  /* rows of the normalised confusion are the recall, summing to 1 */
  for (guint r = 0; r < k; r++)
    {
      double sum = 0;

      for (guint c = 0; c < k; c++)
        sum += plain->confusion_normalized[r * k + c];
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (plain->confusion_normalized[r * k + r], plain->recall[r],
                                      1e-12);
    }
  /* every misclassified image, worst first */
  g_assert_cmpuint (plain->n_misclassified, ==,
                    (guint) lround ((1 - plain->accuracy) * plain->n));
  for (guint i = 0; i + 1 < plain->n_misclassified; i++)
    {
      const StrataPrediction *a = &plain->predictions[plain->misclassified[i]];
      const StrataPrediction *b = &plain->predictions[plain->misclassified[i + 1]];

      g_assert_cmpint (a->label, !=, a->predicted);
      g_assert_cmpfloat (a->loss, >=, b->loss);
    }
  g_assert_true (g_str_has_prefix (plain->names[plain->misclassified[0]], "test/"));
  g_assert_cmpint (plain->predictions[0].tta_predicted, ==, -1);

  /* the plain figures don't change with TTA on; the TTA figures add up */
  g_assert_cmpfloat (tta->accuracy, ==, plain->accuracy);
  g_assert_cmpuint (tta->tta_views, ==, 2);
  g_assert_cmpfloat_with_epsilon (tta->tta_accuracy,
                                  tta->accuracy + ((double) tta->tta_fixed - tta->tta_broken) /
                                  tta->n, 1e-9);
  g_assert_true (isfinite (tta->tta_loss));

  json = strata_evaluation_to_json (tta);
  obj = json_node_get_object (json);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "misclassified")),
                    ==, 5);
  g_assert_cmpint (json_object_get_int_member (obj, "misclassified_count"), ==,
                   tta->n_misclassified);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_array_get_object_element (json_object_get_array_member (obj,
                                                                                   "misclassified"),
                                                     0), "top")), ==, 3);
  g_assert_true (json_object_has_member (obj, "confusion_normalized"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "tta"),
                                                  "mode"), ==, "flip");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_tmpdir ();
  project_path = test_write_small_project (tmpdir, "small");
  test_train_run (project_path, "r", 30);

  g_test_add_func ("/predict/top", test_top);
  g_test_add_func ("/predict/files", test_predict_files);
  g_test_add_func ("/predict/errors", test_predictor_errors);
  g_test_add_func ("/predict/csv-quoting", test_csv_quoting);
  g_test_add_func ("/predict/tta-views", test_tta_views);
  g_test_add_func ("/predict/evaluation-extras", test_evaluation_extras);
  status = g_test_run ();
  if (status == 0)
    test_remove_tree (tmpdir);
  return status;
}
