import type { Binder, BoundRequest } from "../binding.ts";
import { resolveRequest } from "../binding.ts";
import type { ParsedFeature } from "../gherkin.ts";
import { type LoadedSpec, matchStatus, type SpecOperation } from "../openapi.ts";
import type { BdvReport } from "../report.ts";
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

export function checkContracts(
  features: readonly ParsedFeature[],
  contracts: readonly LoadedContract[],
  binder: Binder,
  report: BdvReport,
): ContractCheckResult {
  const covered = new Set<string>();
  const featuresByOperation = new Map<string, Set<string>>();
  const boundSteps: BoundStep[] = [];
  if (contracts.length === 0) return { boundSteps, featuresByOperation, coverage: [] };
  for (const feature of features) {
    for (const pickle of feature.pickles) {
      const tagNames = contractNamesOfTags(pickle.tags);
      const candidates = candidateContracts(contracts, tagNames);
      let current: { contract: LoadedContract; operation: SpecOperation } | null = null;
      for (const step of pickle.steps) {
        const binding = binder.bind(step.text);
        if (!binding.request && binding.status === null) continue;
        const location = pickleStepLocation(feature, step);
        if (!location) continue;
        if (binding.request) {
          boundSteps.push({
            feature: feature.path,
            line: location.line,
            column: location.column,
            text: step.text,
            request: binding.request,
            contracts: tagNames,
          });
          const resolution = resolveRequest(
            binding.request,
            candidates.map((contract) => contract.spec),
          );
          if (resolution.found) {
            const contract =
              candidates.find((candidate) => candidate.spec === resolution.spec) ?? candidates[0];
            if (!contract) continue;
            current = { contract, operation: resolution.operation };
            const ref = operationRef(contract.name, resolution.operation);
            covered.add(ref);
            const files = featuresByOperation.get(ref) ?? new Set<string>();
            files.add(feature.path);
            featuresByOperation.set(ref, files);
          } else {
            current = null;
            const request = binding.request;
            const hint = suggestion(request, candidates);
            const scope = candidates.map((contract) => contract.name).join(", ");
            const methods =
              resolution.reason === "method" && request.path !== null
                ? methodsOn(request.path, candidates)
                : [];
            const why =
              methods.length > 0
                ? `${request.path} exists but only for ${methods.join(", ")}`
                : `no such operation in ${scope}`;
            report.addOnce({
              check: "unknown-operation",
              severity: "error",
              file: feature.path,
              line: location.line,
              column: location.column,
              target: describeRequest(request),
              subject: describeRequest(request),
              message: `Step "${step.text}" uses ${describeRequest(request)}: ${why}.${hint ? ` Did you mean ${hint}?` : ""}`,
            });
          }
        }
        if (binding.status !== null && current) {
          const how = matchStatus(current.operation, binding.status);
          if (how === "exact" || how === "range") continue;
          const declared = [...current.operation.responses.keys()].join(", ") || "none";
          report.addOnce({
            check: "undeclared-status",
            severity: how === "default" ? "warning" : "error",
            file: feature.path,
            line: location.line,
            column: location.column,
            target: `${current.operation.key} ${binding.status}`,
            subject: `${current.contract.name} ${current.operation.key} ${binding.status}`,
            message:
              how === "default"
                ? `Status ${binding.status} of ${current.operation.key} (${current.contract.name}) is only covered by the "default" response.`
                : `Status ${binding.status} is not declared for ${current.operation.key} in ${current.contract.name} (declared: ${declared}).`,
          });
        }
      }
    }
  }
  const coverage: ContractCoverage[] = [];
  for (const contract of contracts) {
    let count = 0;
    for (const operation of contract.spec.operations) {
      if (covered.has(operationRef(contract.name, operation))) {
        count++;
        continue;
      }
      report.add({
        check: "operation-not-covered",
        severity: "info",
        file: contract.spec.file,
        line: operation.position.line,
        column: operation.position.column,
        target: operation.key,
        subject: `${contract.name} ${operation.key}`,
        message: `Operation ${operation.key}${operation.operationId ? ` (${operation.operationId})` : ""} of ${contract.name} is not exercised by any scenario.`,
      });
    }
    const total = contract.spec.operations.length;
    coverage.push({
      contract: contract.name,
      spec: contract.spec.file,
      operations: total,
      covered: count,
      percent: total === 0 ? 100 : Math.round((count / total) * 1000) / 10,
    });
  }
  return { boundSteps, featuresByOperation, coverage };
}
