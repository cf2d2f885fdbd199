/* strata-zoo-load-h5.c: a Keras .h5 file into a backbone
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-atomic-file.h"
#include "strata-keras-h5-reader.h"
#include "strata-zoo-weights.h"

/* Copies a Keras-ordered array into the tensor's PyTorch-ordered layout. */
static void
from_keras (const StrataZooLayer *layer,
            StrataTensor         *tensor,
            const float          *src)
{
  if (tensor->rank == 4)
    {
      /* (kh, kw, in, out) → (out, in, kh, kw); depthwise (kh, kw, C, 1) → (C, 1, kh, kw) */
      gint64 o_n = tensor->dims[0], i_n = tensor->dims[1];
      gint64 kh = tensor->dims[2], kw = tensor->dims[3];
      gboolean depthwise = layer->kind == ZOO_DEPTHWISE;

      for (gint64 o = 0; o < o_n; o++)
        for (gint64 i = 0; i < i_n; i++)
          for (gint64 y = 0; y < kh; y++)
            for (gint64 x = 0; x < kw; x++)
              {
                gint64 s = depthwise ? (y * kw + x) * o_n + o
                                     : ((y * kw + x) * i_n + i) * o_n + o;
                tensor->data[((o * i_n + i) * kh + y) * kw + x] = src[s];
              }
    }
  else if (tensor->rank == 2)
    {
      /* (in, out) → (out, in) */
      gint64 out = tensor->dims[0], in = tensor->dims[1];
      for (gint64 o = 0; o < out; o++)
        for (gint64 i = 0; i < in; i++)
          tensor->data[o * in + i] = src[i * out + o];
    }
  else
    memcpy (tensor->data, src, tensor->n * sizeof (float));
}

/*
 * Which file layer holds each of the backbone's layers. Keras loads by position among the
 * layers with weights, in its layer order; the names only help when they all agree (the
 * official files), which also guards against layer orders that tie.
 */
static gboolean
match_layers (StrataZooNet   *net,
              StrataKerasH5  *h5,
              const char     *path,
              guint          *match,
              GError        **error)
{
  g_autoptr(GArray) weighted = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = net->weighted->len, found = 0;

  for (guint i = 0; i < strata_keras_h5_get_n_layers (h5); i++)
    {
      const StrataKerasH5Layer *layer = strata_keras_h5_get_layer (h5, i);
      if (layer->weights->len == 0)
        continue;
      g_array_append_val (weighted, i);
      g_hash_table_insert (by_name, layer->name, GUINT_TO_POINTER (i + 1));
    }

  for (guint r = 0; r < n; r++)
    {
      StrataZooLayer *l = _strata_zoo_layer (net, g_array_index (net->weighted, int, r));
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (by_name, l->name));
      if (index > 0)
        {
          match[r] = index - 1;
          found++;
        }
    }
  if (found == n && weighted->len == n)
    return TRUE;

  /* by position; a file with the ImageNet classifier also fits the backbone without it,
   * since Keras' order puts the top layers last */
  if (weighted->len < n)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("“%s” has weights for %u layers but %s has %u: is it for another "
                     "model?"), path, weighted->len,
                   strata_zoo_arch_get_type_name (net->arch), n);
      return FALSE;
    }
  for (guint r = n; r < weighted->len; r++)
    {
      const StrataKerasH5Layer *extra = strata_keras_h5_get_layer (h5, g_array_index (weighted,
                                                                                     guint, r));
      const StrataKerasH5Weight *w = g_ptr_array_index (extra->weights, 0);
      if (w->rank != 2)
        {
          g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                       _("“%s” has weights for %u layers but %s has %u: is it for another "
                         "model?"), path, weighted->len,
                       strata_zoo_arch_get_type_name (net->arch), n);
          return FALSE;
        }
    }
  for (guint r = 0; r < n; r++)
    match[r] = g_array_index (weighted, guint, r);
  return TRUE;
}

gboolean
_strata_zoo_load_keras_h5 (StrataModel   *model,
                           const char    *node_id,
                           StrataZooNet  *net,
                           const char    *path,
                           GError       **error)
{
  g_autoptr(StrataKerasH5) h5 = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint *match = NULL;
  g_autoptr(GPtrArray) staged = NULL;
  const char *backend;
  guint n = net->weighted->len;

  h5 = strata_keras_h5_open (path, STRATA_KERAS_H5_VALUES, &local_error);
  if (h5 == NULL)
    {
      g_set_error_literal (error, STRATA_ZOO_ERROR,
                           g_error_matches (local_error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ)
                           ? STRATA_ZOO_ERROR_NOT_FOUND : STRATA_ZOO_ERROR_CORRUPT,
                           local_error->message);
      return FALSE;
    }
  backend = strata_keras_h5_get_attribute (h5, "backend");
  if (backend && g_str_equal (backend, "theano"))
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_UNSUPPORTED,
                   _("“%s” was saved by Keras' Theano backend, whose kernels are flipped; use "
                     "the TensorFlow weights"), path);
      return FALSE;
    }

  match = g_new (guint, MAX (n, 1));
  if (!match_layers (net, h5, path, match, error))
    return FALSE;

  /* read and check everything, then write: a mismatch leaves the model untouched */
  staged = g_ptr_array_new_with_free_func (g_free);
  for (guint r = 0; r < n; r++)
    {
      StrataZooLayer *l = _strata_zoo_layer (net, g_array_index (net->weighted, int, r));
      const StrataKerasH5Layer *file_layer = strata_keras_h5_get_layer (h5, match[r]);
      StrataTensor *tensors[ZOO_MAX_LAYER_TENSORS];
      guint n_tensors = _strata_zoo_layer_tensors (model, node_id, l, tensors);

      if (file_layer->weights->len != n_tensors)
        {
          g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                       _("Layer “%s” (“%s” in the file) has %u weights in the file but %u in "
                         "the model"), l->name, file_layer->name, file_layer->weights->len,
                       n_tensors);
          return FALSE;
        }
      for (guint w = 0; w < n_tensors; w++)
        {
          const StrataKerasH5Weight *fw = g_ptr_array_index (file_layer->weights, w);
          gint64 dims[4];
          int rank;
          float *values;

          _strata_zoo_keras_dims (l, tensors[w], &rank, dims);
          if (!_strata_zoo_dims_equal (fw->rank, fw->dims, rank, dims))
            {
              _strata_zoo_shape_error (error, l, file_layer->name, fw->name, fw->rank, fw->dims,
                                       rank, dims);
              return FALSE;
            }
          values = g_try_malloc (MAX (fw->n_elements, 1) * sizeof (float));
          if (values == NULL)
            {
              g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_CORRUPT,
                           _("Not enough memory to read “%s”"), path);
              return FALSE;
            }
          g_ptr_array_add (staged, values);
          if (!strata_keras_h5_read (h5, match[r], w, values, fw->n_elements, &local_error))
            {
              g_set_error_literal (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_CORRUPT,
                                   local_error->message);
              return FALSE;
            }
        }
    }

  for (guint r = 0, k = 0; r < n; r++)
    {
      StrataZooLayer *l = _strata_zoo_layer (net, g_array_index (net->weighted, int, r));
      StrataTensor *tensors[ZOO_MAX_LAYER_TENSORS];
      guint n_tensors = _strata_zoo_layer_tensors (model, node_id, l, tensors);

      for (guint w = 0; w < n_tensors; w++)
        from_keras (l, tensors[w], g_ptr_array_index (staged, k++));
    }
  strata_model_weights_changed (model);
  return TRUE;
}
