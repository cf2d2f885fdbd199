/* strata-dataset.c: a source, its classes and its split
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "strata-augment.h"
#include "strata-dataset.h"
#include "strata-dataset-private.h"
#include "strata-hash.h"
#include "strata-image-cache.h"
#include "strata-random.h"
#include "strata-split-private.h"

struct _StrataDataset
{
  GObject parent_instance;

  StrataDatasetSettings *settings;   /* a frozen copy */
  StrataSource *source;
  char **class_names;
  guint n_classes;
  GArray *items[STRATA_N_SPLITS];    /* guint: source item indices, in source order */
  GArray *labels[STRATA_N_SPLITS];   /* gint32 */
  int *source_labels;                /* per source item: dataset class or -1 */

  StrataResizeSpec resize;
  StrataImageCache *cache;           /* NULL: decode every time */
  float scale[3];
  float offset[3];
  gboolean bgr;

  /* the augmentation schedule, copied for the loader threads */
  GArray *stages;                    /* StrataAugmentParams, by first epoch */

  GMutex problem_lock;
  GHashTable *bad_items;             /* source index set */
  GPtrArray *problems;               /* char* */
};

G_DEFINE_FINAL_TYPE (StrataDataset, strata_dataset, G_TYPE_OBJECT)

G_DEFINE_QUARK (strata-dataset-error-quark, strata_dataset_error)

static const char * const split_names[STRATA_N_SPLITS] = { "train", "validation", "test" };

/**
 * strata_split_to_string:
 *
 * Returns: "train", "validation" or "test"
 */
const char *
strata_split_to_string (StrataSplit split)
{
  g_return_val_if_fail (split < STRATA_N_SPLITS, NULL);
  return split_names[split];
}

gboolean
strata_split_from_string (const char  *text,
                          StrataSplit *split)
{
  for (guint i = 0; i < STRATA_N_SPLITS; i++)
    if (g_strcmp0 (text, split_names[i]) == 0)
      {
        *split = i;
        return TRUE;
      }
  if (g_strcmp0 (text, "val") == 0)
    {
      *split = STRATA_SPLIT_VALIDATION;
      return TRUE;
    }
  return FALSE;
}

static void
strata_dataset_finalize (GObject *object)
{
  StrataDataset *self = (StrataDataset *) object;

  g_clear_object (&self->settings);
  g_clear_object (&self->source);
  g_clear_pointer (&self->class_names, g_strfreev);
  for (guint i = 0; i < STRATA_N_SPLITS; i++)
    {
      g_clear_pointer (&self->items[i], g_array_unref);
      g_clear_pointer (&self->labels[i], g_array_unref);
    }
  g_clear_pointer (&self->source_labels, g_free);
  g_clear_pointer (&self->stages, g_array_unref);
  g_clear_pointer (&self->cache, strata_image_cache_free);
  g_mutex_clear (&self->problem_lock);
  g_clear_pointer (&self->bad_items, g_hash_table_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_dataset_parent_class)->finalize (object);
}

static void
strata_dataset_class_init (StrataDatasetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_dataset_finalize;
}

static void
strata_dataset_init (StrataDataset *self)
{
  for (guint i = 0; i < STRATA_N_SPLITS; i++)
    {
      self->items[i] = g_array_new (FALSE, FALSE, sizeof (guint));
      self->labels[i] = g_array_new (FALSE, FALSE, sizeof (gint32));
    }
  g_mutex_init (&self->problem_lock);
  self->bad_items = g_hash_table_new (NULL, NULL);
  self->problems = g_ptr_array_new_with_free_func (g_free);
  self->stages = g_array_new (FALSE, FALSE, sizeof (StrataAugmentParams));
}

/* Decides the dataset's classes and maps the source's labels onto them. */
/* The images the settings exclude are in no class, so the split and the loaders skip them,
 * as they skip the images of classes not selected. */
