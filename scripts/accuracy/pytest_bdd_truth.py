"""Ground truth for scripts/accuracy/bdv-runners.ts: pytest-bdd's own resolution of every step.

A pytest plugin, loaded with `-p pytest_bdd_truth` and `--collect-only`. After collection it
asks pytest-bdd, for every step of every collected scenario (one per Examples row), which step
definitions it would inject for that test item (`find_fixturedefs_for_step`, with the ordering
of `inject_fixturedefs_for_step`: the last one wins), exactly as `get_step_function` does before
running a step. No test runs.

Step modules import the project's own code and its test dependencies (Qt, web servers...),
which a collection-only run does not need: modules named in BDV_STUB_MODULES (comma separated
prefixes), and any module a file of the suite imports that is not installed, are replaced by
inert stubs. Decorators from stubs return the decorated function unchanged.

Output (BDV_TRUTH_OUT): {"steps": [...], "definitions": [...], "loadError": null}; each
definition is reported at the line of its step decorator.
"""

import importlib.abc
import importlib.machinery
import json
import os
import sys
import types

import pytest
from truth_common import decorator_line

ROOT = os.path.abspath(os.environ.get("BDV_TRUTH_ROOT", os.getcwd()))
FORCED = [name for name in os.environ.get("BDV_STUB_MODULES", "").split(",") if name]


class _StubMeta(type):
    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _stub_class(name)

    def __call__(cls, *args, **kwargs):
        # Used as a bare decorator (`@pyqtSlot`): hand the function back.
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], Stub):
            return args[0]
        return super().__call__(*args, **kwargs)

    def __or__(cls, other):
        return cls

    __ror__ = __and__ = __rand__ = __add__ = __radd__ = __sub__ = __rsub__ = __or__
    __lt__ = __le__ = __gt__ = __ge__ = lambda cls, other: False

    def __getitem__(cls, item):
        return cls

    def __iter__(cls):
        return iter(())

    def __len__(cls):
        return 0


class Stub(metaclass=_StubMeta):
    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _stub_class(name)()

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        return Stub()

    def __iter__(self):
        return iter(())

    def __bool__(self):
        return False

    def __getitem__(self, item):
        return Stub()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = lambda self, other: False

    def __or__(self, other):
        return self

    __ror__ = __and__ = __rand__ = __add__ = __radd__ = __or__


def _stub_class(name):
    return _StubMeta(str(name), (Stub,), {})


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _stub_class(name)


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def _imported_from_suite():
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<frozen") and "importlib" not in filename:
            return os.path.abspath(filename).startswith(ROOT + os.sep)
        frame = frame.f_back
    return False


class _ForcedStubs(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == name or fullname.startswith(name + ".") for name in FORCED):
            return importlib.machinery.ModuleSpec(fullname, _StubLoader(), is_package=True)
        return None


class _MissingStubs(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if _imported_from_suite():
            return importlib.machinery.ModuleSpec(fullname, _StubLoader(), is_package=True)
        return None


sys.meta_path.insert(0, _ForcedStubs())
sys.meta_path.append(_MissingStubs())

_collection_errors = []


def pytest_collectreport(report):
    if report.failed:
        _collection_errors.append("%s: %s" % (report.nodeid, str(report.longrepr).strip().splitlines()[-1:]))


def _relative(path):
    return os.path.relpath(os.path.abspath(path), ROOT).replace(os.sep, "/")


def _definition(fixturedef):
    context = fixturedef.func._pytest_bdd_step_context
    code = context.step_func.__code__
    step_type = context.type
    line = decorator_line(
        code.co_filename, code.co_firstlineno, context.parser.name, lambda name: step_type is None or name == step_type
    )
    return {"file": _relative(code.co_filename), "line": line}


def _row_lines(feature_path, scenario_line):
    from pytest_bdd.gherkin_parser import get_gherkin_document

    document = get_gherkin_document(feature_path)
    children = list(document.feature.children)
    for child in list(children):
        if child.rule is not None:
            children.extend(child.rule.children)
    for child in children:
        scenario = child.scenario
        if scenario is not None and scenario.location.line == scenario_line:
            return [row.location.line for table in scenario.examples for row in (table.table_body or [])]
    return []


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Runs before the suite's own hooks, which may deselect or reorder items."""
    from pytest_bdd.scenario import find_fixturedefs_for_step, iterparentnodeids

    manager = session._fixturemanager
    steps = []
    definitions = {}
    for fixturedefs in list(manager._arg2fixturedefs.values()):
        for fixturedef in fixturedefs:
            if getattr(fixturedef.func, "_pytest_bdd_step_context", None) is not None:
                found = _definition(fixturedef)
                # pytest-bdd's own built-in steps (plugin.py "trace") are not the project's.
                if not found["file"].startswith("../"):
                    definitions[(found["file"], found["line"])] = found
    for item in items:
        template = getattr(getattr(item, "obj", None), "__scenario__", None)
        if template is None:
            continue
        callspec = getattr(item, "callspec", None)
        example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
        pickle_line = template.line_number
        if callspec is not None and "_pytest_bdd_example" in callspec.indices:
            rows = _row_lines(template.feature.filename, template.line_number)
            index = callspec.indices["_pytest_bdd_example"]
            if index < len(rows):
                pickle_line = rows[index]
        scenario = template.render(example)
        for step in scenario.steps:
            found = list(find_fixturedefs_for_step(step=step, fixturemanager=manager, node=item))
            found.sort(key=lambda fixturedef: list(iterparentnodeids(fixturedef.baseid)))
            steps.append({
                "file": _relative(template.feature.filename),
                "pickleLine": pickle_line,
                "line": step.line_number,
                "text": step.name,
                "test": item.nodeid,
                "definition": _definition(found[-1]) if found else None,
            })
    with open(os.environ["BDV_TRUTH_OUT"], "w") as output:
        json.dump({
            "steps": steps,
            "definitions": list(definitions.values()),
            "loadError": "; ".join(_collection_errors) or None,
        }, output)


def pytest_configure(config):
    # conftest.py files implement hooks of plugins that are not installed here (pytest-xvfb...).
    config.pluginmanager.check_pending = lambda: None
