import { parseArgs } from "node:util";
import { loadConfig } from "../../core/config/load.ts";
import {
  DEFAULT_EXPIRY,
  PATTERN_TYPES,
  type PatternType,
  reviewSuppressions,
  SUPPRESSION_LEVELS,
  type Suppression,
  type SuppressionIssue,
  type SuppressionLevel,
} from "../../core/suppress/index.ts";
import type { Store } from "../../store/connect.ts";
import {
  addSuppression,
  expireSuppressions,
  listSuppressions,
  normalizeRepository,
  removeSuppression,
} from "../../store/suppressions.ts";
import { openCliStore } from "../cli-store.ts";
import { type CliIo, UsageError } from "../io.ts";
import { readProjectConfigSync } from "../project-config.ts";

export const SUPPRESSIONS_USAGE = `Usage: maestro-hive suppressions <list|add|remove|review|expire> --repo owner/name [options]

  list     the repository's suppressions
  add      --level violation|file|directory|rule --pattern P --reason "why"
           [--type exact|glob|regex] [--expires 30d|12h|2w|2026-12-31 | --permanent]
           [--rule RULE-ID] [--threshold N] [--id ID] [--ticket T] [--adr A] [--author NAME]
           Without --expires or --permanent the entry expires in ${DEFAULT_EXPIRY}.
  remove   ID [--reason "why"]
  review   entries expiring within 7 days, unused for 30 days (or never), and expired
  expire   delete the expired entries (each one is audited)

Options:
  --repo owner/name   the repository (required)
  --format text|json  output (default text)
  --config FILE       config whose acc rules are checked against --rule (default ./.github/maestro-hive.yml)
  -h, --help          show this help

The database is DATABASE_URL, or the embedded one in $MAESTRO_DATA_DIR (default ./.data).
Changes are audited with the actor $MAESTRO_ACTOR (or $USER).
Exit codes: 0 done, 2 usage or invalid input.`;

