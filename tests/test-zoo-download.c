/* test-zoo-download.c: finding weights in the caches, downloading them from a local server
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/zoo/http_server.py serves a file on 127.0.0.1 with HTTP Range, and can drop the
 * connection half way or ignore Range. The downloads must resume, check the hash before the
 * file appears, delete a file of the wrong hash, keep a part on cancel and say clearly when
 * there is no network. The cache lookups run in a fake home.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-test-util.h"
#include "strata-zoo-files.h"

#define FILE_SIZE (300 * 1024 + 7)

static char *served;          /* the folder the server serves */
static char *server_log;
static int server_port;
static guint8 *contents;
static char *contents_md5;
static char *contents_sha256;

static char *
url (const char *mode,
     const char *name)
{
  return g_strdup_printf ("http://127.0.0.1:%d/%s/%s", server_port, mode, name);
}

static char *
log_contents (void)
{
  char *text = NULL;

  if (!g_file_get_contents (server_log, &text, NULL, NULL))
    text = g_strdup ("");
  return text;
}

static void
clear_log (void)
{
  g_file_set_contents (server_log, "", 0, NULL);
}

static void
assert_downloaded (const char *path)
{
  g_autofree char *data = NULL;
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_cmpmem (data, length, contents, FILE_SIZE);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

typedef struct
{
  guint calls;
  gint64 last_bytes;
  gint64 total;
  GCancellable *cancel_at_half;
} Progress;

static void
on_progress (gint64   bytes,
             gint64   total,
             double   speed,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpint (bytes, >=, p->last_bytes);
  g_assert_cmpfloat (speed, >=, 0);
  p->calls++;
  p->last_bytes = bytes;
  p->total = total;
  if (p->cancel_at_half && bytes > 0)
    g_cancellable_cancel (p->cancel_at_half);
}

static char *
target (const char *name)
{
  g_autofree char *dir = test_tmpdir ();
  return g_build_filename (dir, name, NULL);
}

static void
test_plain (void)
{
  g_autofree char *path = target ("w.bin");
  g_autofree char *from = url ("files", "w.bin");
  g_autoptr(GError) error = NULL;
  Progress p = { 0 };

  g_assert_true (strata_zoo_download (from, path, NULL, contents_sha256, on_progress, &p, NULL,
                                      &error));
  g_assert_no_error (error);
  assert_downloaded (path);
  g_assert_cmpuint (p.calls, >=, 1);
  g_assert_cmpint (p.last_bytes, ==, FILE_SIZE);
  g_assert_cmpint (p.total, ==, FILE_SIZE);
}

/* The server drops the connection half way; the download asks for the rest and completes. */
static void
test_broken_connection (void)
{
  g_autofree char *path = target ("w.bin");
  g_autofree char *from = url ("break", "w.bin");
  g_autofree char *log = NULL;
  g_autoptr(GError) error = NULL;

  clear_log ();
  g_assert_true (strata_zoo_download (from, path, contents_md5, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_downloaded (path);
  log = log_contents ();
  g_assert_nonnull (strstr (log, "/break/w.bin -\n"));
  g_assert_nonnull (strstr (log, "/break/w.bin bytes="));
}

/* A part left by an earlier run is continued; a server that ignores Range restarts it. */
static void
test_resume_part (void)
{
  static const char *const modes[] = { "files", "norange" };

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      g_autofree char *path = target ("w.bin");
      g_autofree char *part = g_strconcat (path, ".part", NULL);
      g_autofree char *from = url (modes[m], "w.bin");
      g_autofree char *log = NULL;
      g_autofree char *expected = g_strdup_printf ("/%s/w.bin bytes=100000-", modes[m]);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_set_contents (part, (const char *) contents, 100000, NULL));
      clear_log ();
      g_assert_true (strata_zoo_download (from, path, NULL, contents_sha256, NULL, NULL, NULL,
                                          &error));
      g_assert_no_error (error);
      assert_downloaded (path);
      log = log_contents ();
      g_assert_nonnull (strstr (log, expected));
    }
}

/* A file of another hash is an error and does not stay, neither whole nor as a part. */
static void
test_wrong_hash (void)
{
  g_autofree char *path = target ("w.bin");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *from = url ("files", "w.bin");
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_zoo_download (from, path, "0123456789abcdef0123456789abcdef", NULL,
                                       NULL, NULL, NULL, &error));
  g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_HASH);
  g_assert_nonnull (strstr (error->message, contents_md5));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

