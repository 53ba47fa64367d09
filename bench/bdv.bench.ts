/**
 * BDV: 1,000 generated feature files against 500 step definitions (cucumber-js, read statically),
 * parsed and matched through the whole runBdv pipeline (parse, pickles, step extraction,
 * expression compilation, matching, snippets for undefined steps, lint). Target: under 1 s.
 * Run: npx node bench/bdv.bench.ts
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { compileDefinitions, sourcesOf } from "../src/core/bdv/expressions.ts";
import { parseFeature } from "../src/core/bdv/gherkin.ts";
import { runBdv } from "../src/core/bdv/index.ts";
import { StepMatcher, type StepType } from "../src/core/bdv/matching.ts";
import { readJavaScriptSteps } from "../src/core/bdv/steps/javascript-project.ts";
import { bdvSchema } from "../src/core/config/schema.ts";
import type { Snapshot } from "../src/core/snapshot.ts";

import { finish, verdict } from "./lib/measure.ts";

const FEATURES = 1_000;
const STEP_FILES = 20;
const SUBJECTS = [
  "I",
  "the customer",
  "an admin",
  "the system",
  "a guest",
  "the courier",
  "my manager",
  "the shop",
  "our partner",
  "the auditor",
];
const VERBS = [
  "order",
  "cancel",
  "approve",
  "ship",
  "return",
  "refund",
  "inspect",
  "archive",
  "price",
  "count",
];
const OBJECTS = ["parcels", "invoices", "coupons", "baskets", "tickets"];

let seed = 11;
function random(limit: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return Math.floor((seed / 2147483648) * limit);
}

interface Template {
  readonly pattern: string;
  readonly regexp: boolean;
  readonly text: () => string;
}

const templates: Template[] = [];
for (const subject of SUBJECTS) {
  for (const verb of VERBS) {
    for (const object of OBJECTS) {
      const index = templates.length;
      if (index % 5 === 4) {
        templates.push({
          pattern: `/^${subject} ${verb}s? (\\d+) ${object} from "([^"]*)"$/`,
          regexp: true,
          text: () => `${subject} ${verb} ${random(500)} ${object} from "warehouse ${random(9)}"`,
        });
      } else {
        templates.push({
          pattern: `${subject} ${verb}(s) {int} ${object} for {string}`,
          regexp: false,
          text: () => `${subject} ${verb} ${random(500)} ${object} for "client ${random(90)}"`,
        });
      }
    }
  }
}

const files: Record<string, string> = {};
for (let file = 0; file < STEP_FILES; file++) {
  const lines = ['import { Given, When, Then } from "@cucumber/cucumber";'];
  for (let index = file; index < templates.length; index += STEP_FILES) {
    const template = templates[index];
    if (!template) continue;
    const keyword = ["Given", "When", "Then"][index % 3];
    const pattern = template.regexp ? template.pattern : JSON.stringify(template.pattern);
    lines.push(`${keyword}(${pattern}, function (count, name) {`, "  return count;", "});");
  }
  files[`features/steps/steps${file}.ts`] = `${lines.join("\n")}\n`;
}

const pick = () => templates[random(templates.length)]?.text() ?? "";
for (let feature = 0; feature < FEATURES; feature++) {
  const lines = [
    `@area-${feature % 17}`,
    `Feature: generated feature ${feature}`,
    "",
    "  Background:",
    `    Given ${pick()}`,
    "",
  ];
  for (let scenario = 0; scenario < 4; scenario++) {
    lines.push(
      `  Scenario: scenario ${scenario} of ${feature}`,
      `    Given ${pick()}`,
      `    When ${pick()}`,
      `    And ${pick()}`,
    );
    lines.push(
      scenario === 3 && feature % 10 === 0
        ? `    Then nothing defines step ${feature}`
        : `    Then ${pick()}`,
      "",
    );
  }
  lines.push(
    `  Scenario Outline: outline of ${feature}`,
    '    When I order <n> parcels for "<who>"',
    '    Then the shop count <n> coupons for "<who>"',
    "",
    "    Examples:",
    "      | n | who |",
  );
  for (let row = 0; row < 3; row++) lines.push(`      | ${random(100)} | client ${row} |`);
  files[`features/area${feature % 17}/feature${feature}.feature`] = `${lines.join("\n")}\n`;
}

function snapshotOf(map: Record<string, string>): Snapshot {
  const encoder = new TextEncoder();
  return {
    commit: null,
    skipped: [],
    files: Object.entries(map).map(([path, text]) => {
      const content = encoder.encode(text);
      const blobSha = createHash("sha1")
        .update(`blob ${content.byteLength}\u0000`)
        .update(content)
        .digest("hex");
      return { path, blobSha, content };
    }),
  };
}

const head = snapshotOf(files);
const config = bdvSchema.parse({});

// Warm-up (JIT), then the measured runs.
runBdv({ head, config });
// Wall time and CPU time (the machine may be shared: CPU time is what this process used).
const runs: number[] = [];
const cpuRuns: number[] = [];
let result = runBdv({ head, config });
for (let run = 0; run < 5; run++) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  result = runBdv({ head, config });
  const used = process.cpuUsage(cpu);
  runs.push(performance.now() - start);
  cpuRuns.push((used.user + used.system) / 1000);
}
const best = Math.min(...runs);
const bestCpu = Math.min(...cpuRuns);

// Breakdown: parsing alone, matching alone.
const featureEntries = Object.entries(files).filter(([path]) => path.endsWith(".feature"));
let start = performance.now();
const parseCpuStart = process.cpuUsage();
const parsed = featureEntries.map(([path, text]) => parseFeature(path, text));
const parseMs = performance.now() - start;
const parseCpu = process.cpuUsage(parseCpuStart);
const compiled = compileDefinitions(
  sourcesOf(
    Object.entries(files)
      .filter(([path]) => path.endsWith(".ts"))
      .map(([path, text]) => readJavaScriptSteps(path, text)),
  ),
);
start = performance.now();
const matchCpuStart = process.cpuUsage();
const matcher = new StepMatcher(compiled.definitions);
let matchedSteps = 0;
for (const feature of parsed) {
  for (const pickle of feature.pickles) {
    for (const step of pickle.steps) {
      matcher.match(step.text, (step.type ?? "Unknown") as StepType);
      matchedSteps++;
    }
  }
}
const matchMs = performance.now() - start;
const matchCpu = process.cpuUsage(matchCpuStart);
const cpuMs = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) / 1000).toFixed(0);

const summary = result.summary;
console.log("BDV benchmark");
console.log(
  `  input: ${summary.features} feature files, ${summary.scenarios} scenarios, ${summary.pickles} pickles, ${summary.steps} pickle steps, ${summary.stepDefinitions} step definitions in ${STEP_FILES} files`,
);
console.log(
  `  runBdv (parse + extract + compile + match + snippets + lint): ${best.toFixed(0)} ms wall, ${bestCpu.toFixed(0)} ms CPU (best of ${runs.length})`,
);
verdict(
  "BDV: 1,000 feature files < 1,000 ms (best run; CPU time when the machine is loaded)",
  Math.min(best, bestCpu) < 1000,
  `${best.toFixed(0)} ms wall, ${bestCpu.toFixed(0)} ms CPU`,
);
console.log(
  `  wall times: ${runs.map((ms) => ms.toFixed(0)).join(", ")} ms (a loaded shared machine inflates wall time; CPU time is this process's own work)`,
);
console.log(
  `  breakdown (first, cold run): parse + pickles ${parseMs.toFixed(0)} ms wall / ${cpuMs(parseCpu)} ms CPU; matching ${matchedSteps} steps ${matchMs.toFixed(0)} ms wall / ${cpuMs(matchCpu)} ms CPU`,
);
console.log(
  `  findings: ${result.findings.length} (undefined ${summary.undefinedSteps}, ambiguous ${summary.ambiguousSteps})`,
);

// With a 50-operation OpenAPI contract: every step is also read for bindings, and every
// scenario gets a request step and a status step (10 of them unknown operations).
const OPERATIONS = 50;
const spec = [
  "openapi: 3.0.3",
  "info: {title: Bench, version: 1.0.0}",
  "servers: [{url: https://api.example.com/v1}]",
  "paths:",
];
for (let operation = 0; operation < OPERATIONS; operation++) {
  spec.push(
    `  /resource${operation}/{id}:`,
    "    get:",
    `      operationId: getResource${operation}`,
    "      responses:",
    '        "200": {description: ok}',
    '        "404": {description: missing}',
  );
}
const contractFiles: Record<string, string> = { ...files, "api/bench.yaml": `${spec.join("\n")}\n` };
for (const [path, text] of Object.entries(files)) {
  if (!path.endsWith(".feature")) continue;
  const feature = Number(/feature(\d+)\.feature$/.exec(path)?.[1] ?? 0);
  contractFiles[path] = text.replace(
    /( {2}Scenario: scenario 0 of \d+\n)/,
    `$1    When I send GET to "/v1/resource${feature % (OPERATIONS + 10)}/${feature}"\n    Then the response status is ${feature % 3 === 0 ? 500 : 200}\n`,
  );
}
const contractHead = snapshotOf(contractFiles);
const contractConfig = bdvSchema.parse({ contracts: [{ name: "bench", spec: "api/bench.yaml" }] });
runBdv({ head: contractHead, config: contractConfig });
const contractWall: number[] = [];
const contractCpu: number[] = [];
let contractResult = result;
for (let run = 0; run < 3; run++) {
  const begin = performance.now();
  const cpu = process.cpuUsage();
  contractResult = runBdv({ head: contractHead, config: contractConfig });
  const used = process.cpuUsage(cpu);
  contractWall.push(performance.now() - begin);
  contractCpu.push((used.user + used.system) / 1000);
}
const coverage = contractResult.summary.coverage[0];
console.log(
  `  with a ${OPERATIONS}-operation contract: ${Math.min(...contractWall).toFixed(0)} ms wall, ${Math.min(...contractCpu).toFixed(0)} ms CPU (best of 3); coverage ${coverage?.covered}/${coverage?.operations}; ${contractResult.findings.filter((finding) => finding.type === "unknown-operation").length} unknown-operation, ${contractResult.findings.filter((finding) => finding.type === "undeclared-status").length} undeclared-status`,
);
finish();
