"""Every command a message tells the user to run exists: each `toolkit ...` in a hint names a real command
with real options, and every --option a message mentions is an option of some command. A hint that suggests
`--compute-type auto` (which never existed) sends the user from one error to another."""
from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
import typer

from toolkit.cli import app

PACKAGE = Path(__file__).resolve().parent.parent / "toolkit"
ROOT_COMMAND = typer.main.get_command(app)


def _text(node: ast.AST) -> str | None:
    """A string literal, or an f-string with each {placeholder} as X."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) or "X" if isinstance(v, ast.Constant) else "X" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _said_to_users(tree: ast.AST):
    """(line, text) of what messages say: hint= values, the message of a raised error, echoed lines."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any("HINT" in getattr(t, "id", "") for t in node.targets):
            text = _text(node.value)          # a shared hint: CLEAR_HINT = "run `toolkit cache clear --yes` ..."
            if text:
                yield node.lineno, text
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        texts = [kw.value for kw in node.keywords if kw.arg == "hint"]
        if name.endswith(("Error", "Found", "Disk")) or name in ("echo", "print"):
            texts += node.args[:1]
        for t in texts:
            for value in ([t.body, t.orelse] if isinstance(t, ast.IfExp) else [t]):
                text = _text(value)
                if text:
                    yield node.lineno, text


def _hints() -> list[tuple[str, str]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in _said_to_users(ast.parse(path.read_text(encoding="utf-8"))):
            if "`toolkit " in text or re.search(r"(?<![\w-])--[a-z]", text):
                out.append((f"{path.relative_to(PACKAGE.parent)}:{line}", text))
    return out


HINTS = _hints()


def _all_options(command) -> set[str]:
    found = {o for p in command.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
    if hasattr(command, "commands"):
        for sub in command.commands.values():
            found |= _all_options(sub)
    return found


def _resolve(words: list[str]) -> tuple:
    command, rest = ROOT_COMMAND, list(words)
    while hasattr(command, "commands") and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no command {rest[0]!r} in `{' '.join(words)}`"
        command, rest = sub, rest[1:]
    return command, rest


def test_the_hints_were_found():
    assert len(HINTS) >= 20 and any("toolkit cache clear" in t for _, t in HINTS)


@pytest.mark.parametrize("where,text", HINTS, ids=[w for w, _ in HINTS])
def test_every_command_a_message_suggests_exists(where, text):
    for suggestion in re.findall(r"`toolkit ([^`]*)`", text):
        command, rest = _resolve(shlex.split(suggestion.replace("|", " ")))
        options = {o for p in command.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
        for word in rest:
            if word.startswith("-") and word != "-":
                assert word.split("=")[0] in options, f"{where}: `toolkit {suggestion}`: no option {word}"
    outside = re.sub(r"`[^`]*`", "", text)
    known = _all_options(ROOT_COMMAND)
    for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", outside):
        assert option in known, f"{where}: {option} is not an option of any toolkit command: {text!r}"


def test_the_checker_catches_a_made_up_option():
    with pytest.raises(AssertionError, match="compute-type"):
        test_every_command_a_message_suggests_exists("x", "reinstall it, or try --compute-type auto")
    with pytest.raises(AssertionError, match="no option --yess"):
        test_every_command_a_message_suggests_exists("x", "run `toolkit cache clear --yess`")
    with pytest.raises(AssertionError, match="no command 'purge'"):
        test_every_command_a_message_suggests_exists("x", "run `toolkit cache purge`")
