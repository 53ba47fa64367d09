import type { CompiledDefinition } from "./expressions.ts";

/**
 * Finds the step definitions matching a step text. cucumber-js ignores the keyword; behave and
 * pytest-bdd only match definitions of the step's keyword type (And/But inherit it, "*" and
 * `@step` match every type). Definitions are bucketed by their literal prefix so a step is
 * only tested against plausible candidates, and results are cached per text.
 */

/** Pickle step types as @cucumber/messages spells them. */
export type StepType = "Context" | "Action" | "Outcome" | "Unknown";

const KEYWORD_TYPES = new Map<string, StepType>([
  ["given", "Context"],
  ["when", "Action"],
  ["then", "Outcome"],
]);
/** Bucket key lengths, longest first: a definition sits in the longest level its literal prefix fills. */
const LEVELS = [32, 16, 8, 4];

export function keywordAccepts(definition: CompiledDefinition, stepType: StepType): boolean {
  const { framework, keyword } = definition.raw;
  if (framework === "cucumber-js" || keyword === "step" || stepType === "Unknown") return true;
  return KEYWORD_TYPES.get(keyword) === stepType;
}

const NO_MATCH: readonly CompiledDefinition[] = Object.freeze([]);

export class StepMatcher {
  private readonly levels = LEVELS.map((length) => ({
    length,
    buckets: new Map<string, CompiledDefinition[]>(),
  }));
  private readonly generic: CompiledDefinition[] = [];
  private readonly unresolved: CompiledDefinition[];
  private readonly longestPrefix: number;
  private readonly cache = new Map<StepType, Map<string, readonly CompiledDefinition[]>>();

  constructor(definitions: readonly CompiledDefinition[]) {
    for (const definition of definitions) {
      if (definition.status !== "ok") continue;
      const level = this.levels.find((candidate) => definition.prefix.length >= candidate.length);
      if (!level) {
        this.generic.push(definition);
        continue;
      }
      const key = definition.prefix.slice(0, level.length);
      const bucket = level.buckets.get(key);
      if (bucket) bucket.push(definition);
      else level.buckets.set(key, [definition]);
    }
    this.unresolved = definitions.filter((definition) => definition.status === "unresolved");
    this.longestPrefix = Math.max(
      LEVELS[0] ?? 0,
      ...definitions.map((definition) => definition.prefix.length),
    );
  }

  /** Every definition matching the text, in definition order. */
  match(text: string, stepType: StepType): readonly CompiledDefinition[] {
    let cache = this.cache.get(stepType);
    if (!cache) {
      cache = new Map();
      this.cache.set(stepType, cache);
    }
    const cached = cache.get(text);
    if (cached) return cached;
    // Only the head of the text is compared with literal prefixes.
    const head = text.slice(0, this.longestPrefix).toLowerCase();
    let matches: CompiledDefinition[] | null = null;
    for (const level of this.levels) {
      if (head.length < level.length) continue;
      const bucket = level.buckets.get(head.slice(0, level.length));
      if (bucket) matches = this.collect(bucket, text, head, stepType, matches);
    }
    matches = this.collect(this.generic, text, head, stepType, matches);
    if (matches && matches.length > 1) matches.sort((a, b) => a.id - b.id);
    const result = matches ?? NO_MATCH;
    cache.set(text, result);
    return result;
  }

  private collect(
    candidates: readonly CompiledDefinition[],
    text: string,
    head: string,
    stepType: StepType,
    matches: CompiledDefinition[] | null,
  ): CompiledDefinition[] | null {
    for (const definition of candidates) {
      if (
        !head.startsWith(definition.prefix) ||
        !keywordAccepts(definition, stepType) ||
        !definition.test(text)
      )
        continue;
      if (matches) matches.push(definition);
      else matches = [definition];
    }
    return matches;
  }

  /** Definitions that could not be resolved statically and might match a step of this type. */
  unresolvedFor(stepType: StepType): readonly CompiledDefinition[] {
    return this.unresolved.filter((definition) => keywordAccepts(definition, stepType));
  }
}
