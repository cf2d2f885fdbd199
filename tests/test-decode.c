/* test-decode.c: decoding through gdk-pixbuf: formats, EXIF orientation, bit depths,
 * alpha, damaged files and decompression bombs
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "strata-dataset.h"
#include "strata-decode.h"
#include "strata-test-images.h"

#define LIMIT G_GUINT64_CONSTANT (100000000)

static GBytes *
save_to_bytes (GdkPixbuf  *pixbuf,
               const char *type)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize size = 0;

  if (g_str_equal (type, "jpeg"))
    gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, type, &error, "quality", "95", NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, type, &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (data, size);
}

static const guint8 *
pixel (const StrataImage *image,
       int                x,
       int                y)
{
  return image->data + (gsize) y * image->stride + (gsize) x * image->channels;
}

static void
test_formats (void)
{
  static const char * const types[] = { "png", "jpeg", "bmp", "tiff" };
  g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (37, 21, 3);

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(GBytes) bytes = save_to_bytes (pixbuf, types[t]);
      g_autoptr(GError) error = NULL;
      g_auto(StrataImage) image = { 0 };
      int worst = 0;

      g_assert_true (strata_decode_image (bytes, "x", LIMIT, NULL, &image, &error));
      g_assert_no_error (error);
      g_assert_cmpint (image.width, ==, 37);
      g_assert_cmpint (image.height, ==, 21);
      for (int y = 0; y < 21; y++)
        for (int x = 0; x < 37; x++)
          for (int c = 0; c < 3; c++)
            worst = MAX (worst, abs (pixel (&image, x, y)[c] -
                                     gdk_pixbuf_get_pixels (pixbuf)[y * gdk_pixbuf_get_rowstride (pixbuf) + 3 * x + c]));
      g_test_message ("%s: largest difference %d", types[t], worst);
      g_assert_cmpint (worst, <=, g_str_equal (types[t], "jpeg") ? 48 : 0);
    }
}

/* left half red, right half blue */
static GdkPixbuf *
two_halves (int width,
            int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GdkPixbuf) left = gdk_pixbuf_new_subpixbuf (pixbuf, 0, 0, width / 2, height);

  gdk_pixbuf_fill (pixbuf, 0x0000ffff);
  gdk_pixbuf_fill (left, 0xff0000ff);
  return pixbuf;
}

static gboolean
is_red (const guint8 *p)
{
  return p[0] > 200 && p[2] < 60;
}

static gboolean
is_blue (const guint8 *p)
{
  return p[2] > 200 && p[0] < 60;
}

static void
test_exif_orientation (void)
{
  /* small: decoded at full size; large: decoded at 1/4 by libjpeg for a 28×28 model */
  static const int sizes[][2] = { { 40, 20 }, { 400, 200 } };
  StrataResizeSpec spec = { 28, 28, 3, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      int w = sizes[s][0], h = sizes[s][1];
      g_autoptr(GdkPixbuf) pixbuf = two_halves (w, h);
      g_autoptr(GBytes) rotated = test_jpeg_with_orientation (pixbuf, 6);
      g_autoptr(GBytes) upright = test_jpeg_with_orientation (pixbuf, 1);
      g_autoptr(GError) error = NULL;
      g_auto(StrataImage) a = { 0 };
      g_auto(StrataImage) b = { 0 };

      /* 6: turn 90° clockwise to show, so the left half ends on top */
      g_assert_true (strata_decode_image (rotated, "r.jpg", LIMIT, &spec, &a, &error));
      g_assert_no_error (error);
      g_assert_cmpint (a.width * (s ? 4 : 1), ==, h);
      g_assert_cmpint (a.height * (s ? 4 : 1), ==, w);
      g_assert_true (is_red (pixel (&a, a.width / 2, 2)));
      g_assert_true (is_blue (pixel (&a, a.width / 2, a.height - 3)));

      g_assert_true (strata_decode_image (upright, "u.jpg", LIMIT, &spec, &b, &error));
      g_assert_cmpint (b.width * (s ? 4 : 1), ==, w);
      g_assert_true (is_red (pixel (&b, 2, b.height / 2)));
      g_assert_true (is_blue (pixel (&b, b.width - 3, b.height / 2)));
    }
}

