// Environments: the names visible at a point of the program, each bound lazily so that
// declarations can be used before the line that defines them, and cycles can be reported.

import type { Span } from "../source/source-file.js";
import type { Expr } from "../syntax/ast.js";
import type { Value } from "./values.js";

export type Slot =
  | { state: "ready"; value: Value; span?: Span; used: boolean; kind: BindingKind }
  | { state: "pending"; compute: () => Value; span?: Span; used: boolean; kind: BindingKind; source?: BindingSource }
  | { state: "computing"; span?: Span; used: boolean; kind: BindingKind };

/** What a pending binding evaluates, and where its names resolve: lets its dependencies be found. */
export interface BindingSource {
  readonly expr: Expr;
  readonly env: Env;
}

export type BindingKind = "let" | "param" | "input" | "dims" | "decl" | "builtin" | "role" | "import" | "arg";

export class Env {
  private readonly slots = new Map<string, Slot>();

  /** Set on a file's top-level environment: the file its names are declared in. */
  file?: string;

  constructor(readonly parent?: Env) {}

  define(name: string, slot: Slot): void {
    this.slots.set(name, slot);
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }

  ownNames(): IterableIterator<string> {
    return this.slots.keys();
  }

  ownSlot(name: string): Slot | undefined {
    return this.slots.get(name);
  }

  /** The slot for `name` here or in an enclosing environment. */
  lookup(name: string): Slot | undefined {
    return this.slots.get(name) ?? this.parent?.lookup(name);
  }

  /** Every visible name, innermost first (for "did you mean"). */
  visibleNames(): string[] {
    return [...this.slots.keys(), ...(this.parent?.visibleNames() ?? [])];
  }

  child(): Env {
    return new Env(this);
  }
}
