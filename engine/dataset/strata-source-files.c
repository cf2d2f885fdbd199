/* strata-source-files.c: listing, labelling and hashing image files
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "strata-csv.h"
#include "strata-dataset.h"
#include "strata-decode.h"
#include "strata-hash.h"
#include "strata-source-files.h"
#include "strata-zip.h"

#define MAX_FILE_SIZE (G_GUINT64_CONSTANT (256) << 20)
#define MAX_CSV_SIZE (G_GUINT64_CONSTANT (256) << 20)

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

static void
walk_class_folder (StrataSourceFiles *self,
                   const char        *dir,
                   const char        *relative,
                   const char        *class_name,
                   GArray            *candidates,
                   guint              depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = list_dir (dir, &error);

  if (names == NULL)
    {
      problem (self, _("Could not read the folder “%s”: %s"), relative, error->message);
      return;
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *shown = display_name (self, name);
      g_autofree char *rel = g_strconcat (relative, "/", shown, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (depth < 16)
            walk_class_folder (self, path, rel, class_name, candidates, depth + 1);
        }
      else if (strata_path_is_image_name (name))
        add_candidate (candidates, path, 0, rel, class_name);
    }
}

static gboolean
list_folder (StrataSourceFiles  *self,
             const char         *root,
             GArray             *candidates,
             GError            **error)
{
  g_autoptr(GPtrArray) names = list_dir (root, error);
  guint loose = 0;

  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *class_name = display_name (self, name);
          guint before = candidates->len;

          walk_class_folder (self, path, class_name, class_name, candidates, 0);
          if (candidates->len == before)
            problem (self, _("The class folder “%s” holds no images; it is left out"),
                     class_name);
        }
      else if (strata_path_is_image_name (name))
        loose++;
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

          if (local == NULL)
            local = g_strdup (file);
          g_strdelimit (local, "\\", '/');
          path = g_canonicalize_filename (local, csv_dir);
          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            {
              problem (self, _("%s, line %u: “%s” does not exist; it is left out"), display,
                       line, file);
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

      /* mapping avoids a copy of files read once per epoch */
      mapped = g_mapped_file_new (path, FALSE, &local_error);
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
        mapped = g_mapped_file_new (path, FALSE, &local_error);
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
