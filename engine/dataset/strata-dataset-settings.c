/* strata-dataset-settings.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-dataset.h"
#include "strata-dataset-settings.h"
#include "strata-props-private.h"

struct _StrataDatasetSettings
{
  GObject parent_instance;

  int source_kind;
  char *source_path;
  char *filename_column;
  char *label_column;
  char **class_names;
  int split_by;
  double validation_fraction;
  double test_fraction;
  guint validation_count;
  guint test_count;
  guint64 split_seed;
  guint image_width;
  guint image_height;
  guint image_channels;
  int resize_mode;
  int resize_filter;
  int normalization;
  GVariant *normalization_mean;
  GVariant *normalization_std;
  guint64 max_image_pixels;
  int cache_mode;
  guint cache_memory_limit;
  char **select_classes;
  guint max_train_per_class;
  char **exclude;

  GListStore *stages;        /* StrataAugmentation */
};

G_DEFINE_FINAL_TYPE (StrataDatasetSettings, strata_dataset_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE_KIND,
  PROP_SOURCE_PATH,
  PROP_FILENAME_COLUMN,
  PROP_LABEL_COLUMN,
  PROP_CLASS_NAMES,
  PROP_SPLIT_BY,
  PROP_VALIDATION_FRACTION,
  PROP_TEST_FRACTION,
  PROP_VALIDATION_COUNT,
  PROP_TEST_COUNT,
  PROP_SPLIT_SEED,
  PROP_IMAGE_WIDTH,
  PROP_IMAGE_HEIGHT,
  PROP_IMAGE_CHANNELS,
  PROP_RESIZE_MODE,
  PROP_RESIZE_FILTER,
  PROP_NORMALIZATION,
  PROP_NORMALIZATION_MEAN,
  PROP_NORMALIZATION_STD,
  PROP_MAX_IMAGE_PIXELS,
  PROP_CACHE_MODE,
  PROP_CACHE_MEMORY_LIMIT,
  PROP_SELECT_CLASSES,
  PROP_MAX_TRAIN_PER_CLASS,
  PROP_EXCLUDE,
  N_STORED_PROPS,
  PROP_AUGMENTATION = N_STORED_PROPS,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static gsize offsets[N_STORED_PROPS];
static guint signals[N_SIGNALS];

#define CONTEXT _("dataset settings")

/* ImageNet statistics as Keras' and torchvision's preprocess_input use them */
static const double imagenet_mean[3] = { 0.485, 0.456, 0.406 };
static const double imagenet_std[3] = { 0.229, 0.224, 0.225 };
static const double caffe_mean_bgr[3] = { 103.939, 116.779, 123.68 };

static void
emit_changed (StrataDatasetSettings *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
stage_notify_cb (StrataDatasetSettings *self)
{
  emit_changed (self);
}

static void
strata_dataset_settings_dispose (GObject *object)
{
  StrataDatasetSettings *self = (StrataDatasetSettings *) object;

  if (self->stages)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->stages)); i++)
        {
          g_autoptr(StrataAugmentation) stage =
            g_list_model_get_item (G_LIST_MODEL (self->stages), i);

          g_signal_handlers_disconnect_by_data (stage, self);
        }
      g_clear_object (&self->stages);
    }
  G_OBJECT_CLASS (strata_dataset_settings_parent_class)->dispose (object);
}

static void
strata_dataset_settings_finalize (GObject *object)
{
  StrataDatasetSettings *self = (StrataDatasetSettings *) object;

  for (guint i = 1; i < N_STORED_PROPS; i++)
    _strata_props_free (self, offsets[i], properties[i]);
  G_OBJECT_CLASS (strata_dataset_settings_parent_class)->finalize (object);
}

