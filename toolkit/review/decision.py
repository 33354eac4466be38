"""A reviewer's decision, and what it does to a glossary cell's terms and a concept's note, whatever the
file format (`edit` writes TSV/CSV rows, `tbxedit` TBX entries)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .. import glossary
from ..errors import GlossaryError
from ..glossary import Term

ACTIONS = ("prefer", "admit", "forbid", "fill", "normalize", "keep-apart", "merge", "accept-waiver", "revoke-waiver")
#: Decisions about a translator's waiver (`# toolkit: accept ID` on a catalog entry): accepting records it in
#: the concept's note (the waiver is then settled); revoking also removes the word from the entry's comment.
WAIVER_ACTIONS = ("accept-waiver", "revoke-waiver")
#: The decisions that edit one language's cell: `lang` must name a language, never `id`, `kind` or `note`
#: (a fill of `kind` would make a concept do-not-translate, of `note` would replace its audit trail).
ON_A_CELL = ("prefer", "admit", "forbid", "fill", "normalize")
#: What `keep-apart` writes into a note; `glossary.lint` leaves a finding alone when a note involved has it.
KEEP_APART = "keep apart ({code} {lang} {term})"
_STAMP = re.compile(r"\[review (\d{4}-\d\d-\d\d \d\d:\d\dZ) ([^\]]*)\] ([^|]*)")
#: What only `stamp` may write: typed into a term or a reason it would read as a second, forged decision.
FORGED_STAMP = re.compile(r"\[review \d")


@dataclass(frozen=True, slots=True)
class Decision:
    action: str      # one of ACTIONS
    path: str        # the glossary file holding the concept
    concept: str     # its id (merge: the concept that stays)
    lang: str = ""   # the language column edited
    term: str = ""   # the form (prefer/admit/forbid), the new cell (fill), the finding's term (keep-apart)
    other: str = ""  # merge: the id of the concept folded into `concept` and removed; keep-apart: the finding code
    other_path: str = ""   # merge: the file holding `other`
    reason: str = ""
    entry: tuple[str, int, str] | None = None   # a waiver's catalog entry: (catalog path, line, label)
    catalog_sha: str = ""  # that catalog's SHA-256 when the page was loaded


@dataclass(frozen=True, slots=True)
class AuditEntry:
    when: str        # "2026-12-02 03:10Z"
    who: str
    what: str
    concept: str
    place: str       # file:line


def check(d: Decision) -> None:
    """Refuse a decision no review page offers, whatever the file format it would edit."""
    if d.action not in ACTIONS:
        raise GlossaryError(f"unknown decision {d.action!r}", path=d.path or None, hint="reload the page")
    if d.action in ON_A_CELL and (d.lang in glossary.META_COLUMNS or glossary.canonical_language(d.lang) != d.lang):
        raise GlossaryError(f"{d.lang!r} is not a language column; a {d.action} decision edits only a "
                            "language's cell", path=d.path or None, hint="reload the page")
    if d.action in ("prefer", "admit", "forbid") and not one_line(d.term):
        raise GlossaryError(f"a {d.action} decision needs the form it is about", path=d.path or None,
                            hint="reload the page")
    if d.action in ("prefer", "admit", "forbid", "fill"):
        # as `glossary add-variant` and `import` refuse it: in a TSV cell it would run as a spreadsheet formula
        forms = [t.text for t in _cell(d)] if d.action == "fill" else [_form(d.term)]
        for form in forms:
            if glossary.starts_like_a_formula(form):
                raise GlossaryError(f"not a term: {form!r} starts with {form[0]!r}, which a spreadsheet runs as a "
                                    "formula", path=d.path or None, hint="write the term without it")


def _form(text: str) -> str:
    """A typed form as the edit writes it: NFC, whitespace runs made single spaces, none around it."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _cell(d: Decision) -> tuple[Term, ...]:
    try:
        return glossary.parse_cell(_form(d.term))
    except GlossaryError:     # a malformed cell is the edit's to refuse, naming the row's line
        return ()


def stamp(who: str, when: datetime | None = None) -> str:
    when = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"review {when:%Y-%m-%d %H:%M}Z {one_line(who) or 'unknown'}"


def other_path(d: Decision) -> Path:
    return Path(d.other_path or d.path)


