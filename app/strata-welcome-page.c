/* strata-welcome-page.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-welcome-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"
#include "strata-test-hooks.h"
#include "strata-welcome-page.h"

struct _StrataWelcomePage
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwStatusPage *status_page;
  GtkWidget *example_button;
  GtkWidget *images_button;
  GtkWidget *open_button;
  GtkWidget *recent_group;
  GtkListBox *recent_list;
};

G_DEFINE_FINAL_TYPE (StrataWelcomePage, strata_welcome_page, GTK_TYPE_WIDGET)

static char *
display_dir (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const char *home = g_get_home_dir ();

  if (home && g_str_has_prefix (dir, home) &&
      (dir[strlen (home)] == '/' || dir[strlen (home)] == '\0'))
    return g_strconcat ("~", dir + strlen (home), NULL);
  return g_filename_display_name (dir);
}

static void
update_recent (StrataWelcomePage *self)
{
  StrataApplication *app = strata_application_get_default ();
  g_auto(GStrv) paths = strata_application_dup_recent (app);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))))
    gtk_list_box_remove (self->recent_list, child);
  for (guint i = 0; paths[i]; i++)
    {
      g_autofree char *name = g_filename_display_basename (paths[i]);
      g_autofree char *dir = display_dir (paths[i]);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      if (g_str_has_suffix (name, ".strata"))
        name[strlen (name) - strlen (".strata")] = '\0';
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dir);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.open-recent");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", paths[i]);
      gtk_list_box_append (self->recent_list, row);
    }
  gtk_widget_set_visible (self->recent_group, paths[0] != NULL);
}

/* Below this height (a 600 px screen) the status page is compact, a smaller icon and title, so
 * that the recent projects show without scrolling. */
#define COMPACT_BELOW_HEIGHT 700

static void
strata_welcome_page_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  StrataWelcomePage *self = STRATA_WELCOME_PAGE (widget);

  gtk_widget_measure (GTK_WIDGET (self->status_page), orientation, for_size, minimum, natural,
                      minimum_baseline, natural_baseline);
}

static void
strata_welcome_page_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  StrataWelcomePage *self = STRATA_WELCOME_PAGE (widget);
  GtkWidget *page = GTK_WIDGET (self->status_page);
  gboolean compact = height < COMPACT_BELOW_HEIGHT;

  /* only on a change: the new style lays the page out again at the same height */
  if (compact && !gtk_widget_has_css_class (page, "compact"))
    gtk_widget_add_css_class (page, "compact");
  else if (!compact && gtk_widget_has_css_class (page, "compact"))
    gtk_widget_remove_css_class (page, "compact");
  gtk_widget_allocate (page, width, height, baseline, NULL);
}

static void
strata_welcome_page_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), STRATA_TYPE_WELCOME_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (strata_welcome_page_parent_class)->dispose (object);
}

static void
strata_welcome_page_class_init (StrataWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_welcome_page_dispose;
  widget_class->measure = strata_welcome_page_measure;
  widget_class->size_allocate = strata_welcome_page_size_allocate;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/strata/Strata/ui/strata-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWelcomePage, example_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWelcomePage, images_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWelcomePage, open_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWelcomePage, recent_group);
  gtk_widget_class_bind_template_child (widget_class, StrataWelcomePage, recent_list);
}

static void
strata_welcome_page_init (StrataWelcomePage *self)
{
  StrataApplication *app = strata_application_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));
  if (app)
    {
      g_signal_connect_object (strata_application_get_recent_menu (app), "items-changed",
                               G_CALLBACK (update_recent), self, G_CONNECT_SWAPPED);
      update_recent (self);
    }
}

/* Where the buttons are, for the real-window tests. */
void
strata_welcome_page_add_test_widgets (StrataWelcomePage *self,
                                      JsonBuilder       *builder)
{
  strata_test_hooks_add_widget (builder, "welcome-example", self->example_button);
  strata_test_hooks_add_widget (builder, "welcome-images", self->images_button);
  strata_test_hooks_add_widget (builder, "welcome-open", self->open_button);
}
