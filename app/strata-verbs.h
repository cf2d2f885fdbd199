/* strata-verbs.h: the headless verbs of the strata binary
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each verb gets argv from its own name on ("train", "PROJECT", …) and returns the exit status. */
typedef int (*StrataVerbFunc) (int    argc,
                               char **argv);

typedef struct
{
  const char *name;
  const char *summary;      /* translatable, marked with N_() */
  StrataVerbFunc run;
  gboolean computes;        /* runs a model: worth libgomp's wait policy (strata-threads.c) */
} StrataVerb;

const StrataVerb *strata_verbs_lookup (const char *name);
void              strata_verbs_print_usage (FILE *stream);

int strata_verb_new      (int argc, char **argv);
int strata_verb_train    (int argc, char **argv);
int strata_verb_evaluate (int argc, char **argv);
int strata_verb_embed    (int argc, char **argv);
int strata_verb_dataset  (int argc, char **argv);
int strata_verb_predict  (int argc, char **argv);
int strata_verb_export   (int argc, char **argv);
int strata_verb_lr_find  (int argc, char **argv);
int strata_verb_import_run (int argc, char **argv);

/* Shared by the verbs */
int  strata_cli_fail          (GError     *error,
                               gboolean    json);
int  strata_cli_usage_error   (GOptionContext *context,
                               const char *message);
void strata_cli_download_progress (gint64   bytes,
                                   gint64   total,
                                   double   bytes_per_second,
                                   gpointer user_data);
gboolean strata_cli_parse     (GOptionContext *context,
                               int        *argc,
                               char     ***argv);
gboolean strata_cli_set_threads (GOptionContext *context,
                                 int             threads);

G_END_DECLS
