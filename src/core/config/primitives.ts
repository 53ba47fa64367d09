import { z } from "zod";
import { once } from "../once.ts";

/**
 * Schema pieces shared by the config schema and the rule descriptors (acc/rules/*), kept in
 * a leaf module so that neither imports the other at load time.
 */

export const severitySchema = once(() =>
  z
    .enum(["error", "blocking", "warning", "info"])
    .transform((value) => (value === "blocking" ? "error" : value)),
);

/** Rule ids appear in comment commands (`rule:ID`) and finding ids, so keep them token-like. */
export const ruleIdSchema = once(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a rule id is letters, digits, '.', '_' or '-' (no spaces)"),
);

/**
 * The ids of rules adopted from a peer's config (acc/adopt): `importlinter:<contract>` or
 * `depcruise:<rule>`. Users cannot write them (ruleIdSchema has no `:`), so they never clash
 * with a rule of the config; suppressions may name them.
 */
export const ADOPTED_RULE_PREFIXES = ["importlinter", "depcruise"] as const;
export type AdoptedRulePrefix = (typeof ADOPTED_RULE_PREFIXES)[number];

export const adoptedRuleIdSchema = once(() =>
  z
    .string()
    .regex(
      /^(importlinter|depcruise):[A-Za-z0-9][A-Za-z0-9._-]*$/,
      "an adopted rule id is importlinter:NAME or depcruise:NAME (letters, digits, '.', '_' or '-')",
    ),
);

export function isAdoptedRuleId(id: string): boolean {
  return adoptedRuleIdSchema().safeParse(id).success;
}

/** The fields every ACC rule has. */
export const ruleBase = once(() => ({
  id: ruleIdSchema(),
  severity: severitySchema().default("error"),
  description: z.string().optional(),
}));
