/* strata-undo-manager.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-undo-manager"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-undo-manager.h"
#include "strata-graph-clipboard.h"

/*
 * As in Gaphor's undo manager, a step is a list of small invertible operations that name
 * nodes by id, never by pointer: undoing a delete creates a new node under the old id, and
 * every later step that names that id finds it again. An edit applies its operations one by
 * one as it records them, so each sees the graph the previous one left; if one fails, the
 * ones before it are reverted and nothing is recorded.
 */

#define MAX_STEPS 500

typedef enum
{
  OP_ADD_NODE,
  OP_REMOVE_NODE,
  OP_MOVE,
  OP_CONNECT,
  OP_DISCONNECT,
  OP_SET_PARAM,
  OP_SET_TRAINABLE,
  OP_SET_N_INPUTS,
  OP_RENAME,
} OpKind;

typedef struct
{
  char *type;
  double x, y;
  gboolean trainable;
  guint n_inputs;
  GVariant *params;             /* a{sv} */
} NodeState;

typedef struct
{
  OpKind kind;
  char *id;                     /* the node; for links the destination; for renames the old id */
  char *name;                   /* links: the source; params: the name; renames: the new id */
  guint port;
  char *old_src;                /* CONNECT: the link it replaced, if any */
  GVariant *old_value;
  GVariant *new_value;
  StrataPoint old_pos;
  StrataPoint new_pos;
  gboolean old_flag;
  gboolean new_flag;
  guint old_n;
  guint new_n;
  NodeState *state;             /* ADD_NODE, REMOVE_NODE */
} Op;

typedef struct
{
  char *label;
  char *merge_key;              /* later edits with the same key fold into this step */
  GPtrArray *ops;
} Step;

struct _StrataUndoManager
{
  GObject parent_instance;

  StrataGraph *graph;

  GPtrArray *steps;             /* Step*, oldest first */
  guint position;               /* steps before it are done, the rest undone */
  int clean_position;           /* where the saved state is, or -1 when it can't be reached */
  gboolean can_merge;           /* nothing happened since the top step was recorded */

  Step *open;                   /* the step being recorded */
  guint depth;                  /* nesting of begin_group */

  /* last notified state */
  gboolean can_undo, can_redo, modified;
  const char *undo_label, *redo_label;
};

G_DEFINE_FINAL_TYPE (StrataUndoManager, strata_undo_manager, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_GRAPH,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NODE_RENAMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Node snapshots ------------------------------------------------------------------------------ */

static void
node_state_free (NodeState *state)
{
  if (state == NULL)
    return;
  g_free (state->type);
  g_clear_pointer (&state->params, g_variant_unref);
  g_free (state);
}

static NodeState *
node_state_new (const StrataNode *node,
                double            dx,
                double            dy)
{
  const StrataOpInfo *op = strata_node_get_op (node);
  NodeState *state = g_new0 (NodeState, 1);
  GVariantBuilder params;

  state->type = g_strdup (op->type);
  strata_node_get_position (node, &state->x, &state->y);
  state->x += dx;
  state->y += dy;
  state->trainable = strata_node_get_trainable (node);
  state->n_inputs = strata_node_get_n_inputs (node);
  g_variant_builder_init (&params, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < op->n_params; i++)
    g_variant_builder_add (&params, "{sv}", op->params[i].name,
                           strata_node_get_param (node, op->params[i].name));
  state->params = g_variant_ref_sink (g_variant_builder_end (&params));
  return state;
}

static gboolean
node_state_create (const NodeState  *state,
                   StrataGraph      *graph,
                   const char       *id,
                   GError          **error)
{
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (strata_graph_add_node (graph, state->type, id, error) == NULL)
    return FALSE;
  g_variant_iter_init (&iter, state->params);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      gboolean ok = strata_graph_set_param (graph, id, name, value, error);
      g_variant_unref (value);
      if (!ok)
        goto fail;
    }
  if (!strata_graph_set_n_inputs (graph, id, state->n_inputs, error))
    goto fail;
  strata_graph_set_trainable (graph, id, state->trainable);
  strata_graph_set_position (graph, id, state->x, state->y);
  return TRUE;

fail:
  strata_graph_remove_node (graph, id);
  return FALSE;
}

