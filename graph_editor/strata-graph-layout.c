/* strata-graph-layout.c
 *
 * Copyright 2026 The Strata authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-layout"

#include "config.h"

#include <math.h>

#include "strata-graph-layout.h"

/*
 * A Sugiyama-style layout, small enough to read in one go:
 *
 * 1. layering: each node one layer below the lowest of its inputs (longest path), then
 *    nodes without inputs pulled down to just above their first consumer;
 * 2. links that skip layers get a chain of dummy vertices, so they take room beside the
 *    layers they pass instead of running through nodes;
 * 3. ordering within layers: barycentre sweeps down and up, keeping the order with the
 *    fewest crossings;
 * 4. x positions: each vertex wants to sit under (or over) its neighbours' ports; the
 *    positions nearest to that which keep the order and the gaps are a least-squares problem
 *    with ordering constraints, solved exactly by pool-adjacent-violators;
 * 5. y positions: layers stacked with a fixed gap.
 */

#define DUMMY_WIDTH   16.0
#define N_SWEEPS      16
#define N_PLACEMENTS  12

typedef struct
{
  guint vertex;
  guint port;          /* input port at the lower end */
} Edge;

typedef struct
{
  const char *id;      /* NULL for a dummy */
  double width;
  double height;
  guint n_inputs;
  int layer;
  guint order;         /* index within its layer */
  double x;            /* centre */
  GArray *up;          /* Edge: vertices in the layer above feeding this one */
  GArray *down;        /* Edge: vertices in the layer below fed by this one */
} Vertex;

typedef struct
{
  GArray *vertices;    /* Vertex */
  GPtrArray *layers;   /* GArray of guint vertex indices, in order */
} Layout;

static Vertex *
vertex_at (Layout *layout,
           guint   index)
{
  return &g_array_index (layout->vertices, Vertex, index);
}

static guint
add_vertex (Layout     *layout,
            const char *id,
            double      width,
            double      height,
            guint       n_inputs,
            int         layer)
{
  Vertex v = { id, width, height, n_inputs, layer, 0, 0, NULL, NULL };

  v.up = g_array_new (FALSE, FALSE, sizeof (Edge));
  v.down = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_array_append_val (layout->vertices, v);
  return layout->vertices->len - 1;
}

static void
add_edge (Layout *layout,
          guint   from,
          guint   to,
          guint   port)
{
  Edge down = { to, port }, up = { from, port };

  g_array_append_val (vertex_at (layout, from)->down, down);
  g_array_append_val (vertex_at (layout, to)->up, up);
}

static void
layout_clear (Layout *layout)
{
  for (guint i = 0; i < layout->vertices->len; i++)
    {
      g_array_unref (vertex_at (layout, i)->up);
      g_array_unref (vertex_at (layout, i)->down);
    }
  g_array_unref (layout->vertices);
  g_ptr_array_unref (layout->layers);
}

/* Where along a vertex's top edge input @port is, relative to its centre. */
static double
port_offset (const Vertex *v,
             guint         port)
{
  guint n = MAX (v->n_inputs, 1);
  return v->width * ((double) (port + 1) / (n + 1) - 0.5);
}

/* 1. Layering --------------------------------------------------------------------------------- */

static void
assign_layers (StrataGraph *graph,
               GHashTable  *index_of,
               int         *layer)
{
  g_autoptr(GPtrArray) order = NULL;
  guint n = strata_graph_get_n_nodes (graph);
  g_autofree gboolean *placed = g_new0 (gboolean, n);

  order = strata_graph_dup_topo_order (graph, NULL);
  if (order == NULL)
    {
      /* A loop: lay out in insertion order, the loop's back link simply points up. */
      order = g_ptr_array_new ();
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (order, strata_graph_get_nth_node (graph, i));
    }

  /* each layer's inputs through the graph's index of links, not a scan of every link per
   * layer: a model may have 200 000 of them */
  for (guint i = 0; i < order->len; i++)
    {
      StrataNode *node = g_ptr_array_index (order, i);
      const char *id = strata_node_get_id (node);
      guint v = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, id)) - 1;
      int l = 0;

      for (guint port = 0; port < strata_node_get_n_inputs (node); port++)
        {
          const char *src = strata_graph_get_input (graph, id, port);
          guint u;

          if (src == NULL)
            continue;
          u = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, src)) - 1;
          if (placed[u])
            l = MAX (l, layer[u] + 1);
        }
      layer[v] = l;
      placed[v] = TRUE;
    }

  /* A source feeding only deep layers (a second input, a constant) sits just above them. */
  for (guint v = 0; v < n; v++)
    {
      StrataNode *node = strata_graph_get_nth_node (graph, v);
      const char *id = strata_node_get_id (node);
      g_autoptr(GPtrArray) consumers = NULL;
      int lowest = G_MAXINT;
      gboolean has_input = FALSE;

      for (guint port = 0; port < strata_node_get_n_inputs (node) && !has_input; port++)
        has_input = strata_graph_get_input (graph, id, port) != NULL;
      if (has_input)
        continue;
      consumers = strata_graph_dup_consumers (graph, id);
      for (guint k = 0; k < consumers->len; k++)
        {
          StrataLink *link = g_ptr_array_index (consumers, k);

          lowest = MIN (lowest, layer[GPOINTER_TO_UINT (g_hash_table_lookup (index_of,
                                                                             link->dst)) - 1]);
        }
      if (lowest != G_MAXINT && lowest - 1 > layer[v])
        layer[v] = lowest - 1;
    }
}

