// Nearest-neighbour search over a catalogue's vectors, for `rec serve`'s `POST /retrieve`. In:
// the (id, vector) rows `rec embed` writes, and the similarity the model scores with (inner
// product, as a two-tower `user @ transpose(item)`; or cosine). Out: an index answering "the k
// items of highest score for this query vector": approximate, through hnswlib-node (HNSW graphs,
// Malkov & Yashunin, 2018) where that optional native package is installed, else exact.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { openAtomic, writeFileAtomic } from "../atomic-write.js";
import { DataFileError, readRows } from "../data/tables.js";

export type Similarity = "dot" | "cosine";

export interface Neighbours {
  readonly ids: number[];
  readonly scores: number[];
}

export interface VectorIndex {
  /** `hnsw` (approximate) or `exact`. */
  readonly kind: "hnsw" | "exact";
  readonly size: number;
  readonly dim: number;
  readonly similarity: Similarity;
  /** The k vectors of highest similarity to `query`, best first; `ef`: HNSW's candidate list for this search (exact search ignores it). */
  search(query: Float32Array, k: number, ef?: number): Neighbours;
}

/** A catalogue's vectors: ids[i] is the id of row i, vectors row-major [size, dim]. */
export interface Catalogue {
  readonly ids: Int32Array;
  readonly vectors: Float32Array;
  readonly dim: number;
}

/** Reads `rec embed`'s Parquet (columns `id`, `vector`), checking every vector has one width and finite values. */
export async function readCatalogue(path: string): Promise<Catalogue> {
  const ids: number[] = [];
  const parts: number[][] = [];
  let dim = -1;
  for await (const row of readRows(path, "parquet", ["id", "vector"])) {
    const { id, vector } = row.values as { id?: unknown; vector?: unknown };
    if (typeof id !== "number" && typeof id !== "bigint")
      throw new DataFileError(`${path}, row ${row.index}: no integer \`id\` (is this a file \`rec embed\` wrote?)`);
    if (!Array.isArray(vector) || !vector.every((v) => typeof v === "number" && Number.isFinite(v)))
      throw new DataFileError(`${path}, row ${row.index}: \`vector\` is not a list of finite numbers`);
    if (dim >= 0 && vector.length !== dim) throw new DataFileError(`${path}, row ${row.index}: a vector of ${vector.length} values after vectors of ${dim}`);
    dim = vector.length;
    ids.push(Number(id));
    parts.push(vector as number[]);
  }
  if (!ids.length) throw new DataFileError(`${path} holds no vectors`);
  const vectors = new Float32Array(ids.length * dim);
  parts.forEach((v, i) => vectors.set(v, i * dim));
  return { ids: Int32Array.from(ids), vectors, dim };
}

/** Unit-length copies of the rows (cosine similarity is the inner product of unit vectors). */
function normalized(vectors: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(vectors.length);
  for (let r = 0; r < vectors.length / dim; r++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += vectors[r * dim + j]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dim; j++) out[r * dim + j] = vectors[r * dim + j]! * scale;
  }
  return out;
}

/** Exact search: every vector scored, the k best kept in a small sorted list. */
export function exactIndex(catalogue: Catalogue, similarity: Similarity): VectorIndex {
  const { ids, dim } = catalogue;
  const vectors = similarity === "cosine" ? normalized(catalogue.vectors, dim) : catalogue.vectors;
  const size = ids.length;
  return {
    kind: "exact",
    size,
    dim,
    similarity,
    search(query, k) {
      const q = similarity === "cosine" ? normalized(query, dim) : query;
      const take = Math.min(k, size);
      const bestRows: number[] = [];
      const bestScores: number[] = [];
      for (let r = 0; r < size; r++) {
        let s = 0;
        for (let j = 0, at = r * dim; j < dim; j++) s += vectors[at + j]! * q[j]!;
        if (bestRows.length === take && s <= bestScores[take - 1]!) continue;
        let at = bestRows.length === take ? take - 1 : bestRows.length;
        if (bestRows.length === take) {
          bestRows.pop();
          bestScores.pop();
        }
        while (at > 0 && bestScores[at - 1]! < s) at--;
        bestRows.splice(at, 0, r);
        bestScores.splice(at, 0, s);
      }
      return { ids: bestRows.map((r) => ids[r]!), scores: bestScores };
    },
  };
}

/** HNSW's build and search settings: links per node, the candidate list while building, and while searching. */
export interface HnswSettings {
  readonly m: number;
  readonly efConstruction: number;
  readonly efSearch: number;
  readonly seed: number;
}

