import { CucumberExpressionGenerator, type ParameterTypeRegistry } from "@cucumber/cucumber-expressions";
import type { StepType } from "./matching.ts";
import type { StepFramework } from "./steps/model.ts";

/**
 * Ready-to-paste snippets for undefined steps, in the style of the project's step files:
 * cucumber-js (`function` or arrow handlers, like the existing definitions), behave or pytest-bdd.
 * Parameters come from CucumberExpressionGenerator, as cucumber-js itself does.
 */

export interface SnippetStyle {
  readonly framework: StepFramework;
  readonly arrowFunctions: boolean;
}

export type StepArgumentKind = "dataTable" | "docString" | null;

const KEYWORDS: Record<StepType, string> = {
  Context: "Given",
  Action: "When",
  Outcome: "Then",
  Unknown: "Given",
};
const PYTHON_NAMES: Record<string, string> = { int: "number", float: "value", string: "text", word: "word" };
const PARSE_TYPES: Record<string, string> = { int: ":d", float: ":g", word: ":S" };

interface Generated {
  readonly source: string;
  readonly parameterTypeNames: readonly string[];
  readonly parameterNames: readonly string[];
}

function generate(text: string, registry: ParameterTypeRegistry): Generated {
  const generator = new CucumberExpressionGenerator(() => registry.parameterTypes);
  let first: ReturnType<typeof generator.generateExpressions>[number] | undefined;
  try {
    [first] = generator.generateExpressions(text);
  } catch {
    // A custom parameter type whose regexp the generator cannot use: fall back to the literal text.
    first = undefined;
  }
  if (!first)
    return { source: text.replace(/[\\{}()/]/g, "\\$&"), parameterTypeNames: [], parameterNames: [] };
  return {
    source: first.source,
    parameterTypeNames: first.parameterTypes.map((type) => type.name ?? ""),
    parameterNames: first.parameterNames,
  };
}

export function snippetFor(
  text: string,
  stepType: StepType,
  argument: StepArgumentKind,
  registry: ParameterTypeRegistry,
  style: SnippetStyle,
): string {
  const generated = generate(text, registry);
  const keyword = KEYWORDS[stepType];
  if (style.framework === "cucumber-js")
    return javaScriptSnippet(keyword, generated, argument, style.arrowFunctions);
  return pythonSnippet(keyword, text, generated, style.framework);
}

function javaScriptSnippet(
  keyword: string,
  generated: Generated,
  argument: StepArgumentKind,
  arrow: boolean,
): string {
  const parameters = [...generated.parameterNames, ...(argument ? [argument] : [])].join(", ");
  const head = arrow ? `(${parameters}) => {` : `function (${parameters}) {`;
  return [
    `${keyword}(${JSON.stringify(generated.source)}, ${head}`,
    "  // Write code here that turns the phrase above into concrete actions",
    '  return "pending";',
    "});",
  ].join("\n");
}

/** Splits a generated Cucumber Expression into literal text and parameter slots. */
function expressionParts(source: string): (string | { readonly parameter: number })[] {
  const parts: (string | { readonly parameter: number })[] = [];
  let literal = "";
  let parameter = 0;
  for (let index = 0; index < source.length; index++) {
    const char = source[index] ?? "";
    if (char === "\\" && index + 1 < source.length) {
      literal += source[++index];
    } else if (char === "{") {
      const close = source.indexOf("}", index);
      parts.push(literal, { parameter: parameter++ });
      literal = "";
      index = close < 0 ? source.length : close;
    } else {
      literal += char;
    }
  }
  parts.push(literal);
  return parts;
}

function pythonSnippet(
  keyword: string,
  text: string,
  generated: Generated,
  framework: StepFramework,
): string {
  const counts = new Map<string, number>();
  const names: string[] = [];
  let format = "";
  for (const part of expressionParts(generated.source)) {
    if (typeof part === "string") {
      format += part.replace(/[{}]/g, "$&$&");
      continue;
    }
    const typeName = generated.parameterTypeNames[part.parameter] ?? "";
    const base = PYTHON_NAMES[typeName] ?? (typeName.replace(/\W/g, "_") || "value");
    const count = (counts.get(base) ?? 0) + 1;
    counts.set(base, count);
    const name = count === 1 ? base : `${base}${count}`;
    names.push(name);
    if (typeName === "string") {
      const quote = text.includes('"') ? '"' : "'";
      format += `${quote}{${name}}${quote}`;
    } else {
      format += `{${name}${PARSE_TYPES[typeName] ?? ""}}`;
    }
  }
  const decorator = keyword.toLowerCase();
  if (framework === "behave") {
    return [
      `@${decorator}(${JSON.stringify(format)})`,
      `def step_impl(${["context", ...names].join(", ")}):`,
      `    raise NotImplementedError(${JSON.stringify(`STEP: ${keyword} ${format}`)})`,
    ].join("\n");
  }
  const pattern = names.length > 0 ? `parsers.parse(${JSON.stringify(format)})` : JSON.stringify(text);
  return [`@${decorator}(${pattern})`, `def _(${names.join(", ")}):`, "    raise NotImplementedError"].join(
    "\n",
  );
}
