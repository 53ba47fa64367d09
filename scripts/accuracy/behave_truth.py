"""Ground truth for scripts/accuracy/bdv-runners.ts: behave's own resolution of every step.

Usage: python3 behave_truth.py SUITE_ROOT FEATURES_PATH OUT.json

Loads the suite the way `python -m behave FEATURES_PATH` does from SUITE_ROOT (environment.py,
then the step modules of the base directory's `steps/` in behave's order), parses the features
with behave's parser, and asks behave's step registry which definition each step resolves to
(`StepRegistry.find_step_definition`, the lookup behave runs before executing a step). Nothing is
executed beyond what loading does. A load error (behave's AmbiguousStep, a syntax error) is
reported as such: behave refuses to run the suite.

Definitions are reported at the line of their step decorator (behave itself reports the first
line of the decorated function), so they compare with a static reader's locations.
"""

import ast
import json
import os
import sys


def decorator_line(path, function_line, pattern, step_type, cache={}):
    """The line of the decorator registering `pattern` on the function starting at function_line."""
    tree = cache.get(path)
    if tree is None:
        try:
            with open(path, "rb") as source:
                tree = ast.parse(source.read(), path)
        except (OSError, SyntaxError):
            tree = False
        cache[path] = tree
    if not tree:
        return function_line
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.decorator_list:
            continue
        if node.decorator_list[0].lineno != function_line and node.lineno != function_line:
            continue
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or not decorator.args:
                continue
            callee = decorator.func
            name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            if name.lower() not in (step_type, "step"):
                continue
            try:
                value = ast.literal_eval(decorator.args[0])
            except ValueError:
                continue
            if value == pattern:
                return decorator.lineno
        return node.decorator_list[0].lineno
    return function_line


def relative(path, root):
    return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")


def main():
    root, features_path, out = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.chdir(root)
    sys.path.insert(0, root)  # what `python -m behave` puts first on sys.path

    from behave.configuration import Configuration
    from behave.runner_util import parse_features
    from behave.runner import Context, Runner

    config = Configuration(command_args=[features_path, "--dry-run", "--no-summary", "-f", "plain"])
    runner = Runner(config)
    result = {"steps": [], "definitions": [], "loadError": None}
    with runner.path_manager:
        runner.setup_paths()
        runner.context = Context(runner)
        try:
            runner.load_hooks()
            runner.load_step_definitions()
        except Exception as error:  # behave aborts the run: report it, match nothing
            result["loadError"] = "%s: %s" % (type(error).__name__, error)
        from behave.step_registry import registry
        definitions = {}
        for step_type, matchers in registry.steps.items():
            for matcher in matchers:
                location = matcher.location
                path = os.path.abspath(location.filename)
                line = decorator_line(path, location.line, matcher.pattern, step_type)
                key = (relative(path, root), line)
                definitions[id(matcher)] = key
                result["definitions"].append(
                    {"file": key[0], "line": key[1], "pattern": matcher.pattern, "type": step_type}
                )
        if result["loadError"] is None:
            locations = [name for name in runner.feature_locations() if not config.exclude(name)]
            for feature in parse_features(locations, language=config.lang):
                for scenario in feature.walk_scenarios():
                    row = getattr(scenario, "_row", None)
                    pickle_line = row.line if row is not None else scenario.line
                    for step in scenario.all_steps:
                        found = registry.find_step_definition(step)
                        key = definitions.get(id(found)) if found is not None else None
                        result["steps"].append({
                            "file": relative(step.filename, root),
                            "pickleLine": pickle_line,
                            "line": step.line,
                            "text": step.name,
                            "definition": {"file": key[0], "line": key[1]} if key else None,
                        })
    with open(out, "w") as output:
        json.dump(result, output)


if __name__ == "__main__":
    main()
