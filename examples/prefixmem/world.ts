// PrefixMem's world, `sid_successor` (spec/papers.md, PrefixMem): semantic IDs of 3 codes and
// their prefix-dependent successors, with the catalogue's trie for constrained decoding. In: the
// resolved arguments of `synthetic("sid_successor", …)`. Out: batches of (tokens, targets) as
// columns, and the tries as constant columns. The record at the end is the world's contract.

import { xorshift32 } from "../../runtime/src/data/random.js";
import { floatColumn, idColumn, type Column } from "../../runtime/src/data/columns.js";
import { arg, f32, hidden, ids, modelArg, SEED_ARGS, whole, type ColumnStream, type GeneratedWorld, type WorldArgs } from "../../runtime/src/data/world.js";

/**
 * `sid_successor` (spec/papers.md, PrefixMem: the hierarchical successor SIDs): items are semantic IDs of
 * 3 codes out of `codes`; the catalogue holds `items` of the codes³ possible SIDs (all of them by
 * default, else a random subset, so not every prefix can be continued by every code). Each item
 * A has a successor B built so that meaning is prefix-dependent: B_1 = f_1(A_1),
 * B_2 = f_2(A_1, A_2, B_1), B_3 = f_3(A_1, A_2, A_3, B_1, B_2) for random tables f whose values
 * are codes the catalogue allows after B's prefix; with probability `noise` B is a random item
 * instead. Fields: `tokens` id[B, 7] = [BOS, A_1, A_2, A_3, B_1, B_2, B_3] as level-offset ids
 * (BOS 0, level l code c is 1 + (l − 1)·codes + c), `targets` id[B, 3] = the codes of B, and the
 * catalogue's trie for constrained decoding (constant inputs, fed once: `sidSuccessorConstants`):
 * `trie_1` f32[1, codes], `trie_2` f32[codes, codes], `trie_3` f32[codes², codes], 1 where a code
 * may follow the prefix numbered Σ c_j·codes^(l−1−j).
 */
export function sidSuccessorWorld(options: { codes: number; items: number; noise: number; worldSeed: number; streamSeed: number }): ColumnStream {
  const k = options.codes;
  const { world, catalogue, tries } = sidCatalogue(options);
  // The codes that may follow a prefix (numbered as in the tries), for the successor tables.
  const children = (level: number, prefix: number) => Array.from({ length: k }, (_, c) => c).filter((c) => tries[level]![prefix * k + c] === 1);
  const table = (size: number, level: number, prefixOf: (i: number) => number) =>
    Int32Array.from({ length: size }, (_, i) => {
      const allowed = children(level, prefixOf(i));
      return allowed.length ? allowed[Math.floor(world() * allowed.length)]! : 0;
    });
  // f_2 is indexed by (A_1, A_2, B_1) and f_3 by (A_1, A_2, A_3, B_1, B_2): B's prefix is the last part.
  const [f1, f2, f3] = [table(k, 0, () => 0), table(k ** 3, 1, (i) => i % k), table(k ** 5, 2, (i) => i % (k * k))];
  const random = xorshift32(options.streamSeed);
  const item = () => catalogue[Math.floor(random() * catalogue.length)]!;
  return {
    next(batchSize: number) {
      const tokens = new Int32Array(batchSize * 7);
      const targets = new Int32Array(batchSize * 3);
      for (let b = 0; b < batchSize; b++) {
        const a = item();
        let next: readonly number[];
        if (random() < options.noise) next = item();
        else {
          const b1 = f1[a[0]!]!;
          const b2 = f2[(a[0]! * k + a[1]!) * k + b1]!;
          const b3 = f3[(((a[0]! * k + a[1]!) * k + a[2]!) * k + b1) * k + b2]!;
          next = [b1, b2, b3];
        }
        [0, ...a.map((c, l) => 1 + l * k + c), ...next.map((c, l) => 1 + l * k + c)].forEach((t, i) => (tokens[b * 7 + i] = t));
        next.forEach((c, l) => (targets[b * 3 + l] = c));
      }
      return {
        count: batchSize,
        columns: new Map<string, Column>([
          ["tokens", idColumn(tokens, [7])],
          ["targets", idColumn(targets, [3])],
        ]),
      };
    },
  };
}

