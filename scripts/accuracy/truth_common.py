"""Shared by behave_truth.py and pytest_bdd_truth.py (ground truth for bdv-runners.ts)."""

import ast

_trees = {}


def _tree(path):
    if path not in _trees:
        try:
            with open(path, "rb") as source:
                _trees[path] = ast.parse(source.read(), path)
        except (OSError, SyntaxError):
            _trees[path] = None
    return _trees[path]


def decorator_line(path, function_line, pattern, accepts):
    """The line of the step decorator registering `pattern` on the function at function_line.

    Runners report a step function by its first line (its first decorator); a static reader
    reports each step decorator. `accepts(name)` says whether a decorator name can register
    this step; a decorator's argument may be a parser call (`parsers.parse("...")`).
    """
    tree = _tree(path)
    if tree is None:
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
            if not accepts(name):
                continue
            argument = decorator.args[0]
            if isinstance(argument, ast.Call) and argument.args:
                argument = argument.args[0]
            try:
                value = ast.literal_eval(argument)
            except ValueError:
                continue
            if value == pattern:
                return decorator.lineno
        return node.decorator_list[0].lineno
    return function_line