static void
test_not_found (void)
{
  g_autofree char *path = target ("w.bin");
  g_autofree char *from = url ("files", "missing.bin");
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_zoo_download (from, path, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "404"));
}

/* Nothing listens: the message says what to do. */
static void
test_offline (void)
{
  g_autofree char *path = target ("w.bin");
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *from = NULL;
  g_autoptr(GError) error = NULL;

  /* a port that was free a moment ago, and is closed again */
  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  from = g_strdup_printf ("http://127.0.0.1:%u/files/w.bin",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  g_assert_false (strata_zoo_download (from, path, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "when online"));
}

static void
test_cancel (void)
{
  g_autofree char *path = target ("w.bin");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *from = url ("files", "w.bin");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { .cancel_at_half = cancellable };

  g_assert_false (strata_zoo_download (from, path, NULL, NULL, on_progress, &p, cancellable,
                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
}

/* A fake home: the caches of Keras, Hugging Face, torch.hub and Strata. */
static char *
fake_home (void)
{
  char *home = test_tmpdir ();
  g_autofree char *cache = g_build_filename (home, ".cache", NULL);

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_unsetenv ("KERAS_HOME");
  g_unsetenv ("HF_HUB_CACHE");
  g_unsetenv ("HF_HOME");
  g_unsetenv ("TORCH_HOME");
  g_unsetenv ("STRATA_WEIGHTS_MIRROR");
  return home;
}

static void
put (const char *path,
     gsize       size)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, (const char *) contents, size, NULL));
}

static void
test_find_keras (void)
{
  g_autofree char *home = fake_home ();
  g_autofree char *keras = g_build_filename (home, ".keras", "models", "w.h5", NULL);
  g_autofree char *keras_home = g_build_filename (home, "kh", NULL);
  g_autofree char *keras_home_file = g_build_filename (keras_home, "models", "w.h5", NULL);
  g_autofree char *found = NULL;
  StrataZooFile file = { STRATA_ZOO_VGG16, "imagenet-keras", FALSE, STRATA_ZOO_KERAS, "w.h5",
                         NULL, "http://127.0.0.1:1/none", contents_md5, NULL, FILE_SIZE, NULL };
  const StrataZooFile *official;
  g_autofree char *fake = NULL;

  /* nowhere yet */
  g_assert_null (strata_zoo_find_file (&file, NULL, NULL));

  /* ~/.keras/models, checked by MD5 */
  put (keras, FILE_SIZE);
  found = strata_zoo_find_file (&file, NULL, NULL);
  g_assert_cmpstr (found, ==, keras);
  g_clear_pointer (&found, g_free);

  /* $KERAS_HOME/models comes first */
  put (keras_home_file, FILE_SIZE);
  g_setenv ("KERAS_HOME", keras_home, TRUE);
  found = strata_zoo_find_file (&file, NULL, NULL);
  g_assert_cmpstr (found, ==, keras_home_file);
  g_clear_pointer (&found, g_free);

  /* a file of the right name and size but another hash is passed over */
  contents[5] ^= 1;
  put (keras_home_file, FILE_SIZE);
  contents[5] ^= 1;
  found = strata_zoo_find_file (&file, NULL, NULL);
  g_assert_cmpstr (found, ==, keras);

  /* the official file name with something else in it is not trusted */
  official = strata_zoo_file_lookup (STRATA_ZOO_VGG16, "imagenet-keras", FALSE,
                                     STRATA_ZOO_KERAS, NULL);
  fake = g_build_filename (home, ".keras", "models", official->file_name, NULL);
  put (fake, 1000);
  g_assert_null (strata_zoo_find_file (official, NULL, NULL));
}

