/* strata-run.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-train"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "strata-atomic-file.h"
#include "strata-json.h"
#include "strata-remove-tree.h"
#include "strata-run.h"

/*
 * NAME.runs/RUN/
 *   settings.json             the dataset, model and hyperparameters it trains with
 *   run.json                  status, epochs, best and last figures, timings (info)
 *   metrics.jsonl             one line per finished epoch
 *   checkpoint-last.safetensors, checkpoint-best.safetensors
 *   evaluation-SPLIT.json
 *   run.lock                  locked (flock) by the process training the run
 *
 * settings.json and run.json are replaced atomically. metrics.jsonl is appended to; a torn
 * last line from a killed process is skipped when read, and lines past the checkpoint are
 * cut when a run resumes.
 *
 * run.json says "running" from the first batch on; a process killed before it could write
 * another status leaves it so. Whether a process still trains the run is told by the lock on
 * run.lock instead, which the kernel drops with the process however it ends (a pid could have
 * been reused, and a flag file stays behind): strata_run_get_status() reads such a run as
 * "interrupted".
 */

struct _StrataRun
{
  GObject parent_instance;

  char *name;
  char *dir;
  JsonNode *settings;
  JsonNode *info;
  int lock_fd;      /* run.lock while this object holds it, else -1 */
};

G_DEFINE_FINAL_TYPE (StrataRun, strata_run, G_TYPE_OBJECT)

G_DEFINE_QUARK (strata-run-error-quark, strata_run_error)

static void
strata_run_finalize (GObject *object)
{
  StrataRun *self = (StrataRun *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->settings, json_node_unref);
  g_clear_pointer (&self->info, json_node_unref);
  if (self->lock_fd >= 0)
    close (self->lock_fd);

  G_OBJECT_CLASS (strata_run_parent_class)->finalize (object);
}

static void
strata_run_class_init (StrataRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_run_finalize;
}

static void
strata_run_init (StrataRun *self)
{
  self->lock_fd = -1;
}

/**
 * strata_run_name_is_valid:
 *
 * Returns: whether @name can name a run: 1–100 letters, digits, “-”, “_” and “.”, not
 *   starting with “.”
 */
gboolean
strata_run_name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || *name == '.' || strlen (name) > 100)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
write_json (const char *path,
            JsonNode   *node,
            GError    **error)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *data = NULL;
  gsize length;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  data = json_generator_to_data (gen, &length);
  return strata_write_file_atomic (path, data, length, error);
}

static JsonNode *
read_json (const char *path,
           GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_filename_display_name (path);
  g_autoptr(JsonNode) root = strata_json_load_file (path, &local_error);

  if (root == NULL)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT, _("Could not read “%s”: %s"),
                   name, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_CORRUPT,
                   _("“%s” is not a JSON object"), name);
      return NULL;
    }
  return g_steal_pointer (&root);
}

static StrataRun *
run_new (const char *runs_dir,
         const char *name)
{
  StrataRun *self = g_object_new (STRATA_TYPE_RUN, NULL);

  self->name = g_strdup (name);
  self->dir = g_build_filename (runs_dir, name, NULL);
  return self;
}

/**
 * strata_run_remove_unfinished:
 *
 * Removes what a process killed while making the run @name left in @runs_dir: its staging
 * folders that nobody holds.
 */
void
strata_run_remove_unfinished (const char *runs_dir,
                              const char *name)
{
  g_autofree char *prefix = g_strdup_printf (".%s.partial-", name);

  strata_staging_dir_sweep (runs_dir, prefix);
}

/**
 * strata_run_create:
 * @settings: the project settings the run trains with; copied
 *
 * Makes the run's folder; fails if it already exists.
 */