const OPTIONS = {
  repo: { type: "string" },
  format: { type: "string" },
  level: { type: "string" },
  pattern: { type: "string" },
  type: { type: "string" },
  reason: { type: "string" },
  expires: { type: "string" },
  permanent: { type: "boolean" },
  rule: { type: "string" },
  threshold: { type: "string" },
  id: { type: "string" },
  ticket: { type: "string" },
  adr: { type: "string" },
  author: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

const ACTIONS = ["list", "add", "remove", "review", "expire"] as const;
type Action = (typeof ACTIONS)[number];

export async function run(args: string[], io: CliIo): Promise<number> {
  const request = parseRequest(args, io);
  if (request === "help") return 0;
  const store = await openCliStore(io);
  try {
    return await perform(request, store);
  } finally {
    await store.close();
  }
}

/** The same command on an already open database (the app's, or a test's). */
export async function runWithStore(args: string[], io: CliIo, store: Store): Promise<number> {
  const request = parseRequest(args, io);
  return request === "help" ? 0 : perform(request, store);
}

/** Checks every argument before a database is opened (and maybe created). */
function parseRequest(args: string[], io: CliIo): Request | "help" {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${SUPPRESSIONS_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(SUPPRESSIONS_USAGE);
    return "help";
  }
  const [action, ...rest] = positionals;
  if (!action || !(ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(
      `${action ? `unknown action "${action}"` : "missing action"}\n\n${SUPPRESSIONS_USAGE}`,
    );
  }
  if (!values.repo) throw new UsageError(`--repo owner/name is required\n\n${SUPPRESSIONS_USAGE}`);
  let repository: string;
  try {
    repository = normalizeRepository(values.repo);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, not "${format}"`);
  if (action === "remove" && rest.length !== 1)
    throw new UsageError("remove takes exactly one suppression ID");
  if (action !== "remove" && rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const add = action === "add" ? addInput(values, io) : undefined;
  return { action: action as Action, repository, values, rest, format, io, add };
}

interface Request {
  readonly action: Action;
  readonly add: AddInput | undefined;
  readonly repository: string;
  readonly values: Values;
  readonly rest: string[];
  readonly format: "text" | "json";
  readonly io: CliIo;
}

async function perform(request: Request, store: Store): Promise<number> {
  const { action, add, repository, io, format } = request;
  const { db } = store;
  const now = new Date();
  const actor = io.env.MAESTRO_ACTOR ?? io.env.USER ?? "cli";
  switch (action) {
    case "list": {
      const list = await listSuppressions(db, repository);
      io.out(
        format === "json"
          ? json(list)
          : list.length === 0
            ? `No suppressions in ${repository}.`
            : table(list, now),
      );
      return 0;
    }
    case "add": {
      const input = add!;
      const result = await addSuppression(
        db,
        repository,
        { ...input.input, author: request.values.author ?? actor },
        { now, actor, rules: input.rules, defaultExpiry: DEFAULT_EXPIRY },
      );
      for (const warning of result.warnings) io.err(`warning: ${warning.message}`);
      if (!result.ok) return invalid(io, result.errors);
      io.out(format === "json" ? json(result.suppression) : `Added ${describe(result.suppression, now)}`);
      return 0;
    }
    case "remove": {
      const id = request.rest[0]!;
      const removed = await removeSuppression(db, repository, id, {
        now,
        actor,
        reason: request.values.reason,
      });
      if (!removed)
        return invalid(io, [
          { id, field: "id", message: `suppression "${id}" does not exist in ${repository}` },
        ]);
      io.out(format === "json" ? json(removed) : `Removed ${describe(removed, now)}`);
      return 0;
    }
    case "review": {
      const review = reviewSuppressions(await listSuppressions(db, repository), new Map(), now);
      if (format === "json") {
        const ids = (list: Suppression[]) => list.map(toJson);
        io.out(
          json({
            expiringSoon: ids(review.expiringSoon),
            unused: ids(review.unused),
            expired: ids(review.expired),
          }),
        );
        return 0;
      }
      const section = (title: string, list: Suppression[]) =>
        `${title} (${list.length})${list.length > 0 ? `\n${table(list, now)}` : ""}`;
      io.out(
        [
          section("Expiring within 7 days", review.expiringSoon),
          section("Unused for 30 days or never used", review.unused),
          section("Expired (no longer applied; `suppressions expire` deletes them)", review.expired),
        ].join("\n\n"),
      );
      return 0;
    }
    case "expire": {
      const expired = await expireSuppressions(db, { now, actor, repository });
      io.out(
        format === "json"
          ? json(expired)
          : expired.length === 0
            ? "No expired suppressions."
            : `Deleted ${expired.length} expired: ${expired.map((s) => s.id).join(", ")}`,
      );
      return 0;
    }
  }
}

interface AddInput {
  readonly input: Parameters<typeof addSuppression>[2];
  readonly rules: ReadonlyMap<string, string> | undefined;
}

function addInput(values: Values, io: CliIo): AddInput {
  const level = values.level;
  if (!level || !(SUPPRESSION_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(
      `--level must be one of ${SUPPRESSION_LEVELS.join(", ")}${level ? `, not "${level}"` : ""}`,
    );
  }
  if (values.pattern === undefined) throw new UsageError("--pattern is required");
  if (values.reason === undefined || values.reason.trim() === "") {
    throw new UsageError('--reason "why" is required: every suppression is justified');
  }
  const patternType = values.type ?? (level === "violation" ? "exact" : "glob");
  if (!(PATTERN_TYPES as readonly string[]).includes(patternType)) {
    throw new UsageError(`--type must be one of ${PATTERN_TYPES.join(", ")}, not "${patternType}"`);
  }
  if (values.permanent && values.expires !== undefined)
    throw new UsageError("give --expires or --permanent, not both");
  let threshold: number | undefined;
  if (values.threshold !== undefined) {
    threshold = Number(values.threshold);
    if (values.threshold.trim() === "" || !Number.isFinite(threshold) || threshold < 0) {
      throw new UsageError(`--threshold must be a number ≥ 0, not "${values.threshold}"`);
    }
  }
  return {
    input: {
      id: values.id,
      level: level as SuppressionLevel,
      pattern: values.pattern,
      patternType: patternType as PatternType,
      rule: values.rule,
      threshold,
      expires: values.expires,
      permanent: values.permanent ?? false,
      justification: values.reason,
      ticket: values.ticket,
      adr: values.adr,
      source: "cli",
    },
    rules: configuredRules(values.config, io),
  };
}

/** Rule ids and types of the local config, so an unknown --rule gets a warning; none when there is no config. */
function configuredRules(
  configOption: string | undefined,
  io: CliIo,
): ReadonlyMap<string, string> | undefined {
  const project = readProjectConfigSync(loadConfig, io.cwd, io.cwd, configOption);
  if (!project.ok) {
    if (configOption !== undefined) throw new UsageError(`cannot read --config ${configOption}`);
    return undefined;
  }
  if (project.path === null) return undefined;
  return new Map((project.config.acc?.rules ?? []).map((rule) => [rule.id, rule.type] as const));
}

function invalid(io: CliIo, errors: readonly SuppressionIssue[]): number {
  for (const error of errors) io.err(`error: ${error.message}`);
  return 2;
}

function toJson(suppression: Suppression): Record<string, unknown> {
  const { stream: _stream, ...rest } = suppression;
  return rest;
}

function json(value: Suppression | Suppression[] | Record<string, unknown>): string {
  const data = Array.isArray(value)
    ? value.map(toJson)
    : "level" in value
      ? toJson(value as Suppression)
      : value;
  return JSON.stringify(data, null, 2);
}

function expiryText(suppression: Suppression, now: Date): string {
  if (suppression.permanent) return "permanent";
  if (suppression.expires === null) return "-";
  const date = suppression.expires.toISOString().slice(0, 10);
  return suppression.expires.getTime() < now.getTime() ? `${date} (expired)` : date;
}

function describe(suppression: Suppression, now: Date): string {
  const rule = suppression.rule ? ` rule=${suppression.rule}` : "";
  const threshold = suppression.threshold !== null ? ` threshold≤${suppression.threshold}` : "";
  return `${suppression.id}: ${suppression.level} ${suppression.patternType} "${suppression.pattern}"${rule}${threshold}, ${expiryText(suppression, now)} — ${suppression.justification}`;
}

function table(list: readonly Suppression[], now: Date): string {
  const header = [
    "ID",
    "LEVEL",
    "PATTERN",
    "RULE",
    "EXPIRES",
    "USES",
    "LAST USED",
    "SOURCE",
    "JUSTIFICATION",
  ];
  const rows = list.map((s) => [
    s.id,
    s.level,
    s.patternType === "glob" ? s.pattern : `${s.pattern} (${s.patternType})`,
    [s.rule ?? "", s.threshold !== null ? `≤${s.threshold}` : ""].filter(Boolean).join(" ") || "-",
    expiryText(s, now),
    String(s.useCount),
    s.lastUsedAt ? s.lastUsedAt.toISOString().slice(0, 10) : "never",
    s.source,
    s.justification.length > 60 ? `${s.justification.slice(0, 57)}...` : s.justification,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