/* Operations ---------------------------------------------------------------------------------- */

static void
op_free (Op *op)
{
  g_free (op->id);
  g_free (op->name);
  g_free (op->old_src);
  g_clear_pointer (&op->old_value, g_variant_unref);
  g_clear_pointer (&op->new_value, g_variant_unref);
  node_state_free (op->state);
  g_free (op);
}

static Op *
op_new (OpKind      kind,
        const char *id,
        const char *name)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->id = g_strdup (id);
  op->name = g_strdup (name);
  return op;
}

static gboolean
connect_or_disconnect (StrataGraph  *graph,
                       const char   *src,
                       const char   *dst,
                       guint         port,
                       GError      **error)
{
  if (src == NULL)
    {
      strata_graph_disconnect (graph, dst, port);
      return TRUE;
    }
  return strata_graph_connect (graph, src, dst, port, error);
}

static gboolean
rename_node (StrataUndoManager  *self,
             const char         *from,
             const char         *to,
             GError            **error)
{
  if (!strata_graph_rename_node (self->graph, from, to, error))
    return FALSE;
  g_signal_emit (self, signals[NODE_RENAMED], 0, from, to);
  return TRUE;
}

static gboolean
op_run (StrataUndoManager  *self,
        Op                 *op,
        gboolean            forward,
        GError            **error)
{
  StrataGraph *graph = self->graph;

  switch (op->kind)
    {
    case OP_ADD_NODE:
    case OP_REMOVE_NODE:
      if ((op->kind == OP_ADD_NODE) == forward)
        return node_state_create (op->state, graph, op->id, error);
      if (!strata_graph_remove_node (graph, op->id))
        {
          g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_NOT_FOUND,
                       _("There is no layer named “%s”"), op->id);
          return FALSE;
        }
      return TRUE;

    case OP_MOVE:
      {
        StrataPoint p = forward ? op->new_pos : op->old_pos;
        strata_graph_set_position (graph, op->id, p.x, p.y);
        return TRUE;
      }

    case OP_CONNECT:
      return connect_or_disconnect (graph, forward ? op->name : op->old_src, op->id, op->port,
                                    error);

    case OP_DISCONNECT:
      return connect_or_disconnect (graph, forward ? NULL : op->name, op->id, op->port, error);

    case OP_SET_PARAM:
      /* Not floating, so the graph takes a reference of its own. */
      return strata_graph_set_param (graph, op->id, op->name,
                                     forward ? op->new_value : op->old_value, error);

    case OP_SET_TRAINABLE:
      strata_graph_set_trainable (graph, op->id, forward ? op->new_flag : op->old_flag);
      return TRUE;

    case OP_SET_N_INPUTS:
      return strata_graph_set_n_inputs (graph, op->id, forward ? op->new_n : op->old_n, error);

    case OP_RENAME:
      return forward ? rename_node (self, op->id, op->name, error)
                     : rename_node (self, op->name, op->id, error);

    default:
      g_return_val_if_reached (FALSE);
    }
}

/* Steps --------------------------------------------------------------------------------------- */

static void
step_free (Step *step)
{
  g_free (step->label);
  g_free (step->merge_key);
  g_ptr_array_unref (step->ops);
  g_free (step);
}

static Step *
step_new (const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label);
  step->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  return step;
}

static void
step_run (StrataUndoManager *self,
          Step              *step,
          gboolean           forward)
{
  for (guint i = 0; i < step->ops->len; i++)
    {
      Op *op = g_ptr_array_index (step->ops, forward ? i : step->ops->len - 1 - i);
      g_autoptr(GError) error = NULL;

      /* Only an edit made behind the manager's back can get here; keep going. */
      if (!op_run (self, op, forward, &error))
        g_warning ("Could not %s “%s”: %s", forward ? "redo" : "undo", step->label,
                   error->message);
    }
}

