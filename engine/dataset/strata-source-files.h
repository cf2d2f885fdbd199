/* strata-source-files.h: images in class folders or listed by a CSV, on disk or in a zip
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-source.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SOURCE_FILES (strata_source_files_get_type ())

G_DECLARE_FINAL_TYPE (StrataSourceFiles, strata_source_files, STRATA, SOURCE_FILES, StrataSource)

StrataSource *strata_source_files_new     (StrataSourceKind  kind,
                                           const char       *path,
                                           const char       *filename_column,
                                           const char       *label_column);
gboolean      strata_source_files_is_csv  (StrataSourceFiles *self);
gboolean      strata_path_is_image_name   (const char        *name);
GMappedFile  *strata_map_regular_file     (const char        *path,
                                           gboolean           follow_links,
                                           GError           **error);

G_END_DECLS
