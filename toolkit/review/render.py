"""HTML for the review pages: Jinja2 templates with autoescaping on, so a term like `<script>` is text."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from . import cards, decision


@cache
def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pack"] = lambda value: json.dumps(value, ensure_ascii=False)   # escaped like any string
    env.filters["shown"] = cards.shown
    env.filters["shown_message"] = cards.readable
    return env


def _render(name: str, **context) -> str:
    return _env().get_template(name).render(**context)


def _marked(board: cards.Board, segments: Sequence[cards.Segment]) -> list[tuple[cards.Segment, cards.Example]]:
    return [(s, cards.highlighted(s, board.concepts)) for s in segments]


def _catalog_fields(board: cards.Board) -> list[str]:
    return [json.dumps([path, sha]) for _, path, sha in board.catalogs]


def conflicts_page(board: cards.Board, token: str, seen: str, lang: str = "") -> str:
    return _render("conflicts.html", board=board, token=token, seen=seen, catalogs=_catalog_fields(board),
                   broken=_marked(board, board.broken),
                   title="Glossary conflicts", lang=lang,
                   available=dict(board.langs).get(lang, 0) if lang else board.total)


def saved_page(board: cards.Board, token: str, decisions: Sequence[decision.Decision], written: Sequence[str],
               touched: Iterable[str], before: set[tuple[str, int]]) -> str:
    touched = set(touched)
    mine = [s for s in board.broken if any(f"({cid}" in _problems(board, s) for cid in touched)]
    mine += [s for s in board.broken if (s.path, s.line) not in before and s not in mine]
    others = [s for s in board.broken if s not in mine]
    trail = decision.audit_trail(board.concepts)[:len(decisions) + 2]
    return _render("saved.html", board=board, token=token, decisions=decisions, written=written,
                   mine=_marked(board, mine),
                   others=others, trail=trail, catalogs=_catalog_fields(board), title="Decision saved")


def _problems(board: cards.Board, segment: cards.Segment) -> str:
    """Which concepts an entry involves, for grouping: the ids of the concepts matching its source."""
    from .. import glossary
    from ..terms import source as source_names

    layered = glossary.Glossary(board.concepts)
    return " ".join(f"({h.concept.id}" for h in source_names.concept_hits(layered, segment.source, segment.surnames))


def summary_page(board: cards.Board, token: str, stats: Sequence) -> str:
    per_lang: dict[str, dict[str, int]] = {}
    for card in board.cards:
        row = per_lang.setdefault(card.lang or "-", {"error": 0, "warning": 0})
        row[card.severity] = row.get(card.severity, 0) + 1
    for s in board.broken:
        row = per_lang.setdefault(s.lang, {"error": 0, "warning": 0})
        row["error"] += 1
    return _render("summary.html", board=board, token=token, per_lang=sorted(per_lang.items()), stats=stats,
                   trail=decision.audit_trail(board.concepts), title="Review summary")


def confirm_page(refusal, form: dict[str, list[str]], token: str) -> str:
    """A decision that would create new errors, shown before anything is written: the errors, and the same
    decision again with `confirm` (or the way back)."""
    fields = [(name, value) for name, values in form.items() if name not in ("token", "confirm") for value in values]
    return _render("confirm.html", title="Confirm the decision", findings=refusal.findings, fields=fields,
                   token=token)


def message_page(title: str, message: str, token: str | None, *, stale: bool = False, ok: bool = False) -> str:
    """A refusal or an error (`stale`: reloading the page is the way on), or with `ok` a confirmation."""
    return _render("message.html", title=title, message=message, token=token, stale=stale, ok=ok)
