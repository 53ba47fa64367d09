/**
 * dependency-cruiser adoption: the rules of `.dependency-cruiser.{json,js,cjs,mjs,ts,cts,mts}`
 * (the names dependency-cruiser itself looks for, in its order) as ACC rule drafts. The
 * config is READ, never run (js-static.ts): `require`, `import`, spreads and `extends` are
 * followed inside the repository; `extends` of dependency-cruiser's presets uses the copies
 * in depcruise-presets.ts. The mapping is docs/acc-rule-language.md, "dependency-cruiser";
 * whatever it cannot express becomes a notice naming the rule and the attribute.
 */
import type { Notice } from "../../findings.ts";
import type { ImportKindName } from "../kinds.ts";
import type { DeclaredClass, SelectorObject, SelectorValue } from "../select/schema.ts";
import { ADOPT_NOTICE, type Adopter, type PolicyFiles, type RuleDraft } from "./adopter.ts";
import { depcruisePreset, depcruisePresetFile } from "./depcruise-presets.ts";
import {
  FileNeeded,
  type FileSource,
  isPlainObject,
  NotStatic,
  Opaque,
  originOf,
  resolveRepoSpecifier,
  StaticReader,
  type StaticValue,
  text,
} from "./js-static.ts";

export interface DependencyCruiserAdoption {
  readonly rules: RuleDraft[];
  readonly notices: Notice[];
  /** The config file read, or null when the repository has none. */
  readonly config: string | null;
}

/** dependency-cruiser's own search order (src/cli/defaults.mjs). */
export const DEPCRUISE_CONFIG_FILES = [
  ".dependency-cruiser.json",
  ".dependency-cruiser.js",
  ".dependency-cruiser.cjs",
  ".dependency-cruiser.mjs",
  ".dependency-cruiser.ts",
  ".dependency-cruiser.cts",
  ".dependency-cruiser.mts",
] as const;

const UNSUPPORTED = ADOPT_NOTICE.unsupported;
const INVALID = ADOPT_NOTICE.invalid;

/** More `extends` hops than this is not a real config. */
const MAX_EXTENDS = 20;

type Obj = { readonly [key: string]: StaticValue };

/**
 * The dependency-cruiser rules of a repository as ACC rule drafts. `files` gives the text of
 * a repo-relative path, null when absent, undefined when not read yet (see adoptDependencyCruiserFrom).
 */
export function adoptDependencyCruiser(files: FileSource, configPath?: string): DependencyCruiserAdoption {
  const path = configPath ?? DEPCRUISE_CONFIG_FILES.find((candidate) => text(files, candidate) !== null);
  if (path === undefined) return { rules: [], notices: [], config: null };
  const notices: Notice[] = [];
  const reader = new StaticReader(files, { external: depcruisePreset });
  let config: Obj;
  try {
    config = readWithExtends(reader, files, path, notices, new Set());
  } catch (error) {
    if (error instanceof FileNeeded) throw error;
    const problem = error instanceof NotStatic ? error : null;
    notices.push({
      file: problem?.file ?? path,
      line: problem?.line ?? null,
      kind: INVALID,
      message: `dependency-cruiser rules of ${path} were not adopted: ${problem?.reason ?? String(error)}`,
    });
    return { rules: [], notices, config: path };
  }
  const rules = new Translator(path, config, notices).translate();
  return { rules, notices, config: path };
}

/** dependency-cruiser in the adoption framework (index.ts): rules `depcruise:<rule name>`. */
export const dependencyCruiserAdopter: Adopter = {
  tool: "dependency-cruiser",
  prefix: "depcruise",
  async adopt(files: PolicyFiles) {
    const { rules, notices } = await adoptDependencyCruiserFrom((path) => files.read(path));
    return { rules, notices };
  },
};

/** The same from files that are read on demand (the app reads them through the API). */
export async function adoptDependencyCruiserFrom(
  read: (path: string) => Promise<string | null>,
  configPath?: string,
): Promise<DependencyCruiserAdoption> {
  const known = new Map<string, string | null>();
  for (const candidate of configPath === undefined ? DEPCRUISE_CONFIG_FILES : [configPath])
    known.set(candidate, await read(candidate));
  // Each round reads the one file the reader asked for; the reader reads at most 50 modules,
  // each probed under a handful of names.
  for (let round = 0; round < 1000; round++) {
    try {
      return adoptDependencyCruiser((path) => known.get(path), configPath);
    } catch (error) {
      if (!(error instanceof FileNeeded)) throw error;
      known.set(error.path, await read(error.path));
    }
  }
  throw new Error("dependency-cruiser config: too many files to read");
}

