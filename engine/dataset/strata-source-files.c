/* strata-source-files.c: listing, labelling and hashing image files
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#endif

#include "strata-csv.h"
#include "strata-dataset.h"
#include "strata-dataset-private.h"
#include "strata-decode.h"
#include "strata-hash.h"
#include "strata-source-files.h"
#include "strata-zip.h"

#define MAX_FILE_SIZE (G_GUINT64_CONSTANT (256) << 20)
#define MAX_CSV_SIZE (G_GUINT64_CONSTANT (256) << 20)
#define MAX_DEPTH 16
/* ImageNet-21k has 14 million images: room for it, not for a walk of a whole disk */
#define MAX_ENTRIES (1u << 24)

/* A file found while listing: where it is, what the user calls it, its class. */
typedef struct
{
  char *path;             /* on disk: absolute, in the file system's encoding */
  guint entry;            /* in a zip */
  char *name;             /* UTF-8, relative to the source */
  char *class_name;
  guint64 hash;
  GError *error;
} Candidate;

struct _StrataSourceFiles
{
  StrataSource parent_instance;

  StrataSourceKind kind;
  char *filename_column;
  char *label_column;
  gboolean is_csv;

  guint max_entries;

  StrataZip *zip;
  GPtrArray *paths;       /* per item: char*, on disk */
  GArray *entries;        /* per item: guint, in the zip */
};

G_DEFINE_FINAL_TYPE (StrataSourceFiles, strata_source_files, STRATA_TYPE_SOURCE)

static const char * const image_extensions[] = {
  "jpg", "jpeg", "jpe", "jfif", "png", "bmp", "gif", "tif", "tiff", "webp",
  "pnm", "ppm", "pgm", "pbm", "tga", NULL
};

/**
 * strata_path_is_image_name:
 *
 * Returns: whether the name ends in an extension of an image format gdk-pixbuf may read
 */
gboolean
strata_path_is_image_name (const char *name)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *lower = NULL;

  if (dot == NULL || strchr (dot, '/'))
    return FALSE;
  lower = g_ascii_strdown (dot + 1, -1);
  return g_strv_contains (image_extensions, lower);
}

static void
candidate_clear (gpointer data)
{
  Candidate *c = data;

  g_free (c->path);
  g_free (c->name);
  g_free (c->class_name);
  g_clear_error (&c->error);
}

static GArray *
candidates_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (Candidate));

  g_array_set_clear_func (array, candidate_clear);
  return array;
}

static void
add_candidate (GArray     *candidates,
               const char *path,
               guint       entry,
               const char *name,
               const char *class_name)
{
  Candidate c = {
    .path = g_strdup (path),
    .entry = entry,
    .name = g_strdup (name),
    .class_name = g_strdup (class_name),
  };

  g_array_append_val (candidates, c);
}

static void
problem (StrataSourceFiles *self,
         const char        *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
problem (StrataSourceFiles *self,
         const char        *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  strata_source_add_problem (STRATA_SOURCE (self), message);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sorted names in @dir, hidden ones left out. */
static GPtrArray *
list_dir (const char  *dir,
          GError     **error)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  GPtrArray *names;
  const char *name;

  if (d == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)))
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  return names;
}

/* Display form of a file-system name, noting names that are not UTF-8. */
static char *
display_name (StrataSourceFiles *self,
              const char        *raw)
{
  char *display = g_filename_display_name (raw);

  if (!g_utf8_validate (raw, -1, NULL))
    problem (self, _("“%s”: the name is not valid UTF-8; it is shown with replacement "
                     "characters"), display);
  return display;
}

/* Walking class folders ------------------------------------------------------------------- *
 *
 * A folder tree is a graph once links are followed: "s -> ." or "up -> .." loop, two such
 * links multiply the paths, a link to a sibling class relabels its images, and /proc never
 * ends. So each folder is listed once, known by device and inode; a link to a folder is
 * followed only when the folder lies inside the class folder the link is in (anywhere else
 * its images would get this class's label); the depth and the number of entries are bounded.
 * A link to a file is followed wherever it leads: the label comes from where the link lies,
 * and farms of links into a shared image store are a common way to build a dataset. Only
 * regular files are read: a FIFO or a device would block or never end. */

typedef struct
{
  dev_t dev;
  ino_t ino;
} FileId;

