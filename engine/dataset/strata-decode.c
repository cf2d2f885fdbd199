/* strata-decode.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "strata-dataset.h"
#include "strata-decode.h"

typedef struct
{
  guint64 max_pixels;
  const StrataResizeSpec *spec;
  int width;
  int height;
  gboolean too_big;
  GArray *rows;          /* gboolean per row of the loader's picture: delivered */
} Probe;

/* The largest factor by which the resize will shrink the image, whichever way EXIF turns
 * it. */
static double
shrink_factor (int                     width,
               int                     height,
               const StrataResizeSpec *spec)
{
  double best = G_MAXDOUBLE;

  for (int turn = 0; turn < 2; turn++)
    {
      double w = turn ? height : width, h = turn ? width : height;
      double rx = w / spec->width, ry = h / spec->height, r;

      switch (spec->mode)
        {
        case STRATA_RESIZE_CENTER_CROP:
          r = MIN (rx, ry);
          break;
        case STRATA_RESIZE_FILL:
          r = MAX (rx, ry);
          break;
        case STRATA_RESIZE_HALF_CROP:
          r = (rx + ry) / 2;
          break;
        case STRATA_RESIZE_SQUASH:
        default:
          r = MIN (rx, ry);
          break;
        }
      best = MIN (best, r);
    }
  return best;
}

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  Probe           *probe)
{
  GdkPixbufFormat *format;
  g_autofree char *format_name = NULL;

  probe->width = width;
  probe->height = height;
  if (width <= 0 || height <= 0 || (guint64) width * (guint64) height > probe->max_pixels)
    {
      /* 0 × 0 makes the loader stop before it allocates the pixels */
      probe->too_big = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }

  /* libjpeg decodes at 1/2, 1/4 or 1/8 size for little more than the cost of the smaller
   * image; ask for exactly such a size, so that gdk-pixbuf needs no scaling of its own, and
   * only as small as still leaves the resize shrinking. */
  format = gdk_pixbuf_loader_get_format (loader);
  format_name = format ? gdk_pixbuf_format_get_name (format) : NULL;
  if (probe->spec && g_strcmp0 (format_name, "jpeg") == 0)
    {
      double shrink = shrink_factor (width, height, probe->spec);
      int denom = 1;

      while (denom < 8 && shrink >= denom * 2)
        denom *= 2;
      if (denom > 1)
        gdk_pixbuf_loader_set_size (loader, (width + denom - 1) / denom,
                                    (height + denom - 1) / denom);
    }
}

static void
area_updated_cb (GdkPixbufLoader *loader,
                 int              x,
                 int              y,
                 int              width,
                 int              height,
                 Probe           *probe)
{
  for (int r = MAX (y, 0); r < y + height; r++)
    {
      if ((guint) r >= probe->rows->len)
        g_array_set_size (probe->rows, r + 1);
      g_array_index (probe->rows, gboolean, r) = TRUE;
    }
}

/* Loaders hand out what they have of a truncated file without complaint; the rows they
 * reported tell. Every loader gdk-pixbuf ships reports rows (those that can't load in steps
 * report the whole picture at the end); of others, one that reports nothing is trusted. */
static gboolean
all_rows_delivered (Probe      *probe,
                    GdkPixbuf  *pixbuf,
                    const char *format)
{
  static const char * const reporting[] = {
    "png", "jpeg", "bmp", "gif", "tiff", "ico", "pnm", "tga", "xpm", "xbm", "ani", "icns",
    "qtif", NULL
  };
  int height = gdk_pixbuf_get_height (pixbuf);

  if (probe->rows->len == 0)
    return format == NULL || !g_strv_contains (reporting, format);
  for (int r = 0; r < height; r++)
    if ((guint) r >= probe->rows->len || !g_array_index (probe->rows, gboolean, r))
      return FALSE;
  return TRUE;
}

/* JPEG ------------------------------------------------------------------------------------ *
 *
 * gdk-pixbuf finishes a JPEG cut short by feeding libjpeg a made-up end marker when the
 * loader is closed, so the missing rows come out grey and every row is reported. Whether
 * the file was whole takes libjpeg's own word: decoding it again (at 1/8 size, the entropy
 * decoding without the costly transform), a file whose data ends early draws a warning;
 * a missing end marker alone (JWRN_JPEG_EOF) does not count, the picture is all there. */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  gboolean damaged;
} JpegCheck;

static void
jpeg_check_error_exit (j_common_ptr cinfo)
{
  JpegCheck *check = (JpegCheck *) cinfo->err;

  check->damaged = TRUE;
  longjmp (check->jump, 1);
}

static void
jpeg_check_emit_message (j_common_ptr cinfo,
                         int          level)
{
  JpegCheck *check = (JpegCheck *) cinfo->err;

  /* level -1 is a warning, the others traces */
  if (level < 0 && cinfo->err->msg_code != JWRN_JPEG_EOF)
    check->damaged = TRUE;
}