/* 2. The layered graph with dummies ----------------------------------------------------------- */

static void
build (Layout             *layout,
       StrataGraph        *graph,
       StrataNodeSizeFunc  size_func,
       gpointer            user_data)
{
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *links = strata_graph_get_links (graph);
  guint n = strata_graph_get_n_nodes (graph);
  g_autofree int *layer = g_new0 (int, MAX (n, 1));
  int n_layers = 0;

  for (guint i = 0; i < n; i++)
    g_hash_table_insert (index_of, (gpointer) strata_node_get_id (strata_graph_get_nth_node (graph, i)),
                         GUINT_TO_POINTER (i + 1));
  assign_layers (graph, index_of, layer);

  for (guint i = 0; i < n; i++)
    {
      StrataNode *node = strata_graph_get_nth_node (graph, i);
      double w = STRATA_NODE_DEFAULT_WIDTH, h = STRATA_NODE_DEFAULT_HEIGHT;

      if (size_func)
        size_func (strata_node_get_id (node), &w, &h, user_data);
      add_vertex (layout, strata_node_get_id (node), w, h, strata_node_get_n_inputs (node),
                  layer[i]);
      n_layers = MAX (n_layers, layer[i] + 1);
    }

  for (guint k = 0; k < links->len; k++)
    {
      StrataLink *link = g_ptr_array_index (links, k);
      guint u = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, link->src)) - 1;
      guint v = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, link->dst)) - 1;
      guint prev = u;

      /* Links going up only exist on loops; they don't take part in the ordering. */
      if (layer[v] <= layer[u])
        continue;
      for (int l = layer[u] + 1; l < layer[v]; l++)
        {
          guint d = add_vertex (layout, NULL, DUMMY_WIDTH, 0, 1, l);
          add_edge (layout, prev, d, 0);
          prev = d;
        }
      add_edge (layout, prev, v, link->port);
    }

  for (int l = 0; l < n_layers; l++)
    g_ptr_array_add (layout->layers, g_array_new (FALSE, FALSE, sizeof (guint)));
  /* Initial order: real nodes in graph order, then dummies in the order of their links. */
  for (guint i = 0; i < layout->vertices->len; i++)
    {
      Vertex *v = vertex_at (layout, i);
      GArray *members = g_ptr_array_index (layout->layers, v->layer);
      v->order = members->len;
      g_array_append_val (members, i);
    }
}

/* 3. Ordering --------------------------------------------------------------------------------- */

/* Position of an edge's lower end along its layer, ports spread across the vertex. */
static double
lower_end (Layout     *layout,
           const Edge *edge)
{
  Vertex *v = vertex_at (layout, edge->vertex);
  guint n = MAX (v->n_inputs, 1);
  return v->order + (double) (edge->port + 1) / (n + 1) - 0.5;
}

static guint
count_layer_crossings (Layout *layout,
                       GArray *upper)
{
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  guint crossings = 0;

  for (guint i = 0; i < upper->len; i++)
    {
      Vertex *u = vertex_at (layout, g_array_index (upper, guint, i));
      for (guint k = 0; k < u->down->len; k++)
        {
          double pair[2] = { u->order, lower_end (layout, &g_array_index (u->down, Edge, k)) };
          g_array_append_vals (ends, pair, 1);
        }
    }
  for (guint i = 0; i < ends->len; i++)
    for (guint j = i + 1; j < ends->len; j++)
      {
        double *a = (double *) (ends->data + i * sizeof (double) * 2);
        double *b = (double *) (ends->data + j * sizeof (double) * 2);
        if ((a[0] - b[0]) * (a[1] - b[1]) < 0)
          crossings++;
      }
  return crossings;
}

