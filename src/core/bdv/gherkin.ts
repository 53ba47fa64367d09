import {
  AstBuilder,
  compile,
  type Dialect,
  dialects,
  GherkinClassicTokenMatcher,
  GherkinInMarkdownTokenMatcher,
  Parser,
} from "@cucumber/gherkin";
import {
  type Background,
  type GherkinDocument,
  IdGenerator,
  type Pickle,
  type Scenario,
  type Step,
  type TableRow,
  type Tag,
} from "@cucumber/messages";
import { behaveToGherkin } from "./gherkin-behave.ts";

/** One parse error, as @cucumber/gherkin reports it, without the "(line:col): " prefix. */
export interface GherkinParseError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A tag as written in the AST, with the node it is attached to. */
export interface LocatedTag {
  readonly name: string;
  readonly line: number;
  readonly column: number;
}

/** A parsed .feature file: the AST, its pickles (what Cucumber runs) and indexes from AST ids. */
export interface ParsedFeature {
  readonly path: string;
  readonly document: GherkinDocument | null;
  readonly pickles: readonly Pickle[];
  readonly errors: readonly GherkinParseError[];
  readonly dialect: Dialect;
  readonly steps: ReadonlyMap<string, Step>;
  readonly rows: ReadonlyMap<string, TableRow>;
  readonly scenarios: ReadonlyMap<string, Scenario>;
  /** Every scenario of the file in source order (inside rules too). */
  readonly scenarioList: readonly Scenario[];
  readonly backgrounds: readonly Background[];
  /** Every tag of the feature, rules, scenarios and examples, read from the AST (comments never count). */
  readonly tags: readonly LocatedTag[];
}

const LOCATION_PREFIX = /^\(\d+:\d+\): /;

export function isMarkdownFeature(path: string): boolean {
  return path.endsWith(".md");
}

export interface ParseOptions {
  /** The file runs under behave: accept behave's dialect (gherkin-behave.ts). */
  readonly behave?: boolean;
}

/** Parses one feature file with a fresh parser, collecting every error instead of stopping at the first. */
export function parseFeature(path: string, source: string, options: ParseOptions = {}): ParsedFeature {
  const text = options.behave ? behaveToGherkin(source) : source;
  const newId = IdGenerator.incrementing();
  const matcher = isMarkdownFeature(path)
    ? new GherkinInMarkdownTokenMatcher()
    : new GherkinClassicTokenMatcher();
  const parser = new Parser(new AstBuilder(newId), matcher);
  parser.stopAtFirstError = false;
  let document: GherkinDocument | null = null;
  let pickles: readonly Pickle[] = [];
  const errors: GherkinParseError[] = [];
  try {
    document = { ...parser.parse(text), uri: path };
    pickles = compile(document, path, newId);
  } catch (error) {
    errors.push(...toParseErrors(error));
    document = null;
    pickles = [];
  }
  return indexFeature(path, document, pickles, errors);
}

function toParseErrors(error: unknown): GherkinParseError[] {
  const nested = (error as { errors?: unknown[] }).errors;
  const list = Array.isArray(nested) && nested.length > 0 ? nested : [error];
  return list.map((item) => {
    const located = item as { message?: unknown; location?: { line?: number; column?: number } };
    const message = typeof located.message === "string" ? located.message : String(item);
    return {
      line: located.location?.line ?? 1,
      column: located.location?.column ?? 1,
      message: message.replace(LOCATION_PREFIX, ""),
    };
  });
}

function indexFeature(
  path: string,
  document: GherkinDocument | null,
  pickles: readonly Pickle[],
  errors: GherkinParseError[],
): ParsedFeature {
  const steps = new Map<string, Step>();
  const rows = new Map<string, TableRow>();
  const scenarios = new Map<string, Scenario>();
  const scenarioList: Scenario[] = [];
  const backgrounds: Background[] = [];
  const tags: LocatedTag[] = [];
  const feature = document?.feature;
  const addTags = (list: readonly Tag[]) => {
    for (const tag of list)
      tags.push({ name: tag.name, line: tag.location.line, column: tag.location.column ?? 1 });
  };
  const addBackground = (background: Background) => {
    backgrounds.push(background);
    for (const step of background.steps) steps.set(step.id, step);
  };
  const addScenario = (scenario: Scenario) => {
    scenarios.set(scenario.id, scenario);
    scenarioList.push(scenario);
    addTags(scenario.tags);
    for (const step of scenario.steps) steps.set(step.id, step);
    for (const examples of scenario.examples) {
      addTags(examples.tags);
      for (const row of examples.tableBody) rows.set(row.id, row);
    }
  };
  if (feature) {
    addTags(feature.tags);
    for (const child of feature.children) {
      if (child.background) addBackground(child.background);
      if (child.scenario) addScenario(child.scenario);
      if (child.rule) {
        addTags(child.rule.tags);
        for (const ruleChild of child.rule.children) {
          if (ruleChild.background) addBackground(ruleChild.background);
          if (ruleChild.scenario) addScenario(ruleChild.scenario);
        }
      }
    }
  }
  const language = feature?.language ?? "en";
  const dialect = dialects[language] ?? dialects.en;
  if (!dialect) throw new Error("the Gherkin dialect table has no English entry");
  return {
    path,
    document,
    pickles,
    errors,
    dialect,
    steps,
    rows,
    scenarios,
    scenarioList,
    backgrounds,
    tags,
  };
}

/** Whether a scenario was written with one of the dialect's "Scenario Outline" keywords. */
export function isOutline(scenario: Scenario, dialect: Dialect): boolean {
  return dialect.scenarioOutline.includes(scenario.keyword) || scenario.examples.length > 0;
}
