/* bench-train.c: training throughput of the example CNN and a VGG-style network
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Times forward + loss + backward + a plain SGD update over whole batches and prints
 * images per second and the peak resident memory. Not a test: see bench/run.sh.
 *
 * strata-bench-plan [EXAMPLE_BATCHES [VGG_BATCHES [fp32|bf16 [RESNET50_BATCHES]]]]
 * ResNet50 (224×224, batch 16) runs only when asked: once fully trainable, once with only
 * its last stage and the classifier trainable, as fine-tuning a pretrained backbone does.
 *
 * Without OMP_NUM_THREADS the thread count adapts between batches as the trainer's does
 * (strata-thread-governor.c), the plan rebuilt on each change; with it, the count is fixed.
 */

#define G_LOG_DOMAIN "strata-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "strata-plan.h"
#include "strata-thread-governor.h"
#include "strata-threads.h"

static void
add (StrataGraph *graph,
     const char  *type,
     const char  *id,
     const char  *after,
     ...)
{
  va_list args;
  const char *name;

  if (strata_graph_add_node (graph, type, id, NULL) == NULL)
    g_error ("cannot add %s", id);
  if (after && !strata_graph_connect (graph, after, id, 0, NULL))
    g_error ("cannot link %s", id);
  va_start (args, after);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *text = va_arg (args, const char *);
      const StrataParamSpec *spec = strata_op_find_param (strata_node_get_op (
                                      strata_graph_get_node (graph, id)), name);
      GVariant *value = g_variant_parse (strata_param_spec_get_variant_type (spec), text, NULL,
                                         NULL, NULL);
      if (!strata_graph_set_param (graph, id, name, value, NULL))
        g_error ("cannot set %s.%s", id, name);
    }
  va_end (args);
}

static StrataGraph *
example_graph (void)
{
  StrataGraph *graph = strata_graph_new ();

  add (graph, "Input", "input", NULL, NULL);
  add (graph, "Conv2D", "conv2d", "input", NULL);
  add (graph, "Conv2D", "conv2d_1", "conv2d", "filters", "64", NULL);
  add (graph, "MaxPooling2D", "max_pooling2d", "conv2d_1", NULL);
  add (graph, "Dropout", "dropout", "max_pooling2d", "rate", "0.25", NULL);
  add (graph, "Flatten", "flatten", "dropout", NULL);
  add (graph, "Dense", "dense", "flatten", NULL);
  add (graph, "Dropout", "dropout_1", "dense", NULL);
  add (graph, "Dense", "dense_1", "dropout_1", "units", "10", "activation", "'softmax'", NULL);
  add (graph, "Output", "output", "dense_1", NULL);
  return graph;
}

/* 64×64×3, three VGG blocks (2 convs each, 32/64/128 filters), dense 256, 10 classes. */
static StrataGraph *
vgg_graph (void)
{
  StrataGraph *graph = strata_graph_new ();
  const char *prev = "input";
  const char *filters[] = { "32", "64", "128" };

  add (graph, "Input", "input", NULL, "height", "64", "width", "64", "channels", "3", NULL);
  for (int b = 0; b < 3; b++)
    {
      g_autofree char *c1 = g_strdup_printf ("block%d_conv1", b + 1);
      g_autofree char *c2 = g_strdup_printf ("block%d_conv2", b + 1);
      g_autofree char *pool = g_strdup_printf ("block%d_pool", b + 1);
      add (graph, "Conv2D", c1, prev, "filters", filters[b], "padding", "'same'", NULL);
      add (graph, "Conv2D", c2, c1, "filters", filters[b], "padding", "'same'", NULL);
      add (graph, "MaxPooling2D", pool, c2, NULL);
      prev = strata_node_get_id (strata_graph_get_node (graph, pool));
    }
  add (graph, "Flatten", "flatten", prev, NULL);
  add (graph, "Dense", "fc1", "flatten", "units", "256", NULL);
  add (graph, "Dropout", "dropout", "fc1", NULL);
  add (graph, "Dense", "predictions", "dropout", "units", "10", "activation", "'softmax'", NULL);
  add (graph, "Output", "output", "predictions", NULL);
  return graph;
}

/* Keras' ResNet50 at 224×224 (10 classes): convolutions with linear activations, separate
 * BatchNormalization and ReLU layers, projection shortcuts at the start of each stage. */
