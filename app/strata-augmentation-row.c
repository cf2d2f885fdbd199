/* strata-augmentation-row.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-augmentation-row"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "strata-augmentation-row.h"
#include "strata-form.h"

/**
 * StrataAugmentationRow:
 *
 * A stage's settings, one row each, built from a table: every spin button takes its range from
 * the #StrataAugmentation property it is bound to. The title says from which epoch the stage
 * applies, the subtitle what it does. Its remove button activates "data.remove-stage" with the
 * stage's position.
 */

struct _StrataAugmentationRow
{
  AdwExpanderRow parent_instance;

  StrataAugmentation *stage;
  GBindingGroup *bindings;
};

G_DEFINE_FINAL_TYPE (StrataAugmentationRow, strata_augmentation_row, ADW_TYPE_EXPANDER_ROW)

typedef enum { SPIN, PERCENT, SWITCH, FILL_MODE } Kind;

static const struct
{
  const char *property;
  const char *title;
  const char *subtitle;
  Kind kind;
  int digits;
  double step;
} rows[] = {
  { "first-epoch", N_("First Epoch"), N_("The stage applies from this epoch on"), SPIN, 0, 1 },
  { "horizontal-flip", N_("Flip Horizontally"), N_("Half of the images, left to right"), SWITCH, 0, 0 },
  { "vertical-flip", N_("Flip Vertically"), N_("Half of the images, top to bottom"), SWITCH, 0, 0 },
  { "rotation-range", N_("Rotation"), N_("Up to this many degrees either way"), SPIN, 0, 1 },
  { "width-shift-range", N_("Horizontal Shift"), N_("Percent of the width"), PERCENT, 0, 1 },
  { "height-shift-range", N_("Vertical Shift"), N_("Percent of the height"), PERCENT, 0, 1 },
  { "shear-range", N_("Shear"), N_("Degrees"), SPIN, 0, 1 },
  { "zoom-range", N_("Zoom"), N_("Percent in or out"), PERCENT, 0, 1 },
  { "brightness-min", N_("Darkest"), N_("Brightness factor; 1 leaves it"), SPIN, 2, 0.05 },
  { "brightness-max", N_("Brightest"), N_("Brightness factor; 1 leaves it"), SPIN, 2, 0.05 },
  { "channel-shift-range", N_("Color Shift"), N_("Pixel values added per channel, 0 to 255"), SPIN, 0, 1 },
  { "fill-mode", N_("Fill Outside"), N_("How points moved in from outside the image are filled"), FILL_MODE, 0, 0 },
  { "fill-value", N_("Fill Value"), N_("For a constant fill, 0 to 255"), SPIN, 0, 1 },
  { "random-resized-crop", N_("Random Crop"), N_("A random part of the image, resized back"), SWITCH, 0, 0 },
  { "crop-scale-min", N_("Smallest Crop"), N_("Percent of the area"), PERCENT, 0, 1 },
  { "crop-scale-max", N_("Largest Crop"), N_("Percent of the area"), PERCENT, 0, 1 },
  { "erasing-probability", N_("Random Erasing"), N_("Percent of the images that get a rectangle erased"), PERCENT, 0, 1 },
  { "erasing-area-min", N_("Smallest Erased Area"), N_("Percent of the image"), PERCENT, 1, 0.5 },
  { "erasing-area-max", N_("Largest Erased Area"), N_("Percent of the image"), PERCENT, 1, 0.5 },
};

static void
update_title (StrataAugmentationRow *self)
{
  StrataAugmentParams p;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  strata_augmentation_get_params (self->stage, &p);
  /* Translators: an augmentation stage's title */
  title = g_strdup_printf (_("From Epoch %u"), p.first_epoch);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);

  if (p.horizontal_flip || p.vertical_flip)
    g_ptr_array_add (parts, g_strdup (_("flips")));
  if (p.rotation_range > 0)
    /* Translators: in a list of what an augmentation stage does */
    g_ptr_array_add (parts, g_strdup_printf (_("rotation ±%.0f°"), p.rotation_range));
  if (p.width_shift_range > 0 || p.height_shift_range > 0)
    g_ptr_array_add (parts, g_strdup (_("shifts")));
  if (p.shear_range > 0)
    g_ptr_array_add (parts, g_strdup (_("shear")));
  if (p.zoom_range > 0)
    g_ptr_array_add (parts, g_strdup (_("zoom")));
  if (p.brightness_min != 1 || p.brightness_max != 1)
    g_ptr_array_add (parts, g_strdup (_("brightness")));
  if (p.channel_shift_range > 0)
    g_ptr_array_add (parts, g_strdup (_("color shift")));
  if (p.random_resized_crop)
    g_ptr_array_add (parts, g_strdup (_("random crops")));
  if (p.erasing_probability > 0)
    g_ptr_array_add (parts, g_strdup (_("random erasing")));
  g_ptr_array_add (parts, NULL);
  if (parts->len == 1)
    subtitle = g_strdup (_("Leaves the images as they are"));
  else
    {
      /* Translators: the separator of a list of what an augmentation stage does */
      subtitle = g_strjoinv (_(", "), (char **) parts->pdata);
      subtitle[0] = g_ascii_toupper (subtitle[0]);
    }
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);
}

