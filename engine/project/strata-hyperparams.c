/* strata-hyperparams.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-project"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-atomic-file.h"
#include "strata-hyperparams.h"
#include "strata-json-props.h"

struct _StrataHyperparams
{
  GObject parent_instance;

  char *optimizer;
  double learning_rate;
  double momentum;
  gboolean nesterov;
  double rho;
  double beta_1;
  double beta_2;
  double epsilon;
  double decay;
  double initial_accumulator;

  char *schedule;
  int step_epochs;
  double factor;
  double warmup_epochs;
  double min_lr;
  double max_lr;
  int plateau_patience;

  int batch_size;
  int epochs;
  gboolean early_stopping;
  int patience;
  double min_delta;
  char *monitor;
  char *save_weights_on;
  guint64 seed;
  char *precision;
};

G_DEFINE_FINAL_TYPE (StrataHyperparams, strata_hyperparams, G_TYPE_OBJECT)

/*
 * Properties are declared in one table (name, field, range, default) so that adding a
 * setting is one line; the Hyperparameters page binds to them by name.
 */
typedef enum { DOUBLE, INT, BOOL, STRING, UINT64 } Kind;

typedef struct
{
  const char *name;
  const char *nick;
  Kind kind;
  gsize offset;
  double min;
  double max;
  double default_number;
  const char *default_string;
} Setting;

#define F(field) G_STRUCT_OFFSET (StrataHyperparams, field)

static const Setting settings[] = {
  { "optimizer", N_("Optimizer"), STRING, F (optimizer), 0, 0, 0, "adam" },
  { "learning-rate", N_("Learning rate"), DOUBLE, F (learning_rate), 1e-9, 10, 0.001, NULL },
  { "momentum", N_("Momentum"), DOUBLE, F (momentum), 0, 1, 0, NULL },
  { "nesterov", N_("Nesterov momentum"), BOOL, F (nesterov), 0, 1, 0, NULL },
  { "rho", N_("Rho"), DOUBLE, F (rho), 0, 1, 0.9, NULL },
  { "beta-1", N_("Beta 1"), DOUBLE, F (beta_1), 0, 1, 0.9, NULL },
  { "beta-2", N_("Beta 2"), DOUBLE, F (beta_2), 0, 1, 0.999, NULL },
  { "epsilon", N_("Epsilon"), DOUBLE, F (epsilon), 1e-12, 1, 1e-7, NULL },
  { "decay", N_("Decay"), DOUBLE, F (decay), 0, 1, 0, NULL },
  { "initial-accumulator", N_("Initial accumulator"), DOUBLE, F (initial_accumulator), 0, 10,
    0.1, NULL },
  { "schedule", N_("Schedule"), STRING, F (schedule), 0, 0, 0, "constant" },
  { "step-epochs", N_("Epochs per step"), INT, F (step_epochs), 1, 1000, 10, NULL },
  { "factor", N_("Factor"), DOUBLE, F (factor), 1e-6, 1, 0.1, NULL },
  { "warmup-epochs", N_("Warm-up epochs"), DOUBLE, F (warmup_epochs), 0, 1000, 0, NULL },
  { "min-lr", N_("Minimum learning rate"), DOUBLE, F (min_lr), 0, 10, 0, NULL },
  { "max-lr", N_("Peak learning rate"), DOUBLE, F (max_lr), 1e-9, 10, 0.01, NULL },
  { "plateau-patience", N_("Plateau patience"), INT, F (plateau_patience), 1, 1000, 5, NULL },
  { "batch-size", N_("Batch size"), INT, F (batch_size), 1, 8192, 64, NULL },
  { "epochs", N_("Epochs"), INT, F (epochs), 1, 100000, 10, NULL },
  { "early-stopping", N_("Early stopping"), BOOL, F (early_stopping), 0, 1, 0, NULL },
  { "patience", N_("Patience"), INT, F (patience), 1, 1000, 5, NULL },
  { "min-delta", N_("Minimum improvement"), DOUBLE, F (min_delta), 0, 1, 0, NULL },
  { "monitor", N_("Monitored metric"), STRING, F (monitor), 0, 0, 0, "val_accuracy" },
  { "save-weights-on", N_("Save weights on"), STRING, F (save_weights_on), 0, 0, 0, "epoch" },
  { "seed", N_("Seed"), UINT64, F (seed), 0, 0, 1, NULL },
  { "precision", N_("Precision"), STRING, F (precision), 0, 0, 0, "fp32" },
};

#undef F

static GParamSpec *properties[G_N_ELEMENTS (settings) + 1];

