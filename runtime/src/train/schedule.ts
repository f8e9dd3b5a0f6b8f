// Learning-rate schedules: linear warmup over `warmup` steps, then constant, linear or cosine
// decay to `min_lr_ratio` of the base rate at the last step.

export interface Schedule {
  readonly warmup: number;
  readonly decay: "constant" | "linear" | "cosine";
  readonly minRatio: number;
  readonly steps: number;
}

export function learningRateFactor(schedule: Schedule, step: number): number {
  if (schedule.warmup > 0 && step < schedule.warmup) return (step + 1) / schedule.warmup;
  if (schedule.decay === "constant") return 1;
  const span = Math.max(1, schedule.steps - schedule.warmup);
  const progress = Math.min(1, (step - schedule.warmup) / span);
  const shape = schedule.decay === "linear" ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return schedule.minRatio + (1 - schedule.minRatio) * shape;
}
