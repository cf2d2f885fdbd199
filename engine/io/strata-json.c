/* strata-json.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-atomic-file.h"
#include "strata-json.h"

/*
 * json-glib's parser recurses once per array or object level, so 400 KB of "[" overflows the
 * stack of any thread before the parser can say the text is malformed. Every JSON Strata reads
 * (projects, run.json, settings, metrics lines, safetensors headers, recovery copies, the
 * clipboard) goes through strata_json_load_data(), which first scans the text for its deepest
 * nesting: one pass, no allocation, brackets inside strings skipped. The scan does not
 * validate; whatever passes it is parsed and checked by json-glib as before.
 */

/**
 * strata_json_check_depth:
 * @data: JSON text, not necessarily valid
 * @length: its length in bytes, or -1 when it ends with a NUL
 * @max_depth: the deepest nesting of arrays and objects allowed
 *
 * Returns: %FALSE with %STRATA_IO_ERROR_CORRUPT when arrays and objects nest deeper than
 *   @max_depth outside strings
 */
gboolean
strata_json_check_depth (const char *data,
                         gssize      length,
                         guint       max_depth,
                         GError    **error)
{
  gsize n = length < 0 ? strlen (data) : (gsize) length;
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;      /* the escaped character, a quote included, can't end the string */
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                           _("its arrays and objects nest more than %u levels deep"),
                           max_depth);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * strata_json_load_data:
 * @data: JSON text
 * @length: its length in bytes, or -1 when it ends with a NUL
 *
 * Parses @data after checking that it nests at most %STRATA_JSON_MAX_DEPTH levels. The error
 * message says what is wrong, not in which file: callers name the file.
 *
 * Returns: (transfer full): the root node, never %NULL on success (an empty text is an error)
 */
JsonNode *
strata_json_load_data (const char *data,
                       gssize      length,
                       GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL, NULL);

  if (!strata_json_check_depth (data, length, STRATA_JSON_MAX_DEPTH, error))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error_literal (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                           local_error->message);
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT,
                           _("it is empty"));
      return NULL;
    }
  return root;
}

/**
 * strata_json_load_file:
 *
 * Reads @path whole and parses it with strata_json_load_data(); a file that can't be read
 * gives a #GFileError.
 *
 * Returns: (transfer full): the root node
 */
JsonNode *
strata_json_load_file (const char *path,
                       GError    **error)
{
  g_autofree char *data = NULL;
  gsize length;

  /* a GFileError, as json_parser_load_from_file() gave */
  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return strata_json_load_data (data, length, error);
}

/*
 * Members of files read from disk, with a fallback: json-glib's *_member_with_default()
 * give it for a missing member but raise a critical (an abort under G_DEBUG=fatal-criticals)
 * for one that holds an array or an object, which a damaged file may well have. These give
 * the fallback then too, and otherwise read the value as json-glib does.
 */

static JsonNode *
value_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? node : NULL;
}

const char *
strata_json_get_string (JsonObject *object,
                        const char *name,
                        const char *fallback)
{
  JsonNode *node = value_member (object, name);

  return node != NULL ? json_node_get_string (node) : fallback;
}

gint64
strata_json_get_int (JsonObject *object,
                     const char *name,
                     gint64      fallback)
{
  JsonNode *node = value_member (object, name);

  return node != NULL ? json_node_get_int (node) : fallback;
}

double
strata_json_get_double (JsonObject *object,
                        const char *name,
                        double      fallback)
{
  JsonNode *node = value_member (object, name);

  return node != NULL ? json_node_get_double (node) : fallback;
}
