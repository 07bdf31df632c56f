"""The layering the house rules state, read from every import in the source (also the ones
inside functions, and modules imported by name): the core never reaches Qt or the window, the
sandbox shares no client code, nothing imports the composition root, and app's packages form
no cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BY_NAME = {"import_module", "__import__", "run_module"}  # importlib, builtins, runpy


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of everything `path` imports."""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module
            # `from . import engine` imports the submodule app.engine.
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in BY_NAME
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _sources(top: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / top).rglob("*.py") if "__pycache__" not in p.parts)


def _violations(top: str, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    found = {
        (str(path.relative_to(root)), line, name)
        for path in _sources(top, root)
        for line, name in _imports(path, root)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    }
    # One line per import statement: the module it names, not each name it takes from it.
    firsts: dict[tuple[str, int], str] = {}
    for file, line, name in sorted(found, key=lambda f: (f[0], f[1], len(f[2]))):
        firsts.setdefault((file, line), name)
    return [f"{file}:{line} imports {name}" for (file, line), name in sorted(firsts.items())]


@pytest.mark.parametrize(
    ("top", "forbidden"),
    [
        ("app", ("PySide6", "shiboken6", "qasync", "ui", "retouchdesk")),
        ("app/sandbox", ("app.api", "app.engine", "app.cli")),  # the server shares no client code
        ("ui", ("retouchdesk",)),
        ("resources", ("PySide6", "app", "ui", "retouchdesk")),
    ],
)
def test_a_layer_never_imports_what_sits_above_it(top: str, forbidden: tuple[str, ...]) -> None:
    assert _violations(top, forbidden) == []


def test_the_probe_sees_imports_inside_functions_and_by_name(tmp_path: Path) -> None:
    # The rules above are only as good as the scan: it must see what the old CLI did.
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "cli.py").write_text(
        "def open_window():\n"
        "    from importlib import import_module\n"
        "    return import_module('ui.main')\n"
        "def later():\n"
        "    from . import engine\n"
        "    import PySide6.QtCore\n"
    )
    assert _violations("app", ("ui", "PySide6", "app.engine"), root=tmp_path) == [
        "app/cli.py:3 imports ui.main",
        "app/cli.py:5 imports app.engine",
        "app/cli.py:6 imports PySide6.QtCore",
    ]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    def cycle_from(node: str, trail: list[str]) -> list[str] | None:
        if node in trail:
            return [*trail[trail.index(node) :], node]
        for nxt in sorted(graph.get(node, ())):
            found = cycle_from(nxt, [*trail, node])
            if found:
                return found
        return None

    return [c for c in (cycle_from(n, []) for n in sorted(graph)) if c]


def test_the_cycle_finder_finds_one() -> None:
    graph = {"app.a": {"app.b"}, "app.b": {"app.c"}, "app.c": {"app.a"}, "app.d": {"app.a"}}
    assert ["app.a", "app.b", "app.c", "app.a"] in _cycles(graph)
    assert _cycles({"app.a": {"app.b"}, "app.b": set()}) == []


def test_apps_packages_form_no_import_cycle() -> None:
    # Nodes are app's subpackages and top-level modules (app.engine, app.logsetup, ...).
    graph: dict[str, set[str]] = {}
    for path in _sources("app"):
        source = ".".join(_module_name(path, ROOT).split(".")[:2])
        for _line, name in _imports(path):
            target = ".".join(name.split(".")[:2])
            if name.startswith("app.") and target != source:
                graph.setdefault(source, set()).add(target)
    assert _cycles(graph) == []