static guint
file_id_hash (gconstpointer key)
{
  const FileId *id = key;

  return (guint) (id->ino ^ (id->ino >> 32) ^ ((guint64) id->dev * 0x9e3779b1u));
}

static gboolean
file_id_equal (gconstpointer a,
               gconstpointer b)
{
  const FileId *x = a, *y = b;

  return x->dev == y->dev && x->ino == y->ino;
}

typedef struct
{
  StrataSourceFiles *self;
  GArray *candidates;
  GHashTable *visited;      /* FileId*: every folder listed or claimed by a class */
  guint n_entries;
  gboolean too_many;
} Walk;

/* Records the folder @st describes; FALSE when it was recorded before. */
static gboolean
visit (Walk            *walk,
       const GStatBuf  *st)
{
  FileId *id = g_new (FileId, 1);

  id->dev = st->st_dev;
  id->ino = st->st_ino;
  return g_hash_table_add (walk->visited, id);
}

/* @folder and @path canonical, without links */
static gboolean
is_inside (const char *path,
           const char *folder)
{
  gsize n = strlen (folder);

  if (n == 1 && folder[0] == '/')
    return TRUE;
  return strncmp (path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* realpath() as a g_free()able string, or %NULL */
static char *
real_path (const char *path)
{
  char *real = realpath (path, NULL);
  char *copy = g_strdup (real);

  free (real);
  return copy;
}

/* Whether @path is a folder of a file system that only looks like files: kernel and process
 * state (/proc, /sys and kin), never a dataset, and endless or blocking to read. */
static gboolean
is_pseudo_file_system (const char *path)
{
#ifdef __linux__
  static const long pseudo[] = {
    PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC, CGROUP_SUPER_MAGIC,
    CGROUP2_SUPER_MAGIC, SECURITYFS_MAGIC, BPF_FS_MAGIC, DEVPTS_SUPER_MAGIC, PSTOREFS_MAGIC,
    SELINUX_MAGIC, SMACK_MAGIC, EFIVARFS_MAGIC, BINFMTFS_MAGIC, 0x62656570 /* configfs */,
    0x65735543 /* fusectl */, 0x19800202 /* mqueue */,
  };
  struct statfs fs;

  if (statfs (path, &fs) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (pseudo); i++)
    if ((long) fs.f_type == pseudo[i])
      return TRUE;
#endif
  return FALSE;
}

/* Counts an entry against the bound; FALSE once it is passed. */
static gboolean
count_entry (Walk *walk)
{
  if (++walk->n_entries > walk->self->max_entries)
    walk->too_many = TRUE;
  return !walk->too_many;
}

static void walk_class_folder (Walk       *walk,
                               const char *dir,
                               const char *class_real,
                               const char *relative,
                               const char *class_name,
                               guint       depth);

/* A folder met while walking: descends unless it was seen or is too deep. */
static void
enter_folder (Walk           *walk,
              const char     *path,
              const GStatBuf *st,
              const GStatBuf *parent,
              const char     *class_real,
              const char     *rel,
              const char     *class_name,
              guint           depth)
{
  if (depth >= MAX_DEPTH)
    {
      problem (walk->self, _("“%s” lies more than %u folders deep; it is left out"), rel,
               (guint) MAX_DEPTH);
      return;
    }
  if (st->st_dev != parent->st_dev && is_pseudo_file_system (path))
    {
      problem (walk->self, _("“%s” is a system folder, not images; it is left out"), rel);
      return;
    }
  if (!visit (walk, st))
    {
      problem (walk->self, _("“%s” leads to a folder already listed; it is left out"), rel);
      return;
    }
  walk_class_folder (walk, path, class_real, rel, class_name, depth + 1);
}

static void
walk_class_folder (Walk       *walk,
                   const char *dir,
                   const char *class_real,
                   const char *relative,
                   const char *class_name,
                   guint       depth)
{
  StrataSourceFiles *self = walk->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = list_dir (dir, &error);
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  GStatBuf here;

  if (names == NULL || g_stat (dir, &here) != 0)
    {
      problem (self, _("Could not read the folder “%s”: %s"), relative,
               error ? error->message : g_strerror (errno));
      return;
    }
  for (guint i = 0; i < names->len && count_entry (walk); i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *shown = display_name (self, name);
      g_autofree char *rel = g_strconcat (relative, "/", shown, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;   /* gone since it was listed */
      if (S_ISLNK (st.st_mode))
        {
          /* after the real folders, so that those keep their own names */
          g_ptr_array_add (links, g_strdup (name));
          continue;
        }
      if (S_ISDIR (st.st_mode))
        enter_folder (walk, path, &st, &here, class_real, rel, class_name, depth);
      else if (strata_path_is_image_name (name))
        {
          if (S_ISREG (st.st_mode))
            add_candidate (walk->candidates, path, 0, rel, class_name);
          else
            problem (self, _("“%s” is not a regular file; it is left out"), rel);
        }
    }

  for (guint i = 0; i < links->len && !walk->too_many; i++)
    {
      const char *name = g_ptr_array_index (links, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *shown = g_filename_display_name (name);
      g_autofree char *rel = g_strconcat (relative, "/", shown, NULL);
      g_autofree char *real = NULL;
      GStatBuf st;

      if (g_stat (path, &st) != 0)
        {
          if (strata_path_is_image_name (name))
            problem (self, _("“%s” is a link to nothing; it is left out"), rel);
          continue;
        }
      real = real_path (path);
      if (real == NULL)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (!is_inside (real, class_real))
            problem (self, _("“%s” links to a folder outside its class folder; it is left "
                             "out"), rel);
          else
            enter_folder (walk, real, &st, &here, class_real, rel, class_name, depth);
        }
      else if (strata_path_is_image_name (name))
        {
          if (S_ISREG (st.st_mode))
            add_candidate (walk->candidates, real, 0, rel, class_name);
          else
            problem (self, _("“%s” is not a regular file; it is left out"), rel);
        }
    }
}

static gboolean
list_folder (StrataSourceFiles  *self,
             const char         *root,
             GArray             *candidates,
             GError            **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GHashTable) visited = g_hash_table_new_full (file_id_hash, file_id_equal, g_free,
                                                         NULL);
  g_autoptr(GPtrArray) classes = g_ptr_array_new_with_free_func (g_free);   /* raw names */
  g_autoptr(GPtrArray) class_paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root_real = real_path (root);
  g_autofree char *display = g_filename_display_name (root);
  Walk walk = { self, candidates, visited, 0, FALSE };
  GStatBuf root_st;
  guint loose = 0;

  if (root_real == NULL || g_stat (root_real, &root_st) != 0)
    {
      int saved = errno;

      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_NOT_FOUND,
                   _("Could not read the folder “%s”: %s"), display, g_strerror (saved));
      return FALSE;
    }
  if (g_str_equal (root_real, "/") || is_pseudo_file_system (root_real))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("“%s” is a system folder, not a folder of images; choose the folder "
                     "that holds the class folders"), display);
      return FALSE;
    }
  names = list_dir (root_real, error);
  if (names == NULL)
    return FALSE;
  visit (&walk, &root_st);

  /* Every class folder is claimed before any is walked, so that a link from one class into
   * another is known for what it is whatever the names' order; real folders before links. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < names->len; i++)
      {
        const char *name = g_ptr_array_index (names, i);
        g_autofree char *path = g_build_filename (root_real, name, NULL);
        g_autofree char *real = NULL;
        GStatBuf st;

        if (pass == 0 && !count_entry (&walk))
          break;
        if (g_lstat (path, &st) != 0 || (pass == 0) == S_ISLNK (st.st_mode))
          continue;
        if (S_ISLNK (st.st_mode) && g_stat (path, &st) != 0)
          continue;
        if (!S_ISDIR (st.st_mode))
          {
            if (pass == 0 && strata_path_is_image_name (name))
              loose++;
            continue;
          }
        real = real_path (path);
        if (real == NULL)
          continue;
        if (!is_inside (real, root_real))
          {
            g_autofree char *shown = g_filename_display_name (name);

            problem (self, _("“%s” links to a folder outside “%s”; it is left out"), shown,
                     display);
            continue;
          }
        if (is_pseudo_file_system (real))
          {
            g_autofree char *shown = g_filename_display_name (name);

            problem (self, _("“%s” is a system folder, not images; it is left out"), shown);
            continue;
          }
        if (!visit (&walk, &st))
          {
            g_autofree char *shown = g_filename_display_name (name);

            problem (self, _("“%s” leads to a folder already listed; it is left out"), shown);
            continue;
          }
        g_ptr_array_add (classes, g_strdup (name));
        g_ptr_array_add (class_paths, g_steal_pointer (&real));
      }

  for (guint i = 0; i < classes->len && !walk.too_many; i++)
    {
      const char *class_path = g_ptr_array_index (class_paths, i);
      g_autofree char *class_name = display_name (self, g_ptr_array_index (classes, i));
      guint before = candidates->len;

      walk_class_folder (&walk, class_path, class_path, class_name, class_name, 0);
      if (candidates->len == before && !walk.too_many)
        problem (self, _("The class folder “%s” holds no images; it is left out"), class_name);
    }
  if (walk.too_many)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("“%s” holds more than %u files and folders; choose the folder that holds "
                     "the class folders"), display, self->max_entries);
      return FALSE;
    }
  if (loose > 0)
    problem (self, g_dngettext (GETTEXT_PACKAGE,
                                "%u image lies beside the class folders, in no class; it is "
                                "left out",
                                "%u images lie beside the class folders, in no class; they "
                                "are left out", loose), loose);
  return TRUE;
}

/* CSV ------------------------------------------------------------------------------------- */

