import { z } from "zod";
import { type AccRule, ruleSchema } from "../acc/rules/table.ts";
import { severitySchema } from "./primitives.ts";

/**
 * The schema of `.github/maestro-hive.yml` (docs/design.md, "Config"). Every object is strict:
 * an unknown key is a config error reported with its file and line, never ignored.
 * Semantic checks that need more than one field (unknown components, glob and regex
 * syntax) live in validate.ts.
 */

export { ruleIdSchema, severitySchema } from "./primitives.ts";

const globList = z.array(z.string().min(1, "a glob must not be empty"));

/** The ACC rule schema comes from the rule descriptors (acc/rules/table.ts): one per rule type. */
export { ruleSchema };

export const suppressionLevelSchema = z.enum(["violation", "file", "directory", "rule"]);
export const patternTypeSchema = z.enum(["exact", "glob", "regex"]);

/** A suppression as written in the config file (`source: config`). */
export const configSuppressionSchema = z.strictObject({
  id: z.string().min(1, "a suppression needs an id"),
  level: suppressionLevelSchema,
  pattern: z.string().min(1, "a suppression needs a pattern"),
  patternType: patternTypeSchema.default("glob"),
  rule: z.string().min(1).optional(),
  threshold: z.number().nonnegative().optional(),
  expires: z.union([z.string(), z.date()]).optional(),
  permanent: z.boolean().default(false),
  justification: z.string().trim().min(1, "a suppression needs a justification"),
  author: z.string().optional(),
  ticket: z.string().optional(),
  adr: z.string().optional(),
});

export const accSchema = z.strictObject({
  include: globList.optional(),
  exclude: globList.default([]),
  /** Also exclude node_modules, .git, dist, build, … (see DEFAULT_EXCLUDES in acc/path-filter.ts). */
  defaultExcludes: z.boolean().default(true),
  /** Enforce the import-linter / dependency-cruiser contracts the repository already declares (issue 12). */
  adopt: z.union([z.literal("auto"), z.literal(false)]).default("auto"),
  components: z.record(z.string().min(1), globList.min(1, "a component needs at least one glob")).default({}),
  rules: z.array(ruleSchema()).default([]),
  suppressions: z.array(configSuppressionSchema).default([]),
});

export const contractSchema = z.strictObject({
  name: z.string().min(1),
  spec: z.string().min(1),
});

export const bdvSchema = z.strictObject({
  // Unset: the cucumber-js config's default profile `paths`, else "features/**/*.{feature,feature.md}".
  features: globList.optional(),
  // Unset: the cucumber-js config's `require` + `import`, else "features/**/*.{ts,js,mjs,cjs,py}".
  steps: globList.optional(),
  contracts: z.array(contractSchema).default([]),
  /** Cucumber Expressions binding step text to operations, with {method} {path} {status} {operationId}. */
  bindings: z.array(z.string().min(1)).optional(),
  /** BDV lint warnings (duplicate scenario names, empty feature, outline without examples, scenario without steps); on unless false. */
  lint: z.boolean().optional(),
  suppressions: z.array(configSuppressionSchema).default([]),
  /** CI artifacts holding scenario results, read on workflow_run completed (BDV on executed behaviour). */
  results: z
    .array(
      z.strictObject({
        artifact: z.string().min(1).max(256),
        format: z.enum(["messages", "cucumber-json", "junit"]),
      }),
    )
    .max(10)
    .default([]),
  /** How long a configured result source has to report after a commit's first analysis (e.g. 30m, 2h). */
  resultsTimeout: z
    .string()
    .regex(/^\d{1,5}\s*(m|h|d)$/, "a duration such as 30m, 2h or 1d")
    .default("30m"),
});

export const ddeExpectSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    when: z.union([z.string().min(1), globList.min(1)]),
    changed: z.union([z.string().min(1), globList.min(1)]).optional(),
    exists: z.union([z.string().min(1), globList.min(1)]).optional(),
    message: z.string().min(1).optional(),
    severity: severitySchema().default("error"),
  })
  .refine((rule) => rule.changed !== undefined || rule.exists !== undefined, {
    message: "an expect rule needs `changed` or `exists`",
  });

export const ddeSchema = z.strictObject({
  expect: z.array(ddeExpectSchema).default([]),
  requiredChecks: z.array(z.string().min(1)).default([]),
  suppressions: z.array(configSuppressionSchema).default([]),
});

export const gateSchema = z.strictObject({
  streams: z.array(z.enum(["acc", "bdv", "dde"])).default(["acc", "bdv", "dde"]),
  overrideRoles: z.array(z.enum(["admin", "maintain", "write"])).default(["admin"]),
  commandRoles: z.array(z.enum(["admin", "maintain", "write"])).default(["admin", "maintain", "write"]),
});

export const aiSchema = z.strictObject({
  explain: z.boolean().default(false),
  model: z.string().min(1).optional(),
  maxExplanations: z.number().int().min(0).max(50).default(5),
});

export const configSchema = z.strictObject({
  /** Probot's org-wide config inheritance; resolved by Probot before the engine sees the config. */
  _extends: z.string().min(1).optional(),
  acc: accSchema.optional(),
  bdv: bdvSchema.optional(),
  dde: ddeSchema.optional(),
  gate: gateSchema.default({
    streams: ["acc", "bdv", "dde"],
    overrideRoles: ["admin"],
    commandRoles: ["admin", "maintain", "write"],
  }),
  ai: aiSchema.default({ explain: false, maxExplanations: 5 }),
});

export type MaestroConfig = z.output<typeof configSchema>;
export type AccConfig = z.output<typeof accSchema>;
export type BdvConfig = z.output<typeof bdvSchema>;
export type DdeConfig = z.output<typeof ddeSchema>;
export type Rule = AccRule;
export type ConfigSuppression = z.output<typeof configSuppressionSchema>;