/** A config file's value with its `extends` merged in (dependency-cruiser's mergeConfigs). */
function readWithExtends(
  reader: StaticReader,
  files: FileSource,
  path: string,
  notices: Notice[],
  visited: Set<string>,
): Obj {
  if (visited.has(path))
    throw new NotStatic(path, null, `config is circular: ${[...visited, path].join(" -> ")}`);
  if (visited.size >= MAX_EXTENDS)
    throw new NotStatic(path, null, `more than ${MAX_EXTENDS} levels of extends`);
  visited.add(path);
  let value = reader.exportsOf(path);
  if (value instanceof Opaque || !isPlainObject(value)) {
    const preset = depcruisePresetFile(path);
    if (preset !== undefined) value = preset;
    else if (value instanceof Opaque) throw value.reason;
    else throw new NotStatic(path, null, "the exported value is not an object");
  }
  let config = value as Obj;
  const written = config.extends;
  if (written !== undefined) {
    const list = Array.isArray(written) ? (written as StaticValue[]) : [written];
    for (const entry of list) {
      if (typeof entry !== "string") {
        const reason = entry instanceof Opaque ? entry.reason.message : "not a string";
        notices.push({
          file: path,
          kind: UNSUPPORTED,
          message: `extends entry not read (${reason}): the rules it adds are not enforced`,
        });
        continue;
      }
      const base = readExtended(reader, files, path, entry, notices, new Set(visited));
      if (base === null) continue;
      config = mergeConfigs(config, base);
    }
  }
  const { extends: _dropped, ...rest } = config;
  return rest;
}

function readExtended(
  reader: StaticReader,
  files: FileSource,
  from: string,
  specifier: string,
  notices: Notice[],
  visited: Set<string>,
): Obj | null {
  const preset = depcruisePreset(specifier);
  if (preset !== undefined) return preset as Obj;
  const inRepo = text(files, specifier) !== null ? specifier : resolveRepoSpecifier(files, from, specifier);
  if (inRepo !== null) return readWithExtends(reader, files, inRepo, notices, visited);
  notices.push({
    file: from,
    kind: UNSUPPORTED,
    message: `extends "${specifier}" is neither a file of the repository nor a dependency-cruiser preset: the rules it adds are not enforced`,
  });
  return null;
}

/** dependency-cruiser's mergeConfigs (src/config-utl/extract-depcruise-config/merge-configs.mjs). */
function mergeConfigs(extended: Obj, base: Obj): Obj {
  const forbidden = mergeRules(list(extended.forbidden), list(base.forbidden));
  const required = mergeRules(list(extended.required), list(base.required));
  const allowed = uniqueBy([...list(extended.allowed), ...list(base.allowed)], canonical);
  const options = { ...(asObj(base.options) ?? {}), ...(asObj(extended.options) ?? {}) };
  return {
    ...extended,
    ...(forbidden.length > 0 ? { forbidden } : { forbidden: undefined }),
    ...(required.length > 0 ? { required } : { required: undefined }),
    ...(allowed.length > 0
      ? { allowed, allowedSeverity: extended.allowedSeverity ?? base.allowedSeverity ?? "warn" }
      : { allowed: undefined }),
    options,
  };
}