static void
strata_dataset_settings_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  StrataDatasetSettings *self = STRATA_DATASET_SETTINGS (object);

  if (prop_id == PROP_AUGMENTATION)
    g_value_set_object (value, self->stages);
  else if (prop_id > 0 && prop_id < N_STORED_PROPS)
    _strata_props_get (self, offsets[prop_id], pspec, value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
strata_dataset_settings_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  StrataDatasetSettings *self = STRATA_DATASET_SETTINGS (object);

  if (prop_id > 0 && prop_id < N_STORED_PROPS)
    {
      if (_strata_props_set (self, offsets[prop_id], pspec, value))
        {
          g_object_notify_by_pspec (object, pspec);
          emit_changed (self);
        }
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

#define FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)
#define OFFSET(field) G_STRUCT_OFFSET (StrataDatasetSettings, field)

static void
install (guint       id,
         GParamSpec *pspec,
         gsize       offset)
{
  properties[id] = pspec;
  offsets[id] = offset;
}

static void
strata_dataset_settings_class_init (StrataDatasetSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  double zero = 0.0, one = 1.0;

  object_class->dispose = strata_dataset_settings_dispose;
  object_class->finalize = strata_dataset_settings_finalize;
  object_class->get_property = strata_dataset_settings_get_property;
  object_class->set_property = strata_dataset_settings_set_property;

  /**
   * StrataDatasetSettings:source-kind:
   *
   * Where the images come from: "fashion-mnist", "folder", "csv" or "zip".
   */
  install (PROP_SOURCE_KIND,
           g_param_spec_enum ("source-kind", NULL, NULL, STRATA_TYPE_SOURCE_KIND,
                              STRATA_SOURCE_FOLDER, FLAGS),
           OFFSET (source_kind));
  /**
   * StrataDatasetSettings:source-path:
   *
   * The folder, CSV file or zip, absolute or relative to the project's folder. For
   * "fashion-mnist" the folder with the four IDX files; empty means the system's copy.
   */
  install (PROP_SOURCE_PATH, g_param_spec_string ("source-path", NULL, NULL, "", FLAGS),
           OFFSET (source_path));
  /**
   * StrataDatasetSettings:filename-column:
   *
   * CSV: the header of the column holding file names; empty means the first column.
   */
  install (PROP_FILENAME_COLUMN, g_param_spec_string ("filename-column", NULL, NULL, "", FLAGS),
           OFFSET (filename_column));
  /**
   * StrataDatasetSettings:label-column:
   *
   * CSV: the header of the column holding labels; empty means the second column.
   */
  install (PROP_LABEL_COLUMN, g_param_spec_string ("label-column", NULL, NULL, "", FLAGS),
           OFFSET (label_column));
  /**
   * StrataDatasetSettings:class-names:
   *
   * The classes in model output order. Empty: the classes found in the source, sorted.
   * When set, an image whose label is not in the list is an error.
   */
  install (PROP_CLASS_NAMES,
           g_param_spec_boxed ("class-names", NULL, NULL, G_TYPE_STRV, FLAGS),
           OFFSET (class_names));
  /**
   * StrataDatasetSettings:split-by:
   *
   * "ratio": #StrataDatasetSettings:validation-fraction and
   * #StrataDatasetSettings:test-fraction of every class; "count": that many images in all,
   * shared out over the classes by their sizes.
   */
  install (PROP_SPLIT_BY,
           g_param_spec_enum ("split-by", NULL, NULL, STRATA_TYPE_SPLIT_BY,
                              STRATA_SPLIT_BY_RATIO, FLAGS),
           OFFSET (split_by));
  install (PROP_VALIDATION_FRACTION,
           g_param_spec_double ("validation-fraction", NULL, NULL, 0.0, 0.9, 0.1, FLAGS),
           OFFSET (validation_fraction));
  /**
   * StrataDatasetSettings:test-fraction:
   *
   * Used only when the source has no test split of its own (Fashion-MNIST has).
   */
  install (PROP_TEST_FRACTION,
           g_param_spec_double ("test-fraction", NULL, NULL, 0.0, 0.9, 0.1, FLAGS),
           OFFSET (test_fraction));
  install (PROP_VALIDATION_COUNT,
           g_param_spec_uint ("validation-count", NULL, NULL, 0, G_MAXINT, 0, FLAGS),
           OFFSET (validation_count));
  install (PROP_TEST_COUNT,
           g_param_spec_uint ("test-count", NULL, NULL, 0, G_MAXINT, 0, FLAGS),
           OFFSET (test_count));
  /* JSON numbers are signed 64-bit, so the seed stays below 2^63. */
  install (PROP_SPLIT_SEED,
           g_param_spec_uint64 ("split-seed", NULL, NULL, 0, G_MAXINT64, 42, FLAGS),
           OFFSET (split_seed));
  install (PROP_IMAGE_WIDTH,
           g_param_spec_uint ("image-width", NULL, NULL, 1, 4096, 224, FLAGS),
           OFFSET (image_width));
  install (PROP_IMAGE_HEIGHT,
           g_param_spec_uint ("image-height", NULL, NULL, 1, 4096, 224, FLAGS),
           OFFSET (image_height));
  /**
   * StrataDatasetSettings:image-channels:
   *
   * 1 (grayscale) or 3 (RGB): images are converted to it.
   */
  install (PROP_IMAGE_CHANNELS,
           g_param_spec_uint ("image-channels", NULL, NULL, 1, 3, 3, FLAGS),
           OFFSET (image_channels));
  install (PROP_RESIZE_MODE,
           g_param_spec_enum ("resize-mode", NULL, NULL, STRATA_TYPE_RESIZE_MODE,
                              STRATA_RESIZE_SQUASH, FLAGS),
           OFFSET (resize_mode));
  install (PROP_RESIZE_FILTER,
           g_param_spec_enum ("resize-filter", NULL, NULL, STRATA_TYPE_RESIZE_FILTER,
                              STRATA_RESIZE_FILTER_AUTO, FLAGS),
           OFFSET (resize_filter));
  install (PROP_NORMALIZATION,
           g_param_spec_enum ("normalization", NULL, NULL, STRATA_TYPE_NORMALIZATION,
                              STRATA_NORMALIZE_UNIT, FLAGS),
           OFFSET (normalization));
  /**
   * StrataDatasetSettings:normalization-mean:
   *
   * "mean-std": the per-channel means, on the 0..1 scale, as a GVariant of type "ad" with one
   * value for every channel (or one for all).
   */
  install (PROP_NORMALIZATION_MEAN,
           g_param_spec_variant ("normalization-mean", NULL, NULL, G_VARIANT_TYPE ("ad"),
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, &zero, 1,
                                                            sizeof (double)),
                                 FLAGS),
           OFFSET (normalization_mean));
  install (PROP_NORMALIZATION_STD,
           g_param_spec_variant ("normalization-std", NULL, NULL, G_VARIANT_TYPE ("ad"),
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, &one, 1,
                                                            sizeof (double)),
                                 FLAGS),
           OFFSET (normalization_std));
  /**
   * StrataDatasetSettings:max-image-pixels:
   *
   * Images with more pixels are refused before they are decoded (decompression bombs).
   */
  install (PROP_MAX_IMAGE_PIXELS,
           g_param_spec_uint64 ("max-image-pixels", NULL, NULL, 1, G_MAXINT64,
                                G_GUINT64_CONSTANT (100000000), FLAGS),
           OFFSET (max_image_pixels));
  install (PROP_CACHE_MODE,
           g_param_spec_enum ("cache-mode", NULL, NULL, STRATA_TYPE_CACHE_MODE,
                              STRATA_CACHE_AUTO, FLAGS),
           OFFSET (cache_mode));
  /**
   * StrataDatasetSettings:cache-memory-limit:
   *
   * MiB of decoded, resized images kept in memory; "auto" uses a cache file beyond it.
   */
  install (PROP_CACHE_MEMORY_LIMIT,
           g_param_spec_uint ("cache-memory-limit", NULL, NULL, 0, G_MAXINT, 2048, FLAGS),
           OFFSET (cache_memory_limit));
  /**
   * StrataDatasetSettings:select-classes:
   *
   * Only the images of these classes, which become the dataset's classes in this order;
   * empty: every class. (Transfer learning: pretrain on some classes, fine-tune on others.)
   */
  install (PROP_SELECT_CLASSES,
           g_param_spec_boxed ("select-classes", NULL, NULL, G_TYPE_STRV, FLAGS),
           OFFSET (select_classes));
  /**
   * StrataDatasetSettings:max-train-per-class:
   *
   * At most this many training images of each class, chosen reproducibly by the split seed;
   * the validation and test splits keep theirs. 0: all.
   */
  install (PROP_MAX_TRAIN_PER_CLASS,
           g_param_spec_uint ("max-train-per-class", NULL, NULL, 0, G_MAXINT, 0, FLAGS),
           OFFSET (max_train_per_class));
  /**
   * StrataDatasetSettings:exclude:
   *
   * Images of the source left out of every split, by their name in the source (as the
   * dataset report names them): unreadable files and duplicates the person chose to drop,
   * without touching the data on disk.
   */
  install (PROP_EXCLUDE,
           g_param_spec_boxed ("exclude", NULL, NULL, G_TYPE_STRV, FLAGS),
           OFFSET (exclude));
  /**
   * StrataDatasetSettings:augmentation:
   *
   * The stages of the augmentation schedule, a #GListModel of #StrataAugmentation.
   */
  properties[PROP_AUGMENTATION] =
    g_param_spec_object ("augmentation", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataDatasetSettings::changed:
   *
   * Emitted after any setting changes, including those of an augmentation stage and the
   * list of stages.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_dataset_settings_init (StrataDatasetSettings *self)
{
  /* Start from each property's default, then keep the fields in step through set. */
  for (guint i = 1; i < N_STORED_PROPS; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (properties[i]));
      g_param_value_set_default (properties[i], &value);
      _strata_props_set (self, offsets[i], properties[i], &value);
    }
  if (self->class_names == NULL)
    self->class_names = g_new0 (char *, 1);
  if (self->select_classes == NULL)
    self->select_classes = g_new0 (char *, 1);
  if (self->exclude == NULL)
    self->exclude = g_new0 (char *, 1);
  self->stages = g_list_store_new (STRATA_TYPE_AUGMENTATION);
}

StrataDatasetSettings *
strata_dataset_settings_new (void)
{
  return g_object_new (STRATA_TYPE_DATASET_SETTINGS, NULL);
}

/**
 * strata_dataset_settings_new_fashion_mnist:
 *
 * The built-in example: the system's Fashion-MNIST, 28×28 grayscale scaled to 0..1, a
 * tenth of the training images for validation, the official test images as the test split,
 * no augmentation.
 *
 * Returns: (transfer full): new settings
 */
StrataDatasetSettings *
strata_dataset_settings_new_fashion_mnist (void)
{
  return g_object_new (STRATA_TYPE_DATASET_SETTINGS,
                       "source-kind", STRATA_SOURCE_FASHION_MNIST,
                       "source-path", "",
                       "image-width", 28,
                       "image-height", 28,
                       "image-channels", 1,
                       "resize-mode", STRATA_RESIZE_SQUASH,
                       "normalization", STRATA_NORMALIZE_UNIT,
                       "validation-fraction", 0.1,
                       "test-fraction", 0.0,
                       "cache-mode", STRATA_CACHE_NONE,
                       NULL);
}

/* Augmentation stages ---------------------------------------------------------------------- */

GListModel *
strata_dataset_settings_get_augmentation (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), NULL);

  return G_LIST_MODEL (self->stages);
}

