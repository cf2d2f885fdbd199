/* strata-source.h: where a dataset's images and labels come from
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-dataset-settings.h"
#include "strata-image.h"

G_BEGIN_DECLS

/**
 * StrataSourceItem:
 * @name: how the user knows the image: a path relative to the source ("cats/01.jpg") or,
 *   for IDX files, "train/123"
 * @label: index into the source's class names
 * @fixed_split: the split the source itself assigns (a StrataSplit), or -1 when the dataset
 *   splits it
 * @content_hash: a hash of the file's bytes (or pixels): equal for exact duplicates
 * @key: a hash of @name; keys the image's random augmentation
 */
typedef struct
{
  char *name;
  int label;
  int fixed_split;
  guint64 content_hash;
  guint64 key;
} StrataSourceItem;

#define STRATA_TYPE_SOURCE (strata_source_get_type ())

G_DECLARE_DERIVABLE_TYPE (StrataSource, strata_source, STRATA, SOURCE, GObject)

/**
 * StrataSourceClass:
 * @load: find the items and classes; called once, may block
 * @read_image: decode one item; called from loader threads at once, so it must be
 *   thread-safe; a bad image gives %STRATA_DATASET_ERROR_CORRUPT naming the item
 */
struct _StrataSourceClass
{
  GObjectClass parent_class;

  gboolean (*load)       (StrataSource  *self,
                          GCancellable  *cancellable,
                          GError       **error);
  gboolean (*read_image) (StrataSource  *self,
                          guint          index,
                          StrataImage   *image,
                          GError       **error);

  /*< private >*/
  gpointer padding[8];
};

StrataSource           *strata_source_new_for_settings (StrataDatasetSettings *settings,
                                                        const char            *base_dir,
                                                        GError               **error);
gboolean                strata_source_load             (StrataSource          *self,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
gboolean                strata_source_read_image       (StrataSource          *self,
                                                        guint                  index,
                                                        StrataImage           *image,
                                                        GError               **error);
const char             *strata_source_get_path         (StrataSource          *self);
guint                   strata_source_get_n_items      (StrataSource          *self);
const StrataSourceItem *strata_source_get_item         (StrataSource          *self,
                                                        guint                  index);
guint                   strata_source_get_n_classes    (StrataSource          *self);
const char             *strata_source_get_class_name   (StrataSource          *self,
                                                        guint                  index);
gboolean                strata_source_has_test_split   (StrataSource          *self);
gboolean                strata_source_is_fixed         (StrataSource          *self);
gboolean                strata_source_is_in_memory     (StrataSource          *self);
void                    strata_source_set_decode_options (StrataSource        *self,
                                                          const StrataResizeSpec *spec,
                                                          guint64              max_pixels);
const StrataResizeSpec *strata_source_get_resize_spec  (StrataSource          *self);
guint64                 strata_source_get_max_pixels   (StrataSource          *self);
guint                   strata_source_get_n_problems   (StrataSource          *self);
const char             *strata_source_get_problem      (StrataSource          *self,
                                                        guint                  index);

/* For subclasses, during load */
int                     strata_source_add_class        (StrataSource          *self,
                                                        const char            *name);
int                     strata_source_lookup_class     (StrataSource          *self,
                                                        const char            *name);
void                    strata_source_add_item         (StrataSource          *self,
                                                        const char            *name,
                                                        int                    label,
                                                        int                    fixed_split,
                                                        guint64                content_hash);
void                    strata_source_sort_classes     (StrataSource          *self);
void                    strata_source_add_problem      (StrataSource          *self,
                                                        const char            *message);
void                    strata_source_set_has_test_split (StrataSource        *self,
                                                          gboolean             has_test_split);
void                    strata_source_set_fixed        (StrataSource          *self,
                                                        gboolean               fixed);
void                    strata_source_set_in_memory    (StrataSource          *self,
                                                        gboolean               in_memory);

G_END_DECLS
