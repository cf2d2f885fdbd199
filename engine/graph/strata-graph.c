/* strata-graph.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-graph.h"

struct _StrataNode
{
  char *id;
  const StrataOpInfo *op;
  GHashTable *params;        /* name → GVariant, every spec has a value */
  gboolean trainable;
  double x, y;
  guint n_inputs;

  /* analysis results, valid while the graph's analysis is */
  gboolean has_shape;
  StrataShape shape;
  char *error;
  gint64 n_weights;
  gint64 n_frozen_weights;   /* of n_weights, those the layer freezes itself */
  gint64 n_state;

  /* the links at this node, so that no query scans every link (a graph may be a fuzzer's
   * 200 000 layers) */
  GPtrArray *inputs;         /* LinkEntry* into it, in no order; at most max_inputs */
  GPtrArray *outputs;        /* LinkEntry* out of it, in no order; see out_slot */
  guint slot;                /* in the graph's nodes */
  gint64 ord;                /* a topological order: every link climbs it (see reorder()) */
  guint pending;             /* topo_order(): inputs not placed yet */
  gboolean placed;           /* topo_order(): in the order */
};

/* A link and where it sits in the arrays that hold it: removing one is O(1). */
typedef struct
{
  StrataLink link;           /* first, so that a StrataLink* is its LinkEntry* */
  StrataNode *src_node;
  StrataNode *dst_node;
  guint slot;                /* in the graph's links */
  guint out_slot;            /* in src_node->outputs */
} LinkEntry;

struct _StrataGraph
{
  GObject parent_instance;

  /* Removing leaves a hole (NULL) that tidy() closes before the array is read, keeping the
   * order; so deleting many layers costs no more than deleting one each. */
  GPtrArray *nodes;          /* StrataNode*, in insertion order, owned */
  GHashTable *by_id;         /* id → StrataNode* (borrowed) */
  GPtrArray *links;          /* LinkEntry* as StrataLink*, in the order made, owned */
  guint node_holes;
  guint link_holes;
  gint64 next_ord;           /* above every ord given */
  gint64 low_ord;            /* below every ord given */

  gboolean analysed;
  char *graph_error;         /* first problem that is not any one node's */
};

G_DEFINE_FINAL_TYPE (StrataGraph, strata_graph, G_TYPE_OBJECT)

enum {
  NODE_ADDED,
  NODE_REMOVED,
  NODE_CHANGED,
  LINKS_CHANGED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (strata-graph-error-quark, strata_graph_error)

/* Node ---------------------------------------------------------------------------------------- */

static void
strata_node_free (StrataNode *node)
{
  g_ptr_array_unref (node->inputs);
  g_ptr_array_unref (node->outputs);
  g_free (node->id);
  g_hash_table_unref (node->params);
  g_free (node->error);
  g_free (node);
}

static StrataNode *
strata_node_new (const StrataOpInfo *op,
                 const char         *id)
{
  StrataNode *node = g_new0 (StrataNode, 1);

  node->id = g_strdup (id);
  node->op = op;
  node->trainable = TRUE;
  node->n_inputs = op->min_inputs;
  node->params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) g_variant_unref);
  node->inputs = g_ptr_array_new ();
  node->outputs = g_ptr_array_new ();
  for (guint i = 0; i < op->n_params; i++)
    g_hash_table_insert (node->params, (gpointer) op->params[i].name,
                         strata_param_spec_dup_default (&op->params[i]));
  return node;
}

const char *
strata_node_get_id (const StrataNode *node)
{
  return node->id;
}

const char *
strata_node_get_type_name (const StrataNode *node)
{
  return node->op->type;
}

const StrataOpInfo *
strata_node_get_op (const StrataNode *node)
{
  return node->op;
}

gboolean
strata_node_get_trainable (const StrataNode *node)
{
  return node->trainable;
}

void
strata_node_get_position (const StrataNode *node,
                          double           *x,
                          double           *y)
{
  if (x)
    *x = node->x;
  if (y)
    *y = node->y;
}

guint
strata_node_get_n_inputs (const StrataNode *node)
{
  return node->n_inputs;
}

/**
 * strata_node_get_param:
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when the op has no such parameter
 */
GVariant *
strata_node_get_param (const StrataNode *node,
                       const char       *name)
{
  return g_hash_table_lookup (node->params, name);
}

static GVariant *
lookup_typed (const StrataNode   *node,
              const char         *name,
              const GVariantType *type)
{
  GVariant *value = g_hash_table_lookup (node->params, name);

  /* A wrong name or type here is a programming error in an op, not bad input. */
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (value, type), NULL);
  return value;
}

int
strata_node_get_int (const StrataNode *node,
                     const char       *name)
{
  GVariant *v = lookup_typed (node, name, G_VARIANT_TYPE_INT32);
  return v ? g_variant_get_int32 (v) : 0;
}

double
strata_node_get_float (const StrataNode *node,
                       const char       *name)
{
  GVariant *v = lookup_typed (node, name, G_VARIANT_TYPE_DOUBLE);
  return v ? g_variant_get_double (v) : 0.0;
}

gboolean
strata_node_get_bool (const StrataNode *node,
                      const char       *name)
{
  GVariant *v = lookup_typed (node, name, G_VARIANT_TYPE_BOOLEAN);
  return v ? g_variant_get_boolean (v) : FALSE;
}

const char *
strata_node_get_string (const StrataNode *node,
                        const char       *name)
{
  GVariant *v = lookup_typed (node, name, G_VARIANT_TYPE_STRING);
  return v ? g_variant_get_string (v, NULL) : "";
}

int
strata_node_get_int_at (const StrataNode *node,
                        const char       *name,
                        guint             index)
{
  GVariant *v = lookup_typed (node, name, G_VARIANT_TYPE ("ai"));
  gsize n = 0;
  const gint32 *values;

  if (v == NULL)
    return 0;
  values = g_variant_get_fixed_array (v, &n, sizeof (gint32));
  g_return_val_if_fail (index < n, 0);
  return values[index];
}

/* g_set_str() is GLib 2.76 */
static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* GObject ------------------------------------------------------------------------------------- */

/* frees the LinkEntry the link is the head of */
static void
strata_link_free (StrataLink *link)
{
  g_free (link->src);
  g_free (link->dst);
  g_free (link);
}

