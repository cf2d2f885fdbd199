/* strata-props.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "strata-dataset.h"
#include "strata-props-private.h"

#define FIELD(instance, offset, type) ((type *) (gpointer) ((guint8 *) (instance) + (offset)))

void
_strata_props_get (gpointer    instance,
                   gsize       offset,
                   GParamSpec *pspec,
                   GValue     *value)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, *FIELD (instance, offset, gboolean));
  else if (type == G_TYPE_UINT)
    g_value_set_uint (value, *FIELD (instance, offset, guint));
  else if (type == G_TYPE_UINT64)
    g_value_set_uint64 (value, *FIELD (instance, offset, guint64));
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (value, *FIELD (instance, offset, double));
  else if (G_TYPE_IS_ENUM (type))
    g_value_set_enum (value, *FIELD (instance, offset, int));
  else if (type == G_TYPE_STRING)
    g_value_set_string (value, *FIELD (instance, offset, char *));
  else if (type == G_TYPE_STRV)
    g_value_set_boxed (value, *FIELD (instance, offset, char **));
  else if (type == G_TYPE_VARIANT)
    g_value_set_variant (value, *FIELD (instance, offset, GVariant *));
  else
    g_assert_not_reached ();
}

gboolean
_strata_props_set (gpointer      instance,
                   gsize         offset,
                   GParamSpec   *pspec,
                   const GValue *value)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

#define SET_SCALAR(ctype, getter)                                 \
  G_STMT_START {                                                  \
    ctype *field = FIELD (instance, offset, ctype);               \
    ctype v = getter (value);                                     \
    if (*field == v)                                              \
      return FALSE;                                               \
    *field = v;                                                   \
    return TRUE;                                                  \
  } G_STMT_END

  if (type == G_TYPE_BOOLEAN)
    SET_SCALAR (gboolean, g_value_get_boolean);
  else if (type == G_TYPE_UINT)
    SET_SCALAR (guint, g_value_get_uint);
  else if (type == G_TYPE_UINT64)
    SET_SCALAR (guint64, g_value_get_uint64);
  else if (type == G_TYPE_DOUBLE)
    SET_SCALAR (double, g_value_get_double);
  else if (G_TYPE_IS_ENUM (type))
    SET_SCALAR (int, g_value_get_enum);
  else if (type == G_TYPE_STRING)
    {
      char **field = FIELD (instance, offset, char *);
      const char *v = g_value_get_string (value);

      if (v == NULL)
        v = "";
      if (g_strcmp0 (*field, v) == 0)
        return FALSE;
      g_free (*field);
      *field = g_strdup (v);
      return TRUE;
    }
  else if (type == G_TYPE_STRV)
    {
      char ***field = FIELD (instance, offset, char **);
      const char * const *v = g_value_get_boxed (value);
      const char * const empty[] = { NULL };

      if (v == NULL)
        v = empty;
      if (*field && g_strv_equal ((const char * const *) *field, v))
        return FALSE;
      g_strfreev (*field);
      *field = g_strdupv ((char **) v);
      return TRUE;
    }
  else if (type == G_TYPE_VARIANT)
    {
      GVariant **field = FIELD (instance, offset, GVariant *);
      GVariant *v = g_value_get_variant (value);

      if (v == NULL)
        v = G_PARAM_SPEC_VARIANT (pspec)->default_value;
      if (*field && g_variant_equal (*field, v))
        return FALSE;
      g_clear_pointer (field, g_variant_unref);
      *field = g_variant_ref_sink (v);
      return TRUE;
    }
  g_assert_not_reached ();
#undef SET_SCALAR
}

void
_strata_props_free (gpointer    instance,
                    gsize       offset,
                    GParamSpec *pspec)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  if (type == G_TYPE_STRING)
    g_clear_pointer (FIELD (instance, offset, char *), g_free);
  else if (type == G_TYPE_STRV)
    g_clear_pointer (FIELD (instance, offset, char **), g_strfreev);
  else if (type == G_TYPE_VARIANT)
    g_clear_pointer (FIELD (instance, offset, GVariant *), g_variant_unref);
}

static char *
json_name (const char *property)
{
  char *name = g_strdup (property);

  g_strdelimit (name, "-", '_');
  return name;
}

static gboolean
is_persistent (GParamSpec *pspec)
{
  return (pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE &&
         !(pspec->flags & G_PARAM_CONSTRUCT_ONLY);
}

void
_strata_props_to_json (GObject     *object,
                       JsonBuilder *builder)
{
  guint n = 0;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);

  for (guint i = 0; i < n; i++)
    {
      GParamSpec *pspec = pspecs[i];
      GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *name = NULL;

      if (!is_persistent (pspec))
        continue;
      name = json_name (pspec->name);
      g_value_init (&value, type);
      g_object_get_property (object, pspec->name, &value);
      json_builder_set_member_name (builder, name);
      if (type == G_TYPE_BOOLEAN)
        json_builder_add_boolean_value (builder, g_value_get_boolean (&value));
      else if (type == G_TYPE_UINT)
        json_builder_add_int_value (builder, g_value_get_uint (&value));
      else if (type == G_TYPE_UINT64)
        json_builder_add_int_value (builder, (gint64) g_value_get_uint64 (&value));
      else if (type == G_TYPE_DOUBLE)
        json_builder_add_double_value (builder, g_value_get_double (&value));
      else if (G_TYPE_IS_ENUM (type))
        json_builder_add_string_value (builder,
                                       strata_enum_to_nick (type, g_value_get_enum (&value)));
      else if (type == G_TYPE_STRING)
        json_builder_add_string_value (builder, g_value_get_string (&value));
      else if (type == G_TYPE_STRV)
        {
          const char * const *strv = g_value_get_boxed (&value);

          json_builder_begin_array (builder);
          for (guint j = 0; strv && strv[j]; j++)
            json_builder_add_string_value (builder, strv[j]);
          json_builder_end_array (builder);
        }
      else if (type == G_TYPE_VARIANT)
        {
          GVariant *v = g_value_get_variant (&value);
          gsize len = 0;
          const double *d = v ? g_variant_get_fixed_array (v, &len, sizeof (double)) : NULL;

          json_builder_begin_array (builder);
          for (gsize j = 0; j < len; j++)
            json_builder_add_double_value (builder, d[j]);
          json_builder_end_array (builder);
        }
      else
        g_assert_not_reached ();
    }
}

static gboolean
number_from_node (JsonNode *node,
                  double   *number)
{
  GType vt;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  vt = json_node_get_value_type (node);
  if (vt == G_TYPE_INT64)
    *number = (double) json_node_get_int (node);
  else if (vt == G_TYPE_DOUBLE)
    *number = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*number);
}

static gboolean
value_from_node (GParamSpec  *pspec,
                 JsonNode    *node,
                 GValue      *value,
                 const char  *context,
                 const char  *name,
                 GError     **error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  double number = 0;

  g_value_init (value, type);

  if (type == G_TYPE_BOOLEAN)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        goto wrong_type;
      g_value_set_boolean (value, json_node_get_boolean (node));
      return TRUE;
    }

  if (type == G_TYPE_UINT || type == G_TYPE_UINT64)
    {
      double min, max;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        goto wrong_type;
      if (type == G_TYPE_UINT)
        {
          min = G_PARAM_SPEC_UINT (pspec)->minimum;
          max = G_PARAM_SPEC_UINT (pspec)->maximum;
        }
      else
        {
          min = (double) G_PARAM_SPEC_UINT64 (pspec)->minimum;
          max = (double) G_PARAM_SPEC_UINT64 (pspec)->maximum;
        }
      if (json_node_get_int (node) < 0 ||
          (double) json_node_get_int (node) < min || (double) json_node_get_int (node) > max)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                       /* Translators: %s are a place (e.g. "dataset settings") and a
                        * setting name, %.0f the bounds */
                       _("In the %s, “%s” must be a whole number from %.0f to %.0f"),
                       context, name, min, max);
          return FALSE;
        }
      if (type == G_TYPE_UINT)
        g_value_set_uint (value, (guint) json_node_get_int (node));
      else
        g_value_set_uint64 (value, (guint64) json_node_get_int (node));
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      GParamSpecDouble *d = G_PARAM_SPEC_DOUBLE (pspec);

      if (!number_from_node (node, &number))
        goto wrong_type;
      if (number < d->minimum || number > d->maximum)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                       _("In the %s, “%s” must be between %g and %g, not %g"),
                       context, name, d->minimum, d->maximum, number);
          return FALSE;
        }
      g_value_set_double (value, number);
      return TRUE;
    }

  if (G_TYPE_IS_ENUM (type))
    {
      const char *nick;
      int v;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        goto wrong_type;
      nick = json_node_get_string (node);
      if (!strata_enum_from_nick (type, nick, &v))
        {
          g_autoptr(GEnumClass) klass = g_type_class_ref (type);
          g_autoptr(GString) choices = g_string_new (NULL);

          for (guint i = 0; i < klass->n_values; i++)
            g_string_append_printf (choices, "%s“%s”", i ? ", " : "",
                                    klass->values[i].value_nick);
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                       /* Translators: the last %s is a list of the accepted words */
                       _("In the %s, “%s” is not a valid value for “%s” (expected one of %s)"),
                       context, nick, name, choices->str);
          return FALSE;
        }
      g_value_set_enum (value, v);
      return TRUE;
    }

  if (type == G_TYPE_STRING)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        goto wrong_type;
      g_value_set_string (value, json_node_get_string (node));
      return TRUE;
    }

  if (type == G_TYPE_STRV)
    {
      JsonArray *array;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto wrong_type;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            goto wrong_type;
          g_strv_builder_add (builder, json_node_get_string (element));
        }
      g_value_take_boxed (value, g_strv_builder_end (builder));
      return TRUE;
    }

  if (type == G_TYPE_VARIANT)
    {
      JsonArray *array;
      g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (double));

      if (!JSON_NODE_HOLDS_ARRAY (node))
        goto wrong_type;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!number_from_node (json_array_get_element (array, i), &number))
            goto wrong_type;
          g_array_append_val (numbers, number);
        }
      g_value_set_variant (value, g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE,
                                                             numbers->data, numbers->len,
                                                             sizeof (double)));
      return TRUE;
    }

  g_assert_not_reached ();