static void
test_reduced_jpeg_matches (void)
{
  /* a 640×480 photo for a 224×224 model: decoding at ½ then resizing comes close to
   * decoding in full then resizing */
  g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (640, 480, 9);
  g_autoptr(GBytes) bytes = save_to_bytes (pixbuf, "jpeg");
  StrataResizeSpec spec = { 224, 224, 3, STRATA_RESIZE_CENTER_CROP, STRATA_RESIZE_FILTER_AUTO };
  g_auto(StrataImage) small = { 0 };
  g_auto(StrataImage) full = { 0 };
  g_autofree guint8 *a = g_malloc (224 * 224 * 3);
  g_autofree guint8 *b = g_malloc (224 * 224 * 3);
  double total = 0;

  g_assert_true (strata_decode_image (bytes, "p.jpg", LIMIT, &spec, &small, NULL));
  g_assert_true (strata_decode_image (bytes, "p.jpg", LIMIT, NULL, &full, NULL));
  g_assert_cmpint (small.width, ==, 320);
  g_assert_cmpint (full.width, ==, 640);
  strata_image_resize (&small, &spec, a);
  strata_image_resize (&full, &spec, b);
  for (int i = 0; i < 224 * 224 * 3; i++)
    total += abs (a[i] - b[i]);
  g_test_message ("mean difference %.2f", total / (224 * 224 * 3));
  g_assert_cmpfloat (total / (224 * 224 * 3), <, 2.0);
}

