// `rec report` (cli/report/): the page of a training run (written by `rec train` itself) and of
// a paper experiment has its tables, the spec, the model's picture and the chart data; in a
// real browser (Debian's chromium driven by playwright-core) the charts render with the right
// number of series and points, and a screenshot is saved to .tmp/. The browser part is skipped,
// saying so, where chromium is absent (`.ci/install-chromium.sh` installs it).

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { ROOT } from "./harness/repo.js";

const CHROMIUM = [process.env["CHROMIUM_PATH"], "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p): p is string => Boolean(p && existsSync(p)));
const out = join(ROOT, ".tmp", "report-test");

async function rec(args: string[]) {
  const captured = { stdout: "", stderr: "" };
  const code = await main(args, { stdout: (t) => void (captured.stdout += t), stderr: (t) => void (captured.stderr += t), isTTY: false, cwd: ROOT, env: {} });
  return { code, ...captured };
}

interface ChartData {
  title: string;
  x: number[];
  series: { name: string; values: (number | null)[] }[];
}

const chartsOf = (html: string) => JSON.parse(/<script id="chart-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!) as ChartData[];

describe("rec report", () => {
  mkdirSync(out, { recursive: true });
  const run = join(out, "run");
  const experiment = join(out, "pinrec.html");

  it("is written by rec train into the run folder: tables, curves, the spec and the model's picture", async () => {
    const trained = await rec(["train", "--steps", "20", "--batch", "32", "--backend", "cpu", "--overwrite", "--out", run, "examples/two_tower/model.rec"]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toContain("report: ");
    const html = readFileSync(join(run, "report.html"), "utf8");
    expect(html).toContain("<caption>Final metrics</caption>");
    expect(html).toContain("The spec: examples/two_tower/model.rec");
    expect(html).toMatch(/<div class="picture"><svg[\s\S]*<title>block:item_table<\/title>/);
    const charts = chartsOf(html);
    expect(charts.map((c) => c.title)).toEqual(["training loss", "recall_at_10 on held-out data"]);
    expect(charts[0]!.x).toHaveLength(20);
    // No network at view time: uPlot and its styles are inside the file.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it("shows a paper experiment's arms with mean ± sd and the paper's number", async () => {
    const result = await rec(["report", "examples/pinrec", "--out", experiment]);
    expect(result.code, result.stderr).toBe(0);
    const html = readFileSync(experiment, "utf8");
    const record = JSON.parse(readFileSync(join(ROOT, "examples/pinrec/results.json"), "utf8")) as {
      rows: { metric: string; paper?: string }[];
      curves: unknown[];
      parameters: Record<string, number>;
    };
    for (const row of record.rows) if (row.paper) expect(html).toContain(row.paper.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    const charts = chartsOf(html);
    expect(charts.length).toBe(record.rows.length);
    for (const chart of charts) {
      expect(chart.series.map((s) => s.name)).toEqual(Object.keys(record.parameters));
      expect(chart.x).toHaveLength(record.curves.length);
    }
  });

  it.runIf(CHROMIUM)("renders its charts in Chromium with the right series and points", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1150, height: 900 } });
      for (const [file, shot] of [
        [join(run, "report.html"), "report-run.png"],
        [experiment, "report-experiment.png"],
      ] as const) {
        await page.goto(`file://${file}`);
        await page.waitForFunction(() => Array.isArray((globalThis as unknown as { reclangCharts?: unknown[] }).reclangCharts));
        const rendered = await page.evaluate(() =>
          (globalThis as unknown as { reclangCharts: { series: unknown[]; data: unknown[][] }[] }).reclangCharts.map((u) => ({
            series: u.series.length - 1,
            points: u.data[0]!.length,
          })),
        );
        const expected = chartsOf(readFileSync(file, "utf8")).map((c) => ({ series: c.series.length, points: c.x.length }));
        expect(rendered).toEqual(expected);
        // Each chart drew a canvas of its size.
        expect(await page.locator("canvas").count()).toBe(expected.length);
        await page.screenshot({ path: join(out, shot), fullPage: true });
      }
    } finally {
      await browser.close();
    }
  });

  it.skipIf(CHROMIUM)("renders its charts in Chromium — skipped: no chromium here (set CHROMIUM_PATH, or run .ci/install-chromium.sh)", () => {});
});
