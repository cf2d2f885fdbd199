/* strata-optimizer.c: settings, slots, steps and restore of the seven Keras optimizers
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-optimizer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "strata-optimizer.h"
#include "strata-optimizer-private.h"

/*
 * Semantics are tf.keras 2.x's legacy optimizers (keras/optimizers/legacy/ in Keras
 * 2.13, which call TensorFlow's ResourceApply* kernels), with their defaults:
 *
 *   sgd       lr 0.01   momentum 0, nesterov false        slots: momentum (if momentum > 0)
 *   rmsprop   lr 0.001  rho 0.9, momentum 0, ε 1e-7,       slots: rms, momentum (if > 0),
 *                       centered false                            mg (if centered)
 *   adagrad   lr 0.001  initial accumulator 0.1, ε 1e-7   slots: accumulator
 *   adadelta  lr 0.001  rho 0.95, ε 1e-7                  slots: accum_grad, accum_var
 *   adam      lr 0.001  β₁ 0.9, β₂ 0.999, ε̂ 1e-7          slots: m, v
 *   adamax    lr 0.001  β₁ 0.9, β₂ 0.999, ε 1e-7          slots: m, v
 *   nadam     lr 0.001  β₁ 0.9, β₂ 0.999, ε 1e-7,         slots: m, v
 *                       schedule decay 0.004
 *
 * A slot is a StrataTensor named "<slot>/<weight name>", e.g. "m/conv2d/kernel", with the
 * shape of its weight. Slots are created with the optimizer, so a checkpoint can be restored
 * before the first step. The iteration count is the only other state: Nadam's momentum cache
 * (Keras' "momentum_cache" weight) is the product of μ₁…μₜ and is recomputed from it.
 */

typedef struct
{
  const char *name;
  StrataOptimizerKind kind;
  double default_lr;
} OptimizerInfo;

static const OptimizerInfo optimizers[] = {
  { "sgd", STRATA_OPTIMIZER_SGD, 0.01 },
  { "rmsprop", STRATA_OPTIMIZER_RMSPROP, 0.001 },
  { "adagrad", STRATA_OPTIMIZER_ADAGRAD, 0.001 },
  { "adadelta", STRATA_OPTIMIZER_ADADELTA, 0.001 },
  { "adam", STRATA_OPTIMIZER_ADAM, 0.001 },
  { "adamax", STRATA_OPTIMIZER_ADAMAX, 0.001 },
  { "nadam", STRATA_OPTIMIZER_NADAM, 0.001 },
};

static const char *const optimizer_names[] = {
  "sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam", NULL
};

struct _StrataOptimizer
{
  StrataOptimizerConfig config;
  StrataOptimizerKind kind;

  GPtrArray *params;                /* StrataTensor*, borrowed: the tensors it trains */
  const char *slot_names[STRATA_OPTIMIZER_MAX_SLOTS];   /* by role, NULL when absent */
  GPtrArray *slots;                 /* StrataTensor*, owned, Keras' order: role, then param */
  StrataTensor **slot_of;           /* [role × n_params + param], NULL when absent */

  gint64 iterations;
  double momentum_cache;            /* Nadam: μ₁·μ₂·…·μ_iterations */

  gpointer owner;                   /* keeps the tensors alive, e.g. the model */
  GDestroyNotify owner_destroy;
};

G_DEFINE_QUARK (strata-optimizer-error-quark, strata_optimizer_error)

static const OptimizerInfo *
find_optimizer (const char *name)
{
  if (name == NULL)
    return NULL;

  /* Keras' class names ("SGD", "RMSprop", "Adam") are accepted as well. */
  for (guint i = 0; i < G_N_ELEMENTS (optimizers); i++)
    if (g_ascii_strcasecmp (optimizers[i].name, name) == 0)
      return &optimizers[i];

  return NULL;
}

/**
 * strata_optimizer_names:
 *
 * Returns: (transfer none): the %NULL-terminated optimizer names, in DLS' order
 */
const char *const *
strata_optimizer_names (void)
{
  return optimizer_names;
}

