// The optimization pipeline, in order. Every pass in the list is also selectable by name.

import { constFold } from "./const-fold.js";
import { cse } from "./cse.js";
import { dce } from "./dce.js";
import { fuse } from "./fuse.js";
import type { Pass } from "./pass.js";
import { simplify } from "./simplify.js";

export const STANDARD_PIPELINE: readonly Pass[] = [constFold, simplify, cse, dce, fuse];

export const PASSES: ReadonlyMap<string, Pass> = new Map(STANDARD_PIPELINE.map((p) => [p.name, p]));