static void
strata_graph_finalize (GObject *object)
{
  StrataGraph *self = (StrataGraph *) object;

  for (guint i = 0; i < self->links->len; i++)
    if (self->links->pdata[i])
      strata_link_free (self->links->pdata[i]);
  for (guint i = 0; i < self->nodes->len; i++)
    if (self->nodes->pdata[i])
      strata_node_free (self->nodes->pdata[i]);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->graph_error, g_free);

  G_OBJECT_CLASS (strata_graph_parent_class)->finalize (object);
}

static void
strata_graph_class_init (StrataGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_graph_finalize;

  /**
   * StrataGraph::node-added:
   * @id: the new node's id
   */
  signals[NODE_ADDED] =
    g_signal_new ("node-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * StrataGraph::node-removed:
   * @id: the removed node's id (links to it were removed first)
   */
  signals[NODE_REMOVED] =
    g_signal_new ("node-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * StrataGraph::node-changed:
   * @id: the node whose parameters, position, trainable flag or inputs changed
   */
  signals[NODE_CHANGED] =
    g_signal_new ("node-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * StrataGraph::links-changed:
   *
   * A link was made or removed.
   */
  signals[LINKS_CHANGED] =
    g_signal_new ("links-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * StrataGraph::changed:
   *
   * Emitted after every edit, once the more specific signal has run; shapes and errors
   * are recomputed on the next query.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_graph_init (StrataGraph *self)
{
  self->nodes = g_ptr_array_new ();
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->links = g_ptr_array_new ();
  self->low_ord = -1;
}

StrataGraph *
strata_graph_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH, NULL);
}

static void
emit_changed (StrataGraph *self)
{
  self->analysed = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Structure ----------------------------------------------------------------------------------- */

/* Closes the holes removals left, keeping the order and every slot true. O(nodes + links),
 * and only after removals: every reader of the two arrays starts here. */
static void
tidy (StrataGraph *self)
{
  if (self->node_holes > 0)
    {
      guint n = 0;

      for (guint i = 0; i < self->nodes->len; i++)
        {
          StrataNode *node = self->nodes->pdata[i];

          if (node == NULL)
            continue;
          node->slot = n;
          self->nodes->pdata[n++] = node;
        }
      g_ptr_array_set_size (self->nodes, n);
      self->node_holes = 0;
    }
  if (self->link_holes > 0)
    {
      guint n = 0;

      for (guint i = 0; i < self->links->len; i++)
        {
          LinkEntry *entry = self->links->pdata[i];

          if (entry == NULL)
            continue;
          entry->slot = n;
          self->links->pdata[n++] = entry;
        }
      g_ptr_array_set_size (self->links, n);
      self->link_holes = 0;
    }
}

static LinkEntry *
link_add (StrataGraph *self,
          StrataNode  *src,
          StrataNode  *dst,
          guint        port)
{
  LinkEntry *entry = g_new0 (LinkEntry, 1);

  entry->link.src = g_strdup (src->id);
  entry->link.dst = g_strdup (dst->id);
  entry->link.port = port;
  entry->src_node = src;
  entry->dst_node = dst;
  entry->slot = self->links->len;
  g_ptr_array_add (self->links, entry);
  entry->out_slot = src->outputs->len;
  g_ptr_array_add (src->outputs, entry);
  g_ptr_array_add (dst->inputs, entry);
  return entry;
}

/* Moves @entry to a new source node, as connecting into an occupied input does. */
static void
link_set_src (LinkEntry  *entry,
              StrataNode *src)
{
  StrataNode *old = entry->src_node;
  LinkEntry *last = g_ptr_array_index (old->outputs, old->outputs->len - 1);

  last->out_slot = entry->out_slot;
  old->outputs->pdata[entry->out_slot] = last;
  g_ptr_array_set_size (old->outputs, old->outputs->len - 1);

  replace_string (&entry->link.src, src->id);
  entry->src_node = src;
  entry->out_slot = src->outputs->len;
  g_ptr_array_add (src->outputs, entry);
}

static void
link_remove (StrataGraph *self,
             LinkEntry   *entry)
{
  StrataNode *src = entry->src_node;
  LinkEntry *last = g_ptr_array_index (src->outputs, src->outputs->len - 1);

  last->out_slot = entry->out_slot;
  src->outputs->pdata[entry->out_slot] = last;
  g_ptr_array_set_size (src->outputs, src->outputs->len - 1);
  g_ptr_array_remove_fast (entry->dst_node->inputs, entry);

  self->links->pdata[entry->slot] = NULL;
  self->link_holes++;
  strata_link_free (&entry->link);
  /* keep the array from growing without bound while holes pile up */
  if (self->link_holes > 64 && self->link_holes > self->links->len / 2)
    tidy (self);
}

guint
strata_graph_get_n_nodes (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), 0);
  tidy (self);
  return self->nodes->len;
}

StrataNode *
strata_graph_get_nth_node (StrataGraph *self,
                           guint        index)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  tidy (self);
  g_return_val_if_fail (index < self->nodes->len, NULL);
  return g_ptr_array_index (self->nodes, index);
}

StrataNode *
strata_graph_get_node (StrataGraph *self,
                       const char  *id)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  if (id == NULL)
    return NULL;
  return g_hash_table_lookup (self->by_id, id);
}

/* Ids become Keras layer names and file names in exports, so keep them plain. */
static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 200)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.' && *p != '/')
      return FALSE;
  return TRUE;
}

/**
 * strata_graph_dup_unique_id:
 * @stem: e.g. "conv2d"
 *
 * Returns: @stem if it is free, else the first free "stem_1", "stem_2"…, as Keras names layers
 */
char *
strata_graph_dup_unique_id (StrataGraph *self,
                            const char  *stem)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!g_hash_table_contains (self->by_id, stem))
    return g_strdup (stem);
  for (guint i = 1;; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s_%u", stem, i);
      if (!g_hash_table_contains (self->by_id, id))
        return g_steal_pointer (&id);
    }
}

/**
 * strata_graph_add_node:
 * @type: an op type such as "Conv2D"
 * @id: (nullable): the id, or %NULL to make one from the type as Keras would
 *
 * Returns: (transfer none): the new node, with default parameters, at (0, 0)
 */
