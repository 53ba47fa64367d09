import type { ParsedFeature } from "../gherkin.ts";
import type { BdvReport } from "../report.ts";
import type { LoadedContract } from "./contracts.ts";

/**
 * contract-version-mismatch: `@contract:Name:vX[.Y[.Z]]` tags (feature, rule, scenario and
 * examples tags, read from the AST so commented-out tags never count) against the spec's
 * `info.version`. Major mismatch: error; minor: warning; patch: fine. A tag naming no
 * configured contract is an error too. A tag without a version only names the contract.
 */

const TAG = /^@contract:([^:]+)(?::(.*))?$/;
const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/i;

interface Version {
  readonly major: number;
  readonly minor: number | null;
  readonly patch: number | null;
}

export function parseVersion(text: string): Version | null {
  const match = VERSION.exec(text.trim());
  if (!match) return null;
  return {
    major: Number(match[1]),
    minor: match[2] !== undefined ? Number(match[2]) : null,
    patch: match[3] !== undefined ? Number(match[3]) : null,
  };
}

export function findContract(contracts: readonly LoadedContract[], name: string): LoadedContract | undefined {
  return (
    contracts.find((contract) => contract.name === name) ??
    contracts.find((contract) => contract.name.toLowerCase() === name.toLowerCase())
  );
}

export function checkContractVersions(
  feature: ParsedFeature,
  contracts: readonly LoadedContract[],
  configuredNames: readonly string[],
  report: BdvReport,
): void {
  for (const tag of feature.tags) {
    const match = TAG.exec(tag.name);
    if (!match?.[1]) continue;
    const name = match[1];
    const where = {
      file: feature.path,
      line: tag.line,
      column: tag.column,
      target: tag.name,
      subject: tag.name,
    };
    const known = configuredNames.find(
      (candidate) => candidate === name || candidate.toLowerCase() === name.toLowerCase(),
    );
    if (known === undefined) {
      report.addOnce({
        check: "contract-version-mismatch",
        severity: "error",
        ...where,
        message: `Tag ${tag.name} names an unknown contract "${name}" (configured: ${configuredNames.join(", ") || "none"}).`,
      });
      continue;
    }
    const wanted = match[2];
    const contract = findContract(contracts, known);
    if (wanted === undefined || wanted === "" || !contract || contract.spec.version === null) continue;
    const tagVersion = parseVersion(wanted);
    const specVersion = parseVersion(contract.spec.version);
    if (!tagVersion || !specVersion) {
      report.notice({
        file: feature.path,
        line: tag.line,
        column: tag.column,
        kind: "bdv-version-not-comparable",
        message: `Cannot compare ${tag.name} with ${contract.name} version ${contract.spec.version}: not a semantic version.`,
      });
      continue;
    }
    const spec = `${contract.name} is version ${contract.spec.version} (${contract.spec.file})`;
    if (tagVersion.major !== specVersion.major) {
      report.addOnce({
        check: "contract-version-mismatch",
        severity: "error",
        ...where,
        message: `Tag ${tag.name} expects major version ${tagVersion.major}, but ${spec}.`,
      });
    } else if (
      tagVersion.minor !== null &&
      specVersion.minor !== null &&
      tagVersion.minor !== specVersion.minor
    ) {
      report.addOnce({
        check: "contract-version-mismatch",
        severity: "warning",
        ...where,
        message: `Tag ${tag.name} expects version ${tagVersion.major}.${tagVersion.minor}, but ${spec}.`,
      });
    }
  }
}
