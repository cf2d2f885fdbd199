/* test-ops.c: every layer type against the naive reference, forward and backward
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case is a small network: Input → the layers under test → (Flatten) → Dense head →
 * Output. The plan runs in TRAIN mode with every output kept and the input's gradient
 * computed, so that
 *   - every layer's output is compared with tests/naive.c
 *     (|plan − naive| ≤ 1e-4 · max(1, max |naive|));
 *   - the loss is compared (relative 1e-5);
 *   - the gradients of the input and of every trainable tensor are compared with central
 *     finite differences of the naive loss in double precision, step 1e-5, on up to 24
 *     elements each (|plan − fd| ≤ 2e-3 · max |fd| + 5e-6);
 *   - BatchNormalization's moving statistics after the step match Keras' update with the
 *     unbiased variance (1e-5);
 *   - an INFER plan (dropout off, moving statistics, n < batch) gives the naive
 *     probabilities (1e-5).
 * Channel counts 3, 16, 17 and 32 make oneDNN choose blocked layouts with and without
 * padding.
 *
 * Where the CPU computes bf16 natively every case also runs in a BF16 plan, with tolerances
 * for bf16's 8-bit mantissa: outputs and probabilities 3e-2 · scale, loss 2e-2 relative,
 * moving statistics 2e-2; its gradients are compared with the FP32 plan's on the whole
 * tensors, relative L2 error ≤ 0.15 (finite differences don't suit bf16: rounding moves a
 * value across a kink of relu, relu6, leaky_relu or a max pooling's window now and then,
 * which changes that unit's gradient entirely; with random weights a few such flips give
 * 0.3–13 % of L2 error depending on the seed, against 0.3–0.8 % without flips, while a wiring
 * mistake gives errors of order 1). Gradients that are zero in FP32 (a bias before
 * BatchNormalization) are skipped.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "naive.h"
#include "strata-plan-private.h"
#include "strata-random.h"
#include "strata-test-util.h"

typedef void (*BuildFunc) (StrataGraph *graph);

typedef struct
{
  const char *name;
  int height, width, channels;
  BuildFunc build;              /* adds layers after "input"; the last one is "last" */
  gboolean own_head;            /* "last" gives the class scores itself */
  double label_smoothing;
} OpCase;

/* Cases ------------------------------------------------------------------------------------- */

#define add test_add
#define set test_set

static void
build_conv_valid (StrataGraph *g)
{
  add (g, "Conv2D", "last", "input");
  set (g, "last", "filters", "17");
}

/* 8×7 input, 3×4 kernel, stride 2, "same": TF pads 0 before / 1 after on the rows and
 * 1 / 1 on the columns */
static void
build_conv_same_strided (StrataGraph *g)
{
  add (g, "Conv2D", "last", "input");
  set (g, "last", "filters", "32");
  set (g, "last", "kernel_size", "[3, 4]");
  set (g, "last", "strides", "[2, 2]");
  set (g, "last", "padding", "'same'");
  set (g, "last", "activation", "'tanh'");
}

static void
build_conv_dilated (StrataGraph *g)
{
  add (g, "Conv2D", "last", "input");
  set (g, "last", "filters", "16");
  set (g, "last", "dilation_rate", "[2, 2]");
  set (g, "last", "padding", "'same'");
  set (g, "last", "activation", "'sigmoid'");
  set (g, "last", "use_bias", "false");
}

static void
build_conv_activations (StrataGraph *g)
{
  add (g, "Conv2D", "c_elu", "input");
  set (g, "c_elu", "filters", "8");
  set (g, "c_elu", "kernel_size", "[2, 2]");
  set (g, "c_elu", "activation", "'elu'");
  add (g, "Conv2D", "c_relu6", "c_elu");
  set (g, "c_relu6", "filters", "5");
  set (g, "c_relu6", "padding", "'same'");
  set (g, "c_relu6", "activation", "'relu6'");
  add (g, "Conv2D", "c_leaky", "c_relu6");
  set (g, "c_leaky", "filters", "17");
  set (g, "c_leaky", "padding", "'same'");
  set (g, "c_leaky", "activation", "'leaky_relu'");
  add (g, "Conv2D", "last", "c_leaky");
  set (g, "last", "filters", "4");
  set (g, "last", "padding", "'same'");
  set (g, "last", "activation", "'swish'");
}