StrataNode *
strata_graph_add_node (StrataGraph *self,
                       const char  *type,
                       const char  *id,
                       GError     **error)
{
  const StrataOpInfo *op;
  g_autofree char *new_id = NULL;
  StrataNode *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  op = strata_op_lookup (type);
  if (op == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("“%s” is not a layer type Strata knows"), type);
      return NULL;
    }
  if (id == NULL)
    {
      g_autofree char *stem = strata_op_default_id_stem (op);
      new_id = strata_graph_dup_unique_id (self, stem);
    }
  else if (!id_is_valid (id))
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("“%s” can't be a layer name: use letters, digits, “_”, “-” and “.”"), id);
      return NULL;
    }
  else if (g_hash_table_contains (self->by_id, id))
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("There is already a layer named “%s”"), id);
      return NULL;
    }
  else
    new_id = g_strdup (id);

  node = strata_node_new (op, new_id);
  node->slot = self->nodes->len;
  node->ord = self->next_ord++;
  g_ptr_array_add (self->nodes, node);
  g_hash_table_insert (self->by_id, node->id, node);

  g_signal_emit (self, signals[NODE_ADDED], 0, node->id);
  emit_changed (self);
  return node;
}

static gboolean
remove_links_of (StrataGraph *self,
                 StrataNode  *node)
{
  gboolean removed = node->inputs->len > 0 || node->outputs->len > 0;

  while (node->inputs->len > 0)
    link_remove (self, g_ptr_array_index (node->inputs, node->inputs->len - 1));
  while (node->outputs->len > 0)
    link_remove (self, g_ptr_array_index (node->outputs, node->outputs->len - 1));
  return removed;
}

gboolean
strata_graph_remove_node (StrataGraph *self,
                          const char  *id)
{
  StrataNode *node;
  g_autofree char *removed_id = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  node = strata_graph_get_node (self, id);
  if (node == NULL)
    return FALSE;

  if (remove_links_of (self, node))
    g_signal_emit (self, signals[LINKS_CHANGED], 0);

  removed_id = g_strdup (node->id);
  g_hash_table_remove (self->by_id, node->id);
  self->nodes->pdata[node->slot] = NULL;
  self->node_holes++;
  strata_node_free (node);
  if (self->node_holes > 64 && self->node_holes > self->nodes->len / 2)
    tidy (self);

  g_signal_emit (self, signals[NODE_REMOVED], 0, removed_id);
  emit_changed (self);
  return TRUE;
}

gboolean
strata_graph_rename_node (StrataGraph *self,
                          const char  *id,
                          const char  *new_id,
                          GError     **error)
{
  StrataNode *node;
  g_autofree char *old_id = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  node = strata_graph_get_node (self, id);
  if (node == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_NOT_FOUND,
                   _("There is no layer named “%s”"), id);
      return FALSE;
    }
  if (g_strcmp0 (id, new_id) == 0)
    return TRUE;
  if (!id_is_valid (new_id))
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("“%s” can't be a layer name: use letters, digits, “_”, “-” and “.”"),
                   new_id);
      return FALSE;
    }
  if (g_hash_table_contains (self->by_id, new_id))
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("There is already a layer named “%s”"), new_id);
      return FALSE;
    }

  old_id = node->id;
  g_hash_table_remove (self->by_id, old_id);
  node->id = g_strdup (new_id);
  g_hash_table_insert (self->by_id, node->id, node);
  for (guint i = 0; i < node->inputs->len; i++)
    replace_string (&((LinkEntry *) g_ptr_array_index (node->inputs, i))->link.dst, new_id);
  for (guint i = 0; i < node->outputs->len; i++)
    replace_string (&((LinkEntry *) g_ptr_array_index (node->outputs, i))->link.src, new_id);

  /* Views key their widgets by id: a rename is a remove and an add. */
  g_signal_emit (self, signals[NODE_REMOVED], 0, old_id);
  g_signal_emit (self, signals[NODE_ADDED], 0, node->id);
  g_signal_emit (self, signals[LINKS_CHANGED], 0);
  emit_changed (self);
  return TRUE;
}

static StrataNode *
lookup_or_error (StrataGraph *self,
                 const char  *id,
                 GError     **error)
{
  StrataNode *node = strata_graph_get_node (self, id);

  if (node == NULL)
    g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_NOT_FOUND,
                 _("There is no layer named “%s”"), id ? id : "");
  return node;
}

gboolean
strata_graph_set_param (StrataGraph *self,
                        const char  *id,
                        const char  *name,
                        GVariant    *value,
                        GError     **error)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  StrataNode *node;
  const StrataParamSpec *spec;
  GVariant *old;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  node = lookup_or_error (self, id, error);
  if (node == NULL)
    return FALSE;
  spec = strata_op_find_param (node->op, name);
  if (spec == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("%s layers have no parameter “%s”"), node->op->type, name);
      return FALSE;
    }
  if (!strata_param_spec_check (spec, owned, error))
    return FALSE;

  old = g_hash_table_lookup (node->params, name);
  if (old != NULL && g_variant_equal (old, owned))
    return TRUE;

  g_hash_table_insert (node->params, (gpointer) spec->name, g_steal_pointer (&owned));
  g_signal_emit (self, signals[NODE_CHANGED], 0, node->id);
  emit_changed (self);
  return TRUE;
}

void
strata_graph_set_trainable (StrataGraph *self,
                            const char  *id,
                            gboolean     trainable)
{
  StrataNode *node;

  g_return_if_fail (STRATA_IS_GRAPH (self));

  node = strata_graph_get_node (self, id);
  if (node == NULL || node->trainable == !!trainable)
    return;
  node->trainable = !!trainable;
  g_signal_emit (self, signals[NODE_CHANGED], 0, node->id);
  emit_changed (self);
}

void
strata_graph_set_position (StrataGraph *self,
                           const char  *id,
                           double       x,
                           double       y)
{
  StrataNode *node;

  g_return_if_fail (STRATA_IS_GRAPH (self));

  node = strata_graph_get_node (self, id);
  if (node == NULL || (node->x == x && node->y == y))
    return;
  node->x = x;
  node->y = y;
  /* Moving a node changes no shape: no "changed", so the analysis stays valid. */
  g_signal_emit (self, signals[NODE_CHANGED], 0, node->id);
}

/**
 * strata_graph_set_n_inputs:
 *
 * Sets how many input ports a merge layer (Add, Concatenate) has; links to ports that no
 * longer exist are removed.
 */
