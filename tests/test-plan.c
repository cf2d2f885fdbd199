/* test-plan.c: plans of whole networks: training runs, memory sharing, frozen layers
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "strata-plan-private.h"
#include "strata-test-util.h"

static void
test_example_trains (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  StrataPlanOptions options = { STRATA_PLAN_TRAIN, 16, STRATA_PRECISION_FP32 };
  g_autoptr(StrataPlan) plan = NULL;
  gint32 labels[16];
  double first = 0, loss = 0;

  g_assert_no_error (error);
  plan = strata_plan_new (model, &options, &error);
  g_assert_no_error (error);
  test_fill_random (strata_plan_get_input (plan), 16 * 28 * 28, 1, 1.0f);
  for (int i = 0; i < 16; i++)
    labels[i] = i % 10;
  /* plain SGD on one batch: the loss must fall */
  for (int step = 0; step < 20; step++)
    {
      {
        gboolean ok_ = strata_plan_forward (plan, 16, step, &error);
        g_assert_no_error (error);
        g_assert_true (ok_);
      }
      loss = strata_plan_compute_loss (plan, labels, 16, NULL, NULL);
      if (step == 0)
        first = loss;
      {
        gboolean ok_ = strata_plan_backward (plan, &error);
        g_assert_no_error (error);
        g_assert_true (ok_);
      }
      for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
        {
          StrataTensor *tensor = strata_model_get_tensor (model, t);
          for (gint64 i = 0; tensor->diff && i < tensor->n; i++)
            tensor->data[i] -= 0.05f * tensor->diff[i];
        }
      strata_model_weights_changed (model);
    }
  g_test_message ("loss %g → %g", first, loss);
  g_assert_cmpfloat (first, >, 1.5);
  g_assert_cmpfloat (loss, <, first * 0.7);
}

static StrataPlan *
new_plan (StrataModel    *model,
          StrataPlanMode  mode,
          guint           batch)
{
  g_autoptr(GError) error = NULL;
  StrataPlanOptions options = { mode, batch, STRATA_PRECISION_FP32 };
  StrataPlan *plan = strata_plan_new (model, &options, &error);

  g_assert_no_error (error);
  return plan;
}