/**
 * strata_optimizer_default_lr:
 * @name: an optimizer name
 *
 * Returns: Keras' default learning rate for @name, or 0 for an unknown name
 */
double
strata_optimizer_default_lr (const char *name)
{
  const OptimizerInfo *info = find_optimizer (name);

  return info != NULL ? info->default_lr : 0.0;
}

/**
 * strata_optimizer_config_init:
 * @config: the settings to fill
 * @name: an optimizer name
 *
 * Sets @config to Keras' defaults for @name. An unknown @name is kept, so that
 * strata_optimizer_new() reports it.
 */
void
strata_optimizer_config_init (StrataOptimizerConfig *config,
                              const char            *name)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (name != NULL);

  memset (config, 0, sizeof *config);
  g_strlcpy (config->name, name, sizeof config->name);
  config->momentum = 0.0;
  config->nesterov = FALSE;
  config->rho = g_ascii_strcasecmp (name, "adadelta") == 0 ? 0.95 : 0.9;
  config->beta_1 = 0.9;
  config->beta_2 = 0.999;
  config->epsilon = 1e-7;
  config->decay = 0.0;
  config->initial_accumulator = 0.1;
  config->centered = FALSE;
  config->schedule_decay = 0.004;
}

static gboolean
check_range (const char  *what,
             double       value,
             double       min,
             double       max,
             gboolean     max_open,
             GError     **error)
{
  if (isfinite (value) && value >= min && (max_open ? value < max : value <= max))
    return TRUE;

  if (max == G_MAXDOUBLE)
    g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                 /* Translators: the first %s is a setting such as “decay”, then numbers */
                 _("The optimizer setting “%s” must be at least %g, not %g"),
                 what, min, value);
  else if (max_open)
    g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                 /* Translators: the first %s is a setting such as “beta_1”, then numbers */
                 _("The optimizer setting “%s” must be at least %g and below %g, not %g"),
                 what, min, max, value);
  else
    g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                 /* Translators: the first %s is a setting such as “momentum”, then numbers */
                 _("The optimizer setting “%s” must be between %g and %g, not %g"),
                 what, min, max, value);
  return FALSE;
}

static gboolean
check_config (const StrataOptimizerConfig *config,
              const OptimizerInfo         *info,
              GError                     **error)
{
  StrataOptimizerKind kind = info->kind;

  if (!check_range ("epsilon", config->epsilon, 0.0, 1.0, FALSE, error)
      || !check_range ("decay", config->decay, 0.0, G_MAXDOUBLE, FALSE, error))
    return FALSE;

  if ((kind == STRATA_OPTIMIZER_SGD || kind == STRATA_OPTIMIZER_RMSPROP)
      && !check_range ("momentum", config->momentum, 0.0, 1.0, FALSE, error))
    return FALSE;

  if ((kind == STRATA_OPTIMIZER_RMSPROP || kind == STRATA_OPTIMIZER_ADADELTA)
      && !check_range ("rho", config->rho, 0.0, 1.0, FALSE, error))
    return FALSE;

  if (kind == STRATA_OPTIMIZER_ADAGRAD
      && !check_range ("initial_accumulator", config->initial_accumulator,
                       0.0, G_MAXDOUBLE, FALSE, error))
    return FALSE;

  if ((kind == STRATA_OPTIMIZER_ADAM || kind == STRATA_OPTIMIZER_ADAMAX
       || kind == STRATA_OPTIMIZER_NADAM)
      && (!check_range ("beta_1", config->beta_1, 0.0, 1.0, TRUE, error)
          || !check_range ("beta_2", config->beta_2, 0.0, 1.0, TRUE, error)))
    return FALSE;

  if (kind == STRATA_OPTIMIZER_NADAM
      && !check_range ("schedule_decay", config->schedule_decay, 0.0, G_MAXDOUBLE, FALSE,
                       error))
    return FALSE;

  return TRUE;
}