gboolean
strata_graph_set_n_inputs (StrataGraph *self,
                           const char  *id,
                           guint        n_inputs,
                           GError     **error)
{
  StrataNode *node;
  gboolean removed = FALSE;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  node = lookup_or_error (self, id, error);
  if (node == NULL)
    return FALSE;
  if (n_inputs < node->op->min_inputs || n_inputs > node->op->max_inputs)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("%s layers take between %u and %u inputs"),
                   node->op->type, node->op->min_inputs, node->op->max_inputs);
      return FALSE;
    }
  if (node->n_inputs == n_inputs)
    return TRUE;

  node->n_inputs = n_inputs;
  for (guint i = node->inputs->len; i > 0; i--)
    {
      LinkEntry *entry = g_ptr_array_index (node->inputs, i - 1);

      if (entry->link.port >= n_inputs)
        {
          link_remove (self, entry);
          removed = TRUE;
        }
    }
  if (removed)
    g_signal_emit (self, signals[LINKS_CHANGED], 0);
  g_signal_emit (self, signals[NODE_CHANGED], 0, node->id);
  emit_changed (self);
  return TRUE;
}

/* Links --------------------------------------------------------------------------------------- */

/**
 * strata_graph_get_links:
 *
 * Returns: (transfer none) (element-type StrataLink): every link
 */
GPtrArray *
strata_graph_get_links (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  tidy (self);
  return self->links;
}

static LinkEntry *
find_entry_into (StrataNode *dst,
                 guint       port)
{
  for (guint i = 0; dst && i < dst->inputs->len; i++)
    {
      LinkEntry *entry = g_ptr_array_index (dst->inputs, i);

      if (entry->link.port == port)
        return entry;
    }
  return NULL;
}

static StrataLink *
find_link_into (StrataGraph *self,
                const char  *dst,
                guint        port)
{
  LinkEntry *entry = find_entry_into (strata_graph_get_node (self, dst), port);

  return entry ? &entry->link : NULL;
}

/**
 * strata_graph_get_input:
 *
 * Returns: (nullable): the id of the node linked into @dst's input @port
 */
const char *
strata_graph_get_input (StrataGraph *self,
                        const char  *dst,
                        guint        port)
{
  StrataLink *link;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  link = find_link_into (self, dst, port);
  return link ? link->src : NULL;
}

/* Loops are kept out with a topological order that every link climbs (Pearce and Kelly's
 * dynamic topological sort): a link up the order can't close a loop, so linking layers in
 * the order they were made costs O(1); a link down the order searches only the layers
 * between its two ends, and then moves those so that the order holds again. Searching the
 * whole graph per link made loading or bridging a long chain quadratic. */

static int
compare_ords_values (gconstpointer a,
                     gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_ords (gconstpointer a,
              gconstpointer b)
{
  const StrataNode *x = *(StrataNode **) a, *y = *(StrataNode **) b;

  return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The layers @start reaches (forward) or that reach it (backward) with ords in [@lo, @hi];
 * FALSE as soon as @stop is among them or there are more than @limit. */
static gboolean
collect_between (StrataNode *start,
                 gboolean    forward,
                 gint64      lo,
                 gint64      hi,
                 StrataNode *stop,
                 guint       limit,
                 GPtrArray  *found)
{
  guint n = 0;

  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_hash_table_add (seen, start);
  g_ptr_array_add (stack, start);
  while (stack->len > 0)
    {
      StrataNode *node = g_ptr_array_steal_index (stack, stack->len - 1);
      GPtrArray *links = forward ? node->outputs : node->inputs;

      if (found)
        g_ptr_array_add (found, node);
      if (++n > limit)
        return FALSE;
      for (guint i = 0; i < links->len; i++)
        {
          LinkEntry *entry = g_ptr_array_index (links, i);
          StrataNode *next = forward ? entry->dst_node : entry->src_node;

          if (next == stop)
            return FALSE;
          if (next->ord < lo || next->ord > hi || !g_hash_table_add (seen, next))
            continue;
          g_ptr_array_add (stack, next);
        }
    }
  return TRUE;
}

/* Whether a link from @src to @dst would close a loop: whether @dst reaches @src. */
static gboolean
would_loop (StrataNode *src,
            StrataNode *dst)
{
  if (src == dst)
    return TRUE;
  if (src->ord < dst->ord)
    return FALSE;   /* every way from @dst climbs the order, so never down to @src */
  return !collect_between (dst, TRUE, dst->ord, src->ord, src, G_MAXUINT, NULL);
}

/* Every layer @start reaches (forward) or that reaches it, itself included; FALSE when
 * there are more than @limit. */
static gboolean
collect_all (StrataNode *start,
             gboolean    forward,
             guint       limit,
             GPtrArray  *found)
{
  return collect_between (start, forward, G_MININT64, G_MAXINT64, NULL, limit, found);
}

/* Restores the order for a new link @src → @dst that runs down it. When few layers follow
 * @dst, they move above every other layer, or when few lead to @src, those move below
 * every other: O(1) for a layer linked to a fresh one, as undoing a deletion does in turn.
 * Otherwise (Pearce and Kelly) the layers between the two ends that reach @src take the
 * lowest of their ords, those @dst reaches the rest, each group keeping its own order. */
#define FEW_LAYERS 64

static void
reorder (StrataGraph *self,
         StrataNode  *src,
         StrataNode  *dst)
{
  g_autoptr(GPtrArray) below = g_ptr_array_new ();    /* reach @src */
  g_autoptr(GPtrArray) above = g_ptr_array_new ();    /* reached from @dst */
  g_autoptr(GArray) ords = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint k = 0;

  if (src->ord < dst->ord)
    return;
  if (collect_all (dst, TRUE, FEW_LAYERS, above))
    {
      g_ptr_array_sort (above, compare_ords);
      for (guint i = 0; i < above->len; i++)
        ((StrataNode *) g_ptr_array_index (above, i))->ord = self->next_ord++;
      return;
    }
  if (collect_all (src, FALSE, FEW_LAYERS, below))
    {
      g_ptr_array_sort (below, compare_ords);
      for (guint i = below->len; i > 0; i--)
        ((StrataNode *) g_ptr_array_index (below, i - 1))->ord = self->low_ord--;
      return;
    }
  g_ptr_array_set_size (above, 0);
  g_ptr_array_set_size (below, 0);
  collect_between (dst, TRUE, dst->ord, src->ord, NULL, G_MAXUINT, above);
  collect_between (src, FALSE, dst->ord, src->ord, NULL, G_MAXUINT, below);
  g_ptr_array_sort (below, compare_ords);
  g_ptr_array_sort (above, compare_ords);
  for (guint i = 0; i < below->len; i++)
    g_array_append_val (ords, ((StrataNode *) g_ptr_array_index (below, i))->ord);
  for (guint i = 0; i < above->len; i++)
    g_array_append_val (ords, ((StrataNode *) g_ptr_array_index (above, i))->ord);
  g_array_sort (ords, compare_ords_values);
  for (guint i = 0; i < below->len; i++)
    ((StrataNode *) g_ptr_array_index (below, i))->ord = g_array_index (ords, gint64, k++);
  for (guint i = 0; i < above->len; i++)
    ((StrataNode *) g_ptr_array_index (above, i))->ord = g_array_index (ords, gint64, k++);
}

/**
 * strata_graph_can_connect:
 *
 * Whether a link from @src's output to @dst's input @port may be made. An occupied input is
 * allowed: connecting replaces its link. Shapes are not checked here; a link whose shapes
 * don't fit is made and then reported on the node, so a user can fix it.
 */
gboolean
strata_graph_can_connect (StrataGraph *self,
                          const char  *src,
                          const char  *dst,
                          guint        port,
                          GError     **error)
{
  StrataNode *src_node, *dst_node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  if (!(src_node = lookup_or_error (self, src, error)) ||
      !(dst_node = lookup_or_error (self, dst, error)))
    return FALSE;
  if (!src_node->op->has_output)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK,
                   _("“%s” has no output to connect"), src);
      return FALSE;
    }
  if (port >= dst_node->n_inputs)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK,
                   _("“%s” has no input %u"), dst, port + 1);
      return FALSE;
    }
  if (would_loop (src_node, dst_node))
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_BAD_LINK,
                   _("Connecting “%s” to “%s” would make a loop"), src, dst);
      return FALSE;
    }
  return TRUE;
}

