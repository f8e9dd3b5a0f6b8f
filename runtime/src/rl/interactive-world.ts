// What rollouts and value learning ask of an interactive world (a `rollouts { world = … }`): new
// sessions' states as columns, the true response and continuation probabilities of a step (the
// truth evaluation scores a policy against), and a lookahead reference. A paper's world
// implements it (examples/recomind/world.ts); rl/ knows only this interface.

import type { Examples } from "../data/columns.js";

export interface InteractiveWorld {
  /** A session ends after this many steps whatever the user does. */
  readonly maxSteps: number;
  /** `count` new sessions' first states. */
  start(count: number, random: () => number): Examples;
  /** The probability that the user of session `s` responds to `item` now. */
  engageProbability(state: Examples, s: number, item: number): number;
  /** The probability that the session goes on after `item`, answered with `engaged`. */
  continueProbability(item: number, engaged: boolean): number;
  /** The world's reference pick among `candidates` for session `s` (`value`: the worth of one more step). */
  lookahead(state: Examples, s: number, candidates: ArrayLike<number>, value: number): number;
}
