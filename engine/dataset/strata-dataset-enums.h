/* strata-dataset-enums.h: the choices of the dataset settings, as GEnum types
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Each value's GEnum nick is the word the project file stores ("fashion-mnist", "0..1"). */

typedef enum
{
  STRATA_SOURCE_FASHION_MNIST,   /* the IDX files of Debian's dataset-fashion-mnist */
  STRATA_SOURCE_FOLDER,          /* one subfolder per class */
  STRATA_SOURCE_CSV,             /* Filename,Label rows, paths relative to the CSV */
  STRATA_SOURCE_ZIP,             /* a zip holding either of the above */
} StrataSourceKind;

typedef enum
{
  STRATA_SPLIT_BY_RATIO,         /* fractions of each class */
  STRATA_SPLIT_BY_COUNT,         /* image counts, shared out over the classes */
} StrataSplitBy;

typedef enum
{
  STRATA_RESIZE_SQUASH,          /* stretch to W×H */
  STRATA_RESIZE_CENTER_CROP,     /* scale to cover W×H, cut the overhang */
  STRATA_RESIZE_FILL,            /* scale to fit inside W×H, pad the rest */
  STRATA_RESIZE_HALF_CROP,       /* halfway between crop and fill (DIGITS' half_crop) */
} StrataResizeMode;

typedef enum
{
  STRATA_RESIZE_FILTER_AUTO,     /* area when shrinking by more than 2, else bilinear */
  STRATA_RESIZE_FILTER_BILINEAR,
  STRATA_RESIZE_FILTER_AREA,
} StrataResizeFilter;

typedef enum
{
  STRATA_NORMALIZE_UNIT,         /* "0..1": x / 255 */
  STRATA_NORMALIZE_MEAN_STD,     /* (x / 255 - mean) / std, per channel */
  STRATA_NORMALIZE_CAFFE,        /* BGR, x - ImageNet mean (0..255) */
  STRATA_NORMALIZE_TF,           /* x / 127.5 - 1 */
  STRATA_NORMALIZE_TORCH,        /* (x / 255 - ImageNet mean) / ImageNet std */
} StrataNormalization;

typedef enum
{
  STRATA_FILL_NEAREST,
  STRATA_FILL_CONSTANT,
  STRATA_FILL_REFLECT,
  STRATA_FILL_WRAP,
} StrataFillMode;

typedef enum
{
  STRATA_CACHE_AUTO,             /* memory when it fits, else a file beside the project */
  STRATA_CACHE_MEMORY,
  STRATA_CACHE_FILE,
  STRATA_CACHE_NONE,             /* decode every time */
} StrataCacheMode;

#define STRATA_TYPE_SOURCE_KIND (strata_source_kind_get_type ())
#define STRATA_TYPE_SPLIT_BY (strata_split_by_get_type ())
#define STRATA_TYPE_RESIZE_MODE (strata_resize_mode_get_type ())
#define STRATA_TYPE_RESIZE_FILTER (strata_resize_filter_get_type ())
#define STRATA_TYPE_NORMALIZATION (strata_normalization_get_type ())
#define STRATA_TYPE_FILL_MODE (strata_fill_mode_get_type ())
#define STRATA_TYPE_CACHE_MODE (strata_cache_mode_get_type ())

GType strata_source_kind_get_type    (void) G_GNUC_CONST;
GType strata_split_by_get_type       (void) G_GNUC_CONST;
GType strata_resize_mode_get_type    (void) G_GNUC_CONST;
GType strata_resize_filter_get_type  (void) G_GNUC_CONST;
GType strata_normalization_get_type  (void) G_GNUC_CONST;
GType strata_fill_mode_get_type      (void) G_GNUC_CONST;
GType strata_cache_mode_get_type     (void) G_GNUC_CONST;

const char *strata_enum_to_nick   (GType        type,
                                   int          value);
gboolean    strata_enum_from_nick (GType        type,
                                   const char  *nick,
                                   int         *value);

G_END_DECLS
