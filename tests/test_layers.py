"""The package's dependency rules, read from the source with ast (lazy imports count too).

Each module belongs to a layer by its name; a layer may import only the layers listed for it,
only the CLI imports typer, only views and the CLI import rich, and no exporter or view reaches
network code, even through a chain of imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

# Layer -> the modules and packages (with everything inside them) that belong to it.
LAYERS: dict[str, tuple[str, ...]] = {
    "model": ("publist.model", "publist.errors"),
    "read": ("publist.bibtex", "publist.config", "publist.fsio"),
    "build": ("publist.build",),
    "output": ("publist.output",),
    "views": ("publist.views",),
    "sources": ("publist.sources",),
    "enrich": ("publist.enrich",),
    "cli": ("publist.cli", "publist.__main__"),
    "api": ("publist",),
}
ALLOWED: dict[str, set[str]] = {
    "model": {"model"},
    "read": {"model", "read"},
    "build": {"model", "read", "build"},
    "output": {"model", "read", "build", "output"},
    # Views may read the offline caches and show a sync plan, but see NETWORK below.
    "views": {"model", "read", "build", "views", "sources", "enrich"},
    "sources": {"model", "read", "sources", "api"},
    "enrich": {"model", "read", "build", "sources", "enrich"},
    "cli": set(LAYERS),
    "api": {"model", "read", "build", "output", "api"},
}
# Who may import these third-party packages at all.
THIRD_PARTY: dict[str, set[str]] = {
    "typer": {"cli"},
    "click": set(),  # typer bundles its own; never import it
    "rich": {"views", "cli"},
    "requests": {"sources"},
    "bibtexparser": {"read"},
}
# Layers that must not reach a module importing one of these, directly or through others.
NETWORK = ("requests", "urllib3", "http.client")
OFFLINE_LAYERS = ("model", "read", "build", "output", "views")


def layer_of(module: str) -> str:
    """The layer a publist module belongs to (the longest matching rule wins)."""
    best = ("", "")
    for layer, patterns in LAYERS.items():
        for pattern in patterns:
            hit = module == pattern or module.startswith(pattern + ".")
            if hit and len(pattern) > len(best[1]):
                best = (layer, pattern)
    if not best[0]:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")
    return best[0]


def module_name(path: Path, root: Path) -> str:
    """``src/publist/build/owner.py`` -> ``publist.build.owner``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every module ``tree`` imports, absolute, with its line (function-level imports too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            yield node.lineno, base
            for alias in node.names:
                # "from publist.bibtex import latex" imports the submodule publist.bibtex.latex.
                yield node.lineno, f"{base}.{alias.name}"


def read_tree(root: Path) -> dict[str, str]:
    """Module name -> source text, for every module under ``root/publist``."""
    return {module_name(p, root): p.read_text("utf-8") for p in (root / "publist").rglob("*.py")}


def violations(sources: Mapping[str, str]) -> list[str]:
    """Every broken rule, one message each, naming the module, line and offending import."""
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    external: dict[str, set[str]] = {}
    packages = {name for name in sources if any(n.startswith(name + ".") for n in sources)}
    for module, text in sorted(sources.items()):
        tree = ast.parse(text)
        layer = layer_of(module)
        graph[module] = set()
        external[module] = set()
        for line, target in imports(tree, module, module in packages):
            top = target.split(".")[0]
            if top == "publist":
                if target not in sources:
                    continue  # "from publist.x import name": the module itself is listed too
                graph[module].add(target)
                other = layer_of(target)
                if other not in ALLOWED[layer]:
                    problems.append(
                        f"{module}:{line}: a {layer} module imports {target} ({other} layer)"
                    )
            else:
                external[module].add(target)
                for package, layers in THIRD_PARTY.items():
                    if (target == package or target.startswith(package + ".")) and (
                        layer not in layers
                    ):
                        problems.append(f"{module}:{line}: a {layer} module imports {target}")
    for module in sorted(graph):
        if layer_of(module) in OFFLINE_LAYERS:
            chain = _path_to_network(module, graph, external)
            if chain is not None:
                problems.append(f"{module}: reaches network code through {' -> '.join(chain)}")
    return problems


def _path_to_network(
    start: str, graph: Mapping[str, set[str]], external: Mapping[str, set[str]]
) -> list[str] | None:
    """The import chain from ``start`` to a network package, or None."""
    seen = {start}
    queue: list[list[str]] = [[start]]
    while queue:
        chain = queue.pop(0)
        for target in sorted(external[chain[-1]]):
            if target.split(".")[0] in NETWORK or target in NETWORK:
                return [*chain, target]
        for target in sorted(graph[chain[-1]]):
            if target not in seen:
                seen.add(target)
                queue.append([*chain, target])
    return None


def test_the_package_keeps_its_dependency_rules() -> None:
    tree = read_tree(SRC)
    assert "publist.build.pipeline" in tree and "publist.cli" in tree  # the walk saw the code
    assert violations(tree) == []


@pytest.mark.parametrize(
    ("module", "line", "expected"),
    [
        (
            "publist.model",
            "from publist.bibtex.latex import to_text",
            "publist.model:",
        ),
        ("publist.output.html", "import publist.sources.http", "output module imports"),
        ("publist.build.pipeline", "import typer", "imports typer"),
        ("publist.output.markdown", "import rich", "imports rich"),
        ("publist.bibtex.parse", "from publist.build.owner import OwnerMatcher", "build layer"),
        ("publist.sources.cache", "from publist.output import render", "output layer"),
    ],
)
def test_a_wrong_import_is_reported_with_the_import(module: str, line: str, expected: str) -> None:
    tree = read_tree(SRC)
    tree[module] = f"{tree[module]}\n{line}\n"
    found = violations(tree)
    assert any(expected in problem for problem in found), found
    target = line.split()[1]
    assert any(target in problem for problem in found), found


def test_a_view_that_reaches_the_network_through_another_module_is_reported() -> None:
    tree = read_tree(SRC)
    # A views module importing a sources module is allowed, unless that one is network code.
    tree["publist.views.stale"] += "\nfrom publist.sources.arxiv.client import ArxivClient\n"
    found = violations(tree)
    assert any(
        problem.startswith("publist.views.stale: reaches network code through")
        and "publist.sources.arxiv.client" in problem
        and "requests" in problem
        for problem in found
    ), found


def test_every_module_has_a_layer() -> None:
    for module in read_tree(SRC):
        assert layer_of(module) in ALLOWED
