// A replay buffer: the last `capacity` transitions of the rollouts, one typed column per field
// (the state, the action, the reward, `done`, the candidates, the next state and its candidates),
// sampled uniformly with a seeded generator. In: transitions as columns of equal row counts.
// Out: batches for the value model's train entry.

import { batchOf, widthOf, type Column, type ColumnData, type Examples } from "../data/examples.js";
import type { Batch } from "../data/batch.js";
import { RolloutError } from "./environment.js";

export class ReplayBuffer {
  private columns: Map<string, Column> | undefined;
  /** Rows written so far (the next row to write is `written % capacity`). */
  private written = 0;

  constructor(
    readonly capacity: number,
    private readonly random: () => number,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RolloutError(`a replay buffer holds a whole number of transitions above 0, not ${capacity}`);
  }

  /** Transitions held now (at most the capacity). */
  get size(): number {
    return Math.min(this.written, this.capacity);
  }

  /** The buffer's memory in bytes once full (4 bytes per value; 1 per boolean). */
  get bytes(): number {
    let perRow = 0;
    for (const c of this.columns?.values() ?? []) perRow += widthOf(c) * (c.dtype === "bool" ? 1 : 4);
    return perRow * this.capacity;
  }

  /** Appends every row of `transitions` (or those in `rows`), overwriting the oldest when full. */
  push(transitions: Examples, rows?: ArrayLike<number>): void {
    this.columns ??= new Map(
      [...transitions.columns].map(([name, c]) => [
        name,
        { ...c, data: new (c.data.constructor as new (n: number) => ColumnData)(this.capacity * widthOf(c)) },
      ]),
    );
    const count = rows ? rows.length : transitions.count;
    for (let i = 0; i < count; i++) {
      const from = rows ? rows[i]! : i;
      const to = this.written % this.capacity;
      for (const [name, column] of this.columns) {
        const source = transitions.columns.get(name);
        if (!source) throw new RolloutError(`a transition lacks the field \`${name}\``);
        const width = widthOf(column);
        column.data.set(source.data.subarray(from * width, (from + 1) * width), to * width);
      }
      this.written++;
    }
  }

  /** `count` transitions drawn uniformly (with replacement) from those held, as one batch of the named fields. */
  sample(count: number, fields: readonly string[]): Batch {
    if (!this.columns || this.size === 0) throw new RolloutError("the replay buffer is empty: no transition to learn from yet");
    const rows = Int32Array.from({ length: count }, () => Math.floor(this.random() * this.size));
    const wanted = new Map<string, Column>();
    for (const name of fields) {
      const column = this.columns.get(name);
      if (!column)
        throw new RolloutError(
          `the value model reads the input \`${name}\`, which no transition holds; transitions hold ${[...this.columns.keys()].join(", ")}`,
        );
      wanted.set(name, column);
    }
    return batchOf({ count: this.size, columns: wanted }, rows);
  }
}