static void
build_depthwise (StrataGraph *g)
{
  add (g, "DepthwiseConv2D", "dw", "input");
  set (g, "dw", "padding", "'same'");
  set (g, "dw", "depth_multiplier", "2");
  set (g, "dw", "activation", "'relu6'");
  add (g, "DepthwiseConv2D", "last", "dw");
  set (g, "last", "strides", "[2, 2]");
}

static void
build_dense (StrataGraph *g)
{
  add (g, "Flatten", "flatten", "input");
  add (g, "Dense", "d1", "flatten");
  set (g, "d1", "units", "20");
  set (g, "d1", "activation", "'sigmoid'");
  add (g, "Dense", "d2", "d1");
  set (g, "d2", "units", "17");
  set (g, "d2", "activation", "'tanh'");
  set (g, "d2", "use_bias", "false");
  add (g, "Dense", "last", "d2");
  set (g, "last", "units", "6");
  set (g, "last", "activation", "'softmax'");
}

static void
build_dropout (StrataGraph *g)
{
  add (g, "Conv2D", "conv", "input");
  set (g, "conv", "filters", "17");
  add (g, "Dropout", "drop", "conv");
  set (g, "drop", "rate", "0.4");
  add (g, "Flatten", "flatten", "drop");
  add (g, "Dense", "dense", "flatten");
  set (g, "dense", "units", "24");
  add (g, "Dropout", "last", "dense");
  set (g, "last", "rate", "0.3");
}

static void
build_batch_norm (StrataGraph *g)
{
  add (g, "BatchNormalization", "bn_in", "input");
  add (g, "Conv2D", "conv", "bn_in");
  set (g, "conv", "filters", "16");
  set (g, "conv", "padding", "'same'");
  set (g, "conv", "activation", "'linear'");
  add (g, "BatchNormalization", "bn_frozen", "conv");
  set (g, "bn_frozen", "epsilon", "0.01");
  strata_graph_set_trainable (g, "bn_frozen", FALSE);
  add (g, "Flatten", "flatten", "bn_frozen");
  add (g, "Dense", "dense", "flatten");
  set (g, "dense", "units", "8");
  add (g, "BatchNormalization", "last", "dense");
  set (g, "last", "momentum", "0.9");
  set (g, "last", "center", "false");
}

static void
build_activations (StrataGraph *g)
{
  const char *names[] = { "relu", "elu", "leaky_relu", "sigmoid", "tanh", "swish", "relu6" };
  const char *prev = "input";

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *id = g_strdup_printf ("act_%s", names[i]);
      g_autofree char *value = g_strdup_printf ("'%s'", names[i]);
      add (g, "Activation", id, prev);
      set (g, id, "activation", value);
      prev = strata_node_get_id (strata_graph_get_node (g, id));
    }
  add (g, "Flatten", "flatten", prev);
  add (g, "Dense", "dense", "flatten");
  set (g, "dense", "units", "7");
  set (g, "dense", "activation", "'linear'");
  add (g, "Activation", "softmax", "dense");
  set (g, "softmax", "activation", "'softmax'");
  add (g, "Dense", "dense_2", "softmax");
  set (g, "dense_2", "units", "5");
  set (g, "dense_2", "activation", "'linear'");
  add (g, "Activation", "last", "dense_2");
  set (g, "last", "activation", "'softmax'");
}

static void
build_pooling (StrataGraph *g)
{
  add (g, "MaxPooling2D", "max_same", "input");
  set (g, "max_same", "pool_size", "[3, 3]");
  set (g, "max_same", "strides", "[2, 2]");
  set (g, "max_same", "padding", "'same'");
  add (g, "AveragePooling2D", "avg_same", "max_same");
  set (g, "avg_same", "strides", "[1, 1]");
  set (g, "avg_same", "padding", "'same'");
  add (g, "AveragePooling2D", "last", "avg_same");
  set (g, "last", "pool_size", "[3, 2]");
  set (g, "last", "strides", "[2, 1]");
}

