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
#include "strata-threads.h"
#include "strata-tta.h"

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
  g_strfreev (self->names);
  g_free (self->confusion_normalized);
  g_free (self->misclassified);
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

/* Keras' categorical cross-entropy of probabilities @p with label smoothing @ls. */
static double
cross_entropy (const float *p,
               guint        k,
               gint32       label,
               double       ls)
{
  double loss = 0.0;

  for (guint c = 0; c < k; c++)
    {
      double target = ((guint) label == c ? 1.0 - ls : 0.0) + ls / k;
      loss -= target * log (CLAMP ((double) p[c], 1e-7, 1.0 - 1e-7));
    }
  return loss;
}

static int
compare_by_loss (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const StrataPrediction *predictions = user_data;
  float la = predictions[*(const guint *) a].loss, lb = predictions[*(const guint *) b].loss;

  return la > lb ? -1 : la < lb;
}

static void
summarise (StrataEvaluation *self)
{
  guint k = self->n_classes;
  g_autoptr(GArray) wrong = g_array_new (FALSE, FALSE, sizeof (guint));

  per_class_figures (self);
  self->confusion_normalized = g_new0 (double, (gsize) k * k);
  for (guint r = 0; r < k; r++)
    for (guint c = 0; c < k; c++)
      if (self->support[r] > 0)
        self->confusion_normalized[r * k + c] = (double) self->confusion[r * k + c] /
                                                self->support[r];

  for (guint i = 0; i < self->n; i++)
    if (self->predictions[i].predicted != self->predictions[i].label)
      g_array_append_val (wrong, i);
  g_array_sort_with_data (wrong, compare_by_loss, self->predictions);
  self->n_misclassified = wrong->len;
  self->misclassified = (guint *) g_array_free (g_steal_pointer (&wrong), FALSE);
}

static double
output_label_smoothing (StrataModel *model)
{
  StrataNode *output = strata_graph_find_output (strata_model_get_graph (model));

  return output ? strata_node_get_float (output, "label_smoothing") : 0.0;
}

/**
 * strata_evaluate:
 * @weights: (nullable): "best" or "last"; %NULL picks best when the run has it
 *
 * strata_evaluate_full() without test-time augmentation or progress.
 */
StrataEvaluation *
strata_evaluate (StrataProject *project,
                 const char    *run_name,
                 StrataSplit    split,
                 const char    *weights,
                 GCancellable  *cancellable,
                 GError       **error)
{
  StrataEvaluateOptions options = { .weights = weights };

  return strata_evaluate_full (project, run_name, split, &options, cancellable, error);
}

/**
 * strata_evaluate_full:
 * @options: (nullable): the weights, test-time augmentation, progress
 * @cancellable: (nullable): checked between batches
 *
 * Runs the model over a split: loss, accuracy, top-k accuracy, the confusion matrix (counts
 * and row-normalised), per-class precision, recall, F1 and support, every image's top
 * classes, and the misclassified images sorted by loss. With test-time augmentation the
 * averaged views are measured as well, so the figures show its effect. Writes the result to
 * the run's evaluation-SPLIT.json. Blocks: call it from a worker thread under a GUI.
 */