/**
 * strata_dataset_settings_add_stage:
 * @stage: (transfer none): the stage; the settings keep a reference and follow its changes
 *
 * Adds a stage, keeping the list ordered by first epoch.
 */
void
strata_dataset_settings_add_stage (StrataDatasetSettings *self,
                                   StrataAugmentation    *stage)
{
  guint n, pos;

  g_return_if_fail (STRATA_IS_DATASET_SETTINGS (self));
  g_return_if_fail (STRATA_IS_AUGMENTATION (stage));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->stages));
  for (pos = 0; pos < n; pos++)
    {
      g_autoptr(StrataAugmentation) other = g_list_model_get_item (G_LIST_MODEL (self->stages),
                                                                   pos);

      if (strata_augmentation_get_first_epoch (other) >
          strata_augmentation_get_first_epoch (stage))
        break;
    }
  g_signal_connect_swapped (stage, "notify", G_CALLBACK (stage_notify_cb), self);
  g_list_store_insert (self->stages, pos, stage);
  emit_changed (self);
}

void
strata_dataset_settings_remove_stage (StrataDatasetSettings *self,
                                      guint                  position)
{
  g_autoptr(StrataAugmentation) stage = NULL;

  g_return_if_fail (STRATA_IS_DATASET_SETTINGS (self));

  stage = g_list_model_get_item (G_LIST_MODEL (self->stages), position);
  g_return_if_fail (stage != NULL);
  g_signal_handlers_disconnect_by_data (stage, self);
  g_list_store_remove (self->stages, position);
  emit_changed (self);
}

