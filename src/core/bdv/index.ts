import type { BdvConfig } from "../config/schema.ts";
import type { Finding, Notice } from "../findings.ts";
import type { Snapshot, SnapshotFile } from "../snapshot.ts";
import { Binder, DEFAULT_BINDINGS } from "./binding.ts";
import { checkBreakingChanges } from "./breaking.ts";
import {
  type ContractCheckResult,
  type ContractCoverage,
  checkContracts,
  type LoadedContract,
} from "./checks/contracts.ts";
import { checkSteps, type StepCheckStats } from "./checks/steps.ts";
import { checkContractVersions } from "./checks/versions.ts";
import type { ParsedFeature } from "./gherkin.ts";
import { lintFeature } from "./lint.ts";
import { loadSpec } from "./openapi.ts";
import { BdvReport } from "./report.ts";
import { resolveSuites, type StepResolution } from "./resolution.ts";
import { type ExecutedInput, type ExecutedSummary, judgeExecuted } from "./results/judge.ts";
import { type CodeFingerprint, staticView } from "./results/static-view.ts";
import { decodeText } from "./source.ts";
import { type LoadedSuites, loadSuites } from "./suites/index.ts";
import type { StepSuite } from "./suites/model.ts";

export { DEFAULT_BINDINGS, validateBindings } from "./binding.ts";

/**
 * The BDV stream: Gherkin features against statically read step definitions (cucumber-js,
 * behave, pytest-bdd) and against the OpenAPI contracts they claim. Pure: it reads the
 * snapshot's bytes and never runs analysed code.
 */

export interface BdvInput {
  readonly head: Snapshot;
  readonly base?: Snapshot | null;
  readonly config: BdvConfig;
  /** Paths changed between base and head; a changed .feature that uses an operation accepts its breaking change. */
  readonly changedFiles?: ReadonlySet<string> | null;
  /** Scenario results CI reported for this commit (src/core/bdv/results); null/absent: none configured. */
  readonly executed?: ExecutedInput | null;
}

/** What the executed results say about the commit, and the code fingerprints the app stores with them. */
export interface BdvExecuted {
  readonly summary: ExecutedSummary;
  readonly fingerprints: ReadonlyMap<string, CodeFingerprint>;
}

export interface BdvSummary {
  readonly features: number;
  readonly scenarios: number;
  readonly pickles: number;
  readonly steps: number;
  readonly stepDefinitions: number;
  readonly unresolvedStepDefinitions: number;
  readonly undefinedSteps: number;
  readonly ambiguousSteps: number;
  readonly parseErrors: number;
  readonly breakingChanges: number;
  /** One entry per configured contract that could be loaded. */
  readonly coverage: readonly ContractCoverage[];
}

export interface BdvResult {
  readonly findings: readonly Finding[];
  readonly notices: readonly Notice[];
  /** Checks that did not run on this snapshot: their findings at the base are not "fixed". */
  readonly skippedChecks: readonly string[];
  /** Files nothing was checked in: feature files and step files that do not parse. */
  readonly uncheckedFiles: readonly string[];
  readonly summary: BdvSummary;
  /** Present when executed results were configured (input.executed). */
  readonly executed: BdvExecuted | null;
}

function fileMap(snapshot: Snapshot): Map<string, SnapshotFile> {
  return new Map(snapshot.files.map((file) => [file.path, file]));
}

function loadContracts(
  config: BdvConfig,
  files: ReadonlyMap<string, SnapshotFile>,
  report: BdvReport,
): LoadedContract[] {
  const contracts: LoadedContract[] = [];
  for (const contract of config.contracts) {
    const file = files.get(contract.spec);
    if (!file) {
      report.add({
        check: "invalid-contract",
        severity: "error",
        file: null,
        line: null,
        target: contract.spec,
        subject: `${contract.name} ${contract.spec}`,
        message: `Contract ${contract.name}: spec file ${contract.spec} does not exist in this commit.`,
      });
      continue;
    }
    const loaded = loadSpec(contract.spec, decodeText(file.content));
    if (!loaded.ok) {
      report.add({
        check: "invalid-contract",
        severity: "error",
        file: contract.spec,
        line: loaded.position.line,
        column: loaded.position.column,
        target: contract.spec,
        subject: `${contract.name} ${contract.spec}`,
        message: `Contract ${contract.name}: ${contract.spec} cannot be read: ${loaded.message}`,
      });
      continue;
    }
    contracts.push({ name: contract.name, spec: loaded.spec });
  }
  return contracts;
}

