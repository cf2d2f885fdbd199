/* strata-session.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-project.h"
#include "strata-session.h"
#include "strata-trainer.h"
#include "strata-zoo.h"

/*
 * Training, evaluation and prediction all start the same way: parse the settings, open the
 * data, check that the model's input and classes fit the data, and build the model.
 */
struct _StrataSession
{
  StrataDatasetSettings *dataset_settings;
  StrataDataset *dataset;
  StrataGraph *graph;
  StrataHyperparams *hyperparams;
  StrataModel *model;
};

void
strata_session_free (StrataSession *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->dataset_settings);
  g_clear_object (&self->dataset);
  g_clear_object (&self->graph);
  g_clear_object (&self->hyperparams);
  g_clear_object (&self->model);
  g_free (self);
}

static gboolean
check_input (StrataSession *self,
             GError       **error)
{
  StrataNode *input = strata_graph_find_input (self->graph);
  int width = strata_dataset_settings_get_image_width (self->dataset_settings);
  int height = strata_dataset_settings_get_image_height (self->dataset_settings);
  int channels = strata_dataset_settings_get_image_channels (self->dataset_settings);

  if (input == NULL)
    return TRUE;   /* validation reports it */
  if (strata_node_get_int (input, "width") != width ||
      strata_node_get_int (input, "height") != height ||
      strata_node_get_int (input, "channels") != channels)
    {
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("The model's Input takes %d×%d×%d images but the dataset is resized to "
                     "%d×%d×%d; make them agree on the Data or the Model page"),
                   strata_node_get_int (input, "width"), strata_node_get_int (input, "height"),
                   strata_node_get_int (input, "channels"), width, height, channels);
      return FALSE;
    }
  return TRUE;
}

/* The Output's class list follows the dataset's; one the user typed must agree with it. */
static gboolean
sync_classes (StrataSession *self,
              GError       **error)
{
  StrataNode *output = strata_graph_find_output (self->graph);
  const char *const *names = strata_dataset_get_class_names (self->dataset);
  g_autofree const char **have = NULL;
  GVariant *classes;

  if (output == NULL)
    return TRUE;
  classes = strata_node_get_param (output, "classes");
  have = g_variant_get_strv (classes, NULL);
  if (have[0] == NULL)
    return strata_graph_set_param (self->graph, strata_node_get_id (output), "classes",
                                   g_variant_new_strv (names, -1), error);
  if (!g_strv_equal ((const char *const *) have, names))
    {
      g_autofree char *want = g_strjoinv (", ", (char **) names);
      g_set_error (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID,
                   _("The Output layer lists other classes than the dataset has (%s)"), want);
      return FALSE;
    }
  return TRUE;
}

StrataSession *
strata_session_new (JsonNode   *settings,
                    const char *base_dir,
                    GError    **error)
{
  g_autoptr(StrataSession) self = g_new0 (StrataSession, 1);

  if (!strata_settings_parse (settings, &self->dataset_settings, &self->graph,
                              &self->hyperparams, error))
    return NULL;
  /* a pretrained node's weights file is relative to the project */
  strata_zoo_resolve_paths (self->graph, base_dir);
  if (!check_input (self, error))
    return NULL;
  if (!strata_zoo_check_preprocessing (self->graph,
                                       strata_dataset_settings_get_normalization (self->dataset_settings),
                                       error))
    return NULL;
  self->dataset = strata_dataset_open (self->dataset_settings, base_dir, NULL, error);
  if (self->dataset == NULL)
    return NULL;
  if (!sync_classes (self, error))
    return NULL;
  self->model = strata_model_new (self->graph, error);
  if (self->model == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

StrataDataset *
strata_session_get_dataset (StrataSession *self)
{
  return self->dataset;
}

StrataDatasetSettings *
strata_session_get_dataset_settings (StrataSession *self)
{
  return self->dataset_settings;
}

StrataModel *
strata_session_get_model (StrataSession *self)
{
  return self->model;
}

StrataHyperparams *
strata_session_get_hyperparams (StrataSession *self)
{
  return self->hyperparams;
}