static void
exclude_items (StrataDataset *self,
               guint          n_items)
{
  g_auto(GStrv) exclude = NULL;
  g_autoptr(GHashTable) names = NULL;

  g_object_get (self->settings, "exclude", &exclude, NULL);
  if (exclude == NULL || exclude[0] == NULL)
    return;
  names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint k = 0; exclude[k]; k++)
    g_hash_table_add (names, exclude[k]);
  for (guint i = 0; i < n_items; i++)
    if (g_hash_table_contains (names, strata_source_get_item (self->source, i)->name))
      self->source_labels[i] = -1;
}

static gboolean
map_classes (StrataDataset  *self,
             GError        **error)
{
  g_auto(GStrv) wanted = NULL;
  g_auto(GStrv) selected = NULL;
  guint n_source = strata_source_get_n_classes (self->source);
  guint n_items = strata_source_get_n_items (self->source);
  g_autofree int *remap = g_new (int, MAX (n_source, 1));
  g_autofree char *path = g_filename_display_name (strata_source_get_path (self->source));

  if (n_items == 0)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("No images were found in “%s”"), path);
      return FALSE;
    }
  if (n_source > STRATA_DATASET_MAX_CLASSES)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("“%s” holds images of %u classes; at most %u are supported"), path,
                   n_source, (guint) STRATA_DATASET_MAX_CLASSES);
      return FALSE;
    }

  g_object_get (self->settings, "class-names", &wanted, "select-classes", &selected, NULL);
  if (selected != NULL && selected[0] != NULL)
    {
      /* the other classes' images are left out */
      if (wanted != NULL && wanted[0] != NULL &&
          !g_strv_equal ((const char *const *) wanted, (const char *const *) selected))
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("The project's classes differ from the classes it selects; clear "
                         "one of the two lists"));
          return FALSE;
        }
      /* the source indexes its classes by name: one lookup per class, not a scan */
      for (guint k = 0; selected[k]; k++)
        if (strata_source_lookup_class (self->source, selected[k]) < 0)
          {
            g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                         _("There are no images of the selected class “%s” in “%s”"),
                         selected[k], path);
            return FALSE;
          }
      self->class_names = g_strdupv (selected);
      for (guint c = 0; c < n_source; c++)
        remap[c] = -1;
      for (guint k = 0; selected[k]; k++)
        remap[strata_source_lookup_class (self->source, selected[k])] = k;
    }
  else if (wanted != NULL && wanted[0] != NULL)
    {
      g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint k = 0; wanted[k]; k++)
        g_hash_table_insert (index, wanted[k], GUINT_TO_POINTER (k + 1));
      self->class_names = g_strdupv (wanted);
      for (guint c = 0; c < n_source; c++)
        {
          const char *name = strata_source_get_class_name (self->source, c);

          remap[c] = (int) GPOINTER_TO_UINT (g_hash_table_lookup (index, name)) - 1;
          if (remap[c] < 0)
            {
              g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                           _("The images labelled “%s” in “%s” belong to no class of the "
                             "project; add the class to the project or remove the images"),
                           name, path);
              return FALSE;
            }
        }
    }
  else
    {
      GStrvBuilder *builder = g_strv_builder_new ();

      for (guint c = 0; c < n_source; c++)
        {
          g_strv_builder_add (builder, strata_source_get_class_name (self->source, c));
          remap[c] = c;
        }
      self->class_names = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }
  self->n_classes = g_strv_length (self->class_names);

  if (self->n_classes < 2)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("Only one class (“%s”) was found in “%s”: a classifier needs images of "
                     "at least two classes"),
                   self->n_classes ? self->class_names[0] : "", path);
      return FALSE;
    }

  self->source_labels = g_new (int, n_items);
  for (guint i = 0; i < n_items; i++)
    {
      int label = strata_source_get_item (self->source, i)->label;
      self->source_labels[i] = label >= 0 && (guint) label < n_source ? remap[label] : -1;
    }
  exclude_items (self, n_items);
  return TRUE;
}

