import type { RawImport, ResolvedImport } from "../../acc/model.ts";
import type { ReaderProblem } from "./model.ts";
import { type PyCall, type PyStatement, type PythonModule, readPythonModule } from "./python-module.ts";
import {
  ANY_PATTERN,
  evaluate,
  frameworkMember,
  isFrameworkModule,
  type PyValue,
  pythonBuiltin,
  type Scope,
  UNKNOWN,
  withPatternDecorator,
} from "./python-values.ts";

/**
 * Executes Python step modules statically, the way importing them would run them: statements
 * in order, `import` running the imported repository module first (once per session, like
 * sys.modules), names bound as Python binds them. What a decorator or a call means for a runner
 * (a step definition, use_step_matcher...) is decided by the hooks the runner passes in.
 */

export interface PythonProject {
  read(path: string): string | undefined;
  resolve(fromFile: string, raw: RawImport): readonly ResolvedImport[];
}

export interface ExecutionHooks {
  /** A decorator applied to a function (innermost first, as Python applies them). */
  decorator(context: ModuleContext, decorator: PyCall, callee: PyValue, functionName: string): void;
  /** A call statement at module level. */
  call(context: ModuleContext, call: PyCall, callee: PyValue): void;
  /** `from other import *` ran in `context`. */
  starImport?(context: ModuleContext, from: ModuleContext): void;
  /** `name = value` ran in `context`. */
  assign?(context: ModuleContext, name: string, value: PyValue): void;
}

export class ModuleContext {
  readonly file: string;
  readonly namespace = new Map<string, PyValue>();
  readonly scope: Scope;

  constructor(file: string, session: PythonSession) {
    this.file = file;
    this.scope = {
      lookup: (name) => this.namespace.get(name) ?? null,
      attribute: (module, name) => session.attribute(this.file, module, name),
    };
  }

  evaluate(tokens: Parameters<typeof evaluate>[0]): PyValue {
    return evaluate(tokens, this.scope);
  }

  /** The value of a dotted name as written in a decorator or call: `bdd.parsers.parse`. */
  dotted(name: string): PyValue {
    const [head = "", ...rest] = name.split(".");
    let value: PyValue = this.namespace.get(head) ?? pythonBuiltin(head) ?? UNKNOWN;
    for (const part of rest) {
      if (value.kind === "module") value = this.scope.attribute(value, part);
      else if (value.kind === "builtin" && value.builtin.id === "TypeBuilder")
        value = { kind: "builtin", builtin: { id: "TypeBuilder.method", method: part } };
      else return UNKNOWN;
    }
    return value;
  }
}

const MAX_IMPORT_DEPTH = 64;
const MAX_MODULES = 5000;

export class PythonSession {
  private readonly project: PythonProject;
  private readonly hooks: ExecutionHooks;
  private readonly modules = new Map<string, PythonModule | null>();
  private readonly imported = new Map<string, ModuleContext>();
  readonly problems: ReaderProblem[] = [];
  private depth = 0;

  constructor(project: PythonProject, hooks: ExecutionHooks) {
    this.project = project;
    this.hooks = hooks;
  }

  /** Every module this session imported or ran, in the order they started. */
  contexts(): ModuleContext[] {
    return [...this.imported.values()];
  }

  module(file: string): PythonModule | null {
    if (this.modules.has(file)) return this.modules.get(file) ?? null;
    const text = this.project.read(file);
    let module: PythonModule | null = null;
    if (text !== undefined) {
      try {
        module = readPythonModule(file, text);
        this.problems.push(...module.problems);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.problems.push({ file, line: 1, column: 1, message });
      }
    }
    this.modules.set(file, module);
    return module;
  }

  /** `import file` semantics: runs once per session; later imports get the same (maybe partial) module. */
  import(file: string): ModuleContext {
    const existing = this.imported.get(file);
    if (existing) return existing;
    const context = new ModuleContext(file, this);
    this.imported.set(file, context);
    if (this.imported.size <= MAX_MODULES) this.execute(context);
    return context;
  }

  /** behave's exec_file: runs the file every time, with the given globals. */
  run(file: string, globals: ReadonlyMap<string, PyValue>): ModuleContext {
    const context = new ModuleContext(file, this);
    for (const [name, value] of globals) context.namespace.set(name, value);
    this.execute(context);
    return context;
  }

  private execute(context: ModuleContext): void {
    const module = this.module(context.file);
    if (!module || this.depth >= MAX_IMPORT_DEPTH) return;
    this.depth++;
    try {
      for (const statement of module.statements) this.statement(context, statement);
    } finally {
      this.depth--;
    }
  }