static void
build_max_valid (StrataGraph *g)
{
  add (g, "Conv2D", "conv", "input");
  set (g, "conv", "filters", "32");
  add (g, "MaxPooling2D", "last", "conv");
}

static void
build_global (StrataGraph *g)
{
  add (g, "Conv2D", "conv", "input");
  set (g, "conv", "filters", "32");
  set (g, "conv", "padding", "'same'");
  add (g, "GlobalAveragePooling2D", "gap", "conv");
  add (g, "GlobalMaxPooling2D", "gmp", "conv");
  add (g, "GlobalMaxPooling2D", "gmp_in", "input");
  add (g, "Concatenate", "last", "gap");
  strata_graph_set_n_inputs (g, "last", 3, NULL);
  test_link (g, "gmp", "last", 1);
  test_link (g, "gmp_in", "last", 2);
}

static void
build_zero_padding (StrataGraph *g)
{
  add (g, "ZeroPadding2D", "pad", "input");
  set (g, "pad", "padding", "[1, 2, 0, 3]");
  add (g, "Conv2D", "conv", "pad");
  set (g, "conv", "filters", "17");
  add (g, "ZeroPadding2D", "last", "conv");
  set (g, "last", "padding", "[2, 0, 1, 1]");
}

static void
build_merge (StrataGraph *g)
{
  add (g, "Conv2D", "conv_a", "input");
  set (g, "conv_a", "filters", "17");
  set (g, "conv_a", "padding", "'same'");
  add (g, "Conv2D", "conv_b", "input");
  set (g, "conv_b", "filters", "17");
  set (g, "conv_b", "padding", "'same'");
  set (g, "conv_b", "activation", "'linear'");
  add (g, "Add", "add", "conv_a");
  test_link (g, "conv_b", "add", 1);
  add (g, "Concatenate", "concat", "add");
  test_link (g, "input", "concat", 1);
  add (g, "Conv2D", "last", "concat");
  set (g, "last", "filters", "16");
  set (g, "last", "kernel_size", "[2, 2]");
}

#undef add
#undef set

static const OpCase cases[] = {
  { "conv-valid", 7, 7, 3, build_conv_valid, FALSE, 0.0 },
  { "conv-same-strided", 8, 7, 17, build_conv_same_strided, FALSE, 0.1 },
  { "conv-dilated", 9, 9, 32, build_conv_dilated, FALSE, 0.0 },
  { "conv-activations", 6, 6, 3, build_conv_activations, FALSE, 0.0 },
  { "depthwise", 7, 7, 17, build_depthwise, FALSE, 0.0 },
  { "dense", 4, 4, 2, build_dense, TRUE, 0.2 },
  { "dropout", 6, 6, 3, build_dropout, FALSE, 0.0 },
  { "batch-norm", 5, 5, 17, build_batch_norm, FALSE, 0.0 },
  { "activations", 5, 5, 16, build_activations, TRUE, 0.0 },
  { "pooling", 9, 8, 17, build_pooling, FALSE, 0.0 },
  { "max-pooling-valid", 7, 7, 3, build_max_valid, FALSE, 0.0 },
  { "global-pooling-concatenate", 6, 5, 17, build_global, FALSE, 0.0 },
  { "zero-padding", 5, 6, 3, build_zero_padding, FALSE, 0.0 },
  { "add-concatenate", 6, 6, 3, build_merge, FALSE, 0.0 },
};

/* Harness ----------------------------------------------------------------------------------- */

#define BATCH 4
#define N_CLASSES 3

