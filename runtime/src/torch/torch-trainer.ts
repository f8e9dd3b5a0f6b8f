// Training in a torch process: the StepEngine the training loop (train/trainer.ts) drives when
// `--backend torch`. In: the executor (whose freshly initialized weights the process starts from,
// so every engine starts from the same weights for a seed), the train block's settings, the
// generated package. Out: losses per step, metrics, and the weights mirrored back into the
// executor on syncWeights (for checkpoints and for naming the op behind a non-finite loss).
// Batches go over the pipe as the data layer encoded them (bridge.ts).

import type { Batch } from "../data/batch.js";
import { rowCount } from "../data/columns.js";
import type { BatchSource } from "../data/batch.js";
import type { Executor } from "../tfjs/executor.js";
import type { PlanSettings } from "../plan.js";
import { tf, type Tensor } from "../tfjs/tf.js";
import { aggregateMetrics } from "../train/evaluate.js";
import { learningRateFactor } from "../train/schedule.js";
import type { StepEngine, TrainingSetup } from "../tfjs/train/trainer.js";
import { optimizerGroups } from "./train-config.js";
import { checkTorchState } from "../tfjs/train/optimizer-state.js";
import { TorchProcess, type WireDType, type WireTensor } from "./bridge.js";

export interface TorchOptions {
  readonly python: string;
  /** The folder holding the generated package. */
  readonly folder: string;
  readonly packageName: string;
  readonly device: "cpu" | "cuda";
  /** torch's intra-op threads; 0 leaves torch's default. */
  readonly threads: number;
  readonly seed: number;
}

/** A tfjs tensor as the wire carries it (read back synchronously: the data layer runs on cpu). */
export function wireTensor(t: Tensor): WireTensor {
  const dtype: WireDType = t.dtype === "float32" ? "f32" : t.dtype === "bool" ? "bool" : "i32";
  const data = t.dataSync();
  return { dtype, shape: t.shape, data: dtype === "bool" ? Uint8Array.from(data as ArrayLike<number>) : (data as Float32Array | Int32Array) };
}

export class TorchTrainer implements StepEngine {
  lastNonFinite: { loss: number; gradients: string[] } | undefined;
  /** The torch process's own time for the last step (without the pipe), for measuring feeding. */
  lastStepSeconds = Number.NaN;

  private constructor(
    private readonly executor: Executor,
    private readonly process: TorchProcess,
    private readonly setup: TrainingSetup,
    private readonly baseRate: number,
  ) {}

  static async start(executor: Executor, settings: PlanSettings, steps: number, options: TorchOptions): Promise<TorchTrainer> {
    const { setup, groups } = optimizerGroups(executor, settings, steps);
    const process = new TorchProcess(options.python, options.folder, options.packageName, options.threads);
    const weights = new Map([...executor.params].map(([name, v]) => [name, wireTensor(v)]));
    try {
      await process.call(
        { cmd: "init", seed: options.seed, device: options.device, groups, loss_weights: setup.lossWeights, clip_norm: setup.clipNorm },
        weights,
      );
    } catch (error) {
      await process.close();
      throw error;
    }
    return new TorchTrainer(executor, process, setup, groups[0]?.lr ?? 0);
  }

  private constantsSent = false;

  /** The executor's constant inputs go over the pipe once, before the first call that runs the model. */
  private async sendConstants(): Promise<void> {
    if (this.constantsSent || this.executor.constants.size === 0) return;
    await this.process.call({ cmd: "constants" }, wireFeeds(this.executor.constants));
    this.constantsSent = true;
  }

  async step(step: number, batch: Batch, seed: number): Promise<number> {
    await this.sendConstants();
    const header = { cmd: "step", step, seed: seed + step, lr_factor: learningRateFactor(this.setup.schedule, step) };
    const reply = await this.process.call(header, wireColumns(batch));
    const loss = Number(reply.header["loss"]);
    this.lastStepSeconds = Number(reply.header["seconds"] ?? Number.NaN);
    if (reply.header["finite"]) return loss;
    this.lastNonFinite = { loss, gradients: (reply.header["bad_gradients"] as string[] | undefined) ?? [] };
    return Number.isFinite(loss) ? Number.NaN : loss;
  }

  async evaluate(source: BatchSource, batches: number, batchSize: number): Promise<Record<string, number>> {
    await this.sendConstants();
    return aggregateMetrics(this.executor.plan, source, batches, batchSize, async (batch) => {
      const reply = await this.process.call({ cmd: "run", entry: "eval" }, wireColumns(batch));
      return Object.fromEntries([...reply.tensors].map(([name, t]) => [name, { data: t.data, shape: t.shape }]));
    });
  }

  /** The outputs of an entry point for one batch (predict, encode, act), read back. */
  async run(entry: string, batch: Batch): Promise<Map<string, WireTensor>> {
    await this.sendConstants();
    return (await this.process.call({ cmd: "run", entry }, wireColumns(batch))).tensors;
  }

  learningRate(step: number): number {
    return this.baseRate * learningRateFactor(this.setup.schedule, step);
  }

  async optimizerState(): Promise<{ name: string; tensor: Tensor }[]> {
    const reply = await this.process.call({ cmd: "get_state" });
    return [...reply.tensors].map(([name, t]) => ({ name, tensor: tf.tensor(t.data as Float32Array, [...t.shape], "float32") }));
  }

  async restoreOptimizerState(state: ReadonlyMap<string, Tensor>): Promise<void> {
    const mine = new Map([...state].filter(([name]) => name.startsWith("torch.")).map(([name, t]) => [name, wireTensor(t)]));
    const plan = this.executor.plan;
    checkTorchState(
      [...mine].map(([name, t]) => ({ name, shape: t.shape })),
      plan.params.filter((p) => p.group !== "state").map((p) => ({ name: p.name, shape: p.type.shape.map(Number) })),
    );
    await this.process.call({ cmd: "set_state" }, mine);
  }

  async syncWeights(): Promise<void> {
    const reply = await this.process.call({ cmd: "get_weights" });
    for (const [name, t] of reply.tensors) this.executor.params.get(name)?.assign(tf.tensor(t.data as Float32Array, [...t.shape], "float32"));
  }

  /** Sends the executor's weights (after loading a checkpoint) to the process. */
  async pushWeights(): Promise<void> {
    await this.process.call({ cmd: "set_weights" }, new Map([...this.executor.params].map(([name, v]) => [name, wireTensor(v)])));
  }

  close(): Promise<void> {
    return this.process.close();
  }
}

/** A batch's columns as the wire's tensors: no copy, the column's own typed array. */
function wireColumns(batch: Batch): Map<string, WireTensor> {
  return new Map(
    [...batch.columns].map(([name, c]) => [
      name,
      { dtype: c.dtype === "float32" ? "f32" : c.dtype === "bool" ? "bool" : "i32", shape: [rowCount(c), ...c.shape], data: c.data },
    ]),
  );
}

function wireFeeds(feeds: ReadonlyMap<string, Tensor>): Map<string, WireTensor> {
  return new Map([...feeds].map(([name, t]) => [name, wireTensor(t)]));
}
