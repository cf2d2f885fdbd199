/* test-zoo.c: pretrained backbones in the graph: shapes, counts, the trainable rule, the
 * expansion, the preprocessing their weights expect, frozen BatchNormalization
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-plan-private.h"
#include "strata-test-util.h"
#include "strata-zoo.h"

static StrataGraph *
graph_with (const char *type,
            int         size,
            int         channels,
            const char *params)
{
  StrataGraph *graph = strata_graph_new ();
  g_autofree char *size_text = g_strdup_printf ("%d", size);
  g_autofree char *channels_text = g_strdup_printf ("%d", channels);

  test_add (graph, "Input", "input", NULL);
  test_set (graph, "input", "height", size_text);
  test_set (graph, "input", "width", size_text);
  test_set (graph, "input", "channels", channels_text);
  test_add (graph, type, "net", "input");
  test_set (graph, "net", "weights", "'none'");
  if (params)
    {
      g_auto(GStrv) pairs = g_strsplit (params, ";", -1);
      for (guint i = 0; pairs[i]; i++)
        {
          g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);
          test_set (graph, "net", kv[0], kv[1]);
        }
    }
  return graph;
}

/* The parameter counts of Keras' model.summary() for keras_applications at full width. */
static void
test_counts (void)
{
  static const struct { const char *type; int size; gboolean top; gint64 total, state; } cases[] = {
    { "VGG16", 224, FALSE, 14714688, 0 },
    { "VGG16", 224, TRUE, 138357544, 0 },
    { "VGG19", 224, FALSE, 20024384, 0 },
    { "VGG19", 224, TRUE, 143667240, 0 },
    { "ResNet50", 224, FALSE, 23587712, 53120 },
    { "ResNet50", 224, TRUE, 25636712, 53120 },
    { "InceptionV3", 299, FALSE, 21802784, 34432 },
    { "InceptionV3", 299, TRUE, 23851784, 34432 },
    { "MobileNetV2", 224, FALSE, 2257984, 34112 },
    { "MobileNetV2", 224, TRUE, 3538984, 34112 },
    { "DenseNet121", 224, FALSE, 7037504, 83648 },
    { "DenseNet121", 224, TRUE, 8062504, 83648 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(StrataGraph) graph = graph_with (cases[i].type, cases[i].size, 3,
                                                 cases[i].top ? "include_top=true;trainable_percent=100"
                                                              : "pooling='none';trainable_percent=100");
      gint64 trainable, frozen;
      StrataShape shape;

      strata_graph_get_param_counts (graph, "net", &trainable, &frozen);
      g_assert_cmpint (trainable + frozen, ==, cases[i].total);
      g_assert_cmpint (frozen, ==, cases[i].state);
      g_assert_true (strata_graph_get_output_shape (graph, "net", &shape));
      g_assert_cmpint (shape.rank, ==, cases[i].top ? 1 : 3);
    }
}

static void
test_rule (void)
{
  guint frozen = 0;

  /* 0 % freezes all, 100 % none */
  for (guint i = 0; i < 10; i++)
    {
      g_assert_true (strata_zoo_is_frozen (i, 10, 0));
      g_assert_false (strata_zoo_is_frozen (i, 10, 100));
    }
  /* ResNet50's 106 layers at 25 %: i·100/105 ≤ 75 for i ≤ 78 */
  for (guint i = 0; i < 106; i++)
    frozen += strata_zoo_is_frozen (i, 106, 25);
  g_assert_cmpuint (frozen, ==, 79);
  g_assert_true (strata_zoo_is_frozen (78, 106, 25));
  g_assert_false (strata_zoo_is_frozen (79, 106, 25));
  /* the bottom freezes first */
  g_assert_true (strata_zoo_is_frozen (0, 106, 99));
  g_assert_false (strata_zoo_is_frozen (105, 106, 1));
  /* exactly on the boundary: 50 of 0..100 */
  g_assert_true (strata_zoo_is_frozen (50, 101, 50));
  g_assert_false (strata_zoo_is_frozen (51, 101, 50));
}

/* The counts the editor shows for the node equal the sums over the layers it expands to,
 * whose trainable flags follow the rule. */
static void
test_expansion_counts (void)
{
  static const char *const types[] = {
    "VGG16", "VGG19", "ResNet50", "InceptionV3", "MobileNetV2", "DenseNet121"
  };
  static const int percents[] = { 0, 10, 25, 50, 99, 100 };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint p = 0; p < G_N_ELEMENTS (percents); p++)
      {
        g_autofree char *params = g_strdup_printf ("width_divisor=8;trainable_percent=%d",
                                                   percents[p]);
        g_autoptr(StrataGraph) graph = graph_with (types[t], t == 3 ? 75 : 32, 3, params);
        g_autoptr(StrataGraph) flat = NULL;
        g_autoptr(GError) error = NULL;
        gint64 trainable, frozen, sum_trainable = 0, sum_frozen = 0;
        guint n_layers = 0, n_trainable_layers = 0;

        test_add (graph, "Dense", "head", "net");
        test_add (graph, "Output", "output", "head");
        strata_graph_get_param_counts (graph, "net", &trainable, &frozen);
        flat = strata_graph_expand (graph, &error);
        g_assert_no_error (error);
        for (guint i = 0; i < strata_graph_get_n_nodes (flat); i++)
          {
            StrataNode *node = strata_graph_get_nth_node (flat, i);
            gint64 t_node, f_node;

            if (!g_str_has_prefix (strata_node_get_id (node), "net/"))
              continue;
            strata_graph_get_param_counts (flat, strata_node_get_id (node), &t_node, &f_node);
            sum_trainable += t_node;
            sum_frozen += f_node;
            if (t_node + f_node > 0)
              {
                n_layers++;
                n_trainable_layers += strata_node_get_trainable (node);
              }
          }
        g_assert_cmpint (sum_trainable, ==, trainable);
        g_assert_cmpint (sum_frozen, ==, frozen);
        if (percents[p] == 0)
          g_assert_cmpint (trainable, ==, 0);
        if (percents[p] == 100)
          g_assert_cmpuint (n_trainable_layers, ==, n_layers);
        else
          {
            guint expected = 0;
            for (guint i = 0; i < n_layers; i++)
              expected += !strata_zoo_is_frozen (i, n_layers, percents[p]);
            g_assert_cmpuint (n_trainable_layers, ==, expected);
          }
      }
}

