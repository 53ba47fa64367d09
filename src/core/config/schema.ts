import { z } from "zod";

/**
 * The schema of `.github/maestro-hive.yml` (docs/design.md, "Config"). Every object is strict:
 * an unknown key is a config error reported with its file and line, never ignored.
 * Semantic checks that need more than one field (unknown components, glob and regex
 * syntax) live in validate.ts.
 */

export const severitySchema = z
  .enum(["error", "blocking", "warning", "info"])
  .transform((value) => (value === "blocking" ? "error" : value));

const globList = z.array(z.string().min(1, "a glob must not be empty"));

/** Rule ids appear in comment commands (`rule:ID`) and finding ids, so keep them token-like. */
export const ruleIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a rule id is letters, digits, '.', '_' or '-' (no spaces)");

const ruleBase = {
  id: ruleIdSchema,
  severity: severitySchema.default("error"),
  description: z.string().optional(),
};

export const layersRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal("layers"),
  layers: z.array(z.string().min(1)).min(2, "a layers rule lists at least two components"),
});

export const canCallRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal("can-call"),
  from: z.string().min(1),
  to: z.array(z.string().min(1)),
});

export const mustNotCallRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal("must-not-call"),
  from: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
});

export const noCyclesRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal("no-cycles"),
  scope: z.enum(["file", "component"]).default("file"),
});

export const couplingRuleSchema = z.strictObject({
  ...ruleBase,
  type: z.literal("coupling"),
  /** Only files (or, with scope component, only this component) are measured; all when absent. */
  from: z.string().min(1).optional(),
  metric: z.enum(["fan-in", "fan-out", "total"]).default("total"),
  scope: z.enum(["file", "component"]).default("file"),
  max: z.number().int().nonnegative(),
});

export const ruleSchema = z.discriminatedUnion("type", [
  layersRuleSchema,
  canCallRuleSchema,
  mustNotCallRuleSchema,
  noCyclesRuleSchema,
  couplingRuleSchema,
]);

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
  components: z.record(z.string().min(1), globList.min(1, "a component needs at least one glob")).default({}),
  rules: z.array(ruleSchema).default([]),
  suppressions: z.array(configSuppressionSchema).default([]),
});

export const contractSchema = z.strictObject({
  name: z.string().min(1),
  spec: z.string().min(1),
});

export const bdvSchema = z.strictObject({
  features: globList.default(["features/**/*.feature"]),
  steps: globList.default(["features/**/*.{ts,js,mjs,cjs,py}"]),
  contracts: z.array(contractSchema).default([]),
  /** Cucumber Expressions binding step text to operations, with {method} {path} {status} {operationId}. */
  bindings: z.array(z.string().min(1)).optional(),
  /** BDV lint warnings (duplicate scenario names, empty feature, outline without examples, scenario without steps); on unless false. */
  lint: z.boolean().optional(),
  suppressions: z.array(configSuppressionSchema).default([]),
});

export const ddeExpectSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    when: z.union([z.string().min(1), globList.min(1)]),
    changed: z.union([z.string().min(1), globList.min(1)]).optional(),
    exists: z.union([z.string().min(1), globList.min(1)]).optional(),
    message: z.string().min(1).optional(),
    severity: severitySchema.default("error"),
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
export type Rule = z.output<typeof ruleSchema>;
export type ConfigSuppression = z.output<typeof configSuppressionSchema>;
