import { describe, expect, it } from "vitest";
import { describeConfigChanges } from "../../../src/core/config/diff.ts";
import { loadConfig } from "../../../src/core/config/load.ts";
import type { MaestroConfig } from "../../../src/core/config/schema.ts";

function config(text: string): MaestroConfig {
  const result = loadConfig(text);
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join("\n"));
  return result.config;
}

const BASE = config(`acc:
  components:
    presentation: ["app/routes/**"]
    business: ["app/services/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: layered, type: layers, layers: [presentation, business, data] }
    - { id: coupling, type: coupling, from: business, max: 10, severity: warning }
    - { id: gone, type: no-cycles }
`);

describe("describeConfigChanges", () => {
  it("is empty when nothing changed", () => {
    expect(describeConfigChanges(BASE, BASE)).toEqual([]);
  });

  it("lists rules added, removed and changed, and component changes", () => {
    const head = config(`acc:
  components:
    presentation: ["app/routes/**", "app/api/**"]
    business: ["app/services/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: layered, type: layers, layers: [presentation, business, data] }
    - { id: coupling, type: coupling, from: business, max: 12, severity: error }
    - { id: no-orm, type: must-not-call, from: business, to: ["package:typeorm"] }
`);
    expect(describeConfigChanges(BASE, head)).toEqual([
      "component `presentation` changed: +app/api/**",
      "rule `coupling` changed: severity warning → error; max 10 → 12",
      "rule `no-orm` (business must-not-call package:typeorm, error) added",
      "rule `gone` (no-cycles (file), error) removed",
    ]);
  });

  it("reports a whole ACC section appearing or disappearing", () => {
    expect(describeConfigChanges(null, BASE)).toEqual([
      "ACC configuration added",
      "rule `layered` (layers presentation > business > data, error) added",
      "rule `coupling` (coupling total ≤ 10 on business files, warning) added",
      "rule `gone` (no-cycles (file), error) added",
    ]);
    expect(describeConfigChanges(BASE, config("gate: { streams: [bdv] }\n"))).toEqual([
      "ACC configuration removed: no architecture rules are checked any more",
    ]);
  });

  it("reports component order, layer order, exclude and suppression changes", () => {
    const head = config(`acc:
  exclude: ["legacy"]
  components:
    business: ["app/services/**"]
    presentation: ["app/routes/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: layered, type: layers, layers: [business, presentation, data] }
    - { id: coupling, type: coupling, from: business, max: 10, severity: warning }
    - { id: gone, type: no-cycles }
  suppressions:
    - { id: s1, level: file, pattern: "app/x.ts", justification: legacy, permanent: true }
`);
    expect(describeConfigChanges(BASE, head)).toEqual([
      "component order changed (a file belongs to the first component that matches it)",
      "rule `layered` changed: layers [presentation, business, data] → [business, presentation, data]",
      "exclude [] → [legacy]",
      "suppression `s1` added",
    ]);
  });
});