static void
test_expansion_graph (void)
{
  g_autoptr(StrataGraph) graph = graph_with ("ResNet50", 32, 3, "width_divisor=16");
  g_autoptr(StrataGraph) flat = NULL;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(GError) error = NULL;
  StrataNode *added;

  test_add (graph, "Dense", "head", "net");
  test_set (graph, "head", "units", "3");
  test_add (graph, "Output", "output", "head");
  flat = strata_graph_expand (graph, &error);
  g_assert_no_error (error);
  g_assert_null (strata_graph_get_node (flat, "net"));
  g_assert_cmpstr (strata_graph_get_input (flat, "net/conv1_pad", 0), ==, "input");
  g_assert_cmpstr (strata_graph_get_input (flat, "head", 0), ==, "net/avg_pool");
  g_assert_cmpstr (strata_graph_get_input (flat, "net/conv2_block1_add", 0), ==,
                   "net/conv2_block1_0_bn");
  g_assert_true (strata_graph_validate (flat, &error));

  model = strata_model_new (graph, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strata_model_lookup (model, "net/conv1_conv/kernel"));
  g_assert_nonnull (strata_model_lookup (model, "net/conv5_block3_3_bn/moving_variance"));
  g_assert_nonnull (strata_graph_get_node (strata_model_get_source_graph (model), "net"));
  /* trainable_percent 0: only the head trains */
  g_assert_cmpint (strata_model_get_n_trainable (model), ==, 2048 / 16 * 3 + 3);

  /* Keras-style names for new nodes */
  added = strata_graph_add_node (graph, "InceptionV3", NULL, &error);
  g_assert_cmpstr (strata_node_get_id (added), ==, "inceptionv3");

  /* a graph with a backbone survives JSON */
  {
    g_autoptr(StrataGraph) copy = strata_graph_copy (graph);
    gint64 a, b, c, d;
    strata_graph_get_param_counts (graph, "net", &a, &b);
    strata_graph_get_param_counts (copy, "net", &c, &d);
    g_assert_cmpint (a, ==, c);
    g_assert_cmpint (b, ==, d);
  }
}

