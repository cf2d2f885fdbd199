/* test-torch.c: whole networks against PyTorch on the same weights, batch and dropout masks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs one training step in a plan, writes the weights before it, the batch, the labels, the
 * dropout masks and the plan's loss, probabilities, gradients and moving statistics as .npy
 * files, and lets tests/torch_reference.py rebuild the network in PyTorch (float64) and
 * compare: loss and probabilities to 1e-5, every gradient to 1e-4 of its largest value,
 * moving statistics to 1e-5, and the weights after one step of each of the seven optimizers
 * (Keras' rules applied to PyTorch's gradients) to 1e-3 of the largest update. Skipped when
 * python3-torch is missing.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "strata-optimizer.h"
#include "strata-plan-private.h"
#include "strata-random.h"
#include "strata-test-util.h"

static char *
npy_path (const char *dir,
          const char *name,
          const char *suffix)
{
  g_autofree char *file = NULL;
  GString *s = g_string_new (NULL);

  /* "conv2d/kernel" → "conv2d__kernel" as the script expects */
  for (const char *p = name; *p; p++)
    if (*p == '/')
      g_string_append (s, "__");
    else
      g_string_append_c (s, *p);
  g_string_append (s, suffix);
  file = g_string_free (s, FALSE);
  return g_build_filename (dir, file, NULL);
}

static void
write_npy (const char   *dir,
           const char   *name,
           const char   *suffix,
           const float  *values,
           int           rank,
           const gint64 *dims)
{
  g_autofree char *path = npy_path (dir, name, suffix);
  g_autoptr(GError) error = NULL;

  test_write_npy (path, values, rank, dims, &error);
  g_assert_no_error (error);
}

static void
write_shaped (const char        *dir,
              const char        *name,
              const float       *values,
              guint              batch,
              const StrataShape *shape)
{
  gint64 dims[4] = { batch };

  for (int i = 0; i < shape->rank; i++)
    dims[i + 1] = shape->dims[i];
  write_npy (dir, name, "", values, shape->rank + 1, dims);
}

/*
 * One step of each optimizer from the weights and the gradients just computed; the reference
 * applies Keras' rules (optimizer-reference.py) to PyTorch's own gradients.
 */
static const char *const optimizers[] = {
  "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"
};

#define STEP_LR 0.01

static void
step_each_optimizer (StrataModel *model,
                     const char  *dir)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL, *path = g_build_filename (dir, "optimizers.json", NULL);

  json_builder_begin_array (b);
  for (guint o = 0; o < G_N_ELEMENTS (optimizers); o++)
    {
      g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_tensor_free);
      g_autoptr(StrataOptimizer) optimizer = NULL;
      g_autoptr(GError) error = NULL;
      StrataOptimizerConfig config;

      strata_optimizer_config_init (&config, optimizers[o]);
      config.decay = 0.01;
      if (g_str_equal (optimizers[o], "sgd"))
        {
          config.momentum = 0.9;
          config.nesterov = TRUE;
        }
      for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
        {
          StrataTensor *tensor = strata_model_get_tensor (model, t);
          StrataTensor *copy;

          if (!tensor->trainable)
            continue;
          copy = strata_tensor_new (tensor->name, tensor->layer, tensor->rank, tensor->dims, TRUE);
          memcpy (copy->data, tensor->data, tensor->n * sizeof (float));
          memcpy (copy->diff, tensor->diff, tensor->n * sizeof (float));
          g_ptr_array_add (params, copy);
        }
      optimizer = strata_optimizer_new_for_tensors (&config, params, &error);
      g_assert_no_error (error);
      strata_optimizer_step (optimizer, STEP_LR);
      for (guint t = 0; t < params->len; t++)
        {
          StrataTensor *tensor = g_ptr_array_index (params, t);
          g_autofree char *suffix = g_strdup_printf (".%s.npy", optimizers[o]);
          write_npy (dir, tensor->name, suffix, tensor->data, tensor->rank, tensor->dims);
        }

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, config.name);
      json_builder_set_member_name (b, "lr");
      json_builder_add_double_value (b, STEP_LR);
#define MEMBER(field, add) json_builder_set_member_name (b, #field); add (b, config.field)
      MEMBER (momentum, json_builder_add_double_value);
      MEMBER (nesterov, json_builder_add_boolean_value);
      MEMBER (centered, json_builder_add_boolean_value);
      MEMBER (rho, json_builder_add_double_value);
      MEMBER (beta_1, json_builder_add_double_value);
      MEMBER (beta_2, json_builder_add_double_value);
      MEMBER (epsilon, json_builder_add_double_value);
      MEMBER (decay, json_builder_add_double_value);
      MEMBER (initial_accumulator, json_builder_add_double_value);
      MEMBER (schedule_decay, json_builder_add_double_value);
#undef MEMBER
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

