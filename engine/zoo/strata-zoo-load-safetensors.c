/* strata-zoo-load-safetensors.c: torchvision, timm and Strata safetensors into a backbone
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-atomic-file.h"
#include "strata-safetensors.h"
#include "strata-zoo-weights.h"

typedef struct
{
  StrataTensor *tensor;
  float *values;
} Staged;

static void
staged_free (Staged *staged)
{
  g_free (staged->values);
  g_free (staged);
}

/* PyTorch's parameter names of a layer's tensors, in the order of _strata_zoo_layer_tensors() */
static const char *
torch_suffix (const StrataZooLayer *layer,
              const StrataTensor   *tensor)
{
  const char *weight = strrchr (tensor->name, '/') + 1;

  if (g_str_equal (weight, "gamma") || g_str_has_suffix (weight, "kernel"))
    return "weight";
  if (g_str_equal (weight, "beta") || g_str_equal (weight, "bias"))
    return "bias";
  if (g_str_equal (weight, "moving_mean"))
    return "running_mean";
  return "running_var";
}

/* torchvision's old DenseNet names: "denselayer1.norm.1" for "denselayer1.norm1" */
static char *
old_densenet_key (const char *key)
{
  static const char *const modules[] = { ".norm1.", ".conv1.", ".norm2.", ".conv2." };

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      const char *at = strstr (key, modules[i]);
      if (at && strstr (key, "denselayer"))
        return g_strdup_printf ("%.*s.%.4s.%c.%s", (int) (at - key), key, modules[i] + 1,
                                modules[i][5], at + strlen (modules[i]));
    }
  return NULL;
}

/*
 * A Flatten before a Dense orders its inputs (height, width, channels) in Keras, (channels,
 * height, width) in PyTorch: the first classifier layer of VGG needs its columns permuted.
 */
static void
permute_flatten (StrataZooNet         *net,
                 const StrataZooLayer *layer,
                 float                *values,
                 gint64                out)
{
  const StrataZooLayer *flatten = _strata_zoo_layer (net, layer->inputs[0]);
  const StrataShape *map = _strata_zoo_shape (net, flatten->inputs[0]);
  gint64 h_n = map->dims[0], w_n = map->dims[1], c_n = map->dims[2], in = h_n * w_n * c_n;
  g_autofree float *row = g_new (float, in);

  for (gint64 o = 0; o < out; o++)
    {
      float *v = values + o * in;
      for (gint64 c = 0; c < c_n; c++)
        for (gint64 y = 0; y < h_n; y++)
          for (gint64 x = 0; x < w_n; x++)
            row[(y * w_n + x) * c_n + c] = v[(c * h_n + y) * w_n + x];
      memcpy (v, row, in * sizeof (float));
    }
}

static gboolean
stage_tensor (StrataSafetensors  *st,
              StrataZooNet       *net,
              StrataZooLayer     *layer,
              StrataTensor       *tensor,
              const char         *key,
              gboolean            torch,
              GPtrArray          *staged,
              GError            **error)
{
  const StrataSafetensorsInfo *info = strata_safetensors_lookup (st, key);
  gboolean flatten_first = torch && layer->kind == ZOO_DENSE &&
                           _strata_zoo_layer (net, layer->inputs[0])->kind == ZOO_FLATTEN;
  g_autoptr(GError) local_error = NULL;
  Staged *s;
  gboolean fits;

  if (info == NULL)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("Layer “%s”: the file has no tensor “%s”"), layer->name, key);
      return FALSE;
    }
  fits = _strata_zoo_dims_equal (info->rank, info->shape, tensor->rank, tensor->dims);
  /* timm turns VGG's classifier into convolutions: (out, C, H, W) and (out, in, 1, 1) */
  if (!fits && torch && tensor->rank == 2 && info->rank == 4 && info->shape[0] == tensor->dims[0]
      && info->n_elements == tensor->n)
    fits = TRUE;
  if (!fits)
    {
      /* both in PyTorch's order, as the file has it */
      _strata_zoo_shape_error (error, layer, NULL, key, info->rank, info->shape,
                               tensor->rank, tensor->dims);
      return FALSE;
    }
  s = g_new0 (Staged, 1);
  s->tensor = tensor;
  s->values = g_try_malloc (MAX (tensor->n, 1) * sizeof (float));
  g_ptr_array_add (staged, s);
  if (s->values == NULL ||
      !strata_safetensors_read_f32 (st, key, s->values, tensor->n, &local_error))
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_CORRUPT, "%s",
                   local_error ? local_error->message : _("Not enough memory"));
      return FALSE;
    }
  if (flatten_first && g_str_equal (torch_suffix (layer, tensor), "weight"))
    permute_flatten (net, layer, s->values, tensor->dims[0]);
  return TRUE;
}

