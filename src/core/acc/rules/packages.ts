import type { Language, ResolvedImport } from "../model.ts";
import { PACKAGE_PREFIX } from "../select/schema.ts";

/** The package names listed as `package:NAME` in a rule's `to`. */
export function listedPackages(to: readonly string[]): string[] {
  return to
    .filter((entry) => entry.startsWith(PACKAGE_PREFIX))
    .map((entry) => entry.slice(PACKAGE_PREFIX.length));
}

export function listedComponents(to: readonly string[]): string[] {
  return to.filter((entry) => !entry.startsWith(PACKAGE_PREFIX));
}

/**
 * Whether an external import is of package `name`: the package itself or a deep import
 * below it (`lodash` matches `lodash` and `lodash/fp`, never `lodash-es`). Both the
 * resolver's package name and the specifier are tried, so `package:@org/pkg/internal`
 * catches deep imports too. Python submodules use "." (`package:os` matches `os.path`).
 */
export function importsPackage(name: string, edge: ResolvedImport, language: Language | null): boolean {
  const separators = language === "python" ? ["/", "."] : ["/"];
  const test = (value: string | null): boolean =>
    value !== null && (value === name || separators.some((separator) => value.startsWith(name + separator)));
  return test(edge.external) || test(edge.specifier);
}
