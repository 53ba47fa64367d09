/**
 * The extractor never throws and never loops: thousands of randomly damaged variants of a
 * realistic module (characters that change the lexical state inserted, deleted or the file
 * cut short) all come back as a result, with any error positioned inside the file.
 */
import { describe, expect, it } from "vitest";
import { extractPython } from "../../../../src/core/acc/languages/python.ts";

const SAMPLE = `"""Module docstring with import inside."""
from __future__ import annotations

import os, sys
from typing import TYPE_CHECKING
from .models import (
    User,
    Group as G,
)

if TYPE_CHECKING:
    from app.services import Service

class Repo:
    '''Doc.'''

    def find(self, key: str) -> dict[str, int]:
        label = f"{key!r:>{10}} {{x}} {self.data['k']}"
        raw = rb'\\d+' + b"\\x00"
        try:
            import json
        except ImportError:  # comment with "quote
            json = None
        return {k: v for k, v in self.data.items() if k != key}

plugin = importlib.import_module("plugins." "csv")
value = (1 +
         2) \\
    * 3
`;

const NOISE = [
  "'",
  '"',
  '"""',
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "\\",
  "\n",
  "\t",
  "    ",
  "#",
  "f'",
  ":",
  "\r",
  "\u00e9",
  "$",
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("extractPython on damaged sources", () => {
  it("returns a result for 3,000 random mutations, with in-bounds error positions", () => {
    const random = rng(42);
    let withErrors = 0;
    for (let round = 0; round < 3000; round++) {
      let source = SAMPLE;
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * source.length);
        const choice = random();
        if (choice < 0.45)
          source =
            source.slice(0, at) + (NOISE[Math.floor(random() * NOISE.length)] ?? "") + source.slice(at);
        else if (choice < 0.9) source = source.slice(0, at) + source.slice(at + 1 + Math.floor(random() * 5));
        else source = source.slice(0, at);
      }
      const result = extractPython("damaged.py", source);
      expect(result.error?.message ?? "").not.toMatch(/^parser failure/);
      const lineCount = source.split(/\r\n|\r|\n/).length;
      if (result.error !== undefined) {
        withErrors++;
        expect(result.error.line).toBeGreaterThanOrEqual(1);
        expect(result.error.line).toBeLessThanOrEqual(lineCount + 1);
        expect(result.error.column).toBeGreaterThanOrEqual(1);
        for (const raw of result.imports) expect(raw.line).toBeLessThan(result.error.line ?? 0);
      }
      for (const raw of result.imports) {
        expect(raw.line).toBeGreaterThanOrEqual(1);
        expect(raw.line).toBeLessThanOrEqual(lineCount);
      }
    }
    // most damage is detectable at the lexical level
    expect(withErrors).toBeGreaterThan(1000);
  });

  it("handles pathological inputs quickly: deep nesting, huge lines, long strings, many dedents", () => {
    const inputs = [
      `${"(".repeat(5000)}${")".repeat(5000)}\n`,
      `x = ${"[".repeat(3000)}\n`,
      `s = "${"a".repeat(500_000)}"\nimport after\n`,
      `${Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}if x:`).join("\n")}\n${" ".repeat(200)}pass\nimport z\n`,
      `f"${"{".repeat(200)}x${"}".repeat(200)}"\n`,
      "\\",
      "",
      "\n\n\n",
    ];
    const started = performance.now();
    for (const source of inputs) {
      const result = extractPython("p.py", source);
      expect(result.error?.message ?? "").not.toMatch(/^parser failure/);
    }
    expect(extractPython("p.py", inputs[2] ?? "").imports.map((i) => i.specifier)).toEqual(["after"]);
    expect(extractPython("p.py", inputs[3] ?? "").imports.map((i) => i.specifier)).toEqual(["z"]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