wrong_type:
  {
    const char *expected;

    if (type == G_TYPE_BOOLEAN)
      expected = _("true or false");
    else if (type == G_TYPE_UINT || type == G_TYPE_UINT64)
      expected = _("a whole number");
    else if (type == G_TYPE_DOUBLE)
      expected = _("a number");
    else if (type == G_TYPE_STRV)
      expected = _("a list of text strings");
    else if (type == G_TYPE_VARIANT)
      expected = _("a list of numbers");
    else
      expected = _("a text string");
    g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                 /* Translators: "In the dataset settings, “image_width” must be a whole number" */
                 _("In the %s, “%s” must be %s"), context, name, expected);
    return FALSE;
  }
}

gboolean
_strata_props_from_json (GObject            *object,
                         JsonObject         *json,
                         const char * const *handled,
                         const char         *context,
                         GError            **error)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (object);
  g_autoptr(GList) members = json_object_get_members (json);

  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *property = NULL;
      GParamSpec *pspec;
      g_auto(GValue) value = G_VALUE_INIT;

      if (handled && g_strv_contains (handled, name))
        continue;
      property = g_strdup (name);
      g_strdelimit (property, "_", '-');
      pspec = strchr (name, '-') ? NULL : g_object_class_find_property (klass, property);
      if (pspec == NULL || !is_persistent (pspec))
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                       _("In the %s, “%s” is not a known setting (was the project written by "
                         "a newer version of Strata?)"),
                       context, name);
          return FALSE;
        }
      if (!value_from_node (pspec, json_object_get_member (json, name), &value, context, name,
                            error))
        return FALSE;
      g_object_set_property (object, pspec->name, &value);
    }
  return TRUE;
}

void
_strata_props_copy (GObject *dst,
                    GObject *src)
{
  guint n = 0;
  g_autofree GParamSpec **pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);

  g_object_freeze_notify (dst);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if (!is_persistent (pspecs[i]))
        continue;
      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspecs[i]));
      g_object_get_property (src, pspecs[i]->name, &value);
      g_object_set_property (dst, pspecs[i]->name, &value);
    }
  g_object_thaw_notify (dst);
}
