// Every compile-time builtin by name (the checker's; run-time ops are in compiler/src/ops).

import type { Builtin } from "./builtin.js";
import { COMPILE_TIME_BUILTINS } from "./compile-time.js";
import { CONFIG_BUILTINS } from "./config.js";

export const ALL_BUILTINS: readonly Builtin[] = [...COMPILE_TIME_BUILTINS, ...CONFIG_BUILTINS];

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(ALL_BUILTINS.map((b) => [b.name, b]));

export type { Builtin };
