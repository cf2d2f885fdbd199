/* strata-source.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-dataset.h"
#include "strata-hash.h"
#include "strata-source.h"
#include "strata-source-files.h"
#include "strata-source-idx.h"

typedef struct
{
  char *path;
  GArray *items;             /* StrataSourceItem */
  GPtrArray *class_names;    /* char* */
  GHashTable *class_index;   /* name → index + 1 */
  GPtrArray *problems;       /* char*: files skipped while loading, with the reason */
  gboolean loaded;
  gboolean has_spec;
  StrataResizeSpec spec;
  guint64 max_pixels;
  gboolean has_test_split;
  gboolean fixed;
  gboolean in_memory;
} StrataSourcePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (StrataSource, strata_source, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
item_clear (gpointer data)
{
  StrataSourceItem *item = data;

  g_free (item->name);
}

static void
strata_source_finalize (GObject *object)
{
  StrataSource *self = (StrataSource *) object;
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_clear_pointer (&priv->path, g_free);
  g_clear_pointer (&priv->items, g_array_unref);
  g_clear_pointer (&priv->class_names, g_ptr_array_unref);
  g_clear_pointer (&priv->class_index, g_hash_table_unref);
  g_clear_pointer (&priv->problems, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_source_parent_class)->finalize (object);
}

static void
strata_source_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataSource *self = STRATA_SOURCE (object);
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, priv->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_source_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  StrataSource *self = STRATA_SOURCE (object);
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (priv->path);
      priv->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_source_class_init (StrataSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_source_finalize;
  object_class->get_property = strata_source_get_property;
  object_class->set_property = strata_source_set_property;

  /**
   * StrataSource:path:
   *
   * The absolute path of the folder, file or archive.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_source_init (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  priv->items = g_array_new (FALSE, FALSE, sizeof (StrataSourceItem));
  g_array_set_clear_func (priv->items, item_clear);
  priv->class_names = g_ptr_array_new_with_free_func (g_free);
  priv->class_index = g_hash_table_new (g_str_hash, g_str_equal);
  priv->problems = g_ptr_array_new_with_free_func (g_free);
  priv->max_pixels = G_GUINT64_CONSTANT (100000000);
}

/**
 * strata_source_new_for_settings:
 * @base_dir: (nullable): the project's folder, for a relative source path
 *
 * Returns: (transfer full) (nullable): the source the settings describe, not loaded yet
 */
StrataSource *
strata_source_new_for_settings (StrataDatasetSettings *settings,
                                const char            *base_dir,
                                GError               **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (settings), NULL);

  path = strata_dataset_settings_dup_source_path (settings, base_dir);
  switch (strata_dataset_settings_get_source_kind (settings))
    {
    case STRATA_SOURCE_FASHION_MNIST:
      return strata_source_idx_new_fashion_mnist (path);

    case STRATA_SOURCE_FOLDER:
    case STRATA_SOURCE_CSV:
    case STRATA_SOURCE_ZIP:
      {
        g_autofree char *filename_column = NULL;
        g_autofree char *label_column = NULL;

        g_object_get (settings, "filename-column", &filename_column,
                      "label-column", &label_column, NULL);
        return strata_source_files_new (strata_dataset_settings_get_source_kind (settings),
                                        path, filename_column, label_column);
      }
    default:
      break;
    }
  g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
               _("This version of Strata can't read “%s” datasets yet"),
               strata_enum_to_nick (STRATA_TYPE_SOURCE_KIND,
                                    strata_dataset_settings_get_source_kind (settings)));
  return NULL;
}

gboolean
strata_source_load (StrataSource  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_return_val_if_fail (STRATA_IS_SOURCE (self), FALSE);
  g_return_val_if_fail (!priv->loaded, FALSE);

  if (!STRATA_SOURCE_GET_CLASS (self)->load (self, cancellable, error))
    return FALSE;
  priv->loaded = TRUE;
  return TRUE;
}

/**
 * strata_source_read_image:
 * @image: (out caller-allocates): the decoded image; clear it with strata_image_clear()
 *
 * Thread-safe once the source is loaded.
 */
gboolean
strata_source_read_image (StrataSource  *self,
                          guint          index,
                          StrataImage   *image,
                          GError       **error)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_return_val_if_fail (STRATA_IS_SOURCE (self), FALSE);
  g_return_val_if_fail (index < priv->items->len, FALSE);

  memset (image, 0, sizeof *image);
  return STRATA_SOURCE_GET_CLASS (self)->read_image (self, index, image, error);
}

const char *
strata_source_get_path (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->path;
}

guint
strata_source_get_n_items (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->items->len;
}

const StrataSourceItem *
strata_source_get_item (StrataSource *self,
                        guint         index)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_return_val_if_fail (index < priv->items->len, NULL);
  return &g_array_index (priv->items, StrataSourceItem, index);
}