static void
on_remove_clicked (StrataAugmentationRow *self)
{
  GtkWidget *list = gtk_widget_get_parent (GTK_WIDGET (self));
  int position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));

  if (list && position >= 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "data.remove-stage", "u", (guint) position);
}

static void
strata_augmentation_row_dispose (GObject *object)
{
  StrataAugmentationRow *self = (StrataAugmentationRow *) object;

  if (self->bindings)
    g_binding_group_set_source (self->bindings, NULL);
  g_clear_object (&self->bindings);
  g_clear_object (&self->stage);

  G_OBJECT_CLASS (strata_augmentation_row_parent_class)->dispose (object);
}

static void
strata_augmentation_row_class_init (StrataAugmentationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_augmentation_row_dispose;
}

static void
strata_augmentation_row_init (StrataAugmentationRow *self)
{
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  self->bindings = g_binding_group_new ();
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove Stage"));
  gtk_widget_add_css_class (remove, "flat");
  g_signal_connect_swapped (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (self), remove);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *row;

      switch (rows[i].kind)
        {
        case SPIN:
        case PERCENT:
          {
            GtkSpinButton *spin;

            row = strata_form_spin_row_new (_(rows[i].title), _(rows[i].subtitle), &spin);
            gtk_spin_button_set_digits (spin, rows[i].digits);
            gtk_spin_button_set_increments (spin, rows[i].step, rows[i].step * 10);
            strata_form_bind_spin (self->bindings, STRATA_TYPE_AUGMENTATION, rows[i].property,
                                   spin, rows[i].kind == PERCENT ? 100 : 1);
          }
          break;
        case SWITCH:
          {
            GtkWidget *widget = gtk_switch_new ();

            row = adw_action_row_new ();
            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(rows[i].title));
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(rows[i].subtitle));
            gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);
            adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
            adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
            strata_form_bind_switch (self->bindings, rows[i].property, GTK_SWITCH (widget));
          }
          break;
        case FILL_MODE:
          {
            const char *modes[] = {
              /* Translators: how an image is filled where augmentation moved it away */
              C_("fill mode", "Nearest edge"), C_("fill mode", "Constant"),
              C_("fill mode", "Reflect"), C_("fill mode", "Wrap around"), NULL
            };

            row = adw_combo_row_new ();
            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(rows[i].title));
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(rows[i].subtitle));
            adw_combo_row_set_model (ADW_COMBO_ROW (row),
                                     G_LIST_MODEL (gtk_string_list_new (modes)));
            strata_form_bind_combo_enum (self->bindings, rows[i].property, ADW_COMBO_ROW (row));
          }
          break;
        default:
          g_assert_not_reached ();
        }
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self), row);
    }
}

/**
 * strata_augmentation_row_new:
 *
 * Returns: (transfer floating): a row editing @stage in place
 */
GtkWidget *
strata_augmentation_row_new (StrataAugmentation *stage)
{
  StrataAugmentationRow *self = g_object_new (STRATA_TYPE_AUGMENTATION_ROW, NULL);

  self->stage = g_object_ref (stage);
  g_binding_group_set_source (self->bindings, stage);
  g_signal_connect_object (stage, "notify", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  update_title (self);
  return GTK_WIDGET (self);
}

StrataAugmentation *
strata_augmentation_row_get_stage (StrataAugmentationRow *self)
{
  g_return_val_if_fail (STRATA_IS_AUGMENTATION_ROW (self), NULL);
  return self->stage;
}