static void
run_network (StrataGraph *graph,
             const char  *network,
             guint        batch)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  StrataPlanOptions options = { STRATA_PLAN_TRAIN, batch, STRATA_PRECISION_FP32 };
  g_autoptr(StrataPlan) plan = NULL;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree gint32 *labels = g_new (gint32, batch);
  g_autofree float *label_values = g_new (float, batch);
  g_autoptr(GPtrArray) order = NULL;
  const char *srcdir = g_getenv ("STRATA_TEST_SRCDIR");
  StrataShape shape;
  gint64 n_dims[1] = { batch }, k_dims[2] = { batch, 0 }, one = 1;
  float loss;
  int status;
  char *argv[5];

  g_assert_no_error (error);
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      test_skip_missing ("/usr/bin/python3");
      return;
    }

  strata_model_init_weights (model, 11);
  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      const char *weight = strrchr (tensor->name, '/') + 1;
      if (g_str_equal (weight, "bias") || g_str_equal (weight, "beta") ||
          g_str_equal (weight, "moving_mean"))
        test_fill_random (tensor->data, tensor->n, t, 0.1f);
      else if (g_str_equal (weight, "gamma") || g_str_equal (weight, "moving_variance"))
        for (gint64 i = 0; i < tensor->n; i++)
          tensor->data[i] = 1.0f + 0.1f * (i % 7);
      write_npy (dir, tensor->name, ".npy", tensor->data, tensor->rank, tensor->dims);
    }
  strata_model_weights_changed (model);

  plan = strata_plan_new (model, &options, &error);
  g_assert_no_error (error);
  shape = strata_model_get_input_shape (model);
  test_fill_random (strata_plan_get_input (plan), batch * strata_shape_n_elements (&shape), 9,
                    1.0f);
  write_shaped (dir, "input.npy", strata_plan_get_input (plan), batch, &shape);
  for (guint i = 0; i < batch; i++)
    {
      labels[i] = (i * 3 + 1) % strata_model_get_n_classes (model);
      label_values[i] = labels[i];
    }
  write_npy (dir, "labels.npy", "", label_values, 1, n_dims);

  {
    gboolean ok = strata_plan_forward (plan, batch, 2024, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  loss = strata_plan_compute_loss (plan, labels, batch, NULL, NULL);
  {
    gboolean ok = strata_plan_backward (plan, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  write_npy (dir, "loss.npy", "", &loss, 1, &one);
  k_dims[1] = strata_model_get_n_classes (model);
  write_npy (dir, "probs.npy", "", strata_plan_get_probabilities (plan), 2, k_dims);

  for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
    {
      StrataTensor *tensor = strata_model_get_tensor (model, t);
      if (tensor->diff)
        write_npy (dir, tensor->name, ".grad.npy", tensor->diff, tensor->rank, tensor->dims);
      if (tensor->role == STRATA_TENSOR_STATE)
        write_npy (dir, tensor->name, ".after.npy", tensor->data, tensor->rank, tensor->dims);
    }

  step_each_optimizer (model, dir);

  /* the dropout masks, as the plan's hash gives them, scaled by 1 / (1 − rate) */
  order = strata_graph_dup_topo_order (strata_model_get_graph (model), NULL);
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      const char *id = strata_node_get_id (node);
      StrataShape out_shape;
      double rate;
      gsize n;
      guint64 key;
      g_autofree float *mask = NULL;
      g_autofree char *name = NULL;

      if (!g_str_equal (strata_node_get_type_name (node), "Dropout"))
        continue;
      strata_graph_get_output_shape (strata_model_get_graph (model), id, &out_shape);
      rate = strata_node_get_float (node, "rate");
      n = batch * strata_shape_n_elements (&out_shape);
      key = _strata_plan_dropout_key (plan, _strata_plan_lookup_layer (plan, id));
      mask = g_new (float, n);
      for (gsize e = 0; e < n; e++)
        mask[e] = strata_dropout_keep (key, e, strata_dropout_threshold (rate))
                  ? 1.0 / (1.0 - rate) : 0.0;
      name = g_strdup_printf ("%s.mask.npy", id);
      write_shaped (dir, name, mask, batch, &out_shape);
    }

  script = g_build_filename (srcdir ? srcdir : ".", "torch_reference.py", NULL);
  argv[0] = (char *) "/usr/bin/python3";
  argv[1] = script;
  argv[2] = dir;
  argv[3] = (char *) network;
  argv[4] = NULL;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    {
      test_skip_missing ("python3-torch");
      return;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("PyTorch disagrees (files kept in %s):\n%s%s", dir, out, err);

  /* clean up only on success, so that failures can be examined */
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
}

static void
test_example (void)
{
  g_autoptr(StrataGraph) graph = test_example_graph ();
  run_network (graph, "example", 8);
}

static void
test_residual (void)
{
  g_autoptr(StrataGraph) graph = test_residual_graph ();
  test_set (graph, "output", "label_smoothing", "0.1");
  run_network (graph, "residual", 6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/torch/example-cnn", test_example);
  g_test_add_func ("/torch/residual-bn", test_residual);
  return g_test_run ();
}
