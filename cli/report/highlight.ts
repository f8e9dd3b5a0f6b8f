// Highlighting .rec source as HTML with the TextMate grammar of the editor extension
// (editors/vscode/syntaxes/rec.tmLanguage.json), so editors and generated pages agree: the
// grammar's patterns are tried in order at each position, the first match wins, and matched text
// becomes a <span> with a class from its scope (`tm-comment`, `tm-keyword`, …).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../app/package-root.js";
import { htmlText as escape } from "../../runtime/src/literals.js";

interface Rule {
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly name?: string;
  readonly captures?: Record<string, { name: string }>;
  readonly include?: string;
  readonly patterns?: Rule[];
}

interface Grammar {
  readonly patterns: Rule[];
  readonly repository: Record<string, Rule>;
}

/** The editor extension's grammar file. */
export function grammarPath(): string {
  return join(packageRoot(), "editors", "vscode", "syntaxes", "rec.tmLanguage.json");
}

/** The grammar's rules in the order it tries them, each as one sticky regular expression. */
function compile(grammar: Grammar): { regex: RegExp; rule: Rule }[] {
  const out: { regex: RegExp; rule: Rule }[] = [];
  const add = (rule: Rule) => {
    if (rule.include) return add(grammar.repository[rule.include.slice(1)]!);
    if (rule.patterns) return rule.patterns.forEach(add);
    const source = rule.match ?? `${rule.begin}[\\s\\S]*?${rule.end}`;
    out.push({ regex: new RegExp(source, "ym"), rule });
  };
  grammar.patterns.forEach(add);
  return out;
}

/** Scopes whose class keeps their second part (`entity.name`), so the page can tell them apart. */
const TWO_PART_SCOPES = new Set(["entity", "support", "variable", "constant"]);
const className = (scope: string) => {
  const parts = scope.split(".");
  return `tm-${TWO_PART_SCOPES.has(parts[0]!) ? parts.slice(0, 2).join("-") : parts[0]}`;
};

let rules: { regex: RegExp; rule: Rule }[] | undefined;

export function highlightRec(text: string): string {
  rules ??= compile(JSON.parse(readFileSync(grammarPath(), "utf8")) as Grammar);
  let out = "";
  let plain = "";
  for (let at = 0; at < text.length;) {
    let matched = false;
    for (const { regex, rule } of rules) {
      regex.lastIndex = at;
      const m = regex.exec(text);
      if (!m || m[0].length === 0) continue;
      out += escape(plain);
      plain = "";
      if (rule.captures) {
        // Captured groups get their scopes; the text between them stays plain.
        let cursor = 0;
        for (let g = 1; g < m.length; g++) {
          const part = m[g];
          if (part === undefined) continue;
          const start = m[0].indexOf(part, cursor);
          out += escape(m[0].slice(cursor, start));
          const scope = rule.captures[String(g)]?.name;
          out += scope ? `<span class="${className(scope)}">${escape(part)}</span>` : escape(part);
          cursor = start + part.length;
        }
        out += escape(m[0].slice(cursor));
      } else out += `<span class="${className(rule.name ?? "")}">${escape(m[0])}</span>`;
      at += m[0].length;
      matched = true;
      break;
    }
    if (!matched) plain += text[at++];
  }
  return out + escape(plain);
}
