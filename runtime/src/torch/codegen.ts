// Plan → a Python module defining the model in PyTorch. In: a plan (the compiler's contract,
// runtime/src/plan.ts). Out: the source of `model.py`: PARAMS (qualified names, shapes,
// initializers, groups), INPUTS, and a `Model(PlanModule)` with one method per entry point
// (train: the losses; eval: the metrics; predict: the heads; encode; act), each computing only
// the steps its outputs need, one line per step with the op's `.rec` line in a comment.

import type { EntryName } from "../tfjs/executor.js";
import type { Plan, PlanStep, PlanValue } from "../plan.js";
import { TORCH_LOWERINGS } from "./kernels/index.js";
import { py, torchDtype, type TorchContext } from "./kernels/lowering.js";
import { torchRewrites, type Rewrite } from "./patterns.js";
import { commentText, pythonString } from "../literals.js";

export class TorchLoweringError extends Error {
  override readonly name = "TorchLoweringError";
}

const ENTRIES: readonly EntryName[] = ["train", "eval", "predict", "encode", "act"];
const PLAN_MODULE_IMPORT = "from .reclang_torch.plan_module import PlanModule, feed, sizes";

/** A plan dimension (`B`, `2*L - 1`, 64) as a Python int expression over the sizes `d`. */
export function pyDim(dim: PlanValue | undefined): string {
  if (typeof dim === "number") return String(dim);
  const text = typeof dim === "string" ? dim : dim && typeof dim === "object" && !Array.isArray(dim) && "dim" in dim ? dim.dim : undefined;
  if (text === undefined) throw new TorchLoweringError(`expected a dimension, found ${JSON.stringify(dim)}`);
  return /^-?\d+$/.test(text.trim()) ? text.trim() : `(${text.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (name) => `d[${pythonString(name)}]`)})`;
}

export function generateModule(plan: Plan, source: string): string {
  const lines: string[] = [
    `# The model \`${plan.model}\` of ${commentText(source, "python")}, lowered to PyTorch by reclang from its plan.`,
    "# Generated: regenerate with `rec export --format pytorch` rather than editing.",
    "",
    "import torch",
    "",
    "from .reclang_torch import ops as R",
    PLAN_MODULE_IMPORT,
    "",
    `MODEL = ${pythonString(plan.model)}`,
    "# (qualified name, shape, initializer, optimizer group), in the plan's order: a weight's",
    "# position seeds its initializer.",
    "PARAMS = [",
    ...plan.params.map((p) => `    (${pythonString(p.name)}, ${py(p.type.shape as PlanValue[])}, ${pythonString(p.init)}, ${pythonString(p.group)}),`),
    "]",
    "# input name → (dtype, shape with the symbolic dims by name)",
    "INPUTS = {",
    ...plan.inputs.map((i) => `    ${pythonString(i.name)}: (${pythonString(i.type.dtype)}, ${py(i.type.shape as PlanValue[])}),`),
    "}",
    "INPUT_DIMS = {name: shape for name, (_, shape) in INPUTS.items()}",
    "",
    "",
    "class Model(PlanModule):",
    "    def __init__(self, seed=0):",
    "        super().__init__(PARAMS, seed)",
  ];
  const rewrites = torchRewrites(plan);
  for (const entry of ENTRIES)
    lines.push("", ...method(plan, rewrites, `entry_${entry}`, plan.entries[entry].outputs, entry === "train" ? plan.entries.train.updates : undefined));
  // One method per head and per encoder computing only that value, for serving (the ONNX export
  // traces one: a head, or a tower that retrieval serves apart from the other).
  for (const [head, step] of Object.entries(plan.entries.predict.outputs)) lines.push("", ...method(plan, rewrites, `head_${head}`, { [head]: step }));
  for (const [encoder, step] of Object.entries(plan.entries.encode.outputs))
    lines.push("", ...method(plan, rewrites, `encoder_${encoder}`, { [encoder]: step }));
  // `math`, `feed` and `sizes` only where the code uses them, so the module passes pyflakes.
  if (lines.some((l) => /\bmath\./.test(l))) lines.splice(lines.indexOf("import torch"), 0, "import math", "");
  const helpers = ["PlanModule", ...["feed", "sizes"].filter((name) => lines.some((l) => l.includes(`${name}(`)))];
  lines[lines.indexOf(PLAN_MODULE_IMPORT)] = `from .reclang_torch.plan_module import ${helpers.join(", ")}`;
  return lines.join("\n") + "\n";
}

/**
 * One entry point as a method. The train entry's `updates` (module states after the step) are
 * computed in the same pass while training and kept in `self.pending_updates`, which the
 * trainer applies after the optimizer's step (PlanModule.apply_updates).
 */
