// Finding a Python that has PyTorch: $RECLANG_PYTHON, then Debian's /usr/bin/python3 (where
// python3-torch installs; a pyenv python first on PATH usually lacks it), then python3 on PATH.
// Out: the interpreter's path and torch's version, or why none was found.

import { spawnSync } from "node:child_process";

export interface TorchPython {
  readonly python: string;
  readonly torch: string;
}

let found: TorchPython | string | undefined;

export function findTorchPython(env: NodeJS.ProcessEnv = process.env): TorchPython | string {
  if (found !== undefined) return found;
  const candidates = [env["RECLANG_PYTHON"], "/usr/bin/python3", "python3"].filter((c): c is string => Boolean(c));
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8", timeout: 60_000 });
    if (probe.status === 0) return (found = { python, torch: probe.stdout.trim() });
  }
  return (found =
    `no Python with PyTorch found (tried ${candidates.join(", ")}); on Debian: apt-get install ` + `python3-torch libopenblas0-pthread, or set RECLANG_PYTHON`);
}
