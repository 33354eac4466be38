"""Our PO writer against GNU msgcat: the same bytes, so editors and GNU tools make minimal diffs."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from toolkit import powrap

# What news in en/ru/az/hy puts in a string, with the characters whose line-break class matters
# (hyphen, dashes, slash, quotes of three languages, NBSP, Armenian full stop and hyphen, escapes).
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCZабвгдеёжзийклмнопрстуфхцчшщъыьэюяəğıöşüçԱԲաբգդեզէըթժիլխծկհձղճմյ0123456789"
_MARKS = list(" ,.;:!?-–—()«»\"'’“”„/%\u00a0\u202f…[]{}+$&*#@=<>|~^_`\\\t։֊№€°") + ["\n", "\u0301", "\u4e00"]
_TEXT = st.lists(st.one_of(st.sampled_from(list(_LETTERS)), st.sampled_from(_MARKS)), max_size=300).map("".join)
_NAMES = st.sampled_from([("msgid", ""), ("msgstr", ""), ("msgctxt", ""), ("msgid", "#| "), ("msgstr", "#~ "),
                          ("msgstr[2]", "#~ ")])


def _catalog(values: list[tuple[str, str, str]]) -> str:
    lines = ['msgid ""', *powrap.wrap("msgstr", "Content-Type: text/plain; charset=UTF-8\n")]
    for i, (name, prefix, value) in enumerate(values):
        # a whole entry, so msgcat accepts it: the string under test in the field and prefix drawn
        msgid = (value or "x") if name == "msgid" and not prefix else f"entry {i}"
        msgstr = value if name == "msgstr" and not prefix else ""
        entry = [""]
        if prefix == "#| ":
            entry += ["#, fuzzy", *powrap.wrap("msgid", value, "#| ")]
            msgstr = "x" + ("\n" if msgid.endswith("\n") else "")
        if name == "msgctxt":
            entry += powrap.wrap("msgctxt", value)
        if prefix == "#~ ":
            entry += powrap.wrap("msgid", msgid, "#~ ") + powrap.wrap("msgstr", value or "x", "#~ ")
        else:
            entry += powrap.wrap("msgid", msgid) + powrap.wrap("msgstr", msgstr)
        lines += entry
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU msgcat is not installed")
@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(_NAMES, _TEXT), min_size=1, max_size=40, unique_by=lambda t: t[1]))
def test_wrapping_is_byte_identical_to_msgcat(values):
    flat = [(name, prefix, value) for (name, prefix), value in values]
    flat.sort(key=lambda v: v[1] == "#~ ")           # GNU writes obsolete entries last
    ours = _catalog(flat)
    result = subprocess.run(["msgcat", "-"], input=ours.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == ours


WRAP_CASES = [
    ("msgid", "Short.", ['msgid "Short."']),                                      # fits: one line
    ("msgid", "a\nb", ['msgid ""', '"a\\n"', '"b"']),                             # an inner \n always breaks
    ("msgstr", "x" * 80, ['msgstr "' + "x" * 80 + '"']),                         # no break opportunity: overlong
    ("msgid", "word " * 16, ['msgid ""', '"' + "word " * 15 + '"', '"word "']),   # the space stays at the end
]


@pytest.mark.parametrize("name, value, lines", WRAP_CASES)
def test_wrap_cases(name, value, lines):
    assert powrap.wrap(name, value) == lines
