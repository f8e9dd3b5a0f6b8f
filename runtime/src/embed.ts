// Embedding a whole catalogue (`rec embed`): a trained model's encoder run over every id of the
// id space it reads, a batch at a time, written to Parquet as rows (id, vector) one row group
// per batch, so a catalogue of millions of items never sits in memory. In: an executor holding
// trained weights, the encoder's name, a batch size, the output path. Out: the file and its
// row count. An encoder qualifies when it reads exactly one input, ids of a sized space, one
// per example (an item tower over `item_id`); its vectors are rank 1 per example.

import { parquetStream } from "./data/write-table.js";
import { inputsOfSteps } from "./serve.js";
import type { Executor } from "./tfjs/executor.js";
import type { Plan, PlanInput } from "./plan.js";
import { tf, type Tensor } from "./tfjs/tf.js";

/** An encoder `rec embed` cannot run over a catalogue; the message says why. */
export class EmbedError extends Error {
  override readonly name = "EmbedError";
}

/** The one id input the encoder reads, and the number of ids in its space. */
export function catalogueOf(plan: Plan, encoder: string): { input: PlanInput; size: number } {
  const outputs = plan.entries.encode.outputs;
  const step = outputs[encoder];
  if (step === undefined) {
    const names = Object.keys(outputs);
    throw new EmbedError(
      names.length
        ? `model ${plan.model} has no encoder \`${encoder}\` (its encoders: ${names.map((n) => `\`${n}\``).join(", ")})`
        : `model ${plan.model} declares no encoder: \`rec embed\` runs an \`encoder\` over a catalogue`,
    );
  }
  const inputs = inputsOfSteps(plan, [step]);
  const [only] = inputs;
  if (inputs.length !== 1 || !only) {
    throw new EmbedError(
      `encoder \`${encoder}\` reads ` +
        `${inputs.length ? `the inputs ${inputs.map((i) => `\`${i.name}\``).join(", ")}` : "no input"}: ` +
        `\`rec embed\` feeds it the ids of one id space, so it must read exactly one input of ids`,
    );
  }
  const size = only.type.space?.size;
  if (only.type.dtype !== "id" || typeof size !== "number" || only.type.shape.length !== 1) {
    throw new EmbedError(
      `encoder \`${encoder}\` reads \`${only.name}\`, which is not one id of a sized space per ` +
        `example: \`rec embed\` feeds every id of the space, 0 to its size − 1`,
    );
  }
  const rank = plan.steps[step]!.type.shape.length;
  if (rank !== 2) throw new EmbedError(`encoder \`${encoder}\` gives a value of rank ${rank} per batch: \`rec embed\` writes one vector per id`);
  return { input: only, size };
}

/**
 * The encoder's vectors of ids 0 … size − 1 fed to `input`, `batch` ids at a time: each batch's
 * first id and its [count, dim] value (the caller disposes it).
 */
export function* encodedBatches(executor: Executor, encoder: string, input: string, size: number, batch: number): Generator<{ start: number; value: Tensor }> {
  for (let start = 0; start < size; start += batch) {
    const ids = tf.range(start, Math.min(size, start + batch), 1, "int32");
    const value = executor.runNamed("encode", [encoder], new Map([[input, ids]])).get(encoder)!;
    ids.dispose();
    yield { start, value };
  }
}

/** Runs the encoder over ids 0 … size − 1 and writes (id, vector) rows to `path` (Parquet); resolves to the row count. */
export async function embedCatalogue(
  executor: Executor,
  encoder: string,
  batch: number,
  path: string,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const { input, size } = catalogueOf(executor.plan, encoder);
  const out = await parquetStream(path, [
    { name: "id", kind: "int" },
    { name: "vector", kind: "float_list" },
  ]);
  try {
    for (const { start, value } of encodedBatches(executor, encoder, input.name, size, batch)) {
      const [count, width] = value.shape as [number, number];
      const flat = (await value.data()) as Float32Array;
      value.dispose();
      out.write({
        id: Array.from({ length: count }, (_, i) => start + i),
        vector: Array.from({ length: count }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width))),
      });
      onProgress?.(start + count, size);
    }
    out.close();
  } catch (error) {
    out.abort();
    throw error;
  }
  return size;
}
