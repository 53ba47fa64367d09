/**
 * Which packages a project declares, and how: the `declared` selector and the
 * `dependencies` rule read this. For an import, the manifest that counts is the nearest one
 * above the importing file (dependency-cruiser's default; npm/yarn/pnpm workspaces each have
 * their own package.json):
 * - TS/JS: package.json `dependencies` (production), `devDependencies` (dev),
 *   `optionalDependencies` (optional), `peerDependencies` (peer), `bundle(d)Dependencies` (bundled);
 *   node built-ins are `builtin`.
 * - Python: pyproject.toml ([project] dependencies, optional-dependencies, [dependency-groups],
 *   Poetry, PDM and uv dev groups), setup.cfg (install_requires, extras_require, tests_require),
 *   requirements*.txt (requirements-dev.txt, requirements/test.txt, … are dev), and the literal
 *   install_requires list of setup.py (read as text, never run); the standard library is
 *   `builtin`. Import names are matched to distribution names after PEP 503 normalisation and
 *   through a table of well-known differences (`yaml` → PyYAML, `PIL` → Pillow, …).
 * A package in no section of the nearest manifest is `undeclared`; an import with no manifest
 * above it is `no-manifest`; a package in more than one section is also `duplicate`.
 */

import type { Language, ProjectFiles, ResolvedImport } from "./model.ts";
import { parseIni } from "./resolve/py-ini.ts";
import { PYTHON_STDLIB_MODULES } from "./resolve/py-stdlib.ts";
import { parseToml, type TomlTable, type TomlValue } from "./resolve/py-toml.ts";
import { parseJsonc } from "./resolve/ts-jsonc.ts";
import type { DeclaredClass } from "./select/schema.ts";

type Section = Exclude<DeclaredClass, "undeclared" | "no-manifest" | "builtin" | "duplicate">;

interface Manifest {
  readonly path: string;
  /** Normalised package name → the sections declaring it. */
  readonly sections: ReadonlyMap<string, readonly Section[]>;
}

const NPM_SECTIONS: readonly [string, Section][] = [
  ["dependencies", "production"],
  ["devDependencies", "dev"],
  ["optionalDependencies", "optional"],
  ["peerDependencies", "peer"],
  ["bundleDependencies", "bundled"],
  ["bundledDependencies", "bundled"],
];

const PYTHON_MANIFESTS = ["pyproject.toml", "setup.cfg", "setup.py", "requirements.txt"];

/** Import name → distribution name, where they differ by more than normalisation. */
const PYTHON_DISTRIBUTIONS: Readonly<Record<string, readonly string[]>> = {
  yaml: ["pyyaml"],
  PIL: ["pillow"],
  sklearn: ["scikit-learn"],
  skimage: ["scikit-image"],
  cv2: ["opencv-python", "opencv-python-headless", "opencv-contrib-python"],
  bs4: ["beautifulsoup4"],
  dateutil: ["python-dateutil"],
  dotenv: ["python-dotenv"],
  jwt: ["pyjwt"],
  attr: ["attrs"],
  magic: ["python-magic"],
  serial: ["pyserial"],
  Crypto: ["pycryptodome", "pycrypto"],
  OpenSSL: ["pyopenssl"],
  git: ["gitpython"],
  docx: ["python-docx"],
  pptx: ["python-pptx"],
  multipart: ["python-multipart"],
  jose: ["python-jose"],
  slugify: ["python-slugify"],
  zmq: ["pyzmq"],
  psycopg2: ["psycopg2", "psycopg2-binary"],
  MySQLdb: ["mysqlclient"],
  pkg_resources: ["setuptools"],
  _pytest: ["pytest"],
  google: ["protobuf", "google-api-core", "google-cloud-storage", "google-auth"],
  grpc: ["grpcio"],
  lxml: ["lxml"],
  Levenshtein: ["python-levenshtein", "levenshtein"],
  ldap: ["python-ldap"],
  nacl: ["pynacl"],
  fitz: ["pymupdf"],
  win32api: ["pywin32"],
  django_filters: ["django-filter"],
  rest_framework: ["djangorestframework"],
  websocket: ["websocket-client"],
  telegram: ["python-telegram-bot"],
  kafka: ["kafka-python"],
  ruamel: ["ruamel.yaml"],
};

