/* strata-examples.h: the built-in example projects
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-dataset.h"
#include "strata-dataset-settings.h"
#include "strata-graph.h"
#include "strata-hyperparams.h"

G_BEGIN_DECLS

const char *const *strata_examples_list  (void);
const char *const *strata_examples_list_projects (const char *name);
const char        *strata_examples_get_instructions (const char *name);
gboolean           strata_examples_build (const char             *name,
                                          StrataDatasetSettings **dataset,
                                          StrataGraph           **graph,
                                          StrataHyperparams     **hyperparams,
                                          GError                **error);
StrataGraph       *strata_examples_build_for_dataset (StrataDataset        *dataset,
                                                      GError              **error);

G_END_DECLS
