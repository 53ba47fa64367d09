/*
 * Ground-truth tooling for scripts/accuracy/bdv-runners.ts, never used by the product.
 * Loaded by cucumber-js (--require-module) before a suite's support code:
 *   - `@cucumber/cucumber` (and its subpaths) resolve to the runner being measured, so step
 *     definitions register with the instance that runs the dry run;
 *   - BDV_ALIASES maps other specifiers to files (a workspace package that is not installed), and
 *     BDV_ALIAS_DIRS maps directories (a package's unbuilt output) to others;
 *   - any other bare import that cannot be resolved becomes an inert stub: a dry run loads the
 *     step files but runs no step, so the suite's own dependencies need not be installed;
 *   - TypeScript is transpiled by ts-node (experimental decorators on, for cucumber-tsflow).
 * At exit, cucumber-tsflow bindings (pattern -> decorator call site) are written to
 * BDV_TSFLOW_OUT, because tsflow registers its steps from the @binding class decorator.
 */
const Module = require("node:module");
const path = require("node:path");
const fs = require("node:fs");

const tools = process.env.BDV_NODE_TOOLS;
if (!tools) throw new Error("BDV_NODE_TOOLS is not set");
const aliases = JSON.parse(process.env.BDV_ALIASES || "{}");
const aliasDirs = Object.entries(JSON.parse(process.env.BDV_ALIAS_DIRS || "{}"));
const fromTools = Module.createRequire(path.join(tools, "package.json"));
const toolsParent = new Module(path.join(tools, "package.json"), null);
toolsParent.filename = path.join(tools, "package.json");
toolsParent.paths = Module._nodeModulePaths(tools);

function stub(name) {
  const target = function stubbed() {};
  const handler = {
    get(_target, key) {
      if (key === "__esModule") return false;
      if (key === "then") return undefined;
      if (key === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (key === "prototype") return target.prototype;
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy,
  };
  const proxy = new Proxy(target, handler);
  return proxy;
}

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, isMain, options) {
  if (Object.hasOwn(aliases, request)) return aliases[request];
  if (request === "@cucumber/cucumber" || request.startsWith("@cucumber/cucumber/")) {
    return originalResolve.call(this, request, toolsParent, false, options);
  }
  try {
    return originalResolve.call(this, request, parent, isMain, options);
  } catch (error) {
    if (request.startsWith(".") && parent?.filename) {
      const wanted = path.resolve(path.dirname(parent.filename), request);
      for (const [from, to] of aliasDirs) {
        if (wanted === from || wanted.startsWith(`${from}/`)) {
          return originalResolve.call(this, to + wanted.slice(from.length), parent, isMain, options);
        }
      }
    }
    const bare = !request.startsWith(".") && !path.isAbsolute(request) && !request.startsWith("node:");
    if (!bare || error.code !== "MODULE_NOT_FOUND") throw error;
    const id = `/__bdv_stub__/${request}`;
    if (!Module._cache[id]) {
      const module = new Module(id, null);
      module.loaded = true;
      module.exports = stub(request);
      Module._cache[id] = module;
    }
    return id;
  }
};

fromTools("ts-node").register({
  transpileOnly: true,
  skipProject: true,
  compilerOptions: {
    module: "commonjs",
    target: "es2020",
    experimentalDecorators: true,
    esModuleInterop: true,
    allowJs: false,
    sourceMap: true,
  },
});

const tsflowOut = process.env.BDV_TSFLOW_OUT;
if (tsflowOut) {
  process.on("exit", () => {
    const registryFile = aliases["cucumber-tsflow"]
      ? path.join(path.dirname(aliases["cucumber-tsflow"]), "binding-registry")
      : "cucumber-tsflow/dist/binding-registry";
    const { BindingRegistry } = require(registryFile);
    const bindings = [];
    for (const [pattern, list] of BindingRegistry.instance._bindings ?? []) {
      for (const binding of list) {
        bindings.push({
          pattern: String(pattern),
          file: binding.callsite.filename,
          line: binding.callsite.lineNumber,
        });
      }
    }
    fs.writeFileSync(tsflowOut, JSON.stringify(bindings));
  });
}
