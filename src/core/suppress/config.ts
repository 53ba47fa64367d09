import type { ConfigSuppression, MaestroConfig } from "../config/schema.ts";
import type { StreamName } from "../findings.ts";
import { isDuration, parseExpiry } from "./duration.ts";
import type { Suppression } from "./model.ts";
import { normalizePattern } from "./pattern.ts";
import { type SuppressionIssue, validateSuppression } from "./validate.ts";

/**
 * Suppressions written in `.github/maestro-hive.yml` (read from the base branch for PRs),
 * and how they merge with the database's.
 *
 * - An entry under `acc.suppressions` applies to ACC findings only (likewise bdv, dde).
 * - `expires` in the config must be a date: a duration would restart at every analysis
 *   and never expire.
 * - Merge rule: the config wins. When an id is in both the config and the database (of
 *   the same repository), the config entry applies and a warning names the clash; the
 *   config is reviewed in pull requests, the database entry is a command's side effect.
 *   Usage counts of the database entry keep accumulating under the shared id.
 */

export interface LoadedSuppressions {
  readonly suppressions: Suppression[];
  readonly errors: SuppressionIssue[];
  readonly warnings: SuppressionIssue[];
}

const STREAMS: readonly StreamName[] = ["acc", "bdv", "dde"];

export function configSuppressions(config: MaestroConfig, now: Date): LoadedSuppressions {
  const suppressions: Suppression[] = [];
  const errors: SuppressionIssue[] = [];
  for (const stream of STREAMS) {
    for (const entry of config[stream]?.suppressions ?? []) {
      const converted = fromConfigEntry(entry, stream, now);
      if ("error" in converted) errors.push(converted.error);
      else suppressions.push(converted.suppression);
    }
  }
  const rules = new Map((config.acc?.rules ?? []).map((rule) => [rule.id, rule.type] as const));
  const warnings: SuppressionIssue[] = [];
  const seen = new Set<string>();
  const valid: Suppression[] = [];
  for (const suppression of suppressions) {
    // Rule ids are only known for ACC; BDV/DDE checks are not configured by id.
    const result = validateSuppression(suppression, {
      now,
      mode: "load",
      existingIds: seen,
      ...(suppression.stream === "acc" ? { rules } : {}),
    });
    seen.add(suppression.id);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    if (result.errors.length === 0) valid.push(suppression);
  }
  return { suppressions: valid, errors, warnings };
}

function fromConfigEntry(
  entry: ConfigSuppression,
  stream: StreamName,
  now: Date,
): { suppression: Suppression } | { error: SuppressionIssue } {
  let expires: Date | null = null;
  if (entry.expires !== undefined) {
    if (typeof entry.expires === "string" && isDuration(entry.expires)) {
      return {
        error: {
          id: entry.id,
          field: "expires",
          message: `suppression "${entry.id}": in the config, expires must be a date such as 2026-12-31 (a duration like "${entry.expires}" would restart at every analysis)`,
        },
      };
    }
    const parsed = parseExpiry(entry.expires, now);
    if (!parsed.ok)
      return {
        error: { id: entry.id, field: "expires", message: `suppression "${entry.id}": ${parsed.error}` },
      };
    expires = parsed.expires;
  }
  return {
    suppression: {
      id: entry.id.trim(),
      level: entry.level,
      pattern: normalizePattern(entry.level, entry.patternType, entry.pattern),
      patternType: entry.patternType,
      rule: entry.rule ?? null,
      stream,
      threshold: entry.threshold ?? null,
      expires,
      permanent: entry.permanent,
      justification: entry.justification,
      author: entry.author ?? null,
      createdAt: null,
      lastUsedAt: null,
      useCount: 0,
      source: "config",
      ticket: entry.ticket ?? null,
      adr: entry.adr ?? null,
    },
  };
}

/**
 * Config entries first; a database entry with a config entry's id is dropped with a warning.
 * Database rows of source `config` are only the usage record of a config entry (see
 * syncConfigSuppressions in the store): they lend it lastUsedAt/useCount and never apply on
 * their own, so an entry deleted from the config stops applying at once.
 */
export function mergeSuppressions(
  fromConfig: readonly Suppression[],
  fromDatabase: readonly Suppression[],
): { readonly suppressions: Suppression[]; readonly warnings: SuppressionIssue[] } {
  const usageRecords = new Map(
    fromDatabase
      .filter((suppression) => suppression.source === "config")
      .map((row) => [row.id, row] as const),
  );
  const configIds = new Set(fromConfig.map((suppression) => suppression.id));
  const warnings: SuppressionIssue[] = [];
  const kept: Suppression[] = fromConfig.map((entry) => {
    const record = usageRecords.get(entry.id);
    return record
      ? { ...entry, createdAt: record.createdAt, lastUsedAt: record.lastUsedAt, useCount: record.useCount }
      : entry;
  });
  for (const suppression of fromDatabase) {
    if (suppression.source === "config") continue;
    if (configIds.has(suppression.id)) {
      warnings.push({
        id: suppression.id,
        field: "id",
        message: `suppression "${suppression.id}" is defined in both the config and the database; the config entry applies`,
      });
      continue;
    }
    kept.push(suppression);
  }
  return { suppressions: kept, warnings };
}
