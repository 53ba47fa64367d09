/**
 * A small layered TypeScript repository for the app's end-to-end tests: presentation →
 * business → data, and a config with one `layers` rule. A data file importing the UI is a
 * violation (`layered`), with a known, stable finding id.
 */
import { findingId } from "../../src/core/findings.ts";
import type { FakeGitHub } from "../harness/fake-github/index.ts";
import { GitRepo } from "../harness/git-repo.ts";

export const INSTALLATION = 7;

export const LAYERED_CONFIG = `acc:
  components:
    presentation: ["src/ui/**"]
    business: ["src/services/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [presentation, business, data], severity: error }
gate: { streams: [acc] }
`;

export const BASE_FILES: Record<string, string> = {
  ".github/maestro-hive.yml": LAYERED_CONFIG,
  "src/ui/page.ts": 'import { total } from "../services/cart";\nexport const page = () => total();\n',
  "src/services/cart.ts": 'import { rows } from "../data/rows";\nexport const total = () => rows.length;\n',
  "src/data/rows.ts": "export const rows: number[] = [];\n",
  "README.md": "# shop\n",
};

/** The id of the `layered` violation of `file` importing `target`. */
export function layeredId(file: string, target: string): string {
  return findingId(["layered", "layers", file, target]);
}

/** A data-layer file importing the UI layer: one new `layered` error. */
export const LAYER_VIOLATION: Record<string, string> = {
  "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [];\n',
};

/** The id of the finding LAYER_VIOLATION produces. */
export const LAYER_VIOLATION_ID = layeredId("src/data/rows.ts", "src/ui/page.ts");

let nextRepoId = 1000;

export interface FixtureRepo {
  readonly git: GitRepo;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  readonly id: number;
  readonly baseSha: string;
}

/** A repository on the fake GitHub with BASE_FILES (plus `extra`) on main. */
export function fixtureRepo(
  gh: FakeGitHub,
  name: string,
  extra: Record<string, string | null> = {},
  owner = "acme",
): FixtureRepo {
  const git = GitRepo.create({ defaultBranch: "main", worktree: false });
  const baseSha = git.commit("initial", { ...BASE_FILES, ...extra });
  gh.addRepo({ owner, name, git, installationId: INSTALLATION });
  return { git, owner, name, fullName: `${owner}/${name}`, id: nextRepoId++, baseSha };
}

/** Creates the branch at main and commits `files` on it; returns the new head. */
export function commitOnBranch(
  repo: FixtureRepo,
  branch: string,
  files: Record<string, string | null>,
): string {
  const current = repo.git.currentBranch();
  if (current !== branch) {
    const exists = repo.git.git("branch", "--list", branch).trim() !== "";
    if (exists) repo.git.switch(branch);
    else repo.git.branch(branch, "main");
  }
  return repo.git.commit(`change on ${branch}`, files);
}
