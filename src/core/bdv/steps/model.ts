/** What the static step-definition readers produce: patterns as written, never executed. */

export type StepFramework = "cucumber-js" | "behave" | "pytest-bdd";

/** The keyword a definition was registered with; "step" matches every keyword. */
export type DefinitionKeyword = "given" | "when" | "then" | "step";

export type StepPattern =
  /** A Cucumber Expression (cucumber-js string pattern). */
  | { readonly kind: "cucumber-expression"; readonly source: string }
  /** A JavaScript regular expression literal, used unanchored as cucumber-js does. */
  | { readonly kind: "regexp"; readonly source: string; readonly flags: string }
  /** A Python `re` pattern: "full" (behave `re`, pytest-bdd `parsers.re`) or "start" (behave `re0`). */
  | { readonly kind: "python-regexp"; readonly source: string; readonly anchoring: "full" | "start" }
  /**
   * A `parse` / `cfparse` format string (behave's parse and cfparse matchers, pytest-bdd
   * `parsers.parse` / `cfparse`), with the custom types registered when it was defined
   * (name -> Python regex; null when the converter's pattern cannot be read statically).
   */
  | {
      readonly kind: "parse";
      readonly source: string;
      readonly cardinality: boolean;
      readonly caseSensitive: boolean;
      readonly types: ReadonlyMap<string, string | null>;
    }
  /** A pytest-bdd plain string: the step text must be equal. */
  | { readonly kind: "exact"; readonly source: string }
  /** Something that cannot be known without running the code (a variable, an f-string...). */
  | { readonly kind: "unresolved"; readonly source: string; readonly reason: string };

export interface RawStepDefinition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly framework: StepFramework;
  readonly keyword: DefinitionKeyword;
  readonly pattern: StepPattern;
  /** Registered through a wrapper with its own registration rules. */
  readonly origin?: "cucumber-tsflow";
}

/** A cucumber-js `defineParameterType` call; `regexps` is null when they are not literals. */
export interface RawParameterType {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly name: string;
  readonly regexps: readonly string[] | null;
  readonly useForSnippets: boolean;
  readonly preferForRegexpMatch: boolean;
}

export interface ReaderProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface StepFileResult {
  readonly definitions: readonly RawStepDefinition[];
  readonly parameterTypes: readonly RawParameterType[];
  /** Syntax problems that may have hidden definitions (reported as notices). */
  readonly problems: readonly ReaderProblem[];
  /** Style hints for snippets. */
  readonly usesArrowFunctions?: boolean;
}
