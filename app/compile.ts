// The compiler's entry points with the application's synthetic worlds (app/worlds.ts) filled in,
// so every `data = synthetic(…)` is checked against its world's contract (REC2032). The CLI, the
// package's API, the run library and the benches compile through these; the compiler itself
// receives the worlds as an option and imports no paper.

import * as driver from "../compiler/src/driver.js";
import type { CheckOptions, CheckResult, CompileInput, CompileOptions, CompileResult } from "../compiler/src/driver.js";
import { WORLDS } from "./worlds.js";

export type { CheckOptions, CheckResult, CompileInput, CompileOptions, CompileResult };

const withWorlds = <O extends CheckOptions>(options: O): O => ({ worlds: WORLDS, ...options });

export const compile = (input: CompileInput, options: CompileOptions = {}): CompileResult => driver.compile(input, withWorlds(options));
export const compileFiles = (paths: readonly string[], options: CompileOptions = {}): CompileResult => driver.compileFiles(paths, withWorlds(options));
export const checkFiles = (paths: readonly string[], options: CheckOptions = {}): CheckResult => driver.checkFiles(paths, withWorlds(options));
export const checkSource = (path: string, text: string, options: CheckOptions = {}): CheckResult => driver.checkSource(path, text, withWorlds(options));
export const variantCompiler = (input: CompileInput, options: CompileOptions = {}) => driver.variantCompiler(input, withWorlds(options));
