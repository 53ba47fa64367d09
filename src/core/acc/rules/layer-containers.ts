/**
 * Containers of a layers rule (import-linter `containers`): the layers repeat inside each
 * container, named relative to it. A container is a Python package (`module:pkg.*`, each
 * matching module) or a folder (`glob:src/features/*`, each matching folder).
 */
import { compileGlob } from "../components.ts";
import type { CompiledSelector } from "../select/compile.ts";
import { moduleExpressionRegex } from "../select/module-expression.ts";
import type { AccContext } from "./context.ts";
import { compileSelector } from "./selection.ts";

export interface Container {
  /** The module name or folder path. */
  readonly name: string;
  readonly kind: "module" | "folder";
  /** A child's full name: `pkg.child` or `folder/child`. */
  childName(child: string): string;
  /** The names of the container's direct children that hold analysed files. */
  children(ctx: AccContext): string[];
  /** The child a node belongs to (for `pkg.child.x`, "child"), or null when it is not inside. */
  childOf(ctx: AccContext, node: number): string | null;
}

const SOURCE_EXTENSIONS = "{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,pyi}";

export function expandContainers(ctx: AccContext, written: readonly string[]): Container[] {
  const containers = new Map<string, Container>();
  for (const entry of written) {
    if (entry.startsWith("module:")) {
      const regex = moduleExpressionRegex(entry.slice("module:".length));
      for (const name of moduleNames(ctx))
        if (regex.test(name)) containers.set(`m:${name}`, moduleContainer(name));
    } else {
      const test = compileGlob(entry.slice("glob:".length));
      for (const dir of folders(ctx)) if (test(dir)) containers.set(`f:${dir}`, folderContainer(dir));
    }
  }
  return [...containers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The files of layer `layer` inside a container. */
export function memberSelector(ctx: AccContext, container: Container, layer: string): CompiledSelector {
  if (container.kind === "module")
    return compileSelector(ctx, `module:${container.name}.${layer}`, { asPackages: true });
  const base = `${container.name}/${layer}`;
  return compileSelector(ctx, { glob: [`${base}/**`, `${base}.${SOURCE_EXTENSIONS}`] });
}

function moduleContainer(name: string): Container {
  return withChildren({
    name,
    kind: "module",
    childName: (child) => `${name}.${child}`,
    childOf(ctx, node) {
      const module = ctx.facts.moduleName(ctx.names[node]!);
      if (module === null || !module.startsWith(`${name}.`)) return null;
      return module.slice(name.length + 1).split(".")[0]!;
    },
  });
}

function folderContainer(dir: string): Container {
  return withChildren({
    name: dir,
    kind: "folder",
    childName: (child) => `${dir}/${child}`,
    childOf(ctx, node) {
      const path = ctx.names[node]!;
      if (!path.startsWith(`${dir}/`)) return null;
      const rest = path.slice(dir.length + 1);
      const slash = rest.indexOf("/");
      const child = slash >= 0 ? rest.slice(0, slash) : rest.replace(/\.[^.]+$/, "");
      return child === "index" || child === "__init__" ? null : child;
    },
  });
}

function withChildren(container: Omit<Container, "children">): Container {
  return {
    ...container,
    children(ctx) {
      const children = new Set<string>();
      for (let node = 0; node < ctx.names.length; node++) {
        const child = ctx.isSource[node] ? container.childOf(ctx, node) : null;
        if (child !== null) children.add(child);
      }
      return [...children].sort();
    },
  };
}

/** Every module name of the graph's Python files and all their ancestors. */
function moduleNames(ctx: AccContext): Set<string> {
  const names = new Set<string>();
  for (let node = 0; node < ctx.names.length; node++) {
    const name = ctx.facts.moduleName(ctx.names[node]!);
    if (name === null) continue;
    const parts = name.split(".");
    for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join("."));
  }
  return names;
}

/** Every folder holding a node of the graph, at any depth. */
function folders(ctx: AccContext): Set<string> {
  const dirs = new Set<string>();
  for (const path of ctx.names)
    for (let slash = path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1))
      dirs.add(path.slice(0, slash));
  return dirs;
}
