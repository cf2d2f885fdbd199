/* strata-preferences-window.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-preferences-window.h"

/**
 * StrataPreferencesWindow:
 *
 * Every row is a GSettings key: the settings hold what the app remembers, never project data.
 * The spin buttons take their ranges from the schema.
 */

struct _StrataPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwComboRow *style_row;
  GtkSpinButton *autosave;
  GtkSpinButton *threads;
  GtkSpinButton *smoothing;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (StrataPreferencesWindow, strata_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
enum_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, g_str_equal (nick, "light") ? 1 : g_str_equal (nick, "dark") ? 2 : 0);
  return TRUE;
}

static GVariant *
selected_to_enum (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  static const char *const nicks[] = { "system", "light", "dark" };

  return g_variant_new_string (nicks[MIN (g_value_get_uint (value), 2)]);
}

/* The spin button's range from the key's <range>. */
static void
bind_spin (GSettings     *settings,
           const char    *key,
           GtkSpinButton *spin)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;
  g_autoptr(GVariant) range = NULL;
  g_autoptr(GVariant) bounds = NULL;
  const char *kind;

  g_object_get (settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &kind, &bounds);
  if (g_str_equal (kind, "range"))
    {
      g_autoptr(GVariant) lo = g_variant_get_child_value (bounds, 0);
      g_autoptr(GVariant) hi = g_variant_get_child_value (bounds, 1);

      if (g_variant_is_of_type (lo, G_VARIANT_TYPE_UINT32))
        gtk_spin_button_set_range (spin, g_variant_get_uint32 (lo), g_variant_get_uint32 (hi));
      else if (g_variant_is_of_type (lo, G_VARIANT_TYPE_DOUBLE))
        gtk_spin_button_set_range (spin, g_variant_get_double (lo), g_variant_get_double (hi));
    }
  g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
}

static void
strata_preferences_window_dispose (GObject *object)
{
  StrataPreferencesWindow *self = (StrataPreferencesWindow *) object;

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (strata_preferences_window_parent_class)->dispose (object);
}

static void
strata_preferences_window_class_init (StrataPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, StrataPreferencesWindow, autosave);
  gtk_widget_class_bind_template_child (widget_class, StrataPreferencesWindow, threads);
  gtk_widget_class_bind_template_child (widget_class, StrataPreferencesWindow, smoothing);
}

static void
strata_preferences_window_init (StrataPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
strata_preferences_window_new (GSettings *settings)
{
  StrataPreferencesWindow *self = g_object_new (STRATA_TYPE_PREFERENCES_WINDOW, NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "color-scheme", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, enum_to_selected, selected_to_enum,
                                NULL, NULL);
  bind_spin (settings, "autosave-interval", self->autosave);
  bind_spin (settings, "training-threads", self->threads);
  bind_spin (settings, "plot-smoothing", self->smoothing);
  return GTK_WIDGET (self);
}
