/**
 * BDV against the runners' own verdict, step for step, on real suites (README, "Accuracy: BDV").
 *
 *   node scripts/accuracy/bdv-runners.ts [--peers /work/peers] [--suite NAME] [--show 20]
 *
 * For each suite below (a real open-source project checked out at a fixed commit under the peers
 * directory) it asks the runner how it resolves every step — cucumber-js `--dry-run` with the
 * `message` formatter, behave's step registry (behave_truth.py), pytest-bdd's own step lookup
 * during `--collect-only` (pytest_bdd_truth.py) — and compares that with BDV's static
 * resolution (`explainSteps`): the definition each step binds to (file and line), undefined
 * and ambiguous steps, and unused definitions. Apart from CI: it runs the suites' code.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { workingTreeSnapshot } from "../../src/cli/git-snapshot.ts";
import { type ExplainedSteps, explainSteps } from "../../src/core/bdv/index.ts";
import { bdvSchema } from "../../src/core/config/schema.ts";

const HERE = import.meta.dirname;

type RunnerSpec =
  | {
      readonly kind: "cucumber-js";
      readonly require: readonly string[];
      readonly paths: readonly string[];
      /** Workspace packages the suite imports by name, relative to the suite root. */
      readonly aliases?: Readonly<Record<string, string>>;
      /** Directories (relative to the suite root) served from elsewhere: a package's unbuilt output. */
      readonly aliasDirs?: Readonly<Record<string, string>>;
      /** cucumber-tsflow registers steps from its class decorator: map them back to the method decorators. */
      readonly tsflow?: boolean;
    }
  | { readonly kind: "behave"; readonly paths: readonly string[] }
  | { readonly kind: "pytest-bdd"; readonly args: readonly string[]; readonly stubs: readonly string[] };

interface Suite {
  readonly name: string;
  readonly dir: string;
  readonly repository: string;
  readonly commit: string;
  readonly runner: RunnerSpec;
  /** `bdv:` of .github/maestro-hive.yml as a user of that project would write it ({} = defaults). */
  readonly bdv: Record<string, unknown>;
}

const CUCUMBER_LIB = "node-tools/node_modules/@cucumber/cucumber/lib";

const SUITES: readonly Suite[] = [
  {
    name: "cucumber-js",
    dir: "cucumber-js",
    repository: "cucumber/cucumber-js",
    commit: "4fa7c8251037d312940fbb5ee71d465658bd4d9f",
    // cucumber.json: require features/**/*.ts, default paths (.feature and .feature.md). Its steps
    // import Given/When/Then from the package itself ('../../'), run here from the installed build.
    runner: {
      kind: "cucumber-js",
      require: ["features/**/*.ts"],
      paths: [],
      aliases: { "../../": `@peers/${CUCUMBER_LIB}/index.js`, "../..": `@peers/${CUCUMBER_LIB}/index.js` },
      aliasDirs: { lib: `@peers/${CUCUMBER_LIB}` },
    },
    bdv: {},
  },
  {
    name: "cypress-cucumber-preprocessor",
    dir: "cypress-cucumber-preprocessor",
    repository: "badeball/cypress-cucumber-preprocessor",
    commit: "a04f3ac99ef7ad8c06f80510ac8513214a9d406e",
    // cucumber.json: require features/**/*.ts, default paths.
    runner: { kind: "cucumber-js", require: ["features/**/*.ts"], paths: [] },
    bdv: {},
  },
  {
    name: "cucumber-tsflow",
    dir: "cucumber-tsflow",
    repository: "timjroberts/cucumber-js-tsflow",
    commit: "7034387993150b3a8848fcfc41375b7d19180be0",
    // package.json `test`: cucumber-js -p default cucumber-tsflow-specs/features/**/*.feature
    runner: {
      kind: "cucumber-js",
      require: ["cucumber-tsflow-specs/src/**/*.ts"],
      paths: ["cucumber-tsflow-specs/features/**/*.feature"],
      aliases: { "cucumber-tsflow": "cucumber-tsflow/src/index.ts" },
      tsflow: true,
    },
    bdv: {
      features: ["cucumber-tsflow-specs/features/**/*.feature"],
      steps: ["cucumber-tsflow-specs/src/**/*.ts"],
    },
  },
  {
    name: "behave",
    dir: "behave",
    repository: "behave/behave",
    commit: "43d0a93240c0b25b0cbf59bdc196b74fb8a2353e",
    runner: { kind: "behave", paths: ["features", "issue.features", "tools/test-features"] },
    bdv: {
      features: ["features/**/*.feature", "issue.features/**/*.feature", "tools/test-features/**/*.feature"],
    },
  },
  {
    name: "behave.example",
    dir: "behave.example",
    repository: "behave/behave.example",
    commit: "44fe34357aa60dd6078558221b2b5a869bcc8de0",
    runner: { kind: "behave", paths: ["features", "datatype.features", "step_matcher.features"] },
    bdv: {
      features: [
        "features/**/*.feature",
        "datatype.features/**/*.feature",
        "step_matcher.features/**/*.feature",
      ],
    },
  },
  {
    name: "qutebrowser",
    dir: "qutebrowser",
    repository: "qutebrowser/qutebrowser",
    commit: "e688202adb6f99cf830e0917b62bdc899a61a973",
    runner: {
      kind: "pytest-bdd",
      args: ["tests/end2end/features"],
      stubs: ["qutebrowser", "PyQt5", "PyQt6", "pytestqt", "hypothesis", "flask", "cheroot", "PIL"],
    },
    bdv: { steps: ["tests/**/*.py"] },
  },
];