static void
update_state (StrataUndoManager *self)
{
  gboolean can_undo = self->position > 0;
  gboolean can_redo = self->position < self->steps->len;
  gboolean modified = self->clean_position != (int) self->position;
  const char *undo_label = can_undo
    ? ((Step *) g_ptr_array_index (self->steps, self->position - 1))->label : NULL;
  const char *redo_label = can_redo
    ? ((Step *) g_ptr_array_index (self->steps, self->position))->label : NULL;

  g_object_freeze_notify (G_OBJECT (self));
  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
  /* Labels are compared by pointer: a new step is a new label even when the text matches. */
  if (undo_label != self->undo_label)
    {
      self->undo_label = undo_label;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
    }
  if (redo_label != self->redo_label)
    {
      self->redo_label = redo_label;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
    }
  if (modified != self->modified)
    {
      self->modified = modified;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static gboolean
try_merge (StrataUndoManager *self,
           Step              *step)
{
  Step *top;

  if (step->merge_key == NULL || !self->can_merge || self->position == 0 ||
      self->position != self->steps->len)
    return FALSE;
  top = g_ptr_array_index (self->steps, self->position - 1);
  if (g_strcmp0 (top->merge_key, step->merge_key) != 0 || top->ops->len != step->ops->len)
    return FALSE;

  /* Same key means the same operations on the same nodes: keep the old "before", take the
   * new "after". */
  for (guint i = 0; i < top->ops->len; i++)
    {
      Op *old = g_ptr_array_index (top->ops, i);
      Op *new = g_ptr_array_index (step->ops, i);

      if (old->kind != new->kind || g_strcmp0 (old->id, new->id) != 0)
        return FALSE;
    }
  for (guint i = 0; i < top->ops->len; i++)
    {
      Op *old = g_ptr_array_index (top->ops, i);
      Op *new = g_ptr_array_index (step->ops, i);

      old->new_pos = new->new_pos;
      if (new->new_value)
        {
          g_clear_pointer (&old->new_value, g_variant_unref);
          old->new_value = g_variant_ref (new->new_value);
        }
    }
  /* The saved state was the one before this edit; it is gone now. */
  if (self->clean_position == (int) self->position)
    self->clean_position = -1;
  return TRUE;
}

static void
push_step (StrataUndoManager *self,
           Step              *step)
{
  if (try_merge (self, step))
    {
      step_free (step);
      update_state (self);
      return;
    }

  /* A new edit ends the redo branch; a saved state on it can't be reached any more. */
  if (self->clean_position > (int) self->position)
    self->clean_position = -1;
  g_ptr_array_set_size (self->steps, self->position);

  g_ptr_array_add (self->steps, step);
  self->position++;
  if (self->steps->len > MAX_STEPS)
    {
      g_ptr_array_remove_index (self->steps, 0);
      self->position--;
      if (self->clean_position >= 0)
        self->clean_position--;
    }
  self->can_merge = TRUE;
  update_state (self);
}

static void
begin (StrataUndoManager *self,
       const char        *label)
{
  if (self->depth++ == 0)
    self->open = step_new (label);
}

static void
end (StrataUndoManager *self)
{
  Step *step;

  g_return_if_fail (self->depth > 0);
  if (--self->depth > 0)
    return;
  step = g_steal_pointer (&self->open);
  if (step->ops->len == 0)
    step_free (step);
  else
    push_step (self, step);
}

/* Applies @op and records it in the open step; frees it on failure. */
static gboolean
record (StrataUndoManager  *self,
        Op                 *op,
        GError            **error)
{
  g_assert (self->open != NULL);

  if (!op_run (self, op, TRUE, error))
    {
      op_free (op);
      return FALSE;
    }
  g_ptr_array_add (self->open->ops, op);
  return TRUE;
}

/* Reverts the open step's operations after @mark: an edit failed halfway. */
static void
roll_back (StrataUndoManager *self,
           guint              mark)
{
  while (self->open->ops->len > mark)
    {
      Op *op = g_ptr_array_steal_index (self->open->ops, self->open->ops->len - 1);
      g_autoptr(GError) error = NULL;

      if (!op_run (self, op, FALSE, &error))
        g_warning ("Could not roll back an edit: %s", error->message);
      op_free (op);
    }
}

/* GObject ------------------------------------------------------------------------------------- */

static void
strata_undo_manager_dispose (GObject *object)
{
  StrataUndoManager *self = (StrataUndoManager *) object;

  g_clear_object (&self->graph);

  G_OBJECT_CLASS (strata_undo_manager_parent_class)->dispose (object);
}

static void
strata_undo_manager_finalize (GObject *object)
{
  StrataUndoManager *self = (StrataUndoManager *) object;

  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->open, step_free);

  G_OBJECT_CLASS (strata_undo_manager_parent_class)->finalize (object);
}

static void
strata_undo_manager_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataUndoManager *self = STRATA_UNDO_MANAGER (object);

  switch (prop_id)
    {
    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, strata_undo_manager_get_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, strata_undo_manager_get_can_redo (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, strata_undo_manager_get_undo_label (self));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, strata_undo_manager_get_redo_label (self));
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, strata_undo_manager_get_modified (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_undo_manager_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  StrataUndoManager *self = STRATA_UNDO_MANAGER (object);

  switch (prop_id)
    {
    case PROP_GRAPH:
      self->graph = g_value_dup_object (value);
      break;
    case PROP_MODIFIED:
      strata_undo_manager_set_modified (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_undo_manager_class_init (StrataUndoManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_undo_manager_dispose;
  object_class->finalize = strata_undo_manager_finalize;
  object_class->get_property = strata_undo_manager_get_property;
  object_class->set_property = strata_undo_manager_set_property;

  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL, STRATA_TYPE_GRAPH,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * StrataUndoManager:undo-label:
   *
   * What Undo would undo, e.g. “Move”, for a menu item “Undo Move”.
   */
  properties[PROP_UNDO_LABEL] =
    g_param_spec_string ("undo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDO_LABEL] =
    g_param_spec_string ("redo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * StrataUndoManager:modified:
   *
   * Whether the graph differs from the state last marked as saved with
   * strata_undo_manager_set_modified(). Undoing back to that state clears it again.
   */
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataUndoManager::node-renamed:
   * @old_id: the id before
   * @new_id: the id now
   *
   * Emitted after a rename, its undo or its redo, so views can keep their selection: the
   * graph itself reports a rename as a removal and an addition.
   */
  signals[NODE_RENAMED] =
    g_signal_new ("node-renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
strata_undo_manager_init (StrataUndoManager *self)
{
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
}

/**
 * strata_undo_manager_new:
 * @graph: the graph all edits go to
 *
 * Returns: (transfer full): a manager with an empty history, the graph as it is counting as
 *   saved
 */
StrataUndoManager *
strata_undo_manager_new (StrataGraph *graph)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  return g_object_new (STRATA_TYPE_UNDO_MANAGER, "graph", graph, NULL);
}

StrataGraph *
strata_undo_manager_get_graph (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), NULL);
  return self->graph;
}

/* History ------------------------------------------------------------------------------------- */

gboolean
strata_undo_manager_get_can_undo (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);
  return self->position > 0;
}

gboolean
strata_undo_manager_get_can_redo (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);
  return self->position < self->steps->len;
}

/**
 * strata_undo_manager_get_undo_label:
 *
 * Returns: (nullable): the name of the step Undo reverts
 */
const char *
strata_undo_manager_get_undo_label (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), NULL);
  return self->undo_label;
}

/**
 * strata_undo_manager_get_redo_label:
 *
 * Returns: (nullable): the name of the step Redo repeats
 */
const char *
strata_undo_manager_get_redo_label (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), NULL);
  return self->redo_label;
}

