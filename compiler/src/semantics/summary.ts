// Model summaries for `rec check --summary` and `rec compare`: the parameter table (qualified
// name, shape, count, bytes), totals, memory with gradients (a sparse table's: the rows a batch
// looks up, sparse-gradients.ts) and optimizer state, and FLOPs and bytes moved
// from the registry's costs over the live graph (ir/cost.ts): like the weights, an op that
// nothing the model outputs reads is not counted.

import { addDims, constDim, constValue, evaluateDim, mulDims, printDim, substitute } from "../types/dims.js";
import { dtypeName, numel, printShape, DTYPE_BYTES } from "../types/tensor-type.js";
import { formatBytes, optimizerStateBytes, trainBatchSize, type ElaboratedModel } from "./model.js";
import { lookupGradientBytes } from "./sparse-gradients.js";
import { activationBytes, graphCost } from "../ir/cost.js";
import { liveNodes } from "../ir/ir.js";
import { communicationPerStep, numberOf, trainsWeight } from "./train-checks.js";

export interface SummaryJson {
  readonly model: string;
  readonly file: string;
  readonly inputs: { name: string; type: string }[];
  readonly outputs: { role: string; name: string; type: string | null }[];
  readonly parameters: { name: string; shape: string; dtype: string; group: string; count: number | null; bytes: number | null }[];
  readonly totals: { count: number | null; bytes: number | null; optimizerStateBytes: number | null; trainingBytes: number | null };
  readonly flops: { perBatch: string; perExample: string };
  /** The part of `flops` that only metrics need (evaluation, not training or serving). */
  readonly metricFlops: { perBatch: string; perExample: string };
  readonly bytes: { perBatch: string; perExample: string };
  /** Every value the forward pass computes, which training keeps for the backward pass (an estimate: before any reuse). */
  readonly activations: { perBatch: string; perExample: string };
  /** With a gradient pipeline: the weights that train, and what one step sends (train-checks.ts). */
  readonly communication?: { trainable: number; floats: number; bytes: number };
  /** A model that learns by rollouts: its replay buffer's capacity and memory (a transition holds one example of each input). */
  readonly replay?: { transitions: number; bytesPerTransition: string; bytes: number | null };
}

/** The replay buffer of `rollouts { replay = N }` (default 10,000): N transitions of 4 bytes per input element. */
function replayMemory(model: ElaboratedModel): SummaryJson["replay"] {
  const block = model.train[0]?.settings.get("rollouts");
  if (!block || "kind" in block) return undefined;
  const transitions = numberOf(block.get("replay")) ?? 10_000;
  const perTransition = model.inputs.reduce(
    (sum, i) => addDims(sum, mulDims(constDim(i.type.dtype === "bool" ? 1 : 4), numel(i.type.shape.slice(1)))),
    constDim(0),
  );
  const bytes = constValue(perTransition);
  return { transitions, bytesPerTransition: printDim(perTransition), bytes: bytes === undefined ? null : bytes * transitions };
}

