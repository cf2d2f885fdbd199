/* test-safetensors.c: the safetensors reader and writer, atomic writes on a full disk
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-remove-tree.h"
#include "strata-safetensors.h"
#include "strata-test-util.h"

static char *tmpdir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
test_roundtrip (void)
{
  g_autofree char *path = tmp_path ("roundtrip.safetensors");
  g_autoptr(StrataSafetensorsWriter) writer = strata_safetensors_writer_new ();
  g_autoptr(StrataSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  float a[6] = { 1, -2, 3.5f, 4, 5, 6e-8f }, b[1] = { 42 }, out[6];
  gint64 shape_a[] = { 2, 3 };
  const StrataSafetensorsInfo *info;

  strata_safetensors_writer_add_f32 (writer, "layer/kernel", 2, shape_a, a);
  strata_safetensors_writer_add_f32 (writer, "scalar", 0, NULL, b);
  strata_safetensors_writer_set_metadata (writer, "epoch", "3");
  g_assert_true (strata_safetensors_writer_write (writer, path, &error));
  g_assert_no_error (error);

  st = strata_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_safetensors_get_n_tensors (st), ==, 2);
  info = strata_safetensors_lookup (st, "layer/kernel");
  g_assert_nonnull (info);
  g_assert_cmpint (info->rank, ==, 2);
  g_assert_cmpint (info->shape[1], ==, 3);
  g_assert_true (strata_safetensors_read_f32 (st, "layer/kernel", out, 6, &error));
  g_assert_cmpmem (out, sizeof a, a, sizeof a);
  g_assert_true (strata_safetensors_read_f32 (st, "scalar", out, 1, &error));
  g_assert_cmpfloat (out[0], ==, 42);
  g_assert_cmpstr (strata_safetensors_get_metadata (st, "epoch"), ==, "3");
  g_assert_false (strata_safetensors_read_f32 (st, "layer/kernel", out, 5, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
}

/* A file as PyTorch users have them: F16 and BF16 tensors and an I64 scalar. */
static void
test_python_written (void)
{
  g_autofree char *path = tmp_path ("python.safetensors");
  g_autofree char *script = NULL;
  g_autoptr(StrataSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  const StrataSafetensorsInfo *info;
  float out[4];
  int status;

  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    {
      test_skip_missing ("/usr/bin/python3");
      return;
    }
  script = g_strdup_printf (
    "import json, struct, numpy as np\n"
    "t = {'h': np.array([1.5, -2.0, 65504.0, 6.1e-5], np.float16),\n"
    "     'n': np.array(7, np.int64)}\n"
    "bf = (np.array([1.0, -3.25, 0.1, 1e30], np.float32).view(np.uint32) >> 16).astype(np.uint16)\n"
    "items = [('b', 'BF16', [4], bf.tobytes()), ('h', 'F16', [4], t['h'].tobytes()),\n"
    "         ('n', 'I64', [], t['n'].tobytes())]\n"
    "hdr, off, data = {'__metadata__': {'format': 'pt'}}, 0, b''\n"
    "for name, dt, shape, raw in items:\n"
    "    hdr[name] = {'dtype': dt, 'shape': shape, 'data_offsets': [off, off + len(raw)]}\n"
    "    off += len(raw); data += raw\n"
    "h = json.dumps(hdr).encode(); h += b' ' * (-len(h) %% 8)\n"
    "open('%s', 'wb').write(struct.pack('<Q', len(h)) + h + data)\n", path);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "/usr/bin/python3", "-c", script, NULL },
                               NULL, 0, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  st = strata_safetensors_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (strata_safetensors_read_f32 (st, "h", out, 4, &error));
  g_assert_cmpfloat (out[0], ==, 1.5f);
  g_assert_cmpfloat (out[1], ==, -2.0f);
  g_assert_cmpfloat (out[2], ==, 65504.0f);
  g_assert_cmpfloat_with_epsilon (out[3], 6.1e-5f, 1e-7);
  g_assert_true (strata_safetensors_read_f32 (st, "b", out, 4, &error));
  g_assert_cmpfloat (out[0], ==, 1.0f);
  g_assert_cmpfloat (out[1], ==, -3.25f);
  g_assert_cmpfloat_with_epsilon (out[2], 0.1f, 1e-3);
  info = strata_safetensors_lookup (st, "n");
  g_assert_cmpint (info->dtype, ==, STRATA_DTYPE_I64);
  g_assert_cmpint (info->rank, ==, 0);
  g_assert_false (strata_safetensors_read_f32 (st, "n", out, 1, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
}

static void
write_raw (const char *path,
           guint64     header_size,
           const char *header,
           gsize       data_size)
{
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 8; i++)
    g_string_append_c (s, (char) (header_size >> (8 * i)));
  g_string_append (s, header);
  for (gsize i = 0; i < data_size; i++)
    g_string_append_c (s, 0);
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  g_string_free (s, TRUE);
}

static void
test_corrupt (void)
{
  const struct { const char *header; gint64 header_size; gsize data; const char *expect; } cases[] = {
    { "{}", 1000, 0, "larger than the file" },
    { "[1]", -1, 0, "does not start" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", -1, 4, "outside" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", -1, 8, "does not match" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", -1, 12, "overlap" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", -1, 8, "gaps" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", -1, 8, "no tensor uses" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", -1, 4, "out of range" },
    { "{\"a\":{\"dtype\":\"F32\",\"shape\":\"x\",\"data_offsets\":[0,4]}}", -1, 4, "lacks" },
    { "{\"__metadata__\":{\"k\":1}}", -1, 0, "strings" },
    { "{\"a\":", -1, 0, "" },
  };
  g_autofree char *path = tmp_path ("corrupt.safetensors");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataSafetensors) st = NULL;
      guint64 size = cases[i].header_size >= 0 ? (guint64) cases[i].header_size
                                               : strlen (cases[i].header);

      write_raw (path, size, cases[i].header, cases[i].data);
      st = strata_safetensors_open (path, &error);
      g_assert_null (st);
      g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
      if (strstr (error->message, cases[i].expect) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].expect);
    }

  /* Too short, and missing. */
  {
    g_autoptr(GError) error = NULL;
    g_assert_true (g_file_set_contents (path, "abc", 3, NULL));
    g_assert_null (strata_safetensors_open (path, &error));
    g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
    g_clear_error (&error);
    g_assert_null (strata_safetensors_open ("/nonexistent/x.safetensors", &error));
    g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_READ);
  }
}

