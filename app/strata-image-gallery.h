/* strata-image-gallery.h: thumbnails of a split's images with captions
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-dataset.h"

G_BEGIN_DECLS

#define STRATA_TYPE_IMAGE_GALLERY (strata_image_gallery_get_type ())

G_DECLARE_FINAL_TYPE (StrataImageGallery, strata_image_gallery, STRATA, IMAGE_GALLERY, GtkWidget)

GtkWidget *strata_image_gallery_new          (void);
void       strata_image_gallery_clear        (StrataImageGallery *self);
void       strata_image_gallery_add          (StrataImageGallery *self,
                                              guint               item,
                                              const char         *caption,
                                              const char         *detail,
                                              const char         *description);
void       strata_image_gallery_load         (StrataImageGallery *self,
                                              StrataDataset      *dataset,
                                              StrataSplit         split);
guint      strata_image_gallery_get_n_images (StrataImageGallery *self);

G_END_DECLS
