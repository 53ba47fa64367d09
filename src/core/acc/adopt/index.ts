/**
 * Adoption of the peers' architecture configs (`acc.adopt: auto`, the default): the contracts a
 * repository already declares for import-linter or dependency-cruiser are translated into ACC
 * rules (docs/acc-rule-language.md) and enforced like the rules of `.github/maestro-hive.yml`.
 *
 * An adopter reads the policy commit's files and returns drafts — rule objects in the config's
 * rule language, without `id` — plus notices for what it cannot express. This module gives each
 * draft its id (`importlinter:<contract>`, `depcruise:<rule>`), parses it with the rule schema
 * and the descriptor's semantic checks; a draft that fails them becomes a notice naming the
 * contract, never a silently missing rule. Pure: the files come in as a PolicyFiles.
 */

import { type AdoptedRulePrefix, adoptedRuleIdSchema } from "../../config/primitives.ts";
import type { AccConfig } from "../../config/schema.ts";
import type { Notice } from "../../findings.ts";
import type { Snapshot } from "../../snapshot.ts";
import { type AccRule, descriptorOf, ruleSchema } from "../rules/table.ts";
import {
  ADOPT_NOTICE,
  type Adopter,
  type AdopterResult,
  type PolicyFiles,
  type RuleDraft,
} from "./adopter.ts";
import { dependencyCruiserAdopter } from "./dependency-cruiser.ts";
import { importLinterAdopter } from "./import-linter.ts";

export {
  ADOPT_NOTICE,
  type Adopter,
  type AdopterResult,
  type PolicyFiles,
  type RuleDraft,
} from "./adopter.ts";

/** Every adopter; a new peer is one line here. */
export const ADOPTERS: readonly Adopter[] = [importLinterAdopter, dependencyCruiserAdopter];

/** What adoption adds to the config: parsed rules with their ids, and notices. */
export interface Adopted {
  readonly rules: AccRule[];
  readonly notices: Notice[];
}

/** More adopted rules than this from one repository is not a real config: the rest are left out with a notice. */
export const MAX_ADOPTED_RULES = 1000;

/** The config with the adopted rules appended (unchanged with `adopt: false`), and adoption's notices. */
export async function withAdoptedRules(
  acc: AccConfig,
  files: PolicyFiles,
  adopters: readonly Adopter[] = ADOPTERS,
): Promise<{ config: AccConfig; notices: Notice[] }> {
  if (acc.adopt === false) return { config: acc, notices: [] };
  const adopted = await adoptPeerRules(files, adopters, new Set(Object.keys(acc.components)));
  if (adopted.rules.length === 0) return { config: acc, notices: adopted.notices };
  return { config: { ...acc, rules: [...acc.rules, ...adopted.rules] }, notices: adopted.notices };
}

/**
 * The texts an adoption reads, so that it can be replayed where the reader cannot go (the
 * analysis child process): `policyFilesFrom(texts)` then answers the same reads the same way.
 */
export async function recordPolicyReads(acc: AccConfig, files: PolicyFiles): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  await withAdoptedRules(acc, {
    async read(path) {
      const text = await files.read(path);
      if (text !== null) texts[path] = text;
      return text;
    },
  });
  return texts;
}

export async function adoptPeerRules(
  files: PolicyFiles,
  adopters: readonly Adopter[] = ADOPTERS,
  components: ReadonlySet<string> = new Set(),
): Promise<Adopted> {
  const rules: AccRule[] = [];
  const notices: Notice[] = [];
  const taken = new Set<string>();
  for (const adopter of adopters) {
    let result: AdopterResult;
    try {
      result = await adopter.adopt(files);
    } catch (error) {
      // An adopter bug must not lose the analysis: say what was not enforced.
      notices.push({
        file: null,
        kind: ADOPT_NOTICE.invalid,
        message: `${adopter.tool} contracts were not adopted: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    notices.push(...result.notices);
    const ids: string[] = [];
    for (const draft of result.rules) {
      if (rules.length >= MAX_ADOPTED_RULES) {
        notices.push({
          file: draft.file,
          line: draft.line,
          kind: ADOPT_NOTICE.invalid,
          message: `more than ${MAX_ADOPTED_RULES} adopted rules: ${adopter.tool} "${draft.name}" and the rest are not enforced`,
        });
        break;
      }
      const id = uniqueId(adopter.prefix, draft.name, taken);
      const built = buildRule(draft, id, components);
      if (typeof built === "string") {
        notices.push({
          file: draft.file,
          line: draft.line,
          kind: ADOPT_NOTICE.invalid,
          message: `${adopter.tool} "${draft.name}" is not enforced: ${built}`,
        });
        continue;
      }
      rules.push(built);
      ids.push(id);
    }
    if (ids.length > 0) {
      const sources = [...new Set(result.rules.map((draft) => draft.file))].join(", ");
      notices.push({
        file: sources.includes(",") ? null : (result.rules[0]?.file ?? null),
        kind: ADOPT_NOTICE.adopted,
        message: `enforcing ${ids.length} ${adopter.tool} rule${ids.length === 1 ? "" : "s"} from ${sources} (acc.adopt: auto; false turns this off): ${ids.join(", ")}`,
      });
    }
  }
  return { rules, notices };
}

/** The rule id `<prefix>:<name>`, with the name made token-like and a suffix on a clash. */
export function adoptedRuleId(prefix: AdoptedRulePrefix, name: string): string {
  const token = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/-+$/, "");
  return `${prefix}:${token === "" ? "rule" : token}`;
}

function uniqueId(prefix: AdoptedRulePrefix, name: string, taken: Set<string>): string {
  const base = adoptedRuleId(prefix, name);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** The draft as a rule (schema defaults applied, semantic checks passed), or why it is not one. */
function buildRule(draft: RuleDraft, id: string, components: ReadonlySet<string>): AccRule | string {
  if (!adoptedRuleIdSchema().safeParse(id).success) return `"${id}" is not a valid rule id`;
  // The schema's id is the users' (no ":"): parse with a placeholder, then set the adopted id.
  const parsed = ruleSchema().safeParse({ ...draft.rule, id: "adopted" });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join(".")})` : "";
    return `${issue?.message ?? "invalid rule"}${where}`;
  }
  const rule = { ...parsed.data, id } as AccRule;
  const issues = descriptorOf(rule).validate(rule, [], { components });
  if (issues.length > 0) {
    const issue = issues[0]!;
    const where = issue.path.length > 0 ? ` (${issue.path.join(".")})` : "";
    return `${issue.message}${where}`;
  }
  return rule;
}

/** A snapshot's files as policy files (decoded as UTF-8 when read). */
export function policyFilesOf(snapshot: Snapshot): PolicyFiles {
  const byPath = new Map(snapshot.files.map((file) => [file.path, file]));
  const decoder = new TextDecoder("utf-8");
  return {
    read(path) {
      const file = byPath.get(path);
      return Promise.resolve(file ? decoder.decode(file.content) : null);
    },
  };
}

/** Policy files from a path → text map (tests). */
export function policyFilesFrom(texts: Readonly<Record<string, string>>): PolicyFiles {
  return { read: (path) => Promise.resolve(Object.hasOwn(texts, path) ? texts[path]! : null) };
}
