/**
 * ACC against import-linter, measured (README, "Accuracy: ACC against the peers", Python).
 *
 *   npx node scripts/accuracy/acc-importlinter.ts [project …]
 *
 * For each project of acc-importlinter.json (a checkout of the listed commit under `dir`) and
 * each of its mutations (none = the project as it is): the project is copied to a scratch git
 * repository, the mutation's edits are applied, then
 *   - import-linter's verdicts come from scripts/accuracy/importlinter_truth.py run with the
 *     `venv` of the JSON (import-linter 1.10 on grimp 2.5, built from source: PyPI is not
 *     reachable here) — per contract kept / broken / error and the violating module pairs;
 *   - ours from `maestro-hive check DIR --format json` with no config of ours: the project's own
 *     import-linter config adopted (acc.adopt: auto) — per `importlinter:` rule broken or kept
 *     (an `adopt-invalid` notice naming the contract is "error"), and each finding's
 *     (importing module, imported module) pair, the files mapped to modules with the root
 *     packages' folders import-linter reports.
 * It prints one line per (project, mutation, contract) that differs, then a table (markdown)
 * of agreement figures. Exit code 1 when anything differs.
 *
 * Mutation edits: `{ file, append }` appends text, `{ file, create }` writes a new file,
 * `{ file, replace: [from, to] }` replaces the first occurrence (an error when absent).
 * `excludeTypeChecking: true` runs the truth with grimp's scanner dropping `if TYPE_CHECKING:`
 * imports (what `exclude_type_checking_imports` does in import-linter >= 1.11 / grimp >= 3.1).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { adoptedRuleId } from "../../src/core/acc/adopt/index.ts";

interface Edit {
  readonly file: string;
  readonly append?: string;
  readonly create?: string;
  readonly replace?: readonly [string, string];
}

interface Mutation {
  readonly name: string;
  /** What the mutation is for (README). */
  readonly what: string;
  readonly edits: readonly Edit[];
  readonly excludeTypeChecking?: boolean;
}

interface Project {
  readonly name: string;
  readonly repo: string;
  readonly commit: string;
  readonly dir: string;
  readonly pythonPath: string;
  readonly mutations: readonly Mutation[];
}

interface Setup {
  readonly venv: string;
  readonly scratch: string;
  readonly projects: readonly Project[];
}

interface TruthContract {
  readonly id: string | null;
  readonly name: string;
  readonly verdict: "kept" | "broken" | "error";
  readonly error?: string;
  readonly pairs?: readonly [string, string][];
  readonly undeclared?: readonly string[];
}

interface Truth {
  readonly roots: Readonly<Record<string, string>>;
  readonly contracts: readonly TruthContract[];
  readonly fatal?: string;
}

interface OurFinding {
  readonly rule: string;
  readonly file: string | null;
  readonly target: string | null;
  readonly message: string;
}

