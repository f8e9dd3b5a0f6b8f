// Every diagnostic code the compiler can report, gathered from the stages that own them.
// spec/diagnostics.md is generated from this list, and a test checks each example.

import { SYNTAX_CODES, type CodeEntry } from "../syntax/syntax-diagnostics.js";

export type { CodeEntry };

export const DIAGNOSTIC_CATALOG: readonly CodeEntry[] = [...SYNTAX_CODES].sort((a, b) => a.code.localeCompare(b.code));
