/**
 * import-linter contracts as ACC rules (docs/acc-rule-language.md, "import-linter").
 *
 * Where import-linter looks: `setup.cfg` then `.importlinter` (the first with an
 * `[importlinter]` section), then `pyproject.toml` `[tool.importlinter]` — its own order. Each
 * contract becomes one rule `importlinter:<id or name>` with import-linter's semantics: chains
 * count (indirect imports) unless `allow_indirect_imports`, modules are packages (descendants
 * included) unless `as_packages = False`, `ignore_imports` removes imports everywhere for that
 * contract (chains included), `exclude_type_checking_imports` drops `if TYPE_CHECKING:` imports,
 * and dynamic imports (`importlib.import_module`) never count: grimp does not see them.
 * A contract type, option or value we cannot express is a notice naming the contract and the
 * option; so is one import-linter itself would refuse.
 */
import type { Notice } from "../../findings.ts";
import {
  ADOPT_NOTICE,
  type Adopter,
  type AdopterResult,
  type PolicyFiles,
  type RuleDraft,
} from "./adopter.ts";
import { IniError, parseIniSections } from "./ini.ts";
import { parseTomlDocument, TomlReadError } from "./toml.ts";

const TOOL = "import-linter";

/** An option's raw value: one string or a list (import-linter's fields parse both). */
type Raw = string | readonly string[];

interface RawOption {
  readonly value: Raw;
  readonly line: number | null;
}

interface RawContract {
  readonly id: string | null;
  readonly line: number | null;
  readonly options: ReadonlyMap<string, RawOption>;
}

/** The options as import-linter's readers return them, with lines. */
interface RawConfig {
  readonly file: string;
  readonly session: ReadonlyMap<string, RawOption>;
  readonly contracts: readonly RawContract[];
}

export const importLinterAdopter: Adopter = {
  tool: TOOL,
  prefix: "importlinter",
  async adopt(files) {
    const notices: Notice[] = [];
    const config = await findConfig(files, notices);
    if (config === null) return { rules: [], notices };
    return translate(config, notices);
  },
};

// ---- reading --------------------------------------------------------------------------------

const INI_FILES = ["setup.cfg", ".importlinter"] as const;
const TOML_FILE = "pyproject.toml";

async function findConfig(files: PolicyFiles, notices: Notice[]): Promise<RawConfig | null> {
  for (const file of INI_FILES) {
    const text = await files.read(file);
    if (text === null) continue;
    const config = readIni(file, text, notices);
    if (config !== null) return config;
  }
  const text = await files.read(TOML_FILE);
  return text === null ? null : readToml(TOML_FILE, text, notices);
}

function readIni(file: string, text: string, notices: Notice[]): RawConfig | null {
  // Cheap test first: most setup.cfg files have no import-linter section at all.
  if (!/^\s*\[importlinter[\]:]/m.test(text)) return null;
  let sections: ReturnType<typeof parseIniSections>;
  try {
    sections = parseIniSections(text);
  } catch (error) {
    if (!(error instanceof IniError)) throw error;
    notices.push(invalid(file, error.line, `${file} cannot be read as INI: ${error.message}`));
    return null;
  }
  const main = sections.find((section) => section.name === "importlinter");
  if (main === undefined) return null;
  const options = (entries: ReadonlyMap<string, { lines: readonly string[]; line: number }>) =>
    new Map(
      [...entries].map(([key, entry]) => [
        key,
        {
          value: entry.lines.length === 1 ? entry.lines[0]! : entry.lines.filter((l) => l !== ""),
          line: entry.line,
        },
      ]),
    );
  return {
    file,
    session: options(main.entries),
    contracts: sections
      .filter((section) => section.name.startsWith("importlinter:"))
      .map((section) => ({
        id: section.name.split(":").at(-1) ?? null,
        line: section.line,
        options: options(section.entries),
      })),
  };
}

