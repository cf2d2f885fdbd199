/* strata-json-props.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-atomic-file.h"
#include "strata-json-props.h"

/*
 * Every read-write property becomes a member, "learning-rate" as "learning_rate". Reading is
 * strict: an unknown member, a value of the wrong type or out of the property's range is an
 * error naming the member, because a silently ignored setting would train something else
 * than the user asked for.
 */

static gboolean
is_setting (GParamSpec *pspec)
{
  return (pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE &&
         !(pspec->flags & G_PARAM_CONSTRUCT_ONLY);
}

static char *
member_name (GParamSpec *pspec)
{
  char *name = g_strdup (pspec->name);

  g_strdelimit (name, "-", '_');
  return name;
}

JsonNode *
strata_json_from_props (GObject *object)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree GParamSpec **pspecs = NULL;
  guint n;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);
  json_builder_begin_object (b);
  for (guint i = 0; i < n; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree char *name = NULL;
      GType type = G_PARAM_SPEC_VALUE_TYPE (pspecs[i]);

      if (!is_setting (pspecs[i]))
        continue;
      name = member_name (pspecs[i]);
      g_value_init (&value, type);
      g_object_get_property (object, pspecs[i]->name, &value);
      json_builder_set_member_name (b, name);
      if (type == G_TYPE_BOOLEAN)
        json_builder_add_boolean_value (b, g_value_get_boolean (&value));
      else if (type == G_TYPE_INT)
        json_builder_add_int_value (b, g_value_get_int (&value));
      else if (type == G_TYPE_UINT)
        json_builder_add_int_value (b, g_value_get_uint (&value));
      else if (type == G_TYPE_INT64)
        json_builder_add_int_value (b, g_value_get_int64 (&value));
      else if (type == G_TYPE_UINT64)
        json_builder_add_int_value (b, (gint64) g_value_get_uint64 (&value));
      else if (type == G_TYPE_DOUBLE)
        json_builder_add_double_value (b, g_value_get_double (&value));
      else if (type == G_TYPE_STRING)
        json_builder_add_string_value (b, g_value_get_string (&value));
      else
        g_return_val_if_reached (NULL);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
wrong (GError    **error,
       const char *section,
       const char *member,
       const char *why)
{
  /* Translators: "hyperparameters: “batch_size” must be a whole number" */
  g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT, _("%s: “%s” %s"), section, member,
               why);
  return FALSE;
}

static gboolean
value_from_json (GParamSpec *pspec,
                 JsonNode   *node,
                 GValue     *value)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  GType json_type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  json_type = json_node_get_value_type (node);
  g_value_init (value, type);
  if (type == G_TYPE_BOOLEAN && json_type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, json_node_get_boolean (node));
  else if (type == G_TYPE_STRING && json_type == G_TYPE_STRING)
    g_value_set_string (value, json_node_get_string (node));
  else if (type == G_TYPE_DOUBLE && (json_type == G_TYPE_DOUBLE || json_type == G_TYPE_INT64))
    g_value_set_double (value, json_node_get_double (node));
  else if (json_type == G_TYPE_INT64 && type == G_TYPE_INT)
    {
      gint64 v = json_node_get_int (node);
      g_value_set_int (value, (int) CLAMP (v, G_MININT, G_MAXINT));
      return v == g_value_get_int (value);
    }
  else if (json_type == G_TYPE_INT64 && type == G_TYPE_UINT)
    {
      gint64 v = json_node_get_int (node);
      g_value_set_uint (value, (guint) CLAMP (v, 0, G_MAXUINT));
      return v == g_value_get_uint (value);
    }
  else if (json_type == G_TYPE_INT64 && type == G_TYPE_INT64)
    g_value_set_int64 (value, json_node_get_int (node));
  else if (json_type == G_TYPE_INT64 && type == G_TYPE_UINT64)
    g_value_set_uint64 (value, (guint64) json_node_get_int (node));
  else
    return FALSE;
  return TRUE;
}

/**
 * strata_json_to_props:
 * @section: names the part of the file in messages, e.g. "hyperparameters"
 *
 * Sets the properties named in @node; members left out keep their values.
 */
gboolean
strata_json_to_props (GObject    *object,
                      JsonNode   *node,
                      const char *section,
                      GError    **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *obj;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT, _("%s: not a JSON object"),
                   section);
      return FALSE;
    }
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      g_autofree char *prop = g_strdelimit (g_strdup (l->data), "_", '-');
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), prop);
      g_auto(GValue) value = G_VALUE_INIT;

      if (pspec == NULL || !is_setting (pspec))
        return wrong (error, section, l->data, _("is not a setting this version knows"));
      if (!value_from_json (pspec, json_object_get_member (obj, l->data), &value))
        return wrong (error, section, l->data, _("has a value of the wrong type"));
      if (g_param_value_validate (pspec, &value))
        return wrong (error, section, l->data, _("is out of range"));
      g_object_set_property (object, pspec->name, &value);
    }
  return TRUE;
}
