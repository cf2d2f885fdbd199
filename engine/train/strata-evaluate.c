/* strata-evaluate.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-atomic-file.h"
#include "strata-checkpoint.h"
#include "strata-evaluate.h"
#include "strata-plan.h"
#include "strata-run.h"
#include "strata-session.h"

#define EVAL_BATCH 256

void
strata_evaluation_free (StrataEvaluation *self)
{
  if (self == NULL)
    return;
  g_free (self->run);
  g_free (self->weights);
  g_strfreev (self->classes);
  g_free (self->confusion);
  g_free (self->precision);
  g_free (self->recall);
  g_free (self->f1);
  g_free (self->support);
  g_free (self->predictions);
  g_free (self);
}

/* The @k largest of @p (n values), most likely first. */
static void
top_classes (const float *p,
             guint        n,
             guint        k,
             gint32      *classes,
             float       *probabilities)
{
  for (guint j = 0; j < k; j++)
    {
      classes[j] = -1;
      probabilities[j] = -1;
    }
  for (guint c = 0; c < n; c++)
    for (guint j = 0; j < k; j++)
      if (p[c] > probabilities[j])
        {
          memmove (&classes[j + 1], &classes[j], (k - j - 1) * sizeof *classes);
          memmove (&probabilities[j + 1], &probabilities[j], (k - j - 1) * sizeof *probabilities);
          classes[j] = c;
          probabilities[j] = p[c];
          break;
        }
}

static void
per_class_figures (StrataEvaluation *self)
{
  guint k = self->n_classes;

  self->precision = g_new0 (double, k);
  self->recall = g_new0 (double, k);
  self->f1 = g_new0 (double, k);
  self->support = g_new0 (guint64, k);
  for (guint c = 0; c < k; c++)
    {
      guint64 tp = self->confusion[c * k + c], predicted = 0;

      for (guint r = 0; r < k; r++)
        {
          self->support[c] += self->confusion[c * k + r];
          predicted += self->confusion[r * k + c];
        }
      self->precision[c] = predicted ? (double) tp / predicted : 0;
      self->recall[c] = self->support[c] ? (double) tp / self->support[c] : 0;
      self->f1[c] = self->precision[c] + self->recall[c] > 0
                    ? 2 * self->precision[c] * self->recall[c] /
                      (self->precision[c] + self->recall[c])
                    : 0;
    }
}

/**
 * strata_evaluate:
 * @weights: (nullable): "best" or "last"; %NULL picks best when the run has it
 *
 * Runs the model over a split and writes the result to the run's evaluation-SPLIT.json.
 */
