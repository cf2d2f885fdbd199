/* strata-zoo-weights.c: what the weight loaders share
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-zoo-weights.h"

/**
 * _strata_zoo_layer_tensors:
 * @tensors: (out) (array fixed-size=4): the layer's tensors in Keras' weight order: kernel and
 *   bias; gamma, beta, moving_mean, moving_variance (those it has)
 *
 * Returns: how many
 */
guint
_strata_zoo_layer_tensors (StrataModel          *model,
                           const char           *node_id,
                           const StrataZooLayer *layer,
                           StrataTensor        **tensors)
{
  static const char *const conv[] = { "kernel", "bias", NULL };
  static const char *const depthwise[] = { "depthwise_kernel", "bias", NULL };
  static const char *const bn[] = { "gamma", "beta", "moving_mean", "moving_variance", NULL };
  const char *const *names = layer->kind == ZOO_BN ? bn
                             : layer->kind == ZOO_DEPTHWISE ? depthwise : conv;
  guint n = 0;

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s/%s", node_id, layer->name, names[i]);
      StrataTensor *tensor = strata_model_lookup (model, name);
      if (tensor != NULL)
        tensors[n++] = tensor;
    }
  return n;
}

/* A tensor's shape as Keras stores it: kernels (kh, kw, in, out), depthwise kernels
 * (kh, kw, channels, multiplier), Dense kernels (in, out). */
void
_strata_zoo_keras_dims (const StrataZooLayer *layer,
                        const StrataTensor   *tensor,
                        int                  *rank,
                        gint64               *dims)
{
  *rank = tensor->rank;
  if (tensor->rank == 4)
    {
      gboolean depthwise = layer->kind == ZOO_DEPTHWISE;
      dims[0] = tensor->dims[2];
      dims[1] = tensor->dims[3];
      dims[2] = depthwise ? tensor->dims[0] : tensor->dims[1];
      dims[3] = depthwise ? 1 : tensor->dims[0];
    }
  else if (tensor->rank == 2)
    {
      dims[0] = tensor->dims[1];
      dims[1] = tensor->dims[0];
    }
  else
    for (int i = 0; i < tensor->rank; i++)
      dims[i] = tensor->dims[i];
}

char *
_strata_zoo_dims_string (int           rank,
                         const gint64 *dims)
{
  GString *s = g_string_new ("(");

  for (int i = 0; i < rank; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", dims[i]);
  g_string_append (s, rank == 1 ? ",)" : ")");
  return g_string_free (s, FALSE);
}

gboolean
_strata_zoo_dims_equal (int           rank_a,
                        const gint64 *a,
                        int           rank_b,
                        const gint64 *b)
{
  if (rank_a != rank_b)
    return FALSE;
  for (int i = 0; i < rank_a; i++)
    if (a[i] != b[i])
      return FALSE;
  return TRUE;
}

void
_strata_zoo_shape_error (GError              **error,
                         const StrataZooLayer *layer,
                         const char           *file_name,
                         const char           *weight,
                         int                   file_rank,
                         const gint64         *file_dims,
                         int                   our_rank,
                         const gint64         *our_dims)
{
  g_autofree char *theirs = _strata_zoo_dims_string (file_rank, file_dims);
  g_autofree char *ours = _strata_zoo_dims_string (our_rank, our_dims);

  if (file_name != NULL && g_strcmp0 (file_name, layer->name) != 0)
    /* Translators: "Layer “conv1_conv” (“conv1” in the file): its weight “kernel:0” has the
     * shape (7, 7, 3, 64) in the file, but the model needs (7, 7, 1, 64)" */
    g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                 _("Layer “%s” (“%s” in the file): its weight “%s” has the shape %s in the "
                   "file, but the model needs %s"), layer->name, file_name, weight, theirs, ours);
  else
    g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                 _("Layer “%s”: its weight “%s” has the shape %s in the file, but the model "
                   "needs %s"), layer->name, weight, theirs, ours);
}

/**
 * _strata_zoo_load_file:
 * @node_id: the pretrained node; its tensors are "<node_id>/<layer>/<weight>"
 * @net: the node's net
 *
 * Reads a Keras .h5 or a safetensors file into the backbone's tensors. Every tensor is
 * checked before any is written, so a mismatch leaves the model as it was.
 */
gboolean
_strata_zoo_load_file (StrataModel   *model,
                       const char    *node_id,
                       StrataZooNet  *net,
                       const char    *path,
                       GError       **error)
{
  StrataZooProbe probe;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NOT_FOUND,
                   _("There is no weights file “%s”"), path);
      return FALSE;
    }
  _strata_zoo_probe_file (path, net->arch, &probe);
  if (probe.kind == ZOO_FILE_KERAS_H5)
    return _strata_zoo_load_keras_h5 (model, node_id, net, path, error);
  if (probe.kind == ZOO_FILE_TORCH || probe.kind == ZOO_FILE_STRATA)
    return _strata_zoo_load_safetensors (model, node_id, net, path, error);
  /* damaged or unknown: let the reader its name suggests say what is wrong */
  if (g_str_has_suffix (path, ".h5") || g_str_has_suffix (path, ".hdf5"))
    return _strata_zoo_load_keras_h5 (model, node_id, net, path, error);
  return _strata_zoo_load_safetensors (model, node_id, net, path, error);
}
