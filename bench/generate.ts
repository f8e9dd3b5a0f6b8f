// Generates large, realistic .rec programs for benchmarks: many modules and models with
// typical members, expressions and comments, at least `lines` lines long (whole declarations only).

export function generateSpec(lines: number): string {
  const out: string[] = [
    'import { Embedding, MLP, LayerNorm } from "std/nn"',
    'import { l2_normalize } from "std/losses"',
    'import * as losses from "std/losses"',
    "",
  ];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `/// Block ${i}: a gated residual tower.`,
      `module Tower${i}(units: int = 64, depth: int = ${1 + (i % 3)}, act: fn = gelu) {`,
      `  weight gate: f32[In, units] = glorot_uniform()`,
      `  let layers = [MLP([units * 2, units], act = act) for _ in range(depth)]`,
      `  let norm = LayerNorm()`,
      `  fn (x: f32[..., In]) -> f32[..., units] {`,
      `    let g = sigmoid(x @ gate) // gate in (0, 1)`,
      `    let h = fold(layers, norm(x), fn(acc, layer) => acc + layer(acc))`,
      `    g * h + (1.0 - g) * x[..., :units]`,
      `  }`,
      `}`,
      ``,
      `model Model${i} {`,
      `  dims B, L`,
      `  param dim = 64, items = ${1000 + i}, temperature = 0.05`,
      `  input history: id<items>[B, L]`,
      `  input target: id<items>[B]`,
      `  let table = Embedding(items, dim)`,
      `  encoder user = mean(table(history), axis = 1) |> Tower${i}(dim) |> l2_normalize`,
      `  head score = user @ transpose(table(target)) / temperature`,
      `  loss ce = losses.softmax_cross_entropy(score, arange(B))`,
      `  metric hit = in_batch_recall(score, k = 10) * 100.0`,
      `  train { batch = 256, steps = 1_000, optimizer = adam(lr = 1e-3) }`,
      `}`,
      ``,
    );
  }
  return out.join("\n") + "\n";
}
