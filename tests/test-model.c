/* test-model.c: tensors, names, layouts and initialisation
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-test-util.h"

static StrataModel *
new_model (StrataGraph *graph)
{
  g_autoptr(GError) error = NULL;
  StrataModel *model = strata_model_new (graph, &error);

  g_assert_no_error (error);
  return model;
}

static void
assert_tensor (StrataModel *model,
               guint        index,
               const char  *name,
               int          rank,
               gint64       d0,
               gint64       d1,
               gint64       d2,
               gint64       d3)
{
  StrataTensor *tensor = strata_model_get_tensor (model, index);
  gint64 dims[4] = { d0, d1, d2, d3 };

  g_assert_cmpstr (tensor->name, ==, name);
  g_assert_cmpint (tensor->rank, ==, rank);
  for (int i = 0; i < rank; i++)
    g_assert_cmpint (tensor->dims[i], ==, dims[i]);
  g_assert_true (((guintptr) tensor->data & 63) == 0);
  g_assert_true (strata_model_lookup (model, name) == tensor);
}

/* PyTorch layouts with Keras names, in topological and Keras weight order. */
static void
test_example_tensors (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = new_model (graph);
  StrataShape input = strata_model_get_input_shape (model);

  g_assert_cmpuint (strata_model_get_n_tensors (model), ==, 8);
  assert_tensor (model, 0, "conv2d/kernel", 4, 32, 1, 3, 3);
  assert_tensor (model, 1, "conv2d/bias", 1, 32, 0, 0, 0);
  assert_tensor (model, 2, "conv2d_1/kernel", 4, 64, 32, 3, 3);
  assert_tensor (model, 3, "conv2d_1/bias", 1, 64, 0, 0, 0);
  assert_tensor (model, 4, "dense/kernel", 2, 128, 9216, 0, 0);
  assert_tensor (model, 5, "dense/bias", 1, 128, 0, 0, 0);
  assert_tensor (model, 6, "dense_1/kernel", 2, 10, 128, 0, 0);
  assert_tensor (model, 7, "dense_1/bias", 1, 10, 0, 0, 0);
  g_assert_cmpint (strata_model_get_n_trainable (model), ==, 320 + 18496 + 1179776 + 1290);
  g_assert_cmpuint (strata_model_get_n_classes (model), ==, 10);
  g_assert_cmpint (input.rank, ==, 3);
  g_assert_cmpint (input.dims[0], ==, 28);
  g_assert_cmpint (input.dims[2], ==, 1);
  for (guint t = 0; t < 8; t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      g_assert_true (tensor->trainable);
      g_assert_cmpint (tensor->role, ==, STRATA_TENSOR_WEIGHT);
      g_assert_nonnull (tensor->diff);
      g_assert_true (g_str_has_prefix (tensor->name, tensor->layer));
      g_assert_cmpint (tensor->name[strlen (tensor->layer)], ==, '/');
    }
}

static void
test_batch_norm_and_frozen (void)
{
  g_autoptr(StrataGraph) graph = test_residual_graph ();
  g_autoptr(StrataModel) model = NULL;
  StrataTensor *mean, *gamma, *var, *stem;

  strata_graph_set_trainable (graph, "stem", FALSE);
  model = new_model (graph);
  gamma = strata_model_lookup (model, "bn_a/gamma");
  mean = strata_model_lookup (model, "bn_a/moving_mean");
  var = strata_model_lookup (model, "bn_a/moving_variance");
  stem = strata_model_lookup (model, "stem/kernel");
  g_assert_nonnull (strata_model_lookup (model, "bn_a/beta"));
  g_assert_cmpint (gamma->role, ==, STRATA_TENSOR_WEIGHT);
  g_assert_true (gamma->trainable);
  g_assert_cmpint (mean->role, ==, STRATA_TENSOR_STATE);
  g_assert_false (mean->trainable);
  g_assert_null (mean->diff);
  g_assert_false (stem->trainable);
  g_assert_null (stem->diff);
  g_assert_null (strata_model_lookup (model, "conv_a/bias"));
  for (gint64 i = 0; i < gamma->n; i++)
    {
      g_assert_cmpfloat (gamma->data[i], ==, 1.0f);
      g_assert_cmpfloat (mean->data[i], ==, 0.0f);
      g_assert_cmpfloat (var->data[i], ==, 1.0f);
    }
  g_assert_cmpuint (strata_model_get_n_classes (model), ==, 5);
}