static char *
bottleneck (StrataGraph *graph,
            const char  *input,
            int          stage,
            char         block,
            int          f1,
            int          f3,
            int          stride,
            gboolean     project)
{
  g_autofree char *strides = g_strdup_printf ("[%d, %d]", stride, stride);
  g_autofree char *a = g_strdup_printf ("%d", f1);
  g_autofree char *c = g_strdup_printf ("%d", f3);
  const char *prev = input;
  char id[64], bn[64], act[64], shortcut[64];

  for (int i = 0; i < 3; i++)
    {
      g_snprintf (id, sizeof id, "res%d%c_branch2%c", stage, block, 'a' + i);
      g_snprintf (bn, sizeof bn, "bn%d%c_branch2%c", stage, block, 'a' + i);
      g_snprintf (act, sizeof act, "res%d%c_branch2%c_relu", stage, block, 'a' + i);
      add (graph, "Conv2D", id, prev, "filters", i == 2 ? c : a,
           "kernel_size", i == 1 ? "[3, 3]" : "[1, 1]", "padding", i == 1 ? "'same'" : "'valid'",
           "strides", i == 0 ? strides : "[1, 1]", "activation", "'linear'", NULL);
      add (graph, "BatchNormalization", bn, id, NULL);
      prev = bn;
      if (i < 2)
        {
          add (graph, "Activation", act, bn, NULL);
          prev = act;
        }
      prev = strata_node_get_id (strata_graph_get_node (graph, prev));
    }
  if (project)
    {
      g_snprintf (id, sizeof id, "res%d%c_branch1", stage, block);
      g_snprintf (bn, sizeof bn, "bn%d%c_branch1", stage, block);
      add (graph, "Conv2D", id, input, "filters", c, "kernel_size", "[1, 1]", "strides", strides,
           "activation", "'linear'", NULL);
      add (graph, "BatchNormalization", bn, id, NULL);
      g_strlcpy (shortcut, bn, sizeof shortcut);
    }
  else
    g_strlcpy (shortcut, input, sizeof shortcut);
  g_snprintf (id, sizeof id, "res%d%c_add", stage, block);
  add (graph, "Add", id, prev, NULL);
  if (!strata_graph_connect (graph, shortcut, id, 1, NULL))
    g_error ("cannot link %s", id);
  g_snprintf (act, sizeof act, "res%d%c_out", stage, block);
  add (graph, "Activation", act, id, NULL);
  return g_strdup (act);
}

static StrataGraph *
resnet50_graph (int trainable_stages)
{
  StrataGraph *graph = strata_graph_new ();
  const int blocks[] = { 3, 4, 6, 3 }, widths[] = { 64, 128, 256, 512 };
  g_autofree char *prev = NULL;

  add (graph, "Input", "input", NULL, "height", "224", "width", "224", "channels", "3", NULL);
  add (graph, "ZeroPadding2D", "conv1_pad", "input", "padding", "[3, 3, 3, 3]", NULL);
  add (graph, "Conv2D", "conv1", "conv1_pad", "filters", "64", "kernel_size", "[7, 7]",
       "strides", "[2, 2]", "activation", "'linear'", NULL);
  add (graph, "BatchNormalization", "bn_conv1", "conv1", NULL);
  add (graph, "Activation", "conv1_relu", "bn_conv1", NULL);
  add (graph, "ZeroPadding2D", "pool1_pad", "conv1_relu", NULL);
  add (graph, "MaxPooling2D", "pool1", "pool1_pad", "pool_size", "[3, 3]", "strides", "[2, 2]",
       NULL);
  prev = g_strdup ("pool1");
  for (int s = 0; s < 4; s++)
    for (int b = 0; b < blocks[s]; b++)
      {
        char *next = bottleneck (graph, prev, s + 2, 'a' + b, widths[s], 4 * widths[s],
                                 b == 0 && s > 0 ? 2 : 1, b == 0);
        g_free (prev);
        prev = next;
      }
  add (graph, "GlobalAveragePooling2D", "avg_pool", prev, NULL);
  add (graph, "Dense", "fc", "avg_pool", "units", "10", "activation", "'softmax'", NULL);
  add (graph, "Output", "output", "fc", NULL);

  /* freeze everything below the last @trainable_stages stages, as fine-tuning does */
  for (guint i = 0; trainable_stages < 4 && i < strata_graph_get_n_nodes (graph); i++)
    {
      StrataNode *node = strata_graph_get_nth_node (graph, i);
      const char *id = strata_node_get_id (node);
      int stage = g_str_has_prefix (id, "res") || g_str_has_prefix (id, "bn") ?
                  g_ascii_digit_value (id[g_str_has_prefix (id, "res") ? 3 : 2]) : 1;
      if (g_str_equal (id, "fc"))
        continue;
      if (stage < 6 - trainable_stages)
        strata_graph_set_trainable (graph, id, FALSE);
    }
  return graph;
}

static StrataPrecision precision = STRATA_PRECISION_FP32;

