/* test-dataset-settings.c: dataset settings, their JSON and the augmentation schedule
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-dataset.h"

static char *
to_string (StrataDatasetSettings *settings)
{
  g_autoptr(JsonNode) node = strata_dataset_settings_to_json (settings);

  return json_to_string (node, TRUE);
}

static StrataDatasetSettings *
from_string (const char  *text,
             GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return strata_dataset_settings_new_from_json (node, error);
}

static void
test_fashion_mnist_defaults (void)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new_fashion_mnist ();
  g_autofree char *path = strata_dataset_settings_dup_source_path (settings, "/nowhere");
  double validation;
  int normalization;

  g_assert_cmpint (strata_dataset_settings_get_source_kind (settings), ==,
                   STRATA_SOURCE_FASHION_MNIST);
  g_assert_cmpuint (strata_dataset_settings_get_image_width (settings), ==, 28);
  g_assert_cmpuint (strata_dataset_settings_get_image_height (settings), ==, 28);
  g_assert_cmpuint (strata_dataset_settings_get_image_channels (settings), ==, 1);
  g_object_get (settings, "validation-fraction", &validation, "normalization", &normalization,
                NULL);
  g_assert_cmpfloat (validation, ==, 0.1);
  g_assert_cmpint (normalization, ==, STRATA_NORMALIZE_UNIT);
  g_assert_cmpuint (g_list_model_get_n_items (strata_dataset_settings_get_augmentation (settings)),
                    ==, 0);
  if (g_getenv ("STRATA_FASHION_MNIST_DIR") == NULL)
    g_assert_cmpstr (path, ==, FASHION_MNIST_DIR);
  g_assert_true (strata_dataset_settings_validate (settings, NULL));
}

static void
test_round_trip (void)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new ();
  g_autoptr(StrataDatasetSettings) back = NULL;
  g_autoptr(StrataAugmentation) light = strata_augmentation_new ();
  g_autoptr(StrataAugmentation) strong = strata_augmentation_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_back = NULL;
  const char *classes[] = { "cola", "fanta", "sprite", NULL };
  double mean[3] = { 0.5, 0.4, 0.3 };

  g_object_set (settings,
                "source-kind", STRATA_SOURCE_CSV,
                "source-path", "labels.csv",
                "class-names", classes,
                "split-by", STRATA_SPLIT_BY_COUNT,
                "validation-count", 100,
                "test-count", 50,
                "split-seed", (guint64) 1234567890123,
                "image-width", 224,
                "image-height", 160,
                "resize-mode", STRATA_RESIZE_HALF_CROP,
                "normalization", STRATA_NORMALIZE_MEAN_STD,
                "normalization-mean", g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, mean, 3,
                                                                 sizeof (double)),
                NULL);
  g_object_set (light, "label", "light", "first-epoch", 4, "horizontal-flip", TRUE,
                "rotation-range", 10.0, NULL);
  g_object_set (strong, "label", "strong", "first-epoch", 7, "zoom-range", 0.2,
                "fill-mode", STRATA_FILL_REFLECT, "erasing-probability", 0.5, NULL);
  /* added out of order: the list keeps them by first epoch */
  strata_dataset_settings_add_stage (settings, strong);
  strata_dataset_settings_add_stage (settings, light);

  text = to_string (settings);
  g_assert_nonnull (strstr (text, "\"source_kind\" : \"csv\""));
  g_assert_nonnull (strstr (text, "\"resize_mode\" : \"half-crop-half-fill\""));
  g_assert_nonnull (strstr (text, "\"fill_mode\" : \"reflect\""));

  back = from_string (text, &error);
  g_assert_no_error (error);
  text_back = to_string (back);
  g_assert_cmpstr (text, ==, text_back);

  g_assert_null (strata_dataset_settings_get_stage_for_epoch (back, 0));
  g_assert_null (strata_dataset_settings_get_stage_for_epoch (back, 2));
  g_assert_cmpstr (strata_augmentation_get_label (
                     strata_dataset_settings_get_stage_for_epoch (back, 3)), ==, "light");
  g_assert_cmpstr (strata_augmentation_get_label (
                     strata_dataset_settings_get_stage_for_epoch (back, 5)), ==, "light");
  g_assert_cmpstr (strata_augmentation_get_label (
                     strata_dataset_settings_get_stage_for_epoch (back, 6)), ==, "strong");
  g_assert_cmpstr (strata_augmentation_get_label (
                     strata_dataset_settings_get_stage_for_epoch (back, 100)), ==, "strong");
}

