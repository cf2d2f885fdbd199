/* strata-graph.h: the model as a graph of layers, its validation and shape inference
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "strata-op.h"
#include "strata-shape.h"

G_BEGIN_DECLS

#define STRATA_GRAPH_ERROR (strata_graph_error_quark ())

typedef enum
{
  STRATA_GRAPH_ERROR_INVALID,      /* validation failed; message names the node */
  STRATA_GRAPH_ERROR_NOT_FOUND,    /* no node with that id */
  STRATA_GRAPH_ERROR_BAD_LINK,     /* the link can't be made */
  STRATA_GRAPH_ERROR_PARSE,        /* the JSON does not describe a graph */
} StrataGraphError;

GQuark strata_graph_error_quark (void);

/**
 * StrataLink:
 * @src: id of the node whose output feeds the link
 * @dst: id of the node that receives it
 * @port: which input of @dst
 */
typedef struct
{
  char *src;
  char *dst;
  guint port;
} StrataLink;

/* Nodes are owned by their graph; these accessors borrow. */
const char         *strata_node_get_id         (const StrataNode *node);
const char         *strata_node_get_type_name  (const StrataNode *node);
const StrataOpInfo *strata_node_get_op         (const StrataNode *node);
gboolean            strata_node_get_trainable  (const StrataNode *node);
void                strata_node_get_position   (const StrataNode *node,
                                                double           *x,
                                                double           *y);
guint               strata_node_get_n_inputs   (const StrataNode *node);
GVariant           *strata_node_get_param      (const StrataNode *node,
                                                const char       *name);
int                 strata_node_get_int        (const StrataNode *node,
                                                const char       *name);
double              strata_node_get_float      (const StrataNode *node,
                                                const char       *name);
gboolean            strata_node_get_bool       (const StrataNode *node,
                                                const char       *name);
const char         *strata_node_get_string     (const StrataNode *node,
                                                const char       *name);
int                 strata_node_get_int_at     (const StrataNode *node,
                                                const char       *name,
                                                guint             index);

#define STRATA_TYPE_GRAPH (strata_graph_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraph, strata_graph, STRATA, GRAPH, GObject)

StrataGraph  *strata_graph_new                  (void);
StrataGraph  *strata_graph_copy                 (StrataGraph   *self);

/* Structure */
guint         strata_graph_get_n_nodes          (StrataGraph   *self);
StrataNode   *strata_graph_get_nth_node         (StrataGraph   *self,
                                                 guint          index);
StrataNode   *strata_graph_get_node             (StrataGraph   *self,
                                                 const char    *id);
StrataNode   *strata_graph_add_node             (StrataGraph   *self,
                                                 const char    *type,
                                                 const char    *id,
                                                 GError       **error);
gboolean      strata_graph_remove_node          (StrataGraph   *self,
                                                 const char    *id);
gboolean      strata_graph_rename_node          (StrataGraph   *self,
                                                 const char    *id,
                                                 const char    *new_id,
                                                 GError       **error);
char         *strata_graph_dup_unique_id        (StrataGraph   *self,
                                                 const char    *stem);
gboolean      strata_graph_set_param            (StrataGraph   *self,
                                                 const char    *id,
                                                 const char    *name,
                                                 GVariant      *value,
                                                 GError       **error);
void          strata_graph_set_trainable        (StrataGraph   *self,
                                                 const char    *id,
                                                 gboolean       trainable);
void          strata_graph_set_position         (StrataGraph   *self,
                                                 const char    *id,
                                                 double         x,
                                                 double         y);
gboolean      strata_graph_set_n_inputs         (StrataGraph   *self,
                                                 const char    *id,
                                                 guint          n_inputs,
                                                 GError       **error);

/* Links */
GPtrArray    *strata_graph_get_links            (StrataGraph   *self);
const char   *strata_graph_get_input            (StrataGraph   *self,
                                                 const char    *dst,
                                                 guint          port);
gboolean      strata_graph_can_connect          (StrataGraph   *self,
                                                 const char    *src,
                                                 const char    *dst,
                                                 guint          port,
                                                 GError       **error);
gboolean      strata_graph_connect              (StrataGraph   *self,
                                                 const char    *src,
                                                 const char    *dst,
                                                 guint          port,
                                                 GError       **error);
gboolean      strata_graph_disconnect           (StrataGraph   *self,
                                                 const char    *dst,
                                                 guint          port);

/* Analysis: computed on demand after any edit */
gboolean      strata_graph_validate             (StrataGraph   *self,
                                                 GError       **error);
const char   *strata_graph_get_node_error       (StrataGraph   *self,
                                                 const char    *id);
gboolean      strata_graph_get_output_shape     (StrataGraph   *self,
                                                 const char    *id,
                                                 StrataShape   *shape);
void          strata_graph_get_param_counts     (StrataGraph   *self,
                                                 const char    *id,
                                                 gint64        *n_trainable,
                                                 gint64        *n_frozen);
void          strata_graph_get_total_params     (StrataGraph   *self,
                                                 gint64        *n_trainable,
                                                 gint64        *n_frozen);
GPtrArray    *strata_graph_dup_topo_order       (StrataGraph   *self,
                                                 GError       **error);
StrataNode   *strata_graph_find_input           (StrataGraph   *self);
StrataNode   *strata_graph_find_output          (StrataGraph   *self);
GPtrArray    *strata_graph_dup_consumers        (StrataGraph   *self,
                                                 const char    *id);
char         *strata_graph_dup_summary          (StrataGraph   *self);
StrataGraph  *strata_graph_expand               (StrataGraph   *self,
                                                 GError       **error);

/* Serialisation */
JsonNode     *strata_graph_to_json              (StrataGraph   *self);
StrataGraph  *strata_graph_new_from_json        (JsonNode      *node,
                                                 GError       **error);

G_END_DECLS