static StrataGraph *
build_case (const OpCase *c)
{
  StrataGraph *g = strata_graph_new ();
  g_autofree char *h = g_strdup_printf ("%d", c->height);
  g_autofree char *w = g_strdup_printf ("%d", c->width);
  g_autofree char *ch = g_strdup_printf ("%d", c->channels);
  g_autofree char *ls = g_strdup_printf ("%g", c->label_smoothing);
  StrataShape shape;

  /* the Input takes at most 4 channels: wider cases start with a 1×1 convolution */
  if (c->channels > 4)
    {
      test_add (g, "Input", "image", NULL);
      test_add (g, "Conv2D", "input", "image");
      test_set (g, "input", "filters", ch);
      test_set (g, "input", "kernel_size", "[1, 1]");
      test_set (g, "input", "activation", "'linear'");
      test_set (g, "image", "channels", "3");
    }
  else
    {
      test_add (g, "Input", "input", NULL);
      test_set (g, "input", "channels", ch);
    }
  test_set (g, strata_node_get_id (strata_graph_find_input (g)), "height", h);
  test_set (g, strata_node_get_id (strata_graph_find_input (g)), "width", w);
  c->build (g);
  if (c->own_head)
    test_add (g, "Output", "output", "last");
  else
    {
      g_assert_true (strata_graph_get_output_shape (g, "last", &shape));
      test_add (g, "Flatten", "head_flatten", "last");
      test_add (g, "Dense", "head", "head_flatten");
      test_set (g, "head", "units", "3");
      test_set (g, "head", "activation", "'linear'");
      test_add (g, "Output", "output", "head");
    }
  test_set (g, "output", "label_smoothing", ls);
  return g;
}

/* Non-trivial biases, scales and moving statistics, so that their gradients and uses show. */
static void
randomise_model (StrataModel *model)
{
  strata_model_init_weights (model, 42);
  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      const char *weight = strrchr (tensor->name, '/') + 1;

      if (g_str_equal (weight, "bias") || g_str_equal (weight, "beta") ||
          g_str_equal (weight, "moving_mean"))
        test_fill_random (tensor->data, tensor->n, t, 0.3f);
      else if (g_str_equal (weight, "gamma") || g_str_equal (weight, "moving_variance"))
        {
          test_fill_random (tensor->data, tensor->n, t, 0.4f);
          for (gint64 i = 0; i < tensor->n; i++)
            tensor->data[i] += 1.0f;
        }
    }
  strata_model_weights_changed (model);
}

/* 1 for FP32 plans, larger for BF16 ones (see above) */
typedef struct
{
  double values;
  double loss;
  double grad;
  double grad_abs;
  double stats;
} Tolerances;

static const Tolerances fp32_tolerances = { 1e-4, 1e-5, 2e-3, 5e-6, 1e-5 };
static const Tolerances bf16_tolerances = { 3e-2, 2e-2, 0, 0, 2e-2 };
static const Tolerances *tol = &fp32_tolerances;

static void
compare_values (const char   *what,
                const float  *plan,
                const double *ref,
                gsize         n,
                double        tolerance)
{
  double max_ref = 1.0, max_err = 0.0;

  for (gsize i = 0; i < n; i++)
    max_ref = MAX (max_ref, fabs (ref[i]));
  for (gsize i = 0; i < n; i++)
    max_err = MAX (max_err, fabs (plan[i] - ref[i]));
  if (max_err > tolerance * max_ref)
    g_error ("%s: max error %g (scale %g)", what, max_err, max_ref);
}

/* Central differences of the naive loss on a sample of @values' elements. */
static void
check_gradient (const char   *what,
                Naive        *naive,
                const gint32 *labels,
                double       *values,
                gsize         n,
                const float  *grad)
{
  const double eps = 1e-5;
  guint n_samples = MIN (n, 24);
  g_autofree double *fd = g_new (double, n_samples);
  g_autofree gsize *where = g_new (gsize, n_samples);
  double scale = 0.0, max_err = 0.0;

  for (guint k = 0; k < n_samples; k++)
    {
      gsize i = n <= 24 ? k : ((gsize) k * 7919 + 13) % n;
      double saved = values[i], plus, minus;

      values[i] = saved + eps;
      plus = naive_forward (naive, labels);
      values[i] = saved - eps;
      minus = naive_forward (naive, labels);
      values[i] = saved;
      fd[k] = (plus - minus) / (2 * eps);
      where[k] = i;
      scale = MAX (scale, fabs (fd[k]));
    }
  for (guint k = 0; k < n_samples; k++)
    max_err = MAX (max_err, fabs (grad[where[k]] - fd[k]));
  g_test_message ("%s: gradient max error %.3g, scale %.3g", what, max_err, scale);
  if (max_err > tol->grad * scale + tol->grad_abs)
    {
      for (guint k = 0; k < n_samples; k++)
        g_printerr ("  [%zu] plan %.7g fd %.7g\n", where[k], grad[where[k]], fd[k]);
      g_error ("%s: gradient max error %g (scale %g)", what, max_err, scale);
    }
}

