"""TBX (ISO 30042, TBX-Basic) import and export for glossaries, with term status mapped both ways.

Reading accepts TBX v3 (`<tbx>`, `conceptEntry`/`langSec`/`termSec`) and TBX 2008 (`<martif>`,
`termEntry`/`langSet`/`tig`). Term status comes from `<termNote type="administrativeStatus">`:
preferredTerm-admn-sts → preferred, admittedTerm-admn-sts → admitted, deprecatedTerm-admn-sts (and
supersededTerm-admn-sts) → forbidden; without a status the first term of a language is preferred.
The concept kind travels as `<descrip type="subjectField">`, the note as `<note>`.

Parsing is safe without defusedxml: expat builds the xml.etree tree, and any DTD or entity
declaration is refused, so no entity expansion and no external fetch can happen.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from xml.parsers import expat

from ..errors import GlossaryError
from .model import CONTROL_CHARS, MAX_BYTES, MAX_CELL, MAX_ID, Concept, Term, canonical_language, id_problem

STATUS_TO_TBX = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
                 "forbidden": "deprecatedTerm-admn-sts"}
TBX_TO_STATUS = {v: k for k, v in STATUS_TO_TBX.items()} | {"supersededTerm-admn-sts": "forbidden"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_NS = "urn:iso:std:iso:30042:ed-2"
# TBX nests 7 deep (tbx/text/body/conceptEntry/langSec/termSec/termNote), inline markup in a note a few
# more; thousands deep is a hostile file that every recursive step on the tree (serialising it) would die on.
MAX_DEPTH = 64


class _Refused(Exception):
    pass


_DECLARED = re.compile(rb"""\A<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def check_encoding(data: bytes, path: str | Path) -> None:
    """The bytes must be in the encoding the XML declaration names (UTF-8 without one): a file declared
    ISO-8859-1 but saved as UTF-8 would otherwise import as mojibake (`Bakı` as `BakÄ±`) without a word."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)) or data.isascii():
        return                       # a BOM says the encoding (expat reads it); ASCII reads the same in all
    found = _DECLARED.match(data)
    declared = found.group(1).decode("ascii") if found else "UTF-8"
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return                       # expat names an unknown encoding itself
    if name.startswith(("utf-16", "utf-32")):
        return
    try:
        data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8, bad = False, exc.start
    if name == "utf-8" and not utf8:
        line = data.count(b"\n", 0, bad) + 1
        raise GlossaryError(f"{'declares' if found else 'has no encoding declaration, so is read as'} UTF-8, but "
                            f"byte 0x{data[bad]:02x} is not UTF-8", path=path, line=line,
                            hint="re-save it as UTF-8, or declare the encoding it was saved in "
                                 "(<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>)")
    if name != "utf-8" and utf8:
        raise GlossaryError(f"declares encoding {declared} but its bytes are UTF-8: read as {declared} every "
                            "accented letter would be garbled", path=path, line=1,
                            hint='change the declaration to encoding="UTF-8"')


def parse(data: bytes, path: str | Path) -> tuple[ET.Element, dict[int, int]]:
    """The document's root element and a map id(element) → line number."""
    check_encoding(data, path)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[ET.Element] = []
    lines: dict[int, int] = {}
    root: list[ET.Element] = []

    def refuse(*_args) -> None:
        raise _Refused("DTDs and entity declarations are not accepted in TBX files")

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _Refused(f"elements nested more than {MAX_DEPTH} deep", "a TBX entry needs at most 10 levels")
        el = ET.Element(name(tag), {name(k): v for k, v in attrs.items()})
        lines[id(el)] = parser.CurrentLineNumber
        if stack:
            stack[-1].append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(_tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        el = stack[-1]
        if len(el):
            el[-1].tail = (el[-1].tail or "") + data
        else:
            el.text = (el.text or "") + data

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        reason, *hint = exc.args
        raise GlossaryError(reason, path=path, line=parser.CurrentLineNumber,
                            hint=hint[0] if hint else "remove the <!DOCTYPE ...> part") from None
    except LookupError as exc:      # <?xml encoding="TF-8"?>: expat asks Python for the codec (found by fuzzing)
        raise GlossaryError(f"the XML declaration names an unknown encoding ({exc})", path=path, line=1,
                            hint='save it as UTF-8 with encoding="UTF-8"') from None
    except expat.ExpatError as exc:
        raise GlossaryError(f"malformed XML: {expat.ErrorString(exc.code)}", path=path, line=exc.lineno,
                            column=exc.offset + 1) from None
    return root[0], lines


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, *names: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) in names]