/*
 * A full disk, simulated with a file-size limit in a child process: the write fails with a
 * clear message and the previous file survives untouched, with no temporary file left over.
 */
static void
test_full_disk_keeps_old_file (void)
{
  g_autofree char *path = tmp_path ("precious.json");
  g_autofree char *contents = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int status;
  pid_t pid;

  g_assert_true (strata_write_file_atomic (path, "old", 3, NULL));
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit limit = { 4096, 4096 };
      g_autoptr(GError) error = NULL;
      g_autofree char *big = g_malloc0 (1 << 20);

      setrlimit (RLIMIT_FSIZE, &limit);
      if (strata_write_file_atomic (path, big, 1 << 20, &error))
        _exit (1);
      _exit (strstr (error->message, "disk is full") ? 0 : 2);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  dir = g_dir_open (tmpdir, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    g_assert_false (g_str_has_suffix (name, ".tmp"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("strata-test-XXXXXX", NULL);
  g_test_add_func ("/safetensors/roundtrip", test_roundtrip);
  g_test_add_func ("/safetensors/python-written", test_python_written);
  g_test_add_func ("/safetensors/corrupt", test_corrupt);
  g_test_add_func ("/io/full-disk", test_full_disk_keeps_old_file);
  ret = g_test_run ();
  strata_remove_tree (tmpdir, NULL);
  return ret;
}