/*
 * Strata's own names: "<anything>/<layer>/<weight>"; the prefix (the backbone node's id in
 * the project that saved it) is found once, from the first tensor. In a checkpoint the
 * optimizer's slots ("optimizer/m/<name>") end the same way: the shortest prefix is the
 * model's.
 */
static gboolean
find_strata_prefix (StrataSafetensors  *st,
                    const char         *first,
                    char              **prefix)
{
  gsize best = G_MAXSIZE, suffix = strlen (first);

  for (guint i = 0; i < strata_safetensors_get_n_tensors (st); i++)
    {
      const char *name = strata_safetensors_get_info (st, i)->name;
      gsize len = strlen (name);

      if (len >= suffix && g_str_equal (name + len - suffix, first) &&
          (len == suffix || name[len - suffix - 1] == '/') && len - suffix < best &&
          !g_str_has_prefix (name, "optimizer/"))
        {
          g_free (*prefix);
          *prefix = g_strndup (name, len - suffix);
          best = len - suffix;
        }
    }
  return *prefix != NULL;
}

gboolean
_strata_zoo_load_safetensors (StrataModel   *model,
                              const char    *node_id,
                              StrataZooNet  *net,
                              const char    *path,
                              GError       **error)
{
  g_autoptr(StrataSafetensors) st = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func ((GDestroyNotify) staged_free);
  g_autofree char *prefix = NULL;
  StrataZooProbe probe;
  gboolean torch, timm;

  st = strata_safetensors_open (path, &local_error);
  if (st == NULL)
    {
      g_set_error_literal (error, STRATA_ZOO_ERROR,
                           g_error_matches (local_error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ)
                           ? STRATA_ZOO_ERROR_NOT_FOUND : STRATA_ZOO_ERROR_CORRUPT,
                           local_error->message);
      return FALSE;
    }
  _strata_zoo_probe_file (path, net->arch, &probe);
  torch = probe.kind == ZOO_FILE_TORCH;
  timm = strata_safetensors_lookup (st, "pre_logits.fc1.weight") != NULL ||
         strata_safetensors_lookup (st, "head.fc.weight") != NULL;
  if (torch && net->arch == STRATA_ZOO_INCEPTION_V3)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_UNSUPPORTED,
                   _("torchvision's InceptionV3 differs from Keras' (its pooling and input "
                     "scaling); use the Keras weights"));
      return FALSE;
    }
  if (torch && net->variant != STRATA_ZOO_TORCH)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                   _("“%s” holds torchvision weights, but the node builds the Keras %s; set "
                     "its variant to “torchvision” or “auto”"), path,
                   strata_zoo_arch_get_type_name (net->arch));
      return FALSE;
    }

  for (guint r = 0; r < net->weighted->len; r++)
    {
      StrataZooLayer *l = _strata_zoo_layer (net, g_array_index (net->weighted, int, r));
      StrataTensor *tensors[ZOO_MAX_LAYER_TENSORS];
      guint n_tensors = _strata_zoo_layer_tensors (model, node_id, l, tensors);
      g_autofree char *module = torch ? _strata_zoo_torch_key (net->arch, l->name, timm) : NULL;

      if (torch && module == NULL)
        {
          g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_UNSUPPORTED,
                       _("Layer “%s” has no counterpart in torchvision's %s"), l->name,
                       strata_zoo_arch_get_type_name (net->arch));
          return FALSE;
        }
      for (guint w = 0; w < n_tensors; w++)
        {
          const char *weight = tensors[w]->name + strlen (node_id) + 1;   /* "<layer>/<w>" */
          g_autofree char *key = NULL;

          if (torch)
            {
              key = g_strdup_printf ("%s.%s", module, torch_suffix (l, tensors[w]));
              if (strata_safetensors_lookup (st, key) == NULL)
                {
                  g_autofree char *old = old_densenet_key (key);
                  if (old && strata_safetensors_lookup (st, old))
                    {
                      g_free (key);
                      key = g_steal_pointer (&old);
                    }
                }
            }
          else
            {
              if (prefix == NULL && !find_strata_prefix (st, weight, &prefix))
                {
                  g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_MISMATCH,
                               _("“%s” has no weights for layer “%s” of %s: is it for another "
                                 "model?"), path, l->name,
                               strata_zoo_arch_get_type_name (net->arch));
                  return FALSE;
                }
              key = g_strconcat (prefix, weight, NULL);
            }
          if (!stage_tensor (st, net, l, tensors[w], key, torch, staged, error))
            return FALSE;
        }
    }

  for (guint i = 0; i < staged->len; i++)
    {
      Staged *s = g_ptr_array_index (staged, i);
      memcpy (s->tensor->data, s->values, s->tensor->n * sizeof (float));
    }
  strata_model_weights_changed (model);
  return TRUE;
}
