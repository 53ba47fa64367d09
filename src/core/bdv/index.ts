import { Minimatch } from "minimatch";
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
import { checkSteps } from "./checks/steps.ts";
import { checkContractVersions } from "./checks/versions.ts";
import { compileDefinitions } from "./expressions.ts";
import { type ParsedFeature, parseFeature } from "./gherkin.ts";
import { lintFeature } from "./lint.ts";
import { StepMatcher } from "./matching.ts";
import { loadSpec } from "./openapi.ts";
import { BdvReport } from "./report.ts";
import type { SnippetStyle } from "./snippets.ts";
import { decodeText } from "./source.ts";
import { readJavaScriptSteps } from "./steps/javascript.ts";
import type { StepFileResult, StepFramework } from "./steps/model.ts";
import { readPythonSteps } from "./steps/python.ts";

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
  readonly summary: BdvSummary;
}

const JAVASCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Compiles globs once; a snapshot can hold tens of thousands of paths. */
function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map((glob) => new Minimatch(glob, { dot: true }));
  return (path) => compiled.some((glob) => glob.match(path));
}

function readStepFile(file: SnapshotFile): StepFileResult | null {
  if (file.path.endsWith(".d.ts")) return null;
  const text = decodeText(file.content);
  if (JAVASCRIPT.test(file.path)) return readJavaScriptSteps(file.path, text);
  if (file.path.endsWith(".py")) return readPythonSteps(file.path, text);
  return null;
}

/** A reader crash must not take the whole stream down: the file is reported as unreadable instead. */
function safelyReadStepFile(file: SnapshotFile): StepFileResult | null {
  try {
    return readStepFile(file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      definitions: [],
      parameterTypes: [],
      parseTypes: [],
      problems: [{ file: file.path, line: 1, column: 1, message }],
    };
  }
}

function snippetStyle(files: readonly StepFileResult[]): SnippetStyle {
  const counts = new Map<StepFramework, number>();
  let arrows = 0;
  let javascript = 0;
  for (const file of files) {
    const framework = file.definitions[0]?.framework;
    if (!framework) continue;
    counts.set(framework, (counts.get(framework) ?? 0) + 1);
    if (framework === "cucumber-js") {
      javascript++;
      if (file.usesArrowFunctions) arrows++;
    }
  }
  let framework: StepFramework = "cucumber-js";
  let best = 0;
  for (const [candidate, count] of counts) {
    if (count > best) {
      framework = candidate;
      best = count;
    }
  }
  return { framework, arrowFunctions: javascript > 0 && arrows * 2 > javascript };
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

function parseFeatures(
  files: readonly SnapshotFile[],
  isFeature: (path: string) => boolean,
  report: BdvReport,
): ParsedFeature[] {
  const features: ParsedFeature[] = [];
  for (const file of files) {
    if (!isFeature(file.path)) continue;
    const feature = parseFeature(file.path, decodeText(file.content));
    features.push(feature);
    for (const error of feature.errors) {
      report.add({
        check: "gherkin-parse-error",
        severity: "error",
        file: file.path,
        line: error.line,
        column: error.column,
        target: null,
        subject: error.message,
        message: `Gherkin syntax error: ${error.message}`,
      });
    }
  }
  return features;
}

function readStepFiles(
  files: readonly SnapshotFile[],
  isStepFile: (path: string) => boolean,
  report: BdvReport,
): StepFileResult[] {
  const stepFiles: StepFileResult[] = [];
  for (const file of files) {
    if (!isStepFile(file.path)) continue;
    const result = safelyReadStepFile(file);
    if (!result) continue;
    stepFiles.push(result);
    for (const problem of result.problems) {
      report.notice({
        file: problem.file,
        line: problem.line,
        column: problem.column,
        kind: "bdv-step-file-syntax",
        message: `Step file could not be read completely (${problem.message}); some step definitions may be missing.`,
      });
    }
  }
  return stepFiles;
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

export function runBdv(input: BdvInput): BdvResult {
  const { config } = input;
  const report = new BdvReport();
  const headFiles = fileMap(input.head);
  const sorted = [...input.head.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const isFeature = globMatcher(config.features);
  const isStepFile = globMatcher(config.steps);
  const features = parseFeatures(sorted, isFeature, report);

  const stepFiles = readStepFiles(sorted, (path) => isStepFile(path) && !isFeature(path), report);
  const compiled = compileDefinitions(stepFiles);
  const matcher = new StepMatcher(compiled.definitions);
  const incomplete = [...new Set(stepFiles.flatMap((file) => file.problems.map((problem) => problem.file)))];
  const stats = checkSteps(features, compiled, matcher, snippetStyle(stepFiles), report, incomplete);
  if (features.some((feature) => feature.errors.length > 0)) {
    report.notice({
      file: null,
      kind: "bdv-unused-skipped",
      message: "Some feature files do not parse, so unused step definitions are not reported.",
    });
  }

  if (config.lint !== false) for (const feature of features) lintFeature(feature, report);

  const contracts = loadContracts(config, headFiles, report);
  const binder = new Binder(config.bindings ?? DEFAULT_BINDINGS);
  for (const problem of binder.problems) {
    report.notice({
      file: null,
      kind: "bdv-invalid-binding",
      message: `Binding expression "${problem.expression}" is invalid and was skipped: ${problem.message}`,
    });
  }
  const contractResult = checkContracts(features, contracts, binder, report);
  const configuredNames = config.contracts.map((contract) => contract.name);
  if (config.contracts.length > 0) {
    for (const feature of features) checkContractVersions(feature, contracts, configuredNames, report);
  }

  const breakingChanges = input.base
    ? checkAgainstBase(input.base, headFiles, contracts, contractResult, input.changedFiles ?? null, report)
    : 0;

  const findings = [...report.findings].sort(
    (a, b) =>
      compareText(a.file ?? "", b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareText(a.type, b.type) ||
      compareText(a.message, b.message) ||
      compareText(a.id, b.id),
  );
  return {
    findings,
    notices: report.notices,
    summary: {
      features: features.length,
      scenarios: features.reduce((count, feature) => count + feature.scenarioList.length, 0),
      pickles: features.reduce((count, feature) => count + feature.pickles.length, 0),
      steps: stats.pickleSteps,
      stepDefinitions: compiled.definitions.length,
      unresolvedStepDefinitions: compiled.definitions.filter(
        (definition) => definition.status === "unresolved",
      ).length,
      undefinedSteps: stats.undefinedSteps,
      ambiguousSteps: stats.ambiguousSteps,
      parseErrors: features.reduce((count, feature) => count + feature.errors.length, 0),
      breakingChanges,
      coverage: contractResult.coverage,
    },
  };
}
