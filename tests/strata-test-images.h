/* strata-test-images.h: image, zip and IDX fixtures the dataset tests write themselves
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>

G_BEGIN_DECLS

GdkPixbuf *test_pixbuf_pattern  (int          width,
                                 int          height,
                                 guint32      seed);
void       test_save_pixbuf     (GdkPixbuf   *pixbuf,
                                 const char  *path,
                                 const char  *type);
GBytes    *test_png_bytes       (int          width,
                                 int          height,
                                 int          color_type,
                                 int          bit_depth,
                                 const guint8 *pixels,
                                 gsize        pixels_size);
GBytes    *test_jpeg_with_orientation (GdkPixbuf *pixbuf,
                                       int        orientation);
void       test_write_bytes     (const char  *path,
                                 GBytes      *bytes);

typedef struct
{
  const char *name;
  GBytes *data;
  gboolean deflate;
} TestZipEntry;

void       test_write_zip       (const char         *path,
                                 const TestZipEntry *entries,
                                 guint               n_entries);
void       test_rm_rf           (const char  *path);
char      *test_make_tmp_dir    (void);

G_END_DECLS
