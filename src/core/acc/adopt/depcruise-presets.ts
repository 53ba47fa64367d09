/**
 * dependency-cruiser's presets (`extends: "dependency-cruiser/configs/recommended"` and its
 * `-strict` / `-warn-only` variants), as static literals: they ship as code inside the
 * dependency-cruiser npm package, which is never read (let alone run) at analysis time.
 *
 * Copied from dependency-cruiser 18.7.2, configs/recommended.cjs and configs/rules/*.cjs
 * (comments dropped). dependency-cruiser is MIT licensed, Copyright (c) 2016-2026 Sander Verweij.
 */
import type { StaticValue } from "./js-static.ts";

const NO_ORPHANS_PATH_NOT =
  "(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$|\\.d\\.(c|m)?ts$|(^|/)tsconfig\\.json$|(^|/)(?:babel|webpack)\\.config\\.(?:js|cjs|mjs|ts|json)$";

function recommendedRules(): { [key: string]: StaticValue }[] {
  return [
    { name: "no-orphans", severity: "warn", from: { orphan: true, pathNot: NO_ORPHANS_PATH_NOT }, to: {} },
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "no-deprecated-core",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["core"], path: "^(?:punycode|domain|constants|sys|_linklist|_stream_wrap)$" },
    },
    {
      name: "no-duplicate-dep-types",
      severity: "warn",
      from: {},
      to: { moreThanOneDependencyType: true, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-non-package-json",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    { name: "not-to-deprecated", severity: "warn", from: {}, to: { dependencyTypes: ["deprecated"] } },
    { name: "not-to-unresolvable", severity: "error", from: {}, to: { couldNotResolve: true } },
  ];
}

const OPTIONS: StaticValue = {
  doNotFollow: {
    path: "node_modules",
    dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-bundled", "npm-no-pkg"],
  },
};

function preset(severity: string | null): StaticValue {
  const forbidden = recommendedRules().map((rule) => (severity === null ? rule : { ...rule, severity }));
  return { forbidden, options: OPTIONS };
}

const PRESETS: Readonly<Record<string, () => StaticValue>> = {
  recommended: () => preset(null),
  "recommended-strict": () => preset("error"),
  "recommended-warn-only": () => preset("warn"),
};

/** The preset a module specifier names (`dependency-cruiser/configs/recommended-strict[.cjs]`), or undefined. */
export function depcruisePreset(specifier: string): StaticValue | undefined {
  const match = /^dependency-cruiser\/configs\/([a-z-]+?)(?:\.cjs)?$/.exec(specifier);
  return match ? PRESETS[match[1]!]?.() : undefined;
}

/**
 * The preset a file of the repository is a copy of, by its path (dependency-cruiser's own
 * repository extends `configs/recommended-strict.cjs`, which builds its rules with `.map`).
 */
export function depcruisePresetFile(path: string): StaticValue | undefined {
  const match = /(?:^|\/)configs\/(recommended(?:-strict|-warn-only)?)\.cjs$/.exec(path);
  return match ? PRESETS[match[1]!]!() : undefined;
}
