// Configuration strings of the plan (`adam(lr = 0.001)`, `normal(stddev = 0.05)`,
// `synthetic(world = "latent_factor", seed = 7)`) → a name and named arguments.

export interface Config {
  readonly name: string;
  readonly args: ReadonlyMap<string, number | string | boolean>;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function parseConfig(text: string): Config {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$/s.exec(text);
  if (!m) throw new ConfigError(`\`${text}\` is not a configuration such as \`adam(lr = 0.001)\``);
  const args = new Map<string, number | string | boolean>();
  const body = m[2]!;
  const part = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,]+)\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  while (body.trim() && (match = part.exec(body))) {
    const raw = match[2]!.trim();
    args.set(
      match[1]!,
      raw.startsWith('"') ? (JSON.parse(raw) as string) : raw === "true" ? true : raw === "false" ? false : Number.isNaN(Number(raw)) ? raw : Number(raw),
    );
    if (match[3] === "") break;
  }
  return { name: m[1]!, args };
}

export function numberArg(config: Config, name: string, fallback: number): number {
  const v = config.args.get(name);
  return typeof v === "number" ? v : fallback;
}
