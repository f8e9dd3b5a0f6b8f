// The names a rollout run reports at each evaluation, shared by the runtime (which computes
// them, rollouts.ts and value-learning.ts) and the checker (which accepts them in an
// experiment's `report` for a model that learns by rollouts). Imports nothing, so the compiler
// can read it without loading the engine.

/** Episode metrics of a policy run in the world: per session, and per shown item. */
export const EPISODE_METRICS = ["return", "length", "engaged_per_session", "reach_share", "engagement_rate"] as const;

/**
 * Everything an evaluation of a rollout run reports: the policy's episode metrics, the mean return
 * of the simulated episodes since the last evaluation, and the world's lookahead reference (with
 * its λ).
 */
export const ROLLOUT_METRICS: readonly string[] = [...EPISODE_METRICS, "simulated_return", ...EPISODE_METRICS.map((m) => `lookahead_${m}`), "lookahead_value"];
