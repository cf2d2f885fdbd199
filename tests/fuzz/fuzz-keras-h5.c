/* fuzz-keras-h5.c: libFuzzer target for the Keras .h5 reader's checks
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs what strata-h5-reader runs on each input: _strata_keras_h5_open_direct(), which checks
 * every attribute's and dataset's type and size before libhdf5 reads it, then every weight
 * read as float32 and the safetensors answer the helper writes. libhdf5 1.10 itself still
 * crashes on some damaged global heaps (that is why Strata reads .h5 files in the helper);
 * a crash whose stack is inside libhdf5 alone is the library's, any other is Strata's.
 * Seeds: tests/fuzz/corpus/fuzz-keras-h5/, from tests/fuzz/make-h5-seeds.py.
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "strata-keras-h5-reader-private.h"

/* no single weight above this is read, so that a big declared shape costs no time */
#define MAX_READ_ELEMENTS (1 << 20)

static char *input_path;
static char *output_path;

static void
remove_files (void)
{
  g_unlink (input_path);
  g_unlink (output_path);
}

/* libhdf5 1.10 leaks on some of its own error paths (every handle Strata opens is closed:
 * H5Fget_obj_count is 1 at H5Fclose); LeakSanitizer reads this list at start-up */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libhdf5_serial.so\n" "leak:libhdf5.so\n";
}

static gboolean
write_input (const uint8_t *data,
             size_t         size)
{
  FILE *f = g_fopen (input_path, "wb");
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = fwrite (data, 1, size, f) == size;
  return fclose (f) == 0 && ok;
}

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(StrataKerasH5) h5 = NULL;
  g_autoptr(GError) error = NULL;

  if (input_path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-keras-h5-XXXXXX.h5", &input_path, NULL);

      g_assert (fd >= 0);
      close (fd);
      output_path = g_strconcat (input_path, ".safetensors", NULL);
      atexit (remove_files);
    }
  /* no g_file_set_contents(): its fsync would make each run take milliseconds */
  if (!write_input (data, size))
    return 0;

  h5 = _strata_keras_h5_open_direct (input_path, &error);
  if (h5 == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }
  for (guint l = 0; l < strata_keras_h5_get_n_layers (h5); l++)
    {
      const StrataKerasH5Layer *layer = strata_keras_h5_get_layer (h5, l);

      for (guint w = 0; w < layer->weights->len; w++)
        {
          const StrataKerasH5Weight *weight = g_ptr_array_index (layer->weights, w);
          g_autofree float *values = NULL;
          g_autoptr(GError) read_error = NULL;

          if (weight->n_elements > MAX_READ_ELEMENTS)
            continue;
          values = g_new (float, MAX (weight->n_elements, 1));
          strata_keras_h5_read (h5, l, w, values, weight->n_elements, &read_error);
        }
    }
  /* the helper's answer, and the parent's reading of it */
  if (_strata_keras_h5_write_safetensors (h5, output_path, STRATA_KERAS_H5_NAMES, NULL))
    {
      g_autoptr(StrataKerasH5) back = _strata_keras_h5_open_safetensors (output_path, "fuzz.h5",
                                                                          STRATA_KERAS_H5_NAMES,
                                                                          &error);
      g_assert (back != NULL);
      g_assert (strata_keras_h5_get_n_layers (back) == strata_keras_h5_get_n_layers (h5));
    }
  return 0;
}