/** How the runner resolved one step: the definition it runs, or why none. */
type Verdict = { readonly kind: "bound"; readonly at: string } | { readonly kind: "undefined" | "ambiguous" };

interface TruthStep {
  readonly key: string;
  readonly text: string;
  readonly verdict: Verdict;
}

interface Truth {
  readonly steps: readonly TruthStep[];
  /** Every definition the runner registered ("file:line"). */
  readonly definitions: ReadonlySet<string>;
  readonly loadError: string | null;
}

interface Environment {
  readonly peers: string;
  readonly python: string;
  readonly pythonPath: string;
  readonly work: string;
}

function stepKey(scope: string, file: string, pickleLine: number, line: number): string {
  return `${scope}|${file}:${pickleLine}:${line}`;
}

function verdictOf(definition: { file: string; line: number } | null, ambiguous = false): Verdict {
  if (definition) return { kind: "bound", at: `${definition.file}:${definition.line}` };
  return { kind: ambiguous ? "ambiguous" : "undefined" };
}

// ---------------------------------------------------------------------------------------------
// cucumber-js: --dry-run --format message
// ---------------------------------------------------------------------------------------------

interface Envelope {
  gherkinDocument?: { uri: string; feature?: { children: FeatureChild[] } };
  pickle?: {
    id: string;
    uri: string;
    astNodeIds: string[];
    steps: { id: string; text: string; astNodeIds: string[] }[];
  };
  stepDefinition?: {
    id: string;
    pattern: { source: string; type: string };
    sourceReference: { uri?: string; location?: { line: number } };
  };
  testCase?: { pickleId: string; testSteps: { pickleStepId?: string; stepDefinitionIds?: string[] }[] };
}

interface AstItem {
  id: string;
  location: { line: number };
  steps?: AstItem[];
  examples?: { tableBody: AstItem[] }[];
}

interface FeatureChild {
  background?: AstItem;
  scenario?: AstItem;
  rule?: { children: FeatureChild[] };
}

function astLines(children: readonly FeatureChild[], lines: Map<string, number>): void {
  for (const child of children) {
    for (const item of [child.background, child.scenario]) {
      if (!item) continue;
      lines.set(item.id, item.location.line);
      for (const step of item.steps ?? []) lines.set(step.id, step.location.line);
      for (const examples of item.examples ?? [])
        for (const row of examples.tableBody) lines.set(row.id, row.location.line);
    }
    if (child.rule) astLines(child.rule.children, lines);
  }
}