static void
moments (const StrataTensor *tensor,
         double             *mean,
         double             *std,
         double             *max_abs)
{
  double sum = 0, sum2 = 0;

  *max_abs = 0;
  for (gint64 i = 0; i < tensor->n; i++)
    {
      sum += tensor->data[i];
      sum2 += (double) tensor->data[i] * tensor->data[i];
      *max_abs = MAX (*max_abs, fabs (tensor->data[i]));
    }
  *mean = sum / tensor->n;
  *std = sqrt (sum2 / tensor->n - *mean * *mean);
}

/* Keras' fan rules: glorot_uniform limit sqrt(6 / (fan_in + fan_out)); he_normal a normal
 * truncated at 2σ with variance 2 / fan_in; checked on the 1.2 M values of the dense kernel
 * (std within 2 %). */
static void
test_initializers (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataModel) again = NULL;
  StrataTensor *dense, *conv, *bias;
  double mean, std, max_abs, limit;
  guint64 version;

  test_set (graph, "conv2d_1", "kernel_initializer", "'he_normal'");
  model = new_model (graph);
  dense = strata_model_lookup (model, "dense/kernel");
  conv = strata_model_lookup (model, "conv2d_1/kernel");
  bias = strata_model_lookup (model, "dense/bias");

  strata_model_init_weights (model, 5);
  limit = sqrt (6.0 / (9216 + 128));
  moments (dense, &mean, &std, &max_abs);
  g_assert_cmpfloat (max_abs, <=, limit);
  g_assert_cmpfloat (max_abs, >, 0.99 * limit);
  g_assert_cmpfloat (fabs (mean), <, 0.01 * limit);
  g_assert_cmpfloat (fabs (std - limit / sqrt (3.0)), <, 0.02 * limit / sqrt (3.0));

  moments (conv, &mean, &std, &max_abs);
  g_assert_cmpfloat (fabs (std - sqrt (2.0 / (32 * 9))), <, 0.05 * sqrt (2.0 / (32 * 9)));
  g_assert_cmpfloat (max_abs, <=, 2.0 * sqrt (2.0 / (32 * 9)) / 0.87962566103423978 + 1e-6);
  for (gint64 i = 0; i < bias->n; i++)
    g_assert_cmpfloat (bias->data[i], ==, 0.0f);

  /* the same seed gives the same weights, another seed others, and the version moves */
  again = new_model (graph);
  version = strata_model_get_version (again);
  strata_model_init_weights (again, 5);
  g_assert_cmpuint (strata_model_get_version (again), >, version);
  g_assert_cmpmem (strata_model_lookup (again, "dense/kernel")->data, dense->n * 4,
                   dense->data, dense->n * 4);
  strata_model_init_weights (again, 6);
  g_assert_true (memcmp (strata_model_lookup (again, "dense/kernel")->data, dense->data,
                         dense->n * 4) != 0);
}

static void
test_copy_weights (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) a = new_model (graph);
  g_autoptr(StrataModel) b = new_model (graph);
  g_autoptr(StrataModel) other = NULL;
  g_autoptr(GError) error = NULL;
  guint64 version = strata_model_get_version (b);

  strata_model_init_weights (a, 99);
  g_assert_true (strata_model_copy_weights_from (b, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strata_model_get_version (b), >, version);
  g_assert_cmpmem (strata_model_lookup (a, "dense/kernel")->data, 9216 * 128 * 4,
                   strata_model_lookup (b, "dense/kernel")->data, 9216 * 128 * 4);

  test_set (graph, "dense", "units", "64");
  other = new_model (graph);
  g_assert_false (strata_model_copy_weights_from (other, a, &error));
  g_assert_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_MISMATCH);
}

static void
test_invalid_graph (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = NULL;

  strata_graph_disconnect (graph, "flatten", 0);
  model = strata_model_new (graph, &error);
  g_assert_null (model);
  g_assert_error (error, STRATA_MODEL_ERROR, STRATA_MODEL_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/example-tensors", test_example_tensors);
  g_test_add_func ("/model/batch-norm-and-frozen", test_batch_norm_and_frozen);
  g_test_add_func ("/model/initializers", test_initializers);
  g_test_add_func ("/model/copy-weights", test_copy_weights);
  g_test_add_func ("/model/invalid-graph", test_invalid_graph);
  return g_test_run ();
}
