/* strata-checkpoint.c
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
#include "strata-json.h"
#include "strata-safetensors.h"

/*
 * A checkpoint is a safetensors file: the model's tensors under their own names
 * ("conv2d/kernel"), the optimizer's slots under "optimizer/<slot name>", and the
 * StrataTrainState as JSON in the "strata" metadata entry. Being safetensors, a checkpoint
 * also loads in PyTorch as it is.
 */

#define OPTIMIZER_PREFIX "optimizer/"
#define FORMAT "strata-checkpoint-1"

void
strata_train_state_clear (StrataTrainState *state)
{
  g_clear_pointer (&state->schedule, json_node_unref);
  g_clear_pointer (&state->early_stopping, json_node_unref);
  g_clear_pointer (&state->optimizer, g_free);
}

static char *
state_to_json (const StrataTrainState *state,
               StrataOptimizer        *optimizer)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, state->seed);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, state->epoch);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, state->batch);
  json_builder_set_member_name (b, "step");
  json_builder_add_int_value (b, state->step);
  /* As a string: JSON numbers lose the top bits of a 64-bit seed in many readers. */
  json_builder_set_member_name (b, "seed");
  json_builder_add_string_value (b, seed);
  json_builder_set_member_name (b, "loss_sum");
  json_builder_add_double_value (b, state->loss_sum);
  json_builder_set_member_name (b, "correct");
  json_builder_add_int_value (b, state->correct);
  json_builder_set_member_name (b, "seen");
  json_builder_add_int_value (b, state->seen);
  json_builder_set_member_name (b, "elapsed");
  json_builder_add_double_value (b, state->elapsed);
  if (optimizer)
    {
      json_builder_set_member_name (b, "optimizer");
      json_builder_add_string_value (b, state->optimizer ? state->optimizer : "");
      json_builder_set_member_name (b, "iterations");
      json_builder_add_int_value (b, strata_optimizer_get_iterations (optimizer));
    }
  if (state->schedule)
    {
      json_builder_set_member_name (b, "schedule");
      json_builder_add_value (b, json_node_copy (state->schedule));
    }
  if (state->early_stopping)
    {
      json_builder_set_member_name (b, "early_stopping");
      json_builder_add_value (b, json_node_copy (state->early_stopping));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * strata_checkpoint_save:
 * @optimizer: (nullable): %NULL to save weights only
 *
 * Writes atomically: a crash during the write leaves the previous checkpoint intact.
 */
gboolean
strata_checkpoint_save (const char             *path,
                        StrataModel            *model,
                        StrataOptimizer        *optimizer,
                        const StrataTrainState *state,
                        GError                **error)
{
  g_autoptr(StrataSafetensorsWriter) writer = strata_safetensors_writer_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *state_json = state_to_json (state, optimizer);

  for (guint i = 0; i < strata_model_get_n_tensors (model); i++)
    {
      StrataTensor *t = strata_model_get_tensor (model, i);
      strata_safetensors_writer_add_f32 (writer, t->name, t->rank, t->dims, t->data);
    }
  if (optimizer)
    {
      GPtrArray *slots = strata_optimizer_get_slots (optimizer);
      for (guint i = 0; i < slots->len; i++)
        {
          StrataTensor *t = g_ptr_array_index (slots, i);
          char *name = g_strconcat (OPTIMIZER_PREFIX, t->name, NULL);
          g_ptr_array_add (names, name);
          strata_safetensors_writer_add_f32 (writer, name, t->rank, t->dims, t->data);
        }
    }
  strata_safetensors_writer_set_metadata (writer, "format", FORMAT);
  strata_safetensors_writer_set_metadata (writer, "strata", state_json);
  return strata_safetensors_writer_write (writer, path, error);
}

static gboolean
bad_checkpoint (GError    **error,
                const char *path,
                const char *why)
{
  g_autofree char *name = g_filename_display_name (path);

  /* Translators: the first %s is a file, the second what is wrong */
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
               _("The checkpoint “%s” can't be used: %s"), name, why);
  return FALSE;
}

