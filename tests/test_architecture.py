"""Calls flow one way: the import graph of `toolkit` has no circle.

Every import counts, at module level or inside a function (a lazy import is still a dependency), and so
does a type-only one under `if TYPE_CHECKING:`. Importing `toolkit.a.b` also runs `toolkit/a/__init__.py`,
so it depends on `toolkit.a` too, unless the importer lives inside `toolkit.a` (a package's own modules
load while it loads). See ARCHITECTURE.md for the layers.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "toolkit"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The toolkit modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        if node.level:
            base = module.split(".") if _is_package(module) else module.split(".")[:-1]
            base = base[:len(base) - node.level + 1]
            stem = ".".join(base + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        # `from pkg import name`: a submodule if there is one by that name, else a name defined in pkg
        names = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in MODULES else stem for a in node.names]
    out = []
    for name in names:
        while name and name not in MODULES:         # `import toolkit.x.Y` style: the nearest module
            name = name.rpartition(".")[0]
        if not name.startswith("toolkit"):
            continue
        parts = name.split(".")
        for i in range(1, len(parts) + 1):          # the packages on the way run their __init__ too
            step = ".".join(parts[:i])
            if not (module == step or module.startswith(step + ".")):
                out.append(step)
    return out


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = {t for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                         for t in _targets(module, node) if t != module}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walker_sees_lazy_relative_and_type_only_imports():
    graph = import_graph()
    assert "toolkit.terms.morph" in graph["toolkit.terms.enforce"]  # module level, relative
    assert "toolkit.terms" in graph["toolkit.qa"]                 # inside a function
    assert "toolkit.glossary" in graph["toolkit.cli.options"]     # under TYPE_CHECKING
    assert "toolkit.glossary" in graph["toolkit.terms.morph"]     # a submodule's package runs first
    assert "toolkit.glossary.tbx" in graph["toolkit.glossary.files"]
    assert "toolkit.glossary" not in graph["toolkit.glossary.tbx"]  # its own package is already loading


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),                  # a line is fine
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),                    # the smallest circle
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),   # d only leans on it
])
def test_circles_finds_exactly_the_circles(graph, expected):
    assert circles(graph) == expected


def test_toolkit_imports_have_no_circle():
    assert circles(import_graph()) == []


# The layers, lowest first (ARCHITECTURE.md): a module imports only from its own layer or lower ones.
LAYERS = [
    ("toolkit", "toolkit.errors", "toolkit.findings", "toolkit.langs", "toolkit.fsutil", "toolkit.segment",
     "toolkit.articles", "toolkit.confidence"),
    ("toolkit.glossary", "toolkit.document", "toolkit.pofile", "toolkit.powrap", "toolkit.models"),
    ("toolkit.terms",),
    ("toolkit.engines", "toolkit.config", "toolkit.tm"),
    ("toolkit.locales", "toolkit.catalog", "toolkit.qa", "toolkit.stats", "toolkit.build"),
    ("toolkit.pipeline", "toolkit.review", "toolkit.glossary_edit", "toolkit.evaluate"),
    ("toolkit.cli", "toolkit.__main__"),
]


def _layer(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer if top != "toolkit") \
                or module in layer:
            return i
    raise AssertionError(f"{module} is in no layer of LAYERS: add it (and to ARCHITECTURE.md)")


def test_every_import_goes_down_or_sideways():
    upward = sorted((m, t) for m, targets in import_graph().items() for t in targets if _layer(t) > _layer(m))
    assert upward == []


# Inside toolkit/models/, lowest first: each part imports only parts before it (the face imports them all).
MODELS_PARTS = ["catalogue", "families", "archives", "download", "store", "packages", "index", "opus", "install"]


def test_the_models_parts_import_in_order():
    graph = import_graph()
    found = {m.removeprefix("toolkit.models.") for m in MODULES if m.startswith("toolkit.models.")}
    assert found <= set(MODELS_PARTS), f"add {sorted(found - set(MODELS_PARTS))} to MODELS_PARTS"
    upward = sorted((part, t) for part in found for t in graph[f"toolkit.models.{part}"]
                    if t.startswith("toolkit.models.")
                    and MODELS_PARTS.index(t.removeprefix("toolkit.models.")) > MODELS_PARTS.index(part))
    assert upward == []


def _top_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return ({(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
            | {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names})


def test_the_runtime_never_imports_the_dev_helpers():
    # toolkit_dev (random test models) is not in the wheel: a runtime import of it would break installs.
    assert sorted(m for m, path in MODULES.items() if "toolkit_dev" in _top_packages(path)) == []
    assert "toolkit_dev" in _top_packages(ROOT / "tests" / "conftest_models.py")   # the check sees the import