guint
strata_undo_manager_get_n_steps (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), 0);
  return self->steps->len;
}

gboolean
strata_undo_manager_undo (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  if (self->depth > 0 || self->position == 0)
    return FALSE;
  self->position--;
  self->can_merge = FALSE;
  step_run (self, g_ptr_array_index (self->steps, self->position), FALSE);
  update_state (self);
  return TRUE;
}

gboolean
strata_undo_manager_redo (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  if (self->depth > 0 || self->position >= self->steps->len)
    return FALSE;
  step_run (self, g_ptr_array_index (self->steps, self->position), TRUE);
  self->position++;
  self->can_merge = FALSE;
  update_state (self);
  return TRUE;
}

/**
 * strata_undo_manager_clear:
 *
 * Forgets the history, e.g. after loading a project. The modified flag stays as it is.
 */
void
strata_undo_manager_clear (StrataUndoManager *self)
{
  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));

  g_ptr_array_set_size (self->steps, 0);
  self->clean_position = self->modified ? -1 : 0;
  self->position = 0;
  self->can_merge = FALSE;
  update_state (self);
}

gboolean
strata_undo_manager_get_modified (StrataUndoManager *self)
{
  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);
  return self->clean_position != (int) self->position;
}

/**
 * strata_undo_manager_set_modified:
 * @modified: %FALSE after saving; %TRUE to flag unsaved changes made outside the manager
 */