export class DependencyManifests {
  private readonly project: ProjectFiles;
  private readonly dirs = new Map<string, Manifest | null>();
  private readonly pyDirs = new Map<string, Manifest | null>();
  private requirements: Map<string, string[]> | null = null;

  constructor(project: ProjectFiles) {
    this.project = project;
  }

  /** How the manifest nearest to `fromFile` declares the package `edge` imports ([] for an internal import). */
  classify(fromFile: string, language: Language | null, edge: ResolvedImport): DeclaredClass[] {
    const name = edge.external;
    if (name === null) return [];
    if (language === "python") return this.classifyPython(fromFile, name);
    if (name.startsWith("node:")) return ["builtin"];
    const manifest = this.nearest(fromFile, this.dirs, (dir) => this.readPackageJson(dir));
    return classes(manifest, [name]);
  }

  /** The manifest path nearest to a file (for messages), or null. */
  manifestOf(fromFile: string, language: Language | null): string | null {
    const manifest =
      language === "python"
        ? this.nearest(fromFile, this.pyDirs, (dir) => this.readPython(dir))
        : this.nearest(fromFile, this.dirs, (dir) => this.readPackageJson(dir));
    return manifest?.path ?? null;
  }

  private classifyPython(fromFile: string, name: string): DeclaredClass[] {
    if (PYTHON_STDLIB_MODULES.has(name)) return ["builtin"];
    const manifest = this.nearest(fromFile, this.pyDirs, (dir) => this.readPython(dir));
    const candidates = [normalise(name), ...(PYTHON_DISTRIBUTIONS[name] ?? []).map(normalise)];
    return classes(manifest, candidates);
  }

  private nearest(
    fromFile: string,
    cache: Map<string, Manifest | null>,
    read: (dir: string) => Manifest | null,
  ): Manifest | null {
    let dir = parentOf(fromFile);
    const visited: string[] = [];
    while (true) {
      const cached = cache.get(dir);
      if (cached !== undefined) {
        for (const seen of visited) cache.set(seen, cached);
        return cached;
      }
      visited.push(dir);
      const manifest = read(dir);
      if (manifest !== null || dir === "") {
        for (const seen of visited) cache.set(seen, manifest);
        return manifest;
      }
      dir = parentOf(dir);
    }
  }

  private readPackageJson(dir: string): Manifest | null {
    const path = join(dir, "package.json");
    const text = this.project.read(path);
    if (text === undefined) return null;
    const json = safe(() => parseJsonc(text));
    const sections = new Map<string, Section[]>();
    if (isRecord(json)) {
      for (const [field, section] of NPM_SECTIONS) {
        const value = json[field];
        const names = Array.isArray(value)
          ? value.filter((v) => typeof v === "string")
          : isRecord(value)
            ? Object.keys(value)
            : [];
        for (const name of names) add(sections, name, section);
      }
    }
    return { path, sections };
  }

  private readPython(dir: string): Manifest | null {
    const present = PYTHON_MANIFESTS.map((name) => join(dir, name)).filter((path) => this.project.has(path));
    const requirementFiles = this.requirementFiles(dir);
    if (present.length === 0 && requirementFiles.length === 0) return null;
    const sections = new Map<string, Section[]>();
    const pyproject = this.project.read(join(dir, "pyproject.toml"));
    if (pyproject !== undefined)
      readPyproject(
        safe(() => parseToml(pyproject)),
        sections,
      );
    const setupCfg = this.project.read(join(dir, "setup.cfg"));
    if (setupCfg !== undefined) readSetupCfg(setupCfg, sections);
    const setupPy = this.project.read(join(dir, "setup.py"));
    if (setupPy !== undefined) for (const name of setupPyRequires(setupPy)) add(sections, name, "production");
    for (const path of requirementFiles) {
      const text = this.project.read(path);
      const section: Section = /dev|test|lint|doc|typ|ci|check/i.test(path.slice(dir.length))
        ? "dev"
        : "production";
      if (text !== undefined) for (const name of requirementNames(text)) add(sections, name, section);
    }
    return { path: present[0] ?? requirementFiles[0]!, sections };
  }

