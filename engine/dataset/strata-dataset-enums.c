/* strata-dataset-enums.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include "strata-dataset-enums.h"

G_DEFINE_ENUM_TYPE (StrataSourceKind, strata_source_kind,
  G_DEFINE_ENUM_VALUE (STRATA_SOURCE_FASHION_MNIST, "fashion-mnist"),
  G_DEFINE_ENUM_VALUE (STRATA_SOURCE_FOLDER, "folder"),
  G_DEFINE_ENUM_VALUE (STRATA_SOURCE_CSV, "csv"),
  G_DEFINE_ENUM_VALUE (STRATA_SOURCE_ZIP, "zip"))

G_DEFINE_ENUM_TYPE (StrataSplitBy, strata_split_by,
  G_DEFINE_ENUM_VALUE (STRATA_SPLIT_BY_RATIO, "ratio"),
  G_DEFINE_ENUM_VALUE (STRATA_SPLIT_BY_COUNT, "count"))

G_DEFINE_ENUM_TYPE (StrataResizeMode, strata_resize_mode,
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_SQUASH, "squash"),
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_CENTER_CROP, "center-crop"),
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_FILL, "fill"),
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_HALF_CROP, "half-crop-half-fill"))

G_DEFINE_ENUM_TYPE (StrataResizeFilter, strata_resize_filter,
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_FILTER_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_FILTER_BILINEAR, "bilinear"),
  G_DEFINE_ENUM_VALUE (STRATA_RESIZE_FILTER_AREA, "area"))

G_DEFINE_ENUM_TYPE (StrataNormalization, strata_normalization,
  G_DEFINE_ENUM_VALUE (STRATA_NORMALIZE_UNIT, "0..1"),
  G_DEFINE_ENUM_VALUE (STRATA_NORMALIZE_MEAN_STD, "mean-std"),
  G_DEFINE_ENUM_VALUE (STRATA_NORMALIZE_CAFFE, "caffe"),
  G_DEFINE_ENUM_VALUE (STRATA_NORMALIZE_TF, "tf"),
  G_DEFINE_ENUM_VALUE (STRATA_NORMALIZE_TORCH, "torch"))

G_DEFINE_ENUM_TYPE (StrataFillMode, strata_fill_mode,
  G_DEFINE_ENUM_VALUE (STRATA_FILL_NEAREST, "nearest"),
  G_DEFINE_ENUM_VALUE (STRATA_FILL_CONSTANT, "constant"),
  G_DEFINE_ENUM_VALUE (STRATA_FILL_REFLECT, "reflect"),
  G_DEFINE_ENUM_VALUE (STRATA_FILL_WRAP, "wrap"))

G_DEFINE_ENUM_TYPE (StrataCacheMode, strata_cache_mode,
  G_DEFINE_ENUM_VALUE (STRATA_CACHE_AUTO, "auto"),
  G_DEFINE_ENUM_VALUE (STRATA_CACHE_MEMORY, "memory"),
  G_DEFINE_ENUM_VALUE (STRATA_CACHE_FILE, "file"),
  G_DEFINE_ENUM_VALUE (STRATA_CACHE_NONE, "none"))

/**
 * strata_enum_to_nick:
 *
 * Returns: (transfer none): the nick of @value, the word stored in project files
 */
const char *
strata_enum_to_nick (GType type,
                     int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);

  return v ? v->value_nick : NULL;
}

gboolean
strata_enum_from_nick (GType       type,
                       const char *nick,
                       int        *value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *v = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  if (v == NULL)
    return FALSE;
  *value = v->value;
  return TRUE;
}
