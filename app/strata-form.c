/* strata-form.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-form"

#include "config.h"

#include <math.h>

#include "strata-form.h"

/*
 * The Data and Hyperparameters pages bind their rows to the engine's GObjects through
 * GBindingGroups, so a page can switch projects by switching the groups' source. A spin
 * button takes its range from the property's GParamSpec, so a value the engine would refuse
 * can't be typed in the first place.
 */

/* Large enough for any seed a person types, small enough that a double holds it exactly. */
#define MAX_SPIN_VALUE 1e15

static double
pspec_bound (GParamSpec *pspec,
             gboolean    upper)
{
  if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    return upper ? G_PARAM_SPEC_DOUBLE (pspec)->maximum : G_PARAM_SPEC_DOUBLE (pspec)->minimum;
  if (G_IS_PARAM_SPEC_INT (pspec))
    return upper ? G_PARAM_SPEC_INT (pspec)->maximum : G_PARAM_SPEC_INT (pspec)->minimum;
  if (G_IS_PARAM_SPEC_UINT (pspec))
    return upper ? G_PARAM_SPEC_UINT (pspec)->maximum : G_PARAM_SPEC_UINT (pspec)->minimum;
  if (G_IS_PARAM_SPEC_UINT64 (pspec))
    return upper ? MIN ((double) G_PARAM_SPEC_UINT64 (pspec)->maximum, MAX_SPIN_VALUE)
                 : (double) G_PARAM_SPEC_UINT64 (pspec)->minimum;
  if (G_IS_PARAM_SPEC_INT64 (pspec))
    return upper ? MIN ((double) G_PARAM_SPEC_INT64 (pspec)->maximum, MAX_SPIN_VALUE)
                 : (double) G_PARAM_SPEC_INT64 (pspec)->minimum;
  g_return_val_if_reached (0);
}

static gboolean
number_to_spin (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  double scale = *(double *) user_data;
  GValue d = G_VALUE_INIT;

  g_value_init (&d, G_TYPE_DOUBLE);
  if (!g_value_transform (from, &d))
    return FALSE;
  g_value_set_double (to, g_value_get_double (&d) * scale);
  return TRUE;
}

static gboolean
spin_to_number (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  double scale = *(double *) user_data;
  double v = g_value_get_double (from) / scale;

  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (to)))
    {
    case G_TYPE_DOUBLE:
      g_value_set_double (to, v);
      return TRUE;
    case G_TYPE_INT:
      g_value_set_int (to, (int) lround (v));
      return TRUE;
    case G_TYPE_UINT:
      g_value_set_uint (to, (guint) MAX (0, lround (v)));
      return TRUE;
    case G_TYPE_INT64:
      g_value_set_int64 (to, (gint64) llround (v));
      return TRUE;
    case G_TYPE_UINT64:
      g_value_set_uint64 (to, (guint64) MAX (0, llround (v)));
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * strata_form_bind_spin:
 * @source_type: the type whose @property the group's source will have
 * @scale: shown value = property value × @scale (100 shows a fraction as a percentage)
 *
 * Limits @spin to the property's range and binds them both ways.
 */
void
strata_form_bind_spin (GBindingGroup *group,
                       GType          source_type,
                       const char    *property,
                       GtkSpinButton *spin,
                       double         scale)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (source_type);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), property);
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
  double *data;

  g_return_if_fail (pspec != NULL);

  gtk_adjustment_set_lower (adjustment, pspec_bound (pspec, FALSE) * scale);
  gtk_adjustment_set_upper (adjustment, pspec_bound (pspec, TRUE) * scale);
  gtk_spin_button_set_numeric (spin, FALSE);
  /* fractions read as a person writes them: 0.9, 0.999, 1e-07 */
  if (G_IS_PARAM_SPEC_DOUBLE (pspec) && scale == 1)
    strata_form_set_scientific (spin);
  gtk_spin_button_set_update_policy (spin, GTK_UPDATE_IF_VALID);
  data = g_new (double, 1);
  *data = scale;
  g_binding_group_bind_full (group, property, spin, "value",
                             G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL,
                             number_to_spin, spin_to_number, data, g_free);
}

static gboolean on_scientific_output (GtkSpinButton *spin);
static int      on_scientific_input  (GtkSpinButton *spin,
                                      double        *value);

static gboolean
on_scientific_output (GtkSpinButton *spin)
{
  double v = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  /* 0.001, 1e-07: as a person writes learning rates */
  g_ascii_formatd (text, sizeof text, "%.4g", v);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_scientific_input (GtkSpinButton *spin,
                     double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);

  if (end == text || !isfinite (v))
    return GTK_INPUT_ERROR;
  while (end && g_ascii_isspace (*end))
    end++;
  if (end && *end != '\0')
    return GTK_INPUT_ERROR;
  *value = v;
  return TRUE;
}