static void
test_input_errors (void)
{
  g_autoptr(StrataGraph) small = graph_with ("ResNet50", 16, 3, NULL);
  g_autoptr(StrataGraph) gray = graph_with ("VGG16", 64, 1, "weights='imagenet-keras'");
  g_autoptr(StrataGraph) gray_ok = graph_with ("VGG16", 64, 1, NULL);
  g_autoptr(StrataGraph) top = graph_with ("VGG16", 64, 3,
                                           "weights='imagenet-torch';include_top=true");
  g_autoptr(StrataGraph) narrow = graph_with ("MobileNetV2", 64, 3,
                                              "weights='imagenet-keras';width_divisor=2");

  g_assert_nonnull (strstr (strata_graph_get_node_error (small, "net"), "32×32"));
  g_assert_nonnull (strstr (strata_graph_get_node_error (gray, "net"), "3 channels"));
  g_assert_nonnull (strstr (strata_graph_get_node_error (gray_ok, "net"), "goes nowhere"));
  g_assert_nonnull (strstr (strata_graph_get_node_error (top, "net"), "224×224"));
  g_assert_nonnull (strstr (strata_graph_get_node_error (narrow, "net"), "width divisor"));
}

static void
test_preprocessing (void)
{
  static const struct { const char *type, *weights; StrataNormalization expected; } cases[] = {
    { "VGG16", "imagenet-keras", STRATA_NORMALIZE_CAFFE },
    { "VGG19", "imagenet-torch", STRATA_NORMALIZE_TORCH },
    { "ResNet50", "imagenet-keras", STRATA_NORMALIZE_CAFFE },
    { "InceptionV3", "imagenet-keras", STRATA_NORMALIZE_TF },
    { "MobileNetV2", "imagenet-keras", STRATA_NORMALIZE_TF },
    { "DenseNet121", "imagenet-keras", STRATA_NORMALIZE_TORCH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *params = g_strdup_printf ("weights='%s'", cases[i].weights);
      g_autoptr(StrataGraph) graph = graph_with (cases[i].type, 299, 3, params);
      g_autoptr(GError) error = NULL;
      StrataNormalization normalization;
      const char *id;

      g_assert_true (strata_zoo_graph_get_preprocessing (graph, &normalization, &id));
      g_assert_cmpint (normalization, ==, cases[i].expected);
      g_assert_cmpstr (id, ==, "net");
      g_assert_true (strata_zoo_check_preprocessing (graph, cases[i].expected, &error));
      g_assert_false (strata_zoo_check_preprocessing (graph, STRATA_NORMALIZE_UNIT, &error));
      g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_PREPROCESSING);
      g_assert_nonnull (strstr (error->message, "0..1"));
    }

  {
    g_autoptr(StrataGraph) graph = graph_with ("MobileNetV2", 64, 3, "weights='imagenet-keras'");
    g_autoptr(StrataDatasetSettings) settings = strata_dataset_settings_new ();
    g_assert_true (strata_zoo_apply_preprocessing (graph, settings));
    g_assert_cmpint (strata_dataset_settings_get_normalization (settings), ==,
                     STRATA_NORMALIZE_TF);
    g_assert_false (strata_zoo_apply_preprocessing (graph, settings));
  }

  {
    /* random weights expect nothing */
    g_autoptr(StrataGraph) graph = graph_with ("ResNet50", 64, 3, NULL);
    StrataNormalization normalization;
    g_assert_false (strata_zoo_graph_get_preprocessing (graph, &normalization, NULL));
    g_assert_true (strata_zoo_check_preprocessing (graph, STRATA_NORMALIZE_UNIT, NULL));
  }
}

/* A frozen backbone's BatchNormalization uses its moving statistics in training, as Keras'
 * trainable=False does, and keeps them; a trainable one uses the batch's. */