typedef struct
{
  const OpCase *c;
  StrataPrecision precision;
} CaseRun;

static double l2_tolerance;

static void
compare_l2 (const char  *what,
            const float *values,
            const float *ref,
            gsize        n)
{
  double err = 0, norm = 0;

  for (gsize i = 0; i < n; i++)
    {
      err += ((double) values[i] - ref[i]) * ((double) values[i] - ref[i]);
      norm += (double) ref[i] * ref[i];
    }
  if (norm < 1e-12 * n)
    {
      g_test_message ("%s: zero in FP32, not compared", what);
      return;
    }
  err = sqrt (err / norm);
  g_test_message ("%s: relative L2 error %.3g against FP32", what, err);
  if (err > l2_tolerance)
    g_error ("%s: relative L2 error %g against FP32", what, err);
}

/* One FP32 training step on a copy of the model: the gradients a BF16 plan should give. */
static GHashTable *
fp32_gradients (StrataGraph  *graph,
                StrataModel  *model,
                const gint32 *labels)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) copy = strata_model_new (graph, &error);
  StrataPlanOptions options = { STRATA_PLAN_TRAIN, BATCH, STRATA_PRECISION_FP32 };
  g_autoptr(StrataPlan) plan = NULL;
  GHashTable *grads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  StrataShape shape = strata_model_get_input_shape (model);
  gsize n_input = BATCH * strata_shape_n_elements (&shape);
  float *input_diff = g_new (float, n_input);

  g_assert_no_error (error);
  g_assert_true (strata_model_copy_weights_from (copy, model, &error));
  plan = _strata_plan_new_full (copy, &options, STRATA_PLAN_DEBUG_INPUT_DIFF, &error);
  g_assert_no_error (error);
  test_fill_random (strata_plan_get_input (plan), n_input, 3, 1.0f);
  g_assert_true (strata_plan_forward (plan, BATCH, 7, &error));
  strata_plan_compute_loss (plan, labels, BATCH, NULL, NULL);
  g_assert_true (strata_plan_backward (plan, &error));
  g_assert_true (_strata_plan_read_input_diff (plan, input_diff, &error));
  g_assert_no_error (error);
  g_hash_table_insert (grads, g_strdup ("input"), input_diff);
  for (guint t = 0; t < strata_model_get_n_tensors (copy); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (copy, t);
      if (tensor->diff)
        g_hash_table_insert (grads, g_strdup (tensor->name),
                             g_memdup2 (tensor->diff, tensor->n * sizeof (float)));
    }
  return grads;
}