  /** requirements*.txt and requirements/*.txt of a directory (all directories indexed once). */
  private requirementFiles(dir: string): readonly string[] {
    if (this.requirements === null) {
      this.requirements = new Map();
      for (const path of this.project.paths) {
        const match = /^(?:(.*)\/)?requirements(?:[^/]*\.txt|\/[^/]+\.txt)$/.exec(path);
        if (!match) continue;
        const owner = match[1] ?? "";
        const list = this.requirements.get(owner) ?? [];
        list.push(path);
        this.requirements.set(owner, list);
      }
    }
    return this.requirements.get(dir) ?? [];
  }
}

function classes(manifest: Manifest | null, candidates: readonly string[]): DeclaredClass[] {
  if (manifest === null) return ["no-manifest"];
  const found = new Set<Section>();
  for (const candidate of candidates)
    for (const section of manifest.sections.get(candidate) ?? []) found.add(section);
  if (found.size === 0) return ["undeclared"];
  const result: DeclaredClass[] = [...found];
  if (found.size > 1) result.push("duplicate");
  return result;
}

function add(sections: Map<string, Section[]>, name: string, section: Section): void {
  const key = normalise(name);
  const list = sections.get(key) ?? [];
  if (!list.includes(section)) list.push(section);
  sections.set(key, list);
}

/** npm names are kept as written; Python distribution names get PEP 503 normalisation. */
function normalise(name: string): string {
  return name.startsWith("@") ? name : name.toLowerCase().replace(/[-_.]+/g, "-");
}

const DEV_GROUP =
  /^(dev|develop|development|test|tests|testing|lint|linting|doc|docs|typing|types|check|ci|style|format|mypy|qa)$/i;

function readPyproject(doc: TomlTable | undefined, sections: Map<string, Section[]>): void {
  if (doc === undefined) return;
  const project = table(doc.project);
  for (const spec of strings(project.dependencies)) add(sections, requirementName(spec), "production");
  for (const [group, specs] of Object.entries(table(project["optional-dependencies"])))
    for (const spec of strings(specs))
      add(sections, requirementName(spec), DEV_GROUP.test(group) ? "dev" : "optional");
  for (const specs of Object.values(table(doc["dependency-groups"])))
    for (const spec of strings(specs)) add(sections, requirementName(spec), "dev");
  const tool = table(doc.tool);
  const poetry = table(tool.poetry);
  for (const name of Object.keys(table(poetry.dependencies)))
    if (name !== "python") add(sections, name, "production");
  for (const name of Object.keys(table(poetry["dev-dependencies"]))) add(sections, name, "dev");
  for (const [group, body] of Object.entries(table(poetry.group)))
    for (const name of Object.keys(table(table(body).dependencies)))
      add(sections, name, DEV_GROUP.test(group) || group !== "main" ? "dev" : "production");
  for (const specs of Object.values(table(table(tool.pdm)["dev-dependencies"])))
    for (const spec of strings(specs)) add(sections, requirementName(spec), "dev");
  for (const spec of strings(table(tool.uv)["dev-dependencies"])) add(sections, requirementName(spec), "dev");
}

function readSetupCfg(text: string, sections: Map<string, Section[]>): void {
  const ini = parseIni(text);
  const options = ini.get("options");
  for (const spec of lines(options?.get("install_requires")))
    add(sections, requirementName(spec), "production");
  for (const spec of lines(options?.get("tests_require"))) add(sections, requirementName(spec), "dev");
  for (const [group, value] of ini.get("options.extras_require") ?? [])
    for (const spec of lines(value))
      add(sections, requirementName(spec), DEV_GROUP.test(group) ? "dev" : "optional");
}

/** The string literals of `install_requires=[…]` in setup.py, read as text. */
function setupPyRequires(text: string): string[] {
  const match = /install_requires\s*=\s*\[([^\]]*)\]/.exec(text);
  if (!match) return [];
  return [...match[1]!.matchAll(/["']([^"']+)["']/g)].map((m) => requirementName(m[1]!));
}

function requirementNames(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) continue;
    const name = requirementName(line);
    if (name !== "") names.push(name);
  }
  return names;
}

/** The distribution name of a PEP 508 requirement (`Django>=4; python_version>"3"` → Django). */
function requirementName(spec: string): string {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)?.[1] ?? "";
}

function lines(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
}

function table(value: TomlValue | undefined): TomlTable {
  return value !== undefined && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function strings(value: TomlValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function join(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}