/** Runs `cucumber-js --dry-run --format message` on the suite and returns the envelopes. */
function cucumberDryRun(
  suite: Suite,
  spec: Extract<RunnerSpec, { kind: "cucumber-js" }>,
  env: Environment,
): { envelopes: Envelope[]; tsflowSites: Map<string, string> | null } {
  const root = join(env.peers, suite.dir);
  const messages = join(env.work, `${suite.name}.ndjson`);
  const tsflow = join(env.work, `${suite.name}.tsflow.json`);
  const empty = join(env.work, "empty-cucumber.json");
  writeFileSync(empty, "{}");
  const tools = join(env.peers, "node-tools");
  // "@peers/x" is relative to the peers directory, anything else to the suite root.
  const place = (path: string) =>
    path.startsWith("@peers/") ? join(env.peers, path.slice(7)) : join(root, path);
  const aliases = Object.fromEntries(
    Object.entries(spec.aliases ?? {}).map(([name, path]) => [name, place(path)]),
  );
  const aliasDirs = Object.fromEntries(
    Object.entries(spec.aliasDirs ?? {}).map(([dir, path]) => [join(root, dir), place(path)]),
  );
  const args = [
    join(tools, "node_modules/@cucumber/cucumber/bin/cucumber.js"),
    // cucumber-js joins --config and --format paths to its working directory.
    "--config",
    relative(root, empty),
    "--dry-run",
    "--require-module",
    join(HERE, "cucumber-support.cjs"),
    ...spec.require.flatMap((glob) => ["--require", glob]),
    "--format",
    `message:${relative(root, messages)}`,
    ...spec.paths,
  ];
  spawnSync(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      BDV_NODE_TOOLS: tools,
      BDV_ALIASES: JSON.stringify(aliases),
      BDV_ALIAS_DIRS: JSON.stringify(aliasDirs),
      NODE_PATH: join(tools, "node_modules"),
      ...(spec.tsflow ? { BDV_TSFLOW_OUT: tsflow } : {}),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const envelopes = readFileSync(messages, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Envelope);
  return { envelopes, tsflowSites: spec.tsflow ? tsflowCallSites(tsflow, root) : null };
}

function cucumberTruth(
  suite: Suite,
  spec: Extract<RunnerSpec, { kind: "cucumber-js" }>,
  env: Environment,
): Truth {
  const { envelopes, tsflowSites } = cucumberDryRun(suite, spec, env);
  const lines = new Map<string, number>();
  for (const envelope of envelopes) astLines(envelope.gherkinDocument?.feature?.children ?? [], lines);
  const definitions = new Map<string, string>();
  for (const envelope of envelopes) {
    const definition = envelope.stepDefinition;
    if (!definition) continue;
    const at = tsflowSites
      ? tsflowSites.get(
          definition.pattern.type === "REGULAR_EXPRESSION"
            ? `/${definition.pattern.source}/`
            : definition.pattern.source,
        )
      : `${definition.sourceReference.uri}:${definition.sourceReference.location?.line}`;
    if (at) definitions.set(definition.id, at);
  }
  const pickles = new Map(
    envelopes.flatMap((envelope) => (envelope.pickle ? [[envelope.pickle.id, envelope.pickle]] : [])),
  );
  const steps: TruthStep[] = [];
  for (const envelope of envelopes) {
    const testCase = envelope.testCase;
    const pickle = testCase ? pickles.get(testCase.pickleId) : undefined;
    if (!testCase || !pickle) continue;
    const pickleLine = lines.get(pickle.astNodeIds[1] ?? pickle.astNodeIds[0] ?? "") ?? 0;
    const byStep = new Map(pickle.steps.map((step) => [step.id, step]));
    for (const testStep of testCase.testSteps) {
      const step = testStep.pickleStepId ? byStep.get(testStep.pickleStepId) : undefined;
      if (!step) continue;
      const ids = testStep.stepDefinitionIds ?? [];
      const verdict: Verdict =
        ids.length === 1
          ? { kind: "bound", at: definitions.get(ids[0] ?? "") ?? "?" }
          : { kind: ids.length === 0 ? "undefined" : "ambiguous" };
      steps.push({
        key: stepKey("", pickle.uri, pickleLine, lines.get(step.astNodeIds[0] ?? "") ?? 0),
        text: step.text,
        verdict,
      });
    }
  }
  return { steps, definitions: new Set(definitions.values()), loadError: null };
}

/** tsflow binding pattern (String(pattern)) -> "file:line" of the first method decorator with it. */
function tsflowCallSites(file: string, root: string): Map<string, string> {
  const bindings = JSON.parse(readFileSync(file, "utf8")) as {
    pattern: string;
    file: string;
    line: number;
  }[];
  const sites = new Map<string, string>();
  for (const binding of bindings) {
    const key = binding.pattern.startsWith("/") ? binding.pattern.replace(/\/[a-z]*$/, "/") : binding.pattern;
    if (!sites.has(key)) sites.set(key, `${relative(root, binding.file)}:${binding.line}`);
  }
  return sites;
}

// ---------------------------------------------------------------------------------------------
// behave and pytest-bdd: the Python helpers write {steps, definitions, loadError}
// ---------------------------------------------------------------------------------------------

interface PythonTruth {
  steps: {
    file: string;
    pickleLine: number;
    line: number;
    text: string;
    test?: string;
    definition: { file: string; line: number } | null;
  }[];
  definitions: { file: string; line: number }[];
  loadError: string | null;
}

function pythonEnv(env: Environment): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [HERE, env.pythonPath].join(":"), PYTHONDONTWRITEBYTECODE: "1" };
}

