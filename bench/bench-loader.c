/* bench-loader.c: the data loader alone, on 640×480 JPEGs resized to 224×224 with
 * augmentation, at 1 and 2 threads
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-loader [--images N] [--batch B] [--epochs E] [--json]
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "strata-dataset.h"

static int n_images = 256;
static int batch = 32;
static int epochs = 2;
static gboolean json;

static const GOptionEntry entries[] = {
  { "images", 0, 0, G_OPTION_ARG_INT, &n_images, "JPEGs to generate", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Batch size", "B" },
  { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Epochs per measurement", "E" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &json, "One JSON object per line", NULL },
  { NULL }
};

/* A photo-like picture: smooth shapes plus sensor noise, so that the JPEG is as large as a
 * camera's (about 60 kB at quality 90). */
static void
write_photo (const char *path,
             guint       seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (seed);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *p = gdk_pixbuf_get_pixels (pixbuf);
  double cx = g_rand_double_range (rand, 100, 540), cy = g_rand_double_range (rand, 80, 400);

  for (int y = 0; y < 480; y++)
    for (int x = 0; x < 640; x++)
      {
        double d = hypot (x - cx, y - cy);
        double bottle = d < 90 ? 1 : 0;

        for (int c = 0; c < 3; c++)
          {
            double v = 90 + 60 * sin (x * 0.01 * (c + 1) + seed) + 50 * cos (y * 0.013) +
                       bottle * ((guint) c == seed % 3 ? 90 : -40) + g_rand_double_range (rand, -12, 12);

            p[y * stride + 3 * x + c] = (guint8) CLAMP (v, 0, 255);
          }
      }
  g_rand_free (rand);
  gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL);
  g_assert_no_error (error);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* images per second of wall-clock time, and CPU milliseconds per image (all threads): the
 * second figure holds still when other programs share the machine */
static double
measure (StrataDataset *dataset,
         guint          threads,
         gboolean       augment,
         double        *cpu_ms)
{
  StrataLoaderOptions options = { .batch = batch, .shuffle = TRUE, .augment = augment,
                                  .seed = 1, .n_threads = threads };
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataLoader) loader = strata_loader_new (dataset, STRATA_SPLIT_TRAIN, &options,
                                                      &error);
  g_autofree float *images = g_new (float, (gsize) batch * strata_dataset_get_image_n_floats (dataset));
  g_autofree gint32 *labels = g_new (gint32, batch);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = cpu_seconds ();
  guint total = 0, n;

  g_assert_no_error (error);
  for (int e = 0; e < epochs; e++)
    {
      strata_loader_start_epoch (loader, e, 0);
      while (strata_loader_next (loader, images, labels, &n, &error))
        total += n;
      g_assert_no_error (error);
    }
  if (cpu_ms)
    *cpu_ms = (cpu_seconds () - cpu_start) * 1000 / total;
  return total / ((g_get_monotonic_time () - start) / 1e6);
}

static void
report (const char *what,
        guint       threads,
        double      rate,
        double      cpu_ms)
{
  if (json)
    g_print ("{\"benchmark\":\"loader\",\"case\":\"%s\",\"threads\":%u,"
             "\"images_per_second\":%.1f,\"cpu_ms_per_image\":%.2f}\n",
             what, threads, rate, cpu_ms);
  else
    g_print ("%-30s %u thread%s %8.1f images/s %6.2f CPU ms/image\n", what, threads,
             threads > 1 ? "s" : " ", rate, cpu_ms);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(StrataDatasetSettings) settings = NULL;
  g_autoptr(StrataAugmentation) stage = NULL;
  g_autoptr(StrataDataset) dataset = NULL;
  g_autoptr(StrataDataset) cached = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  dir = g_dir_make_tmp ("strata-bench-loader-XXXXXX", &error);
  g_assert_no_error (error);
  for (int i = 0; i < n_images; i++)
    {
      g_autofree char *class_dir = g_build_filename (dir, i % 2 ? "cola" : "fanta", NULL);
      g_autofree char *name = g_strdup_printf ("%04d.jpg", i);
      g_autofree char *path = g_build_filename (class_dir, name, NULL);

      g_mkdir_with_parents (class_dir, 0755);
      write_photo (path, i);
    }

  /* the soda-bottle recipe: 224×224 RGB for an ImageNet backbone, light augmentation */
  settings = g_object_new (STRATA_TYPE_DATASET_SETTINGS,
                           "source-kind", STRATA_SOURCE_FOLDER,
                           "source-path", dir,
                           "validation-fraction", 0.0,
                           "test-fraction", 0.0,
                           "image-width", 224,
                           "image-height", 224,
                           "image-channels", 3,
                           "resize-mode", STRATA_RESIZE_SQUASH,
                           "normalization", STRATA_NORMALIZE_TORCH,
                           "cache-mode", STRATA_CACHE_NONE,
                           NULL);
  stage = g_object_new (STRATA_TYPE_AUGMENTATION,
                        "rotation-range", 15.0,
                        "width-shift-range", 0.1,
                        "height-shift-range", 0.1,
                        "zoom-range", 0.1,
                        "horizontal-flip", TRUE,
                        "brightness-min", 0.8,
                        "brightness-max", 1.2,
                        NULL);
  strata_dataset_settings_add_stage (settings, stage);
  dataset = strata_dataset_open (settings, NULL, NULL, &error);
  g_assert_no_error (error);
  g_object_set (settings, "cache-mode", STRATA_CACHE_MEMORY, NULL);
  cached = strata_dataset_open (settings, NULL, NULL, &error);
  g_assert_no_error (error);

  if (!json)
    g_print ("%d JPEGs of 640×480 → 224×224×3, batch %d, %d epochs per figure\n",
             n_images, batch, epochs);
  for (guint threads = 1; threads <= 2; threads++)
    {
      double rate, cpu;

      rate = measure (dataset, threads, FALSE, &cpu);
      report ("decode + resize", threads, rate, cpu);
      rate = measure (dataset, threads, TRUE, &cpu);
      report ("decode + resize + augment", threads, rate, cpu);
    }
  /* the cache fills in the first pass; later epochs only augment */
  measure (cached, 2, FALSE, NULL);
  for (guint threads = 1; threads <= 2; threads++)
    {
      double cpu, rate = measure (cached, threads, TRUE, &cpu);

      report ("cached + augment", threads, rate, cpu);
    }

  g_clear_object (&dataset);
  g_clear_object (&cached);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *class_name;

    while ((class_name = g_dir_read_name (d)))
      {
        g_autofree char *class_dir = g_build_filename (dir, class_name, NULL);
        g_autoptr(GDir) cd = g_dir_open (class_dir, 0, NULL);
        const char *name;

        while ((name = g_dir_read_name (cd)))
          {
            g_autofree char *path = g_build_filename (class_dir, name, NULL);

            g_unlink (path);
          }
        g_rmdir (class_dir);
      }
    g_rmdir (dir);
  }
  return 0;
}