static void
test_frozen_batch_norm (void)
{
  static const int percents[] = { 0, 100 };

  for (guint p = 0; p < G_N_ELEMENTS (percents); p++)
    {
      g_autofree char *params = g_strdup_printf ("width_divisor=16;trainable_percent=%d",
                                                 percents[p]);
      g_autoptr(StrataGraph) graph = graph_with ("ResNet50", 32, 3, params);
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataModel) model = NULL;
      g_autoptr(StrataPlan) train = NULL, infer = NULL;
      StrataPlanOptions options = { STRATA_PLAN_TRAIN, 4, STRATA_PRECISION_FP32 };
      StrataTensor *mean;
      g_autofree float *mean_before = NULL;
      g_autofree float *probs = g_new (float, 4 * 3);
      gint32 labels[4] = { 0, 1, 2, 0 };
      StrataPlanStats stats;
      double difference = 0;

      test_add (graph, "Dense", "head", "net");
      test_set (graph, "head", "units", "3");
      test_set (graph, "head", "activation", "'linear'");
      test_add (graph, "Output", "output", "head");
      model = strata_model_new (graph, &error);
      g_assert_no_error (error);
      for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
        {
          StrataTensor *tensor = strata_model_get_tensor (model, t);
          if (g_str_has_suffix (tensor->name, "moving_mean"))
            test_fill_random (tensor->data, tensor->n, t, 0.2f);
        }
      strata_model_weights_changed (model);
      mean = strata_model_lookup (model, "net/conv1_bn/moving_mean");
      mean_before = g_memdup2 (mean->data, mean->n * sizeof (float));

      train = strata_plan_new (model, &options, &error);
      g_assert_no_error (error);
      options.mode = STRATA_PLAN_INFER;
      infer = strata_plan_new (model, &options, &error);
      g_assert_no_error (error);
      test_fill_random (strata_plan_get_input (train), 4 * 32 * 32 * 3, 5, 1.0f);
      memcpy (strata_plan_get_input (infer), strata_plan_get_input (train),
              4 * 32 * 32 * 3 * sizeof (float));
      g_assert_true (strata_plan_forward (infer, 4, 0, &error));
      memcpy (probs, strata_plan_get_probabilities (infer), sizeof (float) * 12);
      g_assert_true (strata_plan_forward (train, 4, 0, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < 12; i++)
        difference = MAX (difference, fabs (probs[i] - strata_plan_get_probabilities (train)[i]));
      strata_plan_compute_loss (train, labels, 4, NULL, NULL);
      g_assert_true (strata_plan_backward (train, &error));
      _strata_plan_get_stats (train, &stats);

      if (percents[p] == 0)
        {
          g_assert_cmpfloat (difference, <, 1e-5);
          g_assert_cmpmem (mean->data, mean->n * sizeof (float), mean_before,
                           mean->n * sizeof (float));
          /* nothing below the head runs backward */
          g_assert_cmpuint (stats.n_backward_layers, <=, 2);
        }
      else
        {
          g_assert_cmpfloat (difference, >, 1e-3);
          g_assert_true (memcmp (mean->data, mean_before, mean->n * sizeof (float)) != 0);
        }
    }
}

/* Features saved after a full forward give, through the layers past the frozen prefix, the
 * same probabilities and gradients; in a plan of another mode and batch size too. */