typedef struct
{
  guint64 key;
  guint item;
} Drawn;

static gint
compare_drawn (gconstpointer a,
               gconstpointer b)
{
  const Drawn *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->item < y->item ? -1 : x->item > y->item;
}

/* max-train-per-class: a seeded draw of each class's training images; the rest are left out. */
static void
limit_train (StrataDataset *self,
             int           *splits,
             guint          n_items)
{
  guint limit, n = 0;
  guint64 seed;
  g_autofree Drawn *drawn = NULL;
  g_autofree guint *kept = g_new0 (guint, MAX (self->n_classes, 1));

  g_object_get (self->settings, "max-train-per-class", &limit, "split-seed", &seed, NULL);
  if (limit == 0)
    return;
  drawn = g_new (Drawn, n_items);
  for (guint i = 0; i < n_items; i++)
    if (splits[i] == STRATA_SPLIT_TRAIN)
      {
        guint64 h = strata_source_get_item (self->source, i)->content_hash ^
                    ((seed + 1) * 0x9e3779b97f4a7c15ULL);
        h = (h ^ (h >> 31)) * 0xbf58476d1ce4e5b9ULL;
        drawn[n++] = (Drawn) { h ^ (h >> 29), i };
      }
  qsort (drawn, n, sizeof (Drawn), compare_drawn);
  for (guint k = 0; k < n; k++)
    {
      int label = self->source_labels[drawn[k].item];
      if (kept[label] < limit)
        kept[label]++;
      else
        splits[drawn[k].item] = -1;
    }
}

static void
make_split (StrataDataset *self)
{
  guint n_items = strata_source_get_n_items (self->source);
  g_autofree StrataSplitInput *inputs = g_new (StrataSplitInput, n_items);
  g_autofree int *splits = g_new (int, n_items);
  StrataSplitParams params = { 0 };
  int by;

  g_object_get (self->settings,
                "split-by", &by,
                "validation-fraction", &params.validation_fraction,
                "test-fraction", &params.test_fraction,
                "validation-count", &params.validation_count,
                "test-count", &params.test_count,
                "split-seed", &params.seed,
                NULL);
  params.by = by;
  params.exact = strata_source_is_fixed (self->source);
  if (strata_source_has_test_split (self->source))
    {
      params.test_fraction = 0;
      params.test_count = 0;
    }

  for (guint i = 0; i < n_items; i++)
    {
      const StrataSourceItem *item = strata_source_get_item (self->source, i);

      inputs[i].label = self->source_labels[i];
      inputs[i].fixed_split = item->fixed_split;
      inputs[i].content_hash = item->content_hash;
    }
  _strata_split_assign (inputs, n_items, self->n_classes, &params, splits);
  limit_train (self, splits, n_items);

  for (guint i = 0; i < n_items; i++)
    {
      gint32 label = self->source_labels[i];

      if (splits[i] < 0)
        continue;
      g_array_append_val (self->items[splits[i]], i);
      g_array_append_val (self->labels[splits[i]], label);
    }
}

static void
copy_stages (StrataDataset *self)
{
  GListModel *stages = strata_dataset_settings_get_augmentation (self->settings);

  for (guint i = 0; i < g_list_model_get_n_items (stages); i++)
    {
      g_autoptr(StrataAugmentation) stage = g_list_model_get_item (stages, i);
      StrataAugmentParams params;

      strata_augmentation_get_params (stage, &params);
      g_array_append_val (self->stages, params);
    }
}

/* A key for what the cache holds: the source's files and the resize. */
static guint64
cache_key (StrataDataset *self)
{
  guint n = strata_source_get_n_items (self->source);
  guint64 key = strata_hash_string (strata_source_get_path (self->source));
  guint64 spec[6] = { self->resize.width, self->resize.height, self->resize.channels,
                      self->resize.mode, self->resize.filter, 1 /* pixel format version */ };

  key = strata_hash_bytes (spec, sizeof spec, key);
  for (guint i = 0; i < n; i++)
    {
      const StrataSourceItem *item = strata_source_get_item (self->source, i);

      key = strata_key3 (key, item->key, item->content_hash);
    }
  return key;
}

