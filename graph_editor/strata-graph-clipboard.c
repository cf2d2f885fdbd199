/* strata-graph-clipboard.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-clipboard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-graph-clipboard.h"
#include "strata-json.h"

#define FORMAT_MEMBER "strata-layers"

/**
 * strata_graph_clipboard_serialize:
 * @ids: (array zero-terminated=1): the nodes to copy
 *
 * The nodes in the graph's own JSON form, with the links among them; links to nodes
 * outside the selection are left out, since they could not be pasted anywhere.
 *
 * Returns: (transfer full): the JSON text
 */
char *
strata_graph_clipboard_serialize (StrataGraph        *graph,
                                  const char *const  *ids)
{
  g_autoptr(JsonNode) whole = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object = json_object_new ();
  JsonArray *nodes = json_array_new ();
  JsonArray *links = json_array_new ();
  JsonArray *all_nodes, *all_links;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);

  for (guint i = 0; ids && ids[i]; i++)
    g_hash_table_add (wanted, (gpointer) ids[i]);

  whole = strata_graph_to_json (graph);
  all_nodes = json_object_get_array_member (json_node_get_object (whole), "nodes");
  all_links = json_object_get_array_member (json_node_get_object (whole), "links");

  for (guint i = 0; i < json_array_get_length (all_nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (all_nodes, i);
      if (g_hash_table_contains (wanted, json_object_get_string_member (node, "id")))
        json_array_add_object_element (nodes, json_object_ref (node));
    }
  for (guint i = 0; i < json_array_get_length (all_links); i++)
    {
      JsonObject *link = json_array_get_object_element (all_links, i);
      if (g_hash_table_contains (wanted, json_object_get_string_member (link, "from")) &&
          g_hash_table_contains (wanted, json_object_get_string_member (link, "to")))
        json_array_add_object_element (links, json_object_ref (link));
    }

  json_object_set_int_member (object, FORMAT_MEMBER, 1);
  json_object_set_array_member (object, "nodes", nodes);
  json_object_set_array_member (object, "links", links);
  root = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return json_to_string (root, FALSE);
}

/**
 * strata_graph_clipboard_parse:
 * @text: what the clipboard held
 *
 * Reads layers copied by strata_graph_clipboard_serialize() or a whole model as the project
 * file stores it, checking them as the project loader does.
 *
 * Returns: (transfer full): the layers as a graph of their own, with their copied ids
 */
StrataGraph *
strata_graph_clipboard_parse (const char  *text,
                              GError     **error)
{
  g_autoptr(JsonNode) root = text ? strata_json_load_data (text, -1, NULL) : NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "nodes"))
    {
      g_set_error_literal (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_PARSE,
                           _("The clipboard does not hold layers"));
      return NULL;
    }
  return strata_graph_new_from_json (root, error);
}

/**
 * strata_graph_clipboard_id_stem:
 *
 * Returns: the id without Keras' numbering, so a copy of "conv2d_3" becomes the next free
 *   "conv2d_N" and a copy of "encoder" becomes "encoder_1"
 */
char *
strata_graph_clipboard_id_stem (const char *id)
{
  const char *end = id + strlen (id);
  const char *p = end;

  while (p > id && g_ascii_isdigit (p[-1]))
    p--;
  if (p < end && p - 1 > id && p[-1] == '_')
    return g_strndup (id, p - 1 - id);
  return g_strdup (id);
}
