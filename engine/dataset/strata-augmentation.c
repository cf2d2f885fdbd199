/* strata-augmentation.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-dataset"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "strata-augmentation.h"
#include "strata-props-private.h"

struct _StrataAugmentation
{
  GObject parent_instance;

  char *label;
  StrataAugmentParams p;
};

G_DEFINE_FINAL_TYPE (StrataAugmentation, strata_augmentation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_FIRST_EPOCH,
  PROP_ROTATION_RANGE,
  PROP_WIDTH_SHIFT_RANGE,
  PROP_HEIGHT_SHIFT_RANGE,
  PROP_SHEAR_RANGE,
  PROP_ZOOM_RANGE,
  PROP_HORIZONTAL_FLIP,
  PROP_VERTICAL_FLIP,
  PROP_BRIGHTNESS_MIN,
  PROP_BRIGHTNESS_MAX,
  PROP_CHANNEL_SHIFT_RANGE,
  PROP_FILL_MODE,
  PROP_FILL_VALUE,
  PROP_RANDOM_RESIZED_CROP,
  PROP_CROP_SCALE_MIN,
  PROP_CROP_SCALE_MAX,
  PROP_CROP_RATIO_MIN,
  PROP_CROP_RATIO_MAX,
  PROP_ERASING_PROBABILITY,
  PROP_ERASING_AREA_MIN,
  PROP_ERASING_AREA_MAX,
  PROP_ERASING_RATIO_MIN,
  PROP_ERASING_RATIO_MAX,
  PROP_ERASING_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static gsize offsets[N_PROPS];

void
strata_augment_params_init_default (StrataAugmentParams *p)
{
  *p = (StrataAugmentParams) {
    .first_epoch = 1,
    .brightness_min = 1.0,
    .brightness_max = 1.0,
    .fill_mode = STRATA_FILL_NEAREST,
    .crop_scale_min = 0.08,
    .crop_scale_max = 1.0,
    .crop_ratio_min = 3.0 / 4.0,
    .crop_ratio_max = 4.0 / 3.0,
    .erasing_area_min = 0.02,
    .erasing_area_max = 0.33,
    .erasing_ratio_min = 0.3,
    .erasing_ratio_max = 3.3,
  };
}

/**
 * strata_augment_params_is_identity:
 *
 * Returns: whether the stage changes no image, so that the loader can skip it (and the plan
 *   may cache what the frozen layers compute)
 */
gboolean
strata_augment_params_is_identity (const StrataAugmentParams *p)
{
  return p->rotation_range == 0 && p->width_shift_range == 0 && p->height_shift_range == 0 &&
         p->shear_range == 0 && p->zoom_range == 0 && !p->horizontal_flip &&
         !p->vertical_flip && p->brightness_min == 1.0 && p->brightness_max == 1.0 &&
         p->channel_shift_range == 0 && !p->random_resized_crop &&
         p->erasing_probability == 0;
}

static void
strata_augmentation_finalize (GObject *object)
{
  StrataAugmentation *self = (StrataAugmentation *) object;

  g_clear_pointer (&self->label, g_free);
  G_OBJECT_CLASS (strata_augmentation_parent_class)->finalize (object);
}

static void
strata_augmentation_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  if (prop_id == 0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  _strata_props_get (object, offsets[prop_id], pspec, value);
}

static void
strata_augmentation_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  if (prop_id == 0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (_strata_props_set (object, offsets[prop_id], pspec, value))
    g_object_notify_by_pspec (object, pspec);
}

#define FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY)
#define P(field) G_STRUCT_OFFSET (StrataAugmentation, p.field)

static void
install_double (guint       id,
                const char *name,
                gsize       offset,
                double      min,
                double      max,
                double      def)
{
  properties[id] = g_param_spec_double (name, NULL, NULL, min, max, def, FLAGS);
  offsets[id] = offset;
}

static void
install_bool (guint       id,
              const char *name,
              gsize       offset)
{
  properties[id] = g_param_spec_boolean (name, NULL, NULL, FALSE, FLAGS);
  offsets[id] = offset;
}