static void
open_cache (StrataDataset *self,
            const char    *base_dir)
{
  guint n = strata_source_get_n_items (self->source);
  gsize item_size = strata_dataset_get_image_n_floats (self);
  guint64 bytes = (guint64) n * item_size;
  guint limit_mb;
  int mode;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_object_get (self->settings, "cache-mode", &mode, "cache-memory-limit", &limit_mb, NULL);
  if (mode == STRATA_CACHE_NONE || n == 0 || strata_source_is_in_memory (self->source))
    return;
  if (mode == STRATA_CACHE_MEMORY ||
      (mode == STRATA_CACHE_AUTO && bytes <= ((guint64) limit_mb << 20)))
    {
      self->cache = strata_image_cache_new_memory (n, item_size);
      if (self->cache || mode == STRATA_CACHE_MEMORY)
        return;
    }

  /* beside the project; one file per source, rebuilt when its contents or the resize
   * change */
  dir = base_dir ? g_strdup (base_dir) : g_build_filename (g_get_user_cache_dir (), "strata",
                                                           NULL);
  g_mkdir_with_parents (dir, 0755);
  name = g_strdup_printf (".strata-cache-%016" G_GINT64_MODIFIER "x",
                          strata_hash_string (strata_source_get_path (self->source)));
  path = g_build_filename (dir, name, NULL);
  self->cache = strata_image_cache_new_file (path, cache_key (self), n, item_size, &error);
  if (self->cache == NULL)
    g_debug ("No image cache: %s", error->message);
}

/**
 * strata_dataset_open:
 * @settings: the project's dataset settings; the dataset keeps a copy
 * @base_dir: (nullable): the project's folder: relative source paths start there
 *
 * Reads the source's list of images and labels and splits it. Images are decoded later, by
 * loaders.
 *
 * Returns: (transfer full) (nullable): the dataset
 */
StrataDataset *
strata_dataset_open (StrataDatasetSettings  *settings,
                     const char             *base_dir,
                     GCancellable           *cancellable,
                     GError                **error)
{
  g_autoptr(StrataDataset) self = NULL;
  guint64 max_pixels;
  int mode, filter;

  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (settings), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!strata_dataset_settings_validate (settings, error))
    return NULL;

  self = g_object_new (STRATA_TYPE_DATASET, NULL);
  self->settings = strata_dataset_settings_copy (settings);
  g_object_get (self->settings, "resize-mode", &mode, "resize-filter", &filter,
                "max-image-pixels", &max_pixels, NULL);
  self->resize.width = strata_dataset_settings_get_image_width (self->settings);
  self->resize.height = strata_dataset_settings_get_image_height (self->settings);
  self->resize.channels = strata_dataset_settings_get_image_channels (self->settings);
  self->resize.mode = mode;
  self->resize.filter = filter;
  strata_dataset_settings_get_normalization_constants (self->settings, self->scale,
                                                       self->offset, &self->bgr);

  self->source = strata_source_new_for_settings (self->settings, base_dir, error);
  if (self->source == NULL)
    return NULL;
  strata_source_set_decode_options (self->source, &self->resize, max_pixels);
  if (!strata_source_load (self->source, cancellable, error) ||
      !map_classes (self, error))
    return NULL;
  for (guint i = 0; i < strata_source_get_n_problems (self->source); i++)
    g_ptr_array_add (self->problems, g_strdup (strata_source_get_problem (self->source, i)));

  make_split (self);
  copy_stages (self);
  open_cache (self, base_dir);
  return g_steal_pointer (&self);
}

