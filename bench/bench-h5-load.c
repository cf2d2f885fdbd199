/* bench-h5-load.c: loading every value of a VGG16-size Keras .h5, in this process and through
 * the helper process strata-h5-reader
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-h5-load [--h5 FILE] [--runs N]
 *
 * Without --h5, bench/make-vgg16-h5.py (h5py) writes a 553 MB file into a temporary folder.
 * Each run opens the file and copies every weight into memory as float32, the way the zoo
 * does: "in-process" with libhdf5 in this process (what Strata did before the helper),
 * "isolated" with strata_keras_h5_open(), which reads it in strata-h5-reader.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "strata-keras-h5-reader-private.h"
#include "strata-remove-tree.h"

static char *h5_path;
static int runs = 3;

static const GOptionEntry entries[] = {
  { "h5", 0, 0, G_OPTION_ARG_FILENAME, &h5_path, "A Keras .h5 weights file", "FILE" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each way", "N" },
  { NULL }
};

/* Copies every weight out of @h5; returns the number of values. */
static gint64
read_all (StrataKerasH5 *h5)
{
  gint64 total = 0;

  for (guint l = 0; l < strata_keras_h5_get_n_layers (h5); l++)
    {
      const StrataKerasH5Layer *layer = strata_keras_h5_get_layer (h5, l);

      for (guint w = 0; w < layer->weights->len; w++)
        {
          const StrataKerasH5Weight *weight = g_ptr_array_index (layer->weights, w);
          g_autofree float *dst = g_new (float, MAX (weight->n_elements, 1));
          g_autoptr(GError) error = NULL;

          if (!strata_keras_h5_read (h5, l, w, dst, weight->n_elements, &error))
            g_error ("%s", error->message);
          total += weight->n_elements;
        }
    }
  return total;
}

static double
run (gboolean isolated,
     gint64  *n_values)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(StrataKerasH5) h5 = isolated
                                ? strata_keras_h5_open (h5_path, STRATA_KERAS_H5_VALUES, &error)
                                : _strata_keras_h5_open_direct (h5_path, &error);

  if (h5 == NULL)
    g_error ("%s", error->message);
  *n_values = read_all (h5);
  g_clear_pointer (&h5, strata_keras_h5_close);
  return (g_get_monotonic_time () - start) / 1e6;
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— time loading a Keras .h5");
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  double *times[2] = { NULL, NULL };
  double median[2];
  gint64 n_values = 0;
  GStatBuf st;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "--runs must be at least 1");
      return 1;
    }
  if (h5_path == NULL)
    {
      const char *script = BENCH_SRCDIR "/make-vgg16-h5.py";
      int status = 0;

      folder = g_dir_make_tmp ("strata-bench-h5-XXXXXX", &error);
      if (folder == NULL)
        g_error ("%s", error->message);
      h5_path = g_build_filename (folder, "vgg16.h5", NULL);
      {
        const char *py_argv[] = { "/usr/bin/python3", script, h5_path, NULL };

        if (!g_spawn_sync (NULL, (char **) py_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                           NULL, &status, &error) ||
            !g_spawn_check_wait_status (status, &error))
          {
            fprintf (stderr, "%s failed (h5py missing?): %s\n", script, error->message);
            strata_remove_tree (folder, NULL);
            return 77;
          }
      }
    }
  if (g_stat (h5_path, &st) != 0)
    g_error ("no file %s", h5_path);

  /* alternate the two ways, so that a change in the machine's load hits both */
  for (int i = 0; i < 2; i++)
    times[i] = g_new (double, runs);
  for (int r = 0; r < runs; r++)
    for (int i = 0; i < 2; i++)
      {
        times[i][r] = run (i == 1, &n_values);
        printf ("run %d %-10s %6.2f s\n", r + 1, i ? "isolated" : "in-process", times[i][r]);
        fflush (stdout);
      }
  for (int i = 0; i < 2; i++)
    {
      qsort (times[i], runs, sizeof (double), compare);
      median[i] = times[i][runs / 2];
    }
  printf ("file %s: %.0f MB, %" G_GINT64_FORMAT " values\n", h5_path, st.st_size / 1e6,
          n_values);
  printf ("in-process  median %6.2f s (min %.2f, max %.2f)\n", median[0], times[0][0],
          times[0][runs - 1]);
  printf ("isolated    median %6.2f s (min %.2f, max %.2f)\n", median[1], times[1][0],
          times[1][runs - 1]);
  printf ("ratio isolated / in-process: %.2f\n", median[1] / median[0]);
  for (int i = 0; i < 2; i++)
    g_free (times[i]);
  if (folder != NULL)
    strata_remove_tree (folder, NULL);
  return 0;
}