StrataEvaluation *
strata_evaluate_full (StrataProject               *project,
                      const char                  *run_name,
                      StrataSplit                  split,
                      const StrataEvaluateOptions *options,
                      GCancellable                *cancellable,
                      GError                     **error)
{
  static const StrataEvaluateOptions defaults = { 0 };
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
  g_autofree float *original = NULL, *averaged = NULL;
  StrataLoaderOptions loader_options = { .batch = EVAL_BATCH };
  StrataPlanOptions plan_options = { .mode = STRATA_PLAN_INFER, .batch = EVAL_BATCH };
  StrataDataset *dataset;
  StrataModel *model;
  StrataShape input_shape;
  const char *weights;
  double loss_sum = 0, tta_loss_sum = 0, ls;
  guint64 correct = 0, top_k_correct = 0, tta_correct = 0, tta_top_k_correct = 0;
  gsize sample;
  guint done = 0, n;

  if (options == NULL)
    options = &defaults;
  if (run == NULL)
    return NULL;
  session = strata_session_new (strata_run_get_settings (run), base_dir, error);
  if (session == NULL)
    return NULL;
  model = strata_session_get_model (session);
  dataset = strata_session_get_dataset (session);

  weights = options->weights;
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
  self->classes = g_strdupv ((char **) strata_dataset_get_class_names (dataset));
  self->top_k = MIN (5, self->n_classes);
  self->n = strata_dataset_get_n_items (dataset, split);
  self->confusion = g_new0 (guint64, (gsize) self->n_classes * self->n_classes);
  self->predictions = g_new0 (StrataPrediction, MAX (self->n, 1));
  self->names = g_new0 (char *, self->n + 1);
  self->max_misclassified = options->max_misclassified;
  self->tta = options->tta;
  self->tta_views = strata_tta_get_n_views (options->tta);
  self->tta_loss = self->tta_accuracy = self->tta_top_k_accuracy = NAN;
  if (self->n == 0)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("The %s split has no images"), strata_split_to_string (split));
      return NULL;
    }

  loader = strata_loader_new (dataset, split, &loader_options, error);
  if (loader == NULL)
    return NULL;
  /* the cores available now, no more than the user allows (see strata-threads.c) */
  strata_threads_use (strata_threads_get_default ());
  plan = strata_plan_new (model, &plan_options, error);
  if (plan == NULL)
    return NULL;
  input_shape = strata_model_get_input_shape (model);
  sample = strata_shape_n_elements (&input_shape);
  ls = output_label_smoothing (model);
  labels = g_new0 (gint32, EVAL_BATCH);
  if (self->tta_views > 1)
    {
      original = g_new (float, sample * EVAL_BATCH);
      averaged = g_new (float, (gsize) self->n_classes * EVAL_BATCH);
    }
  {
    g_autofree float *losses = g_new0 (float, EVAL_BATCH);
    guint k = self->n_classes;

    strata_loader_start_epoch (loader, 0, 0);
    while (strata_loader_next (loader, strata_plan_get_input (plan), labels, &n, error))
      {
        const float *p;
        const guint *items = strata_loader_get_batch_items (loader);
        guint batch_correct;

        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          return NULL;
        if (original)
          memcpy (original, strata_plan_get_input (plan), sample * n * sizeof (float));
        if (!strata_plan_forward (plan, n, 0, error))
          return NULL;
        loss_sum += strata_plan_compute_loss (plan, labels, n, &batch_correct, losses) * n;
        correct += batch_correct;
        p = strata_plan_get_probabilities (plan);
        for (guint i = 0; i < n && done + i < self->n; i++)
          {
            StrataPrediction *pred = &self->predictions[done + i];
            gint32 top[5];
            float top_p[5];

            top_classes (p + (gsize) i * k, k, self->top_k, top, top_p);
            pred->item = items ? items[i] : done + i;
            pred->label = labels[i];
            pred->predicted = top[0];
            pred->loss = losses[i];
            pred->tta_predicted = -1;
            pred->tta_loss = NAN;
            for (guint j = 0; j < STRATA_EVALUATION_TOP; j++)
              {
                pred->top_class[j] = j < self->top_k ? top[j] : -1;
                pred->top_probability[j] = j < self->top_k ? top_p[j] : 0;
              }
            for (guint j = 0; j < self->top_k; j++)
              if (top[j] == labels[i])
                top_k_correct++;
            self->confusion[(gsize) labels[i] * k + top[0]]++;
            self->names[done + i] = strata_dataset_dup_item_name (dataset, split, pred->item);
          }

        if (original)
          {
            /* the mean of the views' probabilities */
            memcpy (averaged, p, (gsize) n * k * sizeof (float));
            for (guint view = 1; view < self->tta_views; view++)
              {
                const float *q;

                if (g_cancellable_set_error_if_cancelled (cancellable, error))
                  return NULL;
                for (guint i = 0; i < n; i++)
                  strata_tta_make_view (self->tta, view, original + sample * i,
                                        input_shape.dims[0], input_shape.dims[1],
                                        input_shape.dims[2],
                                        strata_plan_get_input (plan) + sample * i);
                if (!strata_plan_forward (plan, n, 0, error))
                  return NULL;
                q = strata_plan_get_probabilities (plan);
                for (gsize j = 0; j < (gsize) n * k; j++)
                  averaged[j] += q[j];
              }
            for (gsize j = 0; j < (gsize) n * k; j++)
              averaged[j] /= self->tta_views;
            for (guint i = 0; i < n && done + i < self->n; i++)
              {
                StrataPrediction *pred = &self->predictions[done + i];
                gint32 top[5];
                float top_p[5];

                top_classes (averaged + (gsize) i * k, k, self->top_k, top, top_p);
                pred->tta_predicted = top[0];
                pred->tta_loss = cross_entropy (averaged + (gsize) i * k, k, labels[i], ls);
                tta_loss_sum += pred->tta_loss;
                tta_correct += top[0] == labels[i];
                for (guint j = 0; j < self->top_k; j++)
                  tta_top_k_correct += top[j] == labels[i];
                if (pred->predicted != pred->label && pred->tta_predicted == pred->label)
                  self->tta_fixed++;
                if (pred->predicted == pred->label && pred->tta_predicted != pred->label)
                  self->tta_broken++;
              }
          }
        done = MIN (done + n, self->n);
        if (options->progress)
          options->progress (_("Evaluating"), done, self->n, options->progress_data);
      }
    if (error && *error)
      return NULL;
  }
  self->n = done;
  self->names[done] = NULL;
  self->loss = done ? loss_sum / done : NAN;
  self->accuracy = done ? (double) correct / done : NAN;
  self->top_k_accuracy = done ? (double) top_k_correct / done : NAN;
  if (original && done)
    {
      self->tta_loss = tta_loss_sum / done;
      self->tta_accuracy = (double) tta_correct / done;
      self->tta_top_k_accuracy = (double) tta_top_k_correct / done;
    }
  summarise (self);

  json = strata_evaluation_to_json (self);
  text = json_to_string (json, TRUE);
  file = g_strdup_printf ("evaluation-%s.json", strata_split_to_string (split));
  path = strata_run_dup_path (run, file);
  if (!strata_write_file_atomic (path, text, strlen (text),
                                 options->save_error ? options->save_error : error) &&
      options->save_error == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

static void
add_number (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_top (JsonBuilder            *b,
         const StrataEvaluation *self,
         const StrataPrediction *pred)
{
  json_builder_set_member_name (b, "top");
  json_builder_begin_array (b);
  for (guint j = 0; j < STRATA_EVALUATION_TOP; j++)
    {
      if (pred->top_class[j] < 0)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "class");
      json_builder_add_string_value (b, self->classes[pred->top_class[j]]);
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, pred->top_class[j]);
      add_number (b, "probability", pred->top_probability[j]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_misclassified (JsonBuilder            *b,
                   const StrataEvaluation *self)
{
  guint n = self->max_misclassified ? MIN (self->max_misclassified, self->n_misclassified)
                                    : self->n_misclassified;

  json_builder_set_member_name (b, "misclassified_count");
  json_builder_add_int_value (b, self->n_misclassified);
  json_builder_set_member_name (b, "misclassified");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const StrataPrediction *pred = &self->predictions[self->misclassified[i]];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "image");
      json_builder_add_string_value (b, self->names ? self->names[self->misclassified[i]] : "");
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, pred->item);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, self->classes[pred->label]);
      json_builder_set_member_name (b, "predicted");
      json_builder_add_string_value (b, self->classes[pred->predicted]);
      add_number (b, "loss", pred->loss);
      add_top (b, self, pred);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_tta (JsonBuilder            *b,
         const StrataEvaluation *self)
{
  json_builder_set_member_name (b, "tta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, strata_tta_to_string (self->tta));
  json_builder_set_member_name (b, "views");
  json_builder_add_int_value (b, self->tta_views);
  add_number (b, "loss", self->tta_loss);
  add_number (b, "accuracy", self->tta_accuracy);
  add_number (b, "top_k_accuracy", self->tta_top_k_accuracy);
  add_number (b, "accuracy_change", self->tta_accuracy - self->accuracy);
  add_number (b, "loss_change", self->tta_loss - self->loss);
  json_builder_set_member_name (b, "fixed");
  json_builder_add_int_value (b, self->tta_fixed);
  json_builder_set_member_name (b, "broken");
  json_builder_add_int_value (b, self->tta_broken);
  json_builder_end_object (b);
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
  add_number (b, "loss", self->loss);
  add_number (b, "accuracy", self->accuracy);
  json_builder_set_member_name (b, "top_k");
  json_builder_add_int_value (b, self->top_k);
  add_number (b, "top_k_accuracy", self->top_k_accuracy);

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

  if (self->confusion_normalized)
    {
      json_builder_set_member_name (b, "confusion_normalized");
      json_builder_begin_array (b);
      for (guint r = 0; r < self->n_classes; r++)
        {
          json_builder_begin_array (b);
          for (guint c = 0; c < self->n_classes; c++)
            json_builder_add_double_value (b, self->confusion_normalized[(gsize) r *
                                                                          self->n_classes + c]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  if (self->misclassified)
    add_misclassified (b, self);
  if (self->tta != STRATA_TTA_NONE)
    add_tta (b, self);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
