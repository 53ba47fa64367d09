import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/core/config/load.ts";

/** Every example of the README's ACC rule table is a valid rule; every option example a valid option. */
const README = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const section = README.slice(
  README.indexOf("### ACC rules"),
  README.indexOf("A finding reached through other files"),
);

function tableRows(title: string): string[][] {
  const start = section.indexOf(title);
  const rows: string[][] = [];
  for (const line of section.slice(start).split("\n").slice(1)) {
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    if (
      line.startsWith("|---") ||
      line.startsWith("| Type") ||
      line.startsWith("| Selector") ||
      line.startsWith("| Option")
    )
      continue;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const example = (cell: string) => /^`(.*)`$/.exec(cell)?.[1] ?? cell;

const COMPONENTS = `acc:
  components: { presentation: ["app/routes/**"], business: ["app/services/**"], data: ["app/db/**"] }
  rules:
`;

function errorsOf(yaml: string): string[] {
  const result = loadConfig(yaml);
  return result.ok ? [] : result.errors.map((error) => `${error.line}:${error.column} ${error.message}`);
}

describe("the README documents every rule type with a valid example", () => {
  const rules = tableRows("| Type |");

  it("lists every rule type of the table in src/core/acc/rules/table.ts", async () => {
    const { RULE_TYPES } = await import("../../../src/core/acc/rules/table.ts");
    expect(rules.map((row) => example(row[0]!)).sort()).toEqual(
      RULE_TYPES.map((descriptor) => descriptor.type).sort(),
    );
  });

  for (const row of tableRows("| Type |")) {
    it(`the ${example(row[0]!)} example loads`, () => {
      expect(errorsOf(`${COMPONENTS}    - ${example(row[2]!)}\n`)).toEqual([]);
    });
  }

  for (const row of tableRows("| Option |")) {
    it(`the ${row[0]} example loads`, () => {
      const option = example(row[2]!);
      const rule = row[0]!.includes("(layers)")
        ? `{ id: r, type: layers, layers: [api, domain], ${option} }`
        : row[0]!.includes("(no-cycles)")
          ? `{ id: r, type: no-cycles, ${option} }`
          : `{ id: r, type: forbidden, from: presentation, to: data, ${option} }`;
      expect(errorsOf(`${COMPONENTS}    - ${rule}\n`)).toEqual([]);
    });
  }

  for (const row of tableRows("| Selector |")) {
    it(`the selector example ${row[2]} loads`, () => {
      const selector = example(row[2]!);
      const value = selector.startsWith("{") ? selector : JSON.stringify(selector);
      const onlyTo = selector.includes("package") || selector.startsWith("unresolved");
      const from = onlyTo ? "presentation" : value;
      expect(
        errorsOf(`${COMPONENTS}    - { id: r, type: forbidden, from: ${from}, to: ${value} }\n`),
      ).toEqual([]);
    });
  }
});
