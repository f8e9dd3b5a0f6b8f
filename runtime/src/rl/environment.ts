// An environment: a model of the spec whose heads play the parts of a simulator (spec/language.md,
// "Environments and rollouts"). In: the environment's plan (its weights loaded: frozen trained
// models) and a batch of session states. Out: each phase of one step — the candidate set of a
// state, the probability of a response to a shown item, and the transition (reward, chance of
// continuing, next state). Every value is checked as it comes back: a wrong shape, a candidate
// outside the catalogue, a probability outside [0, 1] or a non-finite reward stops the rollout
// with a RolloutError that names the part, its `.rec` line and the step.
//
// The parts, by name (the checker verifies them before anything runs, REC2030):
//   inputs  — the state fields (every input but `action` and `response`), `action` (ids of the
//             catalogue) and `response` (f32, 1 where the user responded);
//   heads   — `candidates` id[S, K] (from the state), `p_response` f32[S] (state and action),
//             `reward` f32[S], `p_continue` f32[S] and `next_<field>` for each state field that
//             changes (state, action and response; a field without one stays as it is).

import { feedsOf } from "../tfjs/feeds.js";
import { batchOf, type Column, type Examples } from "../data/examples.js";
import { type Executor, PlanError } from "../tfjs/executor.js";
import type { Plan } from "../plan.js";
import { tf, type Tensor } from "../tfjs/tf.js";

export class RolloutError extends Error {
  override readonly name = "RolloutError";
}

/** The environment's parts: head names, and the inputs that are not state. */
export const ENVIRONMENT_HEADS = ["candidates", "p_response", "reward", "p_continue"] as const;
const NOT_STATE = new Set(["action", "response"]);

/** A head of a plan as an error names it: `Sessions's \`reward\` (line 12:3)`. */
export function headPlace(plan: Plan, head: string): string {
  const index = plan.entries.predict.outputs[head];
  const loc = index === undefined ? undefined : plan.steps[index]?.loc;
  return `${plan.model}'s \`${head}\`${loc ? ` (line ${loc[0]}:${loc[1]})` : ""}`;
}

export class Environment {
  /** The state fields, in the plan's input order. */
  readonly stateFields: readonly string[];
  /** The catalogue's size: candidates and actions are ids below it. */
  readonly items: number;