static gboolean
jpeg_is_whole (const guint8 *data,
               gsize         size)
{
  struct jpeg_decompress_struct cinfo;
  JpegCheck check;

  memset (&check, 0, sizeof check);
  cinfo.err = jpeg_std_error (&check.pub);
  check.pub.error_exit = jpeg_check_error_exit;
  check.pub.emit_message = jpeg_check_emit_message;
  jpeg_create_decompress (&cinfo);
  if (setjmp (check.jump) == 0)
    {
      jpeg_mem_src (&cinfo, data, size);
      jpeg_read_header (&cinfo, TRUE);
      cinfo.scale_num = 1;
      cinfo.scale_denom = 8;
      cinfo.dct_method = JDCT_IFAST;
      cinfo.do_fancy_upsampling = FALSE;
      cinfo.do_block_smoothing = FALSE;
      jpeg_start_decompress (&cinfo);
      {
        JSAMPARRAY row = (*cinfo.mem->alloc_sarray) ((j_common_ptr) &cinfo, JPOOL_IMAGE,
                                                     cinfo.output_width *
                                                     cinfo.output_components, 1);

        while (cinfo.output_scanline < cinfo.output_height && !check.damaged)
          if (jpeg_read_scanlines (&cinfo, row, 1) != 1)
            check.damaged = TRUE;
      }
      if (!check.damaged)
        jpeg_finish_decompress (&cinfo);
    }
  jpeg_destroy_decompress (&cinfo);
  return !check.damaged;
}

/* gdk-pixbuf's BMP loader grows its buffer to the size the info header gives before it reads
 * anything else: sixty bytes that claim a 3 GB header allocate 3 GB (a fuzz-decode finding).
 * The headers BMP has are 12 to 124 bytes. */
static gboolean
bmp_header_is_sane (const guint8 *data,
                    gsize         size)
{
  guint32 header_size;

  if (size < 18 || data[0] != 'B' || data[1] != 'M')
    return TRUE;
  header_size = (guint32) data[14] | (guint32) data[15] << 8 | (guint32) data[16] << 16 |
                (guint32) data[17] << 24;
  return header_size >= 12 && header_size <= 124;
}

/**
 * strata_decode_image:
 * @bytes: the file's contents
 * @name: the file's name for messages
 * @max_pixels: refuse images with more pixels, before decoding them
 * @spec: (nullable): the resize that will follow, so that JPEGs can be decoded smaller
 * @image: (out caller-allocates): the pixels, 3 or 4 channels; clear with strata_image_clear()
 *
 * Decodes any format gdk-pixbuf reads (JPEG, PNG, BMP, GIF's first frame, TIFF, WebP where a
 * loader is installed) and applies the EXIF orientation. 16-bit and grayscale files come out
 * as 8-bit RGB(A).
 */
gboolean
strata_decode_image (GBytes                 *bytes,
                     const char             *name,
                     guint64                 max_pixels,
                     const StrataResizeSpec *spec,
                     StrataImage            *image,
                     GError                **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (gboolean));
  Probe probe = { max_pixels, spec, 0, 0, FALSE, rows };
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GdkPixbuf *pixbuf;
  GdkPixbufFormat *format;
  g_autofree char *format_name = NULL;
  gboolean ok, whole_before_close;

  memset (image, 0, sizeof *image);
  if (size == 0)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is empty"), name);
      return FALSE;
    }

  if (!bmp_header_is_sane (data, size))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is not a readable image: its BMP header is damaged"), name);
      return FALSE;
    }

  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &probe);
  g_signal_connect (loader, "area-updated", G_CALLBACK (area_updated_cb), &probe);
  ok = gdk_pixbuf_loader_write (loader, data, size, &local_error);
  /* what closing adds to the rows is made up (see jpeg_is_whole()) */
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  whole_before_close = pixbuf && probe.rows->len > 0 && all_rows_delivered (&probe, pixbuf,
                                                                            NULL);
  /* close even after a failed write, or the loader complains when finalised */
  if (!gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL))
    ok = FALSE;
  /* known only now for a file shorter than the loader's sniffing buffer */
  format = gdk_pixbuf_loader_get_format (loader);
  format_name = format ? gdk_pixbuf_format_get_name (format) : NULL;

  if (probe.too_big)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is too large: %d × %d pixels, more than the limit of %llu million"),
                   name, probe.width, probe.height,
                   (unsigned long long) (max_pixels / 1000000));
      return FALSE;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!ok || pixbuf == NULL)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is not a readable image: %s"), name,
                   local_error ? local_error->message : _("the decoder gave no picture"));
      return FALSE;
    }

  if (!all_rows_delivered (&probe, pixbuf, format_name) ||
      (g_strcmp0 (format_name, "jpeg") == 0 && !whole_before_close &&
       !jpeg_is_whole (data, size)))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” is not a readable image: it is truncated or damaged"), name);
      return FALSE;
    }

  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (oriented == NULL)
    oriented = g_object_ref (pixbuf);
  if (gdk_pixbuf_get_colorspace (oriented) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_bits_per_sample (oriented) != 8)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                   _("“%s” decodes to a pixel format Strata can't use"), name);
      return FALSE;
    }

  image->width = gdk_pixbuf_get_width (oriented);
  image->height = gdk_pixbuf_get_height (oriented);
  image->channels = gdk_pixbuf_get_n_channels (oriented);
  image->stride = gdk_pixbuf_get_rowstride (oriented);
  image->data = gdk_pixbuf_get_pixels (oriented);
  image->owner = g_steal_pointer (&oriented);
  image->owner_free = g_object_unref;
  return TRUE;
}