static int
find_column (char       **header,
             const char  *wanted)
{
  for (int i = 0; header[i]; i++)
    if (g_ascii_strcasecmp (g_strstrip (header[i]), wanted) == 0)
      return i;
  return -1;
}

static int
find_known_column (char              **header,
                   const char * const *names)
{
  for (guint k = 0; names[k]; k++)
    {
      int column = find_column (header, names[k]);

      if (column >= 0)
        return column;
    }
  return -1;
}

/* Decides whether the first row is a header and which columns hold file and label. */
static gboolean
csv_columns (StrataSourceFiles  *self,
             StrataCsv          *csv,
             const char         *display,
             int                *file_column,
             int                *label_column,
             guint              *first_row,
             GError            **error)
{
  static const char * const file_names[] = {
    "filename", "file", "file_name", "filepath", "path", "image", "image_name", "img", NULL
  };
  static const char * const label_names[] = {
    "label", "class", "category", "target", "class_name", "classname", "y", NULL
  };
  char **header;
  guint n_columns;

  if (csv->rows->len == 0)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("“%s” is empty"), display);
      return FALSE;
    }
  header = g_ptr_array_index (csv->rows, 0);
  n_columns = g_strv_length (header);

  if (self->filename_column[0] || self->label_column[0])
    {
      *first_row = 1;
      *file_column = self->filename_column[0] ? find_column (header, self->filename_column) : 0;
      *label_column = self->label_column[0] ? find_column (header, self->label_column) : 1;
      if (*file_column < 0 || *label_column < 0)
        {
          g_autofree char *columns = g_strjoinv ("”, “", header);

          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("“%s” has no column “%s”; its first line names “%s”"), display,
                       *file_column < 0 ? self->filename_column : self->label_column, columns);
          return FALSE;
        }
      return TRUE;
    }

  *file_column = 0;
  *label_column = 1;
  *first_row = 0;
  if (n_columns >= 2 && !strata_path_is_image_name (header[0]))
    {
      /* a header: take the columns it names, if it names them */
      int f = find_known_column (header, file_names);
      int l = find_known_column (header, label_names);

      *first_row = 1;
      if (f >= 0)
        *file_column = f;
      if (l >= 0 && l != *file_column)
        *label_column = l;
      else if (*file_column == 1)
        *label_column = 0;
    }
  if (n_columns < 2)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("“%s” needs two columns, the file name and the label, but its first line "
                     "has one (the delimiter seems to be “%c”)"),
                   display, csv->delimiter == '\t' ? ' ' : csv->delimiter);
      return FALSE;
    }
  return TRUE;
}

