/* strata-graph-add-popover.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-add-popover"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-graph-add-popover.h"
#include "strata-graph-editor-private.h"
#include "strata-op.h"

/*
 * Blender's Shift+A menu: a search field over every layer type the registry has, grouped
 * by category. Opened from a link dropped on empty canvas, it only offers types that can
 * take (or give) that link. Typing filters; Enter adds the first match.
 */

struct _StrataGraphAddPopover
{
  GtkPopover parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkListBox *list;

  gboolean needs_input;
  gboolean needs_output;
};

G_DEFINE_FINAL_TYPE (StrataGraphAddPopover, strata_graph_add_popover, GTK_TYPE_POPOVER)

enum {
  ADD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  StrataGraphAddPopover *self = user_data;
  const StrataOpInfo *op = _strata_graph_editor_op_row_get_op (row);

  if (self->needs_input && op->max_inputs == 0)
    return FALSE;
  if (self->needs_output && !op->has_output)
    return FALSE;
  return _strata_graph_editor_op_matches (op, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static GtkListBoxRow *
first_visible_row (StrataGraphAddPopover *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) &&
        filter_row (GTK_LIST_BOX_ROW (child), self))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static void
on_search_changed (StrataGraphAddPopover *self)
{
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_headers (self->list);
  gtk_list_box_select_row (self->list, first_visible_row (self));
}

static void
choose (StrataGraphAddPopover *self,
        GtkListBoxRow         *row)
{
  const StrataOpInfo *op;

  if (row == NULL)
    return;
  op = _strata_graph_editor_op_row_get_op (row);
  /* Hide first: the handler may select and focus the new node. */
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[ADD], 0, op->type);
}

static void
on_search_activate (StrataGraphAddPopover *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);

  choose (self, row ? row : first_visible_row (self));
}

static void
on_stop_search (StrataGraphAddPopover *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
on_row_activated (StrataGraphAddPopover *self,
                  GtkListBoxRow         *row)
{
  choose (self, row);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                StrataGraphAddPopover *self)
{
  /* Up and Down move through the list while typing goes on in the search field. */
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_Up)
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
      GtkWidget *next = row ? GTK_WIDGET (row) : NULL;

      do
        next = next == NULL ? gtk_widget_get_first_child (GTK_WIDGET (self->list))
               : keyval == GDK_KEY_Down ? gtk_widget_get_next_sibling (next)
               : gtk_widget_get_prev_sibling (next);
      while (next != NULL && !(GTK_IS_LIST_BOX_ROW (next) &&
                               filter_row (GTK_LIST_BOX_ROW (next), self)));
      if (next)
        {
          gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (next));
          gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
        }
      return TRUE;
    }
  return FALSE;
}

static void
strata_graph_add_popover_class_init (StrataGraphAddPopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * StrataGraphAddPopover::add:
   * @type: the chosen op type, e.g. "Dense"
   */
  signals[ADD] =
    g_signal_new ("add", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  _strata_graph_editor_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, STRATA_GRAPH_EDITOR_RESOURCE_PATH
                                               "/strata-graph-add-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGraphAddPopover, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphAddPopover, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
strata_graph_add_popover_init (StrataGraphAddPopover *self)
{
  GtkEventController *keys;
  guint n_ops;
  const StrataOpInfo *const *ops = strata_op_list (&n_ops);
  const char *const *categories = strata_op_categories ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint c = 0; categories[c]; c++)
    for (guint i = 0; i < n_ops; i++)
      if (g_str_equal (ops[i]->category, categories[c]))
        gtk_list_box_append (self->list, _strata_graph_editor_op_row_new (ops[i], FALSE));
  gtk_list_box_set_filter_func (self->list, filter_row, self, NULL);
  gtk_list_box_set_header_func (self->list, _strata_graph_editor_op_row_header, NULL, NULL);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

GtkWidget *
strata_graph_add_popover_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_ADD_POPOVER, NULL);
}

/**
 * strata_graph_add_popover_popup_at:
 * @x: where to open, in the parent's coordinates
 * @y: likewise
 * @needs_input: offer only types with an input (for a link coming down from an output)
 * @needs_output: offer only types with an output (for a link going up to an input)
 */
void
strata_graph_add_popover_popup_at (StrataGraphAddPopover *self,
                                   double                 x,
                                   double                 y,
                                   gboolean               needs_input,
                                   gboolean               needs_output)
{
  g_return_if_fail (STRATA_IS_GRAPH_ADD_POPOVER (self));

  self->needs_input = needs_input;
  self->needs_output = needs_output;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  on_search_changed (self);
  gtk_popover_set_pointing_to (GTK_POPOVER (self),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
