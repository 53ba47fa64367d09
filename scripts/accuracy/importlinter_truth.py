"""import-linter's own verdicts for scripts/accuracy/acc-importlinter.ts.

Run in a project directory with the project's packages on PYTHONPATH:

    python importlinter_truth.py [--exclude-type-checking]

Prints JSON: per contract its id, name, kept / broken / error, and the violating module pairs
(importer module -> imported module: the first and last module of every reported chain, for
layers and independence every head x tail of every route), the unmatched ignore_imports
warnings, and the root packages' directories (to map files to module names).

import-linter 1.10 on grimp 2.5 (the pure-Python releases) predates
`exclude_type_checking_imports` (grimp 3.1): with --exclude-type-checking, grimp's scanner
drops the imports inside `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` bodies, as grimp
3.1's scanner does.
"""

import ast
import copy
import json
import os
import sys
import importlib.util

from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.app_config import settings
from importlinter.domain.contract import registry


def patch_type_checking():
    from grimp.adaptors import importscanner

    original = importscanner.ImportScanner.scan_for_imports

    def scan_for_imports(self, module):
        imports = original(self, module)
        found_package = self._found_package_for_module(module)
        filename = self._determine_module_filename(module, found_package)
        tree = ast.parse(self._read_module_contents(filename))
        lines = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and is_type_checking(node.test):
                for child in node.body:
                    for inner in ast.walk(child):
                        if isinstance(inner, (ast.Import, ast.ImportFrom)):
                            lines.add(inner.lineno)
        return {i for i in imports if i.line_number not in lines}

    importscanner.ImportScanner.scan_for_imports = scan_for_imports


def is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def pairs_of(metadata):
    """(first importer, last imported) of every chain; head x tail for collapsed chains."""
    pairs = set()
    for data in metadata.get("invalid_chains", []):
        for chain in data["chains"]:
            if isinstance(chain, dict):  # a DetailedChain: one chain plus extra heads and tails
                links = chain["chain"]
                firsts = [links[0]["importer"]] + [link["importer"] for link in chain["extra_firsts"]]
                lasts = [links[-1]["imported"]] + [link["imported"] for link in chain["extra_lasts"]]
            else:
                firsts, lasts = [chain[0]["importer"]], [chain[-1]["imported"]]
            for first in firsts:
                for last in lasts:
                    pairs.add((first, last))
    return sorted(pairs)


def main():
    if "--exclude-type-checking" in sys.argv:
        patch_type_checking()
    configuration.configure()
    settings.configure(DEFAULT_CACHE_DIR=None)
    sys.path.insert(0, os.getcwd())
    options = use_cases.read_user_options()
    roots = options.session_options["root_packages"]
    graph = use_cases._build_graph(
        root_package_names=roots,
        include_external_packages=use_cases._get_include_external_packages(options),
        verbose=False,
        cache_dir=None,
    )
    use_cases._register_contract_types(options)
    contracts = []
    # Each contract on its own copy of the graph, an error in one (a missing module, an
    # unmatched ignore) not hiding the others' verdicts (lint-imports stops at the first).
    for contract_options in options.contracts_options:
        entry = {"id": contract_options.get("id"), "name": contract_options.get("name")}
        contracts.append(entry)
        try:
            contract_class = registry.get_contract_class(contract_options["type"])
            contract = contract_class(
                name=contract_options["name"],
                session_options=options.session_options,
                contract_options=contract_options,
            )
            check = contract.check(copy.deepcopy(graph), verbose=False)
        except Exception as error:
            entry["verdict"] = "error"
            entry["error"] = f"{type(error).__name__}: {error}"
            continue
        entry["verdict"] = "kept" if check.kept else "broken"
        entry["warnings"] = list(check.warnings)
        entry["pairs"] = [] if check.kept else pairs_of(check.metadata)
        entry["undeclared"] = sorted(check.metadata.get("undeclared_modules") or [])
    root_dirs = {}
    for root in roots:
        spec = importlib.util.find_spec(root)
        root_dirs[root] = os.path.relpath(os.path.dirname(spec.origin), os.getcwd())
    json.dump({"roots": root_dirs, "contracts": contracts}, sys.stdout, indent=1)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a contract or the config that import-linter refuses
        json.dump({"fatal": f"{type(error).__name__}: {error}"}, sys.stdout)