/* "a/./b/../c" → "a/c"; NULL when it climbs above the start or is absolute. */
static char *
normalize_relative (const char *path)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *slashed = g_strdup (path);

  g_strdelimit (slashed, "\\", '/');
  if (slashed[0] == '/' || (g_ascii_isalpha (slashed[0]) && slashed[1] == ':'))
    return NULL;
  parts = g_strsplit (slashed, "/", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (parts[i][0] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          if (kept->len == 0)
            return NULL;
          g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, parts[i]);
    }
  for (guint i = 0; i < kept->len; i++)
    g_string_append_printf (out, "%s%s", i ? "/" : "", (char *) g_ptr_array_index (kept, i));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* @csv_dir: on disk, the CSV's folder; in a zip, the CSV's folder inside it ("" or "x/").
 * @zip_names: in a zip, entry name → index + 1 */
static gboolean
list_csv (StrataSourceFiles  *self,
          GBytes             *text,
          const char         *display,
          const char         *csv_dir,
          GHashTable         *zip_names,
          GArray             *candidates,
          GError            **error)
{
  g_autoptr(StrataCsv) csv = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local_error = NULL;
  int file_column, label_column;
  guint first_row;
  gsize size = 0;
  const char *data = g_bytes_get_data (text, &size);

  csv = strata_csv_parse (data, size, &local_error);
  if (csv == NULL)
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("Could not read “%s”: %s"), display, local_error->message);
      return FALSE;
    }
  if (!csv_columns (self, csv, display, &file_column, &label_column, &first_row, error))
    return FALSE;

  for (guint r = first_row; r < csv->rows->len; r++)
    {
      char **fields = g_ptr_array_index (csv->rows, r);
      guint line = g_array_index (csv->lines, guint, r);
      guint n_fields = g_strv_length (fields);
      const char *file, *label;
      guint previous;

      if ((guint) MAX (file_column, label_column) >= n_fields)
        {
          problem (self, _("%s, line %u: too few fields; the line is left out"), display, line);
          continue;
        }
      file = fields[file_column];
      label = g_strstrip (fields[label_column]);
      if (file[0] == '\0')
        {
          problem (self, _("%s, line %u: no file name; the line is left out"), display, line);
          continue;
        }
      if (label[0] == '\0')
        {
          problem (self, _("%s, line %u: “%s” has an empty label; it is left out"), display,
                   line, file);
          continue;
        }

      if (zip_names)
        {
          g_autofree char *joined = g_strconcat (csv_dir, file, NULL);
          g_autofree char *normal = normalize_relative (joined);
          guint entry;

          if (normal == NULL || !strata_zip_is_safe_name (file))
            {
              problem (self, _("%s, line %u: “%s” points outside the archive; it is left out"),
                       display, line, file);
              continue;
            }
          entry = GPOINTER_TO_UINT (g_hash_table_lookup (zip_names, normal));
          if (entry == 0)
            {
              problem (self, _("%s, line %u: “%s” is not in the archive; it is left out"),
                       display, line, file);
              continue;
            }
          previous = GPOINTER_TO_UINT (g_hash_table_lookup (seen, normal));
          if (previous)
            {
              problem (self, _("%s, line %u: “%s” was already listed on line %u; this line is "
                               "left out"), display, line, file, previous);
              continue;
            }
          g_hash_table_insert (seen, g_strdup (normal), GUINT_TO_POINTER (line));
          add_candidate (candidates, NULL, entry - 1, file, label);
        }
      else
        {
          g_autofree char *local = g_filename_from_utf8 (file, -1, NULL, NULL, NULL);
          g_autofree char *path = NULL;
          GStatBuf st;

          if (local == NULL)
            local = g_strdup (file);
          g_strdelimit (local, "\\", '/');
          path = g_canonicalize_filename (local, csv_dir);
          if (g_stat (path, &st) != 0)
            {
              problem (self, _("%s, line %u: “%s” does not exist; it is left out"), display,
                       line, file);
              continue;
            }
          if (!S_ISREG (st.st_mode))
            {
              /* a FIFO would block the reader for ever, a device never end */
              problem (self, _("%s, line %u: “%s” is not a regular file; it is left out"),
                       display, line, file);
              continue;
            }
          previous = GPOINTER_TO_UINT (g_hash_table_lookup (seen, path));
          if (previous)
            {
              problem (self, _("%s, line %u: “%s” was already listed on line %u; this line is "
                               "left out"), display, line, file, previous);
              continue;
            }
          g_hash_table_insert (seen, g_strdup (path), GUINT_TO_POINTER (line));
          add_candidate (candidates, path, 0, file, label);
        }
    }
  return TRUE;
}

