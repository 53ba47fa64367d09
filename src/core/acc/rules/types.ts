import type { Rule } from "../../config/schema.ts";

export type LayersRule = Extract<Rule, { type: "layers" }>;
export type CanCallRule = Extract<Rule, { type: "can-call" }>;
export type MustNotCallRule = Extract<Rule, { type: "must-not-call" }>;
export type NoCyclesRule = Extract<Rule, { type: "no-cycles" }>;
export type CouplingRule = Extract<Rule, { type: "coupling" }>;
