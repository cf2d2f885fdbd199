/* strata-format.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-format"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>

#include "strata-format.h"

/* What a value that is not known yet reads as. */
#define NONE "—"

/**
 * strata_format_duration:
 *
 * Returns: "0:42", "12:05" or "1:02:03"; a dash for a time not known
 */
char *
strata_format_duration (double seconds)
{
  gint64 s;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup (NONE);
  s = (gint64) floor (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60),
                            (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

/**
 * strata_format_eta:
 *
 * Returns: how long is left, as a person would say it: "less than a minute", "about 5 minutes"
 */
char *
strata_format_eta (double seconds)
{
  gint64 minutes, hours;

  if (!isfinite (seconds) || seconds < 0)
    return g_strdup (NONE);
  if (seconds < 60)
    return g_strdup (_("less than a minute"));
  minutes = (gint64) floor (seconds / 60 + 0.5);
  if (minutes < 90)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d minute", "about %d minutes",
                                         minutes),
                            (int) minutes);
  hours = (gint64) floor (seconds / 3600 + 0.5);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %d hour", "about %d hours", hours),
                          (int) hours);
}

/* 1234567 → "1,234,567" with the locale's separator ("," when it has none). */
char *
strata_format_count (guint64 count)
{
  const char *sep = localeconv ()->thousands_sep;
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  GString *out = g_string_new (NULL);
  gsize n = strlen (digits);

  if (sep == NULL || *sep == '\0')
    sep = ",";
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/**
 * strata_format_rate:
 *
 * Returns: the throughput as a number; the unit is the label's job
 */
char *
strata_format_rate (double images_per_second)
{
  if (!isfinite (images_per_second) || images_per_second <= 0)
    return g_strdup (NONE);
  if (images_per_second < 10)
    return g_strdup_printf ("%.1f", images_per_second);
  return strata_format_count ((guint64) floor (images_per_second + 0.5));
}

char *
strata_format_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup (NONE);
  /* Translators: a percentage, e.g. "89.2%"; put a space before % if your language does */
  return g_strdup_printf (_("%.1f%%"), fraction * 100);
}

/* A loss: four significant decimals, the way Keras prints it. */
char *
strata_format_metric (double value)
{
  if (!isfinite (value))
    return g_strdup (NONE);
  return g_strdup_printf ("%.4f", value);
}

/**
 * strata_format_value:
 * @metric: "loss", "accuracy", "val_loss" or "val_accuracy"
 *
 * Returns: an accuracy as a percentage, a loss as a number
 */
char *
strata_format_value (const char *metric,
                     double      value)
{
  if (metric && g_str_has_suffix (metric, "accuracy"))
    return strata_format_percent (value);
  return strata_format_metric (value);
}

/**
 * strata_format_metric_name:
 *
 * Returns: the name of a monitored metric as the window shows it
 */
const char *
strata_format_metric_name (const char *metric)
{
  if (g_strcmp0 (metric, "val_accuracy") == 0)
    return _("Validation accuracy");
  if (g_strcmp0 (metric, "val_loss") == 0)
    return _("Validation loss");
  if (g_strcmp0 (metric, "accuracy") == 0)
    return _("Training accuracy");
  if (g_strcmp0 (metric, "loss") == 0)
    return _("Training loss");
  return metric ? metric : NONE;
}

/**
 * strata_format_metric_phrase:
 *
 * Returns: the metric's name inside a sentence ("best validation accuracy")
 */
const char *
strata_format_metric_phrase (const char *metric)
{
  /* Translators: these name a metric inside a sentence, e.g. "Best validation accuracy" */
  if (g_strcmp0 (metric, "val_accuracy") == 0)
    return C_("metric in a sentence", "validation accuracy");
  if (g_strcmp0 (metric, "val_loss") == 0)
    return C_("metric in a sentence", "validation loss");
  if (g_strcmp0 (metric, "accuracy") == 0)
    return C_("metric in a sentence", "training accuracy");
  if (g_strcmp0 (metric, "loss") == 0)
    return C_("metric in a sentence", "training loss");
  return metric ? metric : NONE;
}

/**
 * strata_format_status:
 * @status: a run's status word from its run.json
 *
 * Returns: the status as the window shows it
 */
const char *
strata_format_status (const char *status)
{
  if (g_strcmp0 (status, "finished") == 0)
    /* Translators: the status of a training run */
    return C_("run status", "Finished");
  if (g_strcmp0 (status, "stopped") == 0)
    return C_("run status", "Stopped");
  if (g_strcmp0 (status, "early-stopped") == 0)
    return C_("run status", "Stopped early");
  if (g_strcmp0 (status, "running") == 0)
    return C_("run status", "Training");
  if (g_strcmp0 (status, "failed") == 0)
    return C_("run status", "Failed");
  if (g_strcmp0 (status, "interrupted") == 0)
    return C_("run status", "Interrupted");
  if (g_strcmp0 (status, "created") == 0 || status == NULL)
    return C_("run status", "Not started");
  return status;
}
