import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileDefinitions, sourcesOf } from "../../../src/core/bdv/expressions.ts";
import { parseFeature } from "../../../src/core/bdv/gherkin.ts";
import { StepMatcher, type StepType } from "../../../src/core/bdv/matching.ts";
import { snippetFor } from "../../../src/core/bdv/snippets.ts";
import { readJavaScriptSteps } from "../../../src/core/bdv/steps/javascript-project.ts";

/**
 * Real samples nobody here wrote: @cucumber/compatibility-kit ships feature files, the
 * TypeScript step definitions Cucumber ran against them, and the NDJSON messages Cucumber
 * emitted. Our static reading must agree with what Cucumber itself did: the same pickles
 * (step texts), the same step definitions (pattern and line), and for every pickle step the
 * same outcome — 0 definitions (undefined), 1 (the same definition) or 2+ (ambiguous).
 */

const KIT = join(process.cwd(), "node_modules/@cucumber/compatibility-kit/features");

interface Envelope {
  pickle?: { id: string; uri: string; name: string; steps: { id: string; text: string; type?: string }[] };
  stepDefinition?: {
    id: string;
    pattern: { source: string; type: "CUCUMBER_EXPRESSION" | "REGULAR_EXPRESSION" };
    sourceReference: { uri: string; location: { line: number } };
  };
  testCase?: { pickleId: string; testSteps: { pickleStepId?: string; stepDefinitionIds?: string[] }[] };
  suggestion?: { pickleStepId: string; snippets: { code: string }[] };
}

const samples = readdirSync(KIT).sort();