static guint
count_all_crossings (Layout *layout)
{
  guint total = 0;

  for (guint l = 0; l + 1 < layout->layers->len; l++)
    total += count_layer_crossings (layout, g_ptr_array_index (layout->layers, l));
  return total;
}

typedef struct
{
  guint vertex;
  double key;
} SortItem;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const SortItem *x = a, *y = b;
  return x->key < y->key ? -1 : x->key > y->key ? 1 : (int) x->vertex - (int) y->vertex;
}

static void
sort_layer (Layout  *layout,
            GArray  *members,
            gboolean downwards)
{
  g_autofree SortItem *items = g_new (SortItem, MAX (members->len, 1));

  for (guint i = 0; i < members->len; i++)
    {
      Vertex *v = vertex_at (layout, g_array_index (members, guint, i));
      GArray *edges = downwards ? v->up : v->down;
      double sum = 0;

      for (guint k = 0; k < edges->len; k++)
        {
          Edge *e = &g_array_index (edges, Edge, k);
          if (downwards)
            /* shift by where on us the link arrives, so merge inputs keep their sides */
            sum += vertex_at (layout, e->vertex)->order - ((double) (e->port + 1) /
                                                           (MAX (v->n_inputs, 1) + 1) - 0.5);
          else
            sum += lower_end (layout, e);
        }
      items[i].vertex = g_array_index (members, guint, i);
      /* Vertices with no neighbours on that side keep their place. */
      items[i].key = edges->len > 0 ? sum / edges->len : v->order;
    }
  /* qsort is not stable; ties fall back to the vertex index, which is stable enough. */
  qsort (items, members->len, sizeof (SortItem), compare_items);
  for (guint i = 0; i < members->len; i++)
    {
      g_array_index (members, guint, i) = items[i].vertex;
      vertex_at (layout, items[i].vertex)->order = i;
    }
}

static void
save_orders (Layout *layout,
             guint  *orders)
{
  for (guint i = 0; i < layout->vertices->len; i++)
    orders[i] = vertex_at (layout, i)->order;
}

static void
restore_orders (Layout      *layout,
                const guint *orders)
{
  for (guint i = 0; i < layout->vertices->len; i++)
    {
      Vertex *v = vertex_at (layout, i);
      v->order = orders[i];
      g_array_index ((GArray *) g_ptr_array_index (layout->layers, v->layer), guint, v->order) = i;
    }
}

static void
order_layers (Layout *layout)
{
  g_autofree guint *best = g_new (guint, MAX (layout->vertices->len, 1));
  guint best_crossings = count_all_crossings (layout);

  save_orders (layout, best);
  for (guint sweep = 0; sweep < N_SWEEPS && best_crossings > 0; sweep++)
    {
      gboolean down = sweep % 2 == 0;
      guint crossings;

      if (down)
        for (guint l = 1; l < layout->layers->len; l++)
          sort_layer (layout, g_ptr_array_index (layout->layers, l), TRUE);
      else
        for (guint l = layout->layers->len; l-- > 1;)
          sort_layer (layout, g_ptr_array_index (layout->layers, l - 1), FALSE);

      crossings = count_all_crossings (layout);
      if (crossings < best_crossings)
        {
          best_crossings = crossings;
          save_orders (layout, best);
        }
    }
  restore_orders (layout, best);
}

/* 4. x positions ------------------------------------------------------------------------------ */

static double
separation (const Vertex *a,
            const Vertex *b)
{
  double gap = a->id && b->id ? STRATA_LAYOUT_NODE_GAP : STRATA_LAYOUT_NODE_GAP / 2;
  return (a->width + b->width) / 2 + gap;
}

/*
 * Places the layer's vertices as close as possible (weighted least squares) to @want while
 * keeping their order and the gaps: with offsets o_i (the sum of the separations to its left)
 * this is isotonic regression of want_i - o_i, which pool-adjacent-violators solves exactly.
 */