interface OurNotice {
  readonly kind: string;
  readonly file: string | null;
  readonly message: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const setup = JSON.parse(readFileSync(join(HERE, "acc-importlinter.json"), "utf8")) as Setup;
const only = new Set(process.argv.slice(2));

interface Row {
  project: string;
  mutation: string;
  contracts: number;
  sameVerdict: number;
  pairsTruth: number;
  pairsOurs: number;
  pairsBoth: number;
}

const rows: Row[] = [];
const differences: string[] = [];

for (const project of setup.projects) {
  if (only.size > 0 && !only.has(project.name)) continue;
  for (const mutation of [{ name: "as-is", what: "the project as it is", edits: [] }, ...project.mutations]) {
    const work = prepare(project, mutation);
    const truth = runTruth(project, work, mutation.excludeTypeChecking === true);
    if (truth.fatal) {
      differences.push(`${project.name} ${mutation.name}: import-linter failed: ${truth.fatal}`);
      continue;
    }
    const ours = runOurs(work);
    rows.push(compare(project, mutation.name, truth, ours));
  }
}

for (const line of differences) console.log(line);
console.log("");
console.log(
  "| project | mutation | contracts | same verdict | violating pairs (import-linter / ACC / both) |",
);
console.log("|---|---|---|---|---|");
for (const row of rows)
  console.log(
    `| ${row.project} | ${row.mutation} | ${row.contracts} | ${row.sameVerdict} / ${row.contracts} | ${row.pairsTruth} / ${row.pairsOurs} / ${row.pairsBoth} |`,
  );
process.exitCode = differences.length > 0 ? 1 : 0;

// ---- steps ----------------------------------------------------------------------------------

function prepare(project: Project, mutation: Mutation): string {
  const work = join(setup.scratch, `${project.name}-${mutation.name}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(project.dir, work, {
    recursive: true,
    filter: (source) => !source.split("/").includes(".git") && !source.includes(".maestro-cache"),
  });
  for (const edit of mutation.edits) {
    const path = join(work, edit.file);
    if (edit.create !== undefined) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, edit.create);
    } else if (edit.append !== undefined) {
      writeFileSync(path, readFileSync(path, "utf8") + edit.append);
    } else if (edit.replace !== undefined) {
      const text = readFileSync(path, "utf8");
      if (!text.includes(edit.replace[0]))
        throw new Error(`${project.name} ${mutation.name}: "${edit.replace[0]}" not found in ${edit.file}`);
      writeFileSync(path, text.replace(edit.replace[0], edit.replace[1]));
    }
  }
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=acc@peers", "-c", "user.name=acc-peers", ...args], {
      cwd: work,
      stdio: "pipe",
    });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", mutation.name);
  return work;
}

function runTruth(project: Project, work: string, excludeTypeChecking: boolean): Truth {
  const args = [
    join(HERE, "importlinter_truth.py"),
    ...(excludeTypeChecking ? ["--exclude-type-checking"] : []),
  ];
  const out = execFileSync(join(setup.venv, "bin", "python"), args, {
    cwd: work,
    env: { ...process.env, PYTHONPATH: join(work, project.pythonPath), PYTHONDONTWRITEBYTECODE: "1" },
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
  return JSON.parse(out) as Truth;
}

function runOurs(work: string): { findings: OurFinding[]; notices: OurNotice[] } {
  let out: string;
  try {
    out = execFileSync(process.execPath, [join(ROOT, "src/cli/main.ts"), "check", work, "--format", "json"], {
      cwd: work,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, MAESTRO_CACHE_DIR: join(setup.scratch, ".maestro-cache") },
      maxBuffer: 256 * 1024 * 1024,
    }).toString();
  } catch (error) {
    // Exit code 1: the gate failed (findings); the JSON is on stdout all the same.
    const failed = error as { status?: number; stdout?: Buffer; stderr?: Buffer };
    if (failed.status !== 1 || !failed.stdout)
      throw new Error(`maestro-hive check failed: ${failed.stderr?.toString()}`);
    out = failed.stdout.toString();
  }
  const json = JSON.parse(out) as { acc: { violations: OurFinding[] }; notices: OurNotice[] };
  return { findings: json.acc.violations, notices: json.notices };
}

function compare(
  project: Project,
  mutation: string,
  truth: Truth,
  ours: { findings: OurFinding[]; notices: OurNotice[] },
): Row {
  const moduleOf = moduleNamer(truth.roots);
  const taken = new Set<string>();
  const row: Row = {
    project: project.name,
    mutation,
    contracts: 0,
    sameVerdict: 0,
    pairsTruth: 0,
    pairsOurs: 0,
    pairsBoth: 0,
  };
  for (const contract of truth.contracts) {
    const ruleId = unique(adoptedRuleId("importlinter", contract.id ?? contract.name), taken);
    const findings = ours.findings.filter((finding) => finding.rule === ruleId);
    const refused = ours.notices.some(
      (notice) => notice.kind === "adopt-invalid" && notice.message.includes(`"${contract.name}"`),
    );
    const ourVerdict = refused ? "error" : findings.length > 0 ? "broken" : "kept";
    // import-linter stops on a missing layer or module; ACC reports it as a finding of the rule.
    const missing = findings.filter((finding) => finding.file === null || finding.target === null);
    const verdict =
      contract.verdict === "error" && missing.length > 0 && ourVerdict === "broken" ? "error" : ourVerdict;
    row.contracts++;
    if (verdict === contract.verdict) row.sameVerdict++;
    else
      differences.push(
        `${project.name} ${mutation} ${ruleId}: import-linter ${contract.verdict}${contract.error ? ` (${contract.error})` : ""}, ACC ${ourVerdict}${findings[0] ? ` (${findings[0].message})` : ""}`,
      );
    const theirs = new Set((contract.pairs ?? []).map(([a, b]) => `${a} -> ${b}`));
    for (const module of contract.undeclared ?? []) theirs.add(`undeclared ${module}`);
    const mine = new Set(
      findings
        .filter((finding) => finding.file !== null)
        .map((finding) => {
          const from = moduleOf(finding.file!);
          if (finding.target === null) return `? ${finding.message}`;
          if (finding.target.startsWith("package:"))
            return `${from} -> ${finding.target.slice(8).split(".")[0]}`;
          return `${from} -> ${moduleOf(finding.target)}`;
        }),
    );
    for (const finding of findings)
      if (finding.file === null && /not listed|undeclared|exhaustive/.test(finding.message))
        mine.add(`undeclared ${finding.target ?? finding.message}`);
    row.pairsTruth += theirs.size;
    row.pairsOurs += mine.size;
    for (const pair of theirs) if (mine.has(pair)) row.pairsBoth++;
    const onlyTheirs = [...theirs].filter((pair) => !mine.has(pair));
    const onlyMine = [...mine].filter((pair) => !theirs.has(pair));
    if (onlyTheirs.length > 0)
      differences.push(
        `${project.name} ${mutation} ${ruleId}: only import-linter: ${onlyTheirs.slice(0, 8).join("; ")}${onlyTheirs.length > 8 ? ` (+${onlyTheirs.length - 8})` : ""}`,
      );
    if (onlyMine.length > 0)
      differences.push(
        `${project.name} ${mutation} ${ruleId}: only ACC: ${onlyMine.slice(0, 8).join("; ")}${onlyMine.length > 8 ? ` (+${onlyMine.length - 8})` : ""}`,
      );
  }
  return row;
}

/** File path → dotted module name, from the root packages' folders. */
function moduleNamer(roots: Readonly<Record<string, string>>): (path: string) => string {
  const bases = Object.entries(roots).map(([name, dir]) => ({ name, dir: dir.replace(/\/$/, "") }));
  return (path) => {
    for (const { name, dir } of bases) {
      if (path === `${dir}/__init__.py`) return name;
      if (path.startsWith(`${dir}/`)) {
        const rest = path.slice(dir.length + 1).replace(/(\/__init__)?\.pyi?$/, "");
        return `${name}.${rest.split("/").join(".")}`;
      }
    }
    return path;
  };
}

function unique(id: string, taken: Set<string>): string {
  let candidate = id;
  for (let n = 2; taken.has(candidate); n++) candidate = `${id}-${n}`;
  taken.add(candidate);
  return candidate;
}

if (!existsSync(setup.venv)) console.error(`no venv at ${setup.venv}: see the README section`);
