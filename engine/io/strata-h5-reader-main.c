/* strata-h5-reader-main.c: reads an untrusted Keras .h5 file in a process of its own
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * strata-h5-reader --names|--values INPUT.h5 OUTPUT.safetensors|--output-fd=N
 *
 * With --output-fd=N the answer goes to the inherited fd N (Strata's memfd), from its start.
 * Strata runs this for every .h5 file it is given (strata-keras-h5-reader.c): libhdf5 can
 * crash or hang on a damaged file, and here that ends this process, not Strata's window.
 * Exit status 0 with OUTPUT written, else a one-line message on stderr and
 * STRATA_H5_READER_EXIT_CORRUPT (the file is damaged or not Keras weights) or
 * STRATA_H5_READER_EXIT_READ (it can't be read at all).
 */

#define G_LOG_DOMAIN "strata-h5-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

#include "strata-atomic-file.h"
#include "strata-keras-h5-reader-private.h"

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("STRATA_LOCALEDIR");
  struct rlimit no_core = { 0, 0 };
  g_autoptr(StrataKerasH5) h5 = NULL;
  g_autoptr(GError) error = NULL;
  StrataKerasH5Flags flags;
  guint64 output_fd = 0;
  gboolean ok = FALSE;

  /* a crash here is the expected end of a damaged file: no core dump for it */
  setrlimit (RLIMIT_CORE, &no_core);
#ifdef __linux__
  /* a hang must not outlive Strata, which kills it after its time limit anyway */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc != 4 || (!g_str_equal (argv[1], "--names") && !g_str_equal (argv[1], "--values")) ||
      (g_str_has_prefix (argv[3], "--output-fd=") &&
       (!g_ascii_string_to_unsigned (argv[3] + strlen ("--output-fd="), 10, 3, G_MAXINT,
                                     &output_fd, NULL) ||
        fcntl ((int) output_fd, F_GETFD) < 0)))
    {
      fprintf (stderr, "usage: strata-h5-reader --names|--values INPUT.h5 "
               "OUTPUT.safetensors|--output-fd=N\n");
      return STRATA_H5_READER_EXIT_USAGE;
    }
  flags = g_str_equal (argv[1], "--values") ? STRATA_KERAS_H5_VALUES : STRATA_KERAS_H5_NAMES;

  h5 = _strata_keras_h5_open_direct (argv[2], &error);
  if (h5 != NULL)
    ok = output_fd > 0
         ? _strata_keras_h5_write_safetensors_fd (h5, (int) output_fd, "memfd", flags, &error)
         : _strata_keras_h5_write_safetensors (h5, argv[3], flags, &error);
  if (!ok)
    {
      fprintf (stderr, "%s\n", error->message);
      /* no room for the answer is not the file's fault */
      return g_error_matches (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ) ||
             g_error_matches (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE)
             ? STRATA_H5_READER_EXIT_READ : STRATA_H5_READER_EXIT_CORRUPT;
    }
  return 0;
}