guint
strata_source_get_n_classes (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->class_names->len;
}

const char *
strata_source_get_class_name (StrataSource *self,
                              guint         index)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_return_val_if_fail (index < priv->class_names->len, NULL);
  return g_ptr_array_index (priv->class_names, index);
}

/**
 * strata_source_has_test_split:
 *
 * Returns: whether the source sets aside its own test images (Fashion-MNIST's t10k)
 */
gboolean
strata_source_has_test_split (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->has_test_split;
}

/**
 * strata_source_is_fixed:
 *
 * Returns: whether the source never changes (a published dataset), so that its split may
 *   cut classes at exact counts instead of keeping every image's split stable as images are
 *   added
 */
gboolean
strata_source_is_fixed (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->fixed;
}

/**
 * strata_source_set_decode_options:
 * @spec: (nullable): the resize that follows decoding, so that decoders may decode smaller
 * @max_pixels: images with more pixels are refused before they are decoded
 */
void
strata_source_set_decode_options (StrataSource           *self,
                                  const StrataResizeSpec *spec,
                                  guint64                 max_pixels)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  priv->has_spec = spec != NULL;
  if (spec)
    priv->spec = *spec;
  priv->max_pixels = max_pixels;
}

const StrataResizeSpec *
strata_source_get_resize_spec (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->has_spec ? &priv->spec : NULL;
}

guint64
strata_source_get_max_pixels (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->max_pixels;
}

guint
strata_source_get_n_problems (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->problems->len;
}

/**
 * strata_source_get_problem:
 *
 * Returns: (transfer none): a file the source skipped while loading, and why
 */
const char *
strata_source_get_problem (StrataSource *self,
                           guint         index)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_return_val_if_fail (index < priv->problems->len, NULL);
  return g_ptr_array_index (priv->problems, index);
}

int
strata_source_add_class (StrataSource *self,
                         const char   *name)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);
  int index = strata_source_lookup_class (self, name);
  char *copy;

  if (index >= 0)
    return index;
  copy = g_strdup (name);
  g_ptr_array_add (priv->class_names, copy);
  g_hash_table_insert (priv->class_index, copy, GINT_TO_POINTER (priv->class_names->len));
  return priv->class_names->len - 1;
}

int
strata_source_lookup_class (StrataSource *self,
                            const char   *name)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return GPOINTER_TO_INT (g_hash_table_lookup (priv->class_index, name)) - 1;
}

void
strata_source_add_item (StrataSource *self,
                        const char   *name,
                        int           label,
                        int           fixed_split,
                        guint64       content_hash)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);
  StrataSourceItem item = {
    .name = g_strdup (name),
    .label = label,
    .fixed_split = fixed_split,
    .content_hash = content_hash,
    .key = strata_hash_string (name),
  };

  g_array_append_val (priv->items, item);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * strata_source_sort_classes:
 *
 * Orders the classes by name (byte order, the same in every locale) and renumbers the
 * items' labels to match.
 */
void
strata_source_sort_classes (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);
  guint n = priv->class_names->len;
  g_autofree int *remap = g_new (int, MAX (n, 1));
  g_autoptr(GPtrArray) old = g_ptr_array_new ();   /* borrowed names */

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (old, g_ptr_array_index (priv->class_names, i));
  g_ptr_array_sort (priv->class_names, compare_names);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (priv->class_index, g_ptr_array_index (priv->class_names, i),
                         GINT_TO_POINTER (i + 1));
  for (guint i = 0; i < n; i++)
    remap[i] = strata_source_lookup_class (self, g_ptr_array_index (old, i));
  for (guint i = 0; i < priv->items->len; i++)
    {
      StrataSourceItem *item = &g_array_index (priv->items, StrataSourceItem, i);

      item->label = remap[item->label];
    }
}

void
strata_source_add_problem (StrataSource *self,
                           const char   *message)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  g_ptr_array_add (priv->problems, g_strdup (message));
}

void
strata_source_set_has_test_split (StrataSource *self,
                                  gboolean      has_test_split)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  priv->has_test_split = has_test_split;
}

void
strata_source_set_fixed (StrataSource *self,
                         gboolean      fixed)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  priv->fixed = fixed;
}

/**
 * strata_source_is_in_memory:
 *
 * Returns: whether reading an image costs no more than copying it (IDX), so that caching
 *   decoded images would gain nothing
 */
gboolean
strata_source_is_in_memory (StrataSource *self)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  return priv->in_memory;
}

void
strata_source_set_in_memory (StrataSource *self,
                             gboolean      in_memory)
{
  StrataSourcePrivate *priv = strata_source_get_instance_private (self);

  priv->in_memory = in_memory;
}
