/** POSIX path helpers for repo-relative paths ("" is the repository root). */

export function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/** Joins and normalises; returns undefined when the result leaves the repository. */
export function joinPath(base: string, relative: string): string | undefined {
  // Fast path for the common `./a/b` and `../../a/b`: no splitting.
  let rest = relative;
  let dir = base;
  while (rest.startsWith("./")) rest = rest.slice(2);
  while (rest.startsWith("../")) {
    if (dir === "") return undefined;
    const slash = dir.lastIndexOf("/");
    dir = slash === -1 ? "" : dir.slice(0, slash);
    rest = rest.slice(3);
  }
  if (
    rest !== "" &&
    !rest.startsWith(".") &&
    !rest.startsWith("/") &&
    !rest.includes("/.") &&
    !rest.includes("//") &&
    !rest.endsWith("/")
  ) {
    return dir === "" ? rest : `${dir}/${rest}`;
  }
  return joinSlow(dir, rest);
}

function joinSlow(base: string, relative: string): string | undefined {
  const parts = base === "" ? [] : base.split("/");
  for (const segment of relative.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  return parts.join("/");
}

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === "." || specifier === ".." || specifier.startsWith("./") || specifier.startsWith("../");
}

/** `@scope/name/deep` → `@scope/name`; `lodash/fp` → `lodash`. */
export function packageNameOf(specifier: string): string {
  const first = specifier.indexOf("/");
  if (specifier.startsWith("@")) {
    if (first === -1) return specifier;
    const second = specifier.indexOf("/", first + 1);
    return second === -1 ? specifier : specifier.slice(0, second);
  }
  return first === -1 ? specifier : specifier.slice(0, first);
}