StrataRun *
strata_run_create (const char *runs_dir,
                   const char *name,
                   JsonNode   *settings,
                   GError    **error)
{
  g_autoptr(StrataRun) self = NULL;
  g_autofree char *path = NULL, *prefix = NULL, *staging = NULL, *final_dir = NULL;
  int staging_lock = -1;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  JsonObject *info;

  if (!strata_run_name_is_valid (name))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_BAD_NAME,
                   _("“%s” can't be a run name: use letters, digits, “-”, “_” and “.”"), name);
      return NULL;
    }
  self = run_new (runs_dir, name);
  if (g_mkdir_with_parents (runs_dir, 0755) != 0)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("Could not make the folder for runs: %s"), g_strerror (errno));
      return NULL;
    }
  if (g_file_test (self->dir, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_EXISTS,
                   _("There is already a run named “%s”"), name);
      return NULL;
    }

  /* The run's first files are written in a staging folder that is then renamed into place:
   * a process killed (or a disk full) before both are written leaves no half-made run, only
   * a staging folder that the next run of that name removes. */
  prefix = g_strdup_printf (".%s.partial-", name);
  strata_run_remove_unfinished (runs_dir, name);
  staging = strata_staging_dir_new (runs_dir, prefix, &staging_lock, NULL);
  if (staging == NULL)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("Could not make the folder for run “%s”"), name);
      return NULL;
    }
  g_chmod (staging, 0755);
  final_dir = g_steal_pointer (&self->dir);
  self->dir = g_strdup (staging);

  self->settings = json_node_copy (settings);
  path = strata_run_dup_path (self, "settings.json");
  info = json_object_new ();
  json_object_set_int_member (info, "format_version", 1);
  json_object_set_string_member (info, "name", name);
  json_object_set_string_member (info, "created", created);
  json_object_set_string_member (info, "status", "created");
  json_object_set_int_member (info, "epochs_done", 0);
  self->info = json_node_init_object (json_node_alloc (), info);
  json_object_unref (info);
  if (!write_json (path, self->settings, error) || !strata_run_save_info (self, error))
    {
      strata_remove_tree (staging, NULL);
      close (staging_lock);
      return NULL;
    }
  if (g_rename (staging, final_dir) != 0)
    {
      int saved_errno = errno;

      strata_remove_tree (staging, NULL);
      close (staging_lock);
      g_set_error (error, STRATA_RUN_ERROR,
                   saved_errno == EEXIST || saved_errno == ENOTEMPTY ? STRATA_RUN_ERROR_EXISTS
                                                                     : STRATA_RUN_ERROR_NOT_FOUND,
                   saved_errno == EEXIST || saved_errno == ENOTEMPTY
                   ? _("There is already a run named “%s”")
                   : _("Could not make the folder for run “%s”"), name);
      return NULL;
    }
  close (staging_lock);
  g_free (self->dir);
  self->dir = g_steal_pointer (&final_dir);
  return g_steal_pointer (&self);
}

StrataRun *
strata_run_open (const char *runs_dir,
                 const char *name,
                 GError    **error)
{
  g_autoptr(StrataRun) self = NULL;
  g_autofree char *settings_path = NULL, *info_path = NULL;

  if (!strata_run_name_is_valid (name))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_BAD_NAME,
                   _("“%s” can't be a run name"), name);
      return NULL;
    }
  self = run_new (runs_dir, name);
  if (!g_file_test (self->dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("There is no run named “%s”"), name);
      return NULL;
    }
  settings_path = strata_run_dup_path (self, "settings.json");
  info_path = strata_run_dup_path (self, "run.json");
  if (!(self->settings = read_json (settings_path, error)) ||
      !(self->info = read_json (info_path, error)))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * strata_run_lock:
 *
 * Marks the run as trained by this process until @self is finalized; see
 * strata_run_get_status().
 *
 * Returns: %FALSE when another process (or another #StrataRun here) trains it
 */
gboolean
strata_run_lock (StrataRun *self,
                 GError   **error)
{
  g_autofree char *path = NULL;
  int fd;

  g_return_val_if_fail (STRATA_IS_RUN (self), FALSE);

  if (self->lock_fd >= 0)
    return TRUE;
  path = strata_run_dup_path (self, "run.lock");
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    {
      g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_NOT_FOUND,
                   _("Could not write in the folder of run “%s”: %s"), self->name,
                   g_strerror (errno));
      return FALSE;
    }
  /* A reader's strata_run_get_status() holds a shared lock for an instant: retry a little. */
  for (int i = 0; i < 50 && flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK; i++)
    g_usleep (10000);
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        {
          g_set_error (error, STRATA_RUN_ERROR, STRATA_RUN_ERROR_BUSY,
                       _("Run “%s” is being trained by another process"), self->name);
          return FALSE;
        }
      /* A file system without locks: training goes on, the status can't be told. */
      g_debug ("No lock on %s: %s", path, g_strerror (saved_errno));
      return TRUE;
    }
  self->lock_fd = fd;
  return TRUE;
}

/* Whether a process (this one included) holds run.lock. */
static gboolean
is_trained_now (StrataRun *self)
{
  g_autofree char *path = NULL;
  gboolean held;
  int fd;

  if (self->lock_fd >= 0)
    return TRUE;
  path = strata_run_dup_path (self, "run.lock");
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return FALSE;     /* never locked: the process died before it started, or an older Strata */
  held = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return held;
}

/**
 * strata_run_get_status:
 *
 * The status run.json records, except that a run recorded as "running" which no process
 * trains now reads as "interrupted": it was killed (or its machine stopped) before it could
 * record how it ended. An interrupted run resumes from its last checkpoint, or from the start
 * when it has none.
 *
 * Returns: "created", "running", "stopped", "early-stopped", "finished", "failed",
 *   "interrupted", or what a newer version wrote
 */