static double
run (const char  *name,
     StrataGraph *graph,
     guint        batch,
     guint        n_batches)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new (graph, &error);
  StrataPlanOptions options = { STRATA_PLAN_TRAIN, batch, precision };
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataThreadGovernor) governor = NULL;
  guint threads = strata_threads_use (strata_threads_get_default ());
  guint at_max = 0;
  g_autofree gint32 *labels = g_new (gint32, batch);
  StrataShape shape;
  gsize n_input;
  gint64 start = 0, window = 0, elapsed;
  double rate, best = 0;

  if (model == NULL)
    g_error ("%s", error->message);
  if (g_getenv ("OMP_NUM_THREADS") == NULL)
    governor = strata_thread_governor_new (threads);
  plan = strata_plan_new (model, &options, &error);
  if (plan == NULL)
    g_error ("%s", error->message);
  shape = strata_model_get_input_shape (model);
  n_input = strata_shape_n_elements (&shape) * batch;
  for (gsize i = 0; i < n_input; i++)
    strata_plan_get_input (plan)[i] = (float) ((i * 7919) % 255) / 255.0f;
  for (guint i = 0; i < batch; i++)
    labels[i] = i % 10;

  for (guint b = 0; b < n_batches + 5; b++)
    {
      gint64 step_start = g_get_monotonic_time ();

      if (b == 5)
        start = window = g_get_monotonic_time ();
      else if (b > 5 && (b - 5) % 10 == 0)
        {
          /* the machine is shared: the best window of 10 batches shows what it can do */
          gint64 now = g_get_monotonic_time ();
          best = MAX (best, 10.0 * batch / ((now - window) / 1e6));
          window = now;
        }
      if (!strata_plan_forward (plan, batch, b, &error))
        g_error ("%s", error->message);
      strata_plan_compute_loss (plan, labels, batch, NULL, NULL);
      if (!strata_plan_backward (plan, &error))
        g_error ("%s", error->message);
      for (guint t = 0; t < strata_model_get_n_tensors (model); t++)
        {
          StrataTensor *tensor = strata_model_get_tensor (model, t);
          if (tensor->diff == NULL)
            continue;
#pragma omp parallel for if (tensor->n > 65536)
          for (gint64 i = 0; i < tensor->n; i++)
            tensor->data[i] -= 0.01f * tensor->diff[i];
        }
      strata_model_weights_changed (model);
      at_max += b >= 5 && threads == strata_threads_get_default ();
      if (governor != NULL)
        {
          guint next = strata_thread_governor_record (governor,
                                                      (g_get_monotonic_time () - step_start) / 1e6,
                                                      batch);
          if (next != threads)
            {
              /* as the trainer does: a new count needs primitives created for it */
              gint64 rebuild = g_get_monotonic_time ();

              g_clear_pointer (&plan, strata_plan_free);
              threads = strata_threads_use (next);
              plan = strata_plan_new (model, &options, &error);
              if (plan == NULL)
                g_error ("%s", error->message);
              for (gsize i = 0; i < n_input; i++)
                strata_plan_get_input (plan)[i] = (float) ((i * 7919) % 255) / 255.0f;
              strata_thread_governor_add_switch_cost (governor,
                                                      (g_get_monotonic_time () - rebuild) / 1e6);
            }
        }
    }
  elapsed = g_get_monotonic_time () - start;
  rate = (double) n_batches * batch / (elapsed / 1e6);
  printf ("%-10s batch %3u  %8.1f images/s  best %8.1f  plan %6.1f MiB  threads %u (%.0f %%), "
          "%u changes\n", name, batch, rate, MAX (best, rate),
          strata_plan_get_memory_bytes (plan) / 1048576.0, strata_threads_get_default (),
          100.0 * at_max / n_batches, governor ? strata_thread_governor_get_switches (governor) : 0);
  return rate;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StrataGraph) example = NULL;
  g_autoptr(StrataGraph) vgg = NULL;
  guint n_example = argc > 1 ? atoi (argv[1]) : 300;
  guint n_vgg = argc > 2 ? atoi (argv[2]) : 40;
  struct rusage usage;

  /* the wait policy the strata binary runs with (see strata-threads.c) */
  strata_threads_init_wait_policy (argv);
  example = example_graph ();
  vgg = vgg_graph ();

  /* strata-bench-plan [EXAMPLE_BATCHES [VGG_BATCHES [fp32|bf16 [RESNET50_BATCHES]]]] */
  if (argc > 3 && g_str_equal (argv[3], "bf16"))
    precision = STRATA_PRECISION_BF16;

  if (n_example > 0)
    run ("example", example, 64, n_example);
  if (n_vgg > 0)
    run ("vgg", vgg, 32, n_vgg);
  if (argc > 4 && atoi (argv[4]) > 0)
    {
      g_autoptr(StrataGraph) full = resnet50_graph (4);
      g_autoptr(StrataGraph) top = resnet50_graph (1);
      run ("resnet50", full, 16, atoi (argv[4]));
      run ("resnet50/5", top, 16, atoi (argv[4]));
    }
  getrusage (RUSAGE_SELF, &usage);
  printf ("peak RSS %.1f MiB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
