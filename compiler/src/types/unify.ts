// Unification of symbolic dimensions across a whole model: rigid dims (declared with `dims`)
// stay themselves; variables (unbound names in a signature) are bound on first use, and every
// binding remembers where it was made so a mismatch can say where each dim came from.

import type { Span } from "../source/source-file.js";
import { addDims, constDim, constValue, equalDims, subDims, substitute, symDim, type Dim } from "./dims.js";

export interface Binding {
  readonly dim: Dim;
  readonly span?: Span;
}

let freshCounter = 0;

export class Unifier {
  private readonly bindings = new Map<string, Binding>();
  private readonly variables = new Set<string>();
  /** Where each rigid dim was declared, for messages. */
  readonly declared = new Map<string, Span>();

  /** Whether any symbol of `dim` is a bound variable (most dims have none: no work to do). */
  private mentionsBound(dim: Dim): boolean {
    if (this.bindings.size === 0) return false;
    for (const key of dim.terms.keys()) {
      if (key === "") continue;
      if (key.indexOf("*") < 0 ? this.bindings.has(key) : key.split("*").some((s) => this.bindings.has(s))) return true;
    }
    return false;
  }

  /** A new variable whose printed name is `name` (suffix `#n` keeps it unique). */
  fresh(name: string): Dim {
    const unique = `${name}#${++freshCounter}`;
    this.variables.add(unique);
    return symDim(unique);
  }

  isVariable(symbol: string): boolean {
    return this.variables.has(symbol);
  }

  bindingOf(symbol: string): Binding | undefined {
    return this.bindings.get(symbol);
  }

  /** The dimension with every bound variable replaced, to a fixed point. */
  resolve(dim: Dim, depth = 0): Dim {
    if (depth > 32 || !this.mentionsBound(dim)) return dim;
    let changed = false;
    const out = substitute(dim, (s) => {
      const b = this.bindings.get(s);
      if (b) changed = true;
      return b?.dim;
    });
    return changed ? this.resolve(out, depth + 1) : out;
  }

  /**
   * Makes `a` and `b` equal if it can, by binding one variable. Returns false when they are
   * provably different (two rigid dims, two constants, or a polynomial no single binding fixes).
   */
  unify(a: Dim, b: Dim, span?: Span): boolean {
    const ra = this.resolve(a);
    const rb = this.resolve(b);
    if (equalDims(ra, rb)) return true;
    const difference = subDims(ra, rb);
    // Find a variable appearing linearly with coefficient ±1: solve for it.
    for (const [key, coefficient] of difference.terms) {
      if (!key || key.includes("*") || !this.variables.has(key) || Math.abs(coefficient) !== 1) continue;
      const rest = subDims(difference, { terms: new Map([[key, coefficient]]) });
      if ([...rest.terms.keys()].some((k) => k.split("*").includes(key))) continue;
      // coefficient*key + rest = 0  →  key = -rest / coefficient
      const solution = coefficient === 1 ? subDims(constDim(0), rest) : rest;
      this.bindings.set(key, span ? { dim: solution, span } : { dim: solution });
      return true;
    }
    return false;
  }

  /** True when `dim` is known to be the constant 1 (broadcastable). */
  isOne(dim: Dim): boolean {
    return constValue(this.resolve(dim)) === 1;
  }

  sum(a: Dim, b: Dim): Dim {
    return this.resolve(addDims(a, b));
  }
}
