/* fuzz-common.h: what the libFuzzer targets share
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Between the files of a target that reads several (a run folder, the four IDX files). */
#define FUZZ_SEPARATOR "\n--strata-fuzz--\n"

int        LLVMFuzzerTestOneInput (const guint8 *data,
                                   size_t        size);

void       fuzz_init              (void);
const char *fuzz_tmpdir           (void);
char      *fuzz_write_file        (const char   *name,
                                   const guint8 *data,
                                   gsize         size);
GPtrArray *fuzz_split             (const guint8 *data,
                                   gsize         size,
                                   guint         n_parts);

G_END_DECLS