/* Zip ---------------------------------------------------------------------------------------- */

static gboolean
hidden_entry (const char *name)
{
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);

  for (guint i = 0; parts[i]; i++)
    if (parts[i][0] == '.' || g_str_equal (parts[i], "__MACOSX"))
      return TRUE;
  return FALSE;
}

static guint
depth_of (const char *name)
{
  guint depth = 0;

  for (; *name; name++)
    depth += *name == '/';
  return depth;
}

static gboolean
list_zip (StrataSourceFiles  *self,
          GArray             *candidates,
          GError            **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) images = g_ptr_array_new ();    /* entry index as pointer + 1 */
  g_autofree char *display = g_filename_display_name (strata_source_get_path (STRATA_SOURCE (self)));
  g_autofree char *root = NULL;
  int csv_entry = -1;
  guint n = strata_zip_get_n_entries (self->zip);

  for (guint i = 0; i < n; i++)
    {
      const char *name = strata_zip_get_name (self->zip, i);

      if (!strata_zip_is_safe_name (name))
        {
          problem (self, _("“%s” in “%s” has an absolute path or one that leaves the "
                           "archive; it is left out"), name, display);
          continue;
        }
      if (strata_zip_is_dir (self->zip, i) || hidden_entry (name))
        continue;
      g_hash_table_insert (names, (gpointer) name, GUINT_TO_POINTER (i + 1));
      if (g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".CSV"))
        {
          if (csv_entry < 0 || depth_of (name) < depth_of (strata_zip_get_name (self->zip,
                                                                                csv_entry)))
            csv_entry = i;
        }
      else if (strata_path_is_image_name (name))
        g_ptr_array_add (images, GUINT_TO_POINTER (i + 1));
    }

  if (csv_entry >= 0)
    {
      const char *csv_name = strata_zip_get_name (self->zip, csv_entry);
      const char *slash = strrchr (csv_name, '/');
      g_autofree char *csv_dir = slash ? g_strndup (csv_name, slash - csv_name + 1) : g_strdup ("");
      g_autofree char *csv_display = g_strdup_printf ("%s:%s", display, csv_name);
      g_autoptr(GBytes) text = strata_zip_read (self->zip, csv_entry, MAX_CSV_SIZE, error);

      self->is_csv = TRUE;
      if (text == NULL)
        return FALSE;
      return list_csv (self, text, csv_display, csv_dir, names, candidates, error);
    }

  /* folders: descend while everything sits in one top folder with class folders below */
  root = g_strdup ("");
  for (;;)
    {
      g_autofree char *top = NULL;
      gboolean one_top = images->len > 0;

      for (guint k = 0; k < images->len && one_top; k++)
        {
          const char *rest = strata_zip_get_name (self->zip,
                                                  GPOINTER_TO_UINT (g_ptr_array_index (images,
                                                                                       k)) - 1)
                             + strlen (root);
          const char *slash = strchr (rest, '/');

          if (slash == NULL || strchr (slash + 1, '/') == NULL)
            one_top = FALSE;   /* an image or a class folder right here */
          else if (top == NULL)
            top = g_strndup (rest, slash - rest + 1);
          else if (strncmp (rest, top, strlen (top)) != 0)
            one_top = FALSE;
        }
      if (!one_top || top == NULL)
        break;
      {
        char *deeper = g_strconcat (root, top, NULL);

        g_free (root);
        root = deeper;
      }
    }

  {
    guint loose = 0;

    for (guint k = 0; k < images->len; k++)
      {
        guint entry = GPOINTER_TO_UINT (g_ptr_array_index (images, k)) - 1;
        const char *name = strata_zip_get_name (self->zip, entry);
        const char *rest, *slash;
        g_autofree char *class_name = NULL;

        if (!g_str_has_prefix (name, root))
          {
            loose++;
            continue;
          }
        rest = name + strlen (root);
        slash = strchr (rest, '/');
        if (slash == NULL)
          {
            loose++;
            continue;
          }
        class_name = g_strndup (rest, slash - rest);
        add_candidate (candidates, NULL, entry, rest, class_name);
      }
    if (loose > 0)
      problem (self, g_dngettext (GETTEXT_PACKAGE,
                                  "%u image in “%s” lies outside the class folders; it is "
                                  "left out",
                                  "%u images in “%s” lie outside the class folders; they are "
                                  "left out", loose), loose, display);
  }
  return TRUE;
}

