// `reclang/server`: the prediction server of `rec serve` as a library, without the compiler. In:
// a plan (compiled, or the plan.json of a run), its checkpoint, optionally the vectors `rec embed`
// wrote. Out: a ServingSession (predict and retrieve, micro-batched) and an HTTP server over it.
//
//   const session = await ServingSession.open({ plan, checkpoint, predictSchema: predictSchemaOf(plan, "."), maxBatch: 256 });
//   const url = await predictionServer(session, { ...DEFAULT_HTTP, port: 0 }).listen();

export { ServingSession, type SessionOptions } from "./session.js";
export { predictionServer, DEFAULT_HTTP, type HttpOptions, type PredictionServer } from "./http.js";
export { MicroBatcher } from "./micro-batch.js";
export {
  DEFAULT_HNSW,
  exactIndex,
  hnswIndex,
  indexCacheFor,
  openIndex,
  readCatalogue,
  type Catalogue,
  type HnswSettings,
  type Neighbours,
  type Similarity,
  type VectorIndex,
} from "./vector-index.js";
export { predictSchemaOf, RowScorer, type ScoredRow } from "../score-rows.js";
export { inputsOf, inputsOfSteps } from "../serve.js";
export type { Plan } from "../plan.js";
