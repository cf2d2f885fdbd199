/* strata-link-drag.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-link-drag"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-link-drag.h"

/**
 * strata_link_drag_new:
 * @node_id: the node whose port the drag starts on
 *
 * Returns: (transfer full): the drag
 */
StrataLinkDrag *
strata_link_drag_new (StrataGraph         *graph,
                      const char          *node_id,
                      StrataPortDirection  direction,
                      guint                port)
{
  StrataLinkDrag *self = g_new0 (StrataLinkDrag, 1);
  const char *src = NULL;

  if (direction == STRATA_PORT_INPUT)
    src = strata_graph_get_input (graph, node_id, port);

  if (src != NULL)
    {
      /* The link's far end stays; its input end comes loose under the pointer. */
      self->node_id = g_strdup (src);
      self->direction = STRATA_PORT_OUTPUT;
      self->port = 0;
      self->detached_dst = g_strdup (node_id);
      self->detached_port = port;
    }
  else
    {
      self->node_id = g_strdup (node_id);
      self->direction = direction;
      self->port = port;
    }
  return self;
}

void
strata_link_drag_free (StrataLinkDrag *self)
{
  if (self == NULL)
    return;
  g_free (self->node_id);
  g_free (self->detached_dst);
  g_free (self);
}

static gboolean
is_detached_input (const StrataLinkDrag *self,
                   const char           *node_id,
                   guint                 port)
{
  return self->detached_dst != NULL && g_str_equal (self->detached_dst, node_id) &&
         self->detached_port == port;
}

/**
 * strata_link_drag_accepts:
 * @node_id: the node under the pointer
 * @direction: the kind of port under the pointer
 * @port: its index
 * @ends: (out) (optional): the link a drop there makes
 *
 * Whether dropping the loose end on that port makes a link the graph takes. This is what
 * highlights valid targets while dragging. An occupied input is valid: the new link
 * replaces the old one, as an input takes one link.
 */
gboolean
strata_link_drag_accepts (const StrataLinkDrag *self,
                          StrataGraph          *graph,
                          const char           *node_id,
                          StrataPortDirection   direction,
                          guint                 port,
                          StrataLinkEnds       *ends,
                          GError              **error)
{
  StrataLinkEnds result;

  if (direction == self->direction)
    {
      g_set_error_literal (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK,
                           direction == STRATA_PORT_INPUT
                           ? _("An input can only be joined to an output")
                           : _("An output can only be joined to an input"));
      return FALSE;
    }

  if (self->direction == STRATA_PORT_OUTPUT)
    result = (StrataLinkEnds) { self->node_id, node_id, port };
  else
    result = (StrataLinkEnds) { node_id, self->node_id, self->port };

  /* Putting a picked-up link back where it was is always fine. */
  if (!is_detached_input (self, result.dst, result.port) &&
      !strata_graph_can_connect (graph, result.src, result.dst, result.port, error))
    return FALSE;

  if (ends)
    *ends = result;
  return TRUE;
}

/* Dropped on a node's body rather than a port: use the port the user most likely meant. */
static gboolean
accepts_node (const StrataLinkDrag *self,
              StrataGraph          *graph,
              const char           *node_id,
              StrataLinkEnds       *ends)
{
  StrataNode *node = strata_graph_get_node (graph, node_id);
  guint n_inputs;

  if (node == NULL)
    return FALSE;
  if (self->direction == STRATA_PORT_INPUT)
    return strata_link_drag_accepts (self, graph, node_id, STRATA_PORT_OUTPUT, 0, ends, NULL);

  n_inputs = strata_node_get_n_inputs (node);
  for (guint port = 0; port < n_inputs; port++)
    if (strata_graph_get_input (graph, node_id, port) == NULL &&
        strata_link_drag_accepts (self, graph, node_id, STRATA_PORT_INPUT, port, ends, NULL))
      return TRUE;
  /* All taken: a single input is replaced, a merge layer's inputs are left alone. */
  return n_inputs == 1 &&
         strata_link_drag_accepts (self, graph, node_id, STRATA_PORT_INPUT, 0, ends, NULL);
}

/**
 * strata_link_drag_resolve:
 * @hit: what is under the pointer on release
 * @ends: (out): for %STRATA_LINK_DROP_CONNECT the new link; for %STRATA_LINK_DROP_DETACH
 *   the link to remove; for %STRATA_LINK_DROP_ADD_NODE the fixed end (as @src with @dst
 *   %NULL when the new node goes below, as @dst and @port with @src %NULL when above)
 *
 * Returns: what releasing the drag there does
 */
StrataLinkDropAction
strata_link_drag_resolve (const StrataLinkDrag *self,
                          StrataGraph          *graph,
                          const StrataHit      *hit,
                          StrataLinkEnds       *ends)
{
  StrataLinkEnds result = { NULL, NULL, 0 };
  gboolean ok = FALSE;

  switch (hit->kind)
    {
    case STRATA_HIT_PORT:
      ok = strata_link_drag_accepts (self, graph, hit->node_id, hit->direction, hit->port,
                                     &result, NULL);
      break;
    case STRATA_HIT_NODE:
      ok = accepts_node (self, graph, hit->node_id, &result);
      break;
    case STRATA_HIT_NONE:
    case STRATA_HIT_LINK:
    default:
      if (self->detached_dst != NULL)
        {
          *ends = (StrataLinkEnds) { self->node_id, self->detached_dst, self->detached_port };
          return STRATA_LINK_DROP_DETACH;
        }
      if (self->direction == STRATA_PORT_OUTPUT)
        *ends = (StrataLinkEnds) { self->node_id, NULL, 0 };
      else
        *ends = (StrataLinkEnds) { NULL, self->node_id, self->port };
      return STRATA_LINK_DROP_ADD_NODE;
    }

  if (!ok || is_detached_input (self, result.dst, result.port))
    return STRATA_LINK_DROP_NOTHING;
  *ends = result;
  return STRATA_LINK_DROP_CONNECT;
}
