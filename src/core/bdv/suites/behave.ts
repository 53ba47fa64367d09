import type { CompiledDefinition } from "../expressions.ts";
import type { DefinitionKeyword, RawStepDefinition, StepPattern } from "../steps/model.ts";
import type { PyCall } from "../steps/python-module.ts";
import { type ModuleContext, type PythonProject, PythonSession } from "../steps/python-session.ts";
import { converterPattern, type PyValue } from "../steps/python-values.ts";

/**
 * One behave run, simulated statically (behave/runner.py `load_hooks`, runner_util.py
 * `load_step_modules`): environment.py first (a `use_step_matcher` there becomes the default for
 * every step module), then each `steps/*.py` in sorted order with fresh globals holding the
 * step decorators, the matcher reset to the default after each. Imported modules (step
 * libraries) run once, with whatever matcher is current when they are first imported;
 * `register_type` adds to one registry the whole run shares.
 */

type Matcher = "parse" | "cfparse" | "re" | "re0" | "cucumber-expressions" | { readonly other: string };

const KNOWN_MATCHERS = new Set(["parse", "cfparse", "re", "re0"]);

export interface BehaveRunInput {
  readonly environment: string | null;
  /** `steps/*.py` of the base directory, in behave's order. */
  readonly stepFiles: readonly string[];
}

/** What behave's exec_file puts in every step module's globals. */
function stepGlobals(): Map<string, PyValue> {
  const globals = new Map<string, PyValue>();
  const keywords: [string, DefinitionKeyword][] = [
    ["given", "given"],
    ["when", "when"],
    ["then", "then"],
    ["step", "step"],
  ];
  for (const [name, keyword] of keywords) {
    const value: PyValue = { kind: "builtin", builtin: { id: "step", framework: "behave", keyword } };
    globals.set(name, value);
    globals.set(name[0]?.toUpperCase() + name.slice(1), value);
  }
  globals.set("use_step_matcher", { kind: "builtin", builtin: { id: "use_step_matcher" } });
  globals.set("step_matcher", { kind: "builtin", builtin: { id: "use_step_matcher" } });
  return globals;
}

class BehaveState {
  matcher: Matcher = "parse";
  defaultMatcher: Matcher = "parse";
  readonly types = new Map<string, string | null>();
  readonly definitions: RawStepDefinition[] = [];

  pattern(value: PyValue, source: string): StepPattern {
    if (value.kind !== "string") {
      return {
        kind: "unresolved",
        source,
        reason: value.kind === "unknown" ? value.why : "the pattern is not a string literal",
      };
    }
    const text = value.value;
    const matcher = this.matcher;
    if (typeof matcher === "object") {
      return {
        kind: "unresolved",
        source: JSON.stringify(text),
        reason: `step matcher "${matcher.other}" is not evaluated statically`,
      };
    }
    switch (matcher) {
      case "re":
        if (text.startsWith("^") || text.endsWith("$"))
          return {
            kind: "unresolved",
            source: JSON.stringify(text),
            reason: 'behave\'s "re" matcher rejects ^ and $ markers',
          };
        return { kind: "python-regexp", source: text, anchoring: "full" };
      case "re0":
        return { kind: "python-regexp", source: text, anchoring: "start" };
      case "cucumber-expressions":
        return { kind: "cucumber-expression", source: text };
      default:
        return {
          kind: "parse",
          source: text,
          cardinality: matcher === "cfparse",
          caseSensitive: true,
          types: new Map(this.types),
        };
    }
  }

  useMatcher(value: PyValue | undefined): void {
    const name = value?.kind === "string" ? value.value : null;
    if (name !== null && KNOWN_MATCHERS.has(name)) this.matcher = name as Matcher;
    else this.matcher = { other: name ?? "(computed)" };
  }

  call(context: ModuleContext, call: PyCall, callee: PyValue): void {
    if (callee.kind !== "builtin" || !call.args) return;
    const args = call.args.map((arg) => ({ keyword: arg.keyword, value: context.evaluate(arg.tokens) }));
    switch (callee.builtin.id) {
      case "use_step_matcher":
        this.useMatcher(args[0]?.value);
        return;
      case "use_default_step_matcher":
        if (args[0]) {
          this.useMatcher(args[0].value);
          this.defaultMatcher = this.matcher;
        }
        this.matcher = this.defaultMatcher;
        return;
      case "use_step_matcher_for_cucumber_expressions":
        this.matcher = "cucumber-expressions";
        return;
      case "register_type":
        // parse and cfparse share one registry; other matchers keep their own.
        if (this.matcher === "parse" || this.matcher === "cfparse") {
          for (const { keyword, value } of args)
            if (keyword) this.types.set(keyword, converterPattern(value));
        }
        return;
    }
  }

  decorator(context: ModuleContext, decorator: PyCall, callee: PyValue): void {
    if (callee.kind !== "builtin" || callee.builtin.id !== "step" || callee.builtin.framework !== "behave")
      return;
    const argument = decorator.args?.find((arg) => arg.keyword === null || arg.keyword === "step_text");
    const value: PyValue = argument
      ? context.evaluate(argument.tokens)
      : { kind: "unknown", why: "no pattern" };
    const source = argument ? argument.tokens.map((token) => token.raw).join(" ") : "";
    this.definitions.push({
      file: context.file,
      line: decorator.line,
      column: decorator.column,
      framework: "behave",
      keyword: callee.builtin.keyword,
      pattern: this.pattern(value, source),
    });
  }
}

/** The definitions one behave run registers, in registration order. */
export function runBehave(project: PythonProject, input: BehaveRunInput): RawStepDefinition[] {
  const state = new BehaveState();
  const session = new PythonSession(project, {
    decorator: (context, decorator, callee) => state.decorator(context, decorator, callee),
    call: (context, call, callee) => state.call(context, call, callee),
  });
  if (input.environment) session.run(input.environment, new Map());
  state.defaultMatcher = state.matcher;
  for (const file of input.stepFiles) {
    session.run(file, stepGlobals());
    state.matcher = state.defaultMatcher;
  }
  return state.definitions;
}

export interface BehaveLoadProblem {
  readonly definition: CompiledDefinition;
  readonly existing: CompiledDefinition;
}

function patternText(definition: CompiledDefinition): string | null {
  const pattern = definition.raw.pattern;
  return pattern.kind === "unresolved" ? null : pattern.source;
}

/**
 * behave's StepRegistry.add_step_definition raises AmbiguousStep — and refuses to run — when an
 * already registered definition of the same step type matches the new one's pattern text.
 */
export function behaveLoadProblems(definitions: readonly CompiledDefinition[]): BehaveLoadProblem[] {
  const problems: BehaveLoadProblem[] = [];
  const byKeyword = new Map<DefinitionKeyword, CompiledDefinition[]>();
  let budget = MAX_REGISTRATION_TESTS;
  for (const definition of definitions) {
    const text = patternText(definition);
    const list = byKeyword.get(definition.raw.keyword) ?? [];
    byKeyword.set(definition.raw.keyword, list);
    if (definition.status !== "ok" || text === null) continue;
    const head = text.toLowerCase();
    const existing = list.find((other) => {
      if (patternText(other) === text) return true;
      // A definition only matches texts starting with its literal prefix.
      if (!head.startsWith(other.prefix) || budget <= 0) return false;
      budget--;
      return other.test(text);
    });
    if (existing) problems.push({ definition, existing });
    else list.push(definition);
  }
  return problems;
}

/** Pattern-against-pattern tests per behave run (a hostile repository could define thousands). */
const MAX_REGISTRATION_TESTS = 200_000;
