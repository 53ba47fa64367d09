/**
 * Every ACC rule type, one descriptor each (descriptor.ts). The config schema's rule union,
 * semantic validation and evaluation all come from this table: a new rule type is one file
 * and one line here.
 */
import { z } from "zod";
import { once } from "../../once.ts";
import { acyclicSiblingsRule } from "./acyclic-siblings.ts";
import { allowedRule } from "./allowed.ts";
import { canCallRule } from "./can-call.ts";
import { couplingRule } from "./coupling.ts";
import { dependenciesRule } from "./dependencies.ts";
import type { BaseRule, RuleDescriptor } from "./descriptor.ts";
import { forbiddenRule } from "./forbidden.ts";
import { independenceRule } from "./independence.ts";
import { layersRule } from "./layers.ts";
import { mustNotCallRule } from "./must-not-call.ts";
import { noCyclesRule } from "./no-cycles.ts";
import { orphansRule } from "./orphans.ts";
import { protectedRule } from "./protected.ts";
import { requiredRule } from "./required.ts";
import { unreachableRule } from "./unreachable.ts";
import { unresolvableRule } from "./unresolvable.ts";

export const RULE_TYPES = [
  layersRule,
  canCallRule,
  mustNotCallRule,
  noCyclesRule,
  couplingRule,
  forbiddenRule,
  independenceRule,
  protectedRule,
  allowedRule,
  requiredRule,
  acyclicSiblingsRule,
  unresolvableRule,
  orphansRule,
  dependenciesRule,
  unreachableRule,
] as const;

type RuleOf<D> = D extends RuleDescriptor<infer R> ? R : never;

/** One ACC rule as the config schema returns it. */
export type AccRule = RuleOf<(typeof RULE_TYPES)[number]>;

/** The schema of one ACC rule: a union discriminated by `type` (every descriptor's schema is a strict object). */
export const ruleSchema = once(
  () =>
    z.discriminatedUnion(
      "type",
      RULE_TYPES.map((descriptor) => descriptor.schema()) as unknown as Parameters<
        typeof z.discriminatedUnion
      >[1],
    ) as unknown as z.ZodType<AccRule>,
);

const BY_TYPE = new Map<string, RuleDescriptor>(
  RULE_TYPES.map((descriptor) => [descriptor.type, descriptor as unknown as RuleDescriptor]),
);

/** The descriptor of a rule's type (rules come from the schema, so it exists). */
export function descriptorOf(rule: BaseRule): RuleDescriptor {
  const descriptor = BY_TYPE.get(rule.type);
  if (!descriptor) throw new Error(`unknown ACC rule type "${rule.type}"`);
  return descriptor;
}
