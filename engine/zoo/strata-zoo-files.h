/* strata-zoo-files.h: the official weight files, finding them on disk and downloading them
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-zoo.h"

G_BEGIN_DECLS

/**
 * StrataZooFile:
 * @arch: the architecture
 * @weights: "imagenet-keras" or "imagenet-torch", as the node's weights parameter
 * @top: whether it holds the ImageNet classifier too (Keras has a file with and one without)
 * @variant: the definition of @arch the weights are for
 * @file_name: its name in the caches of Keras, torch.hub or Hugging Face
 * @cache_name: its name in Strata's cache (differs where two files share @file_name)
 * @url: where it is published
 * @md5: Keras' hash of it, or %NULL
 * @sha256: or %NULL (then Hugging Face's ETag, the SHA-256 of the file, is used)
 * @size: bytes, or 0 when not known
 * @hf_repo: (nullable): the Hugging Face repository, for its cache
 */
typedef struct
{
  StrataZooArch arch;
  const char *weights;
  gboolean top;
  StrataZooVariant variant;
  const char *file_name;
  const char *cache_name;
  const char *url;
  const char *md5;
  const char *sha256;
  gint64 size;
  const char *hf_repo;
} StrataZooFile;


const StrataZooFile *strata_zoo_file_lookup    (StrataZooArch         arch,
                                                const char           *weights,
                                                gboolean              top,
                                                StrataZooVariant      variant,
                                                GError              **error);
char                *strata_zoo_dup_cache_dir  (void);
char                *strata_zoo_find_file      (const StrataZooFile  *file,
                                                GCancellable         *cancellable,
                                                GError              **error);
gboolean             strata_zoo_check_hash     (const char           *path,
                                                const char           *md5,
                                                const char           *sha256,
                                                GCancellable         *cancellable,
                                                GError              **error);
char                *strata_zoo_fetch_file     (const StrataZooFile  *file,
                                                StrataZooProgress     progress,
                                                gpointer              user_data,
                                                GCancellable         *cancellable,
                                                GError              **error);
gboolean             strata_zoo_download       (const char           *url,
                                                const char           *path,
                                                const char           *md5,
                                                const char           *sha256,
                                                StrataZooProgress     progress,
                                                gpointer              user_data,
                                                GCancellable         *cancellable,
                                                GError              **error);

G_END_DECLS