function mergeRules(extended: StaticValue[], base: StaticValue[]): StaticValue[] {
  const nameOf = (rule: StaticValue) =>
    isPlainObject(rule) && typeof rule.name === "string" ? rule.name : null;
  const anonymous = uniqueBy(
    [...extended, ...base].filter((rule) => nameOf(rule) === null),
    canonical,
  );
  const named = extended
    .filter((rule) => nameOf(rule) !== null)
    .map((rule) =>
      base
        .filter((candidate) => nameOf(candidate) === nameOf(rule))
        .reduce<Obj>((all, baseRule) => ({ ...(baseRule as Obj), ...all }), rule as Obj),
    );
  const unique = uniqueBy(
    [...named, ...base.filter((rule) => nameOf(rule) !== null)],
    (rule) => nameOf(rule)!,
  );
  return [...unique, ...anonymous];
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A key-order independent text of a value (isDeepStrictEqual for the values a config holds). */
function canonical(value: StaticValue): string {
  if (Array.isArray(value)) return `[${(value as StaticValue[]).map(canonical).join(",")}]`;
  if (isPlainObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  if (value instanceof Opaque) return `opaque:${value.reason.message}`;
  return value === undefined ? "undefined" : JSON.stringify(value);
}

function list(value: StaticValue): StaticValue[] {
  return Array.isArray(value) ? (value as StaticValue[]) : [];
}

function asObj(value: StaticValue): Obj | null {
  return isPlainObject(value) ? value : null;
}

// ---------------------------------------------------------------------------------------
// Translation

/** dependency-cruiser dependency types that say where an import leads, as `declared` classes. */
const PACKAGE_TYPES: Readonly<Record<string, DeclaredClass>> = {
  npm: "production",
  "npm-dev": "dev",
  "npm-optional": "optional",
  "npm-peer": "peer",
  "npm-bundled": "bundled",
  "npm-no-pkg": "undeclared",
  "npm-unknown": "no-manifest",
  core: "builtin",
};

/** dependency-cruiser dependency types that say how an import is written, as import kinds. */
const KIND_TYPES: Readonly<Record<string, readonly ImportKindName[]>> = {
  import: ["static"],
  export: ["export"],
  require: ["require"],
  "import-equals": ["require"],
  "dynamic-import": ["dynamic"],
  "type-only": ["type-only"],
  "type-import": ["type-only"],
};

const UNRESOLVED_TYPES = new Set(["unknown", "undetermined"]);
const LOCAL_TYPES = new Set(["local"]);

/** Options that only change how results are shown, cached or reported: nothing to enforce. */
const PRESENTATION_OPTIONS = new Set([
  "prefix",
  "progress",
  "cache",
  "reporterOptions",
  "outputType",
  "outputTo",
  "skipAnalysisNotInRules",
  "parser",
  "focus",
  "focusDepth",
  "reaches",
  "highlight",
  "collapse",
  "metrics",
  "experimentalStats",
  "preserveSymlinks",
  "baseDir",
  "knownViolations",
  "ruleSet",
  "validate",
  "affected",
  "extraExtensionsToScan",
  "externalModuleResolutionStrategy",
  "mono",
  "builtInModules",
]);

/** What every target class an import can lead to is: files, packages, or nothing resolvable. */
interface Targets {
  files: boolean;
  /** null: every package. */
  packages: Set<DeclaredClass> | null;
  /** Packages declared as any of these are not targets. */
  packagesNot: DeclaredClass[];
  unresolved: boolean;
}

interface Scope {
  /** Files dependency-cruiser does not cruise (exclude.path, outside includeOnly), as file selectors to subtract. */
  readonly fileNot: SelectorValue[];
  readonly packageNot: SelectorObject[];
  readonly unresolvedNot: SelectorObject[];
  /** Files whose own imports are not followed (doNotFollow outside node_modules). */
  readonly unfollowed: string | null;
  readonly ignoreKinds: ImportKindName[];
}

class Translator {
  private readonly drafts: RuleDraft[] = [];
  private readonly scope: Scope;
  private readonly path: string;
  private readonly config: Obj;
  private readonly notices: Notice[];

  constructor(path: string, config: Obj, notices: Notice[]) {
    this.path = path;
    this.config = config;
    this.notices = notices;
    this.scope = this.readOptions(asObj(config.options) ?? {});
  }

  translate(): RuleDraft[] {
    for (const [i, rule] of list(this.config.forbidden).entries()) this.forbidden(rule, i);
    for (const [i, rule] of list(this.config.required).entries()) this.required(rule, i);
    this.allowed();
    return this.drafts;
  }

  // --- options ---------------------------------------------------------------------------

  private readOptions(options: Obj): Scope {
    const fileNot: SelectorValue[] = [];
    const packageNot: SelectorObject[] = [];
    const unresolvedNot: SelectorObject[] = [];
    const ignoreKinds: ImportKindName[] = [];
    let unfollowed: string | null = null;
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined) continue;
      if (value instanceof Opaque) {
        if (!PRESENTATION_OPTIONS.has(key))
          this.unsupported(
            null,
            `options.${key} is not a static value (${value.reason.message}); it is not applied`,
          );
        continue;
      }
      switch (key) {
        case "exclude":
        case "includeOnly": {
          const spec = pathSpec(value);
          if (spec === null) {
            this.unsupported(null, `options.${key} is not a path regex or { path }; it is not applied`);
            break;
          }
          if (key === "exclude" && isPlainObject(value) && value.dynamic === true)
            ignoreKinds.push("dynamic");
          if (spec.path === null) break;
          if (key === "exclude") {
            fileNot.push({ regex: spec.path });
            packageNot.push({ package: "*", regex: spec.path });
            unresolvedNot.push({ unresolved: "*", regex: spec.path });
          } else {
            fileNot.push({ not: { regex: spec.path } });
            packageNot.push({ package: "*", not: { package: "*", regex: spec.path } });
            unresolvedNot.push({ unresolved: "*", not: { unresolved: "*", regex: spec.path } });
          }
          if (isPlainObject(value) && value.pathNot !== undefined)
            this.unsupported(null, `options.${key}.pathNot is not applied`);
          break;
        }
        case "doNotFollow": {
          const spec = pathSpec(value);
          if (spec === null) {
            this.unsupported(
              null,
              "options.doNotFollow is not a path regex or { path, dependencyTypes }; it is not applied",
            );
            break;
          }
          // Packages are never followed here; what remains is doNotFollow of the repository's own files.
          const own = spec.path === null ? null : withoutNodeModules(spec.path);
          if (own !== null) unfollowed = own;
          break;
        }
        case "tsPreCompilationDeps":
          break;
        case "moduleSystems": {
          const systems = Array.isArray(value) ? (value as StaticValue[]) : [];
          if (!systems.includes("cjs")) ignoreKinds.push("require");
          if (!systems.includes("es6"))
            this.unsupported(
              null,
              "options.moduleSystems without es6 is not applied (ES imports are still judged)",
            );
          break;
        }
        case "combinedDependencies":
          if (value === true)
            this.unsupported(
              null,
              "options.combinedDependencies is not applied: packages are judged against the nearest package.json only",
            );
          break;
        case "tsConfig": {
          const fileName = isPlainObject(value) ? value.fileName : undefined;
          if (typeof fileName === "string" && !/^(\.\/)?tsconfig\.json$/.test(fileName))
            this.unsupported(
              null,
              `options.tsConfig.fileName "${fileName}" is not used: imports resolve with the tsconfig.json nearest to each file`,
            );
          break;
        }
        case "enhancedResolveOptions": {
          const alias = isPlainObject(value) ? value.alias : undefined;
          if (alias !== undefined)
            this.unsupported(
              null,
              "options.enhancedResolveOptions.alias is not applied: imports resolve with tsconfig paths and package.json only",
            );
          break;
        }
        case "webpackConfig":
        case "babelConfig":
        case "exoticRequireStrings":
        case "maxDepth":
        case "detectJSDocImports":
        case "detectProcessBuiltinModuleCalls":
          this.unsupported(null, `options.${key} is not applied`);
          break;
        default:
          if (!PRESENTATION_OPTIONS.has(key))
            this.unsupported(null, `options.${key} is not known here; it is not applied`);
      }
    }
    const pre = options.tsPreCompilationDeps;
    if (pre !== true && pre !== "specify") ignoreKinds.push("type-only");
    return { fileNot, packageNot, unresolvedNot, unfollowed, ignoreKinds };
  }

  // --- rules ------------------------------------------------------------------------------

  private forbidden(raw: StaticValue, index: number): void {
    const rule = asObj(raw);
    if (rule === null) {
      this.unsupported(null, `forbidden[${index}] is not an object; not enforced`);
      return;
    }
    const name = typeof rule.name === "string" ? rule.name : "unnamed";
    const severity = this.severity(rule, name, "forbidden");
    if (severity === null) return;
    const from = asObj(rule.from) ?? {};
    const to = asObj(rule.to) ?? {};
    const problem = this.opaqueIn(rule) ?? this.unknownKeys(name, rule, from, to);
    if (problem !== null) {
      this.notEnforced(rule, name, problem);
      return;
    }
    if (rule.module !== undefined) {
      const keys = Object.keys(asObj(rule.module) ?? {}).join(", ");
      this.notEnforced(rule, name, `module-level conditions (module: { ${keys} }) cannot be expressed`);
      return;
    }
    if (rule.scope === "folder") {
      this.notEnforced(rule, name, "scope: folder (rules on folders) cannot be expressed");
      return;
    }
    const base = { severity, ...(typeof rule.comment === "string" ? { description: rule.comment } : {}) };

    if (from.orphan === true) {
      if (Object.keys(to).length > 0) {
        this.notEnforced(rule, name, "an orphan rule with conditions on `to` cannot be expressed");
        return;
      }
      this.emit(rule, name, {
        ...base,
        type: "orphans",
        files: this.fromSelector(from),
        ...this.kindOptions([], []),
      });
      return;
    }
    if (from.orphan === false)
      this.unsupported(
        name,
        "from.orphan: false is ignored (every module that has dependencies is a candidate anyway)",
      );

    const kinds = this.kindsOf(name, to);
    if (kinds === null) {
      this.notEnforced(rule, name, "its dependencyTypes can never occur in the import graph");
      return;
    }

    if (to.circular === true) {
      this.circular(rule, name, base, from, to, kinds);
      return;
    }
    if (to.circular === false) {
      this.notEnforced(rule, name, "to.circular: false cannot be expressed");
      return;
    }

    if (to.reachable === false) {
      this.emit(rule, name, {
        ...base,
        type: "unreachable",
        from: this.fromSelector(from),
        to: this.fileSelector(to),
        ...this.kindOptions(kinds.kinds, kinds.ignoreKinds),
      });
      return;
    }

    const targets = this.targetsOf(to);
    if (targets === null) {
      this.notEnforced(rule, name, "its `to` can match no import of the graph");
      return;
    }
    const selector = this.targetSelector(to, targets, to.moreThanOneDependencyType === true);
    if (selector === null) {
      this.notEnforced(rule, name, "its `to` can match no import of the graph");
      return;
    }
    this.emit(rule, name, {
      ...base,
      type: "forbidden",
      from: this.fromSelector(from),
      to: selector,
      indirect: to.reachable === true ? "any" : false,
      ...this.kindOptions(kinds.kinds, kinds.ignoreKinds),
      ...this.exemptions(),
    });
  }

  private circular(rule: Obj, name: string, base: Obj, from: Obj, to: Obj, kinds: KindFilter): void {
    if (to.path !== undefined || to.pathNot !== undefined)
      this.unsupported(
        name,
        "to.path / to.pathNot beside circular: the cycle's closing import is not filtered on its target",
      );
    const out: Record<string, StaticValue | SelectorValue> = {
      ...base,
      type: "no-cycles",
      report: "import",
    };
    if (from.path !== undefined || from.pathNot !== undefined || this.scope.fileNot.length > 0)
      out.from = this.fromSelector(from);
    const ignoreKinds = [...kinds.ignoreKinds];
    const viaOnly = normalizeVia(to.viaOnly, to.viaNot);
    const via = normalizeVia(to.via, to.viaSomeNot);
    if (viaOnly !== null) {
      const selector = regexSelector(viaOnly.path, viaOnly.pathNot);
      if (selector !== null) out.viaOnly = selector;
      const typesNot = viaOnly.dependencyTypesNot;
      if (Array.isArray(typesNot)) {
        for (const type of typesNot as StaticValue[]) {
          const mapped = typeof type === "string" ? KIND_TYPES[type] : undefined;
          if (mapped) ignoreKinds.push(...mapped);
          else this.unsupported(name, `to.viaOnly.dependencyTypesNot "${String(type)}" is not applied`);
        }
      }
      if (viaOnly.dependencyTypes !== undefined)
        this.unsupported(name, "to.viaOnly.dependencyTypes is not applied");
    }
    if (via !== null) {
      const selector = regexSelector(via.path, via.pathNot);
      if (selector !== null) out.via = selector;
      if (via.dependencyTypes !== undefined || via.dependencyTypesNot !== undefined)
        this.unsupported(name, "to.via.dependencyTypes / dependencyTypesNot are not applied");
    }
    if (kinds.kinds.length > 0) out.kinds = kinds.kinds;
    const ignore = [...new Set([...ignoreKinds, ...this.scope.ignoreKinds])];
    if (ignore.length > 0) out.ignoreKinds = ignore;
    const exempt = this.exemptions();
    this.emit(rule, name, { ...out, ...exempt });
  }

  private required(raw: StaticValue, index: number): void {
    const rule = asObj(raw);
    if (rule === null) {
      this.unsupported(null, `required[${index}] is not an object; not enforced`);
      return;
    }
    const name = typeof rule.name === "string" ? rule.name : "unnamed";
    const severity = this.severity(rule, name, "required");
    if (severity === null) return;
    const module = asObj(rule.module) ?? {};
    const to = asObj(rule.to) ?? {};
    const problem = this.opaqueIn(rule);
    if (problem !== null) {
      this.notEnforced(rule, name, problem);
      return;
    }
    for (const key of Object.keys(to))
      if (!["path", "pathNot", "reachable"].includes(key))
        this.unsupported(name, `required to.${key} is not applied`);
    this.emit(rule, name, {
      severity,
      ...(typeof rule.comment === "string" ? { description: rule.comment } : {}),
      type: "required",
      module: this.fromSelector(module),
      to: this.fileSelector(to),
      indirect: to.reachable === true ? "any" : false,
      ...this.kindOptions([], []),
      ...this.exemptions(),
    });
  }

  private allowed(): void {
    const entries = list(this.config.allowed);
    if (entries.length === 0) return;
    const written = this.config.allowedSeverity;
    const severity = mapSeverity(typeof written === "string" ? written : "warn");
    if (severity === null) return;
    const allow: Record<string, unknown>[] = [];
    entries.forEach((raw, i) => {
      const entry = asObj(raw);
      const opaque = entry === null ? null : this.opaqueIn(entry);
      if (entry === null || opaque !== null) {
        this.unsupported("not-in-allowed", `allowed[${i}] ${opaque ?? "is not an object"}: left out`);
        return;
      }
      const from = asObj(entry.from) ?? {};
      const to = asObj(entry.to) ?? {};
      const unknown = this.unknownKeys(`not-in-allowed (allowed[${i}])`, entry, from, to);
      if (
        unknown !== null ||
        to.circular !== undefined ||
        to.reachable !== undefined ||
        from.orphan !== undefined
      ) {
        this.unsupported(
          "not-in-allowed",
          `allowed[${i}] ${unknown ?? "uses circular, reachable or orphan"}: left out, so imports only it allows are reported`,
        );
        return;
      }
      const kinds = this.kindsOf(`not-in-allowed (allowed[${i}])`, to);
      const targets = this.targetsOf(to);
      if (kinds === null || targets === null) return;
      const selector = this.targetSelector(to, targets, to.moreThanOneDependencyType === true, false);
      if (selector === null) return;
      allow.push({
        ...(from.path !== undefined || from.pathNot !== undefined
          ? { from: this.fromSelector(from, false) }
          : {}),
        to: selector,
        ...(kinds.kinds.length > 0 ? { kinds: kinds.kinds } : {}),
        ...(kinds.ignoreKinds.length > 0 ? { ignoreKinds: kinds.ignoreKinds } : {}),
      });
    });
    if (allow.length === 0) return;
    const first = entries[0];
    const origin = originOf(first ?? null);
    this.drafts.push({
      name: "not-in-allowed",
      file: origin?.file ?? this.path,
      line: origin?.line ?? null,
      rule: {
        type: "allowed",
        severity,
        description: "dependency-cruiser `allowed`: every import must match one of the allowed rules",
        ...(this.scope.fileNot.length > 0 ? { from: { regex: ".", not: this.scope.fileNot } } : {}),
        allow,
        ...this.kindOptions([], []),
        ...this.exemptions(),
      },
    });
  }

  // --- pieces -----------------------------------------------------------------------------

  private severity(rule: Obj, name: string, section: string): string | null {
    const written = rule.severity ?? "warn";
    if (typeof written !== "string") {
      this.unsupported(name, `${section} rule severity is not a string; "warn" is used`);
      return "warning";
    }
    return mapSeverity(written);
  }

  /** The first non-static value inside a rule, described, or null. */
  private opaqueIn(value: StaticValue, at = ""): string | null {
    if (value instanceof Opaque) return `${at || "the rule"} is not a static value (${value.reason.message})`;
    if (Array.isArray(value)) {
      for (const [i, item] of (value as StaticValue[]).entries()) {
        const found = this.opaqueIn(item, `${at}[${i}]`);
        if (found) return found;
      }
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        const found = this.opaqueIn(item, at === "" ? key : `${at}.${key}`);
        if (found) return found;
      }
    }
    return null;
  }

  /** A rule attribute that cannot be expressed (the rule is then not enforced), or null. */
  private unknownKeys(name: string, rule: Obj, from: Obj, to: Obj): string | null {
    const fromAllowed = new Set(["path", "pathNot", "orphan"]);
    for (const key of Object.keys(from)) if (!fromAllowed.has(key)) return `from.${key} cannot be expressed`;
    const toAllowed = new Set([
      "path",
      "pathNot",
      "dependencyTypes",
      "dependencyTypesNot",
      "circular",
      "via",
      "viaOnly",
      "viaNot",
      "viaSomeNot",
      "reachable",
      "couldNotResolve",
      "moreThanOneDependencyType",
      "dynamic",
      "exoticallyRequired",
      "preCompilationOnly",
    ]);
    for (const key of Object.keys(to)) if (!toAllowed.has(key)) return `to.${key} cannot be expressed`;
    if (to.exoticallyRequired === true)
      return "to.exoticallyRequired: true cannot be expressed (exotic requires are not extracted)";
    if (to.exoticallyRequired === false)
      this.unsupported(
        name,
        "to.exoticallyRequired: false holds for every import seen here (exotic requires are not extracted)",
      );
    for (const key of Object.keys(rule))
      if (!["name", "severity", "comment", "from", "to", "module", "scope"].includes(key))
        this.unsupported(name, `${key} is ignored`);
    return null;
  }

  /** Which kinds of import the rule sees (dependencyTypes and friends plus the global options). */
  private kindsOf(name: string, to: Obj): KindFilter | null {
    const kinds: ImportKindName[] = [];
    const ignoreKinds: ImportKindName[] = [];
    const types = stringList(to.dependencyTypes);
    const typesNot = stringList(to.dependencyTypesNot);
    let unknownOnly = types.length > 0;
    for (const type of types) {
      const mapped = KIND_TYPES[type];
      if (mapped) {
        kinds.push(...mapped);
        unknownOnly = false;
      } else if (type in PACKAGE_TYPES || LOCAL_TYPES.has(type) || UNRESOLVED_TYPES.has(type))
        unknownOnly = false;
      else this.unsupported(name, `dependency type "${type}" is not seen here`);
    }
    if (unknownOnly) return null;
    for (const type of typesNot) {
      const mapped = KIND_TYPES[type];
      if (mapped) ignoreKinds.push(...mapped);
      else if (!(type in PACKAGE_TYPES || LOCAL_TYPES.has(type) || UNRESOLVED_TYPES.has(type)))
        this.unsupported(name, `dependencyTypesNot "${type}" is not seen here (nothing is excluded for it)`);
    }
    if (kinds.includes("static") && !types.includes("export")) ignoreKinds.push("export");
    const targetTypes = types.filter((type) => !(type in KIND_TYPES));
    if (kinds.length > 0 && targetTypes.length > 0)
      this.unsupported(
        name,
        `dependencyTypes mixes import kinds and targets (${types.join(", ")}): an import must match both here (dependency-cruiser: either)`,
      );
    if (to.dynamic === true) kinds.push("dynamic");
    if (to.dynamic === false) ignoreKinds.push("dynamic");
    if (to.preCompilationOnly === true) {
      kinds.push("type-only");
      this.unsupported(
        name,
        "to.preCompilationOnly: true is judged on type-only imports (`import type`); value imports used only as types are not told apart",
      );
    }
    if (to.preCompilationOnly === false) {
      ignoreKinds.push("type-only");
      this.unsupported(
        name,
        "to.preCompilationOnly: false is judged on type-only imports (`import type`); value imports used only as types are not told apart",
      );
    }
    return { kinds: [...new Set(kinds)], ignoreKinds: [...new Set(ignoreKinds)] };
  }

  /** The target classes `to` may match, or null when none. */
  private targetsOf(to: Obj): Targets | null {
    const types = stringList(to.dependencyTypes).filter((type) => !(type in KIND_TYPES));
    const typesNot = stringList(to.dependencyTypesNot).filter((type) => !(type in KIND_TYPES));
    const targets: Targets = { files: true, packages: null, packagesNot: [], unresolved: true };
    if (types.length > 0) {
      targets.files = types.some((type) => LOCAL_TYPES.has(type));
      targets.unresolved = types.some((type) => UNRESOLVED_TYPES.has(type));
      const classes = types.filter((type) => type in PACKAGE_TYPES).map((type) => PACKAGE_TYPES[type]!);
      targets.packages = new Set(classes);
    }
    if (typesNot.some((type) => LOCAL_TYPES.has(type))) targets.files = false;
    if (typesNot.some((type) => UNRESOLVED_TYPES.has(type))) targets.unresolved = false;
    // dependencyTypesNot of packages: a package with ANY of these types is left out (targetSelector).
    targets.packagesNot = typesNot
      .filter((type) => type in PACKAGE_TYPES)
      .map((type) => PACKAGE_TYPES[type]!);
    if (to.couldNotResolve === true) {
      targets.files = false;
      targets.packages = new Set();
      targets.unresolved = true;
    } else if (to.couldNotResolve === false) targets.unresolved = false;
    if (to.moreThanOneDependencyType === true) {
      targets.files = false;
      targets.unresolved = false;
    }
    if (!targets.files && !targets.unresolved && targets.packages !== null && targets.packages.size === 0)
      return null;
    return targets;
  }

  /** The ACC selector of everything `to` matches (files, packages, unresolvable imports). */
  private targetSelector(to: Obj, targets: Targets, duplicate: boolean, scoped = true): SelectorValue | null {
    const path = regexOf(to.path);
    const pathNot = regexOf(to.pathNot);
    const terms: SelectorObject[] = [];
    if (targets.files) {
      const not = [...(pathNot !== null ? [{ regex: pathNot }] : []), ...(scoped ? this.scope.fileNot : [])];
      terms.push({
        regex: path ?? ".",
        ...(not.length > 0 ? { not: (not.length === 1 ? not[0]! : not) as SelectorValue } : {}),
      });
    }
    if (targets.packages === null || targets.packages.size > 0) {
      const not: SelectorObject[] = [
        ...(pathNot !== null ? [{ package: "*", regex: pathNot }] : []),
        ...(targets.packagesNot.length > 0 ? [{ package: "*", declared: targets.packagesNot }] : []),
        ...(scoped ? this.scope.packageNot : []),
      ];
      const declared: DeclaredClass[] = duplicate
        ? ["duplicate"]
        : targets.packages === null
          ? []
          : [...targets.packages];
      if (duplicate && targets.packages !== null)
        not.push({ package: "*", not: { package: "*", declared: [...targets.packages] } });
      terms.push({
        package: "*",
        ...(declared.length > 0 ? { declared } : {}),
        ...(path !== null ? { regex: path } : {}),
        ...(not.length > 0 ? { not } : {}),
      });
    }
    if (targets.unresolved) {
      const not: SelectorObject[] = [
        ...(pathNot !== null ? [{ unresolved: "*", regex: pathNot }] : []),
        ...(scoped ? this.scope.unresolvedNot : []),
      ];
      terms.push({
        unresolved: "*",
        ...(path !== null ? { regex: path } : {}),
        ...(not.length > 0 ? { not } : {}),
      });
    }
    if (terms.length === 0) return null;
    return terms.length === 1 ? terms[0]! : terms;
  }

  /** A `from` / `module` side: the files its path / pathNot select, minus the files not cruised. */
  private fromSelector(side: Obj, scoped = true): SelectorObject {
    const path = regexOf(side.path);
    const pathNot = regexOf(side.pathNot);
    const not: SelectorValue[] = [
      ...(pathNot !== null ? [{ regex: pathNot }] : []),
      ...(scoped ? this.scope.fileNot : []),
    ];
    return {
      regex: path ?? ".",
      ...(not.length > 0 ? { not: (not.length === 1 ? not[0]! : not) as SelectorValue } : {}),
    };
  }

  /** Files only (reachable, required): path / pathNot. */
  private fileSelector(side: Obj): SelectorObject {
    return this.fromSelector(side);
  }

  private kindOptions(
    kinds: readonly ImportKindName[],
    ignore: readonly ImportKindName[],
  ): Record<string, unknown> {
    const ignoreKinds = [...new Set([...ignore, ...this.scope.ignoreKinds])].filter(
      (kind) => !kinds.includes(kind),
    );
    return {
      ...(kinds.length > 0 ? { kinds } : {}),
      ...(ignoreKinds.length > 0 ? { ignoreKinds } : {}),
    };
  }

  /** Imports dependency-cruiser never sees: of files it does not follow, and to modules it excludes (chains included). */
  private exemptions(): Record<string, unknown> {
    const exempt: { from: SelectorValue; to: SelectorValue }[] = [];
    const everything: SelectorValue = [{ regex: "." }, { package: "*" }, { unresolved: "*" }];
    if (this.scope.unfollowed !== null)
      exempt.push({ from: { regex: this.scope.unfollowed }, to: everything });
    if (this.scope.fileNot.length > 0) {
      for (const not of this.scope.fileNot) {
        exempt.push({ from: not, to: everything });
        exempt.push({ from: { regex: "." }, to: not });
      }
    }
    return exempt.length > 0 ? { exempt, unmatchedExemptions: "off" } : {};
  }

  private emit(rule: Obj, name: string, draft: Record<string, unknown>): void {
    const origin = originOf(rule);
    this.drafts.push({ name, file: origin?.file ?? this.path, line: origin?.line ?? null, rule: draft });
  }

  private notEnforced(rule: Obj, name: string, why: string): void {
    const origin = originOf(rule);
    this.notices.push({
      file: origin?.file ?? this.path,
      line: origin?.line ?? null,
      kind: UNSUPPORTED,
      message: `dependency-cruiser rule "${name}" is not enforced: ${why}`,
    });
  }

  private unsupported(name: string | null, what: string): void {
    this.notices.push({
      file: this.path,
      kind: UNSUPPORTED,
      message: name === null ? `dependency-cruiser ${what}` : `dependency-cruiser rule "${name}": ${what}`,
    });
  }
}

