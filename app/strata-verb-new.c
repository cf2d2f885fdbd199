/* strata-verb-new.c: strata new (--example NAME | --dataset PATH) DIR
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "strata-examples.h"
#include "strata-project.h"
#include "strata-verbs.h"

static gboolean
save (StrataProject  *project,
      const char     *dir,
      const char     *file,
      gboolean        force,
      GError        **error)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);

  if (!force && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   _("“%s” already exists; pass --force to replace it"), path);
      return FALSE;
    }
  if (!strata_project_save_as (project, path, error))
    return FALSE;
  printf ("%s\n", path);
  return TRUE;
}

/* An example may be several projects (transfer: pretrain, fine-tune, from scratch) and come
 * with instructions. */
static gboolean
write_example (const char  *example,
               const char  *dir,
               gboolean     force,
               GError     **error)
{
  const char *const *projects = strata_examples_list_projects (example);
  const char *instructions = strata_examples_get_instructions (example);
  const char *single[] = { example, NULL };

  for (guint i = 0; (projects ? projects : single)[i]; i++)
    {
      const char *name = (projects ? projects : single)[i];
      g_autoptr(StrataProject) project = strata_project_new_example (name, error);
      g_autofree char *file = g_strconcat (name, ".strata", NULL);

      if (project == NULL || !save (project, dir, file, force, error))
        return FALSE;
    }
  if (instructions)
    {
      g_autofree char *path = g_build_filename (dir, "README.md", NULL);
      if (!g_file_set_contents (path, instructions, -1, error))
        return FALSE;
      printf ("%s\n", path);
    }
  return TRUE;
}

int
strata_verb_new (int    argc,
                 char **argv)
{
  g_autofree char *example = NULL, *dataset = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(StrataProject) project = NULL;
  GError *error = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "example", 0, 0, G_OPTION_ARG_STRING, &example,
      N_("Start from a built-in example: fashion-mnist, or transfer (pretraining, then "
         "fine-tuning on a few images)"), N_("NAME") },
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &dataset,
      N_("Start from your own images: a folder with a subfolder per class, a CSV of "
         "Filename,Label, or a zip of either"), N_("PATH") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace a project file that is already there"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("DIR — write a ready-to-train project into DIR"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!strata_cli_parse (context, &argc, &argv))
    return 2;
  if (argc != 2)
    return strata_cli_usage_error (context, _("Say which folder to write the project into"));
  if ((example == NULL) == (dataset == NULL))
    return strata_cli_usage_error (context, _("Say what to start from: --example fashion-mnist "
                                              "or --dataset PATH"));

  if (g_mkdir_with_parents (argv[1], 0755) != 0)
    {
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _("Could not make the folder “%s”: %s"), argv[1], g_strerror (errno));
      return strata_cli_fail (error, FALSE);
    }
  if (example)
    return write_example (example, argv[1], force, &error) ? 0 : strata_cli_fail (error, FALSE);
  project = strata_project_new_for_dataset (dataset, argv[1], &error);
  if (project == NULL)
    return strata_cli_fail (error, FALSE);
  {
    g_autofree char *canonical = g_canonicalize_filename (dataset, NULL);
    g_autofree char *base = g_path_get_basename (canonical);
    char *dot = strrchr (base, '.');

    if (dot && dot != base)
      *dot = '\0';   /* images.zip, labels.csv → images, labels */
    file = g_strconcat (base, ".strata", NULL);
  }
  if (!save (project, argv[1], file, force, &error))
    return strata_cli_fail (error, FALSE);
  return 0;
}
