/* strata-graph-palette.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-palette"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "strata-graph-palette.h"
#include "strata-graph-palette-private.h"
#include "strata-graph-editor-private.h"

/*
 * Every op the registry has, under the categories it names, in the registry's order; a
 * category without ops (Pretrained Models, until the zoo registers its backbones) is not
 * shown. A row drags its op type (a string) onto the canvas; activating a row (double
 * click, Enter) emits "activate-op" so the editor adds it in the middle of the view.
 */

struct _StrataGraphPalette
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (StrataGraphPalette, strata_graph_palette, GTK_TYPE_WIDGET)

enum {
  ACTIVATE_OP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  StrataGraphPalette *self = user_data;

  return _strata_graph_editor_op_matches (_strata_graph_editor_op_row_get_op (row),
                                          gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static GtkListBoxRow *
first_match (StrataGraphPalette *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && filter_row (GTK_LIST_BOX_ROW (child), self))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static void
on_search_changed (StrataGraphPalette *self)
{
  gtk_list_box_invalidate_filter (self->list);
  gtk_list_box_invalidate_headers (self->list);
  gtk_stack_set_visible_child_name (self->stack, first_match (self) ? "list" : "empty");
}

static void
emit_activate (StrataGraphPalette *self,
               GtkListBoxRow      *row)
{
  if (row)
    g_signal_emit (self, signals[ACTIVATE_OP], 0, _strata_graph_editor_op_row_get_op (row)->type);
}

static void
on_search_activate (StrataGraphPalette *self)
{
  emit_activate (self, first_match (self));
}

static void
on_row_activated (StrataGraphPalette *self,
                  GtkListBoxRow      *row)
{
  emit_activate (self, row);
}

static void
strata_graph_palette_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_GRAPH_PALETTE);

  G_OBJECT_CLASS (strata_graph_palette_parent_class)->dispose (object);
}

static void
strata_graph_palette_class_init (StrataGraphPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_graph_palette_dispose;

  /**
   * StrataGraphPalette::activate-op:
   * @type: the op type, e.g. "Dense"
   *
   * A row was activated: add that layer where the user is looking.
   */
  signals[ACTIVATE_OP] =
    g_signal_new ("activate-op", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  _strata_graph_editor_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, STRATA_GRAPH_EDITOR_RESOURCE_PATH
                                               "/strata-graph-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataGraphPalette, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphPalette, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataGraphPalette, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_set_css_name (widget_class, "graphpalette");
}

static void
strata_graph_palette_init (StrataGraphPalette *self)
{
  guint n_ops;
  const StrataOpInfo *const *ops = strata_op_list (&n_ops);
  const char *const *categories = strata_op_categories ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint c = 0; categories[c]; c++)
    for (guint i = 0; i < n_ops; i++)
      if (g_str_equal (ops[i]->category, categories[c]))
        gtk_list_box_append (self->list, _strata_graph_editor_op_row_new (ops[i], TRUE));
  /* Ops in a category the palette does not know yet still get listed, last. */
  for (guint i = 0; i < n_ops; i++)
    if (!g_strv_contains (categories, ops[i]->category))
      gtk_list_box_append (self->list, _strata_graph_editor_op_row_new (ops[i], TRUE));

  gtk_list_box_set_filter_func (self->list, filter_row, self, NULL);
  gtk_list_box_set_header_func (self->list, _strata_graph_editor_op_row_header, NULL, NULL);
}

GtkWidget *
strata_graph_palette_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_PALETTE, NULL);
}

GtkWidget *
_strata_graph_palette_get_row (StrataGraphPalette *self,
                               const char         *type)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_PALETTE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) &&
        g_str_equal (_strata_graph_editor_op_row_get_op (GTK_LIST_BOX_ROW (child))->type, type))
      return child;
  return NULL;
}
