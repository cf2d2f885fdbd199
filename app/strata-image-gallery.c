/* strata-image-gallery.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-image-gallery"

#include "config.h"


#include "strata-image-gallery.h"
#include "strata-thumbnail.h"

/**
 * StrataImageGallery:
 *
 * A flowing grid of a split's images, each with a caption (its classes) and a detail line
 * (its probabilities), the whole description in its tooltip and accessible label. The tiles
 * are added first and their pixels read afterwards in a worker thread, so the gallery never
 * blocks the window on a folder of large files.
 */

#define THUMBNAIL_SIZE 72

struct _StrataImageGallery
{
  GtkWidget parent_instance;

  GtkFlowBox *flow;
  GArray *items;                /* guint: the images' indices in their split */
  GPtrArray *pictures;          /* GtkPicture, borrowed from the flow box */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (StrataImageGallery, strata_image_gallery, GTK_TYPE_WIDGET)

typedef struct
{
  StrataDataset *dataset;
  StrataSplit split;
  GArray *items;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_object (&job->dataset);
  g_array_unref (job->items);
  g_free (job);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GPtrArray *pixels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < job->items->len; i++)
    {
      g_autoptr(GError) error = NULL;
      GBytes *rgb;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      rgb = strata_thumbnail_load (job->dataset, job->split,
                                   g_array_index (job->items, guint, i), &error);
      /* an unreadable image keeps its empty tile; the caption still says what it is */
      if (error)
        g_debug ("thumbnail %u: %s", g_array_index (job->items, guint, i), error->message);
      g_ptr_array_add (pixels, rgb);
    }
  g_task_return_pointer (task, pixels, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataImageGallery) self = user_data;
  g_autoptr(GPtrArray) pixels = g_task_propagate_pointer (G_TASK (result), NULL);
  LoadJob *job = g_task_get_task_data (G_TASK (result));

  if (pixels == NULL || g_task_had_error (G_TASK (result)) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  for (guint i = 0; i < pixels->len && i < self->pictures->len; i++)
    {
      GBytes *rgb = g_ptr_array_index (pixels, i);
      g_autoptr(GdkTexture) texture = rgb ? strata_thumbnail_texture (job->dataset, rgb) : NULL;

      if (texture)
        gtk_picture_set_paintable (g_ptr_array_index (self->pictures, i), GDK_PAINTABLE (texture));
    }
}

/**
 * strata_image_gallery_clear:
 *
 * Removes the images, and stops reading the thumbnails of the previous ones.
 */
void
strata_image_gallery_clear (StrataImageGallery *self)
{
  GtkWidget *child;

  g_return_if_fail (STRATA_IS_IMAGE_GALLERY (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* gtk_flow_box_remove_all() is GTK 4.12 */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))))
    gtk_flow_box_remove (self->flow, child);
  g_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->pictures, 0);
}

/**
 * strata_image_gallery_add:
 * @item: the image's index in its split
 * @caption: e.g. "Shirt → T-shirt/top"
 * @detail: (nullable): a second, smaller line
 * @description: (nullable): the tooltip and accessible label; @caption without
 */
void
strata_image_gallery_add (StrataImageGallery *self,
                          guint               item,
                          const char         *caption,
                          const char         *detail,
                          const char         *description)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (caption);

  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_add_css_class (picture, "thumbnail");
  gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  if (detail)
    {
      GtkWidget *small = gtk_label_new (detail);

      gtk_label_set_ellipsize (GTK_LABEL (small), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (small), 14);
      gtk_widget_add_css_class (small, "caption");
      gtk_widget_add_css_class (small, "dim-label");
      gtk_box_append (GTK_BOX (box), small);
    }
  gtk_widget_set_tooltip_text (box, description ? description : caption);
  gtk_flow_box_append (self->flow, box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (box)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description ? description : caption, -1);
  g_array_append_val (self->items, item);
  g_ptr_array_add (self->pictures, picture);
}

/**
 * strata_image_gallery_load:
 * @dataset: where the images are; the split is the one their indices refer to
 *
 * Reads the thumbnails of the images added so far, in a worker thread.
 */
void
strata_image_gallery_load (StrataImageGallery *self,
                           StrataDataset      *dataset,
                           StrataSplit         split)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (STRATA_IS_IMAGE_GALLERY (self));
  g_return_if_fail (STRATA_IS_DATASET (dataset));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->items->len == 0)
    return;
  self->cancellable = g_cancellable_new ();
  job = g_new0 (LoadJob, 1);
  job->dataset = g_object_ref (dataset);
  job->split = split;
  job->items = g_array_copy (self->items);
  task = g_task_new (NULL, self->cancellable, on_loaded, g_object_ref (self));
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_thread);
}

guint
strata_image_gallery_get_n_images (StrataImageGallery *self)
{
  g_return_val_if_fail (STRATA_IS_IMAGE_GALLERY (self), 0);
  return self->items->len;
}

static void
strata_image_gallery_dispose (GObject *object)
{
  StrataImageGallery *self = (StrataImageGallery *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->flow)
    {
      gtk_widget_unparent (GTK_WIDGET (self->flow));
      self->flow = NULL;
    }
  G_OBJECT_CLASS (strata_image_gallery_parent_class)->dispose (object);
}

static void
strata_image_gallery_finalize (GObject *object)
{
  StrataImageGallery *self = (StrataImageGallery *) object;

  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->pictures, g_ptr_array_unref);
  G_OBJECT_CLASS (strata_image_gallery_parent_class)->finalize (object);
}

static void
strata_image_gallery_class_init (StrataImageGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_image_gallery_dispose;
  object_class->finalize = strata_image_gallery_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "imagegallery");
}

static void
strata_image_gallery_init (StrataImageGallery *self)
{
  self->items = g_array_new (FALSE, FALSE, sizeof (guint));
  self->pictures = g_ptr_array_new ();
  self->flow = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->flow, GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (self->flow, TRUE);
  gtk_flow_box_set_min_children_per_line (self->flow, 3);
  gtk_flow_box_set_max_children_per_line (self->flow, 12);
  gtk_flow_box_set_column_spacing (self->flow, 12);
  gtk_flow_box_set_row_spacing (self->flow, 12);
  gtk_widget_set_parent (GTK_WIDGET (self->flow), GTK_WIDGET (self));
}

GtkWidget *
strata_image_gallery_new (void)
{
  return g_object_new (STRATA_TYPE_IMAGE_GALLERY, NULL);
}