/* Reading and hashing ------------------------------------------------------------------------ */

/**
 * strata_map_regular_file:
 * @path: in the file system's encoding
 * @follow_links: whether the last part of @path may be a link
 *
 * Maps a file the user named or a folder held, refusing anything but a regular file: opening
 * a FIFO waits for a writer for ever and a device may never end. The file is opened without
 * blocking and checked once open, so that a file swapped for a FIFO after it was listed is
 * refused too.
 *
 * Returns: (transfer full): the mapping, or %NULL with @error set in the #G_FILE_ERROR domain
 */
GMappedFile *
strata_map_regular_file (const char  *path,
                         gboolean     follow_links,
                         GError     **error)
{
  int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (follow_links ? 0 : O_NOFOLLOW);
  int fd = g_open (path, flags, 0);
  GMappedFile *mapped;
  GStatBuf st;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                           g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _("it is not a regular file"));
      g_close (fd, NULL);
      return NULL;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, error);
  g_close (fd, NULL);
  return mapped;
}

static GBytes *
read_file (StrataSourceFiles  *self,
           const char         *path,
           guint               entry,
           const char         *name,
           GError            **error)
{
  if (self->zip)
    return strata_zip_read (self->zip, entry, MAX_FILE_SIZE, error);
  else
    {
      g_autoptr(GMappedFile) mapped = NULL;
      g_autoptr(GError) local_error = NULL;

      /* mapping avoids a copy of files read once per epoch; a folder's files are real
       * files or the targets of links, found while listing, and stay so */
      mapped = strata_map_regular_file (path, self->is_csv, &local_error);
      if (mapped == NULL)
        {
          g_set_error (error, STRATA_DATASET_ERROR,
                       g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                         ? STRATA_DATASET_ERROR_NOT_FOUND : STRATA_DATASET_ERROR_CORRUPT,
                       _("Could not read “%s”: %s"), name, local_error->message);
          return NULL;
        }
      if (g_mapped_file_get_length (mapped) > MAX_FILE_SIZE)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_CORRUPT,
                       _("“%s” is too large to be an image for training"), name);
          return NULL;
        }
      return g_mapped_file_get_bytes (mapped);
    }
}

