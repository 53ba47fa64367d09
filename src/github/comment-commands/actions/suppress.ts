/** `/maestro suppress <finding-id | rule:ID | file:GLOB | dir:GLOB> --reason "…" [--expires …|--permanent]` */
import {
  type Expiry,
  exactly,
  expiryOptions,
  FINDING_ID,
  requiredReason,
} from "../../../core/comment-commands/arguments.ts";
import {
  argumentError,
  type CommandSyntax,
  type Parsed,
  parsed,
} from "../../../core/comment-commands/parse.ts";
import { DEFAULT_EXPIRY } from "../../../core/suppress/index.ts";
import type { SuppressionLevel } from "../../../core/suppress/model.ts";
import { findingOfRun, latestRun } from "../../../store/findings.ts";
import { addSuppression } from "../../../store/suppressions.ts";
import { type ActionOutcome, type CommandAction, type CommandSite, rejected } from "../command.ts";
import { suppressedReply } from "../reply.ts";

const MAX_PATTERN_LENGTH = 500;

export interface SuppressTarget {
  readonly level: SuppressionLevel;
  /** The finding id (lowercased), rule id or glob, as written. */
  readonly pattern: string;
  /** `violation` ids are exact; a rule id without glob characters too; paths are globs. */
  readonly patternType: "exact" | "glob";
}

export interface SuppressArguments extends Expiry {
  readonly target: SuppressTarget;
  readonly reason: string;
}

export const syntax: CommandSyntax<SuppressArguments> = {
  options: ["reason", "expires", "permanent"],
  build(positional, options, { name }) {
    const count = exactly(
      name,
      positional,
      1,
      "what to suppress: a finding id, rule:ID, file:GLOB or dir:GLOB",
    );
    if (count) return count;
    const target = suppressTarget(positional[0]!);
    if (!target.ok) return target;
    const reason = requiredReason(options);
    if (!reason.ok) return reason;
    const expiry = expiryOptions(options);
    if (!expiry.ok) return expiry;
    return parsed({ target: target.value, reason: reason.value, ...expiry.value });
  },
};

const TARGET_PREFIXES: ReadonlyArray<readonly [string, SuppressionLevel]> = [
  ["rule:", "rule"],
  ["file:", "file"],
  ["dir:", "directory"],
  ["directory:", "directory"],
];

function suppressTarget(text: string): Parsed<SuppressTarget> {
  if (FINDING_ID.test(text))
    return parsed({ level: "violation", pattern: text.toLowerCase(), patternType: "exact" });
  const prefix = TARGET_PREFIXES.find(([p]) => text.toLowerCase().startsWith(p));
  if (!prefix) {
    return argumentError(
      `"${text}" is not something to suppress: give a finding id (12 hexadecimal characters), rule:ID, file:GLOB or dir:GLOB`,
    );
  }
  const [p, level] = prefix;
  const pattern = text.slice(p.length).trim();
  if (pattern === "") return argumentError(`${p} needs a ${level === "rule" ? "rule id" : "glob"} after it`);
  if (pattern.length > MAX_PATTERN_LENGTH)
    return argumentError(`the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}`);
  const literalRule = level === "rule" && !/[*?[\]{}()!+@\\]/.test(pattern);
  return parsed({ level, pattern, patternType: literalRule ? "exact" : "glob" });
}

export const action: CommandAction<SuppressArguments> = async (command, site) => {
  const { target } = command;
  if (target.level === "violation") {
    const unknown = await unknownFinding(site, target.pattern);
    if (unknown) return unknown;
  }
  const rules = new Map((site.config?.acc?.rules ?? []).map((rule) => [rule.id, rule.type] as const));
  const result = await addSuppression(
    site.db,
    site.repository,
    {
      level: target.level,
      pattern: target.pattern,
      patternType: target.patternType,
      justification: command.reason,
      ...(command.expires !== null ? { expires: command.expires } : {}),
      permanent: command.permanent,
      author: site.actor,
      source: "command",
    },
    {
      now: site.now,
      actor: site.actor,
      chain: site.chain,
      prNumber: site.prNumber,
      rules,
      defaultExpiry: DEFAULT_EXPIRY,
    },
  );
  const warnings = result.warnings.map((w) => w.message);
  if (!result.ok)
    return rejected(
      result.errors.map((e) => e.message),
      { warnings },
    );
  const s = result.suppression;
  return {
    status: "done",
    reply: suppressedReply(s, warnings),
    rerun: site.prState === "open",
    audit: {
      suppressionId: s.id,
      level: s.level,
      pattern: s.pattern,
      expires: s.expires,
      permanent: s.permanent,
    },
  };
};

/** A finding id must name a finding of the PR's latest analysis: a typo would suppress nothing. */
async function unknownFinding(site: CommandSite, findingId: string): Promise<ActionOutcome | null> {
  const run = await latestRun(site.db, site.repository, site.prNumber, site.headSha);
  const finding = run ? await findingOfRun(site.db, run.runId, findingId) : null;
  if (finding) return null;
  return rejected([
    run
      ? `no finding ${findingId} in the latest analysis of this pull request (use rule:, file: or dir: for findings elsewhere)`
      : `this pull request has no completed analysis yet, so finding ${findingId} cannot be checked; try again when the checks are done`,
  ]);
}
