import type { Pickle } from "@cucumber/messages";
import type { Binder, BoundRequest } from "../binding.ts";
import { resolveRequest } from "../binding.ts";
import type { ParsedFeature } from "../gherkin.ts";
import { type LoadedSpec, matchStatus, type SpecOperation } from "../openapi.ts";
import type { BdvReport } from "../report.ts";
import { scenarioSkeleton } from "../skeleton.ts";
import { nearest } from "../source.ts";
import { pickleStepLocation } from "./locations.ts";

/**
 * Contract checks: steps bound to operations of the configured specs — unknown-operation,
 * undeclared-status (the status applies to the operation of the previous request step of the
 * same scenario), operation-not-covered and the coverage figures.
 *
 * Severity choices: an undeclared status is an error (the scenario expects a response the
 * contract does not promise); a status matched only through `default` is a warning.
 */

export interface LoadedContract {
  readonly name: string;
  readonly spec: LoadedSpec;
}

export interface BoundStep {
  readonly feature: string;
  readonly line: number;
  readonly column: number;
  readonly text: string;
  readonly request: BoundRequest;
  /** Contract names the pickle's tags restrict it to (empty: any contract). */
  readonly contracts: readonly string[];
}

export interface ContractCoverage {
  readonly contract: string;
  readonly spec: string;
  readonly operations: number;
  readonly covered: number;
  readonly percent: number;
}

export interface ContractCheckResult {
  readonly boundSteps: readonly BoundStep[];
  /** "<contract>\u0000<operation key>" -> feature files whose steps bind to it. */
  readonly featuresByOperation: ReadonlyMap<string, ReadonlySet<string>>;
  readonly coverage: readonly ContractCoverage[];
}

export function operationRef(contract: string, operation: SpecOperation): string {
  return `${contract}\u0000${operation.key}`;
}

const CONTRACT_TAG = /^@contract:([^:]+)/;

export function contractNamesOfTags(tags: readonly { readonly name: string }[]): string[] {
  const names: string[] = [];
  for (const tag of tags) {
    const match = CONTRACT_TAG.exec(tag.name);
    if (match?.[1]) names.push(match[1]);
  }
  return names;
}

/** The contracts a pickle may bind to: the ones its tags name, else every contract. */
export function candidateContracts(
  contracts: readonly LoadedContract[],
  tagNames: readonly string[],
): readonly LoadedContract[] {
  const named = contracts.filter((contract) =>
    tagNames.some((name) => name === contract.name || name.toLowerCase() === contract.name.toLowerCase()),
  );
  return named.length > 0 ? named : contracts;
}

function describeRequest(request: BoundRequest): string {
  if (request.path !== null) return `${request.method ?? "ANY"} ${request.path}`;
  return `operationId "${request.operationId}"`;
}

function suggestion(request: BoundRequest, contracts: readonly LoadedContract[]): string | null {
  const operations = contracts.flatMap((contract) => contract.spec.operations);
  if (request.path === null) {
    return nearest(
      request.operationId ?? "",
      operations.flatMap((operation) => (operation.operationId ? [operation.operationId] : [])),
    );
  }
  const path = request.path;
  const sameMethod = operations.filter(
    (operation) => request.method === null || operation.method === request.method,
  );
  const pool = sameMethod.length > 0 ? sameMethod : operations;
  const byShape = new Map<string, SpecOperation>();
  for (const operation of pool) {
    const shape = fillTemplate(operation.path, path);
    if (!byShape.has(shape)) byShape.set(shape, operation);
  }
  const best = nearest(path, byShape.keys());
  return best === null ? null : (byShape.get(best)?.key ?? null);
}

/** The template with its parameters replaced by the concrete path's segments, for distance comparisons. */
function fillTemplate(template: string, concrete: string): string {
  const segments = concrete.split("/");
  return template
    .split("/")
    .map((segment, index) => (/^\{[^}]*\}$/.test(segment) ? (segments[index] ?? segment) : segment))
    .join("/");
}

function methodsOn(path: string, contracts: readonly LoadedContract[]): string[] {
  const methods = new Set<string>();
  for (const contract of contracts) {
    for (const operation of contract.spec.operations) {
      if (operation.path === path || operation.pathPattern.test(path)) methods.add(operation.method);
    }
  }
  return [...methods].sort();
}

/** What the contract stage accumulates over every pickle. */
class ContractState {
  readonly covered = new Set<string>();
  readonly featuresByOperation = new Map<string, Set<string>>();
  readonly boundSteps: BoundStep[] = [];

  cover(contract: LoadedContract, operation: SpecOperation, feature: string): void {
    const ref = operationRef(contract.name, operation);
    this.covered.add(ref);
    const files = this.featuresByOperation.get(ref) ?? new Set<string>();
    files.add(feature);
    this.featuresByOperation.set(ref, files);
  }
}

type Location = { readonly line: number; readonly column: number };
type Current = { readonly contract: LoadedContract; readonly operation: SpecOperation } | null;