static void
strata_augmentation_class_init (StrataAugmentationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StrataAugmentParams d;

  object_class->finalize = strata_augmentation_finalize;
  object_class->get_property = strata_augmentation_get_property;
  object_class->set_property = strata_augmentation_set_property;

  strata_augment_params_init_default (&d);

  /**
   * StrataAugmentation:label:
   *
   * A name the user gives the stage ("light", "strong"); only shown.
   */
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, "", FLAGS);
  offsets[PROP_LABEL] = G_STRUCT_OFFSET (StrataAugmentation, label);

  /**
   * StrataAugmentation:first-epoch:
   *
   * The stage applies from this epoch on, counting the first epoch as 1.
   */
  properties[PROP_FIRST_EPOCH] = g_param_spec_uint ("first-epoch", NULL, NULL,
                                                    1, G_MAXINT, 1, FLAGS);
  offsets[PROP_FIRST_EPOCH] = P (first_epoch);

  install_double (PROP_ROTATION_RANGE, "rotation-range", P (rotation_range), 0, 180, 0);
  install_double (PROP_WIDTH_SHIFT_RANGE, "width-shift-range", P (width_shift_range), 0, 1, 0);
  install_double (PROP_HEIGHT_SHIFT_RANGE, "height-shift-range", P (height_shift_range), 0, 1,
                  0);
  install_double (PROP_SHEAR_RANGE, "shear-range", P (shear_range), 0, 80, 0);
  install_double (PROP_ZOOM_RANGE, "zoom-range", P (zoom_range), 0, 0.95, 0);
  install_bool (PROP_HORIZONTAL_FLIP, "horizontal-flip", P (horizontal_flip));
  install_bool (PROP_VERTICAL_FLIP, "vertical-flip", P (vertical_flip));
  install_double (PROP_BRIGHTNESS_MIN, "brightness-min", P (brightness_min), 0, 10,
                  d.brightness_min);
  install_double (PROP_BRIGHTNESS_MAX, "brightness-max", P (brightness_max), 0, 10,
                  d.brightness_max);
  install_double (PROP_CHANNEL_SHIFT_RANGE, "channel-shift-range", P (channel_shift_range),
                  0, 255, 0);
  properties[PROP_FILL_MODE] = g_param_spec_enum ("fill-mode", NULL, NULL,
                                                  STRATA_TYPE_FILL_MODE, d.fill_mode, FLAGS);
  offsets[PROP_FILL_MODE] = P (fill_mode);
  install_double (PROP_FILL_VALUE, "fill-value", P (fill_value), 0, 255, 0);
  install_bool (PROP_RANDOM_RESIZED_CROP, "random-resized-crop", P (random_resized_crop));
  install_double (PROP_CROP_SCALE_MIN, "crop-scale-min", P (crop_scale_min), 0.01, 1,
                  d.crop_scale_min);
  install_double (PROP_CROP_SCALE_MAX, "crop-scale-max", P (crop_scale_max), 0.01, 1,
                  d.crop_scale_max);
  install_double (PROP_CROP_RATIO_MIN, "crop-ratio-min", P (crop_ratio_min), 0.1, 10,
                  d.crop_ratio_min);
  install_double (PROP_CROP_RATIO_MAX, "crop-ratio-max", P (crop_ratio_max), 0.1, 10,
                  d.crop_ratio_max);
  install_double (PROP_ERASING_PROBABILITY, "erasing-probability", P (erasing_probability),
                  0, 1, 0);
  install_double (PROP_ERASING_AREA_MIN, "erasing-area-min", P (erasing_area_min), 0.001, 1,
                  d.erasing_area_min);
  install_double (PROP_ERASING_AREA_MAX, "erasing-area-max", P (erasing_area_max), 0.001, 1,
                  d.erasing_area_max);
  install_double (PROP_ERASING_RATIO_MIN, "erasing-ratio-min", P (erasing_ratio_min), 0.05, 20,
                  d.erasing_ratio_min);
  install_double (PROP_ERASING_RATIO_MAX, "erasing-ratio-max", P (erasing_ratio_max), 0.05, 20,
                  d.erasing_ratio_max);
  install_double (PROP_ERASING_VALUE, "erasing-value", P (erasing_value), 0, 255, 0);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_augmentation_init (StrataAugmentation *self)
{
  self->label = g_strdup ("");
  strata_augment_params_init_default (&self->p);
}

StrataAugmentation *
strata_augmentation_new (void)
{
  return g_object_new (STRATA_TYPE_AUGMENTATION, NULL);
}

/**
 * strata_augmentation_copy:
 *
 * Returns: (transfer full): a new stage with the same settings
 */
StrataAugmentation *
strata_augmentation_copy (StrataAugmentation *self)
{
  StrataAugmentation *copy;

  g_return_val_if_fail (STRATA_IS_AUGMENTATION (self), NULL);

  copy = strata_augmentation_new ();
  _strata_props_copy (G_OBJECT (copy), G_OBJECT (self));
  return copy;
}

void
strata_augmentation_get_params (StrataAugmentation  *self,
                                StrataAugmentParams *params)
{
  g_return_if_fail (STRATA_IS_AUGMENTATION (self));

  *params = self->p;
}

/**
 * strata_augmentation_set_params:
 *
 * Sets every setting at once, notifying those that change. Values out of a property's range
 * are clamped to it by GObject, with a warning.
 */
void
strata_augmentation_set_params (StrataAugmentation        *self,
                                const StrataAugmentParams *params)
{
  g_return_if_fail (STRATA_IS_AUGMENTATION (self));

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_FIRST_EPOCH; i < N_PROPS; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (properties[i]));
      /* read the field of @params at the same place as in self->p */
      _strata_props_get ((guint8 *) params - P (first_epoch), offsets[i], properties[i], &value);
      g_object_set_property (G_OBJECT (self), properties[i]->name, &value);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

guint
strata_augmentation_get_first_epoch (StrataAugmentation *self)
{
  g_return_val_if_fail (STRATA_IS_AUGMENTATION (self), 1);

  return self->p.first_epoch;
}

void
strata_augmentation_set_first_epoch (StrataAugmentation *self,
                                     guint               first_epoch)
{
  g_return_if_fail (STRATA_IS_AUGMENTATION (self));

  g_object_set (self, "first-epoch", MAX (first_epoch, 1), NULL);
}

const char *
strata_augmentation_get_label (StrataAugmentation *self)
{
  g_return_val_if_fail (STRATA_IS_AUGMENTATION (self), NULL);

  return self->label;
}

gboolean
strata_augmentation_is_identity (StrataAugmentation *self)
{
  g_return_val_if_fail (STRATA_IS_AUGMENTATION (self), TRUE);

  return strata_augment_params_is_identity (&self->p);
}