gboolean
strata_graph_connect (StrataGraph *self,
                      const char  *src,
                      const char  *dst,
                      guint        port,
                      GError     **error)
{
  StrataNode *src_node, *dst_node;
  LinkEntry *entry;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  if (!strata_graph_can_connect (self, src, dst, port, error))
    return FALSE;

  src_node = strata_graph_get_node (self, src);
  dst_node = strata_graph_get_node (self, dst);
  entry = find_entry_into (dst_node, port);
  if (entry != NULL && entry->src_node == src_node)
    return TRUE;
  reorder (self, src_node, dst_node);
  if (entry != NULL)
    link_set_src (entry, src_node);
  else
    link_add (self, src_node, dst_node, port);
  g_signal_emit (self, signals[LINKS_CHANGED], 0);
  emit_changed (self);
  return TRUE;
}

gboolean
strata_graph_disconnect (StrataGraph *self,
                         const char  *dst,
                         guint        port)
{
  LinkEntry *entry;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  entry = find_entry_into (strata_graph_get_node (self, dst), port);
  if (entry == NULL)
    return FALSE;
  link_remove (self, entry);
  g_signal_emit (self, signals[LINKS_CHANGED], 0);
  emit_changed (self);
  return TRUE;
}

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const LinkEntry *x = *(LinkEntry **) a, *y = *(LinkEntry **) b;

  return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/**
 * strata_graph_dup_consumers:
 *
 * Returns: (transfer container) (element-type StrataLink): the links out of @id
 */
GPtrArray *
strata_graph_dup_consumers (StrataGraph *self,
                            const char  *id)
{
  GPtrArray *out = g_ptr_array_new ();
  StrataNode *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), out);
  node = strata_graph_get_node (self, id);
  if (node == NULL)
    return out;
  tidy (self);   /* slots in order */
  for (guint i = 0; i < node->outputs->len; i++)
    g_ptr_array_add (out, g_ptr_array_index (node->outputs, i));
  /* in the order the links were made, as before there was an index */
  g_ptr_array_sort (out, compare_slots);
  return out;
}

/* Analysis ------------------------------------------------------------------------------------ */

/* Kahn's algorithm; nodes on a loop are left out and returned in @looped. O(nodes + links):
 * each node counts its inputs and each link is followed once, from its source. */
static GPtrArray *
topo_order (StrataGraph *self,
            GPtrArray  **looped)
{
  GPtrArray *order;
  guint next = 0;

  tidy (self);
  order = g_ptr_array_sized_new (self->nodes->len);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);

      node->pending = node->inputs->len;
      node->placed = FALSE;
      if (node->pending == 0)
        {
          node->placed = TRUE;
          g_ptr_array_add (order, node);
        }
    }
  /* @order doubles as the queue: nodes from @next on are placed, their links not followed */
  while (next < order->len)
    {
      StrataNode *node = g_ptr_array_index (order, next++);

      /* in the order the links were made, so that the order is the same as it always was */
      if (node->outputs->len > 1)
        g_ptr_array_sort (node->outputs, compare_slots);
      for (guint i = 0; i < node->outputs->len; i++)
        {
          LinkEntry *entry = g_ptr_array_index (node->outputs, i);
          StrataNode *dst = entry->dst_node;

          entry->out_slot = i;
          if (--dst->pending == 0)
            {
              dst->placed = TRUE;
              g_ptr_array_add (order, dst);
            }
        }
    }
  if (looped)
    {
      *looped = g_ptr_array_new ();
      for (guint i = 0; i < self->nodes->len; i++)
        {
          StrataNode *node = g_ptr_array_index (self->nodes, i);
          if (!node->placed)
            g_ptr_array_add (*looped, node);
        }
    }
  return order;
}

static void
set_node_error (StrataNode *node,
                char       *message)
{
  g_free (node->error);
  node->error = message;
}

