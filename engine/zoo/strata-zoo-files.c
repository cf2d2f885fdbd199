/* strata-zoo-files.c: the official weight files and the caches that may already hold them
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "strata-zoo-files.h"

#define KERAS_GCS "https://storage.googleapis.com/tensorflow/keras-applications/"
#define FCHOLLET "https://github.com/fchollet/deep-learning-models/releases/download/"
#define HF "https://huggingface.co/"

/* weights_formats.md §1.1 and §4.2 */
static const StrataZooFile files[] = {
  { STRATA_ZOO_VGG16, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", NULL,
    KERAS_GCS "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "6d6bbae143d832006294945121d1f1fc", NULL, 58889256, NULL },
  { STRATA_ZOO_VGG16, "imagenet-keras", TRUE, STRATA_ZOO_KERAS,
    "vgg16_weights_tf_dim_ordering_tf_kernels.h5", NULL,
    KERAS_GCS "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
    "64373286793e3c8b2b4e3219cbf3544b", NULL, 553467096, NULL },
  { STRATA_ZOO_VGG19, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
    "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", NULL,
    KERAS_GCS "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "253f8cb515780f3b799900260a226db6", NULL, 80134624, NULL },
  { STRATA_ZOO_VGG19, "imagenet-keras", TRUE, STRATA_ZOO_KERAS,
    "vgg19_weights_tf_dim_ordering_tf_kernels.h5", NULL,
    KERAS_GCS "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5",
    "cbe5617147190e668d6c5d5026f83318", NULL, 574710816, NULL },
  { STRATA_ZOO_RESNET50, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
    "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", NULL,
    KERAS_GCS "resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "4d473c1dd8becc155b73f8504c6f6626", NULL, 94765736, NULL },
  { STRATA_ZOO_RESNET50, "imagenet-keras", TRUE, STRATA_ZOO_KERAS,
    "resnet50_weights_tf_dim_ordering_tf_kernels.h5", NULL,
    KERAS_GCS "resnet/resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    "2cb95161c43110f7111970584f804107", NULL, 102967424, NULL },
  /* the same file names as the new ones: only the hash tells them apart */
  { STRATA_ZOO_RESNET50, "imagenet-keras", FALSE, STRATA_ZOO_KERAS_LEGACY,
    "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "resnet50_legacy_weights_tf_dim_ordering_tf_kernels_notop.h5",
    FCHOLLET "v0.2/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "a268eb855778b3df3c7506639542a6af", NULL, 0, NULL },
  { STRATA_ZOO_RESNET50, "imagenet-keras", TRUE, STRATA_ZOO_KERAS_LEGACY,
    "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    "resnet50_legacy_weights_tf_dim_ordering_tf_kernels.h5",
    FCHOLLET "v0.2/resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    "a7b3fe01876f51b976af0dea6bc144eb", NULL, 0, NULL },
  { STRATA_ZOO_INCEPTION_V3, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
    "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", NULL,
    KERAS_GCS "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "bcbd6486424b2319ff4ef7d526e38f63", NULL, 87910968, NULL },
  { STRATA_ZOO_INCEPTION_V3, "imagenet-keras", TRUE, STRATA_ZOO_KERAS,
    "inception_v3_weights_tf_dim_ordering_tf_kernels.h5", NULL,
    KERAS_GCS "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    "9a0d58056eeedaa3f26cb7ebd46da564", NULL, 0, NULL },
  /* keras-applications publishes no hash for MobileNetV2: the size is all there is to check */
  { STRATA_ZOO_MOBILENET_V2, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
    "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5", NULL,
    KERAS_GCS "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
    NULL, NULL, 9406464, NULL },
  { STRATA_ZOO_MOBILENET_V2, "imagenet-keras", TRUE, STRATA_ZOO_KERAS,
    "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", NULL,
    KERAS_GCS "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5",
    NULL, NULL, 0, NULL },
  { STRATA_ZOO_DENSENET121, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
    "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5", NULL,
    KERAS_GCS "densenet/densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "30ee3e1110167f948a6b9946edeeb738", NULL, 29084464, NULL },
  { STRATA_ZOO_DENSENET121, "imagenet-keras", TRUE, STRATA_ZOO_KERAS,
    "densenet121_weights_tf_dim_ordering_tf_kernels.h5", NULL,
    KERAS_GCS "densenet/densenet121_weights_tf_dim_ordering_tf_kernels.h5",
    "9d60b8095a5708f2dcce2bca79d332c7", NULL, 0, NULL },
  /* torchvision's weights as timm publishes them in safetensors, classifier included */
  { STRATA_ZOO_RESNET50, "imagenet-torch", FALSE, STRATA_ZOO_TORCH,
    "model.safetensors", "resnet50.tv_in1k.safetensors",
    HF "timm/resnet50.tv_in1k/resolve/main/model.safetensors", NULL,
    "5d061a3c593d795bfe682d9b152bafbcf550579873492def3515b46db1189888", 0,
    "timm/resnet50.tv_in1k" },
  { STRATA_ZOO_VGG16, "imagenet-torch", FALSE, STRATA_ZOO_TORCH,
    "model.safetensors", "vgg16.tv_in1k.safetensors",
    HF "timm/vgg16.tv_in1k/resolve/main/model.safetensors", NULL,
    "57b026918159a6bf9faf8405c3a551903768e7138989d9c6224a14227203fad8", 0,
    "timm/vgg16.tv_in1k" },
  { STRATA_ZOO_VGG19, "imagenet-torch", FALSE, STRATA_ZOO_TORCH,
    "model.safetensors", "vgg19.tv_in1k.safetensors",
    HF "timm/vgg19.tv_in1k/resolve/main/model.safetensors", NULL,
    "11aea017b543ff59233749d8f1cf544cda749378f5790d2fedab841fb86b7669", 0,
    "timm/vgg19.tv_in1k" },
  { STRATA_ZOO_DENSENET121, "imagenet-torch", FALSE, STRATA_ZOO_TORCH,
    "model.safetensors", "densenet121.tv_in1k.safetensors",
    HF "timm/densenet121.tv_in1k/resolve/main/model.safetensors", NULL, NULL, 0,
    "timm/densenet121.tv_in1k" },
};

/**
 * strata_zoo_file_lookup:
 * @top: whether the node keeps the ImageNet classifier
 *
 * Returns: (transfer none): the official file of those weights; torchvision's files hold the
 *   classifier in any case
 */
const StrataZooFile *
strata_zoo_file_lookup (StrataZooArch      arch,
                        const char        *weights,
                        gboolean           top,
                        StrataZooVariant   variant,
                        GError           **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    if (files[i].arch == arch && g_str_equal (files[i].weights, weights) &&
        files[i].variant == variant &&
        (files[i].top == top || files[i].variant == STRATA_ZOO_TORCH))
      return &files[i];

  if (g_str_equal (weights, "imagenet-torch"))
    g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_UNSUPPORTED,
                 _("There are no torchvision weights of %s that Strata can read; choose "
                   "“imagenet-keras”, or convert them to safetensors and choose “file”"),
                 strata_zoo_arch_get_type_name (arch));
  else
    g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_UNSUPPORTED,
                 _("There are no %s weights of the %s variant of %s"), weights,
                 strata_zoo_variant_to_string (variant), strata_zoo_arch_get_type_name (arch));
  return NULL;
}

static const char *
home (void)
{
  const char *dir = g_getenv ("HOME");
  return dir && *dir ? dir : g_get_home_dir ();
}

/* From the environment every time (g_get_user_cache_dir() keeps its first answer). */
static char *
user_cache_dir (void)
{
  const char *dir = g_getenv ("XDG_CACHE_HOME");

  if (dir && g_path_is_absolute (dir))
    return g_strdup (dir);
  return g_build_filename (home (), ".cache", NULL);
}

/**
 * strata_zoo_dup_cache_dir:
 *
 * Returns: where Strata keeps the weights it downloads: $XDG_CACHE_HOME/strata/weights
 */
char *
strata_zoo_dup_cache_dir (void)
{
  g_autofree char *cache = user_cache_dir ();
  return g_build_filename (cache, "strata", "weights", NULL);
}

/* Hashes ------------------------------------------------------------------------------------ */

static char *
hash_file (const char    *path,
           GChecksumType  type,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (type);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  FILE *f = g_fopen (path, "rb");
  size_t n;

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not read “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  while ((n = fread (buffer, 1, 1 << 20, f)) > 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          fclose (f);
          return NULL;
        }
      g_checksum_update (checksum, buffer, n);
    }
  fclose (f);
  return g_strdup (g_checksum_get_string (checksum));
}

/* Files that passed a check, by path, size and time, so a 500 MB file is hashed once. */
static char *
verified_path (void)
{
  g_autofree char *dir = strata_zoo_dup_cache_dir ();
  return g_build_filename (dir, "verified.ini", NULL);
}

/* Size, inode and modification time to the nanosecond: a rewritten file has another. */
static char *
stamp_of (const char *path,
          const char *hash)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GUINT64_FORMAT ":%" G_GINT64_FORMAT
                          ".%09ld:%s", (gint64) st.st_size, (guint64) st.st_ino,
                          (gint64) st.st_mtim.tv_sec, st.st_mtim.tv_nsec, hash);
}

G_LOCK_DEFINE_STATIC (verified);

static gboolean
was_verified (const char *path,
              const char *hash)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *file = verified_path ();
  g_autofree char *stamp = stamp_of (path, hash);
  g_autofree char *value = NULL;

  G_LOCK (verified);
  if (stamp && g_key_file_load_from_file (keys, file, G_KEY_FILE_NONE, NULL))
    value = g_key_file_get_string (keys, "verified", path, NULL);
  G_UNLOCK (verified);
  return value && stamp && g_str_equal (value, stamp);
}

static void
remember_verified (const char *path,
                   const char *hash)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autofree char *file = verified_path ();
  g_autofree char *dir = g_path_get_dirname (file);
  g_autofree char *stamp = stamp_of (path, hash);

  if (stamp == NULL)
    return;
  G_LOCK (verified);
  g_key_file_load_from_file (keys, file, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_key_file_set_string (keys, "verified", path, stamp);
  if (g_mkdir_with_parents (dir, 0755) == 0)
    g_key_file_save_to_file (keys, file, NULL);
  G_UNLOCK (verified);
}

/**
 * strata_zoo_check_hash:
 * @md5: (nullable): the expected MD5, as Keras' files list it
 * @sha256: (nullable): the expected SHA-256
 *
 * Returns: whether the file has the expected hash (with neither given, TRUE); %FALSE with a
 *   %STRATA_ZOO_ERROR_HASH naming both hashes otherwise
 */
gboolean
strata_zoo_check_hash (const char    *path,
                       const char    *md5,
                       const char    *sha256,
                       GCancellable  *cancellable,
                       GError       **error)
{
  const char *want = sha256 ? sha256 : md5;
  g_autofree char *have = NULL;

  if (want == NULL)
    return TRUE;
  if (was_verified (path, want))
    return TRUE;
  have = hash_file (path, sha256 ? G_CHECKSUM_SHA256 : G_CHECKSUM_MD5, cancellable, error);
  if (have == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (have, want) != 0)
    {
      /* Translators: "“x.h5” is not the expected file: its MD5 is …, not …" */
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_HASH,
                   _("“%s” is not the expected file: its %s is %s, not %s"), path,
                   sha256 ? "SHA-256" : "MD5", have, want);
      return FALSE;
    }
  remember_verified (path, want);
  return TRUE;
}

/* Finding ----------------------------------------------------------------------------------- */

static GPtrArray *
candidates (const StrataZooFile *file)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *strata = strata_zoo_dup_cache_dir ();
  g_autofree char *cache = user_cache_dir ();
  const char *env;

  g_ptr_array_add (paths, g_build_filename (strata, file->cache_name ? file->cache_name
                                                                     : file->file_name, NULL));
  if (file->hf_repo == NULL)
    {
      /* Keras' get_file(cache_subdir="models") */
      if ((env = g_getenv ("KERAS_HOME")) && *env)
        g_ptr_array_add (paths, g_build_filename (env, "models", file->file_name, NULL));
      g_ptr_array_add (paths, g_build_filename (home (), ".keras", "models", file->file_name,
                                                NULL));
      g_ptr_array_add (paths, g_build_filename (g_get_tmp_dir (), ".keras", "models",
                                                file->file_name, NULL));
    }
  else
    {
      /* the Hugging Face hub: models--<org>--<name>/snapshots/<commit>/<file>, and
       * torch.hub's checkpoints, where timm's loaders may have put a copy */
      g_autofree char *hub = NULL;
      g_autofree char *repo_dir = NULL;
      g_auto(GStrv) parts = g_strsplit (file->hf_repo, "/", 2);
      g_autoptr(GDir) snapshots = NULL;
      g_autofree char *snapshots_dir = NULL;
      g_autofree char *torch = NULL;
      const char *name;

      if ((env = g_getenv ("HF_HUB_CACHE")) && *env)
        hub = g_strdup (env);
      else if ((env = g_getenv ("HF_HOME")) && *env)
        hub = g_build_filename (env, "hub", NULL);
      else
        hub = g_build_filename (cache, "huggingface", "hub", NULL);
      repo_dir = g_strdup_printf ("models--%s--%s", parts[0], parts[1] ? parts[1] : "");
      snapshots_dir = g_build_filename (hub, repo_dir, "snapshots", NULL);
      snapshots = g_dir_open (snapshots_dir, 0, NULL);
      while (snapshots && (name = g_dir_read_name (snapshots)) != NULL)
        g_ptr_array_add (paths, g_build_filename (snapshots_dir, name, file->file_name, NULL));

      if ((env = g_getenv ("TORCH_HOME")) && *env)
        torch = g_strdup (env);
      else
        torch = g_build_filename (cache, "torch", NULL);
      g_ptr_array_add (paths, g_build_filename (torch, "hub", "checkpoints", file->cache_name,
                                                NULL));
    }
  return paths;
}

/**
 * strata_zoo_find_file:
 *
 * Looks for @file in Strata's cache, Keras' (~/.keras/models, $KERAS_HOME/models), the
 * Hugging Face hub cache and torch.hub's checkpoints, and checks the hash of what it finds.
 * A file of the right name but another hash is passed over (it may be the other ResNet50).
 *
 * Returns: (nullable): the path, or %NULL when no cache has it (@error is set only on
 *   cancellation)
 */
char *
strata_zoo_find_file (const StrataZooFile  *file,
                      GCancellable         *cancellable,
                      GError              **error)
{
  g_autoptr(GPtrArray) paths = candidates (file);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GError) local_error = NULL;
      GStatBuf st;

      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (file->size > 0 && st.st_size != file->size)
        {
          g_debug ("%s: %" G_GINT64_FORMAT " bytes, not %" G_GINT64_FORMAT ": passed over", path,
                   (gint64) st.st_size, file->size);
          continue;
        }
      if (strata_zoo_check_hash (path, file->md5, file->sha256, cancellable, &local_error))
        return g_strdup (path);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_message ("%s", local_error->message);
    }
  return NULL;
}

/**
 * strata_zoo_fetch_file:
 *
 * Finds @file in a cache, or downloads it into Strata's. $STRATA_WEIGHTS_MIRROR, when set,
 * replaces the official servers: the file is fetched from MIRROR/<its name>.
 *
 * Returns: (nullable): the path of the checked file
 */
char *
strata_zoo_fetch_file (const StrataZooFile  *file,
                       StrataZooProgress     progress,
                       gpointer              user_data,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *found = strata_zoo_find_file (file, cancellable, &local_error);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  const char *mirror = g_getenv ("STRATA_WEIGHTS_MIRROR");
  const char *name = file->cache_name ? file->cache_name : file->file_name;

  if (found)
    return g_steal_pointer (&found);
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  dir = strata_zoo_dup_cache_dir ();
  path = g_build_filename (dir, name, NULL);
  url = mirror && *mirror ? g_strdup_printf ("%s/%s", mirror, name) : g_strdup (file->url);
  if (!strata_zoo_download (url, path, file->md5, file->sha256, progress, user_data,
                            cancellable, error))
    return NULL;
  remember_verified (path, file->sha256 ? file->sha256 : file->md5 ? file->md5 : "");
  return g_steal_pointer (&path);
}
