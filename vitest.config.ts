// Test runner settings. Two projects, both run from the TypeScript sources:
//   unit  — `npm test`: everything under test/ except test/repro/; under 5 minutes on 2 cores.
//   repro — `npm run test:repro`: the reduced paper reproductions and other long training runs.
// No wall-clock limits (testTimeout 0): every test does a fixed amount of work, so a slow or
// busy machine makes it slower, never red. Two workers: vitest's default on two cores is one
// (cores − 1), which runs the files one after another; every test file keeps its scratch files
// in a directory of its own (.tmp/<file>, or a mkdtemp), so files can run side by side.
import { defineConfig } from "vitest/config";

const shared = { testTimeout: 0, hookTimeout: 0, pool: "forks" as const };

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/repro/**"] } },
      { test: { ...shared, name: "repro", include: ["test/repro/**/*.test.ts"] } },
    ],
  },
});