  private statement(context: ModuleContext, statement: PyStatement): void {
    switch (statement.kind) {
      case "import":
        this.importStatement(context, statement.module, statement.alias, statement.line);
        return;
      case "from":
        this.fromStatement(context, statement);
        return;
      case "function":
        this.functionStatement(context, statement.name, statement.decorators);
        return;
      case "class":
        context.namespace.set(statement.name, UNKNOWN);
        return;
      case "assign":
        this.assignStatement(context, statement.targets, context.evaluate(statement.value));
        return;
      case "call":
        this.hooks.call(context, statement.call, context.dotted(statement.call.callee));
        return;
    }
  }

  /** `import a.b.c` runs a, a.b and a.b.c and binds a (or the alias to a.b.c). */
  private importStatement(context: ModuleContext, module: string, alias: string | null, line: number): void {
    const parts = module.split(".");
    let last: PyValue = UNKNOWN;
    let first: PyValue = UNKNOWN;
    for (let index = 1; index <= parts.length; index++) {
      const name = parts.slice(0, index).join(".");
      last = this.moduleValue(context.file, { specifier: name, line, kind: "import", level: 0 }, name);
      if (index === 1) first = last;
    }
    context.namespace.set(alias ?? parts[0] ?? module, alias ? last : first);
  }

  private fromStatement(context: ModuleContext, statement: PyStatement & { kind: "from" }): void {
    const { module, level, names, line } = statement;
    const raw: RawImport = { specifier: module, line, kind: "import", level };
    const base = this.moduleValue(context.file, raw, module);
    for (const { name, alias } of names) {
      if (name === "*") {
        this.starImport(context, base);
        continue;
      }
      context.namespace.set(alias, this.attribute(context.file, base, name, { ...raw, names: [name] }));
    }
  }

  private starImport(context: ModuleContext, base: PyValue): void {
    if (base.kind !== "module" || base.file === null) return;
    const from = this.import(base.file);
    for (const [name, value] of from.namespace) if (!name.startsWith("_")) context.namespace.set(name, value);
    this.hooks.starImport?.(context, from);
  }

  /** The module an import names: a framework module by its API, a repository module run once. */
  private moduleValue(fromFile: string, raw: RawImport, name: string): PyValue {
    const absolute = (raw.level ?? 0) === 0 ? name : null;
    if (absolute !== null && isFrameworkModule(absolute))
      return { kind: "module", name: absolute, file: null };
    const [resolved] = this.project.resolve(fromFile, raw);
    const file = resolved?.target ?? null;
    if (file === null) return { kind: "module", name: absolute ?? `.${name}`, file: null };
    this.import(file);
    return { kind: "module", name: absolute ?? file, file };
  }

  /** `module.name`: a framework member, a name the module binds, or a submodule. */
  attribute(fromFile: string, module: PyValue & { kind: "module" }, name: string, raw?: RawImport): PyValue;
  attribute(fromFile: string, module: PyValue, name: string, raw?: RawImport): PyValue;
  attribute(fromFile: string, module: PyValue, name: string, raw?: RawImport): PyValue {
    if (module.kind !== "module") return UNKNOWN;
    if (module.file === null) {
      if (isFrameworkModule(module.name)) return frameworkMember(module.name, name);
      return { kind: "module", name: `${module.name}.${name}`, file: null };
    }
    const bound = this.import(module.file).namespace.get(name);
    if (bound) return bound;
    const request: RawImport = raw ?? {
      specifier: module.name,
      line: 0,
      kind: "import",
      level: 0,
      names: [name],
    };
    const submodule = this.project
      .resolve(fromFile, request)
      .find((edge) => edge.target !== null && edge.target !== module.file);
    if (!submodule?.target) return UNKNOWN;
    this.import(submodule.target);
    return { kind: "module", name: `${module.name}.${name}`, file: submodule.target };
  }

  private functionStatement(context: ModuleContext, name: string, decorators: readonly PyCall[]): void {
    const value: PyValue & { kind: "converter" } = { kind: "converter", pattern: ANY_PATTERN, defined: true };
    // Python applies decorators bottom-up.
    for (const decorator of [...decorators].reverse()) {
      const callee = context.dotted(decorator.callee);
      if (callee.kind === "builtin" && callee.builtin.id === "with_pattern" && decorator.args) {
        value.pattern = withPatternDecorator(decorator.args, context.scope);
        continue;
      }
      this.hooks.decorator(context, decorator, callee, name);
    }
    context.namespace.set(name, value);
  }

  private assignStatement(context: ModuleContext, targets: readonly string[], value: PyValue): void {
    for (const target of targets) {
      const dot = target.lastIndexOf(".");
      if (dot < 0) {
        context.namespace.set(target, value);
        this.hooks.assign?.(context, target, value);
        continue;
      }
      // `parse_number.pattern = r"\d+"`: parse reads the attribute when a step uses the type.
      const owner = context.dotted(target.slice(0, dot));
      if (target.slice(dot + 1) === "pattern" && owner.kind === "converter")
        owner.pattern = value.kind === "string" ? value.value : null;
    }
  }
}
