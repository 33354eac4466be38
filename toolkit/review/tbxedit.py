"""Decisions on a TBX glossary: only the decided `conceptEntry` (or TBX 2008 `termEntry`) is re-serialised.

The entry's bytes are cut out of the file at the offsets expat reports, edited as a small element tree
(term status in `<termNote type="administrativeStatus">`, the audit line in the entry's `<note>`), and put
back; everything before and after it stays byte-identical. Empty-cell and Unicode findings only come from
TSV/CSV files, so a TBX takes the status, merge and keep-apart decisions.
"""
from __future__ import annotations

import codecs
import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from xml.parsers import expat

from .. import glossary
from ..errors import GlossaryError
from ..glossary import Term
from ..glossary import tbx
from ..glossary.tbx import STATUS_TO_TBX, TBX_TO_STATUS, XML_LANG
from .decision import (KEEP_APART, WAIVER_ACTIONS, add_note, change_status, describe, merge_terms, one_line, other_path,
                       waiver_note, why)

_ENTRY = ("conceptEntry", "termEntry")
_LANG = ("langSec", "langSet")
_TERM = ("termSec", "tig", "ntig")
_DECLARED = re.compile(rb"""(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_UNBOUND_PREFIX = expat.errors.codes[expat.errors.XML_ERROR_UNBOUND_PREFIX]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def entry_spans(data: bytes) -> dict[str, tuple[int, int]]:
    """Byte offsets (start of `<conceptEntry`, end of its closing tag) of every entry, by id."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    spans: dict[str, tuple[int, int]] = {}
    open_: list[tuple[str, int]] = []
    count = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag.split(":")[-1]) in _ENTRY:
            count[0] += 1
            open_.append((attrs.get("id") or f"tbx-{count[0]}", parser.CurrentByteIndex))

    def end(tag: str) -> None:
        if _local(tag.split(":")[-1]) in _ENTRY and open_:
            cid, begin = open_.pop()
            at = parser.CurrentByteIndex
            close = data.index(b">", at) + 1 if data[at:at + 2] == b"</" else at
            spans[cid] = (begin, close)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.Parse(data, True)
    return spans


