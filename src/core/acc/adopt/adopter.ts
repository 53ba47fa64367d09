/**
 * What an adopter is (index.ts explains adoption): it reads the policy commit's files and
 * returns rule drafts and notices. Kept apart from the registry so adopters import it freely.
 */
import type { AdoptedRulePrefix } from "../../config/primitives.ts";
import type { Notice } from "../../findings.ts";

/**
 * The files of the commit policy is read from: in the app the commit the config came from (a
 * PR's base, else the default branch), read through the API on demand; in the CLI the analysed
 * tree. Adopters ask for the few files they need (a config, the files it extends).
 */
export interface PolicyFiles {
  /** The text of a repo-relative POSIX path, or null when there is no such file (or it cannot be read). */
  read(path: string): Promise<string | null>;
}

/** One rule an adopter translated, in the rule language of `.github/maestro-hive.yml` (no `id`). */
export interface RuleDraft {
  /** The contract id or name / rule name: the rule id becomes `<prefix>:<name>` (made token-like). */
  readonly name: string;
  /** Where the contract is declared, for notices. */
  readonly file: string;
  readonly line: number | null;
  /** The rule without `id`: `{ type: "forbidden", from: …, to: … }`. */
  readonly rule: Readonly<Record<string, unknown>>;
}

/** What an adopter returns. */
export interface AdopterResult {
  readonly rules: readonly RuleDraft[];
  /** What could not be expressed or read (naming the contract and option), what was found. */
  readonly notices: readonly Notice[];
}

export interface Adopter {
  /** The peer's name in notices: "import-linter". */
  readonly tool: string;
  /** The rule id prefix: "importlinter". */
  readonly prefix: AdoptedRulePrefix;
  adopt(files: PolicyFiles): Promise<AdopterResult>;
}

/** The notice kinds adoption gives. */
export const ADOPT_NOTICE = {
  /** Which contracts were found where and the rule ids they became. */
  adopted: "adopted-rules",
  /** A contract, option or value that cannot be expressed: not enforced (or enforced differently). */
  unsupported: "adopt-unsupported",
  /** A peer config that cannot be read, or a contract the peer itself would refuse. */
  invalid: "adopt-invalid",
} as const;
