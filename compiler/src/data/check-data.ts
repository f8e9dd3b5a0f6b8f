// `rec check SPEC --data FILE`: the data contract as diagnostics. In: a compiled model's data
// setting and checked schema, and a data file (the one the spec names, or another). Out: the
// contract report (per-field statistics) and REC4xxx diagnostics that point at the schema
// field in the spec and name the file and the first offending rows.

import { isAbsolute, join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { CheckedSchema } from "../semantics/schema.js";
import type { Plan } from "../../../runtime/src/plan.js";
import { numberArg } from "../../../runtime/src/config.js";
import { checkDataFile, ContractChecker, type ContractReport } from "../../../runtime/src/data/contract.js";
import { constantsSettings, fileSourceOf } from "../../../runtime/src/data/source-config.js";
import { hashSplitter } from "../../../runtime/src/data/split.js";
import { formatOf, MALFORMED } from "../../../runtime/src/data/tables.js";
import { dataDiagnostic } from "./data-diagnostics.js";

export function contractDiagnostics(report: ContractReport, schema: CheckedSchema): Diagnostic[] {
  return report.problems.map((p) => dataDiagnostic(schema.file, p.code, schema.spans.get(p.field) ?? { start: 0, end: 0 }, p.args as Record<string, string>));
}

/**
 * Checks `dataPath` (or the file the spec names) against the schema of the model's `data`
 * setting, or of its `constants = …` setting when `dataPath` is that file (a graph's edges: not
 * split, every row checked).
 */
export async function checkModelData(plan: Plan, schemas: readonly CheckedSchema[], baseDir: string, cwd: string, dataPath?: string) {
  const resolved = dataPath ? (isAbsolute(dataPath) ? dataPath : join(cwd, dataPath)) : undefined;
  const constants = resolved
    ? constantsSettings(plan)
        .map((setting) => fileSourceOf(plan, setting, baseDir))
        .find((c) => c && resolve(c.path) === resolve(resolved))
    : undefined;
  const isConstants = constants !== undefined;
  const source = isConstants ? constants : fileSourceOf(plan, plan.train[0]?.settings["data"] as string | undefined, baseDir);
  if (!source) return undefined;
  const path = resolved ?? source.path;
  const schema = schemas.find((s) => s.plan.name === source.schema.name)!;
  const report = await checkDataFile({
    path,
    shownPath: dataPath ?? source.shownPath,
    format: dataPath ? formatOf(dataPath) : source.format,
    schema: source.schema,
    valid: isConstants ? 0 : numberArg(source.config, "valid", 0.1),
    test: isConstants ? 0 : numberArg(source.config, "test", 0),
  });
  return { report, diagnostics: contractDiagnostics(report, schema) };
}

/** The contract of in-memory JSON lines (the catalog's examples), split by row hash. */
export function checkJsonLines(text: string, file: string, schema: CheckedSchema, valid: number): ContractReport {
  const lines = text.split("\n").filter((l) => l.trim());
  const parse = (line: string): Record<string, unknown> => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return { [MALFORMED]: "the line is not valid JSON" };
    }
  };
  const rows = lines.map((line, i) => ({ index: i + 1, values: parse(line) }));
  const columns = new Set(rows.flatMap((r) => Object.keys(r.values).filter((k) => k !== MALFORMED)));
  const checker = new ContractChecker(schema.plan, file, hashSplitter({ valid, test: 0 }), columns);
  for (const row of rows) checker.add(row);
  return checker.finish();
}
