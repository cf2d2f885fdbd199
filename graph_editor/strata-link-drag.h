/* strata-link-drag.h: what a link being dragged from a port may connect to, and what a drop does
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-graph.h"
#include "strata-graph-geometry.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_LINK_DROP_NOTHING,   /* released over something it can't join: nothing changes */
  STRATA_LINK_DROP_CONNECT,   /* make the link in @ends (replacing the detached one) */
  STRATA_LINK_DROP_DETACH,    /* a link pulled off its input and let go: remove it */
  STRATA_LINK_DROP_ADD_NODE,  /* let go on empty canvas: offer to add a node joined to it */
} StrataLinkDropAction;

/**
 * StrataLinkEnds:
 * @src: the node whose output feeds the link
 * @dst: the node receiving it
 * @port: the input of @dst
 *
 * The strings are borrowed from the drag or the graph.
 */
typedef struct
{
  const char *src;
  const char *dst;
  guint port;
} StrataLinkEnds;

/**
 * StrataLinkDrag:
 * @node_id: the node of the end that stays put
 * @direction: whether that end is an output or an input
 * @port: its port
 * @detached_dst: (nullable): when the drag picked up an existing link by its input end,
 *   that input's node
 * @detached_port: and its port
 *
 * A link being drawn. Starting on an output draws a new link downwards; starting on an
 * input that has a link picks that link up by its end (to move or remove it), as in Blender
 * and imnodes; starting on a free input draws a link upwards to an output.
 */
typedef struct
{
  char *node_id;
  StrataPortDirection direction;
  guint port;
  char *detached_dst;
  guint detached_port;
} StrataLinkDrag;

StrataLinkDrag       *strata_link_drag_new     (StrataGraph          *graph,
                                                const char           *node_id,
                                                StrataPortDirection   direction,
                                                guint                 port);
void                  strata_link_drag_free    (StrataLinkDrag       *self);
gboolean              strata_link_drag_accepts (const StrataLinkDrag *self,
                                                StrataGraph          *graph,
                                                const char           *node_id,
                                                StrataPortDirection   direction,
                                                guint                 port,
                                                StrataLinkEnds       *ends,
                                                GError              **error);
StrataLinkDropAction  strata_link_drag_resolve (const StrataLinkDrag *self,
                                                StrataGraph          *graph,
                                                const StrataHit      *hit,
                                                StrataLinkEnds       *ends);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLinkDrag, strata_link_drag_free)

G_END_DECLS