guint
strata_dataset_get_n_classes (StrataDataset *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), 0);
  return self->n_classes;
}

/**
 * strata_dataset_get_class_names:
 *
 * Returns: (transfer none): the classes in label order
 */
const char * const *
strata_dataset_get_class_names (StrataDataset *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), NULL);
  return (const char * const *) self->class_names;
}

guint
strata_dataset_get_n_items (StrataDataset *self,
                            StrataSplit    split)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), 0);
  g_return_val_if_fail (split < STRATA_N_SPLITS, 0);
  return self->items[split]->len;
}

gint32
strata_dataset_get_label (StrataDataset *self,
                          StrataSplit    split,
                          guint          index)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), -1);
  g_return_val_if_fail (split < STRATA_N_SPLITS, -1);
  g_return_val_if_fail (index < self->labels[split]->len, -1);
  return g_array_index (self->labels[split], gint32, index);
}

/**
 * strata_dataset_dup_item_name:
 *
 * Returns: (transfer full): the image's path within the source ("Sandal/12.png"), or for
 *   IDX files "train/123", "test/45"
 */
char *
strata_dataset_dup_item_name (StrataDataset *self,
                              StrataSplit    split,
                              guint          index)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), NULL);
  g_return_val_if_fail (split < STRATA_N_SPLITS, NULL);
  g_return_val_if_fail (index < self->items[split]->len, NULL);
  return g_strdup (strata_source_get_item (self->source,
                                           g_array_index (self->items[split], guint,
                                                          index))->name);
}

/**
 * strata_dataset_get_settings:
 *
 * Returns: (transfer none): the settings the dataset was opened with (its own copy: do not
 *   change it)
 */
StrataDatasetSettings *
strata_dataset_get_settings (StrataDataset *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), NULL);
  return self->settings;
}

void
strata_dataset_get_image_size (StrataDataset *self,
                               guint         *width,
                               guint         *height,
                               guint         *channels)
{
  g_return_if_fail (STRATA_IS_DATASET (self));
  if (width)
    *width = self->resize.width;
  if (height)
    *height = self->resize.height;
  if (channels)
    *channels = self->resize.channels;
}

/**
 * strata_dataset_get_image_n_floats:
 *
 * Returns: height × width × channels: the floats of one image in a batch
 */
gsize
strata_dataset_get_image_n_floats (StrataDataset *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), 0);
  return (gsize) self->resize.width * self->resize.height * self->resize.channels;
}

/**
 * strata_dataset_count_classes:
 * @counts: (out caller-allocates): one count per class
 */
void
strata_dataset_count_classes (StrataDataset *self,
                              StrataSplit    split,
                              guint         *counts)
{
  g_return_if_fail (STRATA_IS_DATASET (self));
  g_return_if_fail (split < STRATA_N_SPLITS);

  memset (counts, 0, sizeof (guint) * self->n_classes);
  for (guint i = 0; i < self->labels[split]->len; i++)
    counts[g_array_index (self->labels[split], gint32, i)]++;
}

/**
 * strata_dataset_has_augmentation:
 * @epoch: the epoch index, 0 for the first
 *
 * Returns: whether augmenting loaders change the images of @epoch
 */
gboolean
strata_dataset_has_augmentation (StrataDataset *self,
                                 int            epoch)
{
  g_return_val_if_fail (STRATA_IS_DATASET (self), FALSE);
  return _strata_dataset_get_stage (self, epoch) != NULL;
}

guint
strata_dataset_get_n_problems (StrataDataset *self)
{
  guint n;

  g_return_val_if_fail (STRATA_IS_DATASET (self), 0);
  g_mutex_lock (&self->problem_lock);
  n = self->problems->len;
  g_mutex_unlock (&self->problem_lock);
  return n;
}

/**
 * strata_dataset_dup_problems:
 *
 * Images that were skipped, each once with its path and the reason: those the source
 * could not list and those that failed to decode so far.
 *
 * Returns: (transfer full): the messages
 */