static void
step (StrataPlan *plan,
      guint64     seed)
{
  g_autoptr(GError) error = NULL;
  guint batch = strata_plan_get_batch (plan);
  g_autofree gint32 *labels = g_new (gint32, batch);
  gboolean ok;

  for (guint i = 0; i < batch; i++)
    labels[i] = i % strata_model_get_n_classes (strata_plan_get_model (plan));
  ok = strata_plan_forward (plan, batch, seed, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  strata_plan_compute_loss (plan, labels, batch, NULL, NULL);
  ok = strata_plan_backward (plan, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

/*
 * No backward work below the lowest trainable layer: counted by the plan's stats (layers
 * whose backward ran, layers with a gradient buffer) and by the missing diffs.
 */
static void
check_frozen (const char *const *frozen,
              guint              n_backward,
              guint              n_diff)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  StrataPlanStats stats;

  for (guint i = 0; frozen[i]; i++)
    strata_graph_set_trainable (graph, frozen[i], FALSE);
  model = strata_model_new (graph, NULL);
  plan = new_plan (model, STRATA_PLAN_TRAIN, 4);
  test_fill_random (strata_plan_get_input (plan), 4 * 28 * 28, 1, 1.0f);
  step (plan, 1);
  _strata_plan_get_stats (plan, &stats);
  g_test_message ("%u layers, %u ran backward, %u gradient buffers", stats.n_layers,
                  stats.n_backward_layers, stats.n_diff_buffers);
  g_assert_cmpuint (stats.n_layers, ==, 9);
  g_assert_cmpuint (stats.n_backward_layers, ==, n_backward);
  g_assert_cmpuint (stats.n_diff_buffers, ==, n_diff);
  for (guint i = 0; frozen[i]; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/kernel", frozen[i]);
      g_assert_null (strata_model_lookup (model, name)->diff);
    }
}

static void
test_frozen (void)
{
  const char *none[] = { NULL };
  const char *first[] = { "conv2d", NULL };
  const char *convs[] = { "conv2d", "conv2d_1", NULL };
  const char *all_but_last[] = { "conv2d", "conv2d_1", "dense", NULL };

  /* all 8 layers after the input run backward; the input gets no gradient */
  check_frozen (none, 8, 8);
  /* conv2d_1 computes its weight gradient but not its input's */
  check_frozen (first, 7, 7);
  /* dense_1, dropout_1, dense: nothing runs for the convolutions, pooling, flatten */
  check_frozen (convs, 3, 3);
  check_frozen (all_but_last, 1, 1);
}

/* Buffers whose lifetimes don't overlap share memory; inference keeps less. */
static void
test_memory_sharing (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = strata_model_new (graph, NULL);
  g_autoptr(StrataPlan) train = new_plan (model, STRATA_PLAN_TRAIN, 32);
  g_autoptr(StrataPlan) infer = new_plan (model, STRATA_PLAN_INFER, 32);
  StrataPlanStats t, i;

  _strata_plan_get_stats (train, &t);
  _strata_plan_get_stats (infer, &i);
  g_test_message ("train: %zu bytes, %zu unshared; infer: %zu bytes, %zu unshared",
                  t.arena_bytes, t.arena_unshared, i.arena_bytes, i.arena_unshared);
  g_assert_cmpuint (t.arena_bytes, <, t.arena_unshared * 3 / 4);
  g_assert_cmpuint (i.arena_bytes, <=, i.arena_unshared);
  g_assert_cmpuint (i.arena_bytes, <, t.arena_bytes);
  g_assert_cmpuint (strata_plan_get_memory_bytes (train), ==, t.arena_bytes);
  /* every primitive of these networks has a jit implementation on x86-64 */
  g_assert_cmpuint (t.n_reference_impls, ==, 0);
  g_assert_cmpuint (i.n_reference_impls, ==, 0);
}

static void
test_residual_no_reference_code (void)
{
  g_autoptr(StrataGraph) graph = test_residual_graph ();
  g_autoptr(StrataModel) model = strata_model_new (graph, NULL);
  g_autoptr(StrataPlan) plan = new_plan (model, STRATA_PLAN_TRAIN, 8);
  StrataPlanStats stats;

  _strata_plan_get_stats (plan, &stats);
  g_assert_cmpuint (stats.n_reference_impls, ==, 0);
}

/* The same seed gives the same step; another seed other dropout masks. */
static void
test_deterministic (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = strata_model_new (graph, NULL);
  g_autoptr(StrataPlan) plan = new_plan (model, STRATA_PLAN_TRAIN, 8);
  StrataTensor *kernel = strata_model_lookup (model, "conv2d/kernel");
  float first[10 * 8], grad[32 * 9];

  test_fill_random (strata_plan_get_input (plan), 8 * 28 * 28, 4, 1.0f);
  step (plan, 5);
  memcpy (first, strata_plan_get_probabilities (plan), sizeof first);
  memcpy (grad, kernel->diff, sizeof grad);
  step (plan, 6);
  g_assert_true (memcmp (first, strata_plan_get_probabilities (plan), sizeof first) != 0);
  step (plan, 5);
  g_assert_cmpmem (first, sizeof first, strata_plan_get_probabilities (plan), sizeof first);
  g_assert_cmpmem (grad, sizeof grad, kernel->diff, sizeof grad);
}

/* New weights reach the plan's own copies when the model's version moves. */
static void
test_weights_resync (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = strata_model_new (graph, NULL);
  g_autoptr(StrataPlan) plan = new_plan (model, STRATA_PLAN_INFER, 4);
  g_autoptr(GError) error = NULL;
  float before[40];

  test_fill_random (strata_plan_get_input (plan), 4 * 28 * 28, 4, 1.0f);
  g_assert_true (strata_plan_forward (plan, 4, 0, &error));
  memcpy (before, strata_plan_get_probabilities (plan), sizeof before);
  strata_model_init_weights (model, 77);
  g_assert_true (strata_plan_forward (plan, 4, 0, &error));
  g_assert_true (memcmp (before, strata_plan_get_probabilities (plan), sizeof before) != 0);
}

/* INFER on n < batch rows: each row's result is the same as in a full batch. */
static void
test_short_batch (void)
{
  g_autoptr(StrataGraph) graph = test_residual_graph ();
  g_autoptr(StrataModel) model = strata_model_new (graph, NULL);
  g_autoptr(StrataPlan) plan = new_plan (model, STRATA_PLAN_INFER, 6);
  g_autoptr(GError) error = NULL;
  gsize row = 12 * 12 * 3;
  float full[6 * 5];
  gint32 labels[6] = { 0, 1, 2, 3, 4, 0 };
  guint correct;
  float losses[6];
  double loss;

  test_fill_random (strata_plan_get_input (plan), 6 * row, 4, 1.0f);
  g_assert_true (strata_plan_forward (plan, 6, 0, &error));
  memcpy (full, strata_plan_get_probabilities (plan), sizeof full);
  test_fill_random (strata_plan_get_input (plan) + 3 * row, 3 * row, 8, 1.0f);
  g_assert_true (strata_plan_forward (plan, 3, 0, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3 * 5; i++)
    g_assert_cmpfloat_with_epsilon (full[i], strata_plan_get_probabilities (plan)[i], 1e-6);
  loss = strata_plan_compute_loss (plan, labels, 3, &correct, losses);
  g_assert_cmpfloat_with_epsilon (loss, (losses[0] + losses[1] + losses[2]) / 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (losses[1], -log (full[1 * 5 + 1]), 1e-5);
  g_assert_cmpuint (correct, <=, 3);
}

/* Weights, offsets and moving statistics away from their initial 0 and 1, so that a ReLU
 * after a BatchNormalization zeroes some values and the frozen statistics matter. */
static StrataModel *
fold_model (StrataGraph *graph)
{
  StrataModel *model = strata_model_new (graph, NULL);

  strata_model_init_weights (model, 42);
  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      const char *weight = strrchr (tensor->name, '/') + 1;

      if (g_str_equal (weight, "beta") || g_str_equal (weight, "moving_mean"))
        test_fill_random (tensor->data, tensor->n, t, 0.3f);
      else if (g_str_equal (weight, "gamma") || g_str_equal (weight, "moving_variance"))
        {
          test_fill_random (tensor->data, tensor->n, t, 0.4f);
          for (gint64 i = 0; i < tensor->n; i++)
            tensor->data[i] += 1.0f;
        }
    }
  strata_model_weights_changed (model);
  return model;
}

typedef struct
{
  StrataModel *model;              /* after the step: gradients, moving statistics */
  float probs[8 * 5];
  float scores[8 * 5];
  float input_diff[8 * 12 * 12 * 3];
  guint n_backward_layers;
  gsize arena_bytes;
} FoldRun;

static void
fold_run_clear (FoldRun *run)
{
  g_clear_object (&run->model);
}

/* One training step (or a forward, for INFER) of the residual network on a fixed batch. */
static void
fold_run (StrataGraph    *graph,
          StrataPlanMode  mode,
          StrataPrecision precision,
          gboolean        fold,
          FoldRun        *run)
{
  StrataPlanOptions options = { mode, 8, precision };
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  gint32 labels[8] = { 0, 1, 2, 3, 4, 0, 1, 2 };
  StrataPlanStats stats;

  run->model = fold_model (graph);
  plan = _strata_plan_new_full (run->model, &options,
                                (mode == STRATA_PLAN_TRAIN ? STRATA_PLAN_DEBUG_INPUT_DIFF : 0) |
                                (fold ? 0 : STRATA_PLAN_DEBUG_NO_FOLD), &error);
  g_assert_no_error (error);
  _strata_plan_get_stats (plan, &stats);
  g_assert_cmpuint (stats.n_reference_impls, ==, 0);
  run->arena_bytes = stats.arena_bytes;
  test_fill_random (strata_plan_get_input (plan), G_N_ELEMENTS (run->input_diff), 9, 1.0f);
  g_assert_true (strata_plan_forward (plan, 8, 3, &error));
  g_assert_no_error (error);
  memcpy (run->probs, strata_plan_get_probabilities (plan), sizeof run->probs);
  memcpy (run->scores, strata_plan_get_scores (plan), sizeof run->scores);
  if (mode != STRATA_PLAN_TRAIN)
    return;
  strata_plan_compute_loss (plan, labels, 8, NULL, NULL);
  g_assert_true (strata_plan_backward (plan, &error));
  g_assert_no_error (error);
  g_assert_true (_strata_plan_read_input_diff (plan, run->input_diff, &error));
  _strata_plan_get_stats (plan, &stats);
  run->n_backward_layers = stats.n_backward_layers;
}

/* |a − b| within @tolerance of b's largest magnitude */
static void
assert_close (const char  *what,
              const float *a,
              const float *b,
              gsize        n,
              double       tolerance)
{
  double largest = 0, worst = 0;

  for (gsize i = 0; i < n; i++)
    largest = MAX (largest, fabs (b[i]));
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs (a[i] - b[i]));
  g_test_message ("%s: largest %g, difference %g", what, largest, worst);
  g_assert_cmpfloat (worst, <=, tolerance * MAX (largest, 1e-6));
}

/*
 * The plan with @n_folded layers folded into their neighbours gives the results of the plan
 * that runs each layer: probabilities, every gradient and the moving statistics after a
 * training step with the @frozen layers frozen, and the probabilities at inference.
 */
static void
check_fold_graph (StrataGraph        *graph,
                  guint               n_folded,
                  const char *const  *frozen,
                  StrataPrecision     precision,
                  double              tolerance)
{
  FoldRun on = { 0 }, off = { 0 };

  for (guint i = 0; frozen[i]; i++)
    strata_graph_set_trainable (graph, frozen[i], FALSE);
  fold_run (graph, STRATA_PLAN_TRAIN, precision, TRUE, &on);
  fold_run (graph, STRATA_PLAN_TRAIN, precision, FALSE, &off);
  /* the folded layers ran nothing */
  g_assert_cmpuint (on.n_backward_layers, ==, off.n_backward_layers - n_folded);
  assert_close ("probabilities", on.probs, off.probs, G_N_ELEMENTS (on.probs), tolerance);
  assert_close ("scores", on.scores, off.scores, G_N_ELEMENTS (on.scores), tolerance);
  assert_close ("input gradient", on.input_diff, off.input_diff, G_N_ELEMENTS (on.input_diff),
                tolerance);
  for (guint t = 0; t < strata_model_get_n_tensors (on.model); t++)
    {
      StrataTensor *a = strata_model_get_tensor (on.model, t);
      StrataTensor *b = strata_model_lookup (off.model, a->name);

      g_assert_cmpint (a->diff != NULL, ==, b->diff != NULL);
      assert_close (a->name, a->data, b->data, a->n, tolerance);
      if (a->diff)
        assert_close (a->name, a->diff, b->diff, a->n, tolerance);
    }
  fold_run_clear (&on);
  fold_run_clear (&off);

  fold_run (graph, STRATA_PLAN_INFER, precision, TRUE, &on);
  fold_run (graph, STRATA_PLAN_INFER, precision, FALSE, &off);
  assert_close ("inference", on.probs, off.probs, G_N_ELEMENTS (on.probs), tolerance);
  fold_run_clear (&on);
  fold_run_clear (&off);
}

/* ReLUs folded into the BatchNormalization and the Add before them, with trainable and with
 * frozen BatchNormalization (global statistics). */
static void
check_fold (const char *const *frozen,
            StrataPrecision     precision,
            double              tolerance)
{
  g_autoptr(StrataGraph) graph = test_residual_graph ();

  /* relu_a and relu_b */
  check_fold_graph (graph, 2, frozen, precision, tolerance);
}

static void
test_fold_activations (void)
{
  const char *none[] = { NULL };
  const char *bns[] = { "bn_a", "bn_b", NULL };

  check_fold (none, STRATA_PRECISION_FP32, 1e-5);
  check_fold (bns, STRATA_PRECISION_FP32, 1e-5);
}

/* In bf16 too: the ReLU commutes with the rounding to bf16. */
static void
test_fold_activations_bf16 (void)
{
  const char *none[] = { NULL };
  const char *bns[] = { "bn_a", "bn_b", NULL };

  check_fold (none, STRATA_PRECISION_BF16, 1e-5);
  check_fold (bns, STRATA_PRECISION_BF16, 1e-5);
}

/*
 * Keras-style explicit padding: before a max pool that follows a ReLU, before a strided
 * valid convolution (uneven: more rows at the bottom) and before a depthwise convolution.
 */
static StrataGraph *
padded_graph (void)
{
  StrataGraph *graph = strata_graph_new ();

  test_add (graph, "Input", "input", NULL);
  test_set (graph, "input", "height", "12");
  test_set (graph, "input", "width", "12");
  test_set (graph, "input", "channels", "3");
  test_add (graph, "Conv2D", "stem", "input");
  test_set (graph, "stem", "filters", "8");
  test_set (graph, "stem", "padding", "'same'");
  test_add (graph, "ZeroPadding2D", "pool_pad", "stem");
  test_add (graph, "MaxPooling2D", "pool", "pool_pad");
  test_set (graph, "pool", "pool_size", "[3, 3]");
  test_set (graph, "pool", "strides", "[2, 2]");
  test_add (graph, "ZeroPadding2D", "conv_pad", "pool");
  test_set (graph, "conv_pad", "padding", "[1, 2, 0, 1]");
  test_add (graph, "Conv2D", "conv", "conv_pad");
  test_set (graph, "conv", "filters", "8");
  test_set (graph, "conv", "strides", "[2, 2]");
  test_set (graph, "conv", "activation", "'linear'");
  test_set (graph, "conv", "use_bias", "false");
  test_add (graph, "BatchNormalization", "bn", "conv");
  test_add (graph, "Activation", "relu", "bn");
  test_add (graph, "ZeroPadding2D", "dw_pad", "relu");
  test_add (graph, "DepthwiseConv2D", "dw", "dw_pad");
  test_add (graph, "GlobalAveragePooling2D", "gap", "dw");
  test_add (graph, "Dense", "logits", "gap");
  test_set (graph, "logits", "units", "5");
  test_set (graph, "logits", "activation", "'linear'");
  test_add (graph, "Output", "output", "logits");
  return graph;
}

/*
 * Convolutions and a max pool that pad for the ZeroPadding2D before them give the results
 * of the separate layers, trained, frozen and at inference.
 */
static void
test_fold_paddings (void)
{
  const char *none[] = { NULL };
  const char *below_dw[] = { "stem", "conv", "bn", NULL };

  for (int bf16 = 0; bf16 < 2; bf16++)
    {
      StrataPrecision precision = bf16 ? STRATA_PRECISION_BF16 : STRATA_PRECISION_FP32;
      g_autoptr(StrataGraph) trained = padded_graph ();
      g_autoptr(StrataGraph) frozen = padded_graph ();
      g_autoptr(StrataGraph) signed_pool = padded_graph ();

      /* the three paddings, and relu in bn */
      check_fold_graph (trained, 4, none, precision, 1e-5);
      check_fold_graph (frozen, 4, below_dw, precision, 1e-5);
      /* a max pool over values below 0 must see the padding's zeros: pool_pad stays */
      test_set (signed_pool, "stem", "activation", "'linear'");
      check_fold_graph (signed_pool, 3, none, precision, 1e-5);
    }
}

/*
 * conv_b's weight gradient reads bn_a's output (with relu_a folded in) computed again in the
 * backward instead of kept from the forward: the same gradients, from less memory, in fp32
 * and in bf16.
 */
static void
check_recompute (StrataPrecision precision)
{
  g_autoptr(StrataGraph) graph = test_residual_graph ();
  FoldRun kept = { 0 }, recomputed = { 0 };

  g_setenv ("STRATA_PLAN_KEEP_ACTIVATIONS", "1", TRUE);
  fold_run (graph, STRATA_PLAN_TRAIN, precision, TRUE, &kept);
  g_unsetenv ("STRATA_PLAN_KEEP_ACTIVATIONS");
  fold_run (graph, STRATA_PLAN_TRAIN, precision, TRUE, &recomputed);
  g_test_message ("arena: %zu bytes kept, %zu recomputed", kept.arena_bytes,
                  recomputed.arena_bytes);
  g_assert_cmpuint (recomputed.arena_bytes, <, kept.arena_bytes);
  assert_close ("input gradient", recomputed.input_diff, kept.input_diff,
                G_N_ELEMENTS (kept.input_diff), 1e-6);
  for (guint t = 0; t < strata_model_get_n_tensors (kept.model); t++)
    {
      StrataTensor *a = strata_model_get_tensor (recomputed.model, t);
      StrataTensor *b = strata_model_lookup (kept.model, a->name);

      if (a->diff)
        assert_close (a->name, a->diff, b->diff, a->n, 1e-6);
    }
  fold_run_clear (&kept);
  fold_run_clear (&recomputed);
}

static void
test_recompute (void)
{
  check_recompute (STRATA_PRECISION_FP32);
  check_recompute (STRATA_PRECISION_BF16);
}

/* Misuse gives errors, not aborts. */
static void
test_errors (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  g_autoptr(StrataModel) model = strata_model_new (graph, NULL);
  g_autoptr(StrataPlan) train = new_plan (model, STRATA_PLAN_TRAIN, 4);
  g_autoptr(StrataPlan) infer = new_plan (model, STRATA_PLAN_INFER, 4);
  g_autoptr(StrataPlan) none = NULL;
  g_autoptr(GError) error = NULL;
  StrataPlanOptions zero = { STRATA_PLAN_TRAIN, 0, STRATA_PRECISION_FP32 };

  g_assert_false (strata_plan_forward (train, 3, 0, &error));
  g_assert_error (error, STRATA_PLAN_ERROR, STRATA_PLAN_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (strata_plan_forward (infer, 5, 0, &error));
  g_assert_error (error, STRATA_PLAN_ERROR, STRATA_PLAN_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_true (strata_plan_forward (train, 4, 0, &error));
  g_assert_false (strata_plan_backward (train, &error));
  g_assert_error (error, STRATA_PLAN_ERROR, STRATA_PLAN_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (strata_plan_backward (infer, &error));
  g_assert_error (error, STRATA_PLAN_ERROR, STRATA_PLAN_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  none = strata_plan_new (model, &zero, &error);
  g_assert_null (none);
  g_assert_error (error, STRATA_PLAN_ERROR, STRATA_PLAN_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* about 70 GB of activations: refused, not an abort */
  zero.batch = 200000;
  none = strata_plan_new (model, &zero, &error);
  g_assert_null (none);
  g_assert_error (error, STRATA_PLAN_ERROR, STRATA_PLAN_ERROR_NO_MEMORY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan/example-trains", test_example_trains);
  g_test_add_func ("/plan/frozen", test_frozen);
  g_test_add_func ("/plan/memory-sharing", test_memory_sharing);
  g_test_add_func ("/plan/residual-no-reference-code", test_residual_no_reference_code);
  g_test_add_func ("/plan/deterministic", test_deterministic);
  g_test_add_func ("/plan/weights-resync", test_weights_resync);
  g_test_add_func ("/plan/short-batch", test_short_batch);
  g_test_add_func ("/plan/errors", test_errors);
  g_test_add_func ("/plan/fold-activations", test_fold_activations);
  g_test_add_func ("/plan/fold-activations-bf16", test_fold_activations_bf16);
  g_test_add_func ("/plan/fold-paddings", test_fold_paddings);
  g_test_add_func ("/plan/recompute", test_recompute);
  return g_test_run ();
}