void
strata_dataset_settings_clear_stages (StrataDatasetSettings *self)
{
  g_return_if_fail (STRATA_IS_DATASET_SETTINGS (self));

  while (g_list_model_get_n_items (G_LIST_MODEL (self->stages)) > 0)
    strata_dataset_settings_remove_stage (self, 0);
}

/**
 * strata_dataset_settings_get_stage_for_epoch:
 * @epoch: the epoch index, 0 for the first epoch (the loader's numbering)
 *
 * The stage with the highest first epoch not after @epoch + 1; stages whose first epochs
 * are equal: the last one.
 *
 * Returns: (transfer none) (nullable): the stage, or %NULL when no augmentation applies
 */
StrataAugmentation *
strata_dataset_settings_get_stage_for_epoch (StrataDatasetSettings *self,
                                             int                    epoch)
{
  StrataAugmentation *best = NULL;
  guint best_first = 0;

  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->stages)); i++)
    {
      StrataAugmentation *stage = g_list_model_get_item (G_LIST_MODEL (self->stages), i);
      guint first = strata_augmentation_get_first_epoch (stage);

      g_object_unref (stage);   /* the store keeps it alive */
      if ((gint64) first <= (gint64) epoch + 1 && first >= best_first)
        {
          best = stage;
          best_first = first;
        }
    }
  return best;
}

