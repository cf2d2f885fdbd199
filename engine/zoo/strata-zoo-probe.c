/* strata-zoo-probe.c: what a weights file is, and what it implies for the model and the data
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "strata-keras-h5-reader.h"
#include "strata-safetensors.h"
#include "strata-zoo-weights.h"

/*
 * Shape inference asks on every edit, so answers are kept per (path, size, mtime): a file
 * that changes is probed again.
 */

typedef struct
{
  gint64 size;
  gint64 mtime;
  StrataZooProbe probe;
} CacheEntry;

G_LOCK_DEFINE_STATIC (cache);
static GHashTable *cache;     /* "arch:path" → CacheEntry */

static const guint8 hdf5_signature[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

static gboolean
is_hdf5 (const char *path)
{
  guint8 head[8];
  FILE *f = g_fopen (path, "rb");
  gboolean yes;

  if (f == NULL)
    return FALSE;
  yes = fread (head, 1, 8, f) == 8 && memcmp (head, hdf5_signature, 8) == 0;
  fclose (f);
  return yes;
}

static void
probe_h5 (const char     *path,
          StrataZooArch   arch,
          StrataZooProbe *probe)
{
  g_autoptr(StrataKerasH5) h5 = strata_keras_h5_open (path, STRATA_KERAS_H5_NAMES, NULL);

  probe->kind = ZOO_FILE_KERAS_H5;
  if (h5 == NULL || arch != STRATA_ZOO_RESNET50)
    return;
  /* the old and the new Keras ResNet50 share a file name; their layer names differ */
  for (guint i = 0; i < strata_keras_h5_get_n_layers (h5); i++)
    {
      const char *name = strata_keras_h5_get_layer (h5, i)->name;
      if (g_str_equal (name, "bn_conv1") || g_str_equal (name, "res2a_branch2a"))
        {
          probe->has_variant = TRUE;
          probe->variant = STRATA_ZOO_KERAS_LEGACY;
          return;
        }
      if (g_str_equal (name, "conv1_bn") || g_str_equal (name, "conv2_block1_1_conv"))
        {
          probe->has_variant = TRUE;
          probe->variant = STRATA_ZOO_KERAS;
          return;
        }
    }
}

static gboolean
has_suffix_key (StrataSafetensors *st,
                const char        *suffix)
{
  for (guint i = 0; i < strata_safetensors_get_n_tensors (st); i++)
    {
      const char *name = strata_safetensors_get_info (st, i)->name;
      if (g_str_has_suffix (name, suffix) &&
          (strlen (name) == strlen (suffix) || name[strlen (name) - strlen (suffix) - 1] == '/'))
        return TRUE;
    }
  return FALSE;
}

static void
probe_safetensors (const char     *path,
                   StrataZooArch   arch,
                   StrataZooProbe *probe)
{
  g_autoptr(StrataSafetensors) st = strata_safetensors_open (path, NULL);
  const char *format, *variant, *normalization;
  static const char *const torch_keys[] = {
    "conv1.weight", "features.0.weight", "features.conv0.weight", "features.0.0.weight",
  };

  if (st == NULL)
    return;
  format = strata_safetensors_get_metadata (st, "format");
  if (format && g_str_has_prefix (format, "strata"))
    {
      probe->kind = ZOO_FILE_STRATA;
      variant = strata_safetensors_get_metadata (st, "variant");
      normalization = strata_safetensors_get_metadata (st, "preprocessing");
      for (int v = STRATA_ZOO_KERAS; variant && v <= STRATA_ZOO_TORCH; v++)
        if (g_str_equal (variant, strata_zoo_variant_to_string (v)))
          {
            probe->has_variant = TRUE;
            probe->variant = v;
          }
      if (normalization)
        strata_enum_from_nick (STRATA_TYPE_NORMALIZATION, normalization, &probe->normalization);
      if (!probe->has_variant && arch == STRATA_ZOO_RESNET50)
        {
          /* a checkpoint: the layer names and the biases tell the variants apart */
          probe->has_variant = TRUE;
          probe->variant = has_suffix_key (st, "bn_conv1/moving_mean") ? STRATA_ZOO_KERAS_LEGACY
                           : has_suffix_key (st, "conv1_conv/bias") ? STRATA_ZOO_KERAS
                           : has_suffix_key (st, "conv1_conv/kernel") ? STRATA_ZOO_TORCH
                           : STRATA_ZOO_KERAS;
        }
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (torch_keys); i++)
    if (strata_safetensors_lookup (st, torch_keys[i]) != NULL)
      {
        probe->kind = ZOO_FILE_TORCH;
        probe->has_variant = TRUE;
        probe->variant = STRATA_ZOO_TORCH;
        probe->normalization = STRATA_NORMALIZE_TORCH;
        return;
      }
  /* Strata's names without the metadata (a checkpoint written by an older version) */
  probe->kind = ZOO_FILE_STRATA;
}

/**
 * _strata_zoo_probe_file:
 * @arch: the architecture the file is meant for
 *
 * Looks at a weights file: its format, the variant of @arch it was made for and the
 * preprocessing it expects, as far as it tells.
 *
 * Returns: %FALSE when there is no such file
 */
gboolean
_strata_zoo_probe_file (const char     *path,
                        StrataZooArch   arch,
                        StrataZooProbe *probe)
{
  GStatBuf st;
  g_autofree char *key = NULL;
  CacheEntry *entry;

  *probe = (StrataZooProbe) { .kind = ZOO_FILE_UNKNOWN, .normalization = -1 };
  if (path == NULL || *path == '\0' || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;

  key = g_strdup_printf ("%d:%s", arch, path);
  G_LOCK (cache);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  entry = g_hash_table_lookup (cache, key);
  if (entry && entry->size == st.st_size && entry->mtime == st.st_mtime)
    {
      *probe = entry->probe;
      G_UNLOCK (cache);
      return TRUE;
    }
  G_UNLOCK (cache);

  if (is_hdf5 (path))
    probe_h5 (path, arch, probe);
  else
    probe_safetensors (path, arch, probe);

  entry = g_new (CacheEntry, 1);
  entry->size = st.st_size;
  entry->mtime = st.st_mtime;
  entry->probe = *probe;
  G_LOCK (cache);
  g_hash_table_replace (cache, g_steal_pointer (&key), entry);
  G_UNLOCK (cache);
  return TRUE;
}