function behaveTruth(suite: Suite, spec: Extract<RunnerSpec, { kind: "behave" }>, env: Environment): Truth {
  const root = join(env.peers, suite.dir);
  const steps: TruthStep[] = [];
  const definitions = new Set<string>();
  const errors: string[] = [];
  for (const path of spec.paths) {
    const out = join(env.work, `${suite.name}-${path.replaceAll("/", "_")}.json`);
    spawnSync(env.python, [join(HERE, "behave_truth.py"), root, path, out], {
      env: pythonEnv(env),
      stdio: ["ignore", "ignore", "inherit"],
    });
    const truth = JSON.parse(readFileSync(out, "utf8")) as PythonTruth;
    if (truth.loadError) errors.push(`${path}: ${truth.loadError}`);
    for (const definition of truth.definitions) definitions.add(`${definition.file}:${definition.line}`);
    for (const step of truth.steps) {
      steps.push({
        key: stepKey(path, step.file, step.pickleLine, step.line),
        text: step.text,
        verdict: verdictOf(step.definition),
      });
    }
  }
  return { steps, definitions, loadError: errors.length > 0 ? errors.join("; ") : null };
}

function pytestBddTruth(
  suite: Suite,
  spec: Extract<RunnerSpec, { kind: "pytest-bdd" }>,
  env: Environment,
): Truth {
  const root = join(env.peers, suite.dir);
  const out = join(env.work, `${suite.name}.json`);
  spawnSync(
    env.python,
    [
      "-m",
      "pytest",
      "-p",
      "pytest_bdd_truth",
      "--collect-only",
      "-q",
      "-o",
      "addopts=",
      "-o",
      "required_plugins=",
      "-p",
      "no:cacheprovider",
      "-p",
      "no:warnings",
      ...spec.args,
    ],
    {
      cwd: root,
      env: {
        ...pythonEnv(env),
        BDV_TRUTH_OUT: out,
        BDV_TRUTH_ROOT: root,
        BDV_STUB_MODULES: spec.stubs.join(","),
      },
      stdio: ["ignore", "ignore", "ignore"],
    },
  );
  const truth = JSON.parse(readFileSync(out, "utf8")) as PythonTruth;
  return {
    steps: truth.steps.map((step) => ({
      key: stepKey((step.test ?? "").split("::")[0] ?? "", step.file, step.pickleLine, step.line),
      text: step.text,
      verdict: verdictOf(step.definition),
    })),
    definitions: new Set(truth.definitions.map((definition) => `${definition.file}:${definition.line}`)),
    loadError: truth.loadError,
  };
}

