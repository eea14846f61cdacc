"""The package's import graph: no module imports itself back, however indirectly or lazily.

A cycle hidden by a function-level import works until someone moves that import, so every
``briefwire`` import counts here, module-level or not (``if TYPE_CHECKING:`` blocks aside:
they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "briefwire"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement in ``node``, at any depth, except in ``if TYPE_CHECKING:``."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
        return
    children = (
        node.orelse if isinstance(node, ast.If) and _is_type_checking(node) else ast.iter_child_nodes(node)
    )
    for child in children:
        yield from _import_nodes(child)


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str) -> set[str]:
    """The package's modules that ``module`` imports (a name that is a submodule counts as it)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            source = _absolute(module, node)
            targets = [
                f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES else source for a in node.names
            ]
        found.update(t for t in targets if t == PACKAGE or t.startswith(PACKAGE + "."))
    return found


def graph() -> dict[str, set[str]]:
    return {module: imports_of(module) - {module} for module in MODULES}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, …, a], or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for target in sorted(edges.get(node, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done and (cycle := visit(target)) is not None:
                return cycle
        on_path.discard(path.pop())
        done.add(node)
        return None

    for start in sorted(edges):
        if start not in done and (cycle := visit(start)) is not None:
            return cycle
    return None


def test_every_import_resolves_to_a_module() -> None:
    unknown = {(m, t) for m, targets in graph().items() for t in targets if t not in MODULES}
    assert not unknown, f"imports of modules that do not exist: {sorted(unknown)}"


def test_no_import_cycles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_data_model_imports_nothing_of_ours() -> None:
    # model.py is the data that flows between stages; it must stay importable by all of them.
    assert imports_of("briefwire.model") == set()


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


# One progress protocol: every class that reports progress has its methods as declared there.

# Each protocol, and the method that marks a class as reporting that kind of progress.
PROTOCOLS = {"Progress": "section_started", "BatchProgress": "item_done"}


def _methods(cls: ast.ClassDef) -> dict[str, list[str]]:
    return {
        f.name: [a.arg for a in f.args.args]
        for f in cls.body
        if isinstance(f, ast.FunctionDef) and not f.name.startswith("_")
    }


def _classes() -> Iterator[tuple[str, ast.ClassDef]]:
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                yield module, node


def test_progress_reporters_match_the_one_protocol() -> None:
    declared = {
        c.name: _methods(c) for m, c in _classes() if m == "briefwire.progress" and c.name in PROTOCOLS
    }
    assert set(declared) == set(PROTOCOLS)
    reporters = 0
    for module, cls in _classes():
        if module == "briefwire.progress":
            continue
        methods = _methods(cls)
        for protocol, wanted in declared.items():
            if PROTOCOLS[protocol] in methods:  # reports this kind of progress: all of it, alike
                reporters += 1
                where = f"{module}.{cls.name} ({protocol})"
                assert {name: methods.get(name) for name in wanted} == wanted, where
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in cls.bases}
                assert "Protocol" not in bases and not _stub(cls), f"{where}: a second protocol"
    assert reporters >= 3  # the CLI's two and the web jobs'


def _stub(cls: ast.ClassDef) -> bool:
    """True if every method's body is ``...``: a declaration, not an implementation."""
    bodies = [f.body for f in cls.body if isinstance(f, ast.FunctionDef)]
    return bool(bodies) and all(
        len(b) == 1 and isinstance(b[0], ast.Expr) and getattr(b[0].value, "value", None) is Ellipsis
        for b in bodies
    )