typedef struct
{
  StrataSourceFiles *self;
  GArray *candidates;
  GCancellable *cancellable;
} HashJob;

static void
hash_one (gpointer data,
          gpointer user_data)
{
  HashJob *job = user_data;
  Candidate *c = &g_array_index (job->candidates, Candidate, GPOINTER_TO_UINT (data) - 1);
  g_autoptr(GBytes) bytes = NULL;

  if (g_cancellable_is_cancelled (job->cancellable))
    return;
  bytes = read_file (job->self, c->path, c->entry, c->name, &c->error);
  if (bytes)
    c->hash = strata_hash_bytes (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0);
}

/* Reads every file once for its content hash, a few at a time. */
static gboolean
hash_candidates (StrataSourceFiles  *self,
                 GArray             *candidates,
                 GCancellable       *cancellable,
                 GError            **error)
{
  HashJob job = { self, candidates, cancellable };
  GThreadPool *pool = g_thread_pool_new (hash_one, &job,
                                         CLAMP (g_get_num_processors (), 1, 4), TRUE, error);

  if (pool == NULL)
    return FALSE;
  for (guint i = 0; i < candidates->len; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
strata_source_files_load (StrataSource  *source,
                          GCancellable  *cancellable,
                          GError       **error)
{
  StrataSourceFiles *self = STRATA_SOURCE_FILES (source);
  const char *path = strata_source_get_path (source);
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GArray) candidates = candidates_new ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_NOT_FOUND,
                   _("“%s” does not exist"), display);
      return FALSE;
    }

  switch (self->kind)
    {
    case STRATA_SOURCE_FOLDER:
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("“%s” is not a folder"), display);
          return FALSE;
        }
      if (!list_folder (self, path, candidates, error))
        return FALSE;
      break;

    case STRATA_SOURCE_CSV:
      {
        g_autoptr(GError) local_error = NULL;
        g_autofree char *dir = g_path_get_dirname (path);
        g_autoptr(GBytes) text = NULL;
        g_autoptr(GMappedFile) mapped = NULL;

        self->is_csv = TRUE;
        if (g_file_test (path, G_FILE_TEST_IS_DIR))
          {
            g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                         _("“%s” is a folder, not a CSV file"), display);
            return FALSE;
          }
        mapped = strata_map_regular_file (path, TRUE, &local_error);
        if (mapped == NULL || g_mapped_file_get_length (mapped) > MAX_CSV_SIZE)
          {
            g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                         _("Could not read “%s”: %s"), display,
                         local_error ? local_error->message : _("the file is too large"));
            return FALSE;
          }
        text = g_mapped_file_get_bytes (mapped);
        if (!list_csv (self, text, display, dir, NULL, candidates, error))
          return FALSE;
      }
      break;

    case STRATA_SOURCE_ZIP:
      self->zip = strata_zip_open (path, error);
      if (self->zip == NULL || !list_zip (self, candidates, error))
        return FALSE;
      break;

    case STRATA_SOURCE_FASHION_MNIST:
    default:
      g_assert_not_reached ();
    }

  if (!hash_candidates (self, candidates, cancellable, error))
    return FALSE;

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);

      if (c->error)
        {
          strata_source_add_problem (source, c->error->message);
          continue;
        }
      strata_source_add_item (source, c->name, strata_source_add_class (source, c->class_name),
                              -1, c->hash);
      g_ptr_array_add (self->paths, g_steal_pointer (&c->path));
      g_array_append_val (self->entries, c->entry);
    }
  strata_source_sort_classes (source);
  return TRUE;
}

