/* strata-hyperparams-page.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-hyperparams-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-form.h"
#include "strata-hyperparams-page.h"
#include "strata-plan.h"
#include "strata-lr-finder-dialog.h"
#include "strata-test-hooks.h"

/**
 * StrataHyperparamsPage:
 *
 * A form over the project's #StrataHyperparams. Every row is bound to a property and limited
 * to its range; the rows of an optimizer's or a schedule's own settings show only when that
 * optimizer or schedule is chosen. Choosing another optimizer resets its settings to Keras'
 * defaults for it, as strata_hyperparams_set_optimizer() does.
 */

struct _StrataHyperparamsPage
{
  AdwPreferencesPage parent_instance;

  /* Template widgets */
  GtkSpinButton *epochs;
  GtkSpinButton *batch_size;
  AdwComboRow *precision_row;
  GtkSpinButton *seed;
  AdwComboRow *optimizer_row;
  GtkSpinButton *learning_rate;
  GtkWidget *momentum_row;
  GtkSpinButton *momentum;
  GtkWidget *nesterov_row;
  GtkSwitch *nesterov;
  GtkWidget *rho_row;
  GtkSpinButton *rho;
  GtkWidget *beta_1_row;
  GtkSpinButton *beta_1;
  GtkWidget *beta_2_row;
  GtkSpinButton *beta_2;
  GtkWidget *epsilon_row;
  GtkSpinButton *epsilon;
  GtkWidget *initial_accumulator_row;
  GtkSpinButton *initial_accumulator;
  GtkSpinButton *decay;
  AdwComboRow *schedule_row;
  GtkWidget *step_epochs_row;
  GtkSpinButton *step_epochs;
  GtkWidget *factor_row;
  GtkSpinButton *factor;
  GtkWidget *warmup_epochs_row;
  GtkSpinButton *warmup_epochs;
  GtkWidget *min_lr_row;
  GtkSpinButton *min_lr;
  GtkWidget *max_lr_row;
  GtkSpinButton *max_lr;
  GtkWidget *plateau_patience_row;
  GtkSpinButton *plateau_patience;
  AdwComboRow *monitor_row;
  AdwExpanderRow *early_stopping_row;
  GtkSpinButton *patience;
  GtkSpinButton *min_delta;
  GtkWidget *find_lr_button;

  /* Owned references */
  StrataProject *project;
  GBindingGroup *bindings;
  GSignalGroup *signals;
  StrataHyperparams *hyperparams;
};

G_DEFINE_FINAL_TYPE (StrataHyperparamsPage, strata_hyperparams_page, ADW_TYPE_PREFERENCES_PAGE)

/* Which optimizers and schedules use which setting: the Keras semantics of engine/optim/. */
static const struct
{
  const char *row;
  const char *const users[8];
} optimizer_rows[] = {
  { "momentum", { "sgd", "rmsprop", NULL } },
  { "nesterov", { "sgd", NULL } },
  { "rho", { "rmsprop", "adadelta", NULL } },
  { "beta_1", { "adam", "adamax", "nadam", NULL } },
  { "beta_2", { "adam", "adamax", "nadam", NULL } },
  { "epsilon", { "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam", NULL } },
  { "initial_accumulator", { "adagrad", NULL } },
}, schedule_rows[] = {
  { "step_epochs", { "step", NULL } },
  { "factor", { "step", "exponential", "reduce_on_plateau", NULL } },
  { "warmup_epochs", { "cosine", NULL } },
  { "min_lr", { "step", "exponential", "cosine", "reduce_on_plateau", NULL } },
  { "max_lr", { "one_cycle", NULL } },
  { "plateau_patience", { "reduce_on_plateau", NULL } },
};

static const char *const monitors[] = { "val_accuracy", "val_loss", "accuracy", "loss", NULL };
static const char *const precisions[] = { "fp32", "bf16", NULL };

static GtkWidget *
row_widget (StrataHyperparamsPage *self,
            const char            *name)
{
  g_autofree char *id = g_strconcat (name, "_row", NULL);

  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                    STRATA_TYPE_HYPERPARAMS_PAGE, id));
}

