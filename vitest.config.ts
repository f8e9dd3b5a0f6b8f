// Test runner settings. Two projects, both run from the TypeScript sources:
//   unit  — `npm test`: everything under test/ except test/repro/; under 5 minutes on 2 cores.
//   repro — `npm run test:repro`: the reduced paper reproductions and other long training runs.
// No wall-clock limits (testTimeout 0): every test does a fixed amount of work, so a slow or
// busy machine makes it slower, never red. Two workers: vitest's default on two cores is one
// (cores − 1), which runs the files one after another; every test file keeps its scratch files
// in a directory of its own (.tmp/<file>, or a mkdtemp), so files can run side by side.
// The slowest files start first (SlowFirst): on a clean clone vitest has no timings and starts
// the largest files first, which left a torch file running alone at the end of the unit tier.
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The unit tier's slowest files, slowest first (from a clean-clone CI run's JSON report). */
const SLOW_FIRST = [
  "test/cli.test.ts",
  "test/torch.test.ts",
  "test/conformance.test.ts",
  "test/format.test.ts",
  "test/profile.test.ts",
  "test/torch-train.test.ts",
  "test/property.test.ts",
  "test/escaping.test.ts",
  "test/checkpoint.test.ts",
];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = SLOW_FIRST.findIndex((path) => file.moduleId.replaceAll("\\", "/").endsWith(path));
      return at === -1 ? SLOW_FIRST.length : at;
    };
    // A stable sort: the files not listed keep vitest's own order after the listed ones.
    return [...(await super.sort(files))].sort((a, b) => rank(a) - rank(b));
  }
}

const shared = { testTimeout: 0, hookTimeout: 0, pool: "forks" as const };

export default defineConfig({
  test: {
    maxWorkers: 2,
    sequence: { sequencer: SlowFirst },
    projects: [
      { test: { ...shared, name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/repro/**"] } },
      { test: { ...shared, name: "repro", include: ["test/repro/**/*.test.ts"] } },
    ],
  },
});