function loadSample(name: string) {
  const dir = join(KIT, name);
  const files = readdirSync(dir);
  const envelopes = readFileSync(join(dir, `${name}.ndjson`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Envelope);
  const uri = (file: string) => `samples/${name}/${file}`;
  const features = files
    .filter((file) => file.endsWith(".feature") || file.endsWith(".feature.md"))
    .sort()
    .map((file) => parseFeature(uri(file), readFileSync(join(dir, file), "utf8")));
  const stepFiles = files
    .filter((file) => file.endsWith(".ts"))
    .map((file) => readJavaScriptSteps(uri(file), readFileSync(join(dir, file), "utf8")));
  return { envelopes, features, stepFiles };
}

describe("@cucumber/compatibility-kit samples", () => {
  it("has samples to check", () => {
    expect(samples.length).toBeGreaterThan(40);
  });

  for (const name of samples) {
    it(`${name}: pickles, step definitions and matches agree with Cucumber`, () => {
      const { envelopes, features, stepFiles } = loadSample(name);
      for (const feature of features) expect(feature.errors, feature.path).toEqual([]);

      // Pickles: same order, names and step texts as Cucumber compiled them.
      const expectedPickles = envelopes.flatMap((envelope) => (envelope.pickle ? [envelope.pickle] : []));
      const ourPickles = features.flatMap((feature) => feature.pickles);
      const byUri = (pickles: { uri: string }[]) => pickles.map((pickle) => pickle.uri);
      expect(new Set(byUri(ourPickles))).toEqual(new Set(byUri(expectedPickles)));
      const ordered = expectedPickles.map((expected) => {
        const sameUri = ourPickles.filter((pickle) => pickle.uri === expected.uri);
        const index = expectedPickles.filter((pickle) => pickle.uri === expected.uri).indexOf(expected);
        return sameUri[index];
      });
      expect(
        ordered.map((pickle) => ({
          name: pickle?.name,
          steps: pickle?.steps.map((step) => [step.text, step.type]),
        })),
      ).toEqual(
        expectedPickles.map((pickle) => ({
          name: pickle.name,
          steps: pickle.steps.map((step) => [step.text, step.type]),
        })),
      );

      // Step definitions: every one Cucumber registered, with its pattern and line.
      const compiled = compileDefinitions(sourcesOf(stepFiles));
      const expectedDefinitions = envelopes.flatMap((envelope) =>
        envelope.stepDefinition ? [envelope.stepDefinition] : [],
      );
      const valid = compiled.definitions.filter((definition) => definition.status === "ok");
      expect(
        valid.map((definition) => [
          definition.raw.file,
          definition.raw.line,
          definition.raw.pattern.kind,
          patternSource(definition.raw.pattern),
        ]),
      ).toEqual(
        expectedDefinitions.map((definition) => [
          definition.sourceReference.uri,
          definition.sourceReference.location.line,
          definition.pattern.type === "CUCUMBER_EXPRESSION" ? "cucumber-expression" : "regexp",
          definition.pattern.source,
        ]),
      );

      // Matches: for each pickle step, the same definitions (by line) as Cucumber's test case.
      const matcher = new StepMatcher(compiled.definitions);
      const lineOfDefinition = new Map(
        expectedDefinitions.map((definition) => [definition.id, definition.sourceReference.location.line]),
      );
      const stepById = new Map<string, { pickle: number; step: number }>();
      expectedPickles.forEach((pickle, pickleIndex) => {
        pickle.steps.forEach((step, stepIndex) => {
          stepById.set(step.id, { pickle: pickleIndex, step: stepIndex });
        });
      });
      const seenPickles = new Set<string>();
      let compared = 0;
      for (const envelope of envelopes) {
        const testCase = envelope.testCase;
        if (!testCase || seenPickles.has(testCase.pickleId)) continue;
        seenPickles.add(testCase.pickleId);
        for (const testStep of testCase.testSteps) {
          if (!testStep.pickleStepId) continue; // a hook
          const where = stepById.get(testStep.pickleStepId);
          const step = where ? ordered[where.pickle]?.steps[where.step] : undefined;
          expect(step, testStep.pickleStepId).toBeDefined();
          if (!step) continue;
          const ours = matcher
            .match(step.text, (step.type ?? "Unknown") as StepType)
            .map((definition) => definition.raw.line);
          const theirs = (testStep.stepDefinitionIds ?? []).map((id) => lineOfDefinition.get(id));
          expect(ours, `${name}: "${step.text}"`).toEqual(theirs);
          compared++;
        }
      }
      // global-hooks-beforeall-error and test-run-exception abort before any test case is built:
      // Cucumber recorded no match outcome to compare with (pickles and definitions still are).
      const testCases = envelopes.filter((envelope) => envelope.testCase).length;
      const abortedRuns = ["global-hooks-beforeall-error", "test-run-exception"];
      expect(testCases === 0).toBe(abortedRuns.includes(name));
      if (testCases > 0)
        expect(compared).toBe(expectedPickles.reduce((count, pickle) => count + pickle.steps.length, 0));

      // Snippets for undefined steps: the same Cucumber Expression Cucumber suggested.
      for (const envelope of envelopes) {
        const suggestion = envelope.suggestion;
        if (!suggestion) continue;
        const where = stepById.get(suggestion.pickleStepId);
        const step = where ? ordered[where.pickle]?.steps[where.step] : undefined;
        if (!step) throw new Error(`no pickle step ${suggestion.pickleStepId}`);
        const expected = /^\w+\(("(?:[^"\\]|\\.)*")/.exec(suggestion.snippets[0]?.code ?? "")?.[1];
        const snippet = snippetFor(step.text, (step.type ?? "Unknown") as StepType, null, compiled.registry, {
          framework: "cucumber-js",
          arrowFunctions: true,
        });
        // fake-cucumber's snippet omits parameters; the keyword and expression must be the same.
        const keyword = suggestion.snippets[0]?.code.split("(")[0];
        expect(snippet.startsWith(`${keyword}(${expected}, (`), snippet).toBe(true);
      }
    });
  }
});

function patternSource(pattern: { kind: string; source?: string }): string | undefined {
  return pattern.source;
}
