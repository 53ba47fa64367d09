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

import json
import os
import sys

from truth_common import decorator_line


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
                line = decorator_line(
                    path, location.line, matcher.pattern, lambda name, t=step_type: name.lower() in (t, "step")
                )
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