interface KindFilter {
  readonly kinds: ImportKindName[];
  readonly ignoreKinds: ImportKindName[];
}

function mapSeverity(written: string): string | null {
  switch (written) {
    case "error":
      return "error";
    case "info":
      return "info";
    case "ignore":
      return null;
    default:
      return "warning";
  }
}

function stringList(value: StaticValue): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value)
    ? (value as StaticValue[]).filter((item): item is string => typeof item === "string")
    : [];
}

/** A path / pathNot as one regex (dependency-cruiser joins a list with "|"). */
function regexOf(value: StaticValue): string | null {
  const items = stringList(value);
  return items.length === 0 ? null : items.join("|");
}

/** `options.exclude` / `includeOnly` / `doNotFollow`: a regex, a list, or `{ path }`. */
function pathSpec(value: StaticValue): { path: string | null } | null {
  if (typeof value === "string" || Array.isArray(value)) return { path: regexOf(value) };
  if (isPlainObject(value)) return { path: regexOf(value.path) };
  return null;
}

/** A doNotFollow path without its node_modules alternatives (packages are never followed here), or null. */
function withoutNodeModules(path: string): string | null {
  const rest = path.split("|").filter((part) => !/^\^?node_modules\/?$/.test(part) && part !== "");
  return rest.length === 0 ? null : rest.join("|");
}

/** via / viaOnly as `{ path, pathNot, dependencyTypes… }` (a string or list is a path; viaNot / viaSomeNot are pathNot). */
function normalizeVia(value: StaticValue, legacyNot: StaticValue): Obj | null {
  let via: Obj | null = null;
  if (typeof value === "string" || Array.isArray(value)) via = { path: value };
  else if (isPlainObject(value)) via = value;
  if (legacyNot !== undefined && (via === null || via.pathNot === undefined))
    via = { ...(via ?? {}), pathNot: legacyNot };
  return via;
}

function regexSelector(path: StaticValue, pathNot: StaticValue): SelectorObject | null {
  const p = regexOf(path);
  const n = regexOf(pathNot);
  if (p === null && n === null) return null;
  return { regex: p ?? ".", ...(n !== null ? { not: { regex: n } } : {}) };
}