/* JSON ------------------------------------------------------------------------------------- */

/**
 * strata_dataset_settings_to_json:
 *
 * Every setting as a member named like its property with '_' for '-' ("source_kind",
 * "image_width", …), enums by their nick ("fashion-mnist", "center-crop", "0..1"), and
 * "augmentation": an array of stages, each an object of the stage's properties.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
strata_dataset_settings_to_json (StrataDatasetSettings *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), NULL);

  json_builder_begin_object (builder);
  _strata_props_to_json (G_OBJECT (self), builder);
  json_builder_set_member_name (builder, "augmentation");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->stages)); i++)
    {
      g_autoptr(StrataAugmentation) stage = g_list_model_get_item (G_LIST_MODEL (self->stages),
                                                                   i);

      json_builder_begin_object (builder);
      _strata_props_to_json (G_OBJECT (stage), builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * strata_dataset_settings_new_from_json:
 * @node: what strata_dataset_settings_to_json() wrote
 *
 * Members left out keep their defaults; a member this version does not know, a value of the
 * wrong type or out of range is an error that names it.
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL with @error set
 */
StrataDatasetSettings *
strata_dataset_settings_new_from_json (JsonNode  *node,
                                       GError   **error)
{
  g_autoptr(StrataDatasetSettings) self = NULL;
  static const char * const handled[] = { "augmentation", NULL };
  JsonObject *object;
  JsonNode *stages;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                   _("The dataset settings are not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);
  self = strata_dataset_settings_new ();
  if (!_strata_props_from_json (G_OBJECT (self), object, handled, CONTEXT, error))
    return NULL;

  stages = json_object_get_member (object, "augmentation");
  if (stages != NULL && !JSON_NODE_HOLDS_NULL (stages))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (stages))
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                       _("In the dataset settings, “augmentation” must be a list of stages"));
          return NULL;
        }
      array = json_node_get_array (stages);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          g_autoptr(StrataAugmentation) stage = strata_augmentation_new ();
          /* Translators: %u counts augmentation stages from 1 */
          g_autofree char *context = g_strdup_printf (_("augmentation stage %u"), i + 1);

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_PARSE,
                           _("The %s is not a JSON object"), context);
              return NULL;
            }
          if (!_strata_props_from_json (G_OBJECT (stage), json_node_get_object (element), NULL,
                                        context, error))
            return NULL;
          strata_dataset_settings_add_stage (self, stage);
        }
    }

  if (!strata_dataset_settings_validate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * strata_dataset_settings_copy:
 *
 * Returns: (transfer full): independent settings equal to @self (the frozen copy a run keeps)
 */
StrataDatasetSettings *
strata_dataset_settings_copy (StrataDatasetSettings *self)
{
  StrataDatasetSettings *copy;

  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), NULL);

  copy = strata_dataset_settings_new ();
  _strata_props_copy (G_OBJECT (copy), G_OBJECT (self));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->stages)); i++)
    {
      g_autoptr(StrataAugmentation) stage = g_list_model_get_item (G_LIST_MODEL (self->stages),
                                                                   i);
      g_autoptr(StrataAugmentation) stage_copy = strata_augmentation_copy (stage);

      strata_dataset_settings_add_stage (copy, stage_copy);
    }
  return copy;
}

