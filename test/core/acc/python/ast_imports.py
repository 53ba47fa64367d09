"""Python's own view of the imports of Python files, for the extractor agreement test.

Usage: python3 ast_imports.py ROOT < paths.txt  (one ROOT-relative path per line)
Prints one JSON object: {path: {"ok": true, "imports": [[line, kind, level, module, names], ...]}
                               or {"ok": false, "error": "...", "line": N}}

The rules mirror src/core/acc/languages/py-import-parser.ts exactly:
- Import / ImportFrom nodes anywhere -> kind "import" (names only for ImportFrom; module
  "" for `from . import x`).
- Calls with a literal first argument: `__import__("m"[, g, l, fromlist, level])`,
  `import_module(...)`, `importlib.import_module(...)`, and aliases bound earlier in the
  file by `import importlib as X` / `from importlib import import_module as Y` -> "dynamic".
- Anything inside the body of `if TYPE_CHECKING:` / `if <name>.TYPE_CHECKING:` -> "type".
- Order: source position (line, column) of the node.
"""

import ast
import json
import sys
import warnings


def is_type_checking_test(test):
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return (
        isinstance(test, ast.Attribute)
        and test.attr == "TYPE_CHECKING"
        and isinstance(test.value, ast.Name)
    )


def collect(tree):
    found = []  # (line, col, node, in_type_checking)

    def visit(node, tc):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Call)):
            found.append((node.lineno, node.col_offset, node, tc))
        if isinstance(node, ast.If) and is_type_checking_test(node.test):
            visit(node.test, tc)
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, tc)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, tc)

    visit(tree, False)
    found.sort(key=lambda item: (item[0], item[1]))
    return found


def literal_str(node):
    if isinstance(node, ast.Constant) and type(node.value) is str:
        return node.value
    return None


def is_dotted(name):
    return name != "" and all(part.isidentifier() for part in name.split("."))


def argument(call, index, keyword):
    if index < len(call.args):
        return call.args[index]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


def dynamic(call, importlib_aliases, import_module_aliases):
    """(level, module) of a dynamic import call, or None."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "__import__":
        name = literal_str(call.args[0]) if call.args else None
        if name is None or not is_dotted(name):
            return None
        level = argument(call, 4, "level")
        if level is None:
            return (0, name)
        if isinstance(level, ast.Constant) and type(level.value) is int:
            return (level.value, name)
        return None
    is_import_module = (isinstance(func, ast.Name) and (func.id == "import_module" or func.id in import_module_aliases)) or (
        isinstance(func, ast.Attribute)
        and func.attr == "import_module"
        and isinstance(func.value, ast.Name)
        and (func.value.id == "importlib" or func.value.id in importlib_aliases)
    )
    if not is_import_module or not call.args:
        return None
    name = literal_str(call.args[0])
    if name is None:
        return None
    level = len(name) - len(name.lstrip("."))
    rest = name[level:]
    if level == 0:
        return (0, rest) if is_dotted(rest) else None
    if rest != "" and not is_dotted(rest):
        return None
    package = argument(call, 1, "package")
    if isinstance(package, ast.Name) and package.id == "__package__":
        return (level, rest)
    pkg = literal_str(package) if package is not None else None
    if pkg is None:
        return None
    bits = pkg.rsplit(".", level - 1)
    if len(bits) < level:
        return None
    absolute = f"{bits[0]}.{rest}" if rest else bits[0]
    return (0, absolute) if is_dotted(absolute) else None


def imports_of(tree):
    out = []
    importlib_aliases = set()
    import_module_aliases = set()
    for line, _col, node, tc in collect(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append([line, "type" if tc else "import", 0, alias.name, None])
                if alias.name == "importlib" and alias.asname:
                    importlib_aliases.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            out.append([line, "type" if tc else "import", node.level, node.module or "", names])
            if node.level == 0 and node.module == "importlib":
                for alias in node.names:
                    if alias.name == "import_module" and alias.asname:
                        import_module_aliases.add(alias.asname)
        else:
            # A Call: `def f` / `class C` never reach here; attribute access on `.` is
            # excluded by requiring a bare Name (or importlib.<attr>).
            found = dynamic(node, importlib_aliases, import_module_aliases)
            if found is not None:
                out.append([line, "type" if tc else "dynamic", found[0], found[1], None])
    return out


def main():
    root = sys.argv[1]
    result = {}
    warnings.simplefilter("ignore")
    for path in sys.stdin.read().splitlines():
        if not path:
            continue
        try:
            with open(f"{root}/{path}", "rb") as handle:
                source = handle.read()
            tree = ast.parse(source, filename=path)
        except (SyntaxError, ValueError) as error:
            result[path] = {"ok": False, "error": str(error), "line": getattr(error, "lineno", None)}
            continue
        result[path] = {"ok": True, "imports": imports_of(tree)}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