function runnerTruth(suite: Suite, env: Environment): Truth {
  const spec = suite.runner;
  if (spec.kind === "cucumber-js") return cucumberTruth(suite, spec, env);
  if (spec.kind === "behave") return behaveTruth(suite, spec, env);
  return pytestBddTruth(suite, spec, env);
}

// ---------------------------------------------------------------------------------------------
// BDV and the comparison
// ---------------------------------------------------------------------------------------------

async function bdvResolution(suite: Suite, env: Environment): Promise<ExplainedSteps> {
  const head = await workingTreeSnapshot(join(env.peers, suite.dir));
  return explainSteps({ head, config: bdvSchema.parse(suite.bdv) });
}

function ourSteps(explained: ExplainedSteps): TruthStep[] {
  return explained.steps.map((step) => ({
    key: stepKey(step.scope, step.feature, step.pickleLine, step.line),
    text: step.text,
    verdict: verdictOf(step.definition, step.verdict === "ambiguous"),
  }));
}

/** Steps keyed by key + occurrence, so a pickle run twice (two test modules) compares twice. */
function indexSteps(steps: readonly TruthStep[]): Map<string, TruthStep> {
  const seen = new Map<string, number>();
  const index = new Map<string, TruthStep>();
  for (const step of steps) {
    const count = (seen.get(step.key) ?? 0) + 1;
    seen.set(step.key, count);
    index.set(`${step.key}#${count}`, step);
  }
  return index;
}

function describe(verdict: Verdict | undefined): string {
  if (!verdict) return "(not run)";
  return verdict.kind === "bound" ? verdict.at : verdict.kind;
}

interface Comparison {
  readonly suite: Suite;
  readonly steps: number;
  readonly agree: number;
  readonly bound: { readonly runner: number; readonly same: number };
  readonly undefinedSteps: { readonly runner: number; readonly ours: number; readonly both: number };
  readonly ambiguous: { readonly runner: number; readonly ours: number; readonly both: number };
  readonly unused: { readonly runner: number; readonly ours: number; readonly both: number };
  readonly definitions: { readonly runner: number; readonly ours: number };
  readonly disagreements: readonly string[];
  readonly loadError: string | null;
}

function unusedOf(truth: Truth): Set<string> {
  const used = new Set(
    truth.steps.flatMap((step) => (step.verdict.kind === "bound" ? [step.verdict.at] : [])),
  );
  return new Set([...truth.definitions].filter((definition) => !used.has(definition)));
}

function compare(suite: Suite, truth: Truth, explained: ExplainedSteps): Comparison {
  const theirs = indexSteps(truth.steps);
  const ours = indexSteps(ourSteps(explained));
  const disagreements: string[] = [];
  let agree = 0;
  let boundRunner = 0;
  let boundSame = 0;
  const counts: Record<"undefined" | "ambiguous", [number, number, number]> = {
    undefined: [0, 0, 0],
    ambiguous: [0, 0, 0],
  };
  for (const key of new Set([...theirs.keys(), ...ours.keys()])) {
    const a = theirs.get(key)?.verdict;
    const b = ours.get(key)?.verdict;
    if (a?.kind === "bound") boundRunner++;
    for (const kind of ["undefined", "ambiguous"] as const) {
      if (a?.kind === kind) counts[kind][0]++;
      if (b?.kind === kind) counts[kind][1]++;
      if (a?.kind === kind && b?.kind === kind) counts[kind][2]++;
    }
    const same = a && b && a.kind === b.kind && (a.kind !== "bound" || (b.kind === "bound" && a.at === b.at));
    if (same) {
      agree++;
      if (a.kind === "bound") boundSame++;
    } else {
      const text = theirs.get(key)?.text ?? ours.get(key)?.text ?? "";
      disagreements.push(`${key.replace(/#\d+$/, "")} "${text}": runner ${describe(a)}, BDV ${describe(b)}`);
    }
  }
  const runnerUnused = unusedOf(truth);
  const ourUnused = new Set(
    explained.definitions.filter((definition) => !definition.used).map((d) => `${d.file}:${d.line}`),
  );
  for (const definition of runnerUnused)
    if (!ourUnused.has(definition))
      disagreements.push(`unused ${definition}: runner unused, BDV used or not loaded`);
  for (const definition of ourUnused)
    if (!runnerUnused.has(definition))
      disagreements.push(`unused ${definition}: BDV unused, runner used or not loaded`);
  const triple = ([runner, ours, both]: [number, number, number]) => ({ runner, ours, both });
  return {
    suite,
    steps: theirs.size,
    agree,
    bound: { runner: boundRunner, same: boundSame },
    undefinedSteps: triple(counts.undefined),
    ambiguous: triple(counts.ambiguous),
    unused: {
      runner: runnerUnused.size,
      ours: ourUnused.size,
      both: [...runnerUnused].filter((definition) => ourUnused.has(definition)).length,
    },
    definitions: { runner: truth.definitions.size, ours: explained.definitions.length },
    disagreements,
    loadError: truth.loadError,
  };
}

