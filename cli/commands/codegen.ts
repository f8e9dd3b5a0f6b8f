// `rec codegen ts FILE [--model M] --out model.ts`: writes a typed TypeScript module for one
// model (cli/codegen/ts-module.ts) that serves a checkpoint of it on TensorFlow.js through
// `reclang/serve`, without the compiler.

import { relative, resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import { typescriptModule } from "../codegen/ts-module.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems, chosenModel } from "./shared.js";

export const codegen: Command = (args, io) => {
  const [language, file, ...rest] = args.positionals;
  if (language !== "ts" || !file || rest.length || !args.options.get("out")) {
    io.stderr("error: usage: rec codegen ts FILE --out model.ts (TypeScript is the one target)\n");
    return EXIT.usage;
  }
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const path = resolve(io.cwd, file);
  const result = compileFiles([path], { overrides });
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const index = chosenModel(result, args, io);
  if (index === undefined) return EXIT.usage;
  const plan = result.plans[index]!;
  const wanted = args.options.get("model") as string | undefined;
  const out = resolve(io.cwd, args.options.get("out") as string);
  const sets = [...overrides].map(([k, v]) => ` --set ${k}=${v}`).join("");
  const command = `rec codegen ts${wanted ? ` --model ${wanted}` : ""}${sets} ${relative(io.cwd, path) || path}`;
  writeFileAtomic(out, typescriptModule(plan, relative(io.cwd, path) || path, command));
  io.stderr(`wrote ${relative(io.cwd, out) || out}: ${plan.model} with load(checkpoint) and predict(inputs, dims)\n`);
  return EXIT.ok;
};