static void
place_layer (Layout       *layout,
             GArray       *members,
             const double *want,
             const double *weight)
{
  guint n = members->len;
  g_autofree double *offset = g_new (double, MAX (n, 1));
  g_autofree double *block_sum = g_new (double, MAX (n, 1));
  g_autofree double *block_weight = g_new (double, MAX (n, 1));
  g_autofree guint *block_len = g_new (guint, MAX (n, 1));
  guint n_blocks = 0, i = 0;

  for (guint k = 0; k < n; k++)
    offset[k] = k == 0 ? 0 : offset[k - 1] +
      separation (vertex_at (layout, g_array_index (members, guint, k - 1)),
                  vertex_at (layout, g_array_index (members, guint, k)));

  for (guint k = 0; k < n; k++)
    {
      block_sum[n_blocks] = weight[k] * (want[k] - offset[k]);
      block_weight[n_blocks] = weight[k];
      block_len[n_blocks] = 1;
      n_blocks++;
      while (n_blocks > 1 &&
             block_sum[n_blocks - 2] / block_weight[n_blocks - 2] >
             block_sum[n_blocks - 1] / block_weight[n_blocks - 1])
        {
          block_sum[n_blocks - 2] += block_sum[n_blocks - 1];
          block_weight[n_blocks - 2] += block_weight[n_blocks - 1];
          block_len[n_blocks - 2] += block_len[n_blocks - 1];
          n_blocks--;
        }
    }
  for (guint b = 0; b < n_blocks; b++)
    {
      double value = block_sum[b] / block_weight[b];
      for (guint k = 0; k < block_len[b]; k++, i++)
        vertex_at (layout, g_array_index (members, guint, i))->x = value + offset[i];
    }
}

/*
 * How much a neighbour's position pulls on a vertex. A long link's dummies pull a node only a
 * little, so a chain of layers stays straight and the skip link runs beside it (ResNet's
 * blocks); within a dummy chain the pull is full, so the link runs straight too.
 */
static double
pull (const Vertex *v,
      const Vertex *neighbour)
{
  return v->id != NULL && neighbour->id == NULL ? 0.1 : 1.0;
}

typedef enum
{
  FROM_ABOVE,
  FROM_BELOW,
  FROM_BOTH,
} Direction;

static void
align_layer (Layout   *layout,
             GArray   *members,
             Direction direction)
{
  guint n = members->len;
  g_autofree double *want = g_new (double, MAX (n, 1));
  g_autofree double *weight = g_new (double, MAX (n, 1));

  for (guint k = 0; k < n; k++)
    {
      Vertex *v = vertex_at (layout, g_array_index (members, guint, k));
      double sum = 0, total = 0;

      if (direction != FROM_BELOW)
        for (guint e = 0; e < v->up->len; e++)
          {
            Edge *edge = &g_array_index (v->up, Edge, e);
            Vertex *u = vertex_at (layout, edge->vertex);
            double w = pull (v, u);
            /* our input port under their output */
            sum += w * (u->x - port_offset (v, edge->port));
            total += w;
          }
      if (direction != FROM_ABOVE)
        for (guint e = 0; e < v->down->len; e++)
          {
            Edge *edge = &g_array_index (v->down, Edge, e);
            Vertex *u = vertex_at (layout, edge->vertex);
            double w = pull (v, u);
            sum += w * (u->x + port_offset (u, edge->port));
            total += w;
          }
      want[k] = total > 0 ? sum / total : v->x;
      /* Dummies bend easily; nodes with neighbours pull harder than loose ones. */
      weight[k] = (v->id ? 1.0 : 0.1) * (total > 0 ? 1.0 : 0.1);
    }
  place_layer (layout, members, want, weight);
}

static void
assign_x (Layout *layout)
{
  for (guint l = 0; l < layout->layers->len; l++)
    {
      GArray *members = g_ptr_array_index (layout->layers, l);
      double x = 0;

      for (guint k = 0; k < members->len; k++)
        {
          Vertex *v = vertex_at (layout, g_array_index (members, guint, k));
          if (k > 0)
            x += separation (vertex_at (layout, g_array_index (members, guint, k - 1)), v);
          v->x = x;
        }
      /* centre each layer on 0 to start with */
      for (guint k = 0; k < members->len; k++)
        vertex_at (layout, g_array_index (members, guint, k))->x -= x / 2;
    }

  for (guint round = 0; round < N_PLACEMENTS; round++)
    {
      Direction direction = round == N_PLACEMENTS - 1 ? FROM_BOTH
                            : round % 2 == 0 ? FROM_ABOVE : FROM_BELOW;

      if (direction == FROM_BELOW)
        for (guint l = layout->layers->len; l-- > 0;)
          align_layer (layout, g_ptr_array_index (layout->layers, l), direction);
      else
        for (guint l = 0; l < layout->layers->len; l++)
          align_layer (layout, g_ptr_array_index (layout->layers, l), direction);
    }
}

