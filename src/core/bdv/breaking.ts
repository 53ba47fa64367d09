import { resolveRequest } from "./binding.ts";
import { type BoundStep, operationRef } from "./checks/contracts.ts";
import { parseVersion } from "./checks/versions.ts";
import type { JsonObject, JsonValue, LoadedSpec, SpecOperation } from "./openapi.ts";
import type { BdvReport } from "./report.ts";

/**
 * breaking-change: the spec at the base commit against the spec at head. Narrowing a request or
 * weakening a response breaks clients (oasdiff's rule of thumb):
 * removed operation, removed success (2xx) status, new required parameter, parameter became
 * required, request body became required, new required request property, request property became
 * required, request type changed or enum narrowed, response property removed or became optional.
 *
 * An error, unless the spec's major version was bumped or a .feature file whose steps bind to the
 * operation changed in the same change set — then it is reported as info, for the record.
 * Composition keywords (allOf/oneOf/anyOf) are not compared.
 */

export interface BreakingChange {
  readonly kind: string;
  readonly operation: SpecOperation;
  readonly detail: string;
  readonly message: string;
  readonly removal: boolean;
}

const MAX_DEPTH = 32;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typesOf(schema: JsonObject): Set<string> {
  const type = schema.type;
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((item): item is string => typeof item === "string"));
  return new Set();
}

function requiredOf(schema: JsonObject): Set<string> {
  return new Set(
    Array.isArray(schema.required)
      ? schema.required.filter((item): item is string => typeof item === "string")
      : [],
  );
}

function propertiesOf(schema: JsonObject): JsonObject {
  return isObject(schema.properties) ? schema.properties : {};
}

function label(at: string, name: string): string {
  return at === "" ? name : `${at}.${name}`;
}

class SchemaComparer {
  private readonly visited = new Set<string>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  private readonly base: LoadedSpec;
  private readonly head: LoadedSpec;
  private readonly emit: (kind: string, detail: string, message: string) => void;

  constructor(
    base: LoadedSpec,
    head: LoadedSpec,
    emit: (kind: string, detail: string, message: string) => void,
  ) {
    this.base = base;
    this.head = head;
    this.emit = emit;
  }

