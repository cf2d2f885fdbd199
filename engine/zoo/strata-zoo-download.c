/* strata-zoo-download.c: fetch a weights file over HTTP, resumable and checked
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-zoo"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "strata-zoo-files.h"

/*
 * torch.hub's pattern: the bytes go to NAME.part beside the final file; a broken connection
 * leaves the part, and the next attempt asks only for the rest (an HTTP Range request); the
 * whole file's hash is checked before the part is renamed into place, so a cache never holds
 * a file that was not checked.
 */

#define MAX_ATTEMPTS 4
#define CHUNK (256 * 1024)

typedef struct
{
  StrataZooProgress progress;
  gpointer user_data;
  gint64 last_time;
  gint64 last_bytes;
  double speed;
} Meter;

static void
meter_update (Meter  *meter,
              gint64  bytes,
              gint64  total,
              gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  double dt = (now - meter->last_time) / 1e6;

  /* the first bytes at once, then ten times a second */
  if (meter->progress == NULL || (!force && dt < 0.1 && meter->last_bytes > 0))
    return;
  if (dt > 0 && bytes >= meter->last_bytes)
    {
      double rate = (bytes - meter->last_bytes) / dt;
      meter->speed = meter->speed > 0 ? 0.7 * meter->speed + 0.3 * rate : rate;
    }
  meter->last_time = now;
  meter->last_bytes = bytes;
  meter->progress (bytes, total, meter->speed, meter->user_data);
}

static gboolean
is_offline_error (const GError *error)
{
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* The SHA-256 that Hugging Face sends for files stored in Git LFS. */
static char *
etag_sha256 (SoupMessage *msg)
{
  static const char *const headers[] = { "X-Linked-Etag", "ETag" };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                        headers[i]);
      g_autofree char *tag = value ? g_strdup (value) : NULL;

      if (tag == NULL)
        continue;
      g_strstrip (g_strdelimit (tag, "\"W/", ' '));
      if (strlen (tag) == 64 && strspn (tag, "0123456789abcdefABCDEF") == 64)
        return g_steal_pointer (&tag);
    }
  return NULL;
}

typedef enum
{
  ATTEMPT_DONE,
  ATTEMPT_RETRY,          /* the connection broke: the part is kept, ask for the rest */
  ATTEMPT_FAILED,
} AttemptResult;

/* One request: from the end of the part (if any) to the end of the file. */
static AttemptResult
attempt (SoupSession   *session,
         const char    *url,
         const char    *part,
         gint64        *total,
         char         **etag,
         Meter         *meter,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buffer = NULL;
  GStatBuf st;
  gint64 offset = g_stat (part, &st) == 0 ? st.st_size : 0;
  gint64 length;
  guint status;
  FILE *out;

  if (msg == NULL)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK,
                   _("“%s” is not a web address"), url);
      return ATTEMPT_FAILED;
    }
  if (offset > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), offset, -1);
  in = soup_session_send (session, msg, cancellable, &local_error);
  if (in == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return ATTEMPT_FAILED;
        }
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK, "%s",
                   local_error->message);
      return is_offline_error (local_error) ? ATTEMPT_FAILED : ATTEMPT_RETRY;
    }

  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && offset > 0)
    {
      /* the part is already whole (or longer than the file: then the check fails) */
      *total = offset;
      return ATTEMPT_DONE;
    }
  if (status != SOUP_STATUS_OK && status != SOUP_STATUS_PARTIAL_CONTENT)
    {
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK,
                   _("The server answered %u %s"), status,
                   soup_message_get_reason_phrase (msg));
      return status >= 500 ? ATTEMPT_RETRY : ATTEMPT_FAILED;
    }
  if (*etag == NULL)
    *etag = etag_sha256 (msg);
  if (status == SOUP_STATUS_OK)
    offset = 0;   /* the server ignored the range: start over */
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
  *total = length > 0 ? offset + length : -1;

  out = g_fopen (part, offset > 0 ? "ab" : "wb");
  if (out == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), part, g_strerror (saved));
      return ATTEMPT_FAILED;
    }
  buffer = g_malloc (CHUNK);
  for (;;)
    {
      gssize n = g_input_stream_read (in, buffer, CHUNK, cancellable, &local_error);

      if (n < 0)
        break;
      if (n == 0)
        break;
      if (fwrite (buffer, 1, n, out) != (size_t) n)
        {
          int saved = errno;
          fclose (out);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Could not write “%s”: %s"), part, g_strerror (saved));
          return ATTEMPT_FAILED;
        }
      offset += n;
      meter_update (meter, offset, *total, FALSE);
    }
  if (fclose (out) != 0 && local_error == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), part, g_strerror (saved));
      return ATTEMPT_FAILED;
    }
  meter_update (meter, offset, *total, TRUE);
  if (local_error && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return ATTEMPT_FAILED;
    }
  if (local_error || (*total > 0 && offset < *total))
    {
      g_autofree char *size = g_format_size (offset);

      /* Translators: %s is a size such as "41.2 MB" */
      g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK,
                   _("The connection broke after %s"), size);
      return ATTEMPT_RETRY;
    }
  *total = offset;
  return ATTEMPT_DONE;
}