static void
update_visible_rows (StrataHyperparamsPage *self)
{
  const char *optimizer, *schedule;
  g_autofree char *schedule_owned = NULL;

  if (self->hyperparams == NULL)
    return;
  optimizer = strata_hyperparams_get_optimizer (self->hyperparams);
  g_object_get (self->hyperparams, "schedule", &schedule_owned, NULL);
  schedule = schedule_owned;
  for (guint i = 0; i < G_N_ELEMENTS (optimizer_rows); i++)
    gtk_widget_set_visible (row_widget (self, optimizer_rows[i].row),
                            g_strv_contains (optimizer_rows[i].users, optimizer));
  for (guint i = 0; i < G_N_ELEMENTS (schedule_rows); i++)
    gtk_widget_set_visible (row_widget (self, schedule_rows[i].row),
                            g_strv_contains (schedule_rows[i].users, schedule));
  /* the optimizer row follows the model, without re-resetting its settings */
  {
    const char *const *names = strata_optimizer_names ();

    for (guint i = 0; names[i]; i++)
      if (g_str_equal (names[i], optimizer) &&
          adw_combo_row_get_selected (self->optimizer_row) != i)
        adw_combo_row_set_selected (self->optimizer_row, i);
  }
}

static void
on_optimizer_selected (StrataHyperparamsPage *self)
{
  const char *const *names = strata_optimizer_names ();
  guint selected = adw_combo_row_get_selected (self->optimizer_row);

  if (self->hyperparams == NULL || selected >= g_strv_length ((char **) names))
    return;
  if (g_strcmp0 (names[selected], strata_hyperparams_get_optimizer (self->hyperparams)) != 0)
    strata_hyperparams_set_optimizer (self->hyperparams, names[selected]);
}

void
strata_hyperparams_page_set_project (StrataHyperparamsPage *self,
                                     StrataProject         *project)
{
  StrataHyperparams *hyperparams;

  g_return_if_fail (STRATA_IS_HYPERPARAMS_PAGE (self));
  g_return_if_fail (!project || STRATA_IS_PROJECT (project));

  g_set_object (&self->project, project);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hyperparams.find-learning-rate",
                                 project != NULL);
  hyperparams = project ? strata_project_get_hyperparams (project) : NULL;
  if (!g_set_object (&self->hyperparams, hyperparams))
    return;
  g_binding_group_set_source (self->bindings, hyperparams);
  g_signal_group_set_target (self->signals, hyperparams);
  update_visible_rows (self);
}

/* The learning-rate range test on the project as it is now, in its own dialog. */
static void
action_find_learning_rate (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  StrataHyperparamsPage *self = STRATA_HYPERPARAMS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->project == NULL)
    return;
  gtk_window_present (GTK_WINDOW (strata_lr_finder_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                               self->project)));
}

void
strata_hyperparams_page_add_test_widgets (StrataHyperparamsPage *self,
                                          JsonBuilder           *builder)
{
  strata_test_hooks_add_widget (builder, "hyperparams-find-lr", self->find_lr_button);
  strata_test_hooks_add_widget (builder, "hyperparams-precision", GTK_WIDGET (self->precision_row));
  /* not a widget: what the Precision row says under its title */
  json_builder_set_member_name (builder, "hyperparams-precision-subtitle");
  json_builder_add_string_value (builder,
                                 adw_action_row_get_subtitle (ADW_ACTION_ROW (self->precision_row)));
  strata_test_hooks_add_widget (builder, "hyperparams-learning-rate",
                                GTK_WIDGET (self->learning_rate));
}

static void
strata_hyperparams_page_dispose (GObject *object)
{
  StrataHyperparamsPage *self = (StrataHyperparamsPage *) object;

  if (self->bindings)
    g_binding_group_set_source (self->bindings, NULL);
  g_clear_object (&self->bindings);
  g_clear_object (&self->signals);
  g_clear_object (&self->hyperparams);
  g_clear_object (&self->project);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_HYPERPARAMS_PAGE);

  G_OBJECT_CLASS (strata_hyperparams_page_parent_class)->dispose (object);
}

