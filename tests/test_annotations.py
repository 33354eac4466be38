"""Every name an annotation uses is bound in its module (imported, under `TYPE_CHECKING` or not, or defined).

With `from __future__ import annotations` nothing evaluates an annotation at run time, so a name used only
there and never imported (ruff's F821) breaks no test, only `typing.get_type_hints` and the reader who looks
for it: `pipeline.py` once annotated `progress: Progress` and `list[Hypothesis]` without importing either.
"""
from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "toolkit").rglob("*.py"))


def _bound(tree: ast.Module) -> set[str]:
    """Names bound anywhere in the module: lenient on scope, strict on a name bound nowhere."""
    names = set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _annotations(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                if arg is not None and arg.annotation is not None:
                    yield arg.annotation
            if node.returns is not None:
                yield node.returns
        elif isinstance(node, ast.AnnAssign):
            yield node.annotation


def _used(annotation: ast.expr):
    """(name, line) of each name the annotation reads, string annotations ("int | None") included; a call's
    arguments are metadata (`Annotated[str, typer.Option("--cache")]`), not types, so only its callee counts."""
    if isinstance(annotation, ast.Call):
        yield from _used(annotation.func)
        return
    if isinstance(annotation, ast.Name):
        yield annotation.id, annotation.lineno
    elif isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            inner = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return                          # a Literal["..."] value, not a forward reference
        for name, _ in _used(inner):
            yield name, annotation.lineno
    for child in ast.iter_child_nodes(annotation):
        yield from _used(child)


def unbound_annotation_names(source: str) -> list[tuple[str, int]]:
    tree = ast.parse(source)
    bound = _bound(tree)
    return sorted({(name, line) for ann in _annotations(tree) for name, line in _used(ann) if name not in bound})


CASES = [
    ("from x import A\ndef f(a: A) -> None: ...\n", []),                         # imported
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from x import A\ndef f(a: A): ...\n", []),  # type-only
    ("def f(a: Progress | None = None): ...\n", [("Progress", 1)]),              # the pipeline.py hole
    ("def f() -> list[Hypothesis]: ...\n", [("Hypothesis", 1)]),                # in a subscript
    ('P = int\ndef f(a: "P | Missing"): ...\n', [("Missing", 2)]),               # inside a string annotation
    ("class C:\n    x: C | None = None\n", []),                                 # its own class
    ('from typing import Annotated\nimport typer\ndef f(c: Annotated[str, typer.Option("--cache")]): ...\n',
     []),                                                                      # typer metadata is no type
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_the_checker_finds_unbound_names(source, expected):
    assert unbound_annotation_names(source) == expected


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_annotation_name_is_bound(path):
    assert unbound_annotation_names(path.read_text(encoding="utf-8")) == []