  constructor(readonly executor: Executor) {
    const plan = executor.plan;
    const heads = plan.entries.predict.outputs;
    const missing = ENVIRONMENT_HEADS.filter((h) => !(h in heads));
    if (missing.length)
      throw new RolloutError(
        `the environment ${plan.model} has no head ${missing.map((m) => `\`${m}\``).join(", ")}; ` +
          `an environment declares \`candidates\`, \`p_response\`, \`reward\` and \`p_continue\``,
      );
    this.stateFields = plan.inputs.map((i) => i.name).filter((n) => !NOT_STATE.has(n));
    const action = plan.inputs.find((i) => i.name === "action");
    const size = action?.type.space?.size;
    if (!action || typeof size !== "number")
      throw new RolloutError(`the environment ${plan.model} needs an input \`action: id<items>[S]\` with a fixed catalogue size`);
    this.items = size;
  }

  /** `the environment's \`reward\` (line 12:3) at step 4`: where a bad value came from. */
  where(head: string, step: number): string {
    return `the environment ${headPlace(this.executor.plan, head)} at step ${step}`;
  }

  /** The candidate set of every session: K ids per row, each below the catalogue's size. */
  async candidates(state: Examples, step: number): Promise<{ ids: Int32Array; k: number }> {
    const feeds = this.feeds(state);
    const [out] = this.run(["candidates"], feeds, step);
    const shape = out!.shape;
    if (shape.length !== 2 || shape[0] !== state.count) {
      tf.dispose(out!);
      throw new RolloutError(
        `${this.where("candidates", step)} has shape [${shape.join(", ")}]; it must give [S, K] candidates for the ${state.count} sessions`,
      );
    }
    const ids = Int32Array.from(await out!.data());
    tf.dispose(out!);
    const bad = ids.findIndex((id) => id < 0 || id >= this.items);
    if (bad >= 0) throw new RolloutError(`${this.where("candidates", step)} proposed item ${ids[bad]}, outside the catalogue of ${this.items} items`);
    return { ids, k: shape[1]! };
  }

  /** The probability of a response to each session's shown item. */
  async respond(state: Examples, action: Int32Array, step: number): Promise<Float32Array> {
    const feeds = this.feeds(state, action);
    const [p] = this.run(["p_response"], feeds, step);
    return this.probabilities("p_response", p!, state.count, step);
  }

  /** The transition: reward, the chance of continuing, and the next state (fields without a `next_` head are kept). */
  async transition(
    state: Examples,
    action: Int32Array,
    response: Float32Array,
    step: number,
  ): Promise<{ reward: Float32Array; pContinue: Float32Array; next: Examples }> {
    const changing = this.stateFields.filter((f) => `next_${f}` in this.executor.plan.entries.predict.outputs);
    const feeds = this.feeds(state, action, response);
    const [reward, pContinue, ...nexts] = this.run(["reward", "p_continue", ...changing.map((f) => `next_${f}`)], feeds, step);
    const rewards = await this.values("reward", reward!, state.count, step);
    const bad = rewards.findIndex((r) => !Number.isFinite(r));
    if (bad >= 0) {
      tf.dispose([pContinue!, ...nexts]);
      throw new RolloutError(`${this.where("reward", step)} is ${rewards[bad]} for session ${bad}; a reward must be finite`);
    }
    const continues = await this.probabilities("p_continue", pContinue!, state.count, step);
    const columns = new Map(state.columns);
    for (const [i, field] of changing.entries()) {
      const t = nexts[i]!;
      const column = state.columns.get(field)!;
      const expected = [state.count, ...column.shape];
      if (t.shape.join() !== expected.join()) {
        tf.dispose(nexts.slice(i));
        throw new RolloutError(
          `${this.where(`next_${field}`, step)} has shape [${t.shape.join(", ")}]; the state field \`${field}\` is [${expected.join(", ")}]`,
        );
      }
      const values = await t.data();
      t.dispose();
      const data: Column["data"] =
        column.dtype === "float32" ? Float32Array.from(values) : column.dtype === "int32" ? Int32Array.from(values) : Uint8Array.from(values);
      if (column.dtype === "float32" && data.some((v) => !Number.isFinite(v))) throw new RolloutError(`${this.where(`next_${field}`, step)} is not finite`);
      columns.set(field, { ...column, data });
    }
    return { reward: rewards, pContinue: continues, next: { count: state.count, columns } };
  }

  private feeds(state: Examples, action?: Int32Array, response?: Float32Array): Map<string, Tensor> {
    const rows = Int32Array.from({ length: state.count }, (_, i) => i);
    const feeds = feedsOf(batchOf({ count: state.count, columns: new Map(this.stateFields.map((f) => [f, this.column(state, f)])) }, rows));
    if (action) feeds.set("action", tf.tensor1d(action, "int32"));
    if (response) feeds.set("response", tf.tensor1d(response, "float32"));
    return feeds;
  }

  private column(state: Examples, field: string): Column {
    const column = state.columns.get(field);
    if (!column)
      throw new RolloutError(
        `the world does not give the state field \`${field}\` that the environment ` +
          `${this.executor.plan.model} reads; it gives ${[...state.columns.keys()].join(", ")}`,
      );
    return column;
  }

  /** The named heads; the feeds are freed, except one a head returns as it is (`reward = response`). */
  private run(names: readonly string[], feeds: Map<string, Tensor>, step: number): Tensor[] {
    let outputs: Tensor[] = [];
    try {
      // Kernels make temporaries that only a tidy frees.
      outputs = tf.tidy(() => {
        const out = this.executor.runNamed("predict", names, feeds);
        return names.map((n) => out.get(n)!);
      });
      return outputs;
    } catch (error) {
      // A state the world gave in another shape than the environment declares.
      if (error instanceof PlanError) throw new RolloutError(`the environment ${this.executor.plan.model}'s state at step ${step}: ${error.message}`);
      throw error;
    } finally {
      tf.dispose([...feeds.values()].filter((t) => !outputs.includes(t)));
    }
  }

  private async values(head: string, t: Tensor, count: number, step: number): Promise<Float32Array> {
    const shape = t.shape;
    const data = Float32Array.from(await t.data());
    t.dispose();
    if (shape.length !== 1 || shape[0] !== count)
      throw new RolloutError(`${this.where(head, step)} has shape [${shape.join(", ")}]; it must give one value per session, [${count}]`);
    return data;
  }

  private async probabilities(head: string, t: Tensor, count: number, step: number): Promise<Float32Array> {
    const data = await this.values(head, t, count, step);
    const bad = data.findIndex((p) => !(p >= 0 && p <= 1));
    if (bad >= 0) throw new RolloutError(`${this.where(head, step)} is ${data[bad]} for session ${bad}; a probability lies in [0, 1]`);
    return data;
  }
}
