/* strata-json-state.c: checked reading of the small JSON states of schedules and callbacks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-optimizer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "strata-json-state.h"

/*
 * A checkpoint may have been edited by hand or cut short: every member is checked for
 * presence and type before the caller changes anything, and the message names the member.
 */

JsonObject *
_strata_json_state_object (const StrataJsonState *reader,
                           JsonNode              *node,
                           GError               **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, reader->domain, reader->code,
                   /* Translators: %s is e.g. “learning-rate schedule” */
                   _("The saved %s state is not a JSON object"), reader->what);
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonNode *
get_value (const StrataJsonState *reader,
           JsonObject            *object,
           const char            *member,
           gboolean               nullable,
           GType                  type,
           GType                  also,
           GError               **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      g_set_error (error, reader->domain, reader->code,
                   /* Translators: the first %s is e.g. “learning-rate schedule”, the second
                    * the name of a field of the saved state */
                   _("The saved %s state lacks “%s”"), reader->what, member);
      return NULL;
    }

  if (nullable && JSON_NODE_HOLDS_NULL (node))
    return node;

  if (!JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != type && json_node_get_value_type (node) != also))
    {
      g_set_error (error, reader->domain, reader->code,
                   /* Translators: the first %s is e.g. “learning-rate schedule”, the second
                    * the name of a field of the saved state */
                   _("The saved %s state has a “%s” of the wrong type"), reader->what, member);
      return NULL;
    }

  return node;
}

gboolean
_strata_json_state_string (const StrataJsonState *reader,
                           JsonObject            *object,
                           const char            *member,
                           const char           **value,
                           GError               **error)
{
  JsonNode *node = get_value (reader, object, member, FALSE, G_TYPE_STRING, G_TYPE_STRING,
                              error);

  if (node == NULL)
    return FALSE;

  *value = json_node_get_string (node);
  return TRUE;
}

gboolean
_strata_json_state_int (const StrataJsonState *reader,
                        JsonObject            *object,
                        const char            *member,
                        gint64                 min,
                        gint64                 max,
                        gint64                *value,
                        GError               **error)
{
  JsonNode *node = get_value (reader, object, member, FALSE, G_TYPE_INT64, G_TYPE_INT64, error);
  gint64 v;

  if (node == NULL)
    return FALSE;

  v = json_node_get_int (node);
  if (v < min || v > max)
    {
      g_set_error (error, reader->domain, reader->code,
                   /* Translators: the first %s is e.g. “learning-rate schedule”, the second
                    * the name of a field of the saved state */
                   _("The saved %s state has a “%s” out of range"), reader->what, member);
      return FALSE;
    }

  *value = v;
  return TRUE;
}

gboolean
_strata_json_state_double (const StrataJsonState *reader,
                           JsonObject            *object,
                           const char            *member,
                           gboolean               nullable,
                           double                *value,
                           gboolean              *present,
                           GError               **error)
{
  JsonNode *node = get_value (reader, object, member, nullable, G_TYPE_DOUBLE, G_TYPE_INT64,
                              error);

  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      *value = 0.0;
      if (present != NULL)
        *present = FALSE;
      return TRUE;
    }

  /* json_node_get_double() converts an integer node too. */
  *value = json_node_get_double (node);
  if (present != NULL)
    *present = TRUE;

  if (!isfinite (*value))
    {
      g_set_error (error, reader->domain, reader->code,
                   _("The saved %s state has a “%s” out of range"), reader->what, member);
      return FALSE;
    }

  return TRUE;
}

gboolean
_strata_json_state_boolean (const StrataJsonState *reader,
                            JsonObject            *object,
                            const char            *member,
                            gboolean              *value,
                            GError               **error)
{
  JsonNode *node = get_value (reader, object, member, FALSE, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN,
                              error);

  if (node == NULL)
    return FALSE;

  *value = json_node_get_boolean (node);
  return TRUE;
}
