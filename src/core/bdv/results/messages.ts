/**
 * Cucumber Messages NDJSON (cucumber-js `--format message`, and the other runners that emit it):
 * one JSON envelope per line. A test case may be started more than once (`--retry`): every try is
 * kept, the last one is the scenario's result and the earlier ones its `retries`.
 */
import {
  boundedError,
  MAX_SCENARIOS_PER_REPORT,
  makeResult,
  type ReadResults,
  type ScenarioResult,
  type ScenarioStatus,
  scenarioStatus,
} from "./model.ts";

interface Row {
  readonly values: string;
}
interface Pickle {
  readonly uri: string;
  readonly name: string;
  readonly rowId: string | null;
  readonly tags: string[];
}
interface Try {
  readonly testCaseId: string;
  readonly attempt: number;
  readonly steps: { status: string; nanos: number; message: string | null }[];
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
}
function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Examples rows (id → cell values) of one GherkinDocument, Rules included. */
function collectRows(document: Json, rows: Map<string, Row>): void {
  const stack: unknown[] = [...list(object(document.feature)?.children)];
  while (stack.length > 0) {
    const child = object(stack.pop());
    if (!child) continue;
    const rule = object(child.rule);
    if (rule) stack.push(...list(rule.children));
    const scenario = object(child.scenario);
    for (const examples of list(scenario?.examples)) {
      for (const row of list(object(examples)?.tableBody)) {
        const entry = object(row);
        const id = text(entry?.id);
        if (!entry || !id) continue;
        const values = list(entry.cells).map((cell) => text(object(cell)?.value) ?? "");
        rows.set(id, { values: values.join(" | ") });
      }
    }
  }
}

function durationNanos(value: unknown): number {
  const duration = object(value);
  if (!duration) return 0;
  return Number(duration.seconds ?? 0) * 1e9 + Number(duration.nanos ?? 0);
}

class MessageState {
  readonly rows = new Map<string, Row>();
  readonly pickles = new Map<string, Pickle>();
  readonly testCases = new Map<string, string>(); // testCase id → pickle id
  readonly tries = new Map<string, Try>(); // testCaseStarted id → try
  readonly order: string[] = [];

  take(envelope: Json): void {
    const document = object(envelope.gherkinDocument);
    if (document) collectRows(document, this.rows);
    const pickle = object(envelope.pickle);
    if (pickle) this.takePickle(pickle);
    const testCase = object(envelope.testCase);
    if (testCase && text(testCase.id) && text(testCase.pickleId))
      this.testCases.set(text(testCase.id)!, text(testCase.pickleId)!);
    const started = object(envelope.testCaseStarted);
    if (started && text(started.id) && text(started.testCaseId)) {
      this.tries.set(text(started.id)!, {
        testCaseId: text(started.testCaseId)!,
        attempt: Number(started.attempt ?? 0),
        steps: [],
      });
      this.order.push(text(started.id)!);
    }
    const finished = object(envelope.testStepFinished);
    if (finished) {
      const attempt = this.tries.get(text(finished.testCaseStartedId) ?? "");
      const result = object(finished.testStepResult);
      if (attempt && result) {
        attempt.steps.push({
          status: text(result.status) ?? "UNKNOWN",
          nanos: durationNanos(result.duration),
          message: text(result.message),
        });
      }
    }
  }

  private takePickle(pickle: Json): void {
    const id = text(pickle.id);
    if (!id) return;
    const astNodeIds = list(pickle.astNodeIds).map(text);
    this.pickles.set(id, {
      uri: text(pickle.uri) ?? "",
      name: text(pickle.name) ?? "",
      rowId: astNodeIds[1] ?? null,
      tags: list(pickle.tags).flatMap((tag) => {
        const name = text(object(tag)?.name);
        return name ? [name] : [];
      }),
    });
  }
}

export function readMessages(file: string, ndjson: string): ReadResults {
  const state = new MessageState();
  const problems: string[] = [];
  const lines = ndjson.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let envelope: unknown;
    try {
      envelope = JSON.parse(line);
    } catch (error) {
      problems.push(`${file}:${index + 1}: not a JSON message (${(error as Error).message})`);
      continue;
    }
    const value = object(envelope);
    if (value) state.take(value);
    else problems.push(`${file}:${index + 1}: not a message object`);
  }
  return { results: resultsOf(state, file, problems), problems };
}

function resultsOf(state: MessageState, file: string, problems: string[]): ScenarioResult[] {
  // Tries grouped per test case, in the order they started.
  const byCase = new Map<string, Try[]>();
  for (const id of state.order) {
    const attempt = state.tries.get(id)!;
    const tries = byCase.get(attempt.testCaseId) ?? [];
    tries.push(attempt);
    byCase.set(attempt.testCaseId, tries);
  }
  const results: ScenarioResult[] = [];
  for (const [testCaseId, tries] of byCase) {
    const pickle = state.pickles.get(state.testCases.get(testCaseId) ?? "");
    if (!pickle) {
      problems.push(`${file}: test case ${testCaseId} names no pickle of the report; skipped`);
      continue;
    }
    if (results.length >= MAX_SCENARIOS_PER_REPORT) {
      problems.push(`${file}: more than ${MAX_SCENARIOS_PER_REPORT} scenarios; the rest is not read`);
      break;
    }
    tries.sort((a, b) => a.attempt - b.attempt);
    const last = tries[tries.length - 1]!;
    const status = statusOf(last);
    const failedStep = last.steps.find((step) => scenarioStatus([step.status]) === "failed");
    results.push(
      makeResult({
        feature: pickle.uri,
        name: pickle.name,
        example: pickle.rowId ? (state.rows.get(pickle.rowId)?.values ?? pickle.rowId) : null,
        status,
        durationMs: last.steps.reduce((sum, step) => sum + step.nanos, 0) / 1e6,
        error:
          status === "failed" ? boundedError(failedStep?.message ?? `a step is ${failedStep?.status}`) : null,
        tags: [...new Set(pickle.tags)],
        retries: tries.slice(0, -1).map(statusOf),
      }),
    );
  }
  return results;
}

function statusOf(attempt: Try): ScenarioStatus {
  return scenarioStatus(attempt.steps.map((step) => step.status));
}