static gboolean
check_per_channel (StrataDatasetSettings *self,
                   GVariant              *values,
                   const char            *name,
                   gboolean               positive,
                   GError               **error)
{
  gsize n = 0;
  const double *v = g_variant_get_fixed_array (values, &n, sizeof (double));

  if (n != 1 && n != self->image_channels)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("In the dataset settings, “%s” needs one value or one per channel (%u)"),
                   name, self->image_channels);
      return FALSE;
    }
  for (gsize i = 0; positive && i < n; i++)
    if (!(v[i] > 0))
      {
        g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                     _("In the dataset settings, every value of “%s” must be above 0"), name);
        return FALSE;
      }
  return TRUE;
}

/* A list of class names has no empty name, no name twice and a sane length. The lists come
 * from project files anyone may write, so the check is one pass through a hash set: comparing
 * every pair takes hours for a million names. */
static gboolean
check_class_list (char       **names,
                  const char  *member,
                  GError     **error)
{
  g_autoptr(GHashTable) seen = NULL;
  guint n = names ? g_strv_length (names) : 0;

  if (n > STRATA_DATASET_MAX_CLASSES)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("In the dataset settings, “%s” lists %u classes; at most %u are "
                     "supported"), member, n, (guint) STRATA_DATASET_MAX_CLASSES);
      return FALSE;
    }
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      if (names[i][0] == '\0')
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("In the dataset settings, “%s” holds an empty name"), member);
          return FALSE;
        }
      if (!g_hash_table_add (seen, names[i]))
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("In the dataset settings, “%s” lists the class “%s” twice"),
                       member, names[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * strata_dataset_settings_validate:
 *
 * Checks what single properties can't: that the settings make sense together.
 */
gboolean
strata_dataset_settings_validate (StrataDatasetSettings *self,
                                  GError               **error)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), FALSE);

  if (self->image_channels != 1 && self->image_channels != 3)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("In the dataset settings, “image_channels” must be 1 (grayscale) or 3 "
                     "(color), not %u"), self->image_channels);
      return FALSE;
    }
  if (self->split_by == STRATA_SPLIT_BY_RATIO &&
      self->validation_fraction + self->test_fraction > 0.95)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("In the dataset settings, validation and test fractions together leave "
                     "almost nothing to train on (%g + %g)"),
                   self->validation_fraction, self->test_fraction);
      return FALSE;
    }
  if (self->source_kind != STRATA_SOURCE_FASHION_MNIST && self->source_path[0] == '\0')
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("In the dataset settings, “source_path” is empty: choose the images"));
      return FALSE;
    }
  if (!check_per_channel (self, self->normalization_mean, "normalization_mean", FALSE, error) ||
      !check_per_channel (self, self->normalization_std, "normalization_std", TRUE, error))
    return FALSE;
  if (!check_class_list (self->class_names, "class_names", error) ||
      !check_class_list (self->select_classes, "select_classes", error))
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->stages)); i++)
    {
      g_autoptr(StrataAugmentation) stage = g_list_model_get_item (G_LIST_MODEL (self->stages),
                                                                   i);
      StrataAugmentParams p;

      strata_augmentation_get_params (stage, &p);
      if (p.brightness_min > p.brightness_max || p.crop_scale_min > p.crop_scale_max ||
          p.crop_ratio_min > p.crop_ratio_max || p.erasing_area_min > p.erasing_area_max ||
          p.erasing_ratio_min > p.erasing_ratio_max)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("In augmentation stage %u, a range has its minimum above its maximum"),
                       i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* Accessors -------------------------------------------------------------------------------- */

StrataSourceKind
strata_dataset_settings_get_source_kind (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), 0);
  return self->source_kind;
}

const char *
strata_dataset_settings_get_source_path (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), NULL);
  return self->source_path;
}

/**
 * strata_dataset_settings_dup_source_path:
 * @base_dir: (nullable): the project's folder, for relative paths
 *
 * Returns: (transfer full): the source's absolute path; for Fashion-MNIST with an empty path
 *   the system's copy (or `$STRATA_FASHION_MNIST_DIR` when set)
 */