static gboolean
check_param (const StrataTensor *param,
             GHashTable         *seen,
             GError            **error)
{
  gint64 n = 1;

  if (param->name == NULL)
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                   _("A trainable tensor has no name"));
      return FALSE;
    }

  if (param->data == NULL || param->diff == NULL)
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                   _("The trainable tensor “%s” has no values or no gradient"), param->name);
      return FALSE;
    }

  if (param->rank < 0 || param->rank > 4)
    n = -1;
  else
    for (int i = 0; i < param->rank; i++)
      n *= param->dims[i];

  if (n != param->n)
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                   _("The trainable tensor “%s” has a size that does not match its shape"),
                   param->name);
      return FALSE;
    }

  if (!g_hash_table_add (seen, param->name))
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_INVALID,
                   _("Two trainable tensors are both named “%s”"), param->name);
      return FALSE;
    }

  return TRUE;
}

static void
create_slots (StrataOptimizer *self)
{
  guint n_params = self->params->len;

  switch (self->kind)
    {
    case STRATA_OPTIMIZER_SGD:
      self->slot_names[0] = self->config.momentum > 0.0 ? "momentum" : NULL;
      break;
    case STRATA_OPTIMIZER_RMSPROP:
      self->slot_names[0] = "rms";
      self->slot_names[1] = self->config.momentum > 0.0 ? "momentum" : NULL;
      self->slot_names[2] = self->config.centered ? "mg" : NULL;
      break;
    case STRATA_OPTIMIZER_ADAGRAD:
      self->slot_names[0] = "accumulator";
      break;
    case STRATA_OPTIMIZER_ADADELTA:
      self->slot_names[0] = "accum_grad";
      self->slot_names[1] = "accum_var";
      break;
    case STRATA_OPTIMIZER_ADAM:
    case STRATA_OPTIMIZER_ADAMAX:
    case STRATA_OPTIMIZER_NADAM:
      self->slot_names[0] = "m";
      self->slot_names[1] = "v";
      break;
    default:
      g_assert_not_reached ();
    }

  self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) strata_tensor_free);
  self->slot_of = g_new0 (StrataTensor *, MAX (1, STRATA_OPTIMIZER_MAX_SLOTS * n_params));

  for (guint role = 0; role < STRATA_OPTIMIZER_MAX_SLOTS; role++)
    {
      if (self->slot_names[role] == NULL)
        continue;

      for (guint i = 0; i < n_params; i++)
        {
          const StrataTensor *param = g_ptr_array_index (self->params, i);
          g_autofree char *name = g_strdup_printf ("%s/%s", self->slot_names[role], param->name);
          StrataTensor *slot = strata_tensor_new (name, param->layer, param->rank, param->dims,
                                                  FALSE);

          slot->role = STRATA_TENSOR_STATE;
          slot->trainable = FALSE;

          if (self->kind == STRATA_OPTIMIZER_ADAGRAD)
            {
              float init = (float) self->config.initial_accumulator;

              for (gint64 k = 0; k < slot->n; k++)
                slot->data[k] = init;
            }

          self->slot_of[role * n_params + i] = slot;
          g_ptr_array_add (self->slots, slot);
        }
    }
}

/**
 * strata_optimizer_new_for_tensors:
 * @config: the settings
 * @params: (element-type StrataTensor): tensors with data and diff; those whose @trainable
 *   is %FALSE are skipped and never touched
 * @error: return location for a #GError
 *
 * Creates an optimizer for the trainable tensors of @params, with all its slots. The
 * tensors are borrowed: they must outlive the optimizer and keep their arrays.
 *
 * Returns: (transfer full) (nullable): the optimizer, or %NULL with @error set
 */