static gboolean
strata_source_files_read_image (StrataSource  *source,
                                guint          index,
                                StrataImage   *image,
                                GError       **error)
{
  StrataSourceFiles *self = STRATA_SOURCE_FILES (source);
  const char *path = g_ptr_array_index (self->paths, index);
  g_autofree char *shown = NULL;
  g_autoptr(GBytes) bytes = NULL;

  /* messages name the file so that the user can find it: the full path, or the archive and
   * the entry */
  if (self->zip)
    {
      g_autofree char *archive = g_filename_display_name (strata_source_get_path (source));

      shown = g_strdup_printf ("%s:%s", archive,
                               strata_zip_get_name (self->zip,
                                                    g_array_index (self->entries, guint, index)));
    }
  else
    shown = g_filename_display_name (path);
  bytes = read_file (self, path, g_array_index (self->entries, guint, index), shown, error);
  if (bytes == NULL)
    return FALSE;
  return strata_decode_image (bytes, shown, strata_source_get_max_pixels (source),
                              strata_source_get_resize_spec (source), image, error);
}

static void
strata_source_files_finalize (GObject *object)
{
  StrataSourceFiles *self = (StrataSourceFiles *) object;

  g_clear_pointer (&self->filename_column, g_free);
  g_clear_pointer (&self->label_column, g_free);
  g_clear_pointer (&self->zip, strata_zip_free);
  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->entries, g_array_unref);
  G_OBJECT_CLASS (strata_source_files_parent_class)->finalize (object);
}

static void
strata_source_files_class_init (StrataSourceFilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StrataSourceClass *source_class = STRATA_SOURCE_CLASS (klass);

  object_class->finalize = strata_source_files_finalize;
  source_class->load = strata_source_files_load;
  source_class->read_image = strata_source_files_read_image;
}

static void
strata_source_files_init (StrataSourceFiles *self)
{
  self->paths = g_ptr_array_new_with_free_func (g_free);
  self->entries = g_array_new (FALSE, FALSE, sizeof (guint));
  self->max_entries = MAX_ENTRIES;
}

/**
 * strata_source_files_new:
 * @kind: folder, CSV or zip
 * @path: the folder, the CSV file or the zip, absolute
 * @filename_column: (nullable): CSV: the header of the file column; empty or %NULL to detect
 * @label_column: (nullable): CSV: the header of the label column
 *
 * Returns: (transfer full): the source, not loaded yet
 */
StrataSource *
strata_source_files_new (StrataSourceKind  kind,
                         const char       *path,
                         const char       *filename_column,
                         const char       *label_column)
{
  StrataSourceFiles *self = g_object_new (STRATA_TYPE_SOURCE_FILES, "path", path, NULL);

  self->kind = kind;
  self->filename_column = g_strdup (filename_column ? filename_column : "");
  self->label_column = g_strdup (label_column ? label_column : "");
  return STRATA_SOURCE (self);
}

/**
 * strata_source_files_is_csv:
 *
 * Returns: whether the images are listed by a CSV (given, or found in the zip)
 */
gboolean
strata_source_files_is_csv (StrataSourceFiles *self)
{
  return self->is_csv;
}

void
_strata_source_files_set_max_entries (StrataSourceFiles *self,
                                      guint              max_entries)
{
  self->max_entries = max_entries;
}