char **
strata_dataset_dup_problems (StrataDataset *self)
{
  GStrvBuilder *builder;
  char **result;

  g_return_val_if_fail (STRATA_IS_DATASET (self), NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->problem_lock);
  for (guint i = 0; i < self->problems->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->problems, i));
  g_mutex_unlock (&self->problem_lock);
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

/* Private: the loader's side ------------------------------------------------------------- */

StrataSource *
_strata_dataset_get_source (StrataDataset *self)
{
  return self->source;
}

guint
_strata_dataset_get_source_index (StrataDataset *self,
                                  StrataSplit    split,
                                  guint          index)
{
  return g_array_index (self->items[split], guint, index);
}

/* The stage for epoch index @epoch (0-based), or NULL when it changes nothing. */
const StrataAugmentParams *
_strata_dataset_get_stage (StrataDataset *self,
                           int            epoch)
{
  const StrataAugmentParams *best = NULL;

  for (guint i = 0; i < self->stages->len; i++)
    {
      const StrataAugmentParams *p = &g_array_index (self->stages, StrataAugmentParams, i);

      if ((gint64) p->first_epoch <= (gint64) epoch + 1 &&
          (best == NULL || p->first_epoch >= best->first_epoch))
        best = p;
    }
  if (best && strata_augment_params_is_identity (best))
    return NULL;
  return best;
}

void
_strata_fill_scratch_init (StrataFillScratch *scratch,
                           StrataDataset     *dataset)
{
  gsize n = strata_dataset_get_image_n_floats (dataset);

  scratch->pixels = g_malloc (n);
  scratch->work = g_new (float, n);
  scratch->tmp = g_new (float, n);
}

void
_strata_fill_scratch_clear (StrataFillScratch *scratch)
{
  g_clear_pointer (&scratch->pixels, g_free);
  g_clear_pointer (&scratch->work, g_free);
  g_clear_pointer (&scratch->tmp, g_free);
}

/* The image at the model's size and channels, 0..255. */
gboolean
_strata_dataset_get_pixels (StrataDataset  *self,
                            guint           source_index,
                            guint8         *dst,
                            GError        **error)
{
  g_auto(StrataImage) image = { 0 };
  StrataResizeSpec spec = self->resize;

  if (self->cache && strata_image_cache_lookup (self->cache, source_index, dst))
    return TRUE;
  if (!strata_source_read_image (self->source, source_index, &image, error))
    return FALSE;
  spec.pad_seed = strata_source_get_item (self->source, source_index)->key;
  strata_image_resize (&image, &spec, dst);
  if (self->cache)
    strata_image_cache_store (self->cache, source_index, dst);
  return TRUE;
}

/* One image as the model sees it: resized, augmented by @stage (if any) with the random
 * numbers of (seed, epoch, image), normalised. */
gboolean
_strata_dataset_fill (StrataDataset             *self,
                      guint                      source_index,
                      const StrataAugmentParams *stage,
                      guint64                    seed,
                      int                        epoch,
                      StrataFillScratch         *scratch,
                      float                     *dst,
                      GError                   **error)
{
  gsize n_pixels = (gsize) self->resize.width * self->resize.height;

  if (!_strata_dataset_get_pixels (self, source_index, scratch->pixels, error))
    return FALSE;
  if (stage == NULL)
    {
      strata_image_normalize_u8 (scratch->pixels, dst, n_pixels, self->resize.channels,
                                 self->scale, self->offset, self->bgr);
      return TRUE;
    }
  strata_augment_image (stage,
                        strata_key3 (seed, (guint64) epoch,
                                     strata_source_get_item (self->source, source_index)->key),
                        scratch->pixels, self->resize.width, self->resize.height,
                        self->resize.channels, scratch->work, scratch->tmp);
  strata_image_normalize_float (scratch->work, dst, n_pixels, self->resize.channels,
                                self->scale, self->offset, self->bgr);
  return TRUE;
}