StrataOptimizer *
strata_optimizer_new_for_tensors (const StrataOptimizerConfig *config,
                                  GPtrArray                   *params,
                                  GError                     **error)
{
  g_autoptr(StrataOptimizer) self = NULL;
  g_autoptr(GHashTable) seen = NULL;
  const OptimizerInfo *info;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = find_optimizer (config->name);
  if (info == NULL)
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_UNKNOWN,
                   _("There is no optimizer named “%s”"), config->name);
      return NULL;
    }

  if (!check_config (config, info, error))
    return NULL;

  self = g_new0 (StrataOptimizer, 1);
  self->config = *config;
  g_strlcpy (self->config.name, info->name, sizeof self->config.name);
  self->kind = info->kind;
  self->params = g_ptr_array_new ();
  self->momentum_cache = 1.0;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < params->len; i++)
    {
      StrataTensor *param = g_ptr_array_index (params, i);

      g_return_val_if_fail (param != NULL, NULL);

      if (!param->trainable)
        continue;
      if (!check_param (param, seen, error))
        return NULL;
      g_ptr_array_add (self->params, param);
    }

  create_slots (self);

  return g_steal_pointer (&self);
}

void
_strata_optimizer_set_owner (StrataOptimizer *self,
                             gpointer         owner,
                             GDestroyNotify   destroy)
{
  if (self->owner_destroy != NULL)
    self->owner_destroy (self->owner);
  self->owner = owner;
  self->owner_destroy = destroy;
}

/**
 * strata_optimizer_free:
 * @self: (nullable): an optimizer
 */
void
strata_optimizer_free (StrataOptimizer *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->slots, g_ptr_array_unref);
  g_clear_pointer (&self->params, g_ptr_array_unref);
  g_clear_pointer (&self->slot_of, g_free);
  if (self->owner_destroy != NULL)
    self->owner_destroy (self->owner);
  g_free (self);
}

/**
 * strata_optimizer_get_config:
 * @self: an optimizer
 *
 * Returns: (transfer none): its settings, with the name in canonical lower case
 */
const StrataOptimizerConfig *
strata_optimizer_get_config (StrataOptimizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->config;
}

/**
 * strata_optimizer_get_params:
 * @self: an optimizer
 *
 * Returns: (transfer none) (element-type StrataTensor): the tensors it trains
 */
GPtrArray *
strata_optimizer_get_params (StrataOptimizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->params;
}

/**
 * strata_optimizer_get_decayed_lr:
 * @self: an optimizer
 * @lr: the scheduled learning rate
 *
 * Returns: the learning rate the next strata_optimizer_step() with @lr will use:
 *   lr / (1 + decay × iterations), Keras' legacy time decay
 */
double
strata_optimizer_get_decayed_lr (StrataOptimizer *self,
                                 double           lr)
{
  g_return_val_if_fail (self != NULL, lr);

  if (self->config.decay > 0.0)
    return lr / (1.0 + self->config.decay * (double) self->iterations);

  return lr;
}

/* Keras' Nadam momentum schedule: μₜ = β₁ (1 − ½·0.96^(schedule_decay·t)). */
static double
nadam_mu (const StrataOptimizerConfig *config,
          gint64                       t)
{
  return config->beta_1 * (1.0 - 0.5 * pow (0.96, config->schedule_decay * (double) t));
}

/**
 * strata_optimizer_step:
 * @self: an optimizer
 * @lr: the learning rate for this step, as the schedule gives it (before the legacy decay)
 *
 * Updates every trainable tensor from its diff, in one pass over each, and counts the step.
 */
