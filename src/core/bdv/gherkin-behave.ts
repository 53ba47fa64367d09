import { type Dialect, dialects } from "@cucumber/gherkin";

/**
 * behave's own Gherkin parser (behave/parser.py) accepts two things @cucumber/gherkin rejects:
 * `'''` doc strings (besides `"""`), and step keywords in any letter case (`and the tag "ham"`
 * continues the steps, `parse_step` compares lower-cased). Feature files a behave suite runs are
 * rewritten to standard Gherkin before parsing, keeping every line and column: a `'''` doc
 * string becomes a ``` one (a ``` line inside it is escaped), a step keyword takes the
 * dialect's spelling. Headers (Feature:, Scenario:...) are case-sensitive in behave too.
 */

const LANGUAGE = /^\s*#\s*language\s*:\s*([\w-]+)\s*$/;

function dialectOf(text: string): Dialect {
  for (const line of text.split("\n", 5)) {
    const match = LANGUAGE.exec(line);
    if (match) return dialects[match[1] ?? ""] ?? (dialects.en as Dialect);
    if (line.trim() !== "" && !line.trim().startsWith("#")) break;
  }
  return dialects.en as Dialect;
}

function startsWithHeader(trimmed: string, keywords: readonly string[]): boolean {
  return keywords.some((keyword) => trimmed.startsWith(`${keyword}:`));
}

/** The step keyword the line starts with in another letter case, or null. */
function caseFoldedKeyword(trimmed: string, keywords: readonly string[]): string | null {
  const lower = trimmed.toLowerCase();
  let best: string | null = null;
  for (const keyword of keywords) {
    if (trimmed.startsWith(keyword)) return null;
    if (lower.startsWith(keyword.toLowerCase()) && (!best || keyword.length > best.length)) best = keyword;
  }
  return best;
}

export function behaveToGherkin(text: string): string {
  const dialect = dialectOf(text);
  const stepKeywords = [...dialect.given, ...dialect.when, ...dialect.then, ...dialect.and, ...dialect.but];
  const stepBlocks = [...dialect.scenario, ...dialect.scenarioOutline, ...dialect.background];
  const otherBlocks = [...dialect.feature, ...dialect.rule, ...dialect.examples];
  const lines = text.split("\n");
  let open: string | null = null;
  let inSteps = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    const rewrite = (replacement: string) => {
      lines[index] = line.slice(0, indent) + replacement;
    };
    if (open !== null) {
      if (trimmed.startsWith(open)) {
        if (open === "'''") rewrite(`\`\`\`${trimmed.slice(3)}`);
        open = null;
      } else if (open === "'''" && trimmed.startsWith("```")) {
        rewrite(`\\\`\\\`\\\`${trimmed.slice(3)}`);
      }
      continue;
    }
    if (trimmed.startsWith("'''")) {
      rewrite(`\`\`\`${trimmed.slice(3)}`);
      open = "'''";
      continue;
    }
    if (trimmed.startsWith('"""') || trimmed.startsWith("```")) {
      open = trimmed.slice(0, 3);
      continue;
    }
    if (startsWithHeader(trimmed, stepBlocks)) inSteps = true;
    else if (startsWithHeader(trimmed, otherBlocks)) inSteps = false;
    else if (inSteps) {
      const keyword = caseFoldedKeyword(trimmed, stepKeywords);
      if (keyword) rewrite(keyword + trimmed.slice(keyword.length));
    }
  }
  return lines.join("\n");
}