  private id(value: object): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
    }
    return id;
  }

  /** Resolves both sides and guards against cycles; null when there is nothing (more) to compare. */
  private pair(
    baseValue: JsonValue | undefined,
    headValue: JsonValue | undefined,
    mode: string,
    depth: number,
  ): [JsonObject, JsonObject] | null {
    if (depth > MAX_DEPTH) return null;
    const base = this.base.resolve(baseValue);
    const head = this.head.resolve(headValue);
    if (!isObject(base) || !isObject(head)) return null;
    const key = `${mode}:${this.id(base)}:${this.id(head)}`;
    if (this.visited.has(key)) return null;
    this.visited.add(key);
    return [base, head];
  }

  request(baseValue: JsonValue | undefined, headValue: JsonValue | undefined, at: string, depth = 0): void {
    const pair = this.pair(baseValue, headValue, "request", depth);
    if (!pair) return;
    const [base, head] = pair;
    const where = at === "" ? "the request body" : at;
    const baseTypes = typesOf(base);
    const headTypes = typesOf(head);
    const lost = [...baseTypes].filter(
      (type) => !headTypes.has(type) && !(type === "integer" && headTypes.has("number")),
    );
    if (baseTypes.size > 0 && headTypes.size > 0 && lost.length > 0) {
      this.emit(
        "request-type-changed",
        where,
        `type of ${where} changed from ${[...baseTypes].join("|")} to ${[...headTypes].join("|")}`,
      );
    }
    if (Array.isArray(head.enum)) {
      if (Array.isArray(base.enum)) {
        const kept = new Set(head.enum.map((value) => JSON.stringify(value)));
        const removed = base.enum.filter((value) => !kept.has(JSON.stringify(value)));
        if (removed.length > 0) {
          this.emit(
            "request-enum-narrowed",
            where,
            `${where} no longer accepts ${removed.map((value) => JSON.stringify(value)).join(", ")}`,
          );
        }
      } else {
        this.emit(
          "request-enum-narrowed",
          where,
          `${where} is now restricted to ${head.enum.map((value) => JSON.stringify(value)).join(", ")}`,
        );
      }
    }
    const baseProperties = propertiesOf(base);
    const headProperties = propertiesOf(head);
    const baseRequired = requiredOf(base);
    for (const name of requiredOf(head)) {
      const property = label(at, name);
      if (!(name in baseProperties)) {
        this.emit("new-required-request-property", property, `new required request property ${property}`);
      } else if (!baseRequired.has(name)) {
        this.emit(
          "request-property-became-required",
          property,
          `request property ${property} became required`,
        );
      }
    }
    for (const [name, schema] of Object.entries(headProperties)) {
      if (name in baseProperties) this.request(baseProperties[name], schema, label(at, name), depth + 1);
    }
    if (base.items !== undefined && head.items !== undefined)
      this.request(base.items, head.items, `${at}[]`, depth + 1);
  }

  response(baseValue: JsonValue | undefined, headValue: JsonValue | undefined, at: string, depth = 0): void {
    const pair = this.pair(baseValue, headValue, "response", depth);
    if (!pair) return;
    const [base, head] = pair;
    const baseProperties = propertiesOf(base);
    const headProperties = propertiesOf(head);
    const headRequired = requiredOf(head);
    const baseRequired = requiredOf(base);
    for (const [name, schema] of Object.entries(baseProperties)) {
      const property = label(at, name);
      if (!(name in headProperties)) {
        this.emit("response-property-removed", property, `response property ${property} was removed`);
        continue;
      }
      if (baseRequired.has(name) && !headRequired.has(name)) {
        this.emit(
          "response-property-became-optional",
          property,
          `response property ${property} became optional`,
        );
      }
      this.response(schema, headProperties[name], property, depth + 1);
    }
    if (base.items !== undefined && head.items !== undefined)
      this.response(base.items, head.items, `${at}[]`, depth + 1);
  }
}

function operationKey(operation: SpecOperation): string {
  return `${operation.method} ${operation.shape}`;
}

function isSuccess(status: string): boolean {
  return status.startsWith("2");
}

export function diffSpecs(base: LoadedSpec, head: LoadedSpec): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const headOperations = new Map(head.operations.map((operation) => [operationKey(operation), operation]));
  for (const baseOperation of base.operations) {
    const headOperation = headOperations.get(operationKey(baseOperation));
    if (!headOperation) {
      changes.push({
        kind: "removed-operation",
        operation: baseOperation,
        detail: "",
        message: `${baseOperation.key} was removed`,
        removal: true,
      });
      continue;
    }
    const emit = (kind: string, detail: string, message: string) =>
      changes.push({
        kind,
        operation: headOperation,
        detail,
        message: `${headOperation.key}: ${message}`,
        removal: false,
      });
    for (const status of baseOperation.responses.keys()) {
      if (!isSuccess(status) || headOperation.responses.has(status)) continue;
      if (status !== "2XX" && headOperation.responses.has("2XX")) continue;
      emit("removed-success-status", status, `success status ${status} was removed`);
    }
    const baseParameters = new Map(
      baseOperation.parameters.map((parameter) => [`${parameter.in}:${parameter.name}`, parameter]),
    );
    const comparer = new SchemaComparer(base, head, emit);
    for (const parameter of headOperation.parameters) {
      if (parameter.in === "path") continue;
      const key = `${parameter.in}:${parameter.name}`;
      const before = baseParameters.get(key);
      if (!before) {
        if (parameter.required)
          emit("new-required-parameter", key, `new required ${parameter.in} parameter "${parameter.name}"`);
        continue;
      }
      if (parameter.required && !before.required) {
        emit(
          "parameter-became-required",
          key,
          `${parameter.in} parameter "${parameter.name}" became required`,
        );
      }
      comparer.request(before.schema, parameter.schema, `${parameter.in} parameter "${parameter.name}"`);
    }
    const baseBody = baseOperation.requestBody;
    const headBody = headOperation.requestBody;
    if (headBody?.required && !baseBody?.required) {
      emit(
        "request-body-became-required",
        "body",
        baseBody ? "the request body became required" : "a required request body was added",
      );
    }
    if (baseBody && headBody) {
      for (const [mediaType, schema] of headBody.content) {
        if (baseBody.content.has(mediaType)) comparer.request(baseBody.content.get(mediaType), schema, "");
      }
    }
    for (const [status, baseResponse] of baseOperation.responses) {
      const headResponse = headOperation.responses.get(status);
      if (!isSuccess(status) || !headResponse) continue;
      for (const [mediaType, schema] of baseResponse.content) {
        if (headResponse.content.has(mediaType))
          comparer.response(schema, headResponse.content.get(mediaType), "");
      }
    }
  }
  return dedupe(changes);
}