void
strata_optimizer_step (StrataOptimizer *self,
                       double           lr)
{
  const StrataOptimizerConfig *config;
  StrataOptimizerCoeffs c = { 0 };
  double t, lr_t, nadam_cache = 0.0;
  guint n_params;

  g_return_if_fail (self != NULL);
  g_return_if_fail (isfinite (lr) && lr >= 0.0);

  config = &self->config;
  t = (double) (self->iterations + 1);
  lr_t = strata_optimizer_get_decayed_lr (self, lr);

  c.kind = self->kind;
  c.momentum = config->momentum > 0.0;
  c.nesterov = config->nesterov;
  c.centered = config->centered;
  c.lr = (float) lr_t;
  c.mu = (float) config->momentum;
  c.rho = (float) config->rho;
  c.one_minus_rho = (float) (1.0 - config->rho);
  c.epsilon = (float) config->epsilon;
  c.beta_1 = (float) config->beta_1;
  c.beta_2 = (float) config->beta_2;
  c.one_minus_beta_1 = (float) (1.0 - config->beta_1);
  c.one_minus_beta_2 = (float) (1.0 - config->beta_2);

  switch (self->kind)
    {
    case STRATA_OPTIMIZER_ADAM:
      c.alpha = (float) (lr_t * sqrt (1.0 - pow (config->beta_2, t))
                         / (1.0 - pow (config->beta_1, t)));
      break;
    case STRATA_OPTIMIZER_ADAMAX:
      c.alpha = (float) (lr_t / (1.0 - pow (config->beta_1, t)));
      break;
    case STRATA_OPTIMIZER_NADAM:
      {
        double mu_t = nadam_mu (config, self->iterations + 1);
        double mu_next = nadam_mu (config, self->iterations + 2);
        double schedule_new = self->momentum_cache * mu_t;
        double schedule_next = schedule_new * mu_next;

        c.nadam_g = (float) ((1.0 - mu_t) / (1.0 - schedule_new));
        c.nadam_m = (float) (mu_next / (1.0 - schedule_next));
        c.nadam_v = (float) (1.0 / (1.0 - pow (config->beta_2, t)));
        nadam_cache = schedule_new;
      }
      break;
    case STRATA_OPTIMIZER_SGD:
    case STRATA_OPTIMIZER_RMSPROP:
    case STRATA_OPTIMIZER_ADAGRAD:
    case STRATA_OPTIMIZER_ADADELTA:
    default:
      break;
    }

  n_params = self->params->len;
  for (guint i = 0; i < n_params; i++)
    {
      StrataTensor *param = g_ptr_array_index (self->params, i);
      float *slot[STRATA_OPTIMIZER_MAX_SLOTS];

      /* Frozen since the optimizer was made, or its gradient released: leave it alone. */
      if (!param->trainable || param->diff == NULL)
        continue;

      for (guint role = 0; role < STRATA_OPTIMIZER_MAX_SLOTS; role++)
        {
          StrataTensor *s = self->slot_of[role * n_params + i];

          slot[role] = s != NULL ? s->data : NULL;
        }

      _strata_optimizer_apply (&c, param->data, param->diff, slot[0], slot[1], slot[2],
                               param->n);
    }

  if (self->kind == STRATA_OPTIMIZER_NADAM)
    self->momentum_cache = nadam_cache;
  self->iterations++;
}

/**
 * strata_optimizer_get_iterations:
 * @self: an optimizer
 *
 * Returns: the number of steps taken (Keras' `optimizer.iterations`)
 */
gint64
strata_optimizer_get_iterations (StrataOptimizer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->iterations;
}

/**
 * strata_optimizer_get_slots:
 * @self: an optimizer
 *
 * The optimizer's state besides its iteration count, to save in a checkpoint. The order is
 * Keras': every weight's first slot, then every weight's second slot, …
 *
 * Returns: (transfer none) (element-type StrataTensor): the slots, owned by @self
 */
GPtrArray *
strata_optimizer_get_slots (StrataOptimizer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->slots;
}

