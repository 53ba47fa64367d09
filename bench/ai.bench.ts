/**
 * AI explanations, the local part: how long building one prompt takes (excerpt, rule config,
 * redaction) on a large source file, and redaction throughput on secret-heavy text. The API
 * call itself is bounded by its timeout and budget, not by us.
 *
 *   npx node bench/ai.bench.ts
 */
import { buildExplanationPrompt } from "../src/ai/prompt.ts";
import { redactSecrets } from "../src/ai/redact.ts";
import type { Finding } from "../src/core/findings.ts";

function time(label: string, runs: number, work: () => void): void {
  work();
  const started = performance.now();
  for (let i = 0; i < runs; i++) work();
  const ms = (performance.now() - started) / runs;
  console.log(`${label.padEnd(58)} ${ms.toFixed(3)} ms/op`);
}

// A 20,000-line file (about 1 MB) with the finding near the end.
const lines = Array.from({ length: 20_000 }, (_, i) =>
  i % 97 === 0
    ? `const apiKey${i} = "sk-ant-api03-${"Qw3rTy8uI0oP".repeat(3)}${i}";`
    : `export function handler${i}(request: Request): Response { return respond(request, ${i}); }`,
);
lines[19_000] = 'import { render } from "../routes/users.ts";';
const content = new TextEncoder().encode(lines.join("\n"));
const finding: Finding = {
  id: "0123456789ab",
  stream: "acc",
  rule: "layered",
  type: "layers",
  severity: "error",
  file: "app/data/users.ts",
  line: 19_001,
  target: "app/routes/users.ts",
  message: "data imports routes, a higher layer",
};
const ruleConfig = { id: "layered", type: "layers", layers: ["routes", "services", "data"] };

console.log(`source file: ${lines.length} lines, ${(content.byteLength / 1024).toFixed(0)} KiB`);
time("buildExplanationPrompt (1 MB file, excerpt + redaction)", 50, () => {
  buildExplanationPrompt({ finding, ruleConfig, file: { path: "app/data/users.ts", content } });
});

const secretHeavy = lines.slice(0, 2_000).join("\n");
const bytes = secretHeavy.length;
const started = performance.now();
const runs = 20;
let count = 0;
for (let i = 0; i < runs; i++) count = redactSecrets(secretHeavy).count;
const seconds = (performance.now() - started) / 1000;
console.log(
  `${"redactSecrets throughput (2,000 lines, 1 key per 97)".padEnd(58)} ${((bytes * runs) / seconds / 1024 / 1024).toFixed(1)} MiB/s (${count} redactions/run)`,
);
