/* strata-csv.c: RFC 4180 quoting, any of , ; tab | as the delimiter
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

static const char candidates[] = { ',', ';', '\t', '|' };

/* Counts each candidate outside quotes on the first lines; the delimiter is the one that
 * appears the same, non-zero number of times on most lines. */
char
strata_csv_detect_delimiter (const char *text,
                             gsize       length)
{
  guint counts[20][G_N_ELEMENTS (candidates)] = { { 0 } };
  guint n_lines = 0;
  gboolean quoted = FALSE, any = FALSE;
  int best = 0;
  guint best_score = 0;

  for (gsize i = 0; i < length && n_lines < 20; i++)
    {
      char c = text[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        {
          if (any)
            n_lines++;
          any = FALSE;
        }
      else if (!quoted)
        {
          any = TRUE;
          for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
            if (c == candidates[k])
              counts[n_lines][k]++;
        }
    }
  if (any && n_lines < 20)
    n_lines++;

  for (guint k = 0; k < G_N_ELEMENTS (candidates); k++)
    {
      guint score = 0;

      if (n_lines == 0 || counts[0][k] == 0)
        continue;
      for (guint l = 0; l < n_lines; l++)
        score += counts[l][k] == counts[0][k];
      if (score > best_score)
        {
          best_score = score;
          best = k;
        }
    }
  return candidates[best];
}

static gboolean
is_blank (const char *text)
{
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static void
end_row (StrataCsv  *csv,
         GPtrArray  *fields,
         guint       line)
{
  gboolean empty = fields->len == 1 && ((char *) g_ptr_array_index (fields, 0))[0] == '\0';

  if (!empty)
    {
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (csv->rows, g_ptr_array_steal (fields, NULL));
      g_array_append_val (csv->lines, line);
    }
  else
    g_ptr_array_set_size (fields, 0);
}

/**
 * strata_csv_parse:
 *
 * Fields are trimmed of surrounding spaces unless quoted; empty lines are skipped; a UTF-8
 * byte order mark is ignored. Text that is not UTF-8 is read as Windows-1252.
 *
 * Returns: (transfer full) (nullable): the rows
 */
StrataCsv *
strata_csv_parse (const char  *text,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(StrataCsv) csv = g_new0 (StrataCsv, 1);
  g_autofree char *converted = NULL;
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  gboolean quoted = FALSE, was_quoted = FALSE;
  guint line = 1, row_line = 1;
  gsize i = 0;

  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    {
      text += 3;
      length -= 3;
    }
  if (memchr (text, '\0', length))
    {
      g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                   _("The file is not text"));
      return NULL;
    }
  if (!g_utf8_validate (text, length, NULL))
    {
      gsize written = 0;

      converted = g_convert (text, length, "UTF-8", "WINDOWS-1252", NULL, &written, NULL);
      if (converted == NULL)
        {
          g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                       _("The file is neither UTF-8 nor Windows-1252 text"));
          return NULL;
        }
      text = converted;
      length = written;
    }

  csv->delimiter = strata_csv_detect_delimiter (text, length);
  csv->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  csv->lines = g_array_new (FALSE, FALSE, sizeof (guint));

  for (i = 0; i <= length; i++)
    {
      char c = i < length ? text[i] : '\n';

      if (quoted)
        {
          if (c == '"' && i + 1 < length && text[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                line++;
              g_string_append_c (field, c);
            }
          if (i == length)
            {
              g_set_error (error, STRATA_DATASET_ERROR, STRATA_DATASET_ERROR_INVALID,
                           _("Line %u opens a quote that is never closed"), row_line);
              return NULL;
            }
          continue;
        }
      if (c == '"' && is_blank (field->str))
        {
          /* a quote at the start of a field (after spaces) opens quoting */
          g_string_truncate (field, 0);
          quoted = was_quoted = TRUE;
        }
      else if (c == csv->delimiter || c == '\n' || c == '\r')
        {
          char *value = g_string_free (g_steal_pointer (&field), FALSE);

          if (!was_quoted)
            g_strstrip (value);
          g_ptr_array_add (fields, value);
          field = g_string_new (NULL);
          was_quoted = FALSE;
          if (c != csv->delimiter)
            {
              end_row (csv, fields, row_line);
              if (c == '\r' && i + 1 < length && text[i + 1] == '\n')
                i++;
              line++;
              row_line = line;
            }
        }
      else
        g_string_append_c (field, c);
    }
  return g_steal_pointer (&csv);
}

void
strata_csv_free (StrataCsv *csv)
{
  if (csv == NULL)
    return;
  g_clear_pointer (&csv->rows, g_ptr_array_unref);
  g_clear_pointer (&csv->lines, g_array_unref);
  g_free (csv);
}