// bench/serving: at 1,000,000 clustered vectors these give Recall@10 0.97 against exact search (docs/benchmarks.md).
export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 100, efSearch: 64, seed: 100 };

interface HnswModule {
  HierarchicalNSW: new (
    space: "ip" | "cosine" | "l2",
    dim: number,
  ) => {
    initIndex(max: number, m?: number, efConstruction?: number, seed?: number): void;
    readIndexSync(path: string): void;
    writeIndexSync(path: string): void;
    getCurrentCount(): number;
    addPoint(point: number[], label: number): void;
    setEf(ef: number): void;
    searchKnn(point: number[], k: number): { distances: number[]; neighbors: number[] };
  };
}

/**
 * Where a built index is kept for the next start: `<cache>.hnsw` beside a JSON key naming what it
 * was built from (the vectors' SHA-256, the similarity, the settings). A start whose key matches
 * reads the graph instead of building it (160 s at 1,000,000 items); any other builds and replaces
 * it, both files written atomically.
 */
export interface IndexCache {
  readonly path: string;
  readonly key: string;
}

/** The cache of the index of a vectors file: keyed by its bytes, so a new `rec embed` is never served a stale graph. */
export function indexCacheFor(vectorsPath: string, similarity: Similarity, settings: HnswSettings = DEFAULT_HNSW): IndexCache {
  const hash = createHash("sha256").update(readFileSync(vectorsPath)).digest("hex");
  const { m, efConstruction, seed } = settings;
  return { path: `${vectorsPath}.hnsw`, key: JSON.stringify({ vectors: hash, similarity, m, efConstruction, seed }) };
}

/** hnswlib-node when installed (an optional dependency with a native addon), else undefined. */
export async function loadHnswlib(): Promise<HnswModule | undefined> {
  try {
    const module = (await import("hnswlib-node" as string)) as HnswModule & { default?: HnswModule };
    return module.HierarchicalNSW ? module : module.default;
  } catch {
    return undefined;
  }
}

/**
 * An HNSW index of the catalogue (hnswlib's `ip` space scores 1 − dot, `cosine` 1 − cos: the
 * scores returned are the similarities again), or undefined where hnswlib-node is not installed.
 * Labels are row numbers; ids are mapped back.
 */
export async function hnswIndex(
  catalogue: Catalogue,
  similarity: Similarity,
  settings: HnswSettings = DEFAULT_HNSW,
  cache?: IndexCache,
): Promise<(VectorIndex & { readonly cached: boolean }) | undefined> {
  const hnswlib = await loadHnswlib();
  if (!hnswlib) return undefined;
  const { ids, vectors, dim } = catalogue;
  const size = ids.length;
  const index = new hnswlib.HierarchicalNSW(similarity === "dot" ? "ip" : "cosine", dim);
  const keyFile = cache && `${cache.path}.json`;
  const cached = !!cache && existsSync(cache.path) && existsSync(keyFile!) && readFileSync(keyFile!, "utf8") === cache.key;
  if (cached) index.readIndexSync(cache.path);
  if (!cached || index.getCurrentCount() !== size) {
    index.initIndex(size, settings.m, settings.efConstruction, settings.seed);
    for (let r = 0; r < size; r++) index.addPoint(Array.from(vectors.subarray(r * dim, (r + 1) * dim)), r);
    if (cache) {
      const graph = openAtomic(cache.path);
      index.writeIndexSync(graph.temporary);
      graph.commit();
      writeFileAtomic(keyFile!, cache.key);
    }
  }
  return {
    cached,
    kind: "hnsw",
    size,
    dim,
    similarity,
    search(query, k, ef = settings.efSearch) {
      const take = Math.min(k, size);
      // The candidate list must hold at least k.
      index.setEf(Math.max(ef, take));
      const found = index.searchKnn(Array.from(query), take);
      return { ids: found.neighbors.map((r) => ids[r]!), scores: found.distances.map((d) => 1 - d) };
    },
  };
}

/** The approximate index where hnswlib-node is installed (read from `cache` when it holds this one), exact search otherwise (or when asked). */
export async function openIndex(catalogue: Catalogue, similarity: Similarity, options: { exact?: boolean; cache?: IndexCache } = {}): Promise<VectorIndex> {
  return (options.exact ? undefined : await hnswIndex(catalogue, similarity, DEFAULT_HNSW, options.cache)) ?? exactIndex(catalogue, similarity);
}