function dedupe(changes: BreakingChange[]): BreakingChange[] {
  const seen = new Set<string>();
  return changes.filter((change) => {
    const key = `${change.kind}\u0000${change.operation.key}\u0000${change.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface BreakingCheckInput {
  readonly contract: string;
  readonly base: LoadedSpec;
  readonly head: LoadedSpec;
  readonly boundSteps: readonly BoundStep[];
  readonly featuresByOperation: ReadonlyMap<string, ReadonlySet<string>>;
  readonly changedFiles: ReadonlySet<string> | null;
}

export function checkBreakingChanges(input: BreakingCheckInput, report: BdvReport): number {
  const changes = diffSpecs(input.base, input.head);
  const baseVersion = input.base.version ? parseVersion(input.base.version) : null;
  const headVersion = input.head.version ? parseVersion(input.head.version) : null;
  const majorBumped = baseVersion !== null && headVersion !== null && headVersion.major > baseVersion.major;
  const steps = input.boundSteps.filter(
    (step) => step.contracts.length === 0 || step.contracts.includes(input.contract),
  );
  for (const change of changes) {
    const referencing = change.removal
      ? steps.filter((step) => {
          const resolution = resolveRequest(step.request, [input.base]);
          return resolution.found && resolution.operation === change.operation;
        })
      : [];
    const featureFiles = change.removal
      ? new Set(referencing.map((step) => step.feature))
      : (input.featuresByOperation.get(operationRef(input.contract, change.operation)) ?? new Set<string>());
    const changedFeature = [...featureFiles].find((file) => input.changedFiles?.has(file));
    const accepted = majorBumped
      ? `accepted: ${input.contract} major version bumped from ${input.base.version} to ${input.head.version}`
      : changedFeature
        ? `accepted: ${changedFeature}, which exercises this operation, changed too`
        : null;
    const first = referencing[0];
    const location = change.removal
      ? first
        ? { file: first.feature, line: first.line, column: first.column }
        : { file: input.head.file, line: 1, column: 1 }
      : {
          file: input.head.file,
          line: change.operation.position.line,
          column: change.operation.position.column,
        };
    report.add({
      check: "breaking-change",
      severity: accepted ? "info" : "error",
      ...location,
      target: change.operation.key,
      subject: `${input.contract} ${change.kind} ${operationKey(change.operation)} ${change.detail}`,
      message: `Breaking change in ${input.contract} (${input.head.file}): ${change.message}${accepted ? ` (${accepted}).` : "."}`,
      details: [
        `Check: ${change.kind}`,
        ...(referencing.length > 0
          ? [
              `Steps that use ${change.operation.key}:`,
              ...referencing.map((step) => `${step.feature}:${step.line} ${step.text}`),
            ]
          : []),
        accepted
          ? `Not blocking: ${accepted}.`
          : "Bump the major version of the contract or update the scenarios that use this operation.",
      ].join("\n"),
    });
  }
  return changes.length;
}
