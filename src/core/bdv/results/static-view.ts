/**
 * What the executed-results judgement needs from the static BDV run of the same commit: each
 * feature file's code fingerprint (its blob SHA and the blob SHAs of the step files its suites
 * load), where each scenario is, and which contract versions the feature files claim.
 */
import type { SnapshotFile } from "../../snapshot.ts";
import type { ParsedFeature } from "../gherkin.ts";
import type { StepSuite } from "../suites/model.ts";
import { contractsOfTags } from "./model.ts";

export interface CodeFingerprint {
  readonly featureBlob: string;
  readonly stepBlobs: readonly string[];
}

export interface StaticView {
  readonly fingerprints: ReadonlyMap<string, CodeFingerprint>;
  /** feature path → scenario name → line of the scenario. */
  readonly scenarioLines: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** "Name:vN" → where a feature file first claims it. */
  readonly contractTags: ReadonlyMap<string, { readonly file: string; readonly line: number }>;
}

export function staticView(
  files: ReadonlyMap<string, SnapshotFile>,
  features: readonly ParsedFeature[],
  suites: readonly StepSuite[],
): StaticView {
  const stepFiles = new Map<string, Set<string>>();
  for (const suite of suites) {
    const blobs = new Set(
      suite.definitions.flatMap((definition) => {
        const blob = files.get(definition.raw.file)?.blobSha;
        return blob ? [blob] : [];
      }),
    );
    for (const { feature } of suite.features) {
      const set = stepFiles.get(feature.path) ?? new Set<string>();
      for (const blob of blobs) set.add(blob);
      stepFiles.set(feature.path, set);
    }
  }
  const fingerprints = new Map<string, CodeFingerprint>();
  const scenarioLines = new Map<string, Map<string, number>>();
  const contractTags = new Map<string, { file: string; line: number }>();
  for (const feature of features) {
    const blob = files.get(feature.path)?.blobSha;
    if (blob) {
      fingerprints.set(feature.path, {
        featureBlob: blob,
        stepBlobs: [...(stepFiles.get(feature.path) ?? [])].sort(),
      });
    }
    const lines = new Map<string, number>();
    for (const scenario of feature.scenarioList) {
      if (!lines.has(scenario.name)) lines.set(scenario.name, scenario.location.line);
    }
    scenarioLines.set(feature.path, lines);
    for (const tag of feature.tags) {
      for (const contract of contractsOfTags([tag.name])) {
        if (!contractTags.has(contract)) contractTags.set(contract, { file: feature.path, line: tag.line });
      }
    }
  }
  return { fingerprints, scenarioLines, contractTags };
}
