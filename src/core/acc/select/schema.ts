import { z } from "zod";
import { once } from "../../once.ts";
import { IMPORT_KINDS } from "../kinds.ts";

/**
 * Selectors: which files (or imported packages) a rule talks about, independent of the
 * component partition. Written as a string, a mapping, or a list of them (a union):
 *
 *   ui                          the component "ui" (bare names are components)
 *   component:ui                the same, explicitly
 *   glob:packages/{pkg}/src/**  a minimatch glob; `{name}` captures one path-segment part
 *   module:app.ui.**            a Python module expression (import-linter wildcards)
 *   regex:^src/([^/]+)/         a JavaScript regex tested against the path (dependency-cruiser)
 *   package:lodash              an external package (`*` wildcards: `package:@org/*`, `package:*`)
 *   unresolved:*                an import that resolves to nothing (glob on the specifier)
 *   { glob: "src/**", not: "glob:src/legacy/**" }   every key must match; `not` must not
 *   { package: "*", declared: [dev] }                 packages by how package.json / pyproject declares them
 */

export const PACKAGE_PREFIX = "package:";

export const SELECTOR_PREFIXES = ["component", "glob", "module", "regex", "package", "unresolved"] as const;

/** How the nearest manifest (package.json, pyproject.toml, requirements*.txt, setup.cfg) declares a package. */
export const DECLARED_CLASSES = [
  "production",
  "dev",
  "optional",
  "peer",
  "bundled",
  "undeclared",
  "no-manifest",
  "builtin",
  "duplicate",
] as const;
export type DeclaredClass = (typeof DECLARED_CLASSES)[number];

const oneOrMore = once(() => z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]));

export interface SelectorObject {
  readonly component?: string | readonly string[] | undefined;
  readonly glob?: string | readonly string[] | undefined;
  readonly module?: string | readonly string[] | undefined;
  readonly regex?: string | readonly string[] | undefined;
  readonly package?: string | readonly string[] | undefined;
  readonly declared?: readonly DeclaredClass[] | undefined;
  readonly unresolved?: string | readonly string[] | undefined;
  readonly not?: SelectorValue | undefined;
}

export type SelectorValue = string | SelectorObject | readonly (string | SelectorObject)[];

const selectorObjectSchema = once(
  (): z.ZodType<SelectorObject> =>
    z.lazy(() =>
      z.strictObject({
        component: oneOrMore().optional(),
        glob: oneOrMore().optional(),
        module: oneOrMore().optional(),
        regex: oneOrMore().optional(),
        package: oneOrMore().optional(),
        declared: z.array(z.enum(DECLARED_CLASSES)).min(1).optional(),
        unresolved: oneOrMore().optional(),
        not: selectorSchema().optional(),
      }),
    ),
);

export const selectorSchema = once(
  (): z.ZodType<SelectorValue> =>
    z.lazy(() =>
      z.union([
        z.string().min(1, "a selector must not be empty"),
        selectorObjectSchema(),
        z.array(z.union([z.string().min(1, "a selector must not be empty"), selectorObjectSchema()])).min(1),
      ]),
    ),
);

export const importKindSchema = once(() => z.enum(IMPORT_KINDS));

/** `{ from, to }`: imports from `from` files to `to` files or packages that a rule ignores (import-linter ignore_imports). */
export const exemptionSchema = once(() =>
  z.strictObject({
    from: selectorSchema(),
    to: selectorSchema(),
    /** Only imports written with a specifier matching one of these (`*` wildcards): `"#*"` for subpath imports. */
    specifier: oneOrMore().optional(),
    reason: z.string().optional(),
  }),
);

/**
 * What an exemption that matches no import becomes (import-linter's
 * unmatched_ignore_imports_alerting): a finding of that severity, a notice, or nothing.
 */
export const unmatchedAlertSchema = once(() => z.enum(["error", "warning", "info", "notice", "off"]));

/** `indirect`: false = direct imports only; true = chains that leave the rule's sets (import-linter); any = any path (dependency-cruiser `reachable`). */
export const indirectSchema = once(() => z.union([z.boolean(), z.literal("any")]));

/** Which imports a rule considers, by kind (kinds.ts). */
export const kindOptions = once(() => ({
  kinds: z.array(importKindSchema()).min(1).optional(),
  ignoreKinds: z.array(importKindSchema()).min(1).optional(),
}));

/** Options shared by the rules that judge imports. */
export const importRuleOptions = once(() => ({
  ...kindOptions(),
  exempt: z.array(exemptionSchema()).default([]),
  unmatchedExemptions: unmatchedAlertSchema().default("notice"),
  /** Module selectors include their descendants (import-linter as_packages). */
  asPackages: z.boolean().default(true),
}));

export type Exemption = z.output<ReturnType<typeof exemptionSchema>>;
export type UnmatchedAlert = z.output<ReturnType<typeof unmatchedAlertSchema>>;
export type Indirect = z.output<ReturnType<typeof indirectSchema>>;