static void
test_feature_cache (gconstpointer data)
{
  g_autofree char *params = g_strdup_printf ("width_divisor=16;trainable_percent=%d",
                                             GPOINTER_TO_INT (data));
  g_autoptr(StrataGraph) graph = graph_with ("ResNet50", 32, 3, params);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataPlan) train = NULL, infer = NULL, plain = NULL;
  StrataPlanOptions options = { STRATA_PLAN_TRAIN, 4, STRATA_PRECISION_FP32, TRUE };
  StrataPlanOptions infer_options = { STRATA_PLAN_INFER, 3, STRATA_PRECISION_FP32, TRUE };
  gint32 labels[4] = { 0, 1, 2, 1 };
  g_autofree float *features = NULL, *probs = NULL, *grads = NULL;
  g_autoptr(GPtrArray) trainable = g_ptr_array_new ();
  gsize n_features, n_grads = 0;
  double loss_a, loss_b;

  test_add (graph, "Dropout", "dropout", "net");
  test_add (graph, "Dense", "head", "dropout");
  test_set (graph, "head", "units", "3");
  test_set (graph, "head", "activation", "'linear'");
  test_add (graph, "Output", "output", "head");
  model = strata_model_new (graph, &error);
  g_assert_no_error (error);
  train = strata_plan_new (model, &options, &error);
  g_assert_no_error (error);
  infer = strata_plan_new (model, &infer_options, &error);
  g_assert_no_error (error);
  options.feature_cache = FALSE;
  plain = strata_plan_new (model, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_plan_get_feature_size (plain), ==, 0);
  {
    /* all trainable: only the input and its padding are frozen, nothing worth keeping */
    g_autoptr(StrataGraph) all = graph_with ("ResNet50", 32, 3,
                                             "width_divisor=16;trainable_percent=100");
    g_autoptr(StrataModel) all_model = NULL;
    g_autoptr(StrataPlan) all_plan = NULL;
    test_add (all, "Dense", "head", "net");
    test_set (all, "head", "units", "3");
    test_add (all, "Output", "output", "head");
    all_model = strata_model_new (all, &error);
    options.feature_cache = TRUE;
    all_plan = strata_plan_new (all_model, &options, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strata_plan_get_feature_size (all_plan), ==, 0);
  }

  n_features = strata_plan_get_feature_size (train);
  g_assert_cmpuint (n_features, >, 0);
  g_assert_cmpuint (n_features, ==, strata_plan_get_feature_size (infer));
  /* far less than the image: the frontier sits high in the backbone */
  g_assert_cmpuint (n_features, <, 32 * 32 * 3);

  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    if (strata_model_get_tensor (model, t)->trainable)
      {
        g_ptr_array_add (trainable, strata_model_get_tensor (model, t));
        n_grads += strata_model_get_tensor (model, t)->n;
      }
  features = g_new (float, 4 * n_features);
  probs = g_new (float, 4 * 3);
  grads = g_new (float, n_grads);

  test_fill_random (strata_plan_get_input (train), 4 * 32 * 32 * 3, 8, 1.0f);
  g_assert_true (strata_plan_forward_saving_features (train, 4, 77, features, &error));
  memcpy (probs, strata_plan_get_probabilities (train), sizeof (float) * 12);
  loss_a = strata_plan_compute_loss (train, labels, 4, NULL, NULL);
  g_assert_true (strata_plan_backward (train, &error));
  for (guint i = 0, k = 0; i < trainable->len; i++)
    {
      StrataTensor *tensor = g_ptr_array_index (trainable, i);
      memcpy (grads + k, tensor->diff, tensor->n * sizeof (float));
      k += tensor->n;
    }

  /* the input no longer matters */
  test_fill_random (strata_plan_get_input (train), 4 * 32 * 32 * 3, 9, 1.0f);
  g_assert_true (strata_plan_forward_features (train, 4, features, 77, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (probs, sizeof (float) * 12, strata_plan_get_probabilities (train),
                   sizeof (float) * 12);
  loss_b = strata_plan_compute_loss (train, labels, 4, NULL, NULL);
  g_assert_cmpfloat (loss_a, ==, loss_b);
  g_assert_true (strata_plan_backward (train, &error));
  for (guint i = 0, k = 0; i < trainable->len; i++)
    {
      StrataTensor *tensor = g_ptr_array_index (trainable, i);
      g_assert_cmpmem (grads + k, tensor->n * sizeof (float), tensor->diff,
                       tensor->n * sizeof (float));
      k += tensor->n;
    }

  /* inference on 3 of them: as from the images; and with features of its own */
  test_fill_random (strata_plan_get_input (infer), 3 * 32 * 32 * 3, 8, 1.0f);
  g_assert_true (strata_plan_forward (infer, 3, 0, &error));
  memcpy (probs, strata_plan_get_probabilities (infer), sizeof (float) * 9);
  g_assert_true (strata_plan_forward_features (infer, 3, features, 0, &error));
  for (guint i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (probs[i], strata_plan_get_probabilities (infer)[i], 1e-6);
  g_assert_true (strata_plan_forward_saving_features (infer, 3, 0, features, &error));
  g_assert_true (strata_plan_forward_features (infer, 3, features, 0, &error));
  g_assert_cmpmem (probs, sizeof (float) * 9, strata_plan_get_probabilities (infer),
                   sizeof (float) * 9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/zoo/counts", test_counts);
  g_test_add_func ("/zoo/rule", test_rule);
  g_test_add_func ("/zoo/expansion/counts", test_expansion_counts);
  g_test_add_func ("/zoo/expansion/graph", test_expansion_graph);
  g_test_add_func ("/zoo/input-errors", test_input_errors);
  g_test_add_func ("/zoo/preprocessing", test_preprocessing);
  g_test_add_func ("/zoo/frozen-batch-norm", test_frozen_batch_norm);
  /* 25 %: the frontier lives on for the backward pass; 90 %: it is short-lived */
  g_test_add_data_func ("/zoo/feature-cache/25", GINT_TO_POINTER (25), test_feature_cache);
  g_test_add_data_func ("/zoo/feature-cache/75", GINT_TO_POINTER (75), test_feature_cache);
  g_test_add_data_func ("/zoo/feature-cache/90", GINT_TO_POINTER (90), test_feature_cache);
  return g_test_run ();
}
