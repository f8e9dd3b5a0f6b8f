// `rec graph FILE [--model M] [--depth N] [--format svg|dot] [--out FILE]`: the model as a
// picture (compiler/src/tools/model-graph.ts), rendered to SVG by Graphviz compiled to
// WebAssembly (@hpcc-js/wasm-graphviz, loaded only here), or its DOT text.

import { resolve } from "node:path";
import { compileFiles } from "../../app/compile.js";
import { modelGraph, toDot } from "../../compiler/src/tools/model-graph.js";
import { writeFileAtomic } from "../../runtime/src/atomic-write.js";
import { EXIT } from "../io.js";
import { type Command, overridesFrom, reportProblems, chosenModel } from "./shared.js";

/** DOT → SVG with the WebAssembly Graphviz. */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  return (await Graphviz.load()).dot(dot);
}

export const graphCommand: Command = async (args, io) => {
  if (args.positionals.length !== 1) {
    io.stderr("error: `rec graph` takes exactly one file\n");
    return EXIT.usage;
  }
  const depth = args.options.get("depth") as string | undefined;
  if (depth !== undefined && !/^[1-9]\d*$/.test(depth)) {
    io.stderr("error: --depth takes a whole number of at least 1\n");
    return EXIT.usage;
  }
  const overrides = overridesFrom(args, io);
  if (!overrides) return EXIT.usage;
  const result = compileFiles([resolve(io.cwd, args.positionals[0]!)], { overrides });
  const stop = reportProblems(result, args, io);
  if (stop !== undefined) return stop;
  const index = chosenModel(result, args, io);
  if (index === undefined) return EXIT.usage;
  const model = result.models[index]!;
  const dot = toDot(model.name, modelGraph(model, result.optimized[index]!, depth ? { depth: Number(depth) } : {}));
  const text = args.options.get("format") === "dot" ? dot : await renderSvg(dot);
  const out = args.options.get("out") as string | undefined;
  if (out) {
    writeFileAtomic(resolve(io.cwd, out), text);
    io.stderr(`wrote ${out}\n`);
  } else io.stdout(text);
  return EXIT.ok;
};