void
strata_undo_manager_set_modified (StrataUndoManager *self,
                                  gboolean           modified)
{
  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));

  self->clean_position = modified ? -1 : (int) self->position;
  /* After a save, the next edit starts a step of its own. */
  self->can_merge = FALSE;
  update_state (self);
}

/**
 * strata_undo_manager_begin_group:
 * @label: the name of the step, e.g. “Add Layer”
 *
 * Edits until the matching strata_undo_manager_end_group() become one step. Groups nest; the
 * outermost label is kept.
 */
void
strata_undo_manager_begin_group (StrataUndoManager *self,
                                 const char        *label)
{
  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));
  begin (self, label);
}

void
strata_undo_manager_end_group (StrataUndoManager *self)
{
  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));
  end (self);
}

/**
 * strata_undo_manager_break_merge:
 *
 * Makes the next edit a step of its own even when it would fold into the last one, e.g.
 * when the inspector shows another node or a parameter field loses focus.
 */
void
strata_undo_manager_break_merge (StrataUndoManager *self)
{
  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));
  self->can_merge = FALSE;
}

/* Edits --------------------------------------------------------------------------------------- */

/**
 * strata_undo_manager_add_node:
 * @type: the op type, e.g. "Dense"
 * @x: left edge, in canvas coordinates
 * @y: top edge
 *
 * Returns: (nullable): the new node's id, as Keras would name it
 */
const char *
strata_undo_manager_add_node (StrataUndoManager  *self,
                              const char         *type,
                              double              x,
                              double              y,
                              GError            **error)
{
  const StrataOpInfo *info;
  g_autofree char *stem = NULL;
  g_autofree char *id = NULL;
  StrataNode *node;
  Op *op;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), NULL);

  info = strata_op_lookup (type);
  if (info == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("“%s” is not a layer type Strata knows"), type);
      return NULL;
    }
  stem = strata_op_default_id_stem (info);
  id = strata_graph_dup_unique_id (self->graph, stem);

  /* Build the snapshot from a scratch node, so defaults come from one place: the op. */
  {
    g_autoptr(StrataGraph) scratch = strata_graph_new ();
    node = strata_graph_add_node (scratch, type, id, error);
    if (node == NULL)
      return NULL;
    strata_graph_set_position (scratch, id, x, y);
    op = op_new (OP_ADD_NODE, id, NULL);
    op->state = node_state_new (node, 0, 0);
  }

  begin (self, _("Add Layer"));
  ok = record (self, op, error);
  end (self);
  return ok ? strata_node_get_id (strata_graph_get_node (self->graph, id)) : NULL;
}

/**
 * strata_undo_manager_remove_nodes:
 * @ids: (array zero-terminated=1): the nodes to delete, with their links
 *
 * Returns: whether anything was deleted
 */