static void
test_partial_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDatasetSettings) settings =
    from_string ("{ \"source_kind\": \"folder\", \"source_path\": \"photos\", "
                 "\"validation_fraction\": 0.15, \"test_fraction\": 0.15, "
                 "\"image_width\": 64 }", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (strata_dataset_settings_get_image_width (settings), ==, 64);
  /* left out: the default */
  g_assert_cmpuint (strata_dataset_settings_get_image_height (settings), ==, 224);
}

static void
test_bad_json (void)
{
  static const struct {
    const char *json;
    const char *must_mention;
    int code;
  } cases[] = {
    { "[1, 2]", "not a JSON object", STRATA_DATASET_ERROR_PARSE },
    { "{ \"source_kind\": \"folder\", \"source_path\": \"x\", \"colour_jitter\": 1 }",
      "colour_jitter", STRATA_DATASET_ERROR_PARSE },
    { "{ \"image_width\": \"wide\" }", "image_width", STRATA_DATASET_ERROR_PARSE },
    { "{ \"image_width\": 28.5 }", "image_width", STRATA_DATASET_ERROR_PARSE },
    { "{ \"image_width\": -3 }", "image_width", STRATA_DATASET_ERROR_PARSE },
    { "{ \"image_width\": 0 }", "image_width", STRATA_DATASET_ERROR_PARSE },
    { "{ \"validation_fraction\": 2 }", "validation_fraction", STRATA_DATASET_ERROR_PARSE },
    { "{ \"validation_fraction\": true }", "validation_fraction", STRATA_DATASET_ERROR_PARSE },
    { "{ \"source_kind\": \"tarball\" }", "source_kind", STRATA_DATASET_ERROR_PARSE },
    { "{ \"resize_mode\": 3 }", "resize_mode", STRATA_DATASET_ERROR_PARSE },
    { "{ \"class_names\": [\"a\", 3] }", "class_names", STRATA_DATASET_ERROR_PARSE },
    { "{ \"normalization_std\": [\"x\"] }", "normalization_std", STRATA_DATASET_ERROR_PARSE },
    { "{ \"source-kind\": \"folder\" }", "source-kind", STRATA_DATASET_ERROR_PARSE },
    { "{ \"augmentation\": {} }", "augmentation", STRATA_DATASET_ERROR_PARSE },
    { "{ \"augmentation\": [ 3 ] }", "augmentation stage 1", STRATA_DATASET_ERROR_PARSE },
    { "{ \"augmentation\": [ {}, { \"twirl\": 1 } ] }", "twirl", STRATA_DATASET_ERROR_PARSE },
    { "{ \"augmentation\": [ { \"rotation_range\": 400 } ] }", "rotation_range",
      STRATA_DATASET_ERROR_PARSE },
    { "{ \"augmentation\": [ { \"fill_mode\": \"mirror\" } ] }", "fill_mode",
      STRATA_DATASET_ERROR_PARSE },
    /* each value fine, together not */
    { "{ \"source_path\": \"x\", \"image_channels\": 2 }", "image_channels",
      STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"validation_fraction\": 0.5, \"test_fraction\": 0.5 }",
      "validation", STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_kind\": \"folder\" }", "source_path", STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"class_names\": [\"a\", \"a\"] }", "“a”",
      STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"select_classes\": [\"b\", \"a\", \"b\"] }", "“b”",
      STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"select_classes\": [\"a\", \"\"] }", "select_classes",
      STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"normalization_mean\": [0.1, 0.2] }", "normalization_mean",
      STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"normalization_std\": [0] }", "normalization_std",
      STRATA_DATASET_ERROR_INVALID },
    { "{ \"source_path\": \"x\", \"augmentation\": [ { \"brightness_min\": 1.5 } ] }",
      "stage 1", STRATA_DATASET_ERROR_INVALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataDatasetSettings) settings = from_string (cases[i].json, &error);

      g_test_message ("%s → %s", cases[i].json, error ? error->message : "(no error)");
      g_assert_null (settings);
      g_assert_error (error, STRATA_DATASET_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].must_mention));
    }
}