static void
test_depths_and_alpha (void)
{
  g_autoptr(GError) error = NULL;

  /* 16-bit gray: the high byte survives */
  {
    guint8 raw[4 * 2 * 2];
    g_autoptr(GBytes) png = NULL;
    g_auto(StrataImage) image = { 0 };

    for (int i = 0; i < 8; i++)
      {
        raw[2 * i] = (guint8) (i * 30);
        raw[2 * i + 1] = 0x80;
      }
    png = test_png_bytes (4, 2, 0, 16, raw, sizeof raw);
    g_assert_true (strata_decode_image (png, "g16.png", LIMIT, NULL, &image, &error));
    g_assert_no_error (error);
    g_assert_cmpint (image.channels, >=, 3);
    for (int i = 0; i < 8; i++)
      {
        const guint8 *p = pixel (&image, i % 4, i / 4);

        g_assert_cmpint (abs (p[0] - i * 30), <=, 1);
        g_assert_cmpint (p[0], ==, p[1]);
        g_assert_cmpint (p[1], ==, p[2]);
      }
  }

  /* 16-bit RGBA */
  {
    guint8 raw[2 * 1 * 8] = { 10, 0, 20, 0, 30, 0, 255, 255, 200, 0, 100, 0, 50, 0, 0, 0 };
    g_autoptr(GBytes) png = test_png_bytes (2, 1, 6, 16, raw, sizeof raw);
    g_auto(StrataImage) image = { 0 };

    g_assert_true (strata_decode_image (png, "rgba16.png", LIMIT, NULL, &image, &error));
    g_assert_cmpint (image.channels, ==, 4);
    g_assert_cmpint (pixel (&image, 0, 0)[0], ==, 10);
    g_assert_cmpint (pixel (&image, 1, 0)[0], ==, 200);
    g_assert_cmpint (pixel (&image, 1, 0)[3], ==, 0);
  }

  /* 8-bit gray + alpha, then through the resize to one channel and to three */
  {
    guint8 raw[3 * 1 * 2] = { 100, 255, 150, 128, 200, 0 };
    g_autoptr(GBytes) png = test_png_bytes (3, 1, 4, 8, raw, sizeof raw);
    g_auto(StrataImage) image = { 0 };
    StrataResizeSpec gray = { 3, 1, 1, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
    StrataResizeSpec rgb = { 3, 1, 3, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
    guint8 out1[3], out3[9];

    g_assert_true (strata_decode_image (png, "ga.png", LIMIT, NULL, &image, &error));
    strata_image_resize (&image, &gray, out1);
    strata_image_resize (&image, &rgb, out3);
    /* alpha is dropped, as PIL's convert does */
    g_assert_cmpint (out1[0], ==, 100);
    g_assert_cmpint (out1[1], ==, 150);
    g_assert_cmpint (out1[2], ==, 200);
    g_assert_cmpint (out3[3], ==, 150);
    g_assert_cmpint (out3[5], ==, 150);
  }
}

static void
test_bad_files (void)
{
  g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (64, 48, 1);
  g_autoptr(GBytes) png = save_to_bytes (pixbuf, "png");
  g_autoptr(GBytes) jpeg = save_to_bytes (pixbuf, "jpeg");
  g_autoptr(GBytes) text = g_bytes_new_static ("Filename,Label\n", 15);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) png_cut = g_bytes_new_from_bytes (png, 0, g_bytes_get_size (png) / 2);
  g_autoptr(GBytes) jpeg_cut = g_bytes_new_from_bytes (jpeg, 0, g_bytes_get_size (jpeg) / 3);
  g_autoptr(GBytes) bomb = test_png_bytes (30000, 30000, 2, 8, NULL, 0);
  /* a BMP whose info header claims 2.9 GB: gdk-pixbuf would allocate that much for it */
  static const guint8 bmp_header[] = {
    'B', 'M', 0x4e, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0x00, 0xe3, 0xad,
    0, 0, 0x20, 0x61, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0x18, 0,
  };
  g_autoptr(GBytes) bmp_huge_header = g_bytes_new_static (bmp_header, sizeof bmp_header);
  struct { GBytes *bytes; const char *mention; } cases[] = {
    { text, "not a readable image" },
    { empty, "empty" },
    { png_cut, "not a readable image" },
    { jpeg_cut, "not a readable image" },
    { bomb, "30000 × 30000" },
    { bmp_huge_header, "BMP header" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(StrataImage) image = { 0 };

      g_assert_false (strata_decode_image (cases[i].bytes, "bad.img", LIMIT, NULL, &image,
                                           &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, cases[i].mention));
      g_assert_nonnull (strstr (error->message, "bad.img"));
      g_assert_null (image.data);
    }

  /* the limit is the caller's: a 64×48 image is a bomb under a 3,000 pixel limit */
  {
    g_autoptr(GError) error = NULL;
    g_auto(StrataImage) image = { 0 };

    g_assert_false (strata_decode_image (jpeg, "big.jpg", 3000, NULL, &image, &error));
    g_assert_nonnull (strstr (error->message, "too large"));
  }
}

/* A progressive JPEG (gdk-pixbuf writes baseline only) of @pixbuf, RGB. */
static GBytes *
progressive_jpeg (GdkPixbuf *pixbuf)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *out = NULL;
  unsigned long size = 0;
  GBytes *bytes;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &size);
  cinfo.image_width = gdk_pixbuf_get_width (pixbuf);
  cinfo.image_height = gdk_pixbuf_get_height (pixbuf);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 90, TRUE);
  jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = gdk_pixbuf_get_pixels (pixbuf) +
                     (gsize) cinfo.next_scanline * gdk_pixbuf_get_rowstride (pixbuf);

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (out, size);
  free (out);
  return bytes;
}

/* A file cut short or damaged is refused, whatever its format, size and the decode size:
 * decoders hand out the rows they got with the rest grey and at most a warning. A JPEG
 * whose end marker alone is missing is whole, and fine. */