gboolean
strata_undo_manager_remove_nodes (StrataUndoManager *self,
                                  const char *const *ids)
{
  g_autoptr(GHashTable) doomed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) links = NULL;
  GPtrArray *all;
  guint mark;
  gboolean ok = TRUE;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  for (guint i = 0; ids && ids[i]; i++)
    if (strata_graph_get_node (self->graph, ids[i]))
      g_hash_table_add (doomed, (gpointer) ids[i]);
  if (g_hash_table_size (doomed) == 0)
    return FALSE;

  /* Copy the links first: disconnecting edits the array. */
  all = strata_graph_get_links (self->graph);
  links = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < all->len; i++)
    {
      StrataLink *link = g_ptr_array_index (all, i);
      if (g_hash_table_contains (doomed, link->src) || g_hash_table_contains (doomed, link->dst))
        g_ptr_array_add (links, g_strdup_printf ("%s\n%s\n%u", link->src, link->dst, link->port));
    }

  begin (self, g_hash_table_size (doomed) == 1 ? _("Delete Layer") : _("Delete Layers"));
  mark = self->open->ops->len;
  for (guint i = 0; ok && i < links->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (links, i), "\n", 3);
      Op *op = op_new (OP_DISCONNECT, parts[1], parts[0]);
      op->port = (guint) g_ascii_strtoull (parts[2], NULL, 10);
      ok = record (self, op, NULL);
    }
  for (guint i = 0; ok && ids[i]; i++)
    {
      StrataNode *node = strata_graph_get_node (self->graph, ids[i]);
      Op *op;

      if (node == NULL)
        continue;
      op = op_new (OP_REMOVE_NODE, ids[i], NULL);
      op->state = node_state_new (node, 0, 0);
      ok = record (self, op, NULL);
    }
  if (!ok)
    roll_back (self, mark);
  end (self);
  return ok;
}

/**
 * strata_undo_manager_move_nodes:
 * @ids: (array zero-terminated=1): the nodes
 * @from: where each was before, one per id
 * @to: where each goes
 * @merge: whether this move may fold into the previous one of the same nodes (nudges with
 *   the arrow keys); a pointer drag passes %FALSE and records the whole drag once at its end
 *
 * The nodes may already be at @to: a drag moves them live and records the step when the
 * button is released.
 */
void
strata_undo_manager_move_nodes (StrataUndoManager *self,
                                const char *const *ids,
                                const StrataPoint *from,
                                const StrataPoint *to,
                                gboolean           merge)
{
  GString *key = NULL;
  gboolean moved = FALSE;

  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));

  for (guint i = 0; ids && ids[i]; i++)
    moved |= from[i].x != to[i].x || from[i].y != to[i].y;
  if (!moved)
    return;

  begin (self, _("Move"));
  if (merge && self->depth == 1)
    key = g_string_new ("move");
  for (guint i = 0; ids[i]; i++)
    {
      Op *op;

      if (strata_graph_get_node (self->graph, ids[i]) == NULL)
        continue;
      op = op_new (OP_MOVE, ids[i], NULL);
      op->old_pos = from[i];
      op->new_pos = to[i];
      record (self, op, NULL);
      if (key)
        g_string_append_printf (key, "\n%s", ids[i]);
    }
  if (key)
    self->open->merge_key = g_string_free (key, FALSE);
  end (self);
}

gboolean
strata_undo_manager_connect (StrataUndoManager  *self,
                             const char         *src,
                             const char         *dst,
                             guint               port,
                             GError            **error)
{
  const char *old_src;
  Op *op;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  if (!strata_graph_can_connect (self->graph, src, dst, port, error))
    return FALSE;
  old_src = strata_graph_get_input (self->graph, dst, port);
  if (g_strcmp0 (old_src, src) == 0)
    return TRUE;

  op = op_new (OP_CONNECT, dst, src);
  op->port = port;
  op->old_src = g_strdup (old_src);
  begin (self, _("Connect"));
  ok = record (self, op, error);
  end (self);
  return ok;
}

gboolean
strata_undo_manager_disconnect (StrataUndoManager *self,
                                const char        *dst,
                                guint              port)
{
  const char *src;
  Op *op;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  src = strata_graph_get_input (self->graph, dst, port);
  if (src == NULL)
    return FALSE;
  op = op_new (OP_DISCONNECT, dst, src);
  op->port = port;
  begin (self, _("Disconnect"));
  ok = record (self, op, NULL);
  end (self);
  return ok;
}

/**
 * strata_undo_manager_set_param:
 * @value: (transfer floating): the new value
 *
 * Consecutive changes of the same parameter (spinning a value up, dragging a slider) fold
 * into one step until strata_undo_manager_break_merge() or any other edit or undo.
 */