static GStrv
many_names (guint n)
{
  GStrv names = g_new (char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = g_strdup_printf ("class %u", i);
  names[n] = NULL;
  return names;
}

/* A project file may list any number of classes: a million takes one pass (comparing every
 * pair took hours), a duplicate at the very end is still found, and more than the limit are
 * refused with a message. */
static void
test_many_classes (void)
{
  static const char * const members[] = { "class-names", "select-classes" };
  static const char * const json_names[] = { "class_names", "select_classes" };

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    {
      g_autoptr(StrataDatasetSettings) settings = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) names = many_names (STRATA_DATASET_MAX_CLASSES);
      g_auto(GStrv) too_many = many_names (STRATA_DATASET_MAX_CLASSES + 1);

      settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS, "source-path", "x",
                               members[m], names, NULL);
      g_assert_true (strata_dataset_settings_validate (settings, &error));
      g_assert_no_error (error);

      /* the last name repeats one from the middle */
      g_free (names[STRATA_DATASET_MAX_CLASSES - 1]);
      names[STRATA_DATASET_MAX_CLASSES - 1] = g_strdup ("class 500000");
      g_object_set (settings, members[m], names, NULL);
      g_assert_false (strata_dataset_settings_validate (settings, &error));
      g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "“class 500000”"));
      g_assert_nonnull (strstr (error->message, json_names[m]));
      g_clear_error (&error);

      g_free (names[0]);
      names[0] = g_strdup ("");
      g_object_set (settings, members[m], names, NULL);
      g_assert_false (strata_dataset_settings_validate (settings, &error));
      g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "empty"));
      g_clear_error (&error);

      g_object_set (settings, members[m], too_many, NULL);
      g_assert_false (strata_dataset_settings_validate (settings, &error));
      g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "1000001"));
      g_assert_nonnull (strstr (error->message, json_names[m]));
    }
}

static void
count_cb (gpointer  object,
          guint    *count)
{
  (*count)++;
}

static void
test_changed_signal (void)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new ();
  g_autoptr(StrataAugmentation) stage = strata_augmentation_new ();
  g_autoptr(StrataDatasetSettings) copy = NULL;
  guint changed = 0;

  g_signal_connect (settings, "changed", G_CALLBACK (count_cb), &changed);
  g_object_set (settings, "image-width", 100, NULL);
  g_assert_cmpuint (changed, ==, 1);
  g_object_set (settings, "image-width", 100, NULL);    /* no change, no signal */
  g_assert_cmpuint (changed, ==, 1);
  strata_dataset_settings_add_stage (settings, stage);
  g_assert_cmpuint (changed, ==, 2);
  g_object_set (stage, "vertical-flip", TRUE, NULL);
  g_assert_cmpuint (changed, ==, 3);

  /* a copy is independent: changing the copy's stage leaves the original alone */
  copy = strata_dataset_settings_copy (settings);
  g_object_set (g_list_model_get_item (strata_dataset_settings_get_augmentation (copy), 0),
                "horizontal-flip", TRUE, NULL);
  g_object_unref (g_list_model_get_item (strata_dataset_settings_get_augmentation (copy), 0));
  g_assert_cmpuint (changed, ==, 3);

  strata_dataset_settings_remove_stage (settings, 0);
  g_assert_cmpuint (changed, ==, 4);
  g_object_set (stage, "vertical-flip", FALSE, NULL);  /* no longer followed */
  g_assert_cmpuint (changed, ==, 4);
}

static void
test_normalization_constants (void)
{
  g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new ();
  float scale[3], offset[3];
  gboolean bgr;

  g_object_set (settings, "normalization", STRATA_NORMALIZE_TF, NULL);
  strata_dataset_settings_get_normalization_constants (settings, scale, offset, &bgr);
  g_assert_cmpfloat_with_epsilon (0 * scale[0] + offset[0], -1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (255 * scale[2] + offset[2], 1.0, 1e-6);
  g_assert_false (bgr);

  g_object_set (settings, "normalization", STRATA_NORMALIZE_TORCH, NULL);
  strata_dataset_settings_get_normalization_constants (settings, scale, offset, &bgr);
  g_assert_cmpfloat_with_epsilon (0.485 * 255 * scale[0] + offset[0], 0.0, 1e-5);
  g_assert_cmpfloat_with_epsilon (255 * scale[1] + offset[1], (1 - 0.456) / 0.224, 1e-5);

  g_object_set (settings, "normalization", STRATA_NORMALIZE_CAFFE, NULL);
  strata_dataset_settings_get_normalization_constants (settings, scale, offset, &bgr);
  g_assert_true (bgr);
  g_assert_cmpfloat (scale[0], ==, 1.0);
  g_assert_cmpfloat_with_epsilon (offset[0], -103.939, 1e-4);   /* blue first */
  g_assert_cmpfloat_with_epsilon (offset[2], -123.68, 1e-4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset-settings/fashion-mnist", test_fashion_mnist_defaults);
  g_test_add_func ("/dataset-settings/round-trip", test_round_trip);
  g_test_add_func ("/dataset-settings/partial", test_partial_json);
  g_test_add_func ("/dataset-settings/bad-json", test_bad_json);
  g_test_add_func ("/dataset-settings/changed", test_changed_signal);
  g_test_add_func ("/dataset-settings/many-classes", test_many_classes);
  g_test_add_func ("/dataset-settings/normalization", test_normalization_constants);
  return g_test_run ();
}