export function summarize(model: ElaboratedModel): SummaryJson {
  let totalCount: number | null = 0;
  let stateBytes: number | null = 0;
  // A weight nothing reads (the offset of `Dense(bias = false)`) is not a parameter: it is not in the plan.
  const live = liveNodes(model.graph);
  const read = new Set(
    model.graph.nodes
      .filter((n) => n.op === "param" && live.has(n.id))
      .map((n) => {
        const name = n.attrs.get("name");
        return name?.kind === "string" ? name.value : "";
      }),
  );
  // Frozen weights (`freeze`, reference copies, those outside the pipeline's `only`) have no
  // gradient and no optimizer state.
  const trainsByName = trainsWeight(model.train);
  const states = new Set(model.weights.filter((w) => w.group === "state").map((w) => w.path));
  const trains = (path: string) => !states.has(path) && trainsByName(path); // A module state is never trained.
  // Gradients: whole, but a table trained sparsely keeps the rows a batch looks up.
  let gradientBytes: number | null = 0;
  const sparse = model.optimizerSlots.sparseEmbedding ? lookupGradientBytes(model.graph, trainBatchSize(model.train)) : new Map<string, number>();
  const parameters = model.weights
    .filter((w) => read.has(w.path))
    .map((w) => {
      const count = evaluateDim(numel(w.type.shape), () => undefined) ?? null;
      const bytes = count === null ? null : count * DTYPE_BYTES[w.type.dtype];
      if (count === null) totalCount = null;
      else if (totalCount !== null) totalCount += count;
      const slots = trains(w.path) ? (w.group === "embedding" ? model.optimizerSlots.embedding : model.optimizerSlots.dense) : 0;
      if (bytes === null) [stateBytes, gradientBytes] = [null, null];
      else {
        if (stateBytes !== null) stateBytes += optimizerStateBytes(slots, bytes, w.type.shape);
        if (gradientBytes !== null && trains(w.path)) gradientBytes += w.group === "embedding" ? (sparse.get(w.path) ?? bytes) : bytes;
      }
      return { name: w.path, shape: printShape(w.type.shape), dtype: dtypeName(w.type), group: w.group, count, bytes };
    });
  const totalBytes = totalCount === null ? null : (totalCount as number) * 4;
  const communication = communicationPerStep(model.train, parameters);
  const batch = model.dims[0];
  const cost = graphCost(model.graph);
  // What the metrics alone add: the graph's cost less that of the graph without metric outputs.
  const withoutMetrics = graphCost({ ...model.graph, outputs: model.graph.outputs.filter((o) => o.role !== "metric") });
  const metricOnly = addDims(cost.flops, withoutMetrics.flops, -1);
  const replay = replayMemory(model);
  const activations = activationBytes({ ...model.graph, outputs: model.graph.outputs.filter((o) => o.role !== "metric") });
  const perExample = (d: typeof cost.flops) => {
    const one = batch ? substitute(d, (s) => (s === batch ? constDim(1) : undefined)) : d;
    return `${printDim(one)}${batch ? ` (${batch} = 1)` : ""}`;
  };
  return {
    model: model.name,
    file: model.file,
    inputs: model.inputs.map((i) => ({ name: i.name, type: `${dtypeName(i.type)}${printShape(i.type.shape)}${i.constant ? " constant" : ""}` })),
    outputs: model.outputs.map((o) => ({ role: o.role, name: o.name, type: o.type ? `${dtypeName(o.type)}${printShape(o.type.shape)}` : null })),
    parameters,
    totals: {
      count: totalCount,
      bytes: totalBytes,
      optimizerStateBytes: stateBytes,
      // Weights, the gradients of those that train, and the optimizer's state.
      trainingBytes:
        totalBytes === null || stateBytes === null || gradientBytes === null ? null : totalBytes + (gradientBytes as number) + (stateBytes as number),
    },
    flops: { perBatch: printDim(cost.flops), perExample: perExample(cost.flops) },
    metricFlops: { perBatch: printDim(metricOnly), perExample: perExample(metricOnly) },
    bytes: { perBatch: printDim(cost.bytes), perExample: perExample(cost.bytes) },
    activations: { perBatch: printDim(activations), perExample: perExample(activations) },
    ...(communication ? { communication } : {}),
    ...(replay ? { replay } : {}),
  };
}

export function renderSummary(summary: SummaryJson): string {
  const rows = summary.parameters.map((p) => [
    p.group === "state" ? `${p.name} (state)` : p.name,
    `${p.dtype}${p.shape}`,
    fmtCount(p.count),
    p.bytes === null ? "?" : formatBytes(p.bytes),
  ]);
  const header = ["parameter", "shape", "count", "bytes"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const t = summary.totals;
  const out = [
    `model ${summary.model} (${summary.file})`,
    `  inputs:  ${summary.inputs.map((i) => `${i.name}: ${i.type}`).join(", ") || "none"}`,
    ...summary.outputs.map((o) => `  ${o.role.padEnd(7)} ${o.name}: ${o.type ?? "?"}`),
    "",
    line(header),
    line(widths.map((w) => "─".repeat(w))),
    ...rows.map(line),
    line(widths.map((w) => "─".repeat(w))),
    line(["total", "", fmtCount(t.count), t.bytes === null ? "?" : formatBytes(t.bytes)]),
    "",
    `memory for training: ${t.trainingBytes === null ? "?" : formatBytes(t.trainingBytes)} ` +
      `(weights + gradients + optimizer state ` +
      `${t.optimizerStateBytes === null ? "?" : formatBytes(t.optimizerStateBytes)}), plus ` +
      `activations`,
    `activations per batch (an estimate: every forward value, kept for the backward pass): ${summary.activations.perBatch} bytes`,
    `forward FLOPs per batch:   ${summary.flops.perBatch}`,
    `forward FLOPs per example: ` +
      `${summary.flops.perExample}${summary.metricFlops.perBatch === "0" ? "" : `, of which metrics only: ${summary.metricFlops.perExample}`}`,
    `forward bytes moved per batch: ${summary.bytes.perBatch}`,
    ...(summary.communication
      ? [
          `sent per step (gradient pipeline): ${fmtCount(summary.communication.floats)} floats, ` +
            `${formatBytes(summary.communication.bytes)}, for ` +
            `${fmtCount(summary.communication.trainable)} trained parameters of ${fmtCount(t.count)}`,
        ]
      : []),
    ...(summary.replay
      ? [
          `replay buffer: ${fmtCount(summary.replay.transitions)} transitions of ` +
            `${summary.replay.bytesPerTransition} ` +
            `bytes${summary.replay.bytes === null ? " (the candidate count is set by the environment)" : `, ${formatBytes(summary.replay.bytes)}`}`,
        ]
      : []),
  ];
  return `${out.join("\n")}\n`;
}

function fmtCount(n: number | null): string {
  return n === null ? "?" : n.toLocaleString("en-US");
}