function readToml(file: string, text: string, notices: Notice[]): RawConfig | null {
  if (!text.includes("importlinter")) return null;
  let document: Record<string, unknown>;
  try {
    document = parseTomlDocument(text);
  } catch (error) {
    if (!(error instanceof TomlReadError)) throw error;
    notices.push(invalid(file, error.line, `${file} cannot be read as TOML: ${error.message}`));
    return null;
  }
  const tool = asTable(document.tool);
  const section = tool === null ? null : asTable(tool.importlinter);
  if (section === null || Object.keys(section).length === 0) return null;
  const line = lineOf(text, /^\s*\[\s*tool\.importlinter\s*\]/m);
  const contractsLine = lineOf(text, /^\s*\[\[\s*tool\.importlinter\.contracts\s*\]\]/m);
  const session = new Map<string, RawOption>();
  for (const [key, value] of Object.entries(section)) {
    if (key === "contracts") continue;
    const raw = tomlRaw(value);
    if (raw === null) {
      notices.push(
        invalid(
          file,
          line,
          `${file}: [tool.importlinter] ${key} is not a string, boolean or list of strings`,
        ),
      );
      continue;
    }
    session.set(key, { value: raw, line });
  }
  const contracts: RawContract[] = [];
  const list = Array.isArray(section.contracts) ? section.contracts : [];
  const contractLines = linesOf(text, /^\s*\[\[\s*tool\.importlinter\.contracts\s*\]\]/gm);
  list.forEach((entry, index) => {
    const table = asTable(entry);
    const at = contractLines[index] ?? contractsLine;
    if (table === null) {
      notices.push(invalid(file, at, `${file}: tool.importlinter.contracts[${index}] is not a table`));
      return;
    }
    const options = new Map<string, RawOption>();
    for (const [key, value] of Object.entries(table)) {
      const raw = tomlRaw(value);
      if (raw === null) {
        notices.push(
          invalid(
            file,
            at,
            `${file}: contract #${index + 1}: ${key} is not a string, boolean or list of strings`,
          ),
        );
        continue;
      }
      options.set(key, { value: raw, line: at });
    }
    const id = options.get("id");
    contracts.push({ id: typeof id?.value === "string" ? id.value : null, line: at, options });
  });
  return { file, session, contracts };
}

/** import-linter's TOML reader turns booleans into "True"/"False"; numbers are read as text by its fields. */
function tomlRaw(value: unknown): Raw | null {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  return null;
}

function asTable(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)
    ? (value as Record<string, unknown>)
    : null;
}

function lineOf(text: string, pattern: RegExp): number | null {
  const match = pattern.exec(text);
  return match === null
    ? null
    : text.slice(0, match.index + (match[0].length - match[0].trimStart().length)).split("\n").length;
}

function linesOf(text: string, pattern: RegExp): number[] {
  return [...text.matchAll(pattern)].map(
    (match) =>
      text.slice(0, match.index + (match[0].length - match[0].trimStart().length)).split("\n").length,
  );
}

// ---- translating ----------------------------------------------------------------------------

/** The options each contract type knows (besides name, type, id), as import-linter 2.x declares them. */
const CONTRACT_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  forbidden: [
    "source_modules",
    "forbidden_modules",
    "ignore_imports",
    "allow_indirect_imports",
    "unmatched_ignore_imports_alerting",
    "as_packages",
  ],
  layers: [
    "layers",
    "containers",
    "ignore_imports",
    "unmatched_ignore_imports_alerting",
    "exhaustive",
    "exhaustive_ignores",
  ],
  independence: ["modules", "ignore_imports", "unmatched_ignore_imports_alerting"],
  protected: [
    "protected_modules",
    "allowed_importers",
    "ignore_imports",
    "unmatched_ignore_imports_alerting",
    "as_packages",
  ],
  acyclic_siblings: [
    "ancestors",
    "depth",
    "skip_descendants",
    "ignore_imports",
    "unmatched_ignore_imports_alerting",
  ],
};

/** Session options that only steer the run (output, cache): nothing to enforce. */
const RUN_OPTIONS = new Set(["show_timings", "cache_dir", "verbose", "no_cache"]);
const SESSION_OPTIONS = new Set([
  "root_package",
  "root_packages",
  "include_external_packages",
  "exclude_type_checking_imports",
  "contract_types",
  ...RUN_OPTIONS,
]);

