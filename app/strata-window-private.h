/* strata-window-private.h: what the window's files share
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-data-page.h"
#include "strata-graph-editor.h"
#include "strata-hyperparams-page.h"
#include "strata-inference-page.h"
#include "strata-results-page.h"
#include "strata-training-page.h"
#include "strata-welcome-page.h"
#include "strata-window.h"

G_BEGIN_DECLS

struct _StrataWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  GtkStack *main_stack;
  StrataWelcomePage *welcome_page;
  AdwHeaderBar *header_bar;
  AdwSplitButton *open_button;
  AdwViewSwitcherTitle *switcher_title;
  GtkWidget *project_title;
  GtkLabel *project_label;
  GtkWidget *modified_mark;
  AdwToastOverlay *toast_overlay;
  AdwViewStack *view_stack;
  StrataDataPage *data_page;
  StrataGraphEditor *graph_editor;
  StrataHyperparamsPage *hyperparams_page;
  StrataTrainingPage *training_page;
  StrataResultsPage *results_page;
  StrataInferencePage *inference_page;
  GtkMenuButton *primary_menu_button;

  /* Owned references */
  StrataProject *project;
  char *recovery_id;
  guint autosave_source;
  char *clean_data;             /* the project as last saved or opened unmodified */

  /* State */
  guint close_after_stop : 1;
  guint closing : 1;
};

void     _strata_window_install_actions   (GtkWidgetClass *widget_class);
void     _strata_window_actions_update    (StrataWindow   *self);
gboolean _strata_window_close_request     (GtkWindow      *window);
void     _strata_window_setup_drop        (StrataWindow   *self);
void     _strata_window_autosave_restart  (StrataWindow   *self);
void     _strata_window_autosave_discard  (StrataWindow   *self);
char    *_strata_window_dup_display_dir   (StrataProject  *project);

G_END_DECLS
