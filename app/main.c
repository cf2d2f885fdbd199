/* main.c: the strata binary; a headless verb, or the window
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "strata-verbs.h"

int
main (int   argc,
      char *argv[])
{
  const StrataVerb *verb;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A verb never needs a display, so it is dispatched before anything touches GTK. */
  verb = argc > 1 ? strata_verbs_lookup (argv[1]) : NULL;
  if (verb != NULL)
    return verb->run (argc - 1, argv + 1);
  if (argc > 1 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      strata_verbs_print_usage (stdout);
      return 0;
    }
  if (argc > 1 && g_str_equal (argv[1], "--version"))
    {
      printf ("strata %s\n", PACKAGE_VERSION);
      return 0;
    }

  /* The window comes with the app; until then, say how to use the verbs. */
  strata_verbs_print_usage (stderr);
  return 2;
}