static void
test_case (gconstpointer data)
{
  const CaseRun *run = data;
  const OpCase *c = run->c;
  g_autoptr(StrataGraph) graph = build_case (c);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  StrataPlanOptions train = { STRATA_PLAN_TRAIN, BATCH, run->precision };
  StrataPlanOptions infer = { STRATA_PLAN_INFER, BATCH, run->precision };
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataPlan) infer_plan = NULL;
  g_autoptr(Naive) naive = NULL;
  g_autoptr(Naive) naive_infer = NULL;
  g_autoptr(GPtrArray) order = NULL;
  StrataShape in_shape;
  gsize n_input;
  gint32 labels[BATCH];
  g_autofree float *input_diff = NULL;
  g_autoptr(GHashTable) fp32_grads = NULL;
  double loss, ref_loss;
  StrataPlanStats stats;

  g_assert_no_error (error);
  randomise_model (model);
  in_shape = strata_model_get_input_shape (model);
  n_input = BATCH * strata_shape_n_elements (&in_shape);

  for (int i = 0; i < BATCH; i++)
    labels[i] = (i * 2 + 1) % N_CLASSES;
  if (run->precision == STRATA_PRECISION_BF16)
    {
      fp32_grads = fp32_gradients (graph, model, labels);
      l2_tolerance = 0.15;
    }
  plan = _strata_plan_new_full (model, &train,
                                STRATA_PLAN_DEBUG_INPUT_DIFF | STRATA_PLAN_DEBUG_KEEP_OUTPUTS,
                                &error);
  g_assert_no_error (error);
  _strata_plan_get_stats (plan, &stats);
  g_test_message ("%u primitives run oneDNN's reference code", stats.n_reference_impls);
  g_assert_cmpint (stats.bf16, ==, run->precision == STRATA_PRECISION_BF16);
  tol = stats.bf16 ? &bf16_tolerances : &fp32_tolerances;

  naive = naive_new (model, BATCH, TRUE);
  test_fill_random (strata_plan_get_input (plan), n_input, 3, 1.0f);
  for (gsize i = 0; i < n_input; i++)
    naive_input (naive)[i] = strata_plan_get_input (plan)[i];

  {
    gboolean ok_ = strata_plan_forward (plan, BATCH, 7, &error);
    g_assert_no_error (error);
    g_assert_true (ok_);
  }
  order = strata_graph_dup_topo_order (strata_model_get_graph (model), NULL);
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      if (g_str_equal (strata_node_get_type_name (node), "Dropout"))
        naive_set_dropout_key (naive, strata_node_get_id (node),
                               _strata_plan_dropout_key (plan,
                                                         _strata_plan_lookup_layer (plan,
                                                           strata_node_get_id (node))));
    }
  ref_loss = naive_forward (naive, labels);
  loss = strata_plan_compute_loss (plan, labels, BATCH, NULL, NULL);
  g_test_message ("loss %.7g, naive %.7g", loss, ref_loss);
  g_assert_cmpfloat (fabs (loss - ref_loss), <=, tol->loss * MAX (1.0, fabs (ref_loss)));

  /* every layer's output */
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      const char *id = strata_node_get_id (node);
      gsize n;
      const double *ref;
      g_autofree float *out = NULL;

      if (!strata_node_get_op (node)->has_output)
        continue;
      ref = naive_output (naive, id, &n);
      out = g_new (float, n);
      {
        gboolean ok_ = _strata_plan_read_output (plan, id, out, &error);
        g_assert_no_error (error);
        g_assert_true (ok_);
      }
      compare_values (id, out, ref, n, tol->values);
    }

  /* moving statistics: Keras' update with the unbiased batch variance */
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      const char *id = strata_node_get_id (node);
      g_autofree char *mean_name = g_strdup_printf ("%s/moving_mean", id);
      g_autofree char *var_name = g_strdup_printf ("%s/moving_variance", id);
      StrataTensor *mean = strata_model_lookup (model, mean_name);
      StrataTensor *var = strata_model_lookup (model, var_name);
      double m, rows;
      const double *batch_mean, *batch_var;

      if (mean == NULL)
        continue;
      if (!strata_node_get_trainable (node))
        {
          /* frozen: untouched */
          for (gint64 k = 0; k < mean->n; k++)
            {
              g_assert_cmpfloat (mean->data[k], ==, (float) naive_tensor (naive, mean_name)[k]);
              g_assert_cmpfloat (var->data[k], ==, (float) naive_tensor (naive, var_name)[k]);
            }
          continue;
        }
      m = strata_node_get_float (node, "momentum");
      batch_mean = naive_batch_mean (naive, id);
      batch_var = naive_batch_var (naive, id);
      {
        gsize n;
        naive_output (naive, id, &n);
        rows = n / mean->n;
      }
      for (gint64 k = 0; k < mean->n; k++)
        {
          double want_mean = m * naive_tensor (naive, mean_name)[k] + (1 - m) * batch_mean[k];
          double want_var = m * naive_tensor (naive, var_name)[k] +
                            (1 - m) * batch_var[k] * rows / (rows - 1);
          g_assert_cmpfloat (fabs (mean->data[k] - want_mean), <=, tol->stats);
          g_assert_cmpfloat (fabs (var->data[k] - want_var), <=, tol->stats * MAX (1.0, want_var));
        }
    }

  /* gradients */
  {
    gboolean ok_ = strata_plan_backward (plan, &error);
    g_assert_no_error (error);
    g_assert_true (ok_);
  }
  input_diff = g_new (float, n_input);
  {
    gboolean ok_ = _strata_plan_read_input_diff (plan, input_diff, &error);
    g_assert_no_error (error);
    g_assert_true (ok_);
  }
  if (fp32_grads != NULL)
    compare_l2 ("input", input_diff, g_hash_table_lookup (fp32_grads, "input"), n_input);
  else
    check_gradient ("input", naive, labels, naive_input (naive), n_input, input_diff);
  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      if (!tensor->trainable)
        g_assert_null (tensor->diff);
      else if (fp32_grads != NULL)
        compare_l2 (tensor->name, tensor->diff, g_hash_table_lookup (fp32_grads, tensor->name),
                    tensor->n);
      else
        check_gradient (tensor->name, naive, labels, naive_tensor (naive, tensor->name),
                        tensor->n, tensor->diff);
    }

  /* inference on a short batch: no dropout, moving statistics */
  infer_plan = strata_plan_new (model, &infer, &error);
  g_assert_no_error (error);
  naive_infer = naive_new (model, BATCH, FALSE);
  test_fill_random (strata_plan_get_input (infer_plan), n_input, 5, 1.0f);
  for (gsize i = 0; i < n_input; i++)
    naive_input (naive_infer)[i] = strata_plan_get_input (infer_plan)[i];
  {
    gboolean ok_ = strata_plan_forward (infer_plan, BATCH - 1, 0, &error);
    g_assert_no_error (error);
    g_assert_true (ok_);
  }
  {
    StrataNode *output = strata_graph_find_output (strata_model_get_graph (model));
    const char *logits = strata_graph_get_input (strata_model_get_graph (model),
                                                 strata_node_get_id (output), 0);
    const float *probs = strata_plan_get_probabilities (infer_plan);
    const double *z;
    double probs_ref[(BATCH - 1) * 8];
    guint k = strata_model_get_n_classes (model);

    naive_forward (naive_infer, labels);
    z = naive_output (naive_infer, logits, NULL);
    for (guint r = 0; r < BATCH - 1; r++)
      {
        double max = -INFINITY, sum = 0;
        gboolean is_probs = !c->own_head ? FALSE : TRUE;
        for (guint j = 0; j < k; j++)
          max = MAX (max, z[r * k + j]);
        for (guint j = 0; j < k; j++)
          sum += exp (z[r * k + j] - max);
        for (guint j = 0; j < k; j++)
          probs_ref[r * k + j] = is_probs ? z[r * k + j] : exp (z[r * k + j] - max) / sum;
      }
    compare_values ("inference probabilities", probs, probs_ref, (BATCH - 1) * k,
                    tol == &fp32_tolerances ? 1e-5 : tol->values);
  }
}

int
main (int   argc,
      char *argv[])
{
  static CaseRun runs[2 * G_N_ELEMENTS (cases)];
  gboolean bf16 = (dnnl_get_effective_cpu_isa () & dnnl_cpu_isa_avx512_core_bf16) ==
                  dnnl_cpu_isa_avx512_core_bf16;

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/ops/%s", cases[i].name);
      g_autofree char *bf16_path = g_strdup_printf ("/ops/bf16/%s", cases[i].name);

      runs[2 * i] = (CaseRun) { &cases[i], STRATA_PRECISION_FP32 };
      runs[2 * i + 1] = (CaseRun) { &cases[i], STRATA_PRECISION_BF16 };
      g_test_add_data_func (path, &runs[2 * i], test_case);
      if (bf16)
        g_test_add_data_func (bf16_path, &runs[2 * i + 1], test_case);
    }
  return g_test_run ();
}
