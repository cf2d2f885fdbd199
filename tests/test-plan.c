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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plan/example-trains", test_example_trains);
  return g_test_run ();
}
