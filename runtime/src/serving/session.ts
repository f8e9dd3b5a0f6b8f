// What the prediction server serves: a plan with its weights, the scorers that read JSON rows
// through the model's schema, and the retrieval index. In: the plan, the checkpoint, the schema
// for rows and the options of `rec serve`. Out: `predict(rows)` (every head per row) and
// `retrieve(rows, k)` (the query tower's vector of each row searched in the index), both
// micro-batched, and the metadata `/metadata` answers. The HTTP layer (http.ts) validates
// requests before they reach it. Nothing here imports the compiler.

import { loadServingWeights } from "../checkpoint/checkpoint.js";
import type { EncodedRow } from "../data/encode.js";
import { vocabulariesBeside } from "../data/vocab.js";
import type { Plan, PlanSchema } from "../plan.js";
import { RowScorer, type ScoredRow } from "../score-rows.js";
import { useBackend, type BackendName } from "../tfjs/backends.js";
import { Executor } from "../tfjs/executor.js";
import { MicroBatcher } from "./micro-batch.js";
import type { Neighbours, VectorIndex } from "./vector-index.js";

export interface SessionOptions {
  readonly plan: Plan;
  readonly checkpoint: string;
  /** The schema heads' rows are read with (score-rows.ts predictSchemaOf). */
  readonly predictSchema: PlanSchema;
  /** The query tower for /retrieve, the schema of its rows, and the index of item vectors. */
  readonly retrieval?: { readonly encoder: string; readonly schema: PlanSchema; readonly index: VectorIndex };
  readonly backend?: BackendName;
  /** Rows per model call (and the most one request may send). */
  readonly maxBatch: number;
}

export class ServingSession {
  readonly predictBatcher: MicroBatcher<EncodedRow, ScoredRow>;
  readonly retrieveBatcher?: MicroBatcher<EncodedRow, Float32Array>;
  readonly predictScorer: RowScorer;
  readonly queryScorer?: RowScorer;
  readonly notes: string[];

  private constructor(
    readonly options: SessionOptions,
    private readonly executor: Executor,
    notes: string[],
  ) {
    this.notes = notes;
    const vocabularies = vocabulariesBeside(options.checkpoint);
    this.predictScorer = new RowScorer(executor, options.predictSchema, vocabularies, "request");
    this.predictBatcher = new MicroBatcher((rows) => this.predictScorer.score(rows), options.maxBatch);
    const retrieval = options.retrieval;
    if (retrieval) {
      const scorer = new RowScorer(executor, retrieval.schema, vocabularies, "request");
      this.queryScorer = scorer;
      this.retrieveBatcher = new MicroBatcher((rows) => scorer.encodeVectors(rows, retrieval.encoder), options.maxBatch);
    }
  }

  static async open(options: SessionOptions): Promise<ServingSession> {
    await useBackend(options.backend ?? "cpu");
    const executor = new Executor(options.plan, 0);
    try {
      return new ServingSession(options, executor, loadServingWeights(executor, options.checkpoint));
    } catch (error) {
      executor.dispose();
      throw error;
    }
  }

  async retrieve(rows: readonly EncodedRow[], k: number): Promise<Neighbours[]> {
    const vectors = await this.retrieveBatcher!.submit(rows);
    return vectors.map((v) => this.options.retrieval!.index.search(v, k));
  }

  /** What `/metadata` answers: the model, what each endpoint reads and gives, the index. */
  metadata(): Record<string, unknown> {
    const { plan, retrieval } = this.options;
    const fieldsOf = (schema: PlanSchema) =>
      schema.fields.map((f) => ({
        column: f.column,
        input: f.name,
        kind: f.kind,
        dtype: f.dtype,
        shape: f.shape,
        ...(f.space ? { id_space: f.space.name, ids: f.space.size } : {}),
        ...(f.ids === "vocab" ? { vocabulary: true } : {}),
      }));
    const stepType = (step: number) => plan.steps[step]!.type;
    return {
      model: plan.model,
      heads: Object.fromEntries(Object.entries(plan.entries.predict.outputs).map(([name, step]) => [name, stepType(step)])),
      predict: { rows: fieldsOf(this.options.predictSchema) },
      ...(retrieval
        ? {
            retrieve: {
              encoder: retrieval.encoder,
              rows: fieldsOf(retrieval.schema),
              index: { kind: retrieval.index.kind, items: retrieval.index.size, dim: retrieval.index.dim, similarity: retrieval.index.similarity },
            },
          }
        : {}),
      max_batch: this.options.maxBatch,
      batches: { predict: this.predictBatcher.stats, ...(this.retrieveBatcher ? { retrieve: this.retrieveBatcher.stats } : {}) },
    };
  }

  get idle(): boolean {
    return this.predictBatcher.idle && (this.retrieveBatcher?.idle ?? true);
  }

  dispose(): void {
    this.executor.dispose();
  }
}
