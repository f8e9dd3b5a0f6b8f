// Every diagnostic code the compiler can report, gathered from the stages that own them.
// spec/diagnostics.md is generated from this list, and a test checks each example.

import { SEMANTIC_CODES } from "../semantics/semantic-diagnostics.js";
import { SYNTAX_CODES } from "../syntax/syntax-diagnostics.js";
import { DATA_CODES } from "../data/data-diagnostics.js";
import type { CodeEntry } from "./code-entry.js";

export type { CodeEntry };

export const DIAGNOSTIC_CATALOG: readonly CodeEntry[] = [...SYNTAX_CODES, ...SEMANTIC_CODES, ...DATA_CODES].sort((a, b) => a.code.localeCompare(b.code));