#define FIELD(self, setting, type) (*(type *) ((guint8 *) (self) + (setting)->offset))

static void
strata_hyperparams_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  const Setting *s = &settings[prop_id - 1];

  switch (s->kind)
    {
    case DOUBLE:
      g_value_set_double (value, FIELD (object, s, double));
      break;
    case INT:
      g_value_set_int (value, FIELD (object, s, int));
      break;
    case BOOL:
      g_value_set_boolean (value, FIELD (object, s, gboolean));
      break;
    case STRING:
      g_value_set_string (value, FIELD (object, s, char *));
      break;
    case UINT64:
      g_value_set_uint64 (value, FIELD (object, s, guint64));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_hyperparams_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  const Setting *s = &settings[prop_id - 1];
  gboolean changed = FALSE;

  switch (s->kind)
    {
    case DOUBLE:
      changed = FIELD (object, s, double) != g_value_get_double (value);
      FIELD (object, s, double) = g_value_get_double (value);
      break;
    case INT:
      changed = FIELD (object, s, int) != g_value_get_int (value);
      FIELD (object, s, int) = g_value_get_int (value);
      break;
    case BOOL:
      changed = FIELD (object, s, gboolean) != g_value_get_boolean (value);
      FIELD (object, s, gboolean) = g_value_get_boolean (value);
      break;
    case STRING:
      if (g_strcmp0 (FIELD (object, s, char *), g_value_get_string (value)) != 0)
        {
          g_free (FIELD (object, s, char *));
          FIELD (object, s, char *) = g_value_dup_string (value);
          changed = TRUE;
        }
      break;
    case UINT64:
      changed = FIELD (object, s, guint64) != g_value_get_uint64 (value);
      FIELD (object, s, guint64) = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
strata_hyperparams_finalize (GObject *object)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (settings[i].kind == STRING)
      g_clear_pointer (&FIELD (object, &settings[i], char *), g_free);

  G_OBJECT_CLASS (strata_hyperparams_parent_class)->finalize (object);
}

static void
strata_hyperparams_class_init (StrataHyperparamsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = strata_hyperparams_get_property;
  object_class->set_property = strata_hyperparams_set_property;
  object_class->finalize = strata_hyperparams_finalize;

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const Setting *s = &settings[i];
      switch (s->kind)
        {
        case DOUBLE:
          properties[i + 1] = g_param_spec_double (s->name, s->nick, NULL, s->min, s->max,
                                                   s->default_number, flags);
          break;
        case INT:
          properties[i + 1] = g_param_spec_int (s->name, s->nick, NULL, (int) s->min,
                                                (int) s->max, (int) s->default_number, flags);
          break;
        case BOOL:
          properties[i + 1] = g_param_spec_boolean (s->name, s->nick, NULL,
                                                    s->default_number != 0, flags);
          break;
        case STRING:
          properties[i + 1] = g_param_spec_string (s->name, s->nick, NULL, s->default_string,
                                                   flags);
          break;
        case UINT64:
          properties[i + 1] = g_param_spec_uint64 (s->name, s->nick, NULL, 0, G_MAXUINT64,
                                                   (guint64) s->default_number, flags);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_object_class_install_properties (object_class, G_N_ELEMENTS (properties), properties);
}

static void
strata_hyperparams_init (StrataHyperparams *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const Setting *s = &settings[i];
      switch (s->kind)
        {
        case DOUBLE:
          FIELD (self, s, double) = s->default_number;
          break;
        case INT:
          FIELD (self, s, int) = (int) s->default_number;
          break;
        case BOOL:
          FIELD (self, s, gboolean) = s->default_number != 0;
          break;
        case STRING:
          FIELD (self, s, char *) = g_strdup (s->default_string);
          break;
        case UINT64:
          FIELD (self, s, guint64) = (guint64) s->default_number;
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

StrataHyperparams *
strata_hyperparams_new (void)
{
  return g_object_new (STRATA_TYPE_HYPERPARAMS, NULL);
}

StrataHyperparams *
strata_hyperparams_copy (StrataHyperparams *self)
{
  g_autoptr(JsonNode) json = strata_hyperparams_to_json (self);
  StrataHyperparams *copy = strata_hyperparams_new ();

  strata_hyperparams_load_json (copy, json, NULL);
  return copy;
}

/**
 * strata_hyperparams_set_optimizer:
 *
 * Switches optimizer and resets its own settings (and the learning rate) to Keras' defaults
 * for it, as a user picking another optimizer expects.
 */
void
strata_hyperparams_set_optimizer (StrataHyperparams *self,
                                  const char        *name)
{
  StrataOptimizerConfig config;

  g_return_if_fail (STRATA_IS_HYPERPARAMS (self));
  g_return_if_fail (g_strv_contains (strata_optimizer_names (), name));

  strata_optimizer_config_init (&config, name);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_set (self,
                "optimizer", name,
                "learning-rate", strata_optimizer_default_lr (name),
                "momentum", config.momentum,
                "nesterov", config.nesterov,
                "rho", config.rho,
                "beta-1", config.beta_1,
                "beta-2", config.beta_2,
                "epsilon", config.epsilon,
                "decay", config.decay,
                "initial-accumulator", config.initial_accumulator,
                NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
strata_hyperparams_get_optimizer (StrataHyperparams *self)
{
  return self->optimizer;
}

double
strata_hyperparams_get_learning_rate (StrataHyperparams *self)
{
  return self->learning_rate;
}

guint
strata_hyperparams_get_batch_size (StrataHyperparams *self)
{
  return self->batch_size;
}

guint
strata_hyperparams_get_epochs (StrataHyperparams *self)
{
  return self->epochs;
}

guint64
strata_hyperparams_get_seed (StrataHyperparams *self)
{
  return self->seed;
}

const char *
strata_hyperparams_get_monitor (StrataHyperparams *self)
{
  return self->monitor;
}

const char *
strata_hyperparams_get_precision (StrataHyperparams *self)
{
  return self->precision;
}

gboolean
strata_hyperparams_get_early_stopping (StrataHyperparams *self)
{
  return self->early_stopping;
}

guint
strata_hyperparams_get_patience (StrataHyperparams *self)
{
  return self->patience;
}

double
strata_hyperparams_get_min_delta (StrataHyperparams *self)
{
  return self->min_delta;
}

void
strata_hyperparams_get_optimizer_config (StrataHyperparams     *self,
                                         StrataOptimizerConfig *config)
{
  strata_optimizer_config_init (config, self->optimizer);
  config->momentum = self->momentum;
  config->nesterov = self->nesterov;
  config->rho = self->rho;
  config->beta_1 = self->beta_1;
  config->beta_2 = self->beta_2;
  config->epsilon = self->epsilon;
  config->decay = self->decay;
  config->initial_accumulator = self->initial_accumulator;
}

void
strata_hyperparams_get_schedule_config (StrataHyperparams    *self,
                                        StrataScheduleConfig *config)
{
  strata_schedule_config_init (config, self->schedule, self->learning_rate);
  config->step_epochs = self->step_epochs;
  config->factor = self->factor;
  config->warmup_epochs = self->warmup_epochs;
  config->min_lr = self->min_lr;
  config->max_lr = self->max_lr;
  config->patience = self->plateau_patience;
  config->monitor_higher_is_better = g_str_has_suffix (self->monitor, "accuracy");
}

static gboolean
check_choice (const char        *section,
              const char        *name,
              const char        *value,
              const char *const *choices,
              GError           **error)
{
  g_autofree char *list = NULL;

  if (value != NULL && g_strv_contains (choices, value))
    return TRUE;
  list = g_strjoinv (", ", (char **) choices);
  /* Translators: "hyperparameters: “optimizer” must be one of sgd, adam…, not “foo”" */
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
               _("%s: “%s” must be one of %s, not “%s”"), section, name, list,
               value ? value : "");
  return FALSE;
}

/**
 * strata_hyperparams_check:
 *
 * Checks the settings whose values are names, which property ranges can't.
 */
gboolean
strata_hyperparams_check (StrataHyperparams *self,
                          GError           **error)
{
  static const char *const monitors[] = { "val_loss", "val_accuracy", "loss", "accuracy", NULL };
  static const char *const save_on[] = { "epoch", "best", NULL };
  static const char *const precisions[] = { "fp32", "bf16", NULL };
  const char *section = _("hyperparameters");

  return check_choice (section, "optimizer", self->optimizer, strata_optimizer_names (), error) &&
         check_choice (section, "schedule", self->schedule, strata_schedule_names (), error) &&
         check_choice (section, "monitor", self->monitor, monitors, error) &&
         check_choice (section, "save_weights_on", self->save_weights_on, save_on, error) &&
         check_choice (section, "precision", self->precision, precisions, error);
}

JsonNode *
strata_hyperparams_to_json (StrataHyperparams *self)
{
  return strata_json_from_props (G_OBJECT (self));
}

gboolean
strata_hyperparams_load_json (StrataHyperparams *self,
                              JsonNode          *node,
                              GError           **error)
{
  return strata_json_to_props (G_OBJECT (self), node, _("hyperparameters"), error) &&
         strata_hyperparams_check (self, error);
}