guint
_strata_dataset_get_n_cached (StrataDataset *self)
{
  return self->cache ? strata_image_cache_get_n_filled (self->cache) : 0;
}

void
_strata_dataset_report_bad (StrataDataset *self,
                            guint          source_index,
                            const GError  *error)
{
  gboolean first;

  g_mutex_lock (&self->problem_lock);
  first = g_hash_table_add (self->bad_items, GUINT_TO_POINTER (source_index));
  if (first)
    g_ptr_array_add (self->problems, g_strdup (error->message));
  g_mutex_unlock (&self->problem_lock);
  if (first)
    g_message (_("Skipping an image: %s"), error->message);
}

/**
 * strata_dataset_load_image:
 * @index: the image's index in @split
 * @epoch: the epoch index (0 for the first), for the augmentation schedule
 * @seed: the run's seed, as the loader's
 * @augment: apply the augmentation stage of @epoch
 * @dst: (out caller-allocates): strata_dataset_get_image_n_floats() floats, HWC
 *
 * One image exactly as a loader with the same seed delivers it in that epoch; for previews
 * of augmentation and for tests.
 */
gboolean
strata_dataset_load_image (StrataDataset  *self,
                           StrataSplit     split,
                           guint           index,
                           int             epoch,
                           guint64         seed,
                           gboolean        augment,
                           float          *dst,
                           GError        **error)
{
  StrataFillScratch scratch;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_DATASET (self), FALSE);
  g_return_val_if_fail (split < STRATA_N_SPLITS, FALSE);
  g_return_val_if_fail (index < self->items[split]->len, FALSE);

  _strata_fill_scratch_init (&scratch, self);
  ok = _strata_dataset_fill (self, _strata_dataset_get_source_index (self, split, index),
                             augment ? _strata_dataset_get_stage (self, epoch) : NULL,
                             seed, epoch, &scratch, dst, error);
  _strata_fill_scratch_clear (&scratch);
  return ok;
}

/**
 * strata_dataset_load_preview:
 * @dst: (out caller-allocates): height × width × channels bytes
 *
 * The image as strata_dataset_load_image() prepares it but before normalisation, as 8-bit
 * pixels: for the Data page's preview of resizing and augmentation.
 */
gboolean
strata_dataset_load_preview (StrataDataset  *self,
                             StrataSplit     split,
                             guint           index,
                             int             epoch,
                             guint64         seed,
                             gboolean        augment,
                             guint8         *dst,
                             GError        **error)
{
  StrataFillScratch scratch;
  const StrataAugmentParams *stage;
  gsize n = strata_dataset_get_image_n_floats (self);
  guint source_index;
  gboolean ok;

  g_return_val_if_fail (STRATA_IS_DATASET (self), FALSE);
  g_return_val_if_fail (split < STRATA_N_SPLITS, FALSE);
  g_return_val_if_fail (index < self->items[split]->len, FALSE);

  source_index = _strata_dataset_get_source_index (self, split, index);
  stage = augment ? _strata_dataset_get_stage (self, epoch) : NULL;
  _strata_fill_scratch_init (&scratch, self);
  ok = _strata_dataset_get_pixels (self, source_index, scratch.pixels, error);
  if (ok && stage)
    {
      strata_augment_image (stage,
                            strata_key3 (seed, (guint64) epoch,
                                         strata_source_get_item (self->source, source_index)->key),
                            scratch.pixels, self->resize.width, self->resize.height,
                            self->resize.channels, scratch.work, scratch.tmp);
      for (gsize i = 0; i < n; i++)
        dst[i] = (guint8) CLAMP (scratch.work[i] + 0.5f, 0.0f, 255.0f);
    }
  else if (ok)
    memcpy (dst, scratch.pixels, n);
  _strata_fill_scratch_clear (&scratch);
  return ok;
}