gboolean
strata_undo_manager_set_param (StrataUndoManager  *self,
                               const char         *id,
                               const char         *name,
                               GVariant           *value,
                               GError            **error)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  const StrataParamSpec *spec;
  StrataNode *node;
  GVariant *old;
  g_autofree char *label = NULL;
  Op *op;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  node = strata_graph_get_node (self->graph, id);
  if (node == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_NOT_FOUND,
                   _("There is no layer named “%s”"), id);
      return FALSE;
    }
  spec = strata_op_find_param (strata_node_get_op (node), name);
  old = strata_node_get_param (node, name);
  if (spec == NULL || old == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_INVALID,
                   _("%s layers have no parameter “%s”"), strata_node_get_type_name (node),
                   name);
      return FALSE;
    }
  if (g_variant_equal (old, owned))
    return TRUE;

  op = op_new (OP_SET_PARAM, id, name);
  op->old_value = g_variant_ref (old);
  op->new_value = g_variant_ref (owned);
  /* Translators: an undo step, e.g. “Change Units” */
  label = g_strdup_printf (_("Change %s"), _(spec->label));
  begin (self, label);
  ok = record (self, op, error);
  if (ok && self->depth == 1)
    self->open->merge_key = g_strdup_printf ("param\n%s\n%s", id, name);
  end (self);
  return ok;
}

void
strata_undo_manager_set_trainable (StrataUndoManager *self,
                                   const char        *id,
                                   gboolean           trainable)
{
  StrataNode *node;
  Op *op;

  g_return_if_fail (STRATA_IS_UNDO_MANAGER (self));

  node = strata_graph_get_node (self->graph, id);
  if (node == NULL || strata_node_get_trainable (node) == !!trainable)
    return;
  op = op_new (OP_SET_TRAINABLE, id, NULL);
  op->old_flag = !trainable;
  op->new_flag = !!trainable;
  begin (self, trainable ? _("Unfreeze Layer") : _("Freeze Layer"));
  record (self, op, NULL);
  end (self);
}

/**
 * strata_undo_manager_set_n_inputs:
 *
 * Changes how many inputs a merge layer has, removing (undoably) links to inputs that go.
 */
gboolean
strata_undo_manager_set_n_inputs (StrataUndoManager  *self,
                                  const char         *id,
                                  guint               n_inputs,
                                  GError            **error)
{
  StrataNode *node;
  guint old_n, mark;
  Op *op;
  gboolean ok = TRUE;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  node = strata_graph_get_node (self->graph, id);
  if (node == NULL)
    {
      g_set_error (error, STRATA_GRAPH_ERROR, STRATA_GRAPH_ERROR_NOT_FOUND,
                   _("There is no layer named “%s”"), id);
      return FALSE;
    }
  old_n = strata_node_get_n_inputs (node);
  if (old_n == n_inputs)
    return TRUE;

  begin (self, _("Change Inputs"));
  mark = self->open->ops->len;
  for (guint port = n_inputs; ok && port < old_n; port++)
    {
      const char *src = strata_graph_get_input (self->graph, id, port);
      if (src == NULL)
        continue;
      op = op_new (OP_DISCONNECT, id, src);
      op->port = port;
      ok = record (self, op, error);
    }
  if (ok)
    {
      op = op_new (OP_SET_N_INPUTS, id, NULL);
      op->old_n = old_n;
      op->new_n = n_inputs;
      ok = record (self, op, error);
    }
  if (!ok)
    roll_back (self, mark);
  end (self);
  return ok;
}

/**
 * strata_undo_manager_rename_node:
 *
 * Renames a node and keeps its links. The graph checks the name.
 */
gboolean
strata_undo_manager_rename_node (StrataUndoManager  *self,
                                 const char         *id,
                                 const char         *new_id,
                                 GError            **error)
{
  Op *op;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), FALSE);

  if (g_strcmp0 (id, new_id) == 0)
    return TRUE;
  op = op_new (OP_RENAME, id, new_id);
  begin (self, _("Rename Layer"));
  ok = record (self, op, error);
  end (self);
  return ok;
}