/* 5. Putting it together ---------------------------------------------------------------------- */

/**
 * strata_graph_layout_compute:
 * @size_func: (nullable): node sizes; %NULL for the default node size
 *
 * Returns: (transfer full) (element-type utf8 StrataPoint): the top-left corner for each
 *   node id, the whole layout starting at (0, 0)
 */
GHashTable *
strata_graph_layout_compute (StrataGraph        *graph,
                             StrataNodeSizeFunc  size_func,
                             gpointer            user_data)
{
  GHashTable *result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Layout layout;
  g_autofree double *layer_y = NULL;
  double min_x = G_MAXDOUBLE, y = 0;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), result);

  if (strata_graph_get_n_nodes (graph) == 0)
    return result;

  layout.vertices = g_array_new (FALSE, FALSE, sizeof (Vertex));
  layout.layers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  build (&layout, graph, size_func, user_data);
  order_layers (&layout);
  assign_x (&layout);

  layer_y = g_new0 (double, layout.layers->len);
  for (guint l = 0; l < layout.layers->len; l++)
    {
      GArray *members = g_ptr_array_index (layout.layers, l);
      double height = 0;

      layer_y[l] = y;
      for (guint k = 0; k < members->len; k++)
        {
          Vertex *v = vertex_at (&layout, g_array_index (members, guint, k));
          height = MAX (height, v->height);
          if (v->id)
            min_x = MIN (min_x, v->x - v->width / 2);
        }
      y += height + STRATA_LAYOUT_LAYER_GAP;
    }

  for (guint i = 0; i < layout.vertices->len; i++)
    {
      Vertex *v = vertex_at (&layout, i);
      StrataPoint *p;

      if (v->id == NULL)
        continue;
      p = g_new (StrataPoint, 1);
      /* Whole units keep text crisp at zoom 1. */
      p->x = round (v->x - v->width / 2 - min_x);
      p->y = round (layer_y[v->layer]);
      g_hash_table_insert (result, g_strdup (v->id), p);
    }

  layout_clear (&layout);
  return result;
}

static gboolean
segments_cross (StrataPoint a,
                StrataPoint b,
                StrataPoint c,
                StrataPoint d)
{
  double d1 = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  double d2 = (b.x - a.x) * (d.y - a.y) - (b.y - a.y) * (d.x - a.x);
  double d3 = (d.x - c.x) * (a.y - c.y) - (d.y - c.y) * (a.x - c.x);
  double d4 = (d.x - c.x) * (b.y - c.y) - (d.y - c.y) * (b.x - c.x);

  return d1 * d2 < 0 && d3 * d4 < 0;
}

/**
 * strata_graph_layout_count_crossings:
 * @positions: (element-type utf8 StrataPoint): top-left corners, as the layout gives them
 *
 * Returns: how many pairs of links cross, each drawn straight from port to port
 */
guint
strata_graph_layout_count_crossings (StrataGraph        *graph,
                                     GHashTable         *positions,
                                     StrataNodeSizeFunc  size_func,
                                     gpointer            user_data)
{
  GPtrArray *links = strata_graph_get_links (graph);
  g_autofree StrataPoint *from = g_new (StrataPoint, MAX (links->len, 1));
  g_autofree StrataPoint *to = g_new (StrataPoint, MAX (links->len, 1));
  guint crossings = 0;

  for (guint i = 0; i < links->len; i++)
    {
      StrataLink *link = g_ptr_array_index (links, i);
      const char *ids[2] = { link->src, link->dst };
      StrataRect rects[2];

      for (guint k = 0; k < 2; k++)
        {
          StrataPoint *p = g_hash_table_lookup (positions, ids[k]);
          double w = STRATA_NODE_DEFAULT_WIDTH, h = STRATA_NODE_DEFAULT_HEIGHT;

          if (size_func)
            size_func (ids[k], &w, &h, user_data);
          rects[k] = (StrataRect) { p ? p->x : 0, p ? p->y : 0, w, h };
        }
      from[i] = strata_node_port_position (&rects[0], STRATA_PORT_OUTPUT, 0, 1);
      to[i] = strata_node_port_position (&rects[1], STRATA_PORT_INPUT, link->port,
                                         strata_node_get_n_inputs (strata_graph_get_node (graph,
                                                                                          link->dst)));
    }
  for (guint i = 0; i < links->len; i++)
    for (guint j = i + 1; j < links->len; j++)
      if (segments_cross (from[i], to[i], from[j], to[j]))
        crossings++;
  return crossings;
}