/** A request step: the operation it names (recorded as covered), or an unknown-operation finding. */
function checkRequest(
  request: BoundRequest,
  text: string,
  where: { readonly feature: ParsedFeature; readonly location: Location },
  candidates: readonly LoadedContract[],
  state: ContractState,
  report: BdvReport,
): Current {
  const resolution = resolveRequest(
    request,
    candidates.map((contract) => contract.spec),
  );
  if (resolution.found) {
    const contract = candidates.find((candidate) => candidate.spec === resolution.spec) ?? candidates[0];
    if (!contract) return null;
    state.cover(contract, resolution.operation, where.feature.path);
    return { contract, operation: resolution.operation };
  }
  const hint = suggestion(request, candidates);
  const scope = candidates.map((contract) => contract.name).join(", ");
  const methods =
    resolution.reason === "method" && request.path !== null ? methodsOn(request.path, candidates) : [];
  const why =
    methods.length > 0
      ? `${request.path} exists but only for ${methods.join(", ")}`
      : `no such operation in ${scope}`;
  report.addOnce({
    check: "unknown-operation",
    severity: "error",
    file: where.feature.path,
    line: where.location.line,
    column: where.location.column,
    target: describeRequest(request),
    subject: describeRequest(request),
    message: `Step "${text}" uses ${describeRequest(request)}: ${why}.${hint ? ` Did you mean ${hint}?` : ""}`,
  });
  return null;
}

/** A status step: it applies to the operation of the scenario's previous request step. */
function checkStatus(
  status: string,
  current: NonNullable<Current>,
  where: { readonly feature: ParsedFeature; readonly location: Location },
  report: BdvReport,
): void {
  const how = matchStatus(current.operation, status);
  if (how === "exact" || how === "range") return;
  const declared = [...current.operation.responses.keys()].join(", ") || "none";
  report.addOnce({
    check: "undeclared-status",
    severity: how === "default" ? "warning" : "error",
    file: where.feature.path,
    line: where.location.line,
    column: where.location.column,
    target: `${current.operation.key} ${status}`,
    subject: `${current.contract.name} ${current.operation.key} ${status}`,
    message:
      how === "default"
        ? `Status ${status} of ${current.operation.key} (${current.contract.name}) is only covered by the "default" response.`
        : `Status ${status} is not declared for ${current.operation.key} in ${current.contract.name} (declared: ${declared}).`,
  });
}

/** The steps of one pickle, in order: requests bind operations, statuses are checked against the last one. */
function checkPickle(
  feature: ParsedFeature,
  pickle: Pickle,
  contracts: readonly LoadedContract[],
  binder: Binder,
  state: ContractState,
  report: BdvReport,
): void {
  const tagNames = contractNamesOfTags(pickle.tags);
  const candidates = candidateContracts(contracts, tagNames);
  let current: Current = null;
  for (const step of pickle.steps) {
    const binding = binder.bind(step.text);
    if (!binding.request && binding.status === null) continue;
    const location = pickleStepLocation(feature, step);
    if (!location) continue;
    const where = { feature, location };
    if (binding.request) {
      state.boundSteps.push({
        feature: feature.path,
        line: location.line,
        column: location.column,
        text: step.text,
        request: binding.request,
        contracts: tagNames,
      });
      current = checkRequest(binding.request, step.text, where, candidates, state, report);
    }
    if (binding.status !== null && current) checkStatus(binding.status, current, where, report);
  }
}

/** operation-not-covered for each operation no step uses, and the coverage figures. */
function coverageOf(
  contracts: readonly LoadedContract[],
  covered: ReadonlySet<string>,
  report: BdvReport | null,
): ContractCoverage[] {
  return contracts.map((contract) => {
    let count = 0;
    for (const operation of contract.spec.operations) {
      if (covered.has(operationRef(contract.name, operation))) {
        count++;
        continue;
      }
      report?.add({
        check: "operation-not-covered",
        severity: "info",
        file: contract.spec.file,
        line: operation.position.line,
        column: operation.position.column,
        target: operation.key,
        subject: `${contract.name} ${operation.key}`,
        message: `Operation ${operation.key}${operation.operationId ? ` (${operation.operationId})` : ""} of ${contract.name} is not exercised by any scenario.`,
        details: `A scenario to start from:\n\n${scenarioSkeleton(contract.name, contract.spec, operation)}`,
      });
    }
    const total = contract.spec.operations.length;
    return {
      contract: contract.name,
      spec: contract.spec.file,
      operations: total,
      covered: count,
      percent: total === 0 ? 100 : Math.round((count / total) * 1000) / 10,
    };
  });
}

export function checkContracts(
  features: readonly ParsedFeature[],
  contracts: readonly LoadedContract[],
  binder: Binder,
  report: BdvReport,
  /** False when a feature file does not parse: an operation it may use is not "not covered". */
  reportUncovered = true,
): ContractCheckResult {
  const state = new ContractState();
  if (contracts.length === 0) return { boundSteps: [], featuresByOperation: new Map(), coverage: [] };
  for (const feature of features) {
    for (const pickle of feature.pickles) checkPickle(feature, pickle, contracts, binder, state, report);
  }
  return {
    boundSteps: state.boundSteps,
    featuresByOperation: state.featuresByOperation,
    coverage: coverageOf(contracts, state.covered, reportUncovered ? report : null),
  };
}