/**
 * strata_zoo_download:
 * @url: where the file is
 * @path: where it goes; the download writes @path.part next to it
 * @md5: (nullable): the expected MD5
 * @sha256: (nullable): the expected SHA-256; without either, a SHA-256 the server gives as
 *   the ETag (Hugging Face) is checked
 * @progress: (nullable): called as bytes arrive, with the size and the speed
 *
 * Downloads @url with libsoup, resuming a part left by an earlier attempt and retrying a
 * broken connection a few times, checks the hash and moves the file into place. A file of
 * another hash is deleted. Blocks: call it from a worker thread under a GUI.
 */
gboolean
strata_zoo_download (const char         *url,
                     const char         *path,
                     const char         *md5,
                     const char         *sha256,
                     StrataZooProgress   progress,
                     gpointer            user_data,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *etag = NULL;
  g_autoptr(GError) last_error = NULL;
  g_autoptr(GError) hash_error = NULL;
  Meter meter = { progress, user_data, g_get_monotonic_time (), 0, 0 };
  gint64 total = -1;
  AttemptResult result = ATTEMPT_RETRY;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not make the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 60, NULL);
  soup_session_set_user_agent (session, "Strata/" PACKAGE_VERSION " ");
  for (int i = 0; i < MAX_ATTEMPTS && result == ATTEMPT_RETRY; i++)
    {
      if (i > 0)
        {
          g_debug ("%s: retrying (%s)", url, last_error ? last_error->message : "");
          g_usleep (G_USEC_PER_SEC / 4 * i);
        }
      g_clear_error (&last_error);
      result = attempt (session, url, part, &total, &etag, &meter, cancellable, &last_error);
    }

  if (result != ATTEMPT_DONE)
    {
      if (g_error_matches (last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&last_error));
          return FALSE;
        }
      if (last_error->domain == STRATA_ZOO_ERROR)
        /* Translators: "Could not download https://… : Error resolving “host”. Put the file
         * in /home/u/.cache/strata/weights yourself, or try again when online; the part
         * downloaded so far is kept." */
        g_set_error (error, STRATA_ZOO_ERROR, STRATA_ZOO_ERROR_NETWORK,
                     _("Could not download %s: %s. Try again when online (the part downloaded "
                       "so far is kept), or download the file yourself into %s"), url,
                     last_error->message, dir);
      else
        g_propagate_error (error, g_steal_pointer (&last_error));
      return FALSE;
    }

  if (!strata_zoo_check_hash (part, md5, sha256 ? sha256 : md5 ? NULL : etag, cancellable,
                              &hash_error))
    {
      if (!g_error_matches (hash_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_unlink (part);
      g_set_error (error, hash_error->domain, hash_error->code,
                   _("The download from %s is damaged or not the official file, so it was "
                     "deleted: %s"), url, hash_error->message);
      return FALSE;
    }
  if (g_rename (part, path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not move the download into place as “%s”: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * strata_zoo_format_progress:
 *
 * Returns: a download's progress for people, such as "41.2 of 94.8 MB, 5.1 MB/s"
 */
char *
strata_zoo_format_progress (gint64 bytes,
                            gint64 total,
                            double bytes_per_second)
{
  if (total > 0)
    /* Translators: download progress: "41.2 of 94.8 MB, 5.1 MB/s" */
    return g_strdup_printf (_("%.1f of %.1f MB, %.1f MB/s"), bytes / 1e6, total / 1e6,
                            bytes_per_second / 1e6);
  /* Translators: download progress of a file of unknown size: "41.2 MB, 5.1 MB/s" */
  return g_strdup_printf (_("%.1f MB, %.1f MB/s"), bytes / 1e6, bytes_per_second / 1e6);
}
