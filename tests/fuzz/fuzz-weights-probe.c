/* fuzz-weights-probe.c: libFuzzer target for the zoo's weights-file probe
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * _strata_zoo_probe_file() runs on every edit of a pretrained node with a user's weights
 * file: an HDF5 input goes to strata-h5-reader (found through $STRATA_H5_READER or the build
 * tree), anything else to the safetensors parser in this process. Neither may crash or hang
 * Strata's process, whatever the bytes. The first byte picks the architecture asked about.
 * Seeds: tests/fuzz/corpus/fuzz-keras-h5/ (and any safetensors files).
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <utime.h>

#include "strata-zoo-weights.h"

static char *input_path;

static void
remove_input (void)
{
  g_unlink (input_path);
}

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gint64 generation;
  struct utimbuf times;
  StrataZooProbe probe;
  StrataZooArch arch = STRATA_ZOO_RESNET50;
  gboolean written;
  FILE *f;

  if (input_path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-weights-probe-XXXXXX", &input_path, NULL);

      g_assert (fd >= 0);
      close (fd);
      atexit (remove_input);
      /* a hang in the helper ends within the fuzzer's own time limit */
      g_setenv ("STRATA_H5_READER_TIMEOUT", "5", FALSE);
    }
  /* an HDF5 file keeps its signature at the start; the architecture is the last byte */
  if (size > 0 && data[size - 1] % 2 == 1)
    arch = STRATA_ZOO_VGG16;
  /* no g_file_set_contents(): its fsync would make each run take milliseconds */
  f = g_fopen (input_path, "wb");
  if (f == NULL)
    return 0;
  written = fwrite (data, 1, size, f) == size;
  if (fclose (f) != 0 || !written)
    return 0;
  /* the probe keeps its answers per (path, size, mtime): a new mtime for each input */
  generation++;
  times.actime = times.modtime = generation;
  g_utime (input_path, &times);
  g_assert (_strata_zoo_probe_file (input_path, arch, &probe));
  g_assert (probe.kind >= ZOO_FILE_UNKNOWN && probe.kind <= ZOO_FILE_STRATA);
  return 0;
}
