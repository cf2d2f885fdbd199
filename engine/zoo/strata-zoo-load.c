/* strata-zoo-load.c: the pretrained weights of a model's backbones, found or downloaded
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-zoo-files.h"
#include "strata-zoo-weights.h"

/**
 * strata_zoo_resolve_paths:
 * @base_dir: the project's folder
 *
 * Makes every pretrained node's relative weights_file absolute, relative to @base_dir, so
 * that the graph means the same file wherever it is used from.
 */
void
strata_zoo_resolve_paths (StrataGraph *graph,
                          const char  *base_dir)
{
  for (guint i = 0; base_dir && i < strata_graph_get_n_nodes (graph); i++)
    {
      StrataNode *node = strata_graph_get_nth_node (graph, i);
      const char *file;
      g_autofree char *absolute = NULL;

      if (!strata_zoo_node_is_pretrained (node))
        continue;
      file = strata_node_get_string (node, "weights_file");
      if (*file == '\0' || g_path_is_absolute (file))
        continue;
      absolute = g_build_filename (base_dir, file, NULL);
      strata_graph_set_param (graph, strata_node_get_id (node), "weights_file",
                              g_variant_new_string (absolute), NULL);
    }
}

static char *
weights_path (StrataNode         *node,
              StrataZooNet       *net,
              StrataZooProgress   progress,
              gpointer            user_data,
              GCancellable       *cancellable,
              GError            **error)
{
  const char *weights = strata_node_get_string (node, "weights");
  const StrataZooFile *file;

  if (g_str_equal (weights, "file"))
    {
      const char *path = strata_node_get_string (node, "weights_file");
      if (*path == '\0')
        {
          g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NOT_FOUND,
                       _("Choose the weights file"));
          return NULL;
        }
      return g_strdup (path);
    }
  file = strata_zoo_file_lookup (net->arch, weights, strata_node_get_bool (node, "include_top"),
                                 net->variant, error);
  if (file == NULL)
    return NULL;
  return strata_zoo_fetch_file (file, progress, user_data, cancellable, error);
}

/**
 * strata_zoo_load_weights:
 * @model: a model made by strata_model_new()
 * @progress: (nullable): download progress, when weights must be fetched
 *
 * Reads the pretrained weights of every backbone of the model whose weights are not "none":
 * ImageNet weights from a cache or downloaded (strata_zoo_fetch_file()), or the node's file
 * (made absolute beforehand with strata_zoo_resolve_paths()). The other tensors keep their
 * values. Blocks while downloading.
 *
 * Returns: %FALSE with @error naming the layer when a file is missing, damaged, or holds
 *   other layers or shapes
 */
gboolean
strata_zoo_load_weights (StrataModel        *model,
                         StrataZooProgress   progress,
                         gpointer            user_data,
                         GCancellable       *cancellable,
                         GError            **error)
{
  StrataGraph *source = strata_model_get_source_graph (model);

  for (guint i = 0; i < strata_graph_get_n_nodes (source); i++)
    {
      StrataNode *node = strata_graph_get_nth_node (source, i);
      const char *id = strata_node_get_id (node);
      g_autoptr(StrataZooNet) net = NULL;
      g_autofree char *path = NULL;
      StrataShape input;

      if (!strata_zoo_node_is_pretrained (node) ||
          g_str_equal (strata_node_get_string (node, "weights"), "none"))
        continue;
      if (!strata_graph_get_output_shape (source, strata_graph_get_input (source, id, 0), &input))
        continue;   /* the model would not have been made */
      net = _strata_zoo_net_for_node (node, &input, error);
      path = net ? weights_path (node, net, progress, user_data, cancellable, error) : NULL;
      if (path == NULL || !_strata_zoo_load_file (model, id, net, path, error))
        {
          /* Translators: before an error about a pretrained node, e.g. "resnet50 (ResNet50): " */
          g_prefix_error (error, _("%s (%s): "), id, strata_node_get_type_name (node));
          return FALSE;
        }
    }
  return TRUE;
}
