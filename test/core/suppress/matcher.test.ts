import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/core/findings.ts";
import {
  ancestorDirectories,
  applySuppressions,
  compileSuppressions,
  naiveMatcher,
  partitionSuppressed,
  type Suppression,
} from "../../../src/core/suppress/index.ts";
import { daysFrom, finding, NOW, suppression } from "./fixtures.ts";

describe("compiled matcher: precedence and tie-breaking", () => {
  it("within a level: exact before glob before regex, then rule-narrowed, then id order", () => {
    const f = finding({ id: "f", file: "src/a.ts" });
    const regex = suppression({ id: "a-regex", level: "file", pattern: "src/.*", patternType: "regex" });
    const glob = suppression({ id: "b-glob", level: "file", pattern: "src/*.ts" });
    const exact = suppression({ id: "c-exact", level: "file", pattern: "src/a.ts", patternType: "exact" });
    const globNarrowed = suppression({ id: "z-glob", level: "file", pattern: "src/**", rule: "data-not-up" });
    const compiled = (list: Suppression[]) => compileSuppressions(list, { now: NOW }).match(f)?.id;
    expect(compiled([regex, glob, exact, globNarrowed])).toBe("c-exact");
    expect(compiled([regex, glob, globNarrowed])).toBe("z-glob");
    expect(compiled([regex, glob])).toBe("b-glob");
    expect(compiled([glob, suppression({ id: "a-glob", level: "file", pattern: "src/**" })])).toBe("a-glob");
    // Input order never matters.
    expect(compiled([globNarrowed, glob, regex, exact])).toBe("c-exact");
  });

  it("the deepest matching directory wins over a shallower one", () => {
    const list = [
      suppression({ id: "a-top", level: "directory", pattern: "src" }),
      suppression({ id: "z-deep", level: "directory", pattern: "src/legacy/*" }),
    ];
    const compiled = compileSuppressions(list, { now: NOW });
    expect(compiled.match(finding({ id: "1", file: "src/legacy/old/x.ts" }))?.id).toBe("z-deep");
    expect(compiled.match(finding({ id: "2", file: "src/legacy/x.ts" }))?.id).toBe("a-top");
  });

  it("a literal glob is the same as exact; a leading / or ./ and a directory's trailing / are dropped", () => {
    const list = [
      suppression({ id: "f", level: "file", pattern: "./src/a.ts" }),
      suppression({ id: "d", level: "directory", pattern: "/lib/" }),
    ];
    const compiled = compileSuppressions(list, { now: NOW });
    expect(compiled.match(finding({ id: "1", file: "src/a.ts" }))?.id).toBe("f");
    expect(compiled.match(finding({ id: "2", file: "lib/x/y.ts" }))?.id).toBe("d");
  });

  it("stream and rule filters narrow an entry; a finding without a file only matches id and rule levels", () => {
    const list = [
      suppression({ id: "bdv-only", level: "rule", pattern: "*", stream: "bdv" }),
      suppression({ id: "any-file", level: "file", pattern: "**" }),
    ];
    const compiled = compileSuppressions(list, { now: NOW });
    expect(compiled.match(finding({ id: "1", file: null, stream: "acc" }))).toBeNull();
    expect(compiled.match(finding({ id: "2", file: null, stream: "bdv", rule: "undefined-step" }))?.id).toBe(
      "bdv-only",
    );
    expect(compiled.match(finding({ id: "3", file: "x.ts" }))?.id).toBe("any-file");
  });

  it("expired entries and entries with a broken pattern are left out of the compiled set", () => {
    const compiled = compileSuppressions(
      [
        suppression({ id: "gone", level: "file", pattern: "**", expires: daysFrom(NOW, -1) }),
        suppression({ id: "broken", level: "file", pattern: "(", patternType: "regex" }),
        suppression({ id: "ok", level: "rule", pattern: "x" }),
      ],
      { now: NOW },
    );
    expect(compiled.active.map((s) => s.id)).toEqual(["ok"]);
    expect(compiled.skipped.map((s) => s.suppression.id)).toEqual(["broken"]);
    expect(compiled.match(finding({ id: "1" }))).toBeNull();
  });

  it("applySuppressions marks findings and counts usage per winning suppression", () => {
    const list = [
      suppression({ id: "services", level: "directory", pattern: "app/services" }),
      suppression({ id: "unused", level: "file", pattern: "nothing/**" }),
    ];
    const findings = [
      finding({ id: "1", file: "app/services/a.py" }),
      finding({ id: "2", file: "app/services/b/c.py" }),
      finding({ id: "3", file: "app/routes/a.py" }),
    ];
    const applied = applySuppressions(findings, compileSuppressions(list, { now: NOW }));
    expect(applied.findings.map((f) => [f.id, f.suppressed, f.suppressionId])).toEqual([
      ["1", true, "services"],
      ["2", true, "services"],
      ["3", false, null],
    ]);
    expect([...applied.usage]).toEqual([["services", 2]]);
    const { reported, suppressed } = partitionSuppressed(applied.findings);
    expect(reported.map((f) => f.id)).toEqual(["3"]);
    expect(suppressed.map((f) => f.id)).toEqual(["1", "2"]);
  });

  it("extglobs fall back to minimatch; a bucket with named groups still matches; a backreference is skipped", () => {
    const list = [
      suppression({ id: "ext", level: "file", pattern: "src/+(a|b)/*.ts" }),
      suppression({ id: "backref", level: "file", pattern: "(x)\\1/.*", patternType: "regex" }),
      suppression({ id: "named", level: "file", pattern: "(?<top>lib)/.*", patternType: "regex" }),
      suppression({ id: "named2", level: "file", pattern: "(?<top>vendor)/.*", patternType: "regex" }),
      suppression({ id: "plain", level: "file", pattern: "docs/.*", patternType: "regex" }),
    ];
    const compiled = compileSuppressions(list, { now: NOW });
    const ids = [
      "src/a/x.ts",
      "src/ab/x.ts",
      "src/c/x.ts",
      "xx/y",
      "lib/z",
      "vendor/q",
      "docs/r",
      "other/s",
    ].map((file) => compiled.match(finding({ id: file, file }))?.id ?? null);
    expect(ids).toEqual(["ext", "ext", null, null, "named", "named2", "plain", null]);
    expect(compiled.skipped.map((entry) => [entry.suppression.id, entry.reason])).toEqual([
      [
        "backref",
        expect.stringMatching(/^invalid regex \/\(x\)\\1\/\.\*\/: backreferences are not supported/),
      ],
    ]);
  });

  it("ancestorDirectories lists the file's directory and each ancestor, deepest first", () => {
    expect(ancestorDirectories("a/b/c.ts")).toEqual(["a/b", "a"]);
    expect(ancestorDirectories("c.ts")).toEqual([]);
  });
});