function pythonPath(peers: string): string {
  return [
    "behave",
    "pytest-bdd/src",
    "pysrc/gherkin/python",
    "pysrc/cucumber-expressions/python/src",
    "pysrc/tag-expressions/python/src",
    "pysrc/parse_type",
    "pysrc/parse",
  ]
    .map((path) => join(peers, path))
    .join(":");
}

function checkCommit(suite: Suite, env: Environment): void {
  const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: join(env.peers, suite.dir) })
    .toString()
    .trim();
  if (head !== suite.commit) {
    throw new Error(`${suite.name}: ${join(env.peers, suite.dir)} is at ${head}, expected ${suite.commit}`);
  }
}

function row(comparison: Comparison): string {
  const { undefinedSteps: u, ambiguous: a, unused: n } = comparison;
  const percent = comparison.steps === 0 ? 100 : (comparison.agree / comparison.steps) * 100;
  return [
    comparison.suite.name,
    comparison.suite.runner.kind,
    `${comparison.agree.toLocaleString("en")} / ${comparison.steps.toLocaleString("en")} (${percent.toFixed(2)}%)`,
    `${comparison.bound.same.toLocaleString("en")} / ${comparison.bound.runner.toLocaleString("en")}`,
    `${u.runner} / ${u.ours} / ${u.both}`,
    `${a.runner} / ${a.ours} / ${a.both}`,
    `${n.runner} / ${n.ours} / ${n.both}`,
    `${comparison.definitions.runner} / ${comparison.definitions.ours}`,
  ].join(" | ");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      peers: { type: "string", default: "/work/peers" },
      suite: { type: "string", multiple: true },
      python: { type: "string", default: "/usr/bin/python3" },
      show: { type: "string", default: "20" },
    },
  });
  const peers = resolve(values.peers);
  const work = mkdtempSync(join(tmpdir(), "bdv-runners-"));
  const env: Environment = { peers, python: values.python, pythonPath: pythonPath(peers), work };
  const selected = SUITES.filter((suite) => !values.suite || values.suite.includes(suite.name));
  const comparisons: Comparison[] = [];
  try {
    for (const suite of selected) {
      checkCommit(suite, env);
      const truth = runnerTruth(suite, env);
      const explained = await bdvResolution(suite, env);
      comparisons.push(compare(suite, truth, explained));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    "| suite | runner | steps with the same verdict | bound to the same definition | undefined (runner / BDV / both) | ambiguous (runner / BDV / both) | unused definitions (runner / BDV / both) | definitions (runner / BDV) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const comparison of comparisons) console.log(`| ${row(comparison)} |`);
  const show = Number(values.show);
  for (const comparison of comparisons) {
    if (comparison.loadError)
      console.log(`\n${comparison.suite.name}: the runner refused to load: ${comparison.loadError}`);
    if (comparison.disagreements.length === 0) continue;
    console.log(`\n${comparison.suite.name}: ${comparison.disagreements.length} disagreements`);
    for (const line of comparison.disagreements.slice(0, show)) console.log(`  ${line}`);
  }
  for (const suite of selected)
    console.log(`\n${suite.name}: github.com/${suite.repository} @ ${suite.commit}`);
}

await main();