static void
strata_hyperparams_page_class_init (StrataHyperparamsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_hyperparams_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-hyperparams-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, StrataHyperparamsPage, name)
  CHILD (epochs);
  CHILD (batch_size);
  CHILD (precision_row);
  CHILD (seed);
  CHILD (optimizer_row);
  CHILD (learning_rate);
  CHILD (momentum_row);
  CHILD (momentum);
  CHILD (nesterov_row);
  CHILD (nesterov);
  CHILD (rho_row);
  CHILD (rho);
  CHILD (beta_1_row);
  CHILD (beta_1);
  CHILD (beta_2_row);
  CHILD (beta_2);
  CHILD (epsilon_row);
  CHILD (epsilon);
  CHILD (initial_accumulator_row);
  CHILD (initial_accumulator);
  CHILD (decay);
  CHILD (schedule_row);
  CHILD (step_epochs_row);
  CHILD (step_epochs);
  CHILD (factor_row);
  CHILD (factor);
  CHILD (warmup_epochs_row);
  CHILD (warmup_epochs);
  CHILD (min_lr_row);
  CHILD (min_lr);
  CHILD (max_lr_row);
  CHILD (max_lr);
  CHILD (plateau_patience_row);
  CHILD (plateau_patience);
  CHILD (monitor_row);
  CHILD (early_stopping_row);
  CHILD (patience);
  CHILD (min_delta);
  CHILD (find_lr_button);
#undef CHILD
  gtk_widget_class_install_action (widget_class, "hyperparams.find-learning-rate", NULL,
                                   action_find_learning_rate);
}

static void
strata_hyperparams_page_init (StrataHyperparamsPage *self)
{
  const GType type = STRATA_TYPE_HYPERPARAMS;
  const struct { GtkSpinButton **spin; const char *property; } spins[] = {
    { &self->epochs, "epochs" },
    { &self->batch_size, "batch-size" },
    { &self->seed, "seed" },
    { &self->learning_rate, "learning-rate" },
    { &self->momentum, "momentum" },
    { &self->rho, "rho" },
    { &self->beta_1, "beta-1" },
    { &self->beta_2, "beta-2" },
    { &self->epsilon, "epsilon" },
    { &self->initial_accumulator, "initial-accumulator" },
    { &self->decay, "decay" },
    { &self->step_epochs, "step-epochs" },
    { &self->factor, "factor" },
    { &self->warmup_epochs, "warmup-epochs" },
    { &self->min_lr, "min-lr" },
    { &self->max_lr, "max-lr" },
    { &self->plateau_patience, "plateau-patience" },
    { &self->patience, "patience" },
    { &self->min_delta, "min-delta" },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bindings = g_binding_group_new ();
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      strata_form_bind_spin (self->bindings, type, spins[i].property, *spins[i].spin, 1);
    }
  strata_form_bind_switch (self->bindings, "nesterov", self->nesterov);
  strata_form_bind_combo_strings (self->bindings, "schedule", self->schedule_row,
                                  strata_schedule_names ());
  strata_form_bind_combo_strings (self->bindings, "monitor", self->monitor_row, monitors);
  strata_form_bind_combo_strings (self->bindings, "precision", self->precision_row, precisions);
  /* where it is chosen: bf16 on this processor would quietly train in fp32 */
  if (!strata_plan_has_bf16 ())
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->precision_row),
                                 _("This processor lacks AVX512-BF16: bfloat16 trains in 32-bit "
                                   "float here"));
  g_binding_group_bind (self->bindings, "early-stopping", self->early_stopping_row,
                        "enable-expansion", G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);

  /* the optimizer goes through strata_hyperparams_set_optimizer(), which resets its settings */
  g_signal_connect_object (self->optimizer_row, "notify::selected",
                           G_CALLBACK (on_optimizer_selected), self, G_CONNECT_SWAPPED);
  self->signals = g_signal_group_new (STRATA_TYPE_HYPERPARAMS);
  g_signal_group_connect_object (self->signals, "notify::optimizer",
                                 G_CALLBACK (update_visible_rows), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->signals, "notify::schedule",
                                 G_CALLBACK (update_visible_rows), self, G_CONNECT_SWAPPED);
}