const char *
strata_run_get_status (StrataRun *self)
{
  JsonNode *node;
  const char *status;

  g_return_val_if_fail (STRATA_IS_RUN (self), NULL);

  node = json_object_get_member (json_node_get_object (self->info), "status");
  status = node && JSON_NODE_HOLDS_VALUE (node) &&
           json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node)
                                                            : "created";
  if (g_str_equal (status, "running") && !is_trained_now (self))
    return "interrupted";
  return status;
}

const char *
strata_run_get_name (StrataRun *self)
{
  return self->name;
}

const char *
strata_run_get_dir (StrataRun *self)
{
  return self->dir;
}

char *
strata_run_dup_path (StrataRun  *self,
                     const char *file)
{
  return g_build_filename (self->dir, file, NULL);
}

/**
 * strata_run_get_settings:
 *
 * Returns: (transfer none): the settings the run trains with
 */
JsonNode *
strata_run_get_settings (StrataRun *self)
{
  return self->settings;
}

gboolean
strata_run_set_settings (StrataRun *self,
                         JsonNode  *settings,
                         GError   **error)
{
  g_autofree char *path = strata_run_dup_path (self, "settings.json");

  if (!write_json (path, settings, error))
    return FALSE;
  g_clear_pointer (&self->settings, json_node_unref);
  self->settings = json_node_copy (settings);
  return TRUE;
}

/**
 * strata_run_get_info:
 *
 * Returns: (transfer none): run.json's object, to read or change before strata_run_save_info()
 */
JsonObject *
strata_run_get_info (StrataRun *self)
{
  return json_node_get_object (self->info);
}

gboolean
strata_run_save_info (StrataRun *self,
                      GError   **error)
{
  g_autofree char *path = strata_run_dup_path (self, "run.json");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  json_object_set_string_member (strata_run_get_info (self), "updated", stamp);
  return write_json (path, self->info, error);
}

gboolean
strata_run_append_metrics (StrataRun *self,
                           JsonNode  *record,
                           GError   **error)
{
  g_autofree char *path = strata_run_dup_path (self, "metrics.jsonl");
  g_autofree char *line = json_to_string (record, FALSE);
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  gsize length = strlen (text);
  int fd;
  gboolean ok;

  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                   _("Could not write the run's metrics: %s"), g_strerror (errno));
      return FALSE;
    }
  ok = write (fd, text, length) == (gssize) length && fsync (fd) == 0;
  if (!ok)
    g_set_error (error, STRATA_IO_ERROR, STRATA_IO_ERROR_WRITE,
                 _("Could not write the run's metrics: %s"), g_strerror (errno));
  close (fd);
  return ok;
}

/**
 * strata_run_read_metrics:
 *
 * Returns: (transfer container) (element-type JsonNode): one object per finished epoch
 */
GPtrArray *
strata_run_read_metrics (StrataRun *self,
                         GError   **error)
{
  g_autofree char *path = strata_run_dup_path (self, "metrics.jsonl");
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return records;
  if (!g_file_get_contents (path, &data, NULL, error))
    {
      g_ptr_array_unref (records);
      return NULL;
    }
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      JsonNode *node = *lines[i] ? strata_json_load_data (lines[i], -1, NULL) : NULL;

      /* A torn line (process killed mid-write) or garbage is skipped. */
      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (records, node);
      else if (node != NULL)
        json_node_unref (node);
    }
  return records;
}

/**
 * strata_run_truncate_metrics:
 *
 * Drops the lines of epochs after @last_epoch, which a resumed run will train again.
 */
gboolean
strata_run_truncate_metrics (StrataRun *self,
                             int        last_epoch,
                             GError   **error)
{
  g_autoptr(GPtrArray) records = strata_run_read_metrics (self, error);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = strata_run_dup_path (self, "metrics.jsonl");

  if (records == NULL)
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *node = g_ptr_array_index (records, i);
      JsonObject *obj = json_node_get_object (node);
      g_autofree char *line = NULL;

      if (strata_json_get_int (obj, "epoch", 0) > last_epoch)
        continue;
      line = json_to_string (node, FALSE);
      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }
  return strata_write_file_atomic (path, text->str, text->len, error);
}

static char *
checkpoint_file (const char *which)
{
  return g_strdup_printf ("checkpoint-%s.safetensors", which);
}

gboolean
strata_run_has_checkpoint (StrataRun  *self,
                           const char *which)
{
  g_autofree char *path = strata_run_dup_checkpoint_path (self, which);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/**
 * strata_run_dup_checkpoint_path:
 * @which: "last" or "best"
 */
char *
strata_run_dup_checkpoint_path (StrataRun  *self,
                                const char *which)
{
  g_autofree char *file = checkpoint_file (which);

  return strata_run_dup_path (self, file);
}
