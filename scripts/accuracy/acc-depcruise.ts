/**
 * ACC against dependency-cruiser, on real TS/JS projects that ship dependency-cruiser rules.
 *
 *   node scripts/accuracy/acc-depcruise.ts [--peers /work/peers] [--project NAME] [--show N]
 *
 * For each project of acc-depcruise.json (checked out at its commit under <peers>/<name>,
 * e.g. `git --git-dir=<mirror> archive <commit> | tar -x -C <peers>/<name>`):
 * 1. dependency-cruiser (this repository's devDependency, never the project's) cruises the
 *    project's own paths (`args`, from its package.json `depcruise` script) with the project's
 *    own config: `dependency-cruise <args> --output-type json --no-cache`;
 * 2. Maestro Hive's engine (what `maestro-hive check` runs) reads the same files with
 *    `acc.include` = those paths and ADOPTS the project's config (acc.adopt: auto);
 * 3. per rule: the verdict (violated or not) and the violating pairs (importing module →
 *    imported module / package / specifier; the module itself for orphans and unreachable
 *    modules) are compared; so are the local import edges (module → module);
 * 4. the same after each mutation of acc-depcruise.json, applied to a copy of the project
 *    (a new direct violation, a new indirect / reachability one, an import exempted by a
 *    pathNot, a type-only import that dependencyTypesNot excludes).
 * Exit code 1 when a verdict or a violating pair differs.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { policyFilesOf, withAdoptedRules } from "../../src/core/acc/adopt/index.ts";
import { runAcc } from "../../src/core/acc/index.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { Finding } from "../../src/core/findings.ts";
import type { Snapshot } from "../../src/core/snapshot.ts";

interface Mutation {
  readonly name: string;
  /** Text appended to a file, or the whole content of a (new) file. */
  readonly edits: readonly { readonly file: string; readonly append?: string; readonly content?: string }[];
}

interface Project {
  readonly name: string;
  readonly repo: string;
  readonly commit: string;
  readonly args: readonly string[];
  readonly mutations: readonly Mutation[];
}

const ROOT = join(import.meta.dirname, "../..");
const DEPCRUISE = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruiser.mjs");
const SKIP_DIRS = new Set(["node_modules", ".git"]);

interface Verdicts {
  /** rule name → violating pairs. */
  readonly rules: Map<string, Set<string>>;
  readonly edges: Set<string>;
  /** The modules dependency-cruiser lists (cruised, or reached and not excluded). */
  readonly modules?: Set<string>;
}

interface PeerViolation {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
}

interface PeerModule {
  readonly source: string;
  readonly dependencies: readonly {
    readonly resolved: string;
    readonly coreModule: boolean;
    readonly couldNotResolve: boolean;
    readonly dependencyTypes: readonly string[];
    readonly circular?: boolean;
    readonly rules?: readonly { readonly name: string; readonly severity: string }[];
  }[];
}

