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
          /* set_param() takes its own reference; the loop drops @value's */
          while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
            if (!strata_graph_set_param (graph, layers[i].id, name, value, error))
              {
                g_variant_unref (value);
                return NULL;
              }
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

/*
 * The transfer example: a ResNet50 narrowed eight times (8 to 256 channels, for 32×32
 * images) learns the first five Fashion-MNIST classes; its best checkpoint then gives the
 * starting weights for the other five classes, learnt from 300 images each with the top
 * three quarters of the backbone trainable (its bottom stays as pretrained), against the
 * same network from scratch.
 */
static const Layer transfer_net[] = {
  { "Input", "input", "{'height': <32>, 'width': <32>, 'channels': <1>}" },
  { "ResNet50", "backbone", "{'weights': <'none'>, 'width_divisor': <8>, 'pooling': <'avg'>, "
                            "'trainable_percent': <100>, 'variant': <'keras'>}" },
  { "Dropout", "dropout", "{'rate': <0.2>}" },
  { "Dense", "classifier", "{'units': <5>, 'activation': <'softmax'>}" },
  { "Output", "output", NULL },
};

#define TRANSFER_WEIGHTS "transfer-pretrain.runs/base/checkpoint-best.safetensors"
#define TRANSFER_PERCENT 75
#define TRANSFER_IMAGES_PER_CLASS 300

static gboolean
build_transfer (const char             *name,
                StrataDatasetSettings **dataset,
                StrataGraph           **graph,
                StrataHyperparams     **hyperparams,
                GError                **error)
{
  const char *const *all = strata_fashion_mnist_class_names ();
  const char *const first[] = { all[0], all[1], all[2], all[3], all[4], NULL };
  const char *const second[] = { all[5], all[6], all[7], all[8], all[9], NULL };
  gboolean pretrain = g_str_equal (name, "transfer-pretrain");
  gboolean scratch = g_str_equal (name, "transfer-scratch");
  const char *const *classes = pretrain ? first : second;

  *graph = build_chain (transfer_net, G_N_ELEMENTS (transfer_net), error);
  if (*graph == NULL ||
      !strata_graph_set_param (*graph, "output", "classes", g_variant_new_strv (classes, -1),
                               error))
    return FALSE;
  if (!pretrain && !scratch &&
      (!strata_graph_set_param (*graph, "backbone", "weights", g_variant_new_string ("file"),
                                error) ||
       !strata_graph_set_param (*graph, "backbone", "weights_file",
                                g_variant_new_string (TRANSFER_WEIGHTS), error) ||
       !strata_graph_set_param (*graph, "backbone", "trainable_percent",
                                g_variant_new_int32 (TRANSFER_PERCENT), error)))
    return FALSE;

  *dataset = strata_dataset_settings_new_fashion_mnist ();
  g_object_set (*dataset, "image-width", 32, "image-height", 32, "select-classes", classes,
                "max-train-per-class", pretrain ? 0 : TRANSFER_IMAGES_PER_CLASS, NULL);
  *hyperparams = strata_hyperparams_new ();
  strata_hyperparams_set_optimizer (*hyperparams, "adam");
  g_object_set (*hyperparams, "batch-size", pretrain ? 64 : 32, "epochs", pretrain ? 6 : 20,
                NULL);
  return TRUE;
}

const char *const *
strata_examples_list (void)
{
  static const char *const names[] = { "fashion-mnist", "transfer", NULL };
  return names;
}

/**
 * strata_examples_list_projects:
 * @name: an example of strata_examples_list()
 *
 * Returns: (transfer none) (nullable): the projects the example writes, each to be built with
 *   strata_examples_build(): for "transfer", a project that pretrains, one that fine-tunes
 *   and one that trains the same network from scratch
 */
const char *const *
strata_examples_list_projects (const char *name)
{
  static const char *const fashion_mnist[] = { "fashion-mnist", NULL };
  static const char *const transfer[] = {
    "transfer-pretrain", "transfer", "transfer-scratch", NULL
  };

  if (g_strcmp0 (name, "fashion-mnist") == 0)
    return fashion_mnist;
  if (g_strcmp0 (name, "transfer") == 0)
    return transfer;
  return NULL;
}

/**
 * strata_examples_get_instructions:
 *
 * Returns: (nullable): what to do with the example's projects, as a README in Markdown
 */
const char *
strata_examples_get_instructions (const char *name)
{
  if (g_strcmp0 (name, "transfer") == 0)
    return _("# Transfer learning on Fashion-MNIST\n"
             "\n"
             "A ResNet50 narrowed eight times learns the first five classes of Fashion-MNIST "
             "(T-shirt/top to Coat) from all their images; then it learns the other five "
             "(Sandal to Ankle boot) from only 300 images of each, starting from the first "
             "network's weights with the top three quarters of its layers trainable. The same "
             "network learns them again from scratch, to compare.\n"
             "\n"
             "    strata train transfer-pretrain.strata --run base\n"
             "    strata train transfer.strata --run fine-tuned\n"
             "    strata train transfer-scratch.strata --run scratch\n"
             "    strata evaluate transfer.strata --run fine-tuned --split test\n"
             "    strata evaluate transfer-scratch.strata --run scratch --split test\n"
             "\n"
             "The backbone node of transfer.strata reads the pretraining run's best "
             "checkpoint, transfer-pretrain.runs/base/checkpoint-best.safetensors, as its weights "
             "file. "
             "Open the projects in Strata to change how much of the backbone trains.\n");
  return NULL;
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
  if (g_strcmp0 (name, "transfer") == 0 || g_strcmp0 (name, "transfer-pretrain") == 0 ||
      g_strcmp0 (name, "transfer-scratch") == 0)
    return build_transfer (name, dataset, graph, hyperparams, error);

  g_set_error (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_NOT_FOUND,
               _("There is no example named “%s”; there are fashion-mnist and transfer"), name);
  return FALSE;
}
