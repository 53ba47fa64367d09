import { runBehave } from "../suites/behave.ts";
import { runPytestBdd } from "../suites/pytest-bdd.ts";
import type { StepFileResult } from "./model.ts";
import { readPythonModule } from "./python-module.ts";
import type { PythonProject } from "./python-session.ts";

/**
 * One Python step file on its own, for tools and tests: run as a behave step module, or imported
 * as a pytest-bdd test module when it uses pytest_bdd. Repository scans use suites/python.ts,
 * which also follows imports, environment.py and conftest.py files.
 */
export function readPythonSteps(file: string, text: string): StepFileResult {
  const project: PythonProject = {
    read: (path) => (path === file ? text : undefined),
    resolve: (_from, raw) => [
      { specifier: raw.specifier, line: raw.line, kind: raw.kind, target: null, external: null },
    ],
  };
  const problems = readPythonModule(file, text).problems;
  if (/\bpytest_bdd\b/.test(text)) {
    const session = runPytestBdd(project, { modules: [file], featuresBaseDir: null });
    const module = session.modules.find((entry) => entry.file === file);
    const definitions = (module?.fixtures ?? [])
      .map((fixture) => fixture.definition)
      .sort((a, b) => a.line - b.line || a.column - b.column);
    return { definitions, parameterTypes: [], problems };
  }
  const definitions = runBehave(project, { environment: null, stepFiles: [file] });
  return { definitions, parameterTypes: [], problems };
}