static GStrv
paste_fragment (StrataUndoManager  *self,
                StrataGraph        *fragment,
                double              dx,
                double              dy,
                const char         *label,
                GError            **error)
{
  g_autoptr(GHashTable) new_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  /* stem → the suffix to try next: pasting n layers of one stem ("dropout_7" → "dropout")
   * would otherwise try 1, 2, … afresh for each, n² tries in all */
  g_autoptr(GHashTable) next_suffix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
  g_autoptr(GStrvBuilder) result = g_strv_builder_new ();
  GPtrArray *links = strata_graph_get_links (fragment);
  guint n = strata_graph_get_n_nodes (fragment);
  guint mark;
  gboolean ok = TRUE;

  begin (self, label);
  mark = self->open->ops->len;
  for (guint i = 0; ok && i < n; i++)
    {
      StrataNode *node = strata_graph_get_nth_node (fragment, i);
      g_autofree char *stem = strata_graph_clipboard_id_stem (strata_node_get_id (node));
      guint suffix = GPOINTER_TO_UINT (g_hash_table_lookup (next_suffix, stem));
      char *id;
      Op *op;

      /* the same ids as strata_graph_dup_unique_id() gives: the ones skipped are taken */
      if (suffix == 0 && strata_graph_get_node (self->graph, stem) == NULL)
        id = g_strdup (stem);
      else
        for (suffix = MAX (suffix, 1);; suffix++)
          {
            id = g_strdup_printf ("%s_%u", stem, suffix);
            if (strata_graph_get_node (self->graph, id) == NULL)
              break;
            g_free (id);
          }
      g_hash_table_insert (next_suffix, g_strdup (stem), GUINT_TO_POINTER (suffix + 1));
      op = op_new (OP_ADD_NODE, id, NULL);

      op->state = node_state_new (node, dx, dy);
      g_hash_table_insert (new_ids, (gpointer) strata_node_get_id (node), id);
      g_strv_builder_add (result, id);
      ok = record (self, op, error);
    }
  for (guint i = 0; ok && i < links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (links, i);
      Op *op = op_new (OP_CONNECT, g_hash_table_lookup (new_ids, link->dst),
                       g_hash_table_lookup (new_ids, link->src));
      op->port = link->port;
      ok = record (self, op, error);
    }
  if (!ok)
    roll_back (self, mark);
  end (self);
  return ok ? g_strv_builder_end (result) : NULL;
}

/**
 * strata_undo_manager_paste:
 * @text: layers as strata_graph_clipboard_serialize() writes them
 * @dx: how far right of the copied positions to put them
 * @dy: how far down
 *
 * Adds the layers under fresh ids (the next free “dense_N” for a copy of “dense_2”) with the
 * links among them, as one step.
 *
 * Returns: (transfer full) (nullable): the new ids, in the order of the copy
 */
GStrv
strata_undo_manager_paste (StrataUndoManager  *self,
                           const char         *text,
                           double              dx,
                           double              dy,
                           GError            **error)
{
  g_autoptr(StrataGraph) fragment = NULL;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), NULL);

  fragment = strata_graph_clipboard_parse (text, error);
  if (fragment == NULL)
    return NULL;
  return paste_fragment (self, fragment, dx, dy, _("Paste"), error);
}

/**
 * strata_undo_manager_duplicate:
 * @ids: (array zero-terminated=1): the nodes to copy
 *
 * Returns: (transfer full) (nullable): the copies' ids
 */
GStrv
strata_undo_manager_duplicate (StrataUndoManager *self,
                               const char *const *ids,
                               double             dx,
                               double             dy)
{
  g_autofree char *text = NULL;
  g_autoptr(StrataGraph) fragment = NULL;
  g_autoptr(GError) error = NULL;
  GStrv result;

  g_return_val_if_fail (STRATA_IS_UNDO_MANAGER (self), NULL);

  if (ids == NULL || ids[0] == NULL)
    return NULL;
  text = strata_graph_clipboard_serialize (self->graph, ids);
  fragment = strata_graph_clipboard_parse (text, &error);
  if (fragment == NULL)
    {
      g_warning ("Could not duplicate: %s", error->message);
      return NULL;
    }
  result = paste_fragment (self, fragment, dx, dy, _("Duplicate"), &error);
  if (result == NULL)
    g_warning ("Could not duplicate: %s", error->message);
  return result;
}