function peerVerdicts(dir: string, project: Project): Verdicts {
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, ...project.args, "--output-type", "json", "--no-cache", "--no-progress"],
    { cwd: dir, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 },
  );
  if (run.stdout.trim() === "")
    throw new Error(`dependency-cruiser failed on ${project.name}: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    summary: { violations: PeerViolation[] };
    modules: PeerModule[];
  };
  const rules = new Map<string, Set<string>>();
  for (const violation of result.summary.violations) {
    // The summary lists a cycle once; every import that closes it is in `modules` (below).
    if (violation.rule.severity === "ignore" || violation.type === "cycle") continue;
    const pair =
      violation.type === "module" || violation.from === violation.to
        ? violation.from
        : `${violation.from} -> ${peerTarget(violation.to)}`;
    add(rules, violation.rule.name, pair);
  }
  const edges = new Set<string>();
  const modules = new Set<string>();
  for (const module of result.modules) {
    modules.add(module.source);
    for (const dependency of module.dependencies) {
      if (dependency.dependencyTypes.includes("local") && !dependency.couldNotResolve)
        edges.add(`${module.source} -> ${dependency.resolved}`);
      if (dependency.circular)
        for (const rule of dependency.rules ?? [])
          if (rule.severity !== "ignore") add(rules, rule.name, `${module.source} -> ${dependency.resolved}`);
    }
  }
  return { rules, edges, modules };
}

/** dependency-cruiser's `to`: a file, `node_modules/<package>/…`, a core module, or a specifier. */
function peerTarget(to: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(to);
  if (match) return match[1]!;
  return to.replace(/^node:/, "");
}

function ourTarget(finding: Finding): string {
  return (finding.target ?? "").replace(/^node:/, "");
}

async function ourVerdicts(dir: string, project: Project): Promise<Verdicts & { notices: string[] }> {
  const snapshot = readSnapshot(dir);
  const include = project.args.map((arg) => (statSafe(join(dir, arg))?.isDirectory() ? `${arg}/**` : arg));
  const loaded = loadConfig(
    `acc:\n  defaultExcludes: false\n  include: ${JSON.stringify(include)}\n`,
    ".github/maestro-hive.yml",
  );
  if (!loaded.ok || !loaded.config.acc) throw new Error("config");
  const adopted = await withAdoptedRules(loaded.config.acc, policyFilesOf(snapshot));
  const result = runAcc(snapshot, adopted.config);
  const rules = new Map<string, Set<string>>();
  for (const finding of result.findings) {
    const name = finding.rule.replace(/^depcruise:/, "");
    if (finding.rule === name) continue;
    const pair =
      finding.type === "orphans" || finding.type === "unreachable" || finding.type === "required"
        ? (finding.file ?? "")
        : `${finding.file} -> ${ourTarget(finding)}`;
    add(rules, name, pair);
  }
  const edges = new Set<string>();
  for (const file of result.graph.files)
    for (const edge of file.imports) if (edge.target !== null) edges.add(`${file.path} -> ${edge.target}`);
  const notices = [...adopted.notices, ...result.notices].map(
    (notice) => `${notice.kind}: ${notice.message}`,
  );
  return { rules, edges, notices };
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function readSnapshot(dir: string): Snapshot {
  const files: Snapshot["files"][number][] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (SKIP_DIRS.has(entry.name)) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const content = readFileSync(path);
        files.push({ path: relative(dir, path), blobSha: gitBlobSha(content), content });
      }
    }
  };
  walk(dir);
  return { commit: null, files, skipped: [] };
}

function gitBlobSha(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
}

interface Comparison {
  readonly rulesCompared: number;
  readonly verdictsAgree: number;
  readonly pairsBoth: number;
  readonly onlyPeer: string[];
  readonly onlyOurs: string[];
  readonly edges: { both: number; onlyPeer: string[]; onlyOurs: string[] };
}

function compare(peer: Verdicts, ours: Verdicts, ruleNames: readonly string[]): Comparison {
  let verdictsAgree = 0;
  let pairsBoth = 0;
  const onlyPeer: string[] = [];
  const onlyOurs: string[] = [];
  for (const name of ruleNames) {
    const a = peer.rules.get(name) ?? new Set();
    const b = ours.rules.get(name) ?? new Set();
    if (a.size > 0 === b.size > 0) verdictsAgree++;
    for (const pair of a) (b.has(pair) ? () => pairsBoth++ : () => onlyPeer.push(`${name}: ${pair}`))();
    for (const pair of b) if (!a.has(pair)) onlyOurs.push(`${name}: ${pair}`);
  }
  // Edges between modules both tools know about (dependency-cruiser lists the cruised ones).
  const edgeOnlyPeer = [...peer.edges].filter((edge) => !ours.edges.has(edge));
  // Edges whose two ends dependency-cruiser lists: its exclude / includeOnly drop modules.
  const known = (edge: string) => {
    const [from, to] = edge.split(" -> ") as [string, string];
    return peer.modules === undefined || (peer.modules.has(from) && peer.modules.has(to));
  };
  const edgeOnlyOurs = [...ours.edges].filter((edge) => !peer.edges.has(edge) && known(edge));
  const edgeBoth = [...peer.edges].filter((edge) => ours.edges.has(edge)).length;
  return {
    rulesCompared: ruleNames.length,
    verdictsAgree,
    pairsBoth,
    onlyPeer,
    onlyOurs,
    edges: { both: edgeBoth, onlyPeer: edgeOnlyPeer, onlyOurs: edgeOnlyOurs },
  };
}

/**
 * A copy of the project (mutated when asked). Its `node_modules` is a link to this
 * repository's: nothing is installed from the project, but dependency-cruiser needs the
 * packages on disk to tell npm dependencies from unresolvable ones (the ones the projects
 * here use are dependency-cruiser's own dependencies, so they are there).
 */
function copyOf(source: string, mutation: Mutation | null): string {
  const copy = mkdtempSync(join(tmpdir(), "acc-depcruise-"));
  cpSync(source, copy, { recursive: true, filter: (path) => !path.includes("/node_modules") });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
  for (const edit of mutation?.edits ?? []) {
    const path = join(copy, edit.file);
    mkdirSync(dirname(path), { recursive: true });
    if (edit.content !== undefined) writeFileSync(path, edit.content);
    else writeFileSync(path, `${existsSync(path) ? readFileSync(path, "utf8") : ""}${edit.append ?? ""}`);
  }
  return copy;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      peers: { type: "string", default: "/work/peers" },
      project: { type: "string" },
      show: { type: "string", default: "10" },
    },
  });
  const show = Number(values.show);
  const projects = JSON.parse(
    readFileSync(join(import.meta.dirname, "acc-depcruise.json"), "utf8"),
  ) as Project[];
  let differs = false;
  const rows: string[] = [];
  for (const project of projects) {
    if (values.project !== undefined && values.project !== project.name) continue;
    const dir = join(values.peers!, project.name);
    if (!existsSync(dir)) {
      console.error(
        `${project.name}: not found under ${values.peers} (check out ${project.repo} @ ${project.commit})`,
      );
      differs = true;
      continue;
    }
    const runs: { label: string; dir: string }[] = [
      { label: "as is", dir: copyOf(dir, null) },
      ...project.mutations.map((mutation) => ({ label: mutation.name, dir: copyOf(dir, mutation) })),
    ];
    for (const run of runs) {
      const peer = peerVerdicts(run.dir, project);
      const ours = await ourVerdicts(run.dir, project);
      const names = [
        ...new Set([...peer.rules.keys(), ...ours.rules.keys(), ...adoptedNames(ours.notices)]),
      ].sort();
      const result = compare(peer, ours, names);
      const violations = [...peer.rules.values()].reduce((sum, set) => sum + set.size, 0);
      rows.push(
        `| ${project.name} | ${run.label} | ${result.verdictsAgree} / ${result.rulesCompared} | ${result.pairsBoth} / ${violations} | ${result.onlyPeer.length} | ${result.onlyOurs.length} | ${result.edges.both} / ${peer.edges.size} | ${result.edges.onlyPeer.length} / ${result.edges.onlyOurs.length} |`,
      );
      if (
        result.onlyPeer.length > 0 ||
        result.onlyOurs.length > 0 ||
        result.verdictsAgree !== result.rulesCompared
      )
        differs = true;
      const listed = [
        ...result.onlyPeer.slice(0, show).map((pair) => `  only dependency-cruiser: ${pair}`),
        ...result.onlyOurs.slice(0, show).map((pair) => `  only maestro-hive:       ${pair}`),
        ...result.edges.onlyPeer.slice(0, show).map((edge) => `  edge only dependency-cruiser: ${edge}`),
        ...result.edges.onlyOurs.slice(0, show).map((edge) => `  edge only maestro-hive:       ${edge}`),
      ];
      console.error(`${project.name} (${run.label}):${listed.length === 0 ? " agree" : ""}`);
      for (const line of listed) console.error(line);
      if (run.label === "as is" && show > 0)
        for (const notice of ours.notices.filter((n) => n.startsWith("adopt-")).slice(0, show))
          console.error(`  notice ${notice}`);
      rmSync(run.dir, { recursive: true, force: true });
    }
  }
  console.log(
    "| project | run | rules with the same verdict | violating pairs found by both / by dependency-cruiser | only dependency-cruiser | only maestro-hive | local edges both / dependency-cruiser | edges only dependency-cruiser / only maestro-hive |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  return differs ? 1 : 0;
}

/** Rule names from the "enforcing N dependency-cruiser rules …: depcruise:a, depcruise:b" notice. */
function adoptedNames(notices: readonly string[]): string[] {
  const line = notices.find(
    (notice) => notice.startsWith("adopted-rules:") && notice.includes("dependency-cruiser"),
  );
  if (!line) return [];
  return [...line.matchAll(/depcruise:([A-Za-z0-9._-]+)/g)].map((match) => match[1]!);
}

process.exitCode = await main();
