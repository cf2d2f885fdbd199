/* test-hardened.c: hostile and unlucky inputs — deeply nested JSON, a damaged progress
 * record, special files as save targets, a full disk, killed runs — and the CLI's help
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-json.h"
#include "strata-run.h"
#include "strata-safetensors.h"
#include "strata-test-project.h"
#include "strata-test-util.h"
#include "strata-trainer.h"

static char *tmpdir;
static char *project_path;

/* 200,000 arrays in 400 KB: deep enough to overflow json-glib's recursive parser. */
static char *
deep_json (const char *before,
           guint       depth,
           const char *after)
{
  GString *s = g_string_new (before);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append (s, after);
  return g_string_free (s, FALSE);
}

static void
test_json_depth_scan (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *limit = deep_json ("", STRATA_JSON_MAX_DEPTH, "");
  g_autofree char *over = deep_json ("", STRATA_JSON_MAX_DEPTH + 1, "");
  g_autoptr(JsonNode) node = NULL;

  node = strata_json_load_data (limit, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_null (strata_json_load_data (over, -1, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
  g_clear_error (&error);

  /* brackets in strings don't count, an escaped quote doesn't end one, an escaped backslash
   * does not escape the quote after it */
  g_assert_true (strata_json_check_depth ("[\"[[[[\", \"\\\"[[[{{\"]", -1, 1, NULL));
  g_assert_true (strata_json_check_depth ("[\"\\\\\", [1]]", -1, 2, NULL));
  g_assert_false (strata_json_check_depth ("[\"\\\\\", [[1]]]", -1, 2, NULL));
  /* the length bounds the scan: what follows is not read */
  g_assert_true (strata_json_check_depth ("[1][[[[", 3, 1, NULL));
  /* the scan does not validate; the parser still does */
  g_assert_null (strata_json_load_data ("]]]}", -1, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (strata_json_load_data ("", -1, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
}

static void
test_json_depth_project (void)
{
  g_autofree char *text = deep_json ("{\"format_version\": 1, \"model\": ", 200000, "}");
  g_autofree char *path = g_build_filename (tmpdir, "deep.strata", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;

  g_assert_cmpuint (strlen (text), >, 400000);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  project = strata_project_load (path, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_PROJECT_ERROR, STRATA_PROJECT_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "levels deep"));
}

static void
test_json_depth_run (void)
{
  g_autofree char *runs = g_build_filename (tmpdir, "deep.runs", NULL);
  g_autofree char *dir = g_build_filename (runs, "r", NULL);
  g_autofree char *settings = g_build_filename (dir, "settings.json", NULL);
  g_autofree char *info = g_build_filename (dir, "run.json", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autofree char *deep = deep_json ("{\"a\": ", 200000, "}");
  g_autofree char *lines = g_strconcat ("{\"epoch\": 1}\n", deep, "\n{\"epoch\": 2}\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRun) run = NULL;
  g_autoptr(GPtrArray) records = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (settings, deep, -1, NULL));
  g_assert_true (g_file_set_contents (info, "{\"status\": \"finished\"}", -1, NULL));
  g_assert_null (strata_run_open (runs, "r", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (settings, "{}", -1, NULL));
  g_assert_true (g_file_set_contents (info, deep, -1, NULL));
  g_assert_null (strata_run_open (runs, "r", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT);
  g_clear_error (&error);

  /* a deep metrics line is skipped like a torn one */
  g_assert_true (g_file_set_contents (info, "{\"status\": \"finished\"}", -1, NULL));
  g_assert_true (g_file_set_contents (metrics, lines, -1, NULL));
  run = strata_run_open (runs, "r", &error);
  g_assert_no_error (error);
  records = strata_run_read_metrics (run, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
}

static void
test_json_depth_safetensors (void)
{
  g_autofree char *header = deep_json ("{\"__metadata__\": ", 200000, "}");
  g_autofree char *path = g_build_filename (tmpdir, "deep.safetensors", NULL);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint64 size = strlen (header);

  for (int i = 0; i < 8; i++)
    {
      guint8 b = (size >> (8 * i)) & 0xff;
      g_byte_array_append (bytes, &b, 1);
    }
  g_byte_array_append (bytes, (const guint8 *) header, size);
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
  g_assert_null (strata_safetensors_open (path, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT);
}

/* The progress record -------------------------------------------------------------------------- */

static char *
read_file (const char *path,
           gsize      *length)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, length, NULL));
  return data;
}

/* Rewrites the checkpoint with @member of its progress record set to @value (JSON text). */
static void
patch_progress (const char *path,
                const char *original,
                gsize       length,
                const char *member,
                const char *value)
{
  guint64 header_size = 0;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *state_text = NULL, *header_text = NULL, *old_header = NULL;
  JsonObject *metadata;

  for (int i = 7; i >= 0; i--)
    header_size = (header_size << 8) | (guint8) original[i];
  old_header = g_strndup (original + 8, header_size);
  header = json_from_string (old_header, NULL);
  g_assert_nonnull (header);
  metadata = json_object_get_object_member (json_node_get_object (header), "__metadata__");
  state = json_from_string (json_object_get_string_member (metadata, "strata"), NULL);
  g_assert_nonnull (state);
  patched = json_from_string (value, NULL);
  g_assert_nonnull (patched);
  json_object_set_member (json_node_get_object (state), member, g_steal_pointer (&patched));
  state_text = json_to_string (state, FALSE);
  json_object_set_string_member (metadata, "strata", state_text);
  header_text = json_to_string (header, FALSE);

  for (int i = 0; i < 8; i++)
    {
      guint8 b = ((guint64) strlen (header_text) >> (8 * i)) & 0xff;
      g_byte_array_append (out, &b, 1);
    }
  g_byte_array_append (out, (const guint8 *) header_text, strlen (header_text));
  g_byte_array_append (out, (const guint8 *) original + 8 + header_size,
                       length - 8 - header_size);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, NULL));
}

static StrataTrainer *
resume (const char *run,
        GError    **error)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  StrataTrainOptions options = { .resume = run, .max_batches = 1 };

  g_assert_nonnull (project);
  return strata_trainer_new (project, &options, error);
}

static void
test_progress_record (void)
{
  static const char *const bad[][2] = {
    { "batch", "-5" },
    { "batch", "1000000000" },
    { "batch", "\"3\"" },
    { "batch", "[1]" },
    { "epoch", "-1" },
    { "epoch", "{\"a\": 1}" },
    { "epoch", "1e300" },
    { "step", "-1" },
    { "step", "0" },              /* fewer steps than the batches done */
    { "seen", "1000000000000" },
    { "seen", "\"many\"" },
    { "correct", "100000" },      /* more correct than seen */
    { "loss_sum", "-1.5" },
    { "loss_sum", "[]" },
    { "elapsed", "\"long\"" },
    { "seed", "\"12abc\"" },
    { "seed", "[1]" },
    { "optimizer", "7" },
    { "iterations", "-3" },
    { "iterations", "null" },
    { "schedule", "5" },
    { "early_stopping", "\"x\"" },
  };
  g_autofree char *path = NULL;
  g_autofree char *original = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataTrainer) trainer = NULL;
  gsize length;

  test_train_run (project_path, "progress", 3);
  {
    g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
    g_autofree char *dir = strata_project_dup_runs_dir (project);
    g_autoptr(StrataRun) run = strata_run_open (dir, "progress", &error);

    g_assert_no_error (error);
    path = strata_run_dup_checkpoint_path (run, "last");
  }
  original = read_file (path, &length);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("%s: %s", bad[i][0], bad[i][1]);
      patch_progress (path, original, length, bad[i][0], bad[i][1]);
      trainer = resume ("progress", &error);
      g_assert_null (trainer);
      g_assert_nonnull (error);
      g_test_message ("→ %s", error->message);
      g_assert_true (g_error_matches (error, STRATA_IO_ERROR, STRATA_IO_ERROR_CORRUPT) ||
                     g_error_matches (error, STRATA_TRAIN_ERROR, STRATA_TRAIN_ERROR_INVALID));
      g_clear_error (&error);
    }

  /* the record as written resumes, and so does one rewritten with its own values */
  patch_progress (path, original, length, "batch", "3");
  trainer = resume ("progress", &error);
  g_assert_no_error (error);
  g_assert_nonnull (trainer);
}

/* Special files as save targets ---------------------------------------------------------------- */

static void
assert_refused (const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_write_file_atomic (path, "new", 3, &error));
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_NOT_REGULAR);
  g_test_message ("%s", error->message);
}

static guint
count_temp_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *leaf;
  guint n = 0;

  while (d && (leaf = g_dir_read_name (d)))
    n += g_str_has_suffix (leaf, ".tmp");
  return n;
}

static void
test_atomic_special_files (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "special", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder", NULL);
  g_autofree char *device = g_build_filename (dir, "null", NULL);
  g_autofree char *real = g_build_filename (dir, "real", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "nowhere", NULL);
  g_autofree char *to_fifo = g_build_filename (dir, "to-fifo", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  assert_refused (fifo);
  g_assert_cmpint (lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  assert_refused (folder);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));

  if (mknod (device, S_IFCHR | 0666, makedev (1, 3)) == 0)
    {
      assert_refused (device);
      g_assert_cmpint (lstat (device, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
    }
  else
    g_test_message ("SKIPPED the device node: mknod needs root (%s)", g_strerror (errno));

  /* a link to a regular file is written through: the link stays, its file is replaced */
  g_assert_true (g_file_set_contents (real, "old", -1, NULL));
  g_assert_cmpint (symlink ("real", link), ==, 0);
  g_assert_true (strata_write_file_atomic (link, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (real, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");

  /* a link to nothing is not followed into creating a file, nor replaced */
  g_assert_cmpint (symlink ("nowhere", dangling), ==, 0);
  assert_refused (dangling);
  g_assert_true (g_file_test (dangling, G_FILE_TEST_IS_SYMLINK));
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  g_assert_cmpint (symlink ("fifo", to_fifo), ==, 0);
  assert_refused (to_fifo);
  g_assert_true (g_file_test (to_fifo, G_FILE_TEST_IS_SYMLINK));

  g_assert_cmpuint (count_temp_files (dir), ==, 0);
}

/* Temporary files of killed writes ------------------------------------------------------------- */

static void
make_old (const char *path)
{
  struct timeval times[2] = { { time (NULL) - 3600, 0 }, { time (NULL) - 3600, 0 } };

  g_assert_cmpint (utimes (path, times), ==, 0);
}

static void
test_atomic_sweep (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "sweep", NULL);
  g_autofree char *stale = g_build_filename (dir, "checkpoint-last.safetensors.Ab3xY9.tmp", NULL);
  g_autofree char *fresh = g_build_filename (dir, "run.json.q1W2e3.tmp", NULL);
  g_autofree char *killed = g_build_filename (dir, "metrics.json.Zz9Yy8.tmp", NULL);
  g_autofree char *other = g_build_filename (dir, "notes.tmp", NULL);
  g_autofree char *target = g_build_filename (dir, "settings.json", NULL);
  g_autoptr(StrataAtomicFile) writing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *writing_tmp = NULL;
  g_autoptr(GDir) d = NULL;
  const char *leaf;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (stale, "x", -1, NULL));
  /* empty and new, but nobody's: its writer would have locked it */
  g_assert_true (g_file_set_contents (fresh, "", -1, NULL));
  /* a killed writer's, a moment ago: data in it and nobody's lock */
  g_assert_true (g_file_set_contents (killed, "x", -1, NULL));
  g_assert_true (g_file_set_contents (other, "x", -1, NULL));
  make_old (stale);
  make_old (other);

  /* a write in progress, its file as old as a stale one: its lock keeps it */
  writing = strata_atomic_file_new (target, &error);
  g_assert_no_error (error);
  d = g_dir_open (dir, 0, NULL);
  while ((leaf = g_dir_read_name (d)))
    if (g_str_has_prefix (leaf, "settings.json."))
      writing_tmp = g_build_filename (dir, leaf, NULL);
  g_assert_nonnull (writing_tmp);
  make_old (writing_tmp);

  g_assert_cmpuint (strata_atomic_file_sweep (dir, 10), ==, 3);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (killed, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (writing_tmp, G_FILE_TEST_EXISTS));
  g_assert_true (strata_atomic_file_write (writing, "{}", 2, &error));
  g_assert_true (strata_atomic_file_commit (writing, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
}

/* A resumed run sweeps what a write killed in its folder left. */
static void
test_resume_sweeps (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autofree char *runs = strata_project_dup_runs_dir (project);
  g_autofree char *dir = NULL;
  g_autofree char *stale = NULL;
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;

  test_train_run (project_path, "sweep", 2);
  dir = g_build_filename (runs, "sweep", NULL);
  stale = g_build_filename (dir, "checkpoint-last.safetensors.Zz9Yy8.tmp", NULL);
  g_assert_true (g_file_set_contents (stale, "8 MB in real life", -1, NULL));
  make_old (stale);
  trainer = resume ("sweep", &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
}

/* Killed runs ---------------------------------------------------------------------------------- */

static const char *
status_of (const char *name)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autofree char *runs = strata_project_dup_runs_dir (project);
  g_autoptr(StrataRun) run = strata_run_open (runs, name, NULL);
  static char status[64];

  g_assert_nonnull (run);
  g_strlcpy (status, strata_run_get_status (run), sizeof status);
  return status;
}

static void
test_interrupted_run (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  StrataTrainOptions options = { .run_name = "killed", .max_batches = 2 };
  g_autoptr(StrataTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  StrataRun *run;

  /* as far as a process gets before its first checkpoint: the run says "running" */
  trainer = strata_trainer_new (project, &options, &error);
  g_assert_no_error (error);
  run = strata_trainer_get_run (trainer);
  json_object_set_string_member (strata_run_get_info (run), "status", "running");
  g_assert_true (strata_run_save_info (run, &error));
  g_assert_false (strata_run_has_checkpoint (run, "last"));
  g_assert_cmpstr (status_of ("killed"), ==, "running");
  /* …and while it trains, nobody else can train it */
  g_assert_null (resume ("killed", &error));
  g_assert_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_BUSY);
  g_clear_error (&error);

  /* the process is gone (its lock with it): the run is interrupted, resumable from the start */
  g_clear_pointer (&trainer, strata_trainer_free);
  g_assert_cmpstr (status_of ("killed"), ==, "interrupted");
  trainer = resume ("killed", &error);
  g_assert_no_error (error);
  g_assert_true (strata_trainer_run (trainer, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (strata_run_has_checkpoint (strata_trainer_get_run (trainer), "last"));
  g_clear_pointer (&trainer, strata_trainer_free);
  g_assert_cmpstr (status_of ("killed"), ==, "stopped");
}

/* A full disk: RLIMIT_FSIZE fails every write with EFBIG as ENOSPC would, without root. */

static struct rlimit saved_limit;

static void
disk_full (void)
{
  struct rlimit none;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
  none = saved_limit;
  none.rlim_cur = 0;
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &none), ==, 0);
}

static void
disk_not_full (void)
{
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
}

static void
test_full_disk_run (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autofree char *runs = strata_project_dup_runs_dir (project);
  g_autofree char *dir = g_build_filename (runs, "full", NULL);
  g_autoptr(JsonNode) settings = strata_project_dup_settings_json (project);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataRun) run = NULL;

  disk_full ();
  run = strata_run_create (runs, "full", settings, &error);
  disk_not_full ();
  g_assert_null (run);
  g_assert_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
limit_writes (gpointer data)
{
  struct rlimit limit = { 0, RLIM_INFINITY };

  getrlimit (RLIMIT_FSIZE, &limit);
  limit.rlim_cur = 0;
  setrlimit (RLIMIT_FSIZE, &limit);
}

static int
run_strata (const char *const *args,
            gboolean           full,
            char             **out,
            char             **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  g_autoptr(GError) error = NULL;
  int status;

  envp = g_environ_unsetenv (envp, "LANGUAGE");
  g_ptr_array_add (argv, (char *) g_getenv ("STRATA_BIN"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (argv->pdata[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                               full ? limit_writes : NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_full_disk_evaluate (void)
{
  const char *args[] = { "evaluate", project_path, "--run", "progress", "--split", "validation",
                         NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_strata (args, TRUE, &out, &err), ==, 1);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_nonnull (strstr (out, "accuracy"));
  g_assert_nonnull (strstr (err, "not saved"));
}

/* `strata export --zip /dev/full` as root renamed the zip over the device node. */
static void
test_export_to_special_file (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "export-special", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *device = g_build_filename (dir, "full", NULL);
  struct stat st;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  if (mknod (device, S_IFCHR | 0666, makedev (1, 7)) != 0)
    {
      g_test_message ("SKIPPED the device node: mknod needs root (%s)", g_strerror (errno));
      g_clear_pointer (&device, g_free);
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *target = i ? device : fifo;
      const char *args[] = { "export", project_path, "--run", "progress", "--zip", target,
                             NULL };
      g_autofree char *out = NULL, *err = NULL;

      if (target == NULL)
        continue;
      g_assert_cmpint (run_strata (args, FALSE, &out, &err), ==, 1);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, "not a regular file"));
      g_assert_cmpint (lstat (target, &st), ==, 0);
      g_assert_true (i ? S_ISCHR (st.st_mode) : S_ISFIFO (st.st_mode));
    }
  g_assert_cmpuint (count_temp_files (dir), ==, 0);
}

/* Projects ------------------------------------------------------------------------------------- */

static void
test_unknown_keys_kept (void)
{
  g_autoptr(StrataProject) project = strata_project_load (project_path, NULL);
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(StrataProject) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *obj;
  gsize length;

  data = strata_project_to_data (project, &length);
  root = json_from_string (data, NULL);
  json_object_set_string_member (json_node_get_object (root), "x_note", "from a later version");
  json_object_set_member (json_node_get_object (root), "x_tool",
                          json_from_string ("{\"list\": [1, {\"a\": null}]}", NULL));
  text = json_to_string (root, TRUE);

  reloaded = strata_project_load_from_data (text, -1, NULL, &error);
  g_assert_no_error (error);
  again = strata_project_to_data (reloaded, &length);
  g_clear_pointer (&root, json_node_unref);
  root = json_from_string (again, NULL);
  obj = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (obj, "x_note"), ==, "from a later version");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "x_tool")));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (obj, "x_tool"), "list")), ==, 2);
  /* the run's settings are the project's known sections only */
  {
    g_autoptr(JsonNode) settings = strata_project_dup_settings_json (reloaded);
    g_assert_false (json_object_has_member (json_node_get_object (settings), "x_note"));
  }
}

/* The CLI -------------------------------------------------------------------------------------- */

static void
test_help_lists_verbs_once (void)
{
  const char *args[] = { "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean in_verbs = FALSE;

  g_assert_cmpint (run_strata (args, FALSE, &out, &err), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  /* the verbs are the indented lines after "Verbs:", up to an empty line */
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) words = NULL;

      if (g_str_equal (lines[i], "Verbs:"))
        in_verbs = TRUE;
      else if (lines[i][0] == '\0')
        in_verbs = FALSE;
      else if (in_verbs)
        {
          words = g_strsplit (g_strstrip (lines[i]), " ", 2);
          g_assert_false (g_hash_table_contains (seen, words[0]));
          g_hash_table_add (seen, g_strdup (words[0]));
        }
    }
  g_assert_true (g_hash_table_contains (seen, "predict"));
  g_assert_true (g_hash_table_contains (seen, "train"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = test_tmpdir ();
  project_path = test_write_small_project (tmpdir, "small");

  g_test_add_func ("/hardened/json/depth-scan", test_json_depth_scan);
  g_test_add_func ("/hardened/json/depth-project", test_json_depth_project);
  g_test_add_func ("/hardened/json/depth-run", test_json_depth_run);
  g_test_add_func ("/hardened/json/depth-safetensors", test_json_depth_safetensors);
  g_test_add_func ("/hardened/checkpoint/progress-record", test_progress_record);
  g_test_add_func ("/hardened/atomic/special-files", test_atomic_special_files);
  g_test_add_func ("/hardened/atomic/sweep", test_atomic_sweep);
  g_test_add_func ("/hardened/run/resume-sweeps", test_resume_sweeps);
  g_test_add_func ("/hardened/run/interrupted", test_interrupted_run);
  g_test_add_func ("/hardened/full-disk/run", test_full_disk_run);
  g_test_add_func ("/hardened/full-disk/evaluate", test_full_disk_evaluate);
  g_test_add_func ("/hardened/atomic/export-to-special-file", test_export_to_special_file);
  g_test_add_func ("/hardened/project/unknown-keys", test_unknown_keys_kept);
  g_test_add_func ("/hardened/cli/help-lists-verbs-once", test_help_lists_verbs_once);
  status = g_test_run ();
  if (status == 0)
    test_remove_tree (tmpdir);
  return status;
}