static void
test_find_hugging_face (void)
{
  g_autofree char *home = fake_home ();
  g_autofree char *repo = g_build_filename (home, ".cache", "huggingface", "hub",
                                            "models--timm--w", NULL);
  g_autofree char *blob = g_build_filename (repo, "blobs", contents_sha256, NULL);
  g_autofree char *snapshot = g_build_filename (repo, "snapshots", "abc123", NULL);
  g_autofree char *link = g_build_filename (snapshot, "model.safetensors", NULL);
  g_autofree char *target_path = g_build_filename ("..", "..", "blobs", contents_sha256, NULL);
  g_autofree char *found = NULL;
  g_autofree char *hf_home = g_build_filename (home, "hf", NULL);
  StrataZooFile file = { STRATA_ZOO_RESNET50, "imagenet-torch", FALSE, STRATA_ZOO_TORCH,
                         "model.safetensors", "w.safetensors", "http://127.0.0.1:1/none", NULL,
                         contents_sha256, 0, "timm/w" };

  put (blob, FILE_SIZE);
  g_assert_cmpint (g_mkdir_with_parents (snapshot, 0755), ==, 0);
  g_assert_cmpint (symlink (target_path, link), ==, 0);
  found = strata_zoo_find_file (&file, NULL, NULL);
  g_assert_cmpstr (found, ==, link);
  g_clear_pointer (&found, g_free);

  /* $HF_HOME moves the hub */
  g_setenv ("HF_HOME", hf_home, TRUE);
  g_assert_null (strata_zoo_find_file (&file, NULL, NULL));
  g_unsetenv ("HF_HOME");

  /* Strata's own cache first */
  {
    g_autofree char *dir = strata_zoo_dup_cache_dir ();
    g_autofree char *own = g_build_filename (dir, "w.safetensors", NULL);
    put (own, FILE_SIZE);
    found = strata_zoo_find_file (&file, NULL, NULL);
    g_assert_cmpstr (found, ==, own);
  }
}

/* Missing from every cache: downloaded into Strata's, then found there without the network. */
static void
test_fetch (void)
{
  g_autofree char *home = fake_home ();
  g_autofree char *mirror = g_strdup_printf ("http://127.0.0.1:%d/break", server_port);
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;
  g_autofree char *again = NULL;
  g_autofree char *log = NULL;
  g_autofree char *source = g_build_filename (served, "fetched.h5", NULL);
  g_autoptr(GError) error = NULL;
  StrataZooFile file = { STRATA_ZOO_VGG16, "imagenet-keras", FALSE, STRATA_ZOO_KERAS,
                         "fetched.h5", NULL, "http://127.0.0.1:1/none", contents_md5, NULL,
                         FILE_SIZE, NULL };

  g_assert_true (g_file_set_contents (source, (const char *) contents, FILE_SIZE, NULL));
  g_setenv ("STRATA_WEIGHTS_MIRROR", mirror, TRUE);
  path = strata_zoo_fetch_file (&file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  dir = strata_zoo_dup_cache_dir ();
  expected = g_build_filename (dir, "fetched.h5", NULL);
  g_assert_cmpstr (path, ==, expected);
  assert_downloaded (path);

  clear_log ();
  again = strata_zoo_fetch_file (&file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, expected);
  log = log_contents ();
  g_assert_cmpstr (log, ==, "");
  g_unsetenv ("STRATA_WEIGHTS_MIRROR");
}

static void
test_no_python (void)
{
  test_skip_missing ("/usr/bin/python3 (to serve files)");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  g_test_init (&argc, &argv, NULL);
  served = test_tmpdir ();
  server_log = g_build_filename (served, "requests.log", NULL);
  contents = g_malloc (FILE_SIZE);
  test_fill_random ((float *) contents, FILE_SIZE / 4, 3, 1.0f);
  path = g_build_filename (served, "w.bin", NULL);
  g_assert_true (g_file_set_contents (path, (const char *) contents, FILE_SIZE, NULL));
  g_checksum_update (md5, contents, FILE_SIZE);
  g_checksum_update (sha256, contents, FILE_SIZE);
  contents_md5 = g_strdup (g_checksum_get_string (md5));
  contents_sha256 = g_strdup (g_checksum_get_string (sha256));

  server_port = test_http_server_start (served, server_log);
  if (server_port == 0)
    {
      g_test_add_func ("/zoo/download/skipped", test_no_python);
      return g_test_run ();
    }
  g_test_add_func ("/zoo/download/plain", test_plain);
  g_test_add_func ("/zoo/download/broken-connection", test_broken_connection);
  g_test_add_func ("/zoo/download/resume-part", test_resume_part);
  g_test_add_func ("/zoo/download/wrong-hash", test_wrong_hash);
  g_test_add_func ("/zoo/download/not-found", test_not_found);
  g_test_add_func ("/zoo/download/offline", test_offline);
  g_test_add_func ("/zoo/download/cancel", test_cancel);
  g_test_add_func ("/zoo/find/keras", test_find_keras);
  g_test_add_func ("/zoo/find/hugging-face", test_find_hugging_face);
  g_test_add_func ("/zoo/find/fetch", test_fetch);
  return g_test_run ();
}