def _text(el: ET.Element) -> str:
    return unicodedata.normalize("NFC", " ".join("".join(el.itertext()).split()))


def read(path: str | Path) -> list[Concept]:
    path = Path(path)
    try:
        from .. import fsutil

        data = fsutil.read_regular(path, limit=MAX_BYTES, what="a TBX file", error=GlossaryError)
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None
    root, lines = parse(data, path)
    if _local(root.tag) not in ("tbx", "martif"):
        raise GlossaryError(f"not a TBX file: the root element is <{_local(root.tag)}>", path=path, line=1)
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(el for el in root.iter() if _local(el.tag) in ("conceptEntry", "termEntry")):
        line = lines.get(id(entry), 0)
        cid = (entry.get("id") or "").strip() or f"tbx-{n + 1}"
        problem = id_problem(cid)
        if problem:               # the TSV it imports into would be refused by every command
            shown = cid if len(cid) <= 40 else cid[:40] + "…"
            raise GlossaryError(f"the concept id {shown!r} {problem}", path=path,
                                line=line, hint="shorten it" if len(cid) > MAX_ID else "write the id on one line")
        if cid in seen:
            raise GlossaryError(f"duplicate concept id {cid!r} (first at line {seen[cid]})", path=path, line=line)
        seen[cid] = line
        kind = next((_text(d) for d in _children(entry, "descrip", "descripGrp") if d.get("type") == "subjectField"),
                    "") or "term"
        note = "; ".join(_text(x) for x in _children(entry, "note") if _text(x))
        _check_cell(note, f"concept {cid[:40]!r}: the note", path, line)
        # Sections of one language (`ru` and `ru-RU` both become the ru column) are one cell: kept apart, the
        # second would vanish from the TSV, which has one column per language.
        sections: dict[str, tuple[list[Term], int | None]] = {}
        for lang_el in _children(entry, "langSec", "langSet"):
            lang = lang_el.get(XML_LANG) or lang_el.get("lang") or ""
            if not lang:
                raise GlossaryError("a language section without xml:lang", path=path, line=lines.get(id(lang_el)))
            code = lang.replace("_", "-").split("-")[0].lower()
            canonical = canonical_language(code)
            if canonical is None:     # it would become a TSV column that the glossary reader refuses
                raise GlossaryError(f"xml:lang {lang!r} is not a language code", path=path,
                                    line=lines.get(id(lang_el)), hint="use an ISO 639 code such as en, ru, az, hy")
            lang = canonical
            found = sections.setdefault(lang, ([], lines.get(id(lang_el))))[0]
            for ts in _children(lang_el, "termSec", "tig", "ntig"):
                term_el = next((t for t in ts.iter() if _local(t.tag) == "term"), None)
                if term_el is None or not _text(term_el):
                    raise GlossaryError("empty <term>", path=path, line=lines.get(id(ts)))
                status_text = next((_text(t) for t in ts.iter() if _local(t.tag) == "termNote"
                                    and t.get("type") == "administrativeStatus"), "")
                if status_text and status_text not in TBX_TO_STATUS:
                    raise GlossaryError(f"unknown administrativeStatus {status_text!r}; expected one of "
                                        + ", ".join(TBX_TO_STATUS), path=path, line=lines.get(id(ts)))
                found.append(Term(_text(term_el), TBX_TO_STATUS.get(status_text, "")))
        terms: list[tuple[str, tuple[Term, ...]]] = []
        for lang, (found, lang_line) in sections.items():
            if found and all(t.status == "forbidden" for t in found):
                # _order would drop them: the glossary would silently stop forbidding these terms
                raise GlossaryError(f"concept {cid!r}: the {lang} terms are all deprecated "
                                    f"({', '.join(t.text for t in found)}); a glossary needs a preferred one first",
                                    path=path, line=lang_line,
                                    hint="add the preferred term, or remove this language section")
            if found:
                _check_cell("; ".join(t.text for t in found), f"concept {cid[:40]!r}: the {lang} terms", path,
                            lang_line)
                terms.append((lang, _order(found)))
        if not any(code == "en" for code, _ in terms):
            raise GlossaryError(f"concept {cid!r} has no English term", path=path, line=line)
        concepts.append(Concept(cid, kind, tuple(terms), note, str(path), line))
    return concepts


