// Symbolic dimensions: sums of products of named dimensions with integer coefficients, in a
// normal form so that equal expressions compare equal (`2 * (L + 1)` and `L + L + 2`).
// Read by the shape rules of the op registry and by unification (unify.ts).

/** A dimension: `terms` maps a monomial (sorted symbol names joined by `*`; "" for the
 * constant) to its nonzero coefficient. */
export interface Dim {
  readonly terms: ReadonlyMap<string, number>;
}

const ZERO: Dim = { terms: new Map() };
const ONE: Dim = { terms: new Map([["", 1]]) };

export function constDim(value: number): Dim {
  // Dims are never mutated, so the two commonest constants are shared.
  if (value === 0) return ZERO;
  if (value === 1) return ONE;
  return { terms: new Map([["", value]]) };
}

export function symDim(name: string): Dim {
  return { terms: new Map([[name, 1]]) };
}

/** The constant value, or undefined when the dimension has symbols. */
export function constValue(dim: Dim): number | undefined {
  if (dim.terms.size === 0) return 0;
  if (dim.terms.size === 1 && dim.terms.has("")) return dim.terms.get("")!;
  return undefined;
}

/** The symbol name when the dimension is exactly one symbol with coefficient 1. */
export function singleSymbol(dim: Dim): string | undefined {
  if (dim.terms.size !== 1) return undefined;
  const [key, coefficient] = [...dim.terms][0]!;
  return coefficient === 1 && key !== "" && !key.includes("*") ? key : undefined;
}

export function symbolsOf(dim: Dim): string[] {
  const out = new Set<string>();
  for (const key of dim.terms.keys()) if (key) for (const s of key.split("*")) out.add(s);
  return [...out];
}

function addTerm(terms: Map<string, number>, key: string, coefficient: number) {
  const next = (terms.get(key) ?? 0) + coefficient;
  if (next === 0) terms.delete(key);
  else terms.set(key, next);
}

export function addDims(a: Dim, b: Dim, sign = 1): Dim {
  if (b.terms.size === 0) return a;
  if (a.terms.size === 0 && sign === 1) return b;
  const terms = new Map(a.terms);
  for (const [key, c] of b.terms) addTerm(terms, key, sign * c);
  return { terms };
}

export function subDims(a: Dim, b: Dim): Dim {
  return addDims(a, b, -1);
}

function mulKeys(a: string, b: string): string {
  if (a === "") return b;
  if (b === "") return a;
  const parts = [...(a ? a.split("*") : []), ...(b ? b.split("*") : [])].sort();
  return parts.join("*");
}

export function mulDims(a: Dim, b: Dim): Dim {
  if (a === ONE) return b;
  if (b === ONE) return a;
  const terms = new Map<string, number>();
  for (const [ka, ca] of a.terms) for (const [kb, cb] of b.terms) addTerm(terms, mulKeys(ka, kb), ca * cb);
  return { terms };
}

/**
 * Exact division: by a constant when every coefficient divides, or by a single monomial that
 * divides every term. Undefined when the quotient is not a polynomial (`L / 2`, `B / L`).
 */
export function divDims(a: Dim, b: Dim): Dim | undefined {
  if (b.terms.size !== 1) return equalDims(a, b) ? constDim(1) : undefined;
  const [bKey, bCoefficient] = [...b.terms][0]!;
  const bSymbols = bKey ? bKey.split("*") : [];
  const terms = new Map<string, number>();
  for (const [key, c] of a.terms) {
    if (c % bCoefficient !== 0) return undefined;
    const symbols = key ? key.split("*") : [];
    for (const s of bSymbols) {
      const at = symbols.indexOf(s);
      if (at < 0) return undefined;
      symbols.splice(at, 1);
    }
    addTerm(terms, symbols.join("*"), c / bCoefficient);
  }
  return { terms };
}

export function equalDims(a: Dim, b: Dim): boolean {
  if (a.terms.size !== b.terms.size) return false;
  for (const [key, c] of a.terms) if (b.terms.get(key) !== c) return false;
  return true;
}

/** Replaces symbols by dimensions (used to apply a unifier's bindings). */
export function substitute(dim: Dim, lookup: (symbol: string) => Dim | undefined): Dim {
  let result = constDim(0);
  for (const [key, c] of dim.terms) {
    let term = constDim(c);
    for (const s of key ? key.split("*") : []) term = mulDims(term, lookup(s) ?? symDim(s));
    result = addDims(result, term);
  }
  return result;
}

/** Canonical text: terms by descending degree then name, `2*L + B + 1`. */
export function printDim(dim: Dim): string {
  if (dim.terms.size === 0) return "0";
  const entries = [...dim.terms].sort(([a], [b]) => {
    const da = a ? a.split("*").length : 0;
    const db = b ? b.split("*").length : 0;
    return db - da || a.localeCompare(b);
  });
  let out = "";
  for (const [key, c] of entries) {
    const magnitude = Math.abs(c);
    const name = key.replace(/#\d+/g, ""); // Variables print as the name the user wrote.
    const body = key === "" ? String(magnitude) : magnitude === 1 ? name : `${magnitude}*${name}`;
    out += out === "" ? (c < 0 ? `-${body}` : body) : c < 0 ? ` - ${body}` : ` + ${body}`;
  }
  return out;
}

/** Evaluates a dimension with values for its symbols; undefined if one is missing. */
export function evaluateDim(dim: Dim, values: (symbol: string) => number | undefined): number | undefined {
  let total = 0;
  for (const [key, c] of dim.terms) {
    let term = c;
    for (const s of key ? key.split("*") : []) {
      const v = values(s);
      if (v === undefined) return undefined;
      term *= v;
    }
    total += term;
  }
  return total;
}

/**
 * Parses the text `printDim` writes (`2*L + B - 1`, also with parentheses): the IR's text format
 * and the `index` op's subscript specs read dimensions back this way. Undefined if malformed.
 */
export function parseDim(text: string): Dim | undefined {
  const tokens = text.match(/\d+|[A-Za-z_?][A-Za-z0-9_]*|[-+*()]|\S/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const expr = (): Dim | undefined => {
    let left = term();
    while (left && (peek() === "+" || peek() === "-")) {
      const op = tokens[at++];
      const right = term();
      if (!right) return undefined;
      left = op === "+" ? addDims(left, right) : subDims(left, right);
    }
    return left;
  };
  const term = (): Dim | undefined => {
    let left = factor();
    while (left && peek() === "*") {
      at++;
      const right = factor();
      if (!right) return undefined;
      left = mulDims(left, right);
    }
    return left;
  };
  const factor = (): Dim | undefined => {
    const token = tokens[at++];
    if (token === undefined) return undefined;
    if (token === "-") {
      const inner = factor();
      return inner && subDims(constDim(0), inner);
    }
    if (token === "(") {
      const inner = expr();
      return tokens[at++] === ")" ? inner : undefined;
    }
    if (/^\d+$/.test(token)) return constDim(Number(token));
    if (/^[A-Za-z_?]/.test(token)) return symDim(token);
    return undefined;
  };
  const result = expr();
  return at === tokens.length ? result : undefined;
}
