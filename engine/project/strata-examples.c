/* strata-examples.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-project"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-examples.h"
#include "strata-project.h"
#include "strata-source-idx.h"

#define ROW_HEIGHT 120.0

typedef struct
{
  const char *type;
  const char *id;
  const char *params;     /* GVariant text of an a{sv} dict, or NULL */
} Layer;

/* The Keras tutorial's Fashion-MNIST CNN: what a user would draw first. */
static const Layer fashion_mnist_cnn[] = {
  { "Input", "input", "{'height': <28>, 'width': <28>, 'channels': <1>}" },
  { "Conv2D", "conv2d", "{'filters': <32>, 'kernel_size': <[3, 3]>, 'activation': <'relu'>}" },
  { "Conv2D", "conv2d_1", "{'filters': <64>, 'kernel_size': <[3, 3]>, 'activation': <'relu'>}" },
  { "MaxPooling2D", "max_pooling2d", "{'pool_size': <[2, 2]>}" },
  { "Dropout", "dropout", "{'rate': <0.25>}" },
  { "Flatten", "flatten", NULL },
  { "Dense", "dense", "{'units': <128>, 'activation': <'relu'>}" },
  { "Dropout", "dropout_1", "{'rate': <0.5>}" },
  { "Dense", "dense_1", "{'units': <10>, 'activation': <'softmax'>}" },
  { "Output", "output", NULL },
};

/* A chain of layers, each fed by the one before, laid out top to bottom. */
static StrataGraph *
build_chain (const Layer *layers,
             guint        n_layers,
             GError     **error)
{
  g_autoptr(StrataGraph) graph = strata_graph_new ();

  for (guint i = 0; i < n_layers; i++)
    {
      if (strata_graph_add_node (graph, layers[i].type, layers[i].id, error) == NULL)
        return NULL;
      strata_graph_set_position (graph, layers[i].id, 0, i * ROW_HEIGHT);
      if (layers[i].params)
        {
          g_autoptr(GVariant) params = g_variant_parse (G_VARIANT_TYPE_VARDICT, layers[i].params,
                                                        NULL, NULL, error);
          GVariantIter iter;
          const char *name;
          GVariant *value;

          if (params == NULL)
            return NULL;
          g_variant_iter_init (&iter, params);
          while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
            if (!strata_graph_set_param (graph, layers[i].id, name, g_variant_ref (value), error))
              return NULL;
        }
      if (i > 0 && !strata_graph_connect (graph, layers[i - 1].id, layers[i].id, 0, error))
        return NULL;
    }
  return g_steal_pointer (&graph);
}

/* A small CNN a user would start from on their own images; sized to them and their classes. */
static const Layer starter_cnn[] = {
  { "Input", "input", NULL },
  { "Conv2D", "conv2d", "{'filters': <32>, 'padding': <'same'>, 'activation': <'relu'>}" },
  { "MaxPooling2D", "max_pooling2d", NULL },
  { "Conv2D", "conv2d_1", "{'filters': <64>, 'padding': <'same'>, 'activation': <'relu'>}" },
  { "MaxPooling2D", "max_pooling2d_1", NULL },
  { "Conv2D", "conv2d_2", "{'filters': <128>, 'padding': <'same'>, 'activation': <'relu'>}" },
  { "GlobalAveragePooling2D", "global_average_pooling2d", NULL },
  { "Dropout", "dropout", "{'rate': <0.3>}" },
  { "Dense", "dense", "{'activation': <'softmax'>}" },
  { "Output", "output", NULL },
};

/**
 * strata_examples_build_for_dataset:
 * @dataset: opened with the project's settings
 *
 * Returns: the starter network for @dataset's image size and classes
 */
StrataGraph *
strata_examples_build_for_dataset (StrataDataset *dataset,
                                   GError       **error)
{
  StrataDatasetSettings *settings = strata_dataset_get_settings (dataset);
  g_autoptr(StrataGraph) graph = build_chain (starter_cnn, G_N_ELEMENTS (starter_cnn), error);

  if (graph == NULL ||
      !strata_graph_set_param (graph, "input", "height",
                               g_variant_new_int32 (strata_dataset_settings_get_image_height (settings)),
                               error) ||
      !strata_graph_set_param (graph, "input", "width",
                               g_variant_new_int32 (strata_dataset_settings_get_image_width (settings)),
                               error) ||
      !strata_graph_set_param (graph, "input", "channels",
                               g_variant_new_int32 (strata_dataset_settings_get_image_channels (settings)),
                               error) ||
      !strata_graph_set_param (graph, "dense", "units",
                               g_variant_new_int32 (strata_dataset_get_n_classes (dataset)),
                               error) ||
      !strata_graph_set_param (graph, "output", "classes",
                               g_variant_new_strv (strata_dataset_get_class_names (dataset), -1),
                               error))
    return NULL;
  return g_steal_pointer (&graph);
}

const char *const *
strata_examples_list (void)
{
  static const char *const names[] = { "fashion-mnist", NULL };
  return names;
}

gboolean
strata_examples_build (const char             *name,
                       StrataDatasetSettings **dataset,
                       StrataGraph           **graph,
                       StrataHyperparams     **hyperparams,
                       GError                **error)
{
  if (g_strcmp0 (name, "fashion-mnist") == 0)
    {
      *graph = build_chain (fashion_mnist_cnn, G_N_ELEMENTS (fashion_mnist_cnn), error);
      if (*graph == NULL)
        return FALSE;
      /* The Output names the classes, so an exported model carries them. */
      if (!strata_graph_set_param (*graph, "output", "classes",
                                   g_variant_new_strv (strata_fashion_mnist_class_names (), -1),
                                   error))
        return FALSE;
      *dataset = strata_dataset_settings_new_fashion_mnist ();
      *hyperparams = strata_hyperparams_new ();
      strata_hyperparams_set_optimizer (*hyperparams, "adam");
      g_object_set (*hyperparams, "batch-size", 64, "epochs", 10, NULL);
      return TRUE;
    }

  g_set_error (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_NOT_FOUND,
               _("There is no example named “%s”; there is fashion-mnist"), name);
  return FALSE;
}
