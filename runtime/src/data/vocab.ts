// Vocabularies for id fields declared `column("…", vocab = true)`: built from the training
// split's values, bounded by the id space. In: value counts. Out: ids 1…size−1 for the most
// frequent values (ties by first appearance, so the order is deterministic) and id 0, the
// out-of-vocabulary bucket, for everything else. Saved with the run so evaluation, prediction
// and resumed training map values the same way.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../atomic-write.js";

export class Vocabulary {
  private readonly ids: Map<string, number>;

  constructor(readonly values: readonly string[]) {
    this.ids = new Map(values.map((v, i) => [v, i + 1]));
  }

  /** The id of a raw cell value; 0 when out of vocabulary. */
  idOf(raw: unknown): number {
    return this.ids.get(keyOf(raw)) ?? 0;
  }

  has(raw: unknown): boolean {
    return this.ids.has(keyOf(raw));
  }
}

/** Values are compared as text, so `7`, `7n` and `"7"` are one value. */
export function keyOf(raw: unknown): string {
  return typeof raw === "string" ? raw : typeof raw === "bigint" ? raw.toString() : JSON.stringify(raw);
}

export class VocabularyBuilder {
  private readonly counts = new Map<string, number>();

  add(raw: unknown): void {
    const key = keyOf(raw);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The `size − 1` most frequent values (id 0 is reserved for out-of-vocabulary). */
  build(size: number): Vocabulary {
    const order = [...this.counts.entries()].map(([value, count], first) => ({ value, count, first }));
    order.sort((a, b) => b.count - a.count || a.first - b.first);
    return new Vocabulary(order.slice(0, Math.max(0, size - 1)).map((e) => e.value));
  }
}

/** A run's vocab.json: field name → its values in id order (id 1 first). */
export function saveVocabularies(path: string, vocabularies: ReadonlyMap<string, Vocabulary>): void {
  writeFileAtomic(path, `${JSON.stringify(Object.fromEntries([...vocabularies].map(([k, v]) => [k, v.values])))}\n`);
}

export function loadVocabularies(path: string): Map<string, string[]> {
  return new Map(Object.entries(JSON.parse(readFileSync(path, "utf8")) as Record<string, string[]>));
}

/** The vocabularies a run wrote beside its checkpoint (`vocab.json`), or none where it wrote none. */
export function vocabulariesBeside(checkpoint: string): Map<string, string[]> {
  const path = join(dirname(checkpoint), "vocab.json");
  return existsSync(path) ? loadVocabularies(path) : new Map();
}