static void
analyse (StrataGraph *self)
{
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GPtrArray) looped = NULL;
  guint n_inputs = 0, n_outputs = 0;

  if (self->analysed)
    return;
  self->analysed = TRUE;
  tidy (self);
  g_clear_pointer (&self->graph_error, g_free);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);
      node->has_shape = FALSE;
      node->n_weights = node->n_frozen_weights = node->n_state = 0;
      g_clear_pointer (&node->error, g_free);
      if (g_str_equal (node->op->type, "Input"))
        n_inputs++;
      if (!node->op->has_output)
        n_outputs++;
    }

  order = topo_order (self, &looped);
  for (guint i = 0; i < looped->len; i++)
    set_node_error (g_ptr_array_index (looped, i),
                    g_strdup (_("This layer is part of a loop: a model must flow one way")));

  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      StrataShape inputs[64];
      gboolean inputs_known = TRUE;
      g_autoptr(GError) error = NULL;

      g_assert (node->n_inputs <= G_N_ELEMENTS (inputs));
      for (guint port = 0; port < node->n_inputs; port++)
        {
          const char *src_id = strata_graph_get_input (self, node->id, port);
          StrataNode *src = strata_graph_get_node (self, src_id);

          if (src == NULL)
            {
              set_node_error (node, node->n_inputs == 1
                              ? g_strdup (_("Not connected: link a layer into its input"))
                              : g_strdup_printf (_("Input %u is not connected"), port + 1));
              inputs_known = FALSE;
              break;
            }
          if (!src->has_shape)
            inputs_known = FALSE;   /* the problem is upstream and reported there */
          else
            inputs[port] = src->shape;
        }
      if (!inputs_known)
        continue;

      if (node->op->infer (node, inputs, node->n_inputs, &node->shape, &error))
        node->has_shape = node->op->has_output;
      else
        set_node_error (node, g_strdup (error->message));

      if (node->error == NULL && node->op->count_params)
        node->op->count_params (node, inputs, node->n_inputs, &node->n_weights, &node->n_state);
      if (node->error == NULL && node->op->count_frozen)
        node->op->count_frozen (node, inputs, node->n_inputs, &node->n_frozen_weights);
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);

      if (node->error != NULL || !node->op->has_output)
        continue;
      if (node->outputs->len == 0)
        set_node_error (node, g_strdup (_("Its output goes nowhere: connect it or delete it")));
    }

  if (n_inputs == 0)
    self->graph_error = g_strdup (_("The model has no Input layer"));
  else if (n_inputs > 1)
    self->graph_error = g_strdup_printf (_("The model has %u Input layers; Strata models take one"),
                                         n_inputs);
  else if (n_outputs == 0)
    self->graph_error = g_strdup (_("The model has no Output layer"));
  else if (n_outputs > 1)
    self->graph_error = g_strdup_printf (_("The model has %u Output layers; Strata models have one"),
                                         n_outputs);
}

/**
 * strata_graph_validate:
 *
 * Returns: %TRUE when the model can be trained; otherwise sets @error to the first problem,
 *   naming the layer
 */
gboolean
strata_graph_validate (StrataGraph *self,
                       GError     **error)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  analyse (self);
  tidy (self);
  if (self->graph_error)
    {
      g_set_error_literal (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                           self->graph_error);
      return FALSE;
    }
  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);
      if (node->error)
        {
          /* Translators: the first %s is a layer name, the second the problem */
          g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                       _("Layer “%s”: %s"), node->id, node->error);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * strata_graph_get_node_error:
 *
 * Returns: (nullable): what is wrong with the node, in words for its badge and tooltip
 */
const char *
strata_graph_get_node_error (StrataGraph *self,
                             const char  *id)
{
  StrataNode *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  analyse (self);
  node = strata_graph_get_node (self, id);
  return node ? node->error : NULL;
}

gboolean
strata_graph_get_output_shape (StrataGraph *self,
                               const char  *id,
                               StrataShape *shape)
{
  StrataNode *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);
  analyse (self);
  node = strata_graph_get_node (self, id);
  if (node == NULL || !node->has_shape)
    return FALSE;
  *shape = node->shape;
  return TRUE;
}

/**
 * strata_graph_get_param_counts:
 * @n_trainable: (out) (optional): weights that training updates
 * @n_frozen: (out) (optional): weights of frozen layers plus state such as BatchNormalization's
 *   moving statistics (Keras' "non-trainable params")
 */
void
strata_graph_get_param_counts (StrataGraph *self,
                               const char  *id,
                               gint64      *n_trainable,
                               gint64      *n_frozen)
{
  StrataNode *node;
  gint64 trainable = 0, frozen = 0;

  g_return_if_fail (STRATA_IS_GRAPH (self));
  analyse (self);
  node = strata_graph_get_node (self, id);
  if (node != NULL)
    {
      /* a pretrained backbone freezes the bottom of itself (its trainable_percent) */
      trainable = node->trainable ? node->n_weights - node->n_frozen_weights : 0;
      frozen = node->n_weights - trainable + node->n_state;
    }
  if (n_trainable)
    *n_trainable = trainable;
  if (n_frozen)
    *n_frozen = frozen;
}

void
strata_graph_get_total_params (StrataGraph *self,
                               gint64      *n_trainable,
                               gint64      *n_frozen)
{
  gint64 trainable = 0, frozen = 0;

  g_return_if_fail (STRATA_IS_GRAPH (self));
  tidy (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);
      gint64 t, f;
      strata_graph_get_param_counts (self, node->id, &t, &f);
      trainable += t;
      frozen += f;
    }
  if (n_trainable)
    *n_trainable = trainable;
  if (n_frozen)
    *n_frozen = frozen;
}

/**
 * strata_graph_dup_topo_order:
 *
 * Returns: (transfer container) (element-type StrataNode): the nodes, each after its inputs
 */
GPtrArray *
strata_graph_dup_topo_order (StrataGraph *self,
                             GError     **error)
{
  g_autoptr(GPtrArray) looped = NULL;
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  order = topo_order (self, &looped);
  if (looped->len > 0)
    {
      StrataNode *node = g_ptr_array_index (looped, 0);
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("Layer “%s” is part of a loop: a model must flow one way"), node->id);
      return NULL;
    }
  return g_steal_pointer (&order);
}

static StrataNode *
find_first (StrataGraph *self,
            gboolean     want_input)
{
  tidy (self);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);
      if (want_input ? g_str_equal (node->op->type, "Input") : !node->op->has_output)
        return node;
    }
  return NULL;
}

StrataNode *
strata_graph_find_input (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  return find_first (self, TRUE);
}

StrataNode *
strata_graph_find_output (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  return find_first (self, FALSE);
}

/**
 * strata_graph_dup_summary:
 *
 * Returns: a table like Keras' model.summary(): layer, output shape, parameters
 */
