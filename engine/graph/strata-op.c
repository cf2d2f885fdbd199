/* strata-op.c: the registry of layer types and parameter checks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-op"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-op.h"
#include "strata-op-table.h"

G_DEFINE_QUARK (strata-op-error-quark, strata_op_error)

const GVariantType *
strata_param_spec_get_variant_type (const StrataParamSpec *spec)
{
  switch (spec->kind)
    {
    case STRATA_PARAM_INT:
      return G_VARIANT_TYPE_INT32;
    case STRATA_PARAM_FLOAT:
      return G_VARIANT_TYPE_DOUBLE;
    case STRATA_PARAM_BOOL:
      return G_VARIANT_TYPE_BOOLEAN;
    case STRATA_PARAM_ENUM:
    case STRATA_PARAM_STRING:
      return G_VARIANT_TYPE_STRING;
    case STRATA_PARAM_INTS:
      return G_VARIANT_TYPE ("ai");
    case STRATA_PARAM_STRINGS:
      return G_VARIANT_TYPE_STRING_ARRAY;
    default:
      g_return_val_if_reached (G_VARIANT_TYPE_ANY);
    }
}

/**
 * strata_param_spec_dup_default:
 *
 * Returns: (transfer full): the default value
 */
GVariant *
strata_param_spec_dup_default (const StrataParamSpec *spec)
{
  g_autoptr(GError) error = NULL;
  GVariant *value;

  value = g_variant_parse (strata_param_spec_get_variant_type (spec), spec->default_value,
                           NULL, NULL, &error);
  /* The defaults are compiled in: a parse failure is a bug in the op table. */
  if (value == NULL)
    g_error ("Bad default “%s” for parameter %s: %s", spec->default_value, spec->name,
             error->message);
  return value;   /* g_variant_parse() gives a full, non-floating reference */
}

static gboolean
check_number (const StrataParamSpec *spec,
              double                 value,
              GError               **error)
{
  if (value >= spec->min && value <= spec->max && !isnan (value))
    return TRUE;
  /* Translators: "Filters must be between 1 and 65536" */
  g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_BAD_PARAM,
               _("%s must be between %g and %g"), _(spec->label), spec->min, spec->max);
  return FALSE;
}

/**
 * strata_param_spec_check:
 *
 * Returns: whether @value has the right type and lies within the spec's range or choices
 */
gboolean
strata_param_spec_check (const StrataParamSpec *spec,
                         GVariant              *value,
                         GError               **error)
{
  if (!g_variant_is_of_type (value, strata_param_spec_get_variant_type (spec)))
    {
      g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_BAD_PARAM,
                   _("%s has a value of the wrong type"), _(spec->label));
      return FALSE;
    }

  switch (spec->kind)
    {
    case STRATA_PARAM_INT:
      return check_number (spec, g_variant_get_int32 (value), error);
    case STRATA_PARAM_FLOAT:
      return check_number (spec, g_variant_get_double (value), error);
    case STRATA_PARAM_ENUM:
      if (!g_strv_contains (spec->choices, g_variant_get_string (value, NULL)))
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) spec->choices);
          g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_BAD_PARAM,
                       _("%s must be one of %s, not “%s”"), _(spec->label), choices,
                       g_variant_get_string (value, NULL));
          return FALSE;
        }
      return TRUE;
    case STRATA_PARAM_INTS:
      {
        gsize n;
        const gint32 *values = g_variant_get_fixed_array (value, &n, sizeof (gint32));
        if ((int) n != spec->n_components)
          {
            g_set_error (error, STRATA_OP_ERROR, STRATA_OP_ERROR_BAD_PARAM,
                         _("%s needs %d numbers"), _(spec->label), spec->n_components);
            return FALSE;
          }
        for (gsize i = 0; i < n; i++)
          if (!check_number (spec, values[i], error))
            return FALSE;
        return TRUE;
      }
    case STRATA_PARAM_BOOL:
    case STRATA_PARAM_STRING:
    case STRATA_PARAM_STRINGS:
    default:
      return TRUE;
    }
}

const StrataOpInfo *
strata_op_lookup (const char *type)
{
  guint n;
  const StrataOpInfo *const *ops = strata_op_list (&n);

  if (type == NULL)
    return NULL;
  for (guint i = 0; i < n; i++)
    if (g_str_equal (ops[i]->type, type))
      return ops[i];
  return NULL;
}

/**
 * strata_op_list:
 *
 * Returns: (transfer none): every layer type, in palette order
 */
const StrataOpInfo *const *
strata_op_list (guint *n_ops)
{
  static const StrataOpInfo *const ops[] = {
    &strata_op_vgg16,
    &strata_op_vgg19,
    &strata_op_resnet50,
    &strata_op_inception_v3,
    &strata_op_mobilenet_v2,
    &strata_op_densenet121,
    &strata_op_input,
    &strata_op_output,
    &strata_op_dense,
    &strata_op_dropout,
    &strata_op_flatten,
    &strata_op_activation,
    &strata_op_conv2d,
    &strata_op_depthwise_conv2d,
    &strata_op_zero_padding2d,
    &strata_op_max_pooling2d,
    &strata_op_average_pooling2d,
    &strata_op_global_average_pooling2d,
    &strata_op_global_max_pooling2d,
    &strata_op_batch_normalization,
    &strata_op_add,
    &strata_op_concatenate,
  };

  if (n_ops)
    *n_ops = G_N_ELEMENTS (ops);
  return ops;
}

/**
 * strata_op_categories:
 *
 * Returns: (transfer none): the palette categories in display order
 */
const char *const *
strata_op_categories (void)
{
  static const char *const categories[] = {
    "pretrained", "core", "convolutional", "pooling", "normalization", "activations", "merge",
    NULL
  };
  return categories;
}

const char *
strata_op_category_label (const char *category)
{
  static const struct { const char *id; const char *label; } labels[] = {
    { "pretrained", N_("Pretrained Models") },
    { "core", N_("Core") },
    { "convolutional", N_("Convolutional") },
    { "pooling", N_("Pooling") },
    { "normalization", N_("Normalization") },
    { "activations", N_("Activations") },
    { "merge", N_("Merge") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].id, category) == 0)
      return _(labels[i].label);
  return category;
}

const StrataParamSpec *
strata_op_find_param (const StrataOpInfo *op,
                      const char         *name)
{
  for (guint i = 0; i < op->n_params; i++)
    if (g_str_equal (op->params[i].name, name))
      return &op->params[i];
  return NULL;
}

/**
 * strata_op_default_id_stem:
 *
 * Returns: the Keras layer-name stem for the type: "Conv2D" → "conv2d",
 *   "BatchNormalization" → "batch_normalization", "MaxPooling2D" → "max_pooling2d"; a
 *   pretrained model's name in lower case, as Keras names models: "resnet50"
 */
char *
strata_op_default_id_stem (const StrataOpInfo *op)
{
  const char *type = op->type;
  GString *s;

  if (g_strcmp0 (op->category, "pretrained") == 0)
    return g_ascii_strdown (type, -1);
  s = g_string_new (NULL);

  for (const char *p = type; *p; p++)
    {
      /* An upper-case letter starts a word unless it follows a digit run ("2D"). */
      if (g_ascii_isupper (*p) && p != type && !g_ascii_isdigit (p[-1]) &&
          !(g_ascii_isupper (p[-1]) && !g_ascii_islower (p[1])))
        g_string_append_c (s, '_');
      g_string_append_c (s, g_ascii_tolower (*p));
    }
  return g_string_free (s, FALSE);
}