/** The world's catalogue and its tries (and the world's generator, where it stands after drawing them). */
function sidCatalogue(options: { codes: number; items: number; worldSeed: number }) {
  const k = options.codes;
  const world = xorshift32(options.worldSeed);
  const catalogue = sampleCatalogue(k, options.items, world);
  const tries = [1, k, k * k].map((prefixes) => new Float32Array(prefixes * k));
  for (const item of catalogue) {
    tries[0]![item[0]!] = 1;
    tries[1]![item[0]! * k + item[1]!] = 1;
    tries[2]![(item[0]! * k + item[1]!) * k + item[2]!] = 1;
  }
  return { world, catalogue, tries };
}

/** The catalogue's tries, the constant inputs `trie_1` … `trie_3` (fed once). */
export function sidSuccessorConstants(options: { codes: number; items: number; worldSeed: number }): Map<string, Column> {
  const { tries } = sidCatalogue(options);
  return new Map(tries.map((t, l) => [`trie_${l + 1}`, floatColumn(t, [t.length / options.codes, options.codes])]));
}

/** `count` distinct 3-code SIDs out of codes³, drawn uniformly (all of them, in order, when count is codes³). */
function sampleCatalogue(codes: number, count: number, random: () => number): number[][] {
  const all = Array.from({ length: codes ** 3 }, (_, i) => i);
  for (let i = all.length - 1; i > 0 && count < all.length; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all
    .slice(0, Math.min(count, all.length))
    .sort((x, y) => x - y)
    .map((i) => [Math.floor(i / (codes * codes)), Math.floor(i / codes) % codes, i % codes]);
}

const sidCodes = (args: WorldArgs) => args.number("codes");

export const SID_SUCCESSOR: GeneratedWorld = {
  name: "sid_successor",
  kind: "generated",
  doc: "PrefixMem's world: 3-level semantic IDs and their prefix-dependent successors, with the catalogue's trie",
  args: [
    ...SEED_ARGS,
    modelArg("codes", "codes per level", "targets", 8),
    arg("items", "codes³", "SIDs in the catalogue"),
    arg("noise", 0.15, "share of random successors in training"),
    arg("held_out_noise", "noise", "the same for held-out splits (0 scores against the true successors)"),
  ],
  fields: [
    ids("tokens", [7], "1 + 3·codes", "[BOS, A₁, A₂, A₃, B₁, B₂, B₃] as level-offset ids"),
    ids("targets", [3], "codes", "the successor's codes"),
    whole(f32("trie_1", [1, "codes"], "codes allowed at level 1")),
    whole(f32("trie_2", ["codes", "codes"], "codes allowed after each level-1 prefix")),
    whole(f32("trie_3", ["codes²", "codes"], "codes allowed after each 2-code prefix")),
  ],
  // Memorising the successor table is the task: every split asks about the same catalogue, so
  // nothing is evaluation-only (a held-out example may repeat a training one).
  separation: {
    hidden: [
      hidden("the successor tables", "training", "what the model is to memorise; every split draws its pairs from them"),
      hidden("the catalogue's trie", "training", "constant inputs for constrained decoding"),
    ],
  },
  stream: (args, streamSeed, split) =>
    sidSuccessorWorld({
      codes: sidCodes(args),
      items: args.number("items"),
      noise: args.number(split === "train" ? "noise" : "held_out_noise"),
      worldSeed: args.worldSeed,
      streamSeed,
    }),
  constants: (args) => sidSuccessorConstants({ codes: sidCodes(args), items: args.number("items"), worldSeed: args.worldSeed }),
};