/**
 * strata_form_set_scientific:
 *
 * Shows and reads the value as 0.001 or 1e-07, for values across orders of magnitude.
 */
void
strata_form_set_scientific (GtkSpinButton *spin)
{
  g_signal_connect (spin, "output", G_CALLBACK (on_scientific_output), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (on_scientific_input), NULL);
}

typedef struct
{
  int *values;
  guint n;
  GStrv strings;
} Choices;

static void
choices_free (Choices *c)
{
  g_free (c->values);
  g_strfreev (c->strings);
  g_free (c);
}

static gboolean
value_to_index (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  Choices *c = user_data;
  GValue i = G_VALUE_INIT;
  int v;

  if (G_VALUE_HOLDS_ENUM (from))
    v = g_value_get_enum (from);
  else
    {
      g_value_init (&i, G_TYPE_INT);
      if (!g_value_transform (from, &i))
        return FALSE;
      v = g_value_get_int (&i);
    }
  for (guint k = 0; k < c->n; k++)
    if (c->values[k] == v)
      {
        g_value_set_uint (to, k);
        return TRUE;
      }
  return FALSE;
}

static gboolean
index_to_value (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  Choices *c = user_data;
  guint k = g_value_get_uint (from);

  if (k >= c->n)
    return FALSE;
  if (G_VALUE_HOLDS_ENUM (to))
    g_value_set_enum (to, c->values[k]);
  else if (G_VALUE_HOLDS_UINT (to))
    g_value_set_uint (to, (guint) c->values[k]);
  else if (G_VALUE_HOLDS_INT (to))
    g_value_set_int (to, c->values[k]);
  else
    return FALSE;
  return TRUE;
}

/**
 * strata_form_bind_combo_values:
 * @values: the property's value for each item of @row's model, in order
 *
 * Binds the row's selection to a numeric or enum property both ways.
 */
void
strata_form_bind_combo_values (GBindingGroup *group,
                               const char    *property,
                               AdwComboRow   *row,
                               const int     *values,
                               guint          n_values)
{
  Choices *c = g_new0 (Choices, 1);

  c->values = g_memdup2 (values, n_values * sizeof (int));
  c->n = n_values;
  g_binding_group_bind_full (group, property, row, "selected",
                             G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL,
                             value_to_index, index_to_value, c, (GDestroyNotify) choices_free);
}

/**
 * strata_form_bind_combo_enum:
 *
 * The row's items name the enum's values in their order: 0, 1, 2…
 */
void
strata_form_bind_combo_enum (GBindingGroup *group,
                             const char    *property,
                             AdwComboRow   *row)
{
  GListModel *model = adw_combo_row_get_model (row);
  guint n = model ? g_list_model_get_n_items (model) : 0;
  g_autofree int *values = g_new (int, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    values[i] = (int) i;
  strata_form_bind_combo_values (group, property, row, values, n);
}

static gboolean
string_to_index (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  Choices *c = user_data;
  const char *s = g_value_get_string (from);

  for (guint k = 0; c->strings[k]; k++)
    if (g_strcmp0 (c->strings[k], s) == 0)
      {
        g_value_set_uint (to, k);
        return TRUE;
      }
  return FALSE;
}

static gboolean
index_to_string (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      user_data)
{
  Choices *c = user_data;
  guint k = g_value_get_uint (from);

  if (k >= g_strv_length (c->strings))
    return FALSE;
  g_value_set_string (to, c->strings[k]);
  return TRUE;
}

/**
 * strata_form_bind_combo_strings:
 * @choices: the property's value for each item of @row's model, in order
 */
void
strata_form_bind_combo_strings (GBindingGroup      *group,
                                const char         *property,
                                AdwComboRow        *row,
                                const char * const *choices)
{
  Choices *c = g_new0 (Choices, 1);

  c->strings = g_strdupv ((char **) choices);
  g_binding_group_bind_full (group, property, row, "selected",
                             G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL,
                             string_to_index, index_to_string, c, (GDestroyNotify) choices_free);
}

void
strata_form_bind_switch (GBindingGroup *group,
                         const char    *property,
                         GtkSwitch     *widget)
{
  g_binding_group_bind (group, property, widget, "active",
                        G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
}

/**
 * strata_form_spin_row_new:
 * @spin: (out): the row's spin button, to bind
 *
 * Returns: (transfer floating): a row with a spin button at its end, for rows made in code
 */
GtkWidget *
strata_form_spin_row_new (const char     *title,
                          const char     *subtitle,
                          GtkSpinButton **spin)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_spin_button_new_with_range (0, 1, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* as wide as the spin buttons of the .ui forms */
  gtk_editable_set_width_chars (GTK_EDITABLE (button), 8);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  *spin = GTK_SPIN_BUTTON (button);
  return row;
}