static char *
format_shape (const StrataTensor *tensor)
{
  GString *text = g_string_new ("(");

  for (int i = 0; i < tensor->rank && i < 4; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", tensor->dims[i]);
  g_string_append_c (text, ')');

  return g_string_free (text, FALSE);
}

/**
 * strata_optimizer_restore:
 * @self: an optimizer
 * @iterations: the saved iteration count
 * @slots: (element-type StrataTensor): the saved slots, in any order
 * @error: return location for a #GError
 *
 * strata_optimizer_restore_full() with %STRATA_OPTIMIZER_RESTORE_DEFAULT: @slots must be
 * exactly this optimizer's slots by name and shape.
 *
 * Returns: %TRUE on success; on failure @self is unchanged
 */
gboolean
strata_optimizer_restore (StrataOptimizer *self,
                          gint64           iterations,
                          GPtrArray       *slots,
                          GError         **error)
{
  return strata_optimizer_restore_full (self, iterations, slots,
                                        STRATA_OPTIMIZER_RESTORE_DEFAULT, error);
}

/**
 * strata_optimizer_restore_full:
 * @self: an optimizer
 * @iterations: the saved iteration count
 * @slots: (element-type StrataTensor): the saved slots, in any order; copied from
 * @flags: how strictly @slots must match
 * @error: return location for a #GError
 *
 * Puts the optimizer back in a saved state, so that the next steps are bit for bit those
 * the saving optimizer would have taken. Everything is checked before anything is copied.
 *
 * Returns: %TRUE on success; on failure (%STRATA_OPTIMIZER_ERROR_STATE) @self is unchanged
 */
gboolean
strata_optimizer_restore_full (StrataOptimizer             *self,
                               gint64                       iterations,
                               GPtrArray                   *slots,
                               StrataOptimizerRestoreFlags  flags,
                               GError                     **error)
{
  g_autoptr(GHashTable) index = NULL;        /* slot name → position in self->slots */
  g_autofree const StrataTensor **source = NULL;
  gboolean partial = (flags & STRATA_OPTIMIZER_RESTORE_PARTIAL) != 0;
  guint n_missing = 0;
  const char *first_missing = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (slots != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (iterations < 0)
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE,
                   _("The saved optimizer state has a negative step count"));
      return FALSE;
    }

  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->slots->len; i++)
    {
      StrataTensor *slot = g_ptr_array_index (self->slots, i);

      g_hash_table_insert (index, slot->name, GUINT_TO_POINTER (i + 1));
    }

  source = g_new0 (const StrataTensor *, MAX (1, self->slots->len));
  for (guint i = 0; i < slots->len; i++)
    {
      const StrataTensor *saved = g_ptr_array_index (slots, i);
      const StrataTensor *slot;
      guint position;

      if (saved == NULL || saved->name == NULL)
        {
          g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE,
                       _("The saved optimizer state has an array without a name"));
          return FALSE;
        }

      position = GPOINTER_TO_UINT (g_hash_table_lookup (index, saved->name));
      if (position == 0)
        {
          if (partial)
            continue;
          g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE,
                       _("The saved optimizer state has “%s”, which this %s optimizer does "
                         "not have: it was saved with other optimizer settings or other "
                         "trainable layers"),
                       saved->name, self->config.name);
          return FALSE;
        }
      position--;

      if (source[position] != NULL)
        {
          g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE,
                       _("The saved optimizer state has “%s” twice"), saved->name);
          return FALSE;
        }

      slot = g_ptr_array_index (self->slots, position);
      if (!strata_tensor_same_shape (saved, slot) || saved->data == NULL)
        {
          g_autofree char *have = format_shape (saved);
          g_autofree char *want = format_shape (slot);

          g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE,
                       /* Translators: “%s” is an array name, then two shapes like (3, 3) */
                       _("The saved optimizer state has “%s” of shape %s, but the model "
                         "needs %s"),
                       saved->name, have, want);
          return FALSE;
        }

      source[position] = saved;
    }

  for (guint i = 0; i < self->slots->len; i++)
    if (source[i] == NULL)
      {
        if (first_missing == NULL)
          first_missing = ((StrataTensor *) g_ptr_array_index (self->slots, i))->name;
        n_missing++;
      }

  if (n_missing > 0 && !partial)
    {
      g_set_error (error, STRATA_OPTIMIZER_ERROR, STRATA_OPTIMIZER_ERROR_STATE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The saved optimizer state lacks “%s”",
                                "The saved optimizer state lacks “%s” and %u more arrays",
                                n_missing),
                   first_missing, n_missing - 1);
      return FALSE;
    }

  /* Everything fits: now change the state. */
  for (guint i = 0; i < self->slots->len; i++)
    {
      StrataTensor *slot = g_ptr_array_index (self->slots, i);

      if (source[i] != NULL)
        memcpy (slot->data, source[i]->data, (gsize) slot->n * sizeof (float));
    }

  self->iterations = iterations;
  self->momentum_cache = 1.0;
  if (self->kind == STRATA_OPTIMIZER_NADAM)
    for (gint64 t = 1; t <= iterations; t++)
      self->momentum_cache *= nadam_mu (&self->config, t);

  return TRUE;
}
