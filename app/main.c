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

#include "strata-threads.h"
#include "strata-verbs.h"
#ifdef HAVE_GUI
#include "strata-application.h"
#endif

int
main (int   argc,
      char *argv[])
{
  const StrataVerb *verb;
  const char *localedir;

  /* A verb never needs a display, so it is dispatched before anything touches GTK. */
  verb = argc > 1 ? strata_verbs_lookup (argv[1]) : NULL;
  /* Before anything else, where a model may run (the window, training, prediction…): it
   * executes the program again with libgomp's wait policy set, which costs a start-up. */
  if (verb != NULL ? verb->computes
                    : argc < 2 || !(g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
                                    g_str_equal (argv[1], "--version")))
    strata_threads_init_wait_policy (argv);
  localedir = g_getenv ("STRATA_LOCALEDIR");
  setlocale (LC_ALL, "");
  /* STRATA_LOCALEDIR: the build tree's translations (_build/po), before they are installed */
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

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

#ifdef HAVE_GUI
  /* No verb: the window, with the projects given (a .strata path), or the welcome page. */
  return strata_application_run_main (argc, argv);
#else
  strata_verbs_print_usage (stderr);
  return 2;
#endif
}
