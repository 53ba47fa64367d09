/**
 * Who may run which command. Each command's descriptor (table.ts) says what it requires:
 * reading commands (`help`, `suppressions`, `explain`) are open to anyone who can comment;
 * state changes need one of `gate.commandRoles` (default admin, maintain, write) and
 * `override` one of `gate.overrideRoles` (default admin), both read from the BASE branch's
 * config. The commenter's role comes from GitHub's
 * collaborator-permission endpoint, asked every time (never from the payload's
 * author_association, which says nothing about write access).
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { RepoRef } from "../snapshot.ts";

export type RepositoryRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type GrantableRole = "admin" | "maintain" | "write";

/**
 * What a command requires (its descriptor's `requires`, table.ts): `anyone` who can comment,
 * `command` — one of `gate.commandRoles`, or `override` — one of `gate.overrideRoles`.
 */
export type Requirement = "anyone" | "command" | "override";

export interface RolePolicy {
  readonly commandRoles: readonly GrantableRole[];
  readonly overrideRoles: readonly GrantableRole[];
  /** Why the policy is not the configured one (the base config is broken), else null. */
  readonly fallback: string | null;
}

/** When the base config cannot be read, only admins may change anything (fail-closed). */
export function fallbackPolicy(reason: string): RolePolicy {
  return { commandRoles: ["admin"], overrideRoles: ["admin"], fallback: reason };
}

const permissionResponse = z.object({
  permission: z.string(),
  role_name: z.string().optional(),
  user: z
    .object({
      permissions: z
        .object({
          admin: z.boolean().optional(),
          maintain: z.boolean().optional(),
          push: z.boolean().optional(),
          triage: z.boolean().optional(),
          pull: z.boolean().optional(),
        })
        .optional(),
    })
    .nullable()
    .optional(),
});

/**
 * The commenter's role on the repository. `permission` folds maintain into write and triage
 * into read, and custom roles have their own `role_name`, so the role is read from the
 * user's permission flags first.
 */
export async function repositoryRole(
  octokit: ProbotOctokit,
  repo: RepoRef,
  login: string,
): Promise<RepositoryRole> {
  let data: unknown;
  try {
    const response = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      owner: repo.owner,
      repo: repo.repo,
      username: login,
    });
    data = response.data;
  } catch (error) {
    // Not a collaborator and not a user GitHub knows: no role.
    if ((error as { status?: number }).status === 404) return "none";
    throw error;
  }
  const parsed = permissionResponse.parse(data);
  const flags = parsed.user?.permissions;
  if (flags) {
    if (flags.admin) return "admin";
    if (flags.maintain) return "maintain";
    if (flags.push) return "write";
    if (flags.triage) return "triage";
    if (flags.pull) return "read";
    return "none";
  }
  const role = parsed.role_name ?? parsed.permission;
  if (["admin", "maintain", "write", "triage", "read", "none"].includes(role)) return role as RepositoryRole;
  return parsed.permission === "admin" ? "admin" : parsed.permission === "write" ? "write" : "read";
}

export interface Decision {
  readonly allowed: boolean;
  readonly requirement: Requirement;
  readonly role: RepositoryRole | null;
  /** The roles that would have been allowed (empty for open commands). */
  readonly allowedRoles: readonly GrantableRole[];
  /** For a refusal: why, in a sentence for the reply. */
  readonly reason: string | null;
}

export function decide(requirement: Requirement, role: RepositoryRole | null, policy: RolePolicy): Decision {
  if (requirement === "anyone") return { allowed: true, requirement, role, allowedRoles: [], reason: null };
  const allowedRoles = requirement === "override" ? policy.overrideRoles : policy.commandRoles;
  const allowed = role !== null && (allowedRoles as readonly string[]).includes(role);
  const what = requirement === "override" ? "override the gate" : "change suppressions or re-run checks";
  const who = allowedRoles.length === 0 ? "nobody" : `only ${describeRoles(allowedRoles)}`;
  const reason = allowed
    ? null
    : `${who} may ${what} here; your role on this repository is ${role ?? "unknown"}` +
      (policy.fallback ? ` (${policy.fallback})` : "");
  return { allowed, requirement, role, allowedRoles, reason };
}

function describeRoles(roles: readonly GrantableRole[]): string {
  const set = new Set(roles);
  if (set.has("write") && set.has("maintain") && set.has("admin")) return "users with write access or more";
  const names: Record<GrantableRole, string> = {
    admin: "admins",
    maintain: "maintainers",
    write: "users with write access",
  };
  const people = (["admin", "maintain", "write"] as const)
    .filter((role) => set.has(role))
    .map((r) => names[r]);
  if (people.length === 1) return people[0]!;
  return `${people.slice(0, -1).join(", ")} and ${people.at(-1)}`;
}
