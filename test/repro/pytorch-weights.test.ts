// The PyTorch fixture is what its script writes: test/fixtures/pytorch-weights/make.py rerun under
// torch (into a scratch copy) gives the committed weights byte for byte and the committed outputs,
// so test/pytorch-weights.test.ts compares reclang against PyTorch, not against a stale file. And
// a state_dict of the module `rec export --format pytorch` writes, changed in PyTorch and saved as
// plain F64 safetensors, loads back with no map and predicts what PyTorch computed. Skipped, with
// the reason, where no Python with torch is installed.

import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findTorchPython } from "../../runtime/src/torch/python.js";
import { rec } from "../harness/rec-cli.js";
import { ROOT } from "../harness/repo.js";

const torch = findTorchPython();
const skip = typeof torch === "string" ? ` (skipped: ${torch})` : "";
const FIXTURE = join(ROOT, "test", "fixtures", "pytorch-weights");

describe.skipIf(typeof torch === "string")(`a state_dict of reclang's exported PyTorch module${skip}`, () => {
  it("loads back with no map (its keys are the checkpoint's names) and predicts what PyTorch computed", async () => {
    const dir = join(ROOT, ".tmp", "pytorch-weights-export");
    rmSync(dir, { recursive: true, force: true });
    const spec = join(ROOT, "examples", "serving", "model.rec");
    expect((await rec(["export", "--format", "pytorch", "--steps", "1", "--out", join(dir, "package"), spec])).code).toBe(0);
    writeFileSync(join(dir, "rows.csv"), "user,item\n3,5\n4,7\n1999,999\n");
    // In PyTorch: the exported module, its weights changed, saved as a plain state_dict in F64
    // (no reclang metadata, no hash), and its own scores of the rows.
    const script = [
      "import json, struct, sys",
      "import numpy as np, torch",
      "sys.path.insert(0, sys.argv[1])",
      "from rec_two_tower import Model",
      "torch.manual_seed(5)",
      "model = Model(seed=9)",
      "with torch.no_grad():",
      "    for p in model.parameters(): p.mul_(1.5).add_(0.01 * torch.randn(p.shape))",
      "state = {k: v.detach().numpy().astype('<f8') for k, v in model.state_dict().items()}",
      "header, blobs, offset = {}, [], 0",
      "for name in sorted(state):",
      "    header[name] = {'dtype': 'F64', 'shape': list(state[name].shape), 'data_offsets': [offset, offset + state[name].nbytes]}",
      "    blobs.append(state[name].tobytes()); offset += state[name].nbytes",
      "text = json.dumps(header).encode()",
      "open(sys.argv[2], 'wb').write(struct.pack('<Q', len(text)) + text + b''.join(blobs))",
      "feeds = {'user_id': torch.tensor([3, 4, 1999]), 'item_id': torch.tensor([5, 7, 999])}",
      "print(json.dumps(model.head_score(feeds)['score'].tolist()))",
    ].join("\n");
    const python = (torch as Exclude<typeof torch, string>).python;
    const run = spawnSync(python, ["-c", script, join(dir, "package"), join(dir, "state_dict.safetensors")], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as number[];
    const { code, stdout, stderr } = await rec(["predict", "--checkpoint", join(dir, "state_dict.safetensors"), "--data", join(dir, "rows.csv"), spec]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/is F64 in the file: converted to F32/);
    const scores = stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { score: number }).score);
    scores.forEach((s, i) => expect(Math.abs(s - expected[i]!)).toBeLessThan(1e-5));
  });
});

describe("the PyTorch weights fixture", () => {
  it.skipIf(typeof torch === "string")(`is what make.py writes under torch${skip}`, () => {
    const dir = join(ROOT, ".tmp", "pytorch-weights-make");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURE, "make.py"), join(dir, "make.py"));
    const run = spawnSync((torch as Exclude<typeof torch, string>).python, [join(dir, "make.py")], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    for (const file of ["weights.safetensors", "rows.jsonl", "expected.json"])
      expect(readFileSync(join(dir, file)).equals(readFileSync(join(FIXTURE, file))), file).toBe(true);
  });
});
