/* test-recovery.c: autosaved copies come back after a crash, and only then
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/wait.h>
#include <utime.h>
#include <unistd.h>

#include "strata-project.h"
#include "strata-recovery.h"
#include "strata-test-images.h"

/* Rewrites an entry as if another process, long gone or still alive, had written it. */
static void
set_pid (const char *dir,
         const char *id,
         gint64      pid,
         gint64      saved)
{
  g_autofree char *leaf = g_strconcat (id, ".json", NULL);
  g_autofree char *file = g_build_filename (dir, leaf, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  g_autofree char *text = NULL;

  g_assert_true (json_parser_load_from_file (parser, file, NULL));
  obj = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (obj, "pid", pid);
  json_object_set_int_member (obj, "saved", saved);
  text = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_true (g_file_set_contents (file, text, -1, NULL));
}

/* The pid of a process that has exited. */
static gint64
dead_pid (void)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (0);
  g_assert_cmpint (pid, >, 0);
  waitpid (pid, NULL, 0);
  return pid;
}

static void
test_recovery_roundtrip (void)
{
  g_autofree char *tmp = test_make_tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "recovery", NULL);
  g_autoptr(StrataProject) project = strata_project_new_example ("fashion-mnist", NULL);
  g_autoptr(StrataProject) back = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL, *loaded = NULL;
  g_autofree char *a = strata_recovery_new_id (), *b = strata_recovery_new_id ();
  g_autofree char *c = strata_recovery_new_id ();
  StrataRecoveryEntry *entry;

  g_assert_cmpstr (a, !=, b);
  g_object_set (strata_project_get_hyperparams (project), "epochs", 7, NULL);
  data = strata_project_to_data (project, NULL);

  /* the folder is made on first use */
  g_assert_true (strata_recovery_write (dir, a, "/home/me/fm.strata", "fm", data, &error));
  g_assert_no_error (error);
  g_assert_true (strata_recovery_write (dir, b, NULL, "Untitled", data, &error));
  g_assert_true (strata_recovery_write (dir, c, NULL, "Other", data, &error));

  /* while their writers live, the copies are theirs: nothing to recover */
  entries = strata_recovery_list (dir);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* a and b were left by processes that died; c's writer is still here */
  set_pid (dir, a, dead_pid (), 2000);
  set_pid (dir, b, dead_pid (), 3000);
  entries = strata_recovery_list (dir);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);    /* newest first */
  g_assert_cmpstr (entry->id, ==, b);
  g_assert_null (entry->path);
  g_assert_cmpstr (entry->name, ==, "Untitled");
  g_assert_cmpint (entry->saved, ==, 3000);
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (entry->id, ==, a);
  g_assert_cmpstr (entry->path, ==, "/home/me/fm.strata");

  /* what comes back is the project as it was */
  loaded = strata_recovery_load (entry, &error);
  g_assert_no_error (error);
  back = strata_project_load_from_data (loaded, -1, entry->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_hyperparams_get_epochs (strata_project_get_hyperparams (back)), ==, 7);
  g_assert_cmpstr (strata_project_get_path (back), ==, "/home/me/fm.strata");

  /* discarding removes it; discarding twice is harmless */
  strata_recovery_discard (dir, a);
  strata_recovery_discard (dir, a);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = strata_recovery_list (dir);
  g_assert_cmpuint (entries->len, ==, 1);

  /* junk in the folder is not a recovery file */
  {
    g_autofree char *junk = g_build_filename (dir, "junk.json", NULL);
    g_assert_true (g_file_set_contents (junk, "{\"version\": 1}", -1, NULL));
  }
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = strata_recovery_list (dir);
  g_assert_cmpuint (entries->len, ==, 1);

  /* a folder that is not there has nothing */
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = strata_recovery_list ("/nonexistent/strata-recovery");
  g_assert_cmpuint (entries->len, ==, 0);

  test_rm_rf (tmp);
}

/* A kill during a write leaves ID.json.XXXXXX.tmp; nothing may keep it forever. */
static void
test_recovery_unfinished_writes (void)
{
  g_autofree char *tmp = test_make_tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "recovery", NULL);
  g_autofree char *id = strata_recovery_new_id (), *other = strata_recovery_new_id ();
  g_autofree char *leaf = g_strconcat (id, ".json.Ab12Cd.tmp", NULL);
  g_autofree char *mine = g_build_filename (dir, leaf, NULL);
  g_autofree char *leaf_other = g_strconcat (other, ".json.Ef34Gh.tmp", NULL);
  g_autofree char *orphan = g_build_filename (dir, leaf_other, NULL);
  g_autofree char *fresh_leaf = g_strconcat (other, ".json.Ij56Kl.tmp", NULL);
  g_autofree char *fresh = g_build_filename (dir, fresh_leaf, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  struct utimbuf old = { .actime = 1000, .modtime = 1000 };

  g_assert_true (strata_recovery_write (dir, id, NULL, "Untitled", "{}", NULL));
  g_assert_true (g_file_set_contents (mine, "{\"vers", -1, NULL));
  g_assert_true (g_file_set_contents (orphan, "{\"vers", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "{\"vers", -1, NULL));
  g_assert_cmpint (g_utime (orphan, &old), ==, 0);

  /* discarding an entry takes its half-written copy with it */
  strata_recovery_discard (dir, id);
  g_assert_false (g_file_test (mine, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (orphan, G_FILE_TEST_EXISTS));

  /* listing sweeps old leftovers whose entry never got written, not a write under way */
  entries = strata_recovery_list (dir);
  g_assert_cmpuint (entries->len, ==, 0);
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));

  test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recovery/roundtrip", test_recovery_roundtrip);
  g_test_add_func ("/recovery/unfinished-writes", test_recovery_unfinished_writes);
  return g_test_run ();
}