StrataEvaluation *
strata_evaluate (StrataProject *project,
                 const char    *run_name,
                 StrataSplit    split,
                 const char    *weights,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *runs_dir = strata_project_dup_runs_dir (project);
  g_autofree char *base_dir = strata_project_dup_base_dir (project);
  g_autoptr(StrataRun) run = strata_run_open (runs_dir, run_name, error);
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataLoader) loader = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataEvaluation) self = NULL;
  g_autofree gint32 *labels = NULL;
  g_autofree char *checkpoint = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL, *file = NULL, *path = NULL;
  StrataLoaderOptions loader_options = { .batch = EVAL_BATCH };
  StrataPlanOptions plan_options = { .mode = STRATA_PLAN_INFER, .batch = EVAL_BATCH };
  StrataModel *model;
  double loss_sum = 0;
  guint64 correct = 0, top_k_correct = 0;
  guint done = 0, n;

  if (run == NULL)
    return NULL;
  session = strata_session_new (strata_run_get_settings (run), base_dir, error);
  if (session == NULL)
    return NULL;
  model = strata_session_get_model (session);

  if (weights == NULL)
    weights = strata_run_has_checkpoint (run, "best") ? "best" : "last";
  if (!strata_run_has_checkpoint (run, weights))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("Run “%s” has no %s checkpoint yet; train it first"), run_name, weights);
      return NULL;
    }
  checkpoint = strata_run_dup_checkpoint_path (run, weights);
  if (!strata_checkpoint_load (checkpoint, model, NULL, NULL, error))
    return NULL;

  self = g_new0 (StrataEvaluation, 1);
  self->run = g_strdup (run_name);
  self->weights = g_strdup (weights);
  self->split = split;
  self->n_classes = strata_model_get_n_classes (model);
  self->classes = g_strdupv ((char **) strata_dataset_get_class_names (
                                strata_session_get_dataset (session)));
  self->top_k = MIN (5, self->n_classes);
  self->n = strata_dataset_get_n_items (strata_session_get_dataset (session), split);
  self->confusion = g_new0 (guint64, (gsize) self->n_classes * self->n_classes);
  self->predictions = g_new0 (StrataPrediction, MAX (self->n, 1));
  if (self->n == 0)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("The %s split has no images"), strata_split_to_string (split));
      return NULL;
    }

  loader = strata_loader_new (strata_session_get_dataset (session), split, &loader_options,
                              error);
  if (loader == NULL)
    return NULL;
  plan = strata_plan_new (model, &plan_options, error);
  if (plan == NULL)
    return NULL;
  labels = g_new0 (gint32, EVAL_BATCH);
  {
    g_autofree float *losses = g_new0 (float, EVAL_BATCH);

    strata_loader_start_epoch (loader, 0, 0);
    while (strata_loader_next (loader, strata_plan_get_input (plan), labels, &n, error))
      {
        const float *p;
        const guint *items = strata_loader_get_batch_items (loader);
        guint batch_correct;

        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return NULL;
        if (!strata_plan_forward (plan, n, 0, error))
          return NULL;
        loss_sum += strata_plan_compute_loss (plan, labels, n, &batch_correct, losses) * n;
        correct += batch_correct;
        p = strata_plan_get_probabilities (plan);
        for (guint i = 0; i < n && done < self->n; i++, done++)
          {
            StrataPrediction *pred = &self->predictions[done];
            gint32 top[5];
            float top_p[5];

            top_classes (p + (gsize) i * self->n_classes, self->n_classes, self->top_k, top,
                         top_p);
            pred->item = items ? items[i] : done;
            pred->label = labels[i];
            pred->predicted = top[0];
            pred->loss = losses[i];
            for (guint j = 0; j < STRATA_EVALUATION_TOP; j++)
              {
                pred->top_class[j] = j < self->top_k ? top[j] : -1;
                pred->top_probability[j] = j < self->top_k ? top_p[j] : 0;
              }
            for (guint j = 0; j < self->top_k; j++)
              if (top[j] == labels[i])
                top_k_correct++;
            self->confusion[(gsize) labels[i] * self->n_classes + top[0]]++;
          }
      }
    if (error && *error)
      return NULL;
  }
  self->n = done;
  self->loss = done ? loss_sum / done : NAN;
  self->accuracy = done ? (double) correct / done : NAN;
  self->top_k_accuracy = done ? (double) top_k_correct / done : NAN;
  per_class_figures (self);

  json = strata_evaluation_to_json (self);
  text = json_to_string (json, TRUE);
  file = g_strdup_printf ("evaluation-%s.json", strata_split_to_string (split));
  path = strata_run_dup_path (run, file);
  if (!strata_write_file_atomic (path, text, strlen (text), error))
    return NULL;
  return g_steal_pointer (&self);
}

JsonNode *
strata_evaluation_to_json (const StrataEvaluation *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "event");
  json_builder_add_string_value (b, "evaluation");
  json_builder_set_member_name (b, "run");
  json_builder_add_string_value (b, self->run);
  json_builder_set_member_name (b, "weights");
  json_builder_add_string_value (b, self->weights);
  json_builder_set_member_name (b, "split");
  json_builder_add_string_value (b, strata_split_to_string (self->split));
  json_builder_set_member_name (b, "images");
  json_builder_add_int_value (b, self->n);
  json_builder_set_member_name (b, "loss");
  json_builder_add_double_value (b, self->loss);
  json_builder_set_member_name (b, "accuracy");
  json_builder_add_double_value (b, self->accuracy);
  json_builder_set_member_name (b, "top_k");
  json_builder_add_int_value (b, self->top_k);
  json_builder_set_member_name (b, "top_k_accuracy");
  json_builder_add_double_value (b, self->top_k_accuracy);

  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (guint c = 0; c < self->n_classes; c++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, self->classes[c]);
      json_builder_set_member_name (b, "precision");
      json_builder_add_double_value (b, self->precision[c]);
      json_builder_set_member_name (b, "recall");
      json_builder_add_double_value (b, self->recall[c]);
      json_builder_set_member_name (b, "f1");
      json_builder_add_double_value (b, self->f1[c]);
      json_builder_set_member_name (b, "support");
      json_builder_add_int_value (b, self->support[c]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "confusion");
  json_builder_begin_array (b);
  for (guint r = 0; r < self->n_classes; r++)
    {
      json_builder_begin_array (b);
      for (guint c = 0; c < self->n_classes; c++)
        json_builder_add_int_value (b, self->confusion[(gsize) r * self->n_classes + c]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