char *
strata_dataset_settings_dup_source_path (StrataDatasetSettings *self,
                                         const char            *base_dir)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), NULL);

  if (self->source_path[0] == '\0' && self->source_kind == STRATA_SOURCE_FASHION_MNIST)
    {
      const char *env = g_getenv ("STRATA_FASHION_MNIST_DIR");

      return g_strdup (env && env[0] ? env : FASHION_MNIST_DIR);
    }
  if (g_path_is_absolute (self->source_path) || base_dir == NULL)
    return g_canonicalize_filename (self->source_path, NULL);
  return g_canonicalize_filename (self->source_path, base_dir);
}

guint
strata_dataset_settings_get_image_width (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), 0);
  return self->image_width;
}

guint
strata_dataset_settings_get_image_height (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), 0);
  return self->image_height;
}

guint
strata_dataset_settings_get_image_channels (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), 0);
  return self->image_channels;
}

StrataNormalization
strata_dataset_settings_get_normalization (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), 0);
  return self->normalization;
}

guint64
strata_dataset_settings_get_split_seed (StrataDatasetSettings *self)
{
  g_return_val_if_fail (STRATA_IS_DATASET_SETTINGS (self), 0);
  return self->split_seed;
}

/**
 * strata_dataset_settings_get_normalization_constants:
 * @scale: (out): per model channel, the factor for a 0..255 pixel value
 * @offset: (out): per model channel, added after scaling
 * @bgr: (out): whether the model's channels are blue, green, red (caffe)
 *
 * The normalisation as model value = pixel × @scale + @offset. Grayscale models use the
 * mean of the three channels' constants for the ImageNet profiles.
 */
void
strata_dataset_settings_get_normalization_constants (StrataDatasetSettings *self,
                                                     float                  scale[3],
                                                     float                  offset[3],
                                                     gboolean              *bgr)
{
  guint channels = self->image_channels;
  double mean[3], std[3];
  gsize n_mean = 0, n_std = 0;
  const double *m, *s;

  *bgr = FALSE;
  switch ((StrataNormalization) self->normalization)
    {
    case STRATA_NORMALIZE_UNIT:
      for (guint c = 0; c < 3; c++)
        {
          scale[c] = 1.0f / 255.0f;
          offset[c] = 0.0f;
        }
      return;

    case STRATA_NORMALIZE_TF:
      for (guint c = 0; c < 3; c++)
        {
          scale[c] = 1.0f / 127.5f;
          offset[c] = -1.0f;
        }
      return;

    case STRATA_NORMALIZE_CAFFE:
      *bgr = channels == 3;
      for (guint c = 0; c < 3; c++)
        {
          scale[c] = 1.0f;
          offset[c] = channels == 3 ? -caffe_mean_bgr[c]
                                    : -(caffe_mean_bgr[0] + caffe_mean_bgr[1] +
                                        caffe_mean_bgr[2]) / 3.0;
        }
      return;

    case STRATA_NORMALIZE_TORCH:
      for (guint c = 0; c < 3; c++)
        {
          mean[c] = channels == 3 ? imagenet_mean[c]
                                  : (imagenet_mean[0] + imagenet_mean[1] + imagenet_mean[2]) / 3;
          std[c] = channels == 3 ? imagenet_std[c]
                                 : (imagenet_std[0] + imagenet_std[1] + imagenet_std[2]) / 3;
        }
      break;

    case STRATA_NORMALIZE_MEAN_STD:
    default:
      m = g_variant_get_fixed_array (self->normalization_mean, &n_mean, sizeof (double));
      s = g_variant_get_fixed_array (self->normalization_std, &n_std, sizeof (double));
      for (guint c = 0; c < 3; c++)
        {
          mean[c] = n_mean ? m[MIN (c, n_mean - 1)] : 0.0;
          std[c] = n_std ? s[MIN (c, n_std - 1)] : 1.0;
          if (!(std[c] > 0))
            std[c] = 1.0;
        }
      break;
    }
  for (guint c = 0; c < 3; c++)
    {
      scale[c] = 1.0 / (255.0 * std[c]);
      offset[c] = -mean[c] / std[c];
    }
}
