"""The review page's form fields, parsed and checked for their shape before anything acts on them.

A field that no page of ours can send (a NUL, a nested list where a path goes, a line number of 1e400, a
field given twice) is refused with a message naming the field: the request is garbled or forged, and the
reviewer's way out is the same either way, reload the page.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from ..errors import InputError
from .decision import FORGED_STAMP, Decision

#: The most a POST body may hold. A decision is under 2 kB; the fuzzy form after a decision lists every
#: approved entry that now breaks the glossary, about 150 bytes each, so 1 MiB is some 6,000 of them.
MAX_BODY = 1 << 20
MAX_FIELDS = 10_000       # name=value pairs in one body (parse_qs stops counting there, before building lists)
MAX_VALUE = 8_192         # characters in one field: a term, a reason, a path, a packed [path, id]
MAX_LINE = 10_000_000     # a catalog line number; a PO file of MAX_BYTES has far fewer lines
MAX_TARGETS = 64          # concepts one decision names (`at`): a card's finding involves a handful

#: Fields a page sends once; the others (`at`, `entry`, `catalog`) repeat.
SINGLE = ("token", "seen", "action", "lang", "term", "text", "other", "other_path", "reason")
REPEATED = ("at", "entry", "catalog")
# NUL cannot be in an HTML attribute or typed into a text box; lone surrogates cannot be written to a file.
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")


class TooLarge(InputError):
    def __init__(self, size: int, *, streamed: bool = False) -> None:
        said = f"more than {MAX_BODY:,}" if streamed else f"{size:,}"
        super().__init__(f"the request body is {said} bytes; a review form is at most {MAX_BODY:,}",
                         hint="reload the page and decide on fewer entries at a time")


@dataclass(frozen=True, slots=True)
class Fields:
    values: dict[str, list[str]]

    def one(self, name: str) -> str:
        return (self.values.get(name) or [""])[0]

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])


def parse(body: bytes) -> Fields:
    """The fields of an application/x-www-form-urlencoded body of at most MAX_BODY bytes."""
    try:
        text = body.decode("utf-8")
        values = parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise _garbled("the form is not UTF-8") from None
    except ValueError:           # parse_qs: "Max number of fields exceeded"
        raise _garbled(f"the form has more than {MAX_FIELDS:,} fields") from None
    for name, got in values.items():
        if name in SINGLE and len(got) > 1:
            raise _garbled(f"the field {_name(name)} is given {len(got)} times")
        for value in got:
            if len(value) > MAX_VALUE:
                raise _garbled(f"the field {_name(name)} is longer than {MAX_VALUE:,} characters")
            if _UNWRITABLE.search(value):
                raise _garbled(f"the field {_name(name)} holds a NUL or an unpaired surrogate")
            if FORGED_STAMP.search(value):
                raise InputError(f"the field {_name(name)} holds a review stamp ('[review 2…'); the review writes "
                                 "those itself, in the note", hint="leave the stamp out of what you type")
    return Fields(values)


def decisions(fields: Fields) -> list[Decision]:
    """One Decision per `at` ([path, concept id]) of the form."""
    targets = fields.all("at")
    if len(targets) > MAX_TARGETS:
        raise _garbled(f"the form names {len(targets):,} concepts; a decision names at most {MAX_TARGETS}")
    if len(set(targets)) < len(targets):      # each would append the same audit line again
        raise _garbled("the form names the same concept twice")
    # A waiver's decision also names its catalog entry and that catalog as the page saw it.
    entry = tuple(_packed(fields.one("entry"), "entry", (str, int, str), "[catalog file, line number, label]")) \
        if fields.one("entry") else None
    if entry is not None and not 1 <= entry[1] <= MAX_LINE:
        raise _garbled(f"the field 'entry' has line {entry[1]}, not a line of a catalog")
    catalog_sha = _packed(fields.one("catalog"), "catalog", (str, str), "[catalog file, SHA-256]")[1] \
        if fields.one("catalog") else ""
    action = fields.one("action")
    pairs = [_packed(value, "at", (str, str), "[glossary file, concept id]") for value in targets]
    if not pairs and action == "revoke-waiver":      # a waiver naming no concept: only the entry changes
        pairs = [["", ""]]
    out = [Decision(action, path, concept, fields.one("lang"), fields.one("term") or fields.one("text"),
                    fields.one("other"), fields.one("other_path"), fields.one("reason"), entry, catalog_sha)
           for path, concept in pairs]
    if not out:
        raise _garbled("the form names no concept")
    return out


def entries(fields: Fields) -> list[tuple[str, int, str]]:
    """The ticked catalog entries of the fuzzy form: (catalog path, line, msgctxt)."""
    out = []
    for value in fields.all("entry"):
        path, line, ctxt = _packed(value, "entry", (str, int, str), "[catalog file, line number, msgctxt]")
        if not 1 <= line <= MAX_LINE:
            raise _garbled(f"the field 'entry' has line {line}, not a line of a catalog")
        out.append((path, line, ctxt))
    return out


def seen_catalogs(fields: Fields) -> set[tuple[str, str]]:
    """(catalog path, SHA-256) of every catalog as the page saw it."""
    return {tuple(_packed(v, "catalog", (str, str), "[catalog file, SHA-256]")) for v in fields.all("catalog")}


def _packed(value: str, name: str, shape: Sequence[type], said: str) -> list:
    """Form values that carry several fields are JSON lists (HTML attributes cannot hold NUL, and browsers
    rewrite newlines in submitted values): exactly `shape`, flat, or refused."""
    try:
        out = json.loads(value, parse_constant=_no_constant)
    except (ValueError, RecursionError):     # RecursionError: 100,000 nested brackets
        out = None
    if not isinstance(out, list) or len(out) != len(shape) or not all(
            type(v) is t for v, t in zip(out, shape)):       # type(): True is an int to isinstance
        raise _garbled(f"the field {_name(name)} is not {said}")
    if any(isinstance(v, str) and _UNWRITABLE.search(v) for v in out):   # "\u0000" inside the JSON
        raise _garbled(f"the field {_name(name)} holds a NUL or an unpaired surrogate")
    return out


def _no_constant(name: str) -> None:
    raise ValueError(name)       # NaN, Infinity: not JSON, and never a line number


def _name(name: str) -> str:
    return repr(name[:40])


def _garbled(reason: str) -> InputError:
    return InputError(f"{reason}; the request was not made by the review page", hint="reload the page")