def declared_encoding(data: bytes, path: Path) -> str:
    """The encoding the XML declaration names (UTF-8 without one): the cut-out entry is parsed, and written
    back, in it. UTF-16/32 files are refused: their entries cannot be cut out at byte offsets as text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:4] in (b"<\0?\0", b"\0<\0?"):
        raise GlossaryError("the review edits TBX files saved in UTF-8 or an 8-bit encoding, not UTF-16",
                            path=path, hint="save it as UTF-8, or export it with `toolkit glossary export`")
    found = _DECLARED.match(data)
    name = found.group(1).decode("ascii") if found else "utf-8"
    try:
        codecs.lookup(name)       # tbx.parse has read the file with it, so it exists; the name stays as written
        return name
    except LookupError:
        raise GlossaryError(f"the XML declaration names an unknown encoding ({name})", path=path, line=1,
                            hint='save it as UTF-8 with encoding="UTF-8"') from None


def edit(data: bytes, path: Path, decisions: Sequence, mark: str, merged: dict[tuple[str, str], dict[str, str]],
         drops: Sequence[tuple[str, str]] = ()) -> bytes:
    # The file as `glossary check` reads it (no DTD, bounded depth, well-formed): what it refuses, the
    # review refuses with the same message, before cutting entries out of it.
    tbx.parse(data, path)
    encoding = declared_encoding(data, path)
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'.encode("ascii")
    spans = entry_spans(data)
    replaced: dict[int, tuple[int, bytes]] = {}
    trees: dict[str, ET.Element] = {}
    for d in decisions:
        if d.concept not in spans:
            raise GlossaryError(f"no concept {d.concept!r} here any more", path=path, hint="reload the page")
        entry = trees.get(d.concept)
        if entry is None:
            begin, end = spans[d.concept]
            try:
                entry = trees[d.concept] = ET.fromstring(declaration + data[begin:end])
            except ET.ParseError as exc:
                # The whole file parsed, so the entry alone fails only for what it takes from its ancestors.
                if exc.code == _UNBOUND_PREFIX:
                    raise GlossaryError("this entry uses XML namespace prefixes declared outside it, which the "
                                        "review cannot edit", path=path,
                                        line=data[:begin].count(b"\n") + exc.position[0],
                                        hint="edit it by hand, or export it with `toolkit glossary export`") from None
                raise GlossaryError(f"cannot edit this entry on its own: {expat.ErrorString(exc.code)}", path=path,
                                    hint="edit it by hand, or export it with `toolkit glossary export`") from None
        where = f"{path}:{d.concept}"
        if d.action in ("prefer", "admit", "forbid"):
            terms = _terms(entry, d.lang)
            new = change_status(list(terms), d.term, d.action, where, d.lang)
            _set_terms(entry, d.lang, new)
            what = describe(d)
        elif d.action == "keep-apart":
            if not d.reason.strip():
                raise GlossaryError("say why the two stay apart", path=where, hint="fill in the reason")
            what = KEEP_APART.format(code=d.other, lang=d.lang, term=d.term) + why(d)
        elif d.action in WAIVER_ACTIONS:
            what = waiver_note(d)
        elif d.action == "merge":
            src = merged[(str(other_path(d)), d.other)]
            for lang, raw in src.items():
                if lang in ("id", "kind", "note"):
                    continue
                other = glossary.parse_cell(raw.strip()) if raw.strip() else ()
                _set_terms(entry, lang, merge_terms(_terms(entry, lang), other))
            what = f"merged {d.other} into this concept" + (f" (its note: {src['note'].strip()})"
                                                            if src.get("note", "").strip() else "") + why(d)
        else:
            raise GlossaryError(f"a TBX glossary takes no {d.action!r} decision; edit the file by hand", path=path)
        _set_note(entry, add_note(_note(entry), f"[{mark}] {one_line(what)}"))
    for cid, entry in trees.items():
        begin, end = spans[cid]
        entry.tail = None
        replaced[begin] = (end, ET.tostring(entry, encoding="unicode").encode(encoding, "xmlcharrefreplace"))
    for gone, into in drops:
        if gone not in spans:
            raise GlossaryError(f"no concept {gone!r} here any more", path=path, hint="reload the page")
        begin, end = spans[gone]
        text = one_line(f" {gone} merged into {into} [{mark}] ").replace("--", "- -")
        replaced[begin] = (end, f"<!-- {text} -->".encode(encoding, "xmlcharrefreplace"))
    out = bytearray()
    at = 0
    for begin in sorted(replaced):
        end, new = replaced[begin]
        out += data[at:begin] + new
        at = end
    out += data[at:]
    return bytes(out)


def _children(el: ET.Element, names: Sequence[str]) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) in names]


def _lang_of(sec: ET.Element) -> str:
    lang = sec.get(XML_LANG) or sec.get("lang") or ""
    return lang.replace("_", "-").split("-")[0].lower()


def _lang_sec(entry: ET.Element, lang: str, create: bool = False) -> ET.Element | None:
    for sec in _children(entry, _LANG):
        if _lang_of(sec) == lang:
            return sec
    if not create:
        return None
    secs = _children(entry, _LANG)
    model = secs[-1] if secs else None
    tag = model.tag if model is not None else "langSec"
    sec = ET.Element(tag, {XML_LANG: lang})
    _append(entry, sec)
    return sec


def _terms(entry: ET.Element, lang: str) -> tuple[Term, ...]:
    sec = _lang_sec(entry, lang)
    if sec is None:
        return ()
    from ..glossary.tbx import _order

    found = []
    for ts in _children(sec, _TERM):
        term = next((t for t in ts.iter() if _local(t.tag) == "term"), None)
        status = _status_el(ts)
        text = " ".join("".join(term.itertext()).split()) if term is not None else ""
        found.append(Term(text, TBX_TO_STATUS.get((status.text or "").strip(), "") if status is not None else ""))
    return _order(found)


def _status_el(ts: ET.Element) -> ET.Element | None:
    return next((t for t in ts.iter() if _local(t.tag) == "termNote" and t.get("type") == "administrativeStatus"),
                None)


def _set_terms(entry: ET.Element, lang: str, terms: Sequence[Term]) -> None:
    """Give each term its status, adding a termSec for a form the entry does not have yet."""
    sec = _lang_sec(entry, lang, create=bool(terms))
    if sec is None:
        return
    by_text = {}
    for ts in _children(sec, _TERM):
        term = next((t for t in ts.iter() if _local(t.tag) == "term"), None)
        if term is not None:
            by_text[glossary.match_key(" ".join("".join(term.itertext()).split()))] = ts
    # In a cell, order is status (the first accepted form is preferred); in TBX each term says its own.
    terms = glossary.parse_cell(glossary.format_cell(terms)) if terms else ()
    for t in terms:
        ts = by_text.get(glossary.match_key(t.text))
        if ts is None:
            ts = _new_term_sec(sec, t.text)
        status = _status_el(ts)
        if status is None:
            status = ET.Element(_sibling_tag(ts, "termNote"), {"type": "administrativeStatus"})
            _append(ts, status)
        status.text = STATUS_TO_TBX[t.status]


def _sibling_tag(parent: ET.Element, local: str) -> str:
    ns = parent.tag[:parent.tag.index("}") + 1] if parent.tag.startswith("{") else ""
    return ns + local


def _new_term_sec(sec: ET.Element, text: str) -> ET.Element:
    existing = _children(sec, _TERM)
    if existing:
        ts = copy.deepcopy(existing[-1])
        for child in list(ts):
            if _local(child.tag) not in ("term", "termNote") or (
                    _local(child.tag) == "termNote" and child.get("type") != "administrativeStatus"):
                ts.remove(child)
        next(t for t in ts.iter() if _local(t.tag) == "term").text = text
        _append(sec, ts)
        return ts
    ts = ET.Element(_sibling_tag(sec, "termSec" if _local(sec.tag) == "langSec" else "tig"))
    ET.SubElement(ts, _sibling_tag(sec, "term")).text = text
    _append(sec, ts)
    return ts


def _append(parent: ET.Element, child: ET.Element) -> None:
    """Append keeping the file's indentation: the new child is laid out like its last sibling."""
    kids = list(parent)
    if kids:
        last = kids[-1]
        child.tail = last.tail
        last.tail = kids[-2].tail if len(kids) > 1 else parent.text
    parent.append(child)


def _note(entry: ET.Element) -> str:
    note = next(iter(_children(entry, ("note",))), None)
    return (note.text or "") if note is not None else ""


def _set_note(entry: ET.Element, text: str) -> None:
    note = next(iter(_children(entry, ("note",))), None)
    if note is None:
        note = ET.Element(_sibling_tag(entry, "note"))
        first = next(iter(_children(entry, _LANG)), None)
        index = list(entry).index(first) if first is not None else len(entry)
        note.tail = entry.text
        entry.insert(index, note)
    note.text = text
