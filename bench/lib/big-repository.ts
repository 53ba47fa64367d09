/**
 * The generated 5,000-file TypeScript repository of the app benches (github-app, app-memory):
 * three layers (ui → services → data), each file importing one of the next layer, with a
 * layered-architecture config, so every file is parsed, resolved and checked against a rule.
 */

export const BIG_REPOSITORY_CONFIG = `acc:
  components:
    ui: ["src/ui/**"]
    services: ["src/services/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, services, data] }
gate: { streams: [acc] }
`;

/** path → contents of the whole repository (config and README included): 5,000 files. */
export function bigRepositoryFiles(): Record<string, string> {
  const files: Record<string, string> = {
    ".github/maestro-hive.yml": BIG_REPOSITORY_CONFIG,
    "README.md": "# big\n",
  };
  for (let i = 0; i < 1000; i++) {
    files[`src/ui/u${i}.ts`] =
      `import { s${i} } from "../services/s${i}";\nexport const u${i} = () => s${i}();\n`;
  }
  for (let i = 0; i < 2000; i++) {
    files[`src/services/s${i}.ts`] =
      `import { d${i} } from "../data/d${i}";\nexport const s${i} = () => d${i};\n`;
  }
  for (let i = 0; i < 1998; i++) files[`src/data/d${i}.ts`] = `export const d${i} = ${i};\n`;
  return files;
}

/** `count` service files from `from` on, each now importing two data files (tagged so contents differ). */
export function changedServices(from: number, tag: string, count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = from; i < from + count; i++) {
    files[`src/services/s${i}.ts`] =
      `import { d${i} } from "../data/d${i}";\nimport { d${i + 1} } from "../data/d${i + 1}";\nexport const s${i} = () => d${i} + d${i + 1}; // ${tag}\n`;
  }
  return files;
}
