/**
 * The README's "Measured" table states, per fault, the bound the reliability suite asserts
 * (test/reliability/bounds.ts). Both must say the same thing: a bound changed in one place only
 * fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BOUNDS, describeBound } from "../reliability/bounds.ts";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

function tableRow(first: string): string | undefined {
  return README.split("\n").find(
    (line) => line.startsWith(`| ${first} |`) || line.startsWith(`| ${first} (`),
  );
}

describe("README reliability bounds", () => {
  it.each(Object.entries(BOUNDS))("states %s as the suite asserts it", (_name, bound) => {
    const row = tableRow(bound.row);
    expect(row, `no README row "${bound.row}"`).toBeDefined();
    const boundCell = row?.split(" | ")[1] ?? "";
    expect(boundCell).toContain(describeBound(bound));
  });
});
