// What a command may touch of the outside world, passed in so tests run commands in-process.

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (color and progress bars only then). */
  readonly isTTY: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, read whole (`rec fmt -`); absent where a command runs in-process without one. */
  readonly stdin?: () => Promise<string>;
}

/** Exit codes: 0 clean, 1 the input has errors, 2 the command line is wrong. */
export const EXIT = { ok: 0, errors: 1, usage: 2 } as const;
