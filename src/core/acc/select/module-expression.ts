/**
 * Python module expressions as import-linter (grimp) writes them: dotted names where `*`
 * stands for one module name and `**` for one or more (`pkg.*`, `pkg.**.models`). A whole
 * name must be a wildcard (`pkg.foo*` is invalid), and `*`/`**` may not be adjacent to `**`.
 */
import { compileSafeRegex, type SafeRegex } from "../../regex/index.ts";

const EXPRESSION = /^(\w+|\*{1,2})(\.(\w+|\*{1,2}))*$/;

export function moduleExpressionProblem(expression: string): string | null {
  const problem = `module expression "${expression}" is not valid: write dotted names, with * for one name and ** for one or more`;
  if (!EXPRESSION.test(expression)) return problem;
  const parts = expression.split(".");
  for (let i = 1; i < parts.length; i++) {
    const pair = `${parts[i - 1]}.${parts[i]}`;
    if (pair === "*.**" || pair === "**.*" || pair === "**.**") return problem;
  }
  return null;
}

export function hasModuleWildcard(expression: string): boolean {
  return expression.includes("*");
}

/** A regex matching exactly the module names the expression stands for. */
export function moduleExpressionRegex(expression: string): Pick<SafeRegex, "test"> {
  const parts = expression.split(".").map((part) => {
    if (part === "*") return "[^.]+";
    if (part === "**") return "[^.]+(?:\\.[^.]+)*?";
    return part;
  });
  return compileSafeRegex(`^${parts.join("\\.")}$`);
}