def change_status(terms: list[Term], form: str, action: str, where: str, lang: str) -> list[Term]:
    """The cell's terms after the decision; a decision that would change nothing is refused (it would only
    write a note, and the finding would stay)."""
    state = {"prefer": "preferred", "admit": "admitted", "forbid": "forbidden"}[action]
    key = glossary.match_key(" ".join(unicodedata.normalize("NFC", form).split()))
    if any(glossary.match_key(t.text) == key and t.status == state for t in terms):
        raise GlossaryError(f"{form!r} is already {state} in the {lang} cell; nothing to change", path=where,
                            hint="reload the page")
    return _changed_status(terms, form, action, where, lang)


def _changed_status(terms: list[Term], form: str, action: str, where: str, lang: str) -> list[Term]:
    form = " ".join(unicodedata.normalize("NFC", form).split())
    key = glossary.match_key(form)
    found = next((t for t in terms if glossary.match_key(t.text) == key), None)
    rest = [t for t in terms if t is not found]
    text = found.text if found else form
    if action == "prefer":
        return [Term(text, "preferred"), *rest]
    accepted = [t for t in rest if t.status != "forbidden"]
    if found is not None and found.status == "preferred" and not accepted:
        raise GlossaryError(f"{text!r} is the only accepted {lang} term here", path=where,
                            hint="make another form preferred first, or fill the cell with one")
    if action == "admit":
        # Order is status: the preferred term first, then the admitted ones.
        if found is not None and found.status == "preferred":
            return [accepted[0], Term(text, "admitted"), *[t for t in rest if t is not accepted[0]]]
        head = [t for t in rest if t.status == "preferred"]
        return [*head, Term(text, "admitted"), *[t for t in rest if t.status != "preferred"]]
    if found is None:
        return [*rest, Term(text, "forbidden")]
    return [t if t is not found else Term(text, "forbidden") for t in terms] if found.status != "preferred" \
        else [accepted[0], *[t for t in rest if t is not accepted[0]], Term(text, "forbidden")]


def merge_terms(keep: Sequence[Term], other: Sequence[Term]) -> list[Term]:
    """The kept concept's terms, then the other's as admitted (forbidden stays forbidden) unless already there."""
    out = list(keep)
    seen = {glossary.match_key(t.text) for t in keep}
    for t in other:
        if glossary.match_key(t.text) in seen:
            continue
        seen.add(glossary.match_key(t.text))
        status = "forbidden" if t.status == "forbidden" else "admitted" if out else "preferred"
        out.append(Term(t.text, status))
    return out


def add_note(note: str, entry: str) -> str:
    note = note.rstrip()
    return f"{note} | {entry}" if note.strip() else entry


VERBS = {"prefer": "made preferred", "admit": "admitted (not preferred)", "forbid": "marked forbidden"}


def describe(d: Decision) -> str:
    """The audit line of a status decision."""
    return f"{d.lang}: {d.term!r} {VERBS[d.action]}" + why(d)


def waiver_note(d: Decision) -> str:
    """The audit line of a waiver decision; accepting writes the mark `qa.glossary_conflicts` honours."""
    from ..qa import WAIVER_ACCEPTED

    path, _, label = d.entry or ("", 0, "")
    if d.action == "accept-waiver":
        return WAIVER_ACCEPTED.format(lang=d.lang, catalog=Path(path).stem, entry=label) + why(d)
    return f"{d.lang}: waiver `toolkit: accept {d.term}` revoked ({Path(path).stem} {label})" + why(d)


def why(d: Decision) -> str:
    return f": {one_line(d.reason)}" if d.reason.strip() else ""


def one_line(text: str) -> str:
    # control characters (and U+FFFE/U+FFFF) become spaces: the glossary reader refuses them, TBX cannot hold them
    return " ".join(re.sub("[\x00-\x1f\x7f\ufffe\uffff]", " ", text).replace("|", "/").split())


# --- the audit trail -------------------------------------------------------------------------------

def audit_trail(concepts: Sequence[glossary.Concept]) -> list[AuditEntry]:
    """Every recorded decision in the glossaries' notes, newest first."""
    out = []
    for c in concepts:
        for m in _STAMP.finditer(c.note):
            out.append(AuditEntry(m.group(1), m.group(2).strip(), m.group(3).strip(), c.id, c.origin))
    out.sort(key=lambda e: e.when, reverse=True)
    return out