char *
strata_graph_dup_summary (StrataGraph *self)
{
  g_autoptr(GPtrArray) order = NULL;
  GString *s = g_string_new (NULL);
  gint64 trainable, frozen;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  analyse (self);
  order = topo_order (self, NULL);
  g_string_append_printf (s, "%-40s %-24s %12s\n", _("Layer (type)"), _("Output Shape"),
                          _("Param #"));
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      g_autofree char *name = g_strdup_printf ("%s (%s)", node->id, node->op->type);
      g_autofree char *shape = node->has_shape ? strata_shape_to_string (&node->shape)
                                               : g_strdup ("—");
      g_string_append_printf (s, "%-40s %-24s %12" G_GINT64_FORMAT "\n", name, shape,
                              node->n_weights + node->n_state);
    }
  strata_graph_get_total_params (self, &trainable, &frozen);
  g_string_append_printf (s, _("Total params: %lld\n"), (long long) (trainable + frozen));
  g_string_append_printf (s, _("Trainable params: %lld\n"), (long long) trainable);
  g_string_append_printf (s, _("Non-trainable params: %lld\n"), (long long) frozen);
  return g_string_free (s, FALSE);
}

/* Expansion ----------------------------------------------------------------------------------- */

static StrataNode *
copy_node (StrataGraph      *flat,
           const StrataNode *node,
           GError          **error)
{
  StrataNode *copy = strata_graph_add_node (flat, node->op->type, node->id, error);
  GHashTableIter iter;
  gpointer name, value;

  if (copy == NULL)
    return NULL;
  /* the same op: every value has already passed its spec's check */
  g_hash_table_iter_init (&iter, node->params);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_hash_table_replace (copy->params, name, g_variant_ref (value));
  copy->trainable = node->trainable;
  copy->x = node->x;
  copy->y = node->y;
  copy->n_inputs = node->n_inputs;
  return copy;
}

/**
 * strata_graph_expand:
 *
 * Replaces every composite layer (a pretrained backbone such as ResNet50) by the layers it
 * stands for, with ids "<node id>/<Keras layer name>" and each layer's trainable flag set by
 * the node's trainable_percent; other nodes are copied as they are. Shapes and parameter
 * counts of the result equal those of @self.
 *
 * Returns: (transfer full): the flat graph, or %NULL when @self is not valid or a backbone
 *   can't be built
 */
StrataGraph *
strata_graph_expand (StrataGraph  *self,
                     GError      **error)
{
  g_autoptr(StrataGraph) flat = NULL;
  g_autoptr(GHashTable) outputs = NULL;
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!strata_graph_validate (self, error))
    return NULL;
  order = strata_graph_dup_topo_order (self, error);
  if (order == NULL)
    return NULL;

  flat = strata_graph_new ();
  /* node id → the id in @flat whose output stands for the node's */
  outputs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);

      if (node->op->expand != NULL)
        {
          const char *src_id = strata_graph_get_input (self, node->id, 0);
          StrataNode *src = strata_graph_get_node (self, src_id);
          char *last;

          g_assert (src != NULL && src->has_shape);   /* validation checked both */
          last = node->op->expand (node, &src->shape, flat, g_hash_table_lookup (outputs, src_id),
                                   error);
          if (last == NULL)
            {
              g_prefix_error (error, _("Layer “%s”: "), node->id);
              return NULL;
            }
          g_hash_table_insert (outputs, node->id, last);
        }
      else
        {
          if (copy_node (flat, node, error) == NULL)
            return NULL;
          g_hash_table_insert (outputs, node->id, g_strdup (node->id));
        }
    }

  tidy (self);
  for (guint i = 0; i < self->links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (self->links, i);
      StrataNode *dst = strata_graph_get_node (self, link->dst);

      if (dst->op->expand != NULL)
        continue;   /* the expansion linked its own input */
      if (!strata_graph_connect (flat, g_hash_table_lookup (outputs, link->src), link->dst,
                                 link->port, error))
        return NULL;
    }
  return g_steal_pointer (&flat);
}

/* Serialisation ------------------------------------------------------------------------------- */

/*
 * {"nodes": [{"id": "conv2d", "type": "Conv2D", "trainable": true, "position": [x, y],
 *             "inputs": 2 (merge layers only), "params": {"filters": 32, …}}, …],
 *  "links": [{"from": "input", "to": "conv2d", "port": 0}, …]}
 */
JsonNode *
strata_graph_to_json (StrataGraph *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  tidy (self);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nodes");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      StrataNode *node = g_ptr_array_index (self->nodes, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, node->id);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, node->op->type);
      json_builder_set_member_name (b, "trainable");
      json_builder_add_boolean_value (b, node->trainable);
      json_builder_set_member_name (b, "position");
      json_builder_begin_array (b);
      json_builder_add_double_value (b, node->x);
      json_builder_add_double_value (b, node->y);
      json_builder_end_array (b);
      if (node->op->min_inputs != node->op->max_inputs)
        {
          json_builder_set_member_name (b, "inputs");
          json_builder_add_int_value (b, node->n_inputs);
        }
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      for (guint p = 0; p < node->op->n_params; p++)
        {
          const char *name = node->op->params[p].name;
          json_builder_set_member_name (b, name);
          json_builder_add_value (b, json_gvariant_serialize (g_hash_table_lookup (node->params,
                                                                                    name)));
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (self->links, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, link->src);
      json_builder_set_member_name (b, "to");
      json_builder_add_string_value (b, link->dst);
      json_builder_set_member_name (b, "port");
      json_builder_add_int_value (b, link->port);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
parse_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
parse_error (GError    **error,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_PARSE, message);
  return FALSE;
}

static gboolean
json_holds (JsonNode *value,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == type;
}

static gboolean
json_array_holds (JsonNode *value,
                  GType     type)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return FALSE;
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!json_holds (json_array_get_element (array, i), type))
      return FALSE;
  return TRUE;
}