static void
test_truncated (void)
{
  static const char * const types[] = { "jpeg", "png", "bmp", "tiff" };
  static const int sizes[][2] = { { 64, 48 }, { 400, 300 }, { 1200, 900 } };
  static const double cuts[] = { 0.10, 0.33, 0.66, 0.95 };
  StrataResizeSpec spec = { 32, 32, 3, STRATA_RESIZE_SQUASH, STRATA_RESIZE_FILTER_AUTO };
  guint failures = 0;

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
      {
        g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (sizes[z][0], sizes[z][1], 3);
        g_autoptr(GBytes) whole = save_to_bytes (pixbuf, types[t]);
        gsize size = g_bytes_get_size (whole);

        for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
          for (int reduced = 0; reduced < 2; reduced++)
            {
              g_autoptr(GBytes) cut = g_bytes_new_from_bytes (whole, 0, (gsize) (size * cuts[c]));
              g_autoptr(GError) error = NULL;
              g_auto(StrataImage) image = { 0 };
              gboolean ok = strata_decode_image (cut, "cut.img", LIMIT, reduced ? &spec : NULL,
                                                 &image, &error);

              if (ok)
                {
                  g_test_message ("%s %d×%d cut to %.0f %%%s: passed as readable", types[t],
                                  sizes[z][0], sizes[z][1], cuts[c] * 100,
                                  reduced ? " (reduced)" : "");
                  failures++;
                  continue;
                }
              g_assert_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT);
              g_assert_nonnull (strstr (error->message, "cut.img"));
            }
      }
  g_assert_cmpuint (failures, ==, 0);

  /* a progressive JPEG reports every row with its first scan, whole or not */
  {
    g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (400, 300, 5);
    g_autoptr(GBytes) whole = progressive_jpeg (pixbuf);
    g_auto(StrataImage) image = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_false (gdk_pixbuf_get_has_alpha (pixbuf));
    g_assert_true (strata_decode_image (whole, "p.jpg", LIMIT, NULL, &image, &error));
    g_assert_no_error (error);
    for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
      {
        g_autoptr(GBytes) cut = g_bytes_new_from_bytes (whole, 0,
                                                        (gsize) (g_bytes_get_size (whole) *
                                                                 cuts[c]));
        g_auto(StrataImage) part = { 0 };

        g_assert_false (strata_decode_image (cut, "p.jpg", LIMIT, NULL, &part, NULL));
      }
    /* cut where a later scan starts: every row came with the scans before */
    {
      const guint8 *data = g_bytes_get_data (whole, NULL);
      gsize size = g_bytes_get_size (whole);
      guint n_scans = 0;

      for (gsize at = 2; at + 1 < size; at++)
        if (data[at] == 0xff && data[at + 1] == 0xda && n_scans++ > 0)
          {
            g_autoptr(GBytes) cut = g_bytes_new_from_bytes (whole, 0, at);
            g_auto(StrataImage) part = { 0 };

            g_assert_false (strata_decode_image (cut, "p.jpg", LIMIT, NULL, &part, NULL));
          }
      g_assert_cmpuint (n_scans, >, 2);
    }
  }

  /* a JPEG without its end marker (FF D9) but with every scan is whole */
  {
    g_autoptr(GdkPixbuf) pixbuf = test_pixbuf_pattern (400, 300, 4);
    g_autoptr(GBytes) whole = save_to_bytes (pixbuf, "jpeg");
    const guint8 *data = g_bytes_get_data (whole, NULL);
    gsize size = g_bytes_get_size (whole);
    g_autoptr(GBytes) no_end = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(StrataImage) image = { 0 };

    g_assert_cmpint (data[size - 2], ==, 0xff);
    g_assert_cmpint (data[size - 1], ==, 0xd9);
    no_end = g_bytes_new_from_bytes (whole, 0, size - 2);
    g_assert_true (strata_decode_image (no_end, "no-end.jpg", LIMIT, NULL, &image, &error));
    g_assert_no_error (error);
    g_assert_cmpint (image.width, ==, 400);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decode/formats", test_formats);
  g_test_add_func ("/decode/exif-orientation", test_exif_orientation);
  g_test_add_func ("/decode/reduced-jpeg", test_reduced_jpeg_matches);
  g_test_add_func ("/decode/depths-alpha", test_depths_and_alpha);
  g_test_add_func ("/decode/bad-files", test_bad_files);
  g_test_add_func ("/decode/truncated", test_truncated);
  return g_test_run ();
}
