// HPO's world, `bandit_lm` (spec/papers.md, HPO): a discrete bandit language model — prompts with
// candidate responses, logged preference pairs, a hidden utility and an auxiliary reward. In: the
// resolved arguments. Out: every example up front, as columns. The record at the end is its contract.

import { gaussian, xorshift32 } from "../../runtime/src/data/random.js";
import { trainAndTest, type Examples } from "../../runtime/src/data/columns.js";
import { arg, f32, finiteArgs, hidden, ids, mask, type FiniteWorld } from "../../runtime/src/data/world.js";

export interface BanditLmOptions {
  readonly worldSeed: number;
  readonly trainExamples: number;
  readonly testExamples: number;
  readonly prompts: number;
  readonly candidates: number;
}

const LM_VOCAB = 5;
const LM_LENGTH = 3;

/**
 * `bandit_lm` (HPO): a discrete "bandit language model". Each of `prompts` prompts has
 * `candidates` distinct responses, token sequences of 1 to 3 tokens from a vocabulary of 5 (padded
 * with a mask). A hidden utility u(x, y) ~ N(0, 1) labels preference pairs by Bradley–Terry,
 * P(y_w ≻ y_l) = σ(u(y_w) − u(y_l)); an auxiliary designer reward aux(y) ∈ {0, 1}, 1 for a random
 * 30% of the responses (a designer's attribute such as "plain words"), independent of u and of
 * the response's length. The reference policy is a model whose token
 * logits are all zero: uniform tokens, so over a prompt's candidates π_ref(y|x) ∝ 5^(−|y|); the
 * logged pairs are two distinct responses drawn from it.
 *
 * Fields per example (a logged pair): prompt, candidate_tokens id<5>[C, 3], candidate_mask
 * bool[C, 3], chosen and rejected (indices among the candidates), swap (1 where a naive
 * relabelling by u + aux, also by Bradley–Terry, would prefer the rejected response), and the
 * prompt's utility and aux f32[C] for exact metrics.
 */
export function banditLmWorld(options: BanditLmOptions): { train: Examples; test: Examples } {
  const { prompts, candidates: C } = options;
  const random = xorshift32(options.worldSeed * 48_271 + 3);
  const normal = gaussian(random);
  const world = Array.from({ length: prompts }, () => {
    const seen = new Set<string>();
    const responses: { tokens: number[]; length: number }[] = [];
    while (responses.length < C) {
      const length = random() < 0.25 ? 1 + Math.floor(random() * 2) : LM_LENGTH;
      const tokens = Array.from({ length }, () => Math.floor(random() * LM_VOCAB));
      const key = tokens.join(",");
      if (!seen.has(key)) {
        seen.add(key);
        responses.push({ tokens, length });
      }
    }
    const utility = responses.map(() => normal());
    const aux = responses.map(() => (random() < 0.3 ? 1 : 0));
    const weights = responses.map((r) => LM_VOCAB ** -r.length);
    const total = weights.reduce((a, b) => a + b, 0);
    const cumulative: number[] = [];
    weights.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
    return { responses, utility, aux, cumulative };
  });
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const pick = (cumulative: number[]) => {
    const u = random();
    const i = cumulative.findIndex((c) => u <= c);
    return i < 0 ? cumulative.length - 1 : i;
  };
  const total = options.trainExamples + options.testExamples;
  const columns = {
    prompt: new Int32Array(total),
    candidate_tokens: new Int32Array(total * C * LM_LENGTH),
    candidate_mask: new Uint8Array(total * C * LM_LENGTH),
    chosen: new Int32Array(total),
    rejected: new Int32Array(total),
    swap: new Float32Array(total),
    utility: new Float32Array(total * C),
    aux: new Float32Array(total * C),
  };
  for (let n = 0; n < total; n++) {
    const x = Math.floor(random() * prompts);
    const p = world[x]!;
    const a = pick(p.cumulative);
    let b = pick(p.cumulative);
    while (b === a) b = pick(p.cumulative);
    const aWins = random() < sigmoid(p.utility[a]! - p.utility[b]!);
    const [w, l] = aWins ? [a, b] : [b, a];
    columns.prompt[n] = x;
    columns.chosen[n] = w;
    columns.rejected[n] = l;
    // The naive relabelling: the same pair judged by u + aux.
    columns.swap[n] = random() < sigmoid(p.utility[l]! + p.aux[l]! - p.utility[w]! - p.aux[w]!) ? 1 : 0;
    p.responses.forEach((r, c) => {
      r.tokens.forEach((t, k) => {
        columns.candidate_tokens[(n * C + c) * LM_LENGTH + k] = t;
        columns.candidate_mask[(n * C + c) * LM_LENGTH + k] = 1;
      });
      columns.utility[n * C + c] = p.utility[c]!;
      columns.aux[n * C + c] = p.aux[c]!;
    });
  }
  const shapes = { candidate_tokens: [C, LM_LENGTH], candidate_mask: [C, LM_LENGTH], utility: [C], aux: [C] };
  return trainAndTest(columns, shapes, options.trainExamples, total);
}

export const BANDIT_LM: FiniteWorld = {
  name: "bandit_lm",
  kind: "finite",
  doc: "HPO's discrete bandit language model: prompts with candidate responses, logged preference pairs, a hidden utility and an auxiliary reward",
  args: [...finiteArgs(4_000, 2_000), arg("prompts", 20, "prompts"), arg("candidates", 10, "responses per prompt")],
  fields: [
    ids("prompt", [], "prompts", "the prompt"),
    ids("candidate_tokens", ["candidates", 3], 5, "each response's tokens"),
    mask("candidate_mask", ["candidates", 3], "true where a response has a token"),
    ids("chosen", [], "candidates", "the preferred response"),
    ids("rejected", [], "candidates", "the other one"),
    f32("swap", [], "1 where relabelling by utility + aux would swap them"),
    f32("utility", ["candidates"], "each response's hidden utility"),
    f32("aux", ["candidates"], "each response's auxiliary reward"),
  ],
  // A policy is scored on the prompts it is trained for (exactly, over every candidate): the test
  // split holds more logged pairs of the same prompts, so nothing is evaluation-only.
  separation: {
    hidden: [
      hidden("each response's utility", "training", "labels the logged pairs by Bradley–Terry"),
      hidden("each response's auxiliary reward", "training", "the designer's reward, known to training: HPO optimises it beside the preferences"),
      hidden("exact utilities per candidate", "metrics", "the win rate is scored with them over every candidate", ["utility"]),
    ],
  },
  build: (args) =>
    banditLmWorld({
      worldSeed: args.worldSeed,
      trainExamples: args.number("train_examples"),
      testExamples: args.number("test_examples"),
      prompts: args.number("prompts"),
      candidates: args.number("candidates"),
    }),
};