static char *
describe_shape (int           rank,
                const gint64 *dims)
{
  GString *s = g_string_new ("(");

  for (int i = 0; i < rank; i++)
    g_string_append_printf (s, i ? ", %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, dims[i]);
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

/* Reads @t's values from @st, checking name and shape. */
static gboolean
read_tensor (StrataSafetensors *st,
             const char        *path,
             const char        *name,
             StrataTensor      *t,
             GError           **error)
{
  const StrataSafetensorsInfo *info = strata_safetensors_lookup (st, name);
  gboolean same = info != NULL && info->rank == t->rank;

  for (int d = 0; same && d < t->rank; d++)
    same = info->shape[d] == t->dims[d];
  if (info == NULL)
    {
      g_autofree char *why = g_strdup_printf (_("it has no “%s”; it belongs to another model"),
                                              name);
      return bad_checkpoint (error, path, why);
    }
  if (!same)
    {
      g_autofree char *want = describe_shape (t->rank, t->dims);
      g_autofree char *have = describe_shape (info->rank, info->shape);
      g_autofree char *why = g_strdup_printf (_("“%s” has the shape %s where the model needs "
                                                "%s"), name, have, want);
      return bad_checkpoint (error, path, why);
    }
  return strata_safetensors_read_f32 (st, name, t->data, t->n, error);
}

/*
 * The progress record comes from a file anyone can edit, so every member is checked for its
 * type before it is read (json-glib's getters assert on a wrong type) and for a range that
 * holds for any run; strata_trainer_new() checks the rest against the run's settings.
 * A missing member reads as 0, as in the checkpoints of older versions.
 */
static gboolean
get_int (JsonObject *obj,
         const char *name,
         gint64      min,
         gint64      max,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (obj, name);

  *value = 0;
  if (node == NULL)
    return min <= 0 && 0 <= max;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return min <= *value && *value <= max;
}

static gboolean
get_double (JsonObject *obj,
            const char *name,
            double     *value)
{
  JsonNode *node = json_object_get_member (obj, name);
  GType type;

  *value = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value) && *value >= 0;
}

static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            const char **value)
{
  JsonNode *node = json_object_get_member (obj, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
parse_state (const char       *path,
             const char       *json,
             StrataTrainState *state,
             gint64           *iterations,
             GError          **error)
{
  g_autoptr(JsonNode) root = json ? strata_json_load_data (json, -1, NULL) : NULL;
  JsonObject *obj;
  const char *seed, *optimizer;
  gint64 epoch, batch, correct, seen;
  JsonNode *schedule, *early_stopping;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad_checkpoint (error, path, _("its progress record is missing or damaged"));
  obj = json_node_get_object (root);
  schedule = json_object_get_member (obj, "schedule");
  early_stopping = json_object_get_member (obj, "early_stopping");
  if (!get_int (obj, "epoch", 0, G_MAXINT, &epoch) ||
      !get_int (obj, "batch", 0, G_MAXUINT, &batch) ||
      !get_int (obj, "step", batch, G_MAXINT64, &state->step) ||
      !get_int (obj, "seen", 0, G_MAXINT64, &seen) ||
      !get_int (obj, "correct", 0, seen, &correct) ||
      !get_int (obj, "iterations", 0, G_MAXINT64, iterations) ||
      !get_double (obj, "loss_sum", &state->loss_sum) ||
      !get_double (obj, "elapsed", &state->elapsed) ||
      !get_string (obj, "seed", &seed) ||
      (seed && !g_ascii_string_to_unsigned (seed, 10, 0, G_MAXUINT64, &state->seed, NULL)) ||
      !get_string (obj, "optimizer", &optimizer) ||
      (schedule && !JSON_NODE_HOLDS_OBJECT (schedule)) ||
      (early_stopping && !JSON_NODE_HOLDS_OBJECT (early_stopping)))
    return bad_checkpoint (error, path, _("its progress record is damaged"));
  state->epoch = epoch;
  state->batch = batch;
  state->seen = seen;
  state->correct = correct;
  state->optimizer = g_strdup (optimizer);
  if (schedule)
    state->schedule = json_node_copy (schedule);
  if (early_stopping)
    state->early_stopping = json_node_copy (early_stopping);
  return TRUE;
}

/**
 * strata_checkpoint_load:
 * @optimizer: (nullable): receives the optimizer state when not %NULL
 * @state: (out caller-allocates) (optional): receives the progress; clear it afterwards
 *
 * Loads every tensor of @model (names and shapes must match exactly) and, when asked, the
 * optimizer's slots and the progress. On error @model may be partly overwritten; callers
 * load into a fresh model.
 */
gboolean
strata_checkpoint_load (const char       *path,
                        StrataModel      *model,
                        StrataOptimizer  *optimizer,
                        StrataTrainState *state,
                        GError          **error)
{
  g_autoptr(StrataSafetensors) st = strata_safetensors_open (path, error);
  StrataTrainState local_state = { 0 };
  gint64 iterations = 0;
  const char *format;

  if (st == NULL)
    return FALSE;
  format = strata_safetensors_get_metadata (st, "format");
  if (g_strcmp0 (format, FORMAT) != 0)
    return bad_checkpoint (error, path, _("it is not a Strata checkpoint"));

  for (guint i = 0; i < strata_model_get_n_tensors (model); i++)
    {
      StrataTensor *t = strata_model_get_tensor (model, i);
      if (!read_tensor (st, path, t->name, t, error))
        return FALSE;
    }
  strata_model_weights_changed (model);

  if (!parse_state (path, strata_safetensors_get_metadata (st, "strata"), &local_state,
                    &iterations, error))
    {
      strata_train_state_clear (&local_state);
      return FALSE;
    }

  if (optimizer)
    {
      GPtrArray *slots = strata_optimizer_get_slots (optimizer);
      g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_tensor_free);

      for (guint i = 0; i < slots->len; i++)
        {
          StrataTensor *slot = g_ptr_array_index (slots, i);
          g_autofree char *name = g_strconcat (OPTIMIZER_PREFIX, slot->name, NULL);
          StrataTensor *copy = strata_tensor_new (slot->name, slot->layer, slot->rank,
                                                  slot->dims, FALSE);
          g_ptr_array_add (loaded, copy);
          if (!read_tensor (st, path, name, copy, error))
            {
              strata_train_state_clear (&local_state);
              return FALSE;
            }
        }
      if (!strata_optimizer_restore (optimizer, iterations, loaded, error))
        {
          strata_train_state_clear (&local_state);
          return FALSE;
        }
    }

  if (state)
    *state = local_state;
  else
    strata_train_state_clear (&local_state);
  return TRUE;
}

/**
 * strata_checkpoint_load_matching:
 * @n_loaded: (out) (optional): how many tensors were loaded
 * @skipped: (out) (optional) (transfer full): names of the model's tensors that the file
 *   lacks or has in another shape
 *
 * Loads the weights whose names and shapes match, as when a new run starts from another
 * run's weights with a changed head. Fails only when nothing matches.
 */
gboolean
strata_checkpoint_load_matching (const char  *path,
                                 StrataModel *model,
                                 guint       *n_loaded,
                                 GStrv       *skipped,
                                 GError     **error)
{
  g_autoptr(StrataSafetensors) st = strata_safetensors_open (path, error);
  g_autoptr(GStrvBuilder) skip = g_strv_builder_new ();
  guint loaded = 0;

  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < strata_model_get_n_tensors (model); i++)
    {
      StrataTensor *t = strata_model_get_tensor (model, i);
      const StrataSafetensorsInfo *info = strata_safetensors_lookup (st, t->name);
      gboolean same = info != NULL && info->rank == t->rank;

      for (int d = 0; same && d < t->rank; d++)
        same = info->shape[d] == t->dims[d];
      if (same && strata_safetensors_read_f32 (st, t->name, t->data, t->n, NULL))
        loaded++;
      else
        g_strv_builder_add (skip, t->name);
    }
  strata_model_weights_changed (model);
  if (loaded == 0 && strata_model_get_n_tensors (model) > 0)
    return bad_checkpoint (error, path, _("none of its weights fit this model"));
  if (n_loaded)
    *n_loaded = loaded;
  if (skipped)
    *skipped = g_strv_builder_end (skip);
  return TRUE;
}
