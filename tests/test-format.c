/* test-format.c: times and numbers as the window shows them
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include "strata-format.h"

#define CHECK(expr, expected)                 \
  G_STMT_START {                              \
    g_autofree char *s_ = (expr);             \
    g_assert_cmpstr (s_, ==, (expected));     \
  } G_STMT_END

static void
test_duration (void)
{
  CHECK (strata_format_duration (0), "0:00");
  CHECK (strata_format_duration (42.4), "0:42");
  CHECK (strata_format_duration (59.6), "1:00");
  CHECK (strata_format_duration (725), "12:05");
  CHECK (strata_format_duration (3723), "1:02:03");
  CHECK (strata_format_duration (100 * 3600 + 5), "100:00:05");
  CHECK (strata_format_duration (-1), "—");
  CHECK (strata_format_duration (NAN), "—");
  CHECK (strata_format_duration (INFINITY), "—");
}

static void
test_eta (void)
{
  CHECK (strata_format_eta (12), "less than a minute");
  CHECK (strata_format_eta (61), "about 1 minute");
  CHECK (strata_format_eta (330), "about 6 minutes");
  CHECK (strata_format_eta (89 * 60), "about 89 minutes");
  CHECK (strata_format_eta (3 * 3600 + 10), "about 3 hours");
  CHECK (strata_format_eta (NAN), "—");
}

static void
test_numbers (void)
{
  CHECK (strata_format_count (0), "0");
  CHECK (strata_format_count (999), "999");
  CHECK (strata_format_count (1000), "1,000");
  CHECK (strata_format_count (1234567), "1,234,567");
  CHECK (strata_format_rate (1179.97), "1,180");
  CHECK (strata_format_rate (3.14), "3.1");
  CHECK (strata_format_rate (0), "—");
  CHECK (strata_format_percent (0.88866), "88.9%");
  CHECK (strata_format_percent (1), "100.0%");
  CHECK (strata_format_percent (NAN), "—");
  CHECK (strata_format_metric (0.314324), "0.3143");
  CHECK (strata_format_value ("val_accuracy", 0.5), "50.0%");
  CHECK (strata_format_value ("val_loss", 0.5), "0.5000");
  CHECK (strata_format_value ("loss", NAN), "—");
}

static void
test_names (void)
{
  g_assert_cmpstr (strata_format_metric_name ("val_accuracy"), ==, "Validation accuracy");
  g_assert_cmpstr (strata_format_metric_name ("loss"), ==, "Training loss");
  g_assert_cmpstr (strata_format_status ("early-stopped"), ==, "Stopped early");
  g_assert_cmpstr (strata_format_status (NULL), ==, "Not started");
  g_assert_cmpstr (strata_format_status ("something-new"), ==, "something-new");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/duration", test_duration);
  g_test_add_func ("/format/eta", test_eta);
  g_test_add_func ("/format/numbers", test_numbers);
  g_test_add_func ("/format/names", test_names);
  return g_test_run ();
}