/** A contract option value import-linter refuses: the contract is not enforced, as import-linter would stop. */
class ContractError extends Error {
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

interface Session {
  readonly file: string;
  readonly rootPackages: readonly string[];
  readonly includeExternal: boolean;
  readonly excludeTypeChecking: boolean;
  readonly customTypes: ReadonlySet<string>;
}

function translate(config: RawConfig, notices: Notice[]): AdopterResult {
  const { file } = config;
  const session = readSession(config, notices);
  if (session === null) return { rules: [], notices };
  const rules: RuleDraft[] = [];
  config.contracts.forEach((contract, index) => {
    const name = single(contract.options.get("name")?.value) ?? contract.id ?? `contract-${index + 1}`;
    const label = `contract "${name}"`;
    const type = single(contract.options.get("type")?.value);
    if (type === null) {
      notices.push(invalid(file, contract.line, `${TOOL} ${label} has no type: not enforced`));
      return;
    }
    if (session.customTypes.has(type) || !(type in CONTRACT_OPTIONS)) {
      notices.push(
        unsupported(
          file,
          contract.line,
          `${TOOL} ${label}: contract type "${type}" ${session.customTypes.has(type) ? "is a custom contract type (Python code, never run here)" : "is not one import-linter ships"}: not enforced`,
        ),
      );
      return;
    }
    const known = new Set(["name", "type", "id", ...CONTRACT_OPTIONS[type]!]);
    for (const [key, option] of contract.options) {
      if (!known.has(key))
        notices.push(
          unsupported(
            file,
            option.line ?? contract.line,
            `${TOOL} ${label}: option "${key}" is not an option of ${type} contracts: ignored`,
          ),
        );
    }
    try {
      const rule = CONTRACTS[type as keyof typeof CONTRACTS](contract, session, (option, message) =>
        notices.push(
          unsupported(
            file,
            contract.options.get(option)?.line ?? contract.line,
            `${TOOL} ${label}: ${option}: ${message}`,
          ),
        ),
      );
      rules.push({
        name: contract.id ?? name,
        file,
        line: contract.line,
        rule: { description: name, ...rule, ...commonOptions(contract, session) },
      });
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      notices.push(
        invalid(
          file,
          contract.options.get(error.option)?.line ?? contract.line,
          `${TOOL} ${label}: ${error.option}: ${error.message} (import-linter refuses this contract): not enforced`,
        ),
      );
    }
  });
  return { rules, notices };
}

function readSession(config: RawConfig, notices: Notice[]): Session | null {
  const { file, session } = config;
  for (const [key, option] of session) {
    if (!SESSION_OPTIONS.has(key))
      notices.push(
        unsupported(file, option.line, `${TOOL}: option "${key}" of [importlinter] is not known: ignored`),
      );
  }
  const roots = session.get("root_packages") ?? session.get("root_package");
  const rootPackages = roots === undefined ? [] : list(roots.value);
  if (rootPackages.length === 0) {
    notices.push(
      invalid(file, null, `${TOOL}: [importlinter] has no root_package(s): its contracts are not enforced`),
    );
    return null;
  }
  const customTypes = new Set(
    list(session.get("contract_types")?.value ?? []).map((entry) => entry.split(":")[0]!.trim()),
  );
  if (customTypes.size > 0)
    notices.push(
      unsupported(
        file,
        session.get("contract_types")?.line ?? null,
        `${TOOL}: contract_types ${[...customTypes].join(", ")} are custom Python classes: their contracts are not enforced`,
      ),
    );
  return {
    file,
    rootPackages,
    includeExternal: isTrue(session.get("include_external_packages")?.value),
    excludeTypeChecking: isTrue(session.get("exclude_type_checking_imports")?.value),
    customTypes,
  };
}

type Warn = (option: string, message: string) => void;
type ContractTranslator = (contract: RawContract, session: Session, warn: Warn) => Record<string, unknown>;

const CONTRACTS: Record<
  "forbidden" | "layers" | "independence" | "protected" | "acyclic_siblings",
  ContractTranslator
> = {
  forbidden(contract, session) {
    const sources = moduleExpressions(contract, "source_modules", true);
    const forbidden = moduleExpressions(contract, "forbidden_modules", true);
    const external = forbidden.filter((expression) => !isInternal(expression, session));
    for (const module of external) {
      if (!session.includeExternal)
        throw new ContractError(
          "forbidden_modules",
          `"${module}" is outside the root packages, which needs include_external_packages = True`,
        );
      if (module.includes("."))
        throw new ContractError(
          "forbidden_modules",
          `"${module}": subpackages of external packages are not valid`,
        );
    }
    const asPackages = booleanOption(contract, "as_packages", true);
    return {
      type: "forbidden",
      from: sources.map(moduleSelector),
      to: forbidden.map((module) =>
        isInternal(module, session) ? moduleSelector(module) : `package:${module}`,
      ),
      indirect: !booleanOption(contract, "allow_indirect_imports", false),
      overlapping: "skip",
      asPackages,
    };
  },

  layers(contract, session, warn) {
    const containers = list(contract.options.get("containers")?.value ?? []);
    for (const container of containers) {
      checkModuleExpression("containers", container);
      if (!isInternal(container, session))
        throw new ContractError(
          "containers",
          `"${container}" is not a root package or a subpackage of one (${session.rootPackages.join(", ")})`,
        );
    }
    const exhaustive = booleanOption(contract, "exhaustive", false);
    if (exhaustive && containers.length === 0)
      throw new ContractError(
        "exhaustive",
        "the exhaustive option is not supported for contracts without containers",
      );
    const raw = list(required(contract, "layers"));
    const layers = raw.map((text) => layerEntry(text, containers.length > 0, warn));
    if (layers.length < 2)
      throw new ContractError("layers", "fewer than two layers: there is nothing to check between layers");
    return {
      type: "layers",
      layers,
      ...(containers.length > 0 ? { containers: containers.map(moduleSelector) } : {}),
      exhaustive,
      exhaustiveIgnores: list(contract.options.get("exhaustive_ignores")?.value ?? []),
    };
  },

  independence(contract) {
    return {
      type: "independence",
      modules: moduleExpressions(contract, "modules", true).map(moduleSelector),
    };
  },

  protected(contract) {
    const allowed = moduleExpressions(contract, "allowed_importers", true);
    return {
      type: "protected",
      modules: moduleExpressions(contract, "protected_modules", true).map(moduleSelector),
      allowedImporters: allowed.map(moduleSelector),
      asPackages: booleanOption(contract, "as_packages", true),
    };
  },

  acyclic_siblings(contract) {
    const depthText = single(contract.options.get("depth")?.value);
    const depth = depthText === null ? 10 : Number(depthText);
    if (!Number.isInteger(depth) || depth < 0)
      throw new ContractError("depth", `"${depthText}" is not an integer >= 0`);
    return {
      type: "acyclic-siblings",
      ancestors: moduleExpressions(contract, "ancestors", true).map(moduleSelector),
      depth,
      skipDescendants: moduleExpressions(contract, "skip_descendants", false).map(moduleSelector),
    };
  },
};

/** Options every adopted contract carries: exemptions, their alerting, the import kinds grimp counts. */
function commonOptions(contract: RawContract, session: Session): Record<string, unknown> {
  const ignores = list(contract.options.get("ignore_imports")?.value ?? []);
  const exempt = ignores.map((expression) => {
    const [importer, imported] = importExpression(expression);
    return {
      from: moduleSelector(importer),
      to: isInternal(imported, session) ? moduleSelector(imported) : `package:${imported.split(".")[0]}`,
    };
  });
  const alerting =
    single(contract.options.get("unmatched_ignore_imports_alerting")?.value)?.trim() || "error";
  const unmatched = { error: "error", warn: "warning", none: "off" }[alerting];
  if (unmatched === undefined)
    throw new ContractError(
      "unmatched_ignore_imports_alerting",
      `invalid value "${alerting}": expected 'none', 'warn' or 'error'`,
    );
  return {
    // grimp reads import statements only: dynamic imports never count.
    ignoreKinds: session.excludeTypeChecking ? ["dynamic", "type-checking"] : ["dynamic"],
    exempt,
    unmatchedExemptions: unmatched,
  };
}

/** One entry of `layers`: `x`, `(x)` optional, `a | b` independent siblings, `a : b` siblings. */
function layerEntry(text: string, inContainers: boolean, warn: Warn): unknown {
  const independent = text.includes("|");
  const siblings = text.includes(":");
  if (independent && siblings)
    throw new ContractError(
      "layers",
      `"${text}": a layer cannot mix independent ("|") and non-independent (":") siblings`,
    );
  const parts = text.split(independent ? "|" : siblings ? ":" : /$^/).map((part) => part.trim());
  const members = parts.map((part) => {
    const optional = part.startsWith("(") && part.endsWith(")");
    const name = optional ? part.slice(1, -1).trim() : part;
    checkModuleExpression("layers", name);
    return { name: inContainers ? name : moduleSelector(name), optional };
  });
  const optional = members.every((member) => member.optional);
  if (!optional && members.some((member) => member.optional))
    warn(
      "layers",
      `"${text}" mixes optional and required siblings: enforced with every sibling required (a missing one is a finding)`,
    );
  if (members.length === 1) {
    const only = members[0]!;
    return only.optional ? { layer: only.name, optional: true } : only.name;
  }
  const names = members.map((member) => member.name);
  const entry = independent ? { independent: names } : { siblings: names };
  return optional ? { ...entry, optional: true } : entry;
}

function moduleSelector(expression: string): string {
  return `module:${expression}`;
}

/** Whether a module (expression) is inside one of the root packages. */
function isInternal(expression: string, session: Session): boolean {
  const head = expression.split(".");
  return session.rootPackages.some((root) => {
    const rootParts = root.split(".");
    return rootParts.every((part, i) => head[i] === part || head[i] === "*" || head[i] === "**");
  });
}

function moduleExpressions(contract: RawContract, option: string, isRequired: boolean): string[] {
  const value = contract.options.get(option)?.value;
  if (value === undefined) {
    if (isRequired) throw new ContractError(option, "this option is required");
    return [];
  }
  const expressions = [...new Set(list(value))];
  for (const expression of expressions) checkModuleExpression(option, expression);
  return expressions;
}

/** import-linter's ModuleExpressionField checks. */
function checkModuleExpression(option: string, expression: string): void {
  let last: string | null = null;
  for (const part of expression.split(".")) {
    if (last === "**" && (part === "*" || part === "**"))
      throw new ContractError(
        option,
        `"${expression}": a recursive wildcard cannot be followed by a wildcard`,
      );
    if (last === "*" && part === "**")
      throw new ContractError(
        option,
        `"${expression}": a wildcard cannot be followed by a recursive wildcard`,
      );
    if (part === "*" || part === "**") {
      last = part;
      continue;
    }
    if (part.includes("*"))
      throw new ContractError(option, `"${expression}": a wildcard can only replace a whole module`);
    if (!/^\w+$/u.test(part)) throw new ContractError(option, `"${expression}" is not a dotted module name`);
    last = null;
  }
}

function importExpression(text: string): [string, string] {
  const arrow = text.indexOf("->");
  const importer = arrow < 0 ? "" : text.slice(0, arrow).trim();
  const imported = arrow < 0 ? "" : text.slice(arrow + 2).trim();
  if (importer === "" || imported === "")
    throw new ContractError(
      "ignore_imports",
      `"${text}": must be in the form "package.importer -> package.imported"`,
    );
  checkModuleExpression("ignore_imports", importer);
  checkModuleExpression("ignore_imports", imported);
  return [importer, imported];
}

function required(contract: RawContract, option: string): Raw {
  const value = contract.options.get(option)?.value;
  if (value === undefined) throw new ContractError(option, "this option is required");
  return value;
}

function booleanOption(contract: RawContract, option: string, fallback: boolean): boolean {
  const value = contract.options.get(option)?.value;
  if (value === undefined) return fallback;
  const text = single(value);
  if (text === null) throw new ContractError(option, "expected a single value, got multiple values");
  if (text.toLowerCase() === "true") return true;
  if (text.toLowerCase() === "false") return false;
  throw new ContractError(option, `could not parse a boolean from '${text}'`);
}

/** Values as import-linter's multiple-value fields see them: a single value is a one-item list; blank lines are skipped. */
function list(value: Raw): string[] {
  return (typeof value === "string" ? [value] : [...value])
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function single(value: Raw | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === "string" ? value : null;
}

function isTrue(value: Raw | undefined): boolean {
  return typeof value === "string" && (value === "True" || value === "true");
}

function invalid(file: string, line: number | null, message: string): Notice {
  return { file, line, kind: ADOPT_NOTICE.invalid, message };
}

function unsupported(file: string, line: number | null, message: string): Notice {
  return { file, line, kind: ADOPT_NOTICE.unsupported, message };
}