/* Strict about types (json-glib would turn "9" into 9); lenient only about 3 vs 3.0. */
static GVariant *
param_from_json (const StrataParamSpec *spec,
                 JsonNode              *value)
{
  switch (spec->kind)
    {
    case STRATA_PARAM_INT:
      if (json_holds (value, G_TYPE_INT64))
        return g_variant_new_int32 ((gint32) CLAMP (json_node_get_int (value), G_MININT, G_MAXINT));
      if (json_holds (value, G_TYPE_DOUBLE) &&
          json_node_get_double (value) == (gint32) json_node_get_double (value))
        return g_variant_new_int32 ((gint32) json_node_get_double (value));
      return NULL;
    case STRATA_PARAM_FLOAT:
      if (json_holds (value, G_TYPE_INT64) || json_holds (value, G_TYPE_DOUBLE))
        return g_variant_new_double (json_node_get_double (value));
      return NULL;
    case STRATA_PARAM_BOOL:
      return json_holds (value, G_TYPE_BOOLEAN)
             ? g_variant_new_boolean (json_node_get_boolean (value)) : NULL;
    case STRATA_PARAM_ENUM:
    case STRATA_PARAM_STRING:
      return json_holds (value, G_TYPE_STRING)
             ? g_variant_new_string (json_node_get_string (value)) : NULL;
    case STRATA_PARAM_INTS:
      if (!json_array_holds (value, G_TYPE_INT64))
        return NULL;
      break;
    case STRATA_PARAM_STRINGS:
      if (!json_array_holds (value, G_TYPE_STRING))
        return NULL;
      break;
    default:
      return NULL;
    }
  return json_gvariant_deserialize (value,
                                    g_variant_type_peek_string (strata_param_spec_get_variant_type (spec)),
                                    NULL);
}

/* A damaged project's member may hold an array or an object where a value belongs: the
 * fallback then, not json-glib's critical. */
static const char *
member_string (JsonObject *object,
               const char *name,
               const char *fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : fallback;
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : fallback;
}

static gboolean
node_from_json (StrataGraph *self,
                JsonNode    *json,
                GError     **error)
{
  JsonObject *obj;
  const char *id, *type;
  StrataNode *node;
  g_autoptr(GError) local_error = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (json))
    return parse_error (error, _("A layer in the model is not a JSON object"));
  obj = json_node_get_object (json);
  id = member_string (obj, "id", NULL);
  type = member_string (obj, "type", NULL);
  if (id == NULL || type == NULL)
    return parse_error (error, _("A layer in the model has no “id” or no “type”"));
  if (strata_op_lookup (type) == NULL)
    return parse_error (error, _("Layer “%s” has the type “%s”, which this version of Strata "
                                 "does not know"), id, type);
  node = strata_graph_add_node (self, type, id, &local_error);
  if (node == NULL)
    return parse_error (error, "%s", local_error->message);

  if (json_object_has_member (obj, "trainable"))
    node->trainable = json_object_get_boolean_member (obj, "trainable");
  if (json_object_has_member (obj, "position"))
    {
      JsonNode *pos = json_object_get_member (obj, "position");
      JsonArray *arr = JSON_NODE_HOLDS_ARRAY (pos) ? json_node_get_array (pos) : NULL;
      if (arr == NULL || json_array_get_length (arr) != 2)
        return parse_error (error, _("Layer “%s” has a position that is not [x, y]"), id);
      node->x = json_array_get_double_element (arr, 0);
      node->y = json_array_get_double_element (arr, 1);
    }
  if (json_object_has_member (obj, "inputs"))
    {
      gint64 n = json_object_get_int_member (obj, "inputs");
      if (!strata_graph_set_n_inputs (self, id, (guint) CLAMP (n, 0, G_MAXINT), &local_error))
        return parse_error (error, _("Layer “%s”: %s"), id, local_error->message);
    }
  if (json_object_has_member (obj, "params"))
    {
      JsonNode *params = json_object_get_member (obj, "params");
      g_autoptr(GList) names = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (params))
        return parse_error (error, _("Layer “%s” has parameters that are not a JSON object"), id);
      names = json_object_get_members (json_node_get_object (params));
      for (GList *l = names; l; l = l->next)
        {
          const StrataParamSpec *spec = strata_op_find_param (node->op, l->data);
          JsonNode *value = json_object_get_member (json_node_get_object (params), l->data);
          GVariant *variant;

          if (spec == NULL)
            return parse_error (error, _("Layer “%s” (%s) has a parameter “%s” that %s layers "
                                         "don't have"), id, type, (char *) l->data, type);
          variant = param_from_json (spec, value);
          if (variant == NULL)
            return parse_error (error, _("Layer “%s”: parameter “%s” has a value of the wrong "
                                         "type"), id, (char *) l->data);
          if (!strata_graph_set_param (self, id, spec->name, variant, &local_error))
            return parse_error (error, _("Layer “%s”: %s"), id, local_error->message);
        }
    }
  return TRUE;
}

StrataGraph *
strata_graph_new_from_json (JsonNode *json,
                            GError  **error)
{
  g_autoptr(StrataGraph) self = strata_graph_new ();
  JsonObject *obj;
  JsonArray *nodes, *links;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    return parse_error (error, _("The model is not a JSON object")), NULL;
  obj = json_node_get_object (json);
  if (!json_object_has_member (obj, "nodes") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "nodes")))
    return parse_error (error, _("The model has no list of layers (“nodes”)")), NULL;
  nodes = json_object_get_array_member (obj, "nodes");
  links = json_object_has_member (obj, "links") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (obj, "links"))
          ? json_object_get_array_member (obj, "links") : NULL;

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    if (!node_from_json (self, json_array_get_element (nodes, i), error))
      return NULL;

  for (guint i = 0; links && i < json_array_get_length (links); i++)
    {
      JsonNode *element = json_array_get_element (links, i);
      JsonObject *link;
      const char *from, *to;
      gint64 port;
      g_autoptr(GError) local_error = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return parse_error (error, _("A link in the model is not a JSON object")), NULL;
      link = json_node_get_object (element);
      from = member_string (link, "from", NULL);
      to = member_string (link, "to", NULL);
      port = member_int (link, "port", 0);
      if (from == NULL || to == NULL || port < 0 || port > G_MAXINT)
        return parse_error (error, _("A link in the model lacks “from”, “to” or a valid "
                                     "“port”")), NULL;
      if (strata_graph_get_input (self, to, port) != NULL)
        return parse_error (error, _("Input %u of layer “%s” has two links"),
                            (guint) port + 1, to), NULL;
      if (!strata_graph_connect (self, from, to, port, &local_error))
        return parse_error (error, _("The link from “%s” to “%s”: %s"), from, to,
                            local_error->message), NULL;
    }
  return g_steal_pointer (&self);
}

StrataGraph *
strata_graph_copy (StrataGraph *self)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  StrataGraph *copy;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  json = strata_graph_to_json (self);
  copy = strata_graph_new_from_json (json, &error);
  g_assert_no_error (error);
  return copy;
}