def _check_cell(text: str, what: str, path: Path, line: int | None) -> None:
    if len(text) > MAX_CELL:      # a TSV cell this long is refused by every reader
        raise GlossaryError(f"{what}: {len(text):,} characters, more than the {MAX_CELL:,} a glossary cell holds",
                            path=path, line=line, hint="shorten it")


def _order(found: list[Term]) -> tuple[Term, ...]:
    """File order kept; exactly one preferred term (the first marked preferred, else the first unmarked)."""
    usable = [t for t in found if t.status != "forbidden"]
    if not usable:
        return ()
    first = next((t for t in usable if t.status == "preferred"), usable[0])
    out = [Term(t.text, "preferred") if t is first else t if t.status == "forbidden" else Term(t.text, "admitted")
           for t in found]
    return (out[found.index(first)], *(t for i, t in enumerate(out) if i != found.index(first)))


def write(concepts: Sequence[Concept], path: str | Path | None = None) -> str:
    """TBX-Basic (TBX v3, DCA style) text for `concepts`; written to `path` if given."""
    ET.register_namespace("", TBX_NS)
    root = ET.Element(f"{{{TBX_NS}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"})
    header = ET.SubElement(root, f"{{{TBX_NS}}}tbxHeader")
    desc = ET.SubElement(ET.SubElement(header, f"{{{TBX_NS}}}fileDesc"), f"{{{TBX_NS}}}sourceDesc")
    ET.SubElement(desc, f"{{{TBX_NS}}}p").text = "Exported by toolkit glossary export"
    body = ET.SubElement(ET.SubElement(root, f"{{{TBX_NS}}}text"), f"{{{TBX_NS}}}body")

    for c in concepts:
        for text in (c.id, c.kind, c.note, *(t.text for _, terms in c.terms for t in terms)):
            bad = CONTROL_CHARS.search(text)
            if bad:      # XML 1.0 cannot hold it at all (not even as &#0;): our own import would refuse the file
                raise GlossaryError(f"concept {c.id!r} holds the control character U+{ord(bad.group()):04X}, which "
                                    "TBX (XML) cannot hold", path=c.path or None, line=c.line or None,
                                    hint="remove it from the glossary")
        entry = ET.SubElement(body, f"{{{TBX_NS}}}conceptEntry", {"id": c.id})
        ET.SubElement(entry, f"{{{TBX_NS}}}descrip", {"type": "subjectField"}).text = c.kind
        if c.note:
            ET.SubElement(entry, f"{{{TBX_NS}}}note").text = c.note
        for lang, terms in c.terms:
            sec = ET.SubElement(entry, f"{{{TBX_NS}}}langSec", {XML_LANG: lang})
            for t in terms:
                ts = ET.SubElement(sec, f"{{{TBX_NS}}}termSec")
                ET.SubElement(ts, f"{{{TBX_NS}}}term").text = t.text
                ET.SubElement(ts, f"{{{TBX_NS}}}termNote", {"type": "administrativeStatus"}).text = \
                    STATUS_TO_TBX[t.status]
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    if path is not None:
        from .. import fsutil

        fsutil.atomic_write(Path(path), text.encode("utf-8"))
    return text
