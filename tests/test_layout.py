"""The installed layout: one top-level name, `newsflow`, and no import cycles inside it.

Modules are found through the import system (so the editable install's mapping of config/,
flows/, tasks/ and warehouse/ under `newsflow` is what is walked) and parsed with `ast`; every
`newsflow` import counts, including those inside functions, which are how cycles hide.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import pkgutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD_NAMES = ("tasks", "flows", "config", "warehouse")


@dataclass(frozen=True)
class Import:
    target: str  # the imported module, resolved to one of ours where it names one
    line: int


def _declared_packages() -> list[str]:
    """The packages pyproject.toml installs (the wheel holds exactly these)."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return list(tomllib.load(handle)["tool"]["setuptools"]["packages"])


def _modules() -> dict[str, Path]:
    """Every module of the installed `newsflow` packages, by dotted name, with its source."""
    found: dict[str, Path] = {}
    for package in _declared_packages():
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin is not None, f"{package} is not importable"
        assert spec.submodule_search_locations, f"{package} is not a package"
        found[package] = Path(spec.origin)
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg:
                folder = Path(info.module_finder.path)  # type: ignore[union-attr]
                found[f"{package}.{info.name}"] = folder / f"{info.name}.py"
    return found


def _resolve(name: str, known: set[str]) -> str:
    """The longest prefix of ``name`` that is one of our modules (an attribute import such
    as ``from newsflow.tasks.load import store`` is resolved by the caller)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return name


def _imports(module: str, path: Path, known: set[str]) -> list[Import]:
    """Every import in the module, at any depth (functions, try blocks, TYPE_CHECKING)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(_resolve(alias.name, known), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                target = submodule if submodule in known else _resolve(source, known)
                found.append(Import(target, node.lineno))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(_resolve(node.args[0].value, known), node.lineno))
    return found


def _graph() -> tuple[dict[str, Path], dict[str, list[Import]]]:
    modules = _modules()
    known = set(modules)
    return modules, {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a module importing
    itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    components.append(sorted(component))
    return components


def test_the_cycle_finder_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """Guard for the checks below: cycles are found, and deferred imports are not missed."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(_cycles(edges)) == [["a", "b", "c"], ["e"]]
    module = tmp_path / "z.py"
    module.write_text(
        "from . import w\ndef later():\n    from newsflow.x import y\n", encoding="utf-8"
    )
    known = {"newsflow.x", "newsflow.x.y", "newsflow.w", "newsflow.z"}
    found = _imports("newsflow.z", module, known)
    assert found == [Import("newsflow.w", 1), Import("newsflow.x.y", 3)]


def test_every_stage_module_is_walked() -> None:
    modules, _ = _graph()
    for name in (
        "newsflow.cli.app",
        "newsflow.config.settings",
        "newsflow.flows.ingest",
        "newsflow.tasks.fetch.http",
        "newsflow.tasks.nlp.pipeline",
        "newsflow.tasks.load.store",
        "newsflow.warehouse.db",
    ):
        assert name in modules, name
    assert all(path.is_file() for path in modules.values())


def test_no_import_cycles_inside_newsflow() -> None:
    modules, imports = _graph()
    edges = {
        name: {i.target for i in found if i.target in modules} for name, found in imports.items()
    }
    cycles = _cycles(edges)
    details = [
        " <-> ".join(cycle)
        + ": "
        + "; ".join(
            sorted(
                {
                    f"{member} imports {i.target} (line {i.line})"
                    for member in cycle
                    for i in imports[member]
                    if i.target in cycle
                }
            )
        )
        for cycle in cycles
    ]
    assert cycles == [], "\n".join(details)


def test_no_module_imports_the_old_top_level_names() -> None:
    modules, imports = _graph()
    scripts = sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "tests").glob("*.py"))
    known = set(modules)
    for path in scripts:
        imports[f"{path.parent.name}/{path.name}"] = _imports(path.stem, path, known)
    old = [
        f"{name}:{i.line} imports {i.target}"
        for name, found in imports.items()
        for i in found
        if i.target.split(".")[0] in OLD_NAMES
    ]
    assert old == []


def test_every_folder_of_python_files_is_an_installed_package() -> None:
    """A folder missing from pyproject's package list works in a checkout but not in a wheel."""
    declared = _declared_packages()
    folders = {
        Path(importlib.util.find_spec(name).submodule_search_locations[0]): name  # type: ignore[union-attr,index]
        for name in declared
    }
    missing = [
        str(folder.relative_to(ROOT))
        for top in folders
        for folder in [top, *(p for p in top.rglob("*") if p.is_dir())]
        if "__pycache__" not in folder.parts and any(folder.glob("*.py")) and folder not in folders
    ]
    assert missing == []


def test_the_distribution_installs_only_the_newsflow_name(tmp_path: Path) -> None:
    dist = importlib.metadata.distribution("newsflow")
    top_level = (dist.read_text("top_level.txt") or "newsflow").split()
    assert top_level == ["newsflow"]
    assert all(name == "newsflow" or name.startswith("newsflow.") for name in _declared_packages())
    # Outside the checkout (nothing on sys.path but the environment), only `newsflow` resolves.
    probe = (
        "import importlib.util, json, sys;"
        "print(json.dumps({n: importlib.util.find_spec(n) is not None for n in sys.argv[1:]}))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, "newsflow", "newsflow.tasks.load", *OLD_NAMES],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    found = json.loads(result.stdout)
    assert found == {"newsflow": True, "newsflow.tasks.load": True} | dict.fromkeys(
        OLD_NAMES, False
    )
