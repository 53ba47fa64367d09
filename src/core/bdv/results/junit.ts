/**
 * JUnit XML (cucumber-js `junit`, behave `--junit`, pytest `--junitxml`, and any other runner).
 * JUnit names no feature file and carries no tags: a test case is (classname, name), and the
 * outline row is the part of the name after " -- @" (behave) or in "[…]" (pytest).
 */
import { XMLParser } from "fast-xml-parser";
import {
  boundedError,
  MAX_SCENARIOS_PER_REPORT,
  makeResult,
  type ReadResults,
  type ScenarioResult,
  type ScenarioStatus,
} from "./model.ts";

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped"].includes(name),
  processEntities: true,
  // Numeric character references (&#10;) as runners write them in messages; no DOCTYPE entities.
  htmlEntities: true,
  allowBooleanAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
});

function nodes(value: unknown): Node[] {
  return Array.isArray(value)
    ? (value.filter((item) => typeof item === "object" && item !== null) as Node[])
    : [];
}

function attr(node: Node, name: string): string | null {
  const value = node[`@${name}`];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

function bodyText(node: Node): string | null {
  const value = node["#text"];
  return typeof value === "string" ? value.trim() : null;
}

export function readJunit(file: string, xml: string): ReadResults {
  let document: Node;
  try {
    document = parser.parse(xml, true) as Node;
  } catch (error) {
    const message = (error as Error).message;
    return { results: [], problems: [`${file}: not well-formed XML (${message})`] };
  }
  const roots = nodes((document.testsuites as Node | undefined)?.testsuite ?? document.testsuite);
  const results: ScenarioResult[] = [];
  const problems: string[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const suite = stack.shift()!;
    stack.push(...nodes(suite.testsuite));
    for (const testcase of nodes(suite.testcase)) {
      if (results.length >= MAX_SCENARIOS_PER_REPORT) {
        problems.push(`${file}: more than ${MAX_SCENARIOS_PER_REPORT} test cases; the rest is not read`);
        return { results, problems };
      }
      results.push(resultOf(testcase, attr(suite, "name") ?? ""));
    }
  }
  if (roots.length === 0) problems.push(`${file}: no <testsuite> element`);
  return { results, problems };
}

/** Elements as parsed: an empty one (`<skipped/>`) is a string, one with attributes an object. */
function present(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

function resultOf(testcase: Node, suiteName: string): ScenarioResult {
  const failures = [...nodes(testcase.failure), ...nodes(testcase.error)];
  const failed = present(testcase.failure) + present(testcase.error) > 0;
  const status: ScenarioStatus = failed ? "failed" : present(testcase.skipped) > 0 ? "skipped" : "passed";
  const { name, example } = splitName(attr(testcase, "name") ?? "");
  const seconds = Number(attr(testcase, "time"));
  const failure = failures[0];
  return makeResult({
    feature: attr(testcase, "file") ?? attr(testcase, "classname") ?? suiteName,
    name,
    example,
    status,
    durationMs: Number.isFinite(seconds) ? seconds * 1000 : null,
    error: failed
      ? boundedError((failure && (attr(failure, "message") ?? bodyText(failure))) ?? "failed")
      : null,
    tags: [],
    retries: [],
  });
}

function splitName(raw: string): { name: string; example: string | null } {
  const trimmed = raw.trimEnd();
  const behave = /^(.*?) -- (@\d+\.\d+)(?: .*)?$/.exec(trimmed);
  if (behave) return { name: behave[1]!, example: behave[2]! };
  const cucumberJs = /^(.*?) - (#\d+\.\d+)$/.exec(trimmed);
  if (cucumberJs) return { name: cucumberJs[1]!, example: cucumberJs[2]! };
  const pytest = /^(.*?)\[(.+)\]$/.exec(trimmed);
  if (pytest) return { name: pytest[1]!, example: pytest[2]! };
  return { name: trimmed, example: null };
}
