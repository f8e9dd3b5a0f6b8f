// Plan → JSON text a person can review in a diff: one parameter, input or step per line.

import type { Plan } from "../../../runtime/src/plan.js";

export function formatPlan(plan: Plan): string {
  const list = (items: readonly unknown[]) => (items.length ? `[\n${items.map((i) => `    ${JSON.stringify(i)}`).join(",\n")}\n  ]` : "[]");
  const lines = [
    `  "version": ${plan.version}`,
    `  "model": ${JSON.stringify(plan.model)}`,
    `  "dims": ${JSON.stringify(plan.dims)}`,
    `  "params": ${list(plan.params)}`,
    `  "inputs": ${list(plan.inputs)}`,
    `  "steps": ${list(plan.steps)}`,
    `  "entries": ${JSON.stringify(plan.entries)}`,
    `  "freeAfter": ${JSON.stringify(plan.freeAfter)}`,
    `  "train": ${JSON.stringify(plan.train)}`,
    ...(plan.schemas
      ? [
          `  "schemas": ` +
            `{\n${Object.entries(plan.schemas)
              .map(
                ([k, v]) =>
                  `    ${JSON.stringify(k)}: {"name":${JSON.stringify(v.name)},"fields":${list(v.fields)
                    .replaceAll("\n    ", "\n      ")
                    .replace(/\n  \]$/, "\n    ]")}}`,
              )
              .join(",\n")}\n ` +
            ` }`,
        ]
      : []),
    ...(plan.metrics ? [`  "metrics": ${JSON.stringify(plan.metrics)}`] : []),
  ];
  return `{\n${lines.join(",\n")}\n}\n`;
}
