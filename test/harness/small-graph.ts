// A small LightGCN whose graph is constant inputs read from a file, for the tests of constant
// inputs (test/graph-constants.test.ts) and of carrying them to exported and distributed runs
// (test/repro/torch-ddp.test.ts). Its loss is a mean over examples, so N processes sharing a
// global batch follow one process's curve.

/** 6 users, 4 items; the graph from `graph.csv` (src, dst, weight), pairs from `pairs.csv`. */
export const SMALL_GRAPH_SPEC = `import { Embedding, sparse_matmul } from "std/nn"

schema Edges {
  edge_user: id<users> = column("src")
  edge_item: id<items> = column("dst")
  edge_weight: f32 = column("weight", min = 0)
}

schema Pairs {
  user_id: id<users> = column("user")
  item_id: id<items> = column("item")
}

model SmallGraph {
  dims B, E
  param users = 6, items = 4, dim = 4

  input user_id: id<users>[B]
  input item_id: id<items>[B]
  input edge_user: id<users>[E] constant
  input edge_item: id<items>[E] constant
  input edge_weight: f32[E] constant

  let item_rows = Embedding(items, dim)(arange(items))
  let user_rows = Embedding(users, dim)(arange(users)) + sparse_matmul(edge_user, edge_item, edge_weight, item_rows)
  encoder user = gather(user_rows, user_id)
  let positive = gather(item_rows, item_id)
  loss l = mean(softplus(-sum(user * positive, axis = -1)))
  metric recall = in_batch_recall(user @ transpose(positive), k = 1)

  train {
    data = csv("pairs.csv", schema = Pairs, valid = 0.25, shuffle = 0)
    constants = csv("graph.csv", schema = Edges)
    batch = 4
    steps = 3
  }
}
`;

/** A graph.csv every row of which is good. */
export const GOOD_GRAPH = "src,dst,weight\n0,1,0.5\n1,2,1.0\n2,3,0.25\n5,0,2.0\n";

/** The same model with a frozen table per user from `frozen.jsonl`, rows placed by their `id` (a keyed constants file). */
export const KEYED_GRAPH_SPEC = SMALL_GRAPH_SPEC.replace(
  "schema Pairs {",
  `schema Frozen {
  frozen_user: f32[2] = column("vector")
}

schema Pairs {`,
)
  .replace("  input edge_weight: f32[E] constant\n", "  input edge_weight: f32[E] constant\n  input frozen_user: f32[users, 2] constant\n")
  .replace("encoder user = gather(user_rows, user_id)", "encoder user = gather(user_rows, user_id) + sum(gather(frozen_user, user_id), axis = -1)[:, None]")
  .replace(
    'constants = csv("graph.csv", schema = Edges)',
    'constants = [csv("graph.csv", schema = Edges), jsonl("frozen.jsonl", schema = Frozen, key = "id")]',
  );
