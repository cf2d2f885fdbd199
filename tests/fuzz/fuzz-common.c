/* fuzz-common.c: the fuzz targets' temporary folder and input splitting
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "strata-remove-tree.h"

static char *tmpdir;

static void
remove_tmpdir (void)
{
  strata_remove_tree (tmpdir, NULL);
}

/* A critical is a failed precondition: a bug the fuzzer must report (bad input gives a
 * GError). abort(), which libFuzzer catches and saves the input for; the breakpoint trap of
 * G_DEBUG=fatal-criticals it does not. */
static GLogWriterOutput
abort_on_critical (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_standard_streams (level, fields, n_fields, user_data);

  /* gdk-pixbuf's loaders criticise some damaged files themselves (tests/fuzz/README); that
   * is theirs, and harmless outside a fuzzer */
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") &&
        g_strcmp0 (fields[i].value, "GdkPixbuf") == 0)
      return output;
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    abort ();
  return output;
}

/* Once per process: criticals abort, and one temporary folder for the files of the parsers
 * that only take a path. */
void
fuzz_init (void)
{
  g_autoptr(GError) error = NULL;

  if (tmpdir)
    return;
  g_log_set_writer_func (abort_on_critical, NULL, NULL);
  tmpdir = g_dir_make_tmp ("strata-fuzz-XXXXXX", &error);
  if (tmpdir == NULL)
    g_error ("Could not make a temporary folder: %s", error->message);
  atexit (remove_tmpdir);
}

const char *
fuzz_tmpdir (void)
{
  fuzz_init ();
  return tmpdir;
}

/* Writes @data to @name (a path relative to the temporary folder, whose folders it makes),
 * replacing it; returns its path. In place and without fsync: g_file_set_contents() syncs,
 * which made the targets that read files twenty times slower. */
char *
fuzz_write_file (const char   *name,
                 const guint8 *data,
                 gsize         size)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fuzz_tmpdir (), name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (path, data ? (const char *) data : "", size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("Could not write %s: %s", path, error->message);
  return path;
}

/* Cuts @data at FUZZ_SEPARATOR into at most @n_parts GBytes (the last keeps any further
 * separators); missing parts are empty. */
GPtrArray *
fuzz_split (const guint8 *data,
            gsize         size,
            guint         n_parts)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize sep_len = strlen (FUZZ_SEPARATOR);
  gsize start = 0;

  while (parts->len + 1 < n_parts)
    {
      const guint8 *found = NULL;

      for (gsize i = start; found == NULL && i + sep_len <= size; i++)
        if (memcmp (data + i, FUZZ_SEPARATOR, sep_len) == 0)
          found = data + i;
      if (found == NULL)
        break;
      g_ptr_array_add (parts, g_bytes_new (data + start, found - (data + start)));
      start = found - data + sep_len;
    }
  g_ptr_array_add (parts, g_bytes_new (data + start, size - start));
  while (parts->len < n_parts)
    g_ptr_array_add (parts, g_bytes_new (NULL, 0));
  return parts;
}