/** A small seeded PRNG so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("compiled matcher agrees with the naive pairwise reference", () => {
  it("on 3,000 random findings against 120 random suppressions (every level, type and filter)", () => {
    const rand = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const dirs = ["src", "src/a", "src/a/b", "src/c", "lib", "lib/x", "test"];
    const rules = ["layered", "coupling", "no-cycles", "data-not-up"];
    const files = Array.from({ length: 60 }, (_, i) => `${pick(dirs)}/f${i % 7}.${pick(["ts", "py"])}`);
    const ids = Array.from({ length: 200 }, (_, i) => `id${i.toString(16).padStart(4, "0")}`);
    const patterns: Record<Suppression["level"], Record<Suppression["patternType"], () => string>> = {
      violation: {
        exact: () => pick(ids),
        glob: () => `id00${pick(["1", "2", "a"])}*`,
        regex: () => "id000[0-7]",
      },
      file: {
        exact: () => pick(files),
        glob: () => pick(["src/**", "src/*/f1.ts", "**/*.py", "lib/**/f?.ts", "src/{a,c}/**", "*.ts"]),
        regex: () => pick(["src/.*\\.py", "lib/x/f[0-3]\\.ts", ".*f2\\..*"]),
      },
      directory: {
        exact: () => pick(dirs),
        glob: () => pick(["src/*", "**/b", "l*", "src/**"]),
        regex: () => pick(["src(/a)?", "lib/.*"]),
      },
      rule: {
        exact: () => pick(rules),
        glob: () => pick(["no-*", "c*", "lay*"]),
        regex: () => "(layered|coupling)",
      },
    };
    const list: Suppression[] = Array.from({ length: 120 }, (_, i) => {
      const level = pick(["violation", "file", "directory", "rule"] as const);
      const patternType = pick(["exact", "glob", "regex"] as const);
      return suppression({
        id: `s${(i * 7919) % 1000}`,
        level,
        patternType,
        pattern: patterns[level][patternType](),
        rule: rand() < 0.3 ? pick(rules) : null,
        stream: rand() < 0.1 ? pick(["acc", "bdv"] as const) : null,
        threshold: rand() < 0.2 ? Math.floor(rand() * 20) : null,
        expires: rand() < 0.1 ? daysFrom(NOW, -1) : daysFrom(NOW, 5),
      });
    });
    const findings: Finding[] = Array.from({ length: 3000 }, (_, i) =>
      finding({
        id: rand() < 0.1 ? `zz${i}` : pick(ids),
        rule: rand() < 0.1 ? "unlisted" : pick(rules),
        stream: pick(["acc", "acc", "bdv"] as const),
        file: rand() < 0.05 ? null : rand() < 0.1 ? `vendor/v${i}.js` : pick(files),
        ...(rand() < 0.5 ? { value: Math.floor(rand() * 25) } : {}),
        line: i,
      }),
    );
    const compiled = compileSuppressions(list, { now: NOW });
    const naive = naiveMatcher(list, NOW);
    const fast = findings.map((f) => compiled.match(f)?.id ?? null);
    const slow = findings.map((f) => naive(f)?.id ?? null);
    expect(fast).toEqual(slow);
    const levelOf = new Map(list.map((s) => [s.id, s.level]));
    const winningLevels = new Set(fast.filter((id) => id !== null).map((id) => levelOf.get(id)));
    expect([...winningLevels].sort()).toEqual(["directory", "file", "rule", "violation"]);
    expect(new Set(fast).size).toBeGreaterThan(10);
    expect(fast.filter((id) => id === null).length).toBeGreaterThan(0);
  });
});