/** breaking-change for every contract whose spec existed at the base and changed since. */
function checkAgainstBase(
  baseSnapshot: Snapshot,
  headFiles: ReadonlyMap<string, SnapshotFile>,
  contracts: readonly LoadedContract[],
  contractResult: ContractCheckResult,
  changedFiles: ReadonlySet<string> | null,
  report: BdvReport,
): number {
  let breakingChanges = 0;
  const baseFiles = fileMap(baseSnapshot);
  for (const contract of contracts) {
    const baseFile = baseFiles.get(contract.spec.file);
    if (!baseFile || baseFile.blobSha === headFiles.get(contract.spec.file)?.blobSha) continue;
    const base = loadSpec(contract.spec.file, decodeText(baseFile.content));
    if (!base.ok) {
      report.notice({
        file: contract.spec.file,
        kind: "bdv-base-spec-unreadable",
        message: `The base version of ${contract.spec.file} cannot be read (${base.message}); breaking changes are not checked.`,
      });
      continue;
    }
    breakingChanges += checkBreakingChanges(
      {
        contract: contract.name,
        base: base.spec,
        head: contract.spec,
        boundSteps: contractResult.boundSteps,
        featuresByOperation: contractResult.featuresByOperation,
        changedFiles,
      },
      report,
    );
  }
  return breakingChanges;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedFiles(snapshot: Snapshot): SnapshotFile[] {
  return [...snapshot.files].sort((a, b) => compareText(a.path, b.path));
}

/** Stage 1: the suites as the runners load them, and every step resolved the way they resolve it. */
function stepStage(input: BdvInput, report: BdvReport): { loaded: LoadedSuites; resolution: StepResolution } {
  const loaded = loadSuites(sortedFiles(input.head), input.config);
  for (const feature of loaded.features) reportParseErrors(feature, report);
  for (const problem of loaded.problems) {
    report.notice({
      file: problem.file,
      line: problem.line,
      column: problem.column,
      kind: "bdv-step-file-syntax",
      message: `Step file could not be read completely (${problem.message}); some step definitions may be missing.`,
    });
  }
  if (loaded.cucumberConfig?.problem) {
    report.notice({
      file: loaded.cucumberConfig.file,
      kind: "bdv-cucumber-config",
      message: `${loaded.cucumberConfig.file} could not be read statically (${loaded.cucumberConfig.problem}); set bdv.features and bdv.steps.`,
    });
  }
  if (loaded.unclaimed.length > 0) {
    const files = loaded.unclaimed;
    report.notice({
      file: null,
      kind: "bdv-feature-not-run",
      message: `${files.length} feature file${files.length > 1 ? "s are" : " is"} run by no runner found here (no behave steps directory above ${files.length > 1 ? "them" : "it"}, no pytest-bdd scenarios() binding ${files.length > 1 ? "them" : "it"}, no cucumber-js step definitions), so ${files.length > 1 ? "their" : "its"} steps are not checked: ${files.slice(0, 10).join(", ")}${files.length > 10 ? ", …" : ""}.`,
    });
  }
  return { loaded, resolution: resolveSuites(loaded.suites) };
}

function reportParseErrors(feature: ParsedFeature, report: BdvReport): void {
  for (const error of feature.errors) {
    report.add({
      check: "gherkin-parse-error",
      severity: "error",
      file: feature.path,
      line: error.line,
      column: error.column,
      target: null,
      subject: error.message,
      message: `Gherkin syntax error: ${error.message}`,
    });
  }
}

/** Stage 2: undefined, ambiguous and unused steps, invalid patterns. */
function checkStage(
  loaded: LoadedSuites,
  resolution: StepResolution,
  report: BdvReport,
): { stats: StepCheckStats; skippedChecks: string[] } {
  const everyFeatureParsed = loaded.features.every((feature) => feature.errors.length === 0);
  const incomplete = [...new Set(loaded.problems.map((problem) => problem.file))];
  const stats = checkSteps(
    {
      compiled: loaded.compiled,
      behaveLoadProblems: loaded.behaveLoadProblems,
      suites: loaded.suites,
      resolution,
      snippetStyle: (suite: StepSuite) => ({ framework: suite.runner, arrowFunctions: loaded.arrowHandlers }),
      incompleteStepFiles: incomplete,
      reportUnused: everyFeatureParsed,
    },
    report,
  );
  if (everyFeatureParsed) return { stats, skippedChecks: [] };
  report.notice({
    file: null,
    kind: "bdv-unused-skipped",
    message:
      "Some feature files do not parse, so unused step definitions (and operations no scenario covers) are not reported.",
  });
  return { stats, skippedChecks: ["unused-step-definition"] };
}

/** Stage 3: steps against the configured OpenAPI contracts, and breaking changes since the base. */
function contractStage(
  input: BdvInput,
  features: readonly ParsedFeature[],
  report: BdvReport,
): { coverage: readonly ContractCoverage[]; breakingChanges: number; skippedChecks: string[] } {
  const { config } = input;
  const headFiles = fileMap(input.head);
  const contracts = loadContracts(config, headFiles, report);
  const binder = new Binder(config.bindings ?? DEFAULT_BINDINGS);
  for (const problem of binder.problems) {
    report.notice({
      file: null,
      kind: "bdv-invalid-binding",
      message: `Binding expression "${problem.expression}" is invalid and was skipped: ${problem.message}`,
    });
  }
  const everyFeatureParsed = features.every((feature) => feature.errors.length === 0);
  const contractResult = checkContracts(features, contracts, binder, report, everyFeatureParsed);
  const configuredNames = config.contracts.map((contract) => contract.name);
  if (config.contracts.length > 0) {
    for (const feature of features) checkContractVersions(feature, contracts, configuredNames, report);
  }
  const breakingChanges = input.base
    ? checkAgainstBase(input.base, headFiles, contracts, contractResult, input.changedFiles ?? null, report)
    : 0;
  const skippedChecks = everyFeatureParsed || contracts.length === 0 ? [] : ["operation-not-covered"];
  return { coverage: contractResult.coverage, breakingChanges, skippedChecks };
}

function sortedFindings(report: BdvReport): Finding[] {
  return [...report.findings].sort(
    (a, b) =>
      compareText(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareText(a.type, b.type) ||
      compareText(a.message, b.message) ||
      compareText(a.id, b.id),
  );
}

export function runBdv(input: BdvInput): BdvResult {
  const report = new BdvReport();
  const { loaded, resolution } = stepStage(input, report);
  const { stats, skippedChecks } = checkStage(loaded, resolution, report);
  if (input.config.lint !== false) for (const feature of loaded.features) lintFeature(feature, report);
  const contracts = contractStage(input, loaded.features, report);
  const features = loaded.features;
  let executed: BdvExecuted | null = null;
  if (input.executed) {
    const view = staticView(fileMap(input.head), features, loaded.suites);
    executed = { summary: judgeExecuted(input.executed, view, report), fingerprints: view.fingerprints };
  }
  return {
    executed,
    findings: sortedFindings(report),
    notices: report.notices,
    skippedChecks: [...skippedChecks, ...contracts.skippedChecks],
    uncheckedFiles: [
      ...features.filter((feature) => feature.errors.length > 0).map((feature) => feature.path),
      ...new Set(loaded.problems.map((problem) => problem.file)),
    ],
    summary: {
      features: features.length,
      scenarios: features.reduce((count, feature) => count + feature.scenarioList.length, 0),
      pickles: features.reduce((count, feature) => count + feature.pickles.length, 0),
      steps: stats.pickleSteps,
      stepDefinitions: loaded.compiled.definitions.length,
      unresolvedStepDefinitions: loaded.compiled.definitions.filter(
        (definition) => definition.status === "unresolved",
      ).length,
      undefinedSteps: stats.undefinedSteps,
      ambiguousSteps: stats.ambiguousSteps,
      parseErrors: features.reduce((count, feature) => count + feature.errors.length, 0),
      breakingChanges: contracts.breakingChanges,
      coverage: contracts.coverage,
    },
  };
}

/** One pickle step as the BDV engine resolved it (for comparisons with the runners). */
export interface ExplainedStep {
  readonly runner: string;
  readonly suite: string;
  /** "" for cucumber-js, the base directory for behave, the test module for pytest-bdd. */
  readonly scope: string;
  readonly feature: string;
  /** The scenario's line, or the Examples row's line for an outline. */
  readonly pickleLine: number;
  readonly line: number;
  readonly text: string;
  readonly verdict: "bound" | "undefined" | "ambiguous";
  readonly definition: { readonly file: string; readonly line: number } | null;
}

export interface ExplainedSteps {
  readonly steps: readonly ExplainedStep[];
  /** Every readable definition some suite loads, with whether a step is bound to it. */
  readonly definitions: readonly { readonly file: string; readonly line: number; readonly used: boolean }[];
  readonly findings: readonly Finding[];
}

/** The per-step resolution behind runBdv, for scripts/accuracy/bdv-runners.ts. */
export function explainSteps(input: BdvInput): ExplainedSteps {
  const report = new BdvReport();
  const { loaded, resolution } = stepStage(input, report);
  checkStage(loaded, resolution, report);
  const steps = resolution.steps.map((resolved): ExplainedStep => {
    const row = resolved.pickle.astNodeIds[1]
      ? resolved.feature.rows.get(resolved.pickle.astNodeIds[1])
      : undefined;
    const scenario = resolved.feature.scenarios.get(resolved.pickle.astNodeIds[0] ?? "");
    const astStep = resolved.feature.steps.get(resolved.step.astNodeIds[0] ?? "");
    return {
      runner: resolved.suite.runner,
      suite: resolved.suite.name,
      scope: resolved.suite.scope,
      feature: resolved.feature.path,
      pickleLine: row?.location.line ?? scenario?.location.line ?? 0,
      line: astStep?.location.line ?? 0,
      text: resolved.step.text,
      verdict: resolved.verdict,
      definition: resolved.chosen ? { file: resolved.chosen.raw.file, line: resolved.chosen.raw.line } : null,
    };
  });
  const used = new Set(
    [...resolution.used].map((definition) => `${definition.raw.file}:${definition.raw.line}`),
  );
  const definitions = new Map<string, { file: string; line: number; used: boolean }>();
  for (const definition of resolution.loaded) {
    if (definition.status !== "ok") continue;
    const key = `${definition.raw.file}:${definition.raw.line}`;
    definitions.set(key, { file: definition.raw.file, line: definition.raw.line, used: used.has(key) });
  }
  return { steps, definitions: [...definitions.values()], findings: sortedFindings(report) };
}
