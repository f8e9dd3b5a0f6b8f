// The checkpoint fuzzer shared by test/checkpoint.test.ts and test/repro/checkpoint-fuzz.test.ts:
// seeded damaged copies of a saved checkpoint (bytes flipped in the header and the data, cut
// short, a stretch repeated). A copy is clean when it is refused with a CheckpointError naming the
// file, or loads exactly the tensors that were saved; anything else (garbage loaded, another
// exception) is a crash. One exception, `unmarked`: a copy whose flips destroyed both the hash's
// key and the `plan_hash` key reads as another writer's file, which carries no hash by right
// (spec/checkpoints.md), so its valid header is loaded as it stands; such copies are counted and
// must stay rare (the repro tier bounds them).

import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../app/compile.js";
import { useBackend } from "../../runtime/src/tfjs/backends.js";
import { saveCheckpoint } from "../../runtime/src/checkpoint/checkpoint.js";
import { CheckpointError, decodeSafetensors, PLAN_HASH } from "../../runtime/src/checkpoint/safetensors.js";
import { Executor } from "../../runtime/src/tfjs/executor.js";
import { xorshift32 } from "../../runtime/src/data/random.js";
import { damage } from "./fuzz-data.js";
import { ROOT } from "./repo.js";

const SPEC = `import { Dense, Embedding } from "std/nn"
model M {
  dims B
  input x: f32[B, 4]
  input i: id<30>[B]
  head h = Dense(2)(x) + Embedding(30, 2)(i)
}
`;

export async function fuzzCheckpoint(
  copies: number,
  seed: number,
): Promise<{ tried: number; loaded: number; refused: number; unmarked: number; crashed: string[] }> {
  await useBackend("cpu");
  const scratch = join(ROOT, ".tmp", "checkpoint-fuzz");
  mkdirSync(scratch, { recursive: true });
  const executor = new Executor(compile({ path: join(ROOT, "m.rec"), text: SPEC }).plans[0]!, 0);
  const path = join(scratch, `original-${seed}.safetensors`);
  await saveCheckpoint(executor, path, { step: "12" });
  executor.dispose();
  const original = readFileSync(path);
  const saved = decodeSafetensors(original).tensors;
  const same = (tensors: typeof saved) =>
    tensors.size === saved.size &&
    [...tensors].every(([name, t]) => saved.has(name) && t.dtype === saved.get(name)!.dtype && t.data.every((v, k) => Object.is(v, saved.get(name)!.data[k])));
  const rand = xorshift32(seed);
  const crashed: string[] = [];
  let [loaded, refused, unmarked] = [0, 0, 0];
  for (let copy = 0; copy < copies; copy++) {
    try {
      const { tensors, metadata } = decodeSafetensors(damage(original, rand), "damaged.safetensors");
      if (same(tensors)) loaded++;
      // Loaded without a hash check: only where no mark of reclang's survived (the hash's key is gone, or it would have been checked).
      else if (!(PLAN_HASH in metadata)) unmarked++;
      else crashed.push(`copy ${copy}: loaded tensors that differ from the saved ones`);
    } catch (error) {
      if (error instanceof CheckpointError && error.message.includes("damaged.safetensors")) refused++;
      else crashed.push(`copy ${copy}: ${String(error)}`);
    }
  }
  return { tried: copies, loaded, refused, unmarked, crashed };
}