function method(
  plan: Plan,
  rewrites: ReadonlyMap<number, Rewrite>,
  name: string,
  outputs: Readonly<Record<string, number>>,
  updates: Readonly<Record<string, number>> = {},
): string[] {
  const needed = new Set([...Object.values(outputs), ...Object.values(updates)]);
  const inputsOf = (id: number) => rewrites.get(id)?.inputs ?? plan.steps[id]!.inputs;
  for (let i = plan.steps.length - 1; i >= 0; i--) if (needed.has(i)) for (const input of inputsOf(i)) needed.add(input);
  const body: string[] = [];
  if (needed.size) body.push("d = sizes(feeds, INPUT_DIMS)", "device = self.device()", "W = self.weights");
  for (const step of plan.steps) {
    if (!needed.has(step.id)) continue;
    const rewrite = rewrites.get(step.id);
    const line = rewrite
      ? `v${step.id} = ${rewrite.python(rewrite.inputs.map((i) => `v${i}`))}  # ${rewrite.label}${step.loc ? `, line ${step.loc[0]}:${step.loc[1]}` : ""}`
      : stepLine(plan, step);
    // A value of the constant inputs alone: kept from its first computation while the session's
    // constants stay (`self.once` is a dict from Session.set_constants on; None computes every call).
    if (step.once && step.op !== "input")
      body.push(
        `if self.once is not None and ${step.id} in self.once:`,
        `    v${step.id} = self.once[${step.id}]`,
        "else:",
        `    ${line}`,
        "    if self.once is not None:",
        `        self.once[${step.id}] = v${step.id}`,
      );
    else body.push(line);
  }
  if (Object.keys(updates).length)
    body.push(
      `if training:`,
      `    self.pending_updates = ` +
        `{${Object.entries(updates)
          .map(([state, id]) => `${pythonString(state)}: v${id}.detach()`)
          .join(", ")}}`,
    );
  body.push(
    `return {${Object.entries(outputs)
      .map(([name, id]) => `${pythonString(name)}: v${id}`)
      .join(", ")}}`,
  );
  return [`    def ${name}(self, feeds, training=False, seed=0):`, ...withoutUnusedLocals(body).map((l) => `        ${l}`)];
}

/**
 * A method's lines without the assignments nothing reads (pyflakes' unused locals): the sizes,
 * device and weights preamble where no step needs them, and constants a lowering wrote inline
 * (`x / 0.1` for a division by the constant 0.1). Only these: they have no side effects.
 */
function withoutUnusedLocals(body: readonly string[]): string[] {
  const removable = (line: string) => /^(d|device|W) = /.test(line) || /^v\d+ = torch\.tensor\(/.test(line);
  const readsOf = (name: string, skip: number) => body.some((l, i) => i !== skip && new RegExp(`\\b${name}\\b`).test(l.replace(/#.*$/, "")));
  return body.filter((line, i) => !removable(line) || readsOf(line.slice(0, line.indexOf(" =")), i));
}

function stepLine(plan: Plan, step: PlanStep): string {
  const where = step.loc ? `  # line ${step.loc[0]}:${step.loc[1]}` : "";
  const dtype = torchDtype(step.type);
  if (step.op === "input") return `v${step.id} = feed(feeds, ${py(step.attrs["name"])}, ${dtype}, device)${where}`;
  if (step.op === "param") return `v${step.id} = W[${py(step.attrs["name"])}]`;
  if (step.op === "const") {
    const value = step.attrs["value"];
    const literal = typeof value === "object" && value !== null && !Array.isArray(value) ? pyDim(value) : py(value);
    return `v${step.id} = torch.tensor(${literal}, dtype=${dtype}, device=device)`;
  }
  const lower = TORCH_LOWERINGS[step.op];
  if (!lower) throw new TorchLoweringError(`no torch lowering for the op \`${step.op}\` (step ${step.id}${step.loc ? `, line ${step.loc[0]}` : ""})`);
  const context: TorchContext = {
    step,
    inputs: step.inputs.map((i) => `v${i}`),
    inputTypes: step.inputs.map((i) => plan.steps[i]!.type),
    dim: pyDim,
    shape: () => `[${step.type.shape.map((d) => pyDim(d)).join(", ")}]`,
    constant: (i) => {
      const input = plan.steps[step.inputs[i]!]!;
      const value = input.attrs["value"];
      return input.op === "const" && input.type.shape.length === 0 && typeof value === "number" ? value : undefined;
    },
  };
  return `v${step.id} = ${lower(context)}  # ${step.op}${step.loc ? `, line ${step.loc[0]}:${step.loc[1]}` : ""}`;
}
