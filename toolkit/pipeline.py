"""From an article to review-ready catalogs: segment, match terms, translate, enforce, merge, write."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import articles, catalog, confidence, document, fsutil, glossary as glossary_mod, pofile, terms, tm
from . import locales as locales_mod
from .catalog import Changes, Translation
from .document import Document
from .engines import Engine, get_engine
from .config import Config, check_device
from .errors import CatalogError, InputError, UsageError
from .glossary import Glossary
from .tm import Memory

if TYPE_CHECKING:
    from .engines import Hypothesis

#: progress(lang, done, total, message)
TranslateProgress = Callable[[str, int, int, str], None]


@dataclass(frozen=True, slots=True)
class LanguageResult:
    lang: str
    catalog: Path
    segments: int          # in the document
    sent: int              # sent to the engine this run (the others were already in the catalog)
    terms_total: int       # glossary terms in the segments translated this run
    terms_ok: int          # of those, verified in the output
    changes: Changes
    written: bool          # False when the catalog was already up to date


@dataclass(frozen=True, slots=True)
class Report:
    document: Document
    pot: Path
    languages: tuple[LanguageResult, ...]


@dataclass(frozen=True, slots=True)
class Failure:
    """An article left out of a run (`--keep-going`): nothing of it was written."""

    path: str
    error: str             # the one-line message, naming the file
    exit_code: int


@dataclass(frozen=True, slots=True)
class Run:
    reports: tuple[Report, ...]            # one per article translated, in the order given
    failures: tuple[Failure, ...] = ()


def load(path: str | Path, glossary: Glossary | None, *, encoding: str | None = None,
         listed: articles.Article | None = None) -> Document:
    """The article at `path`; with `listed`, only if it is still the file `articles.collect_articles` listed."""
    return document.read(path, encoding=encoding, no_split=glossary.spans if glossary is not None else None,
                         follow=listed is None or not listed.in_folder,
                         expect=listed.identity if listed is not None else None)


def translate_file(path: str | Path, targets: Sequence[str], *, engine: str | Engine = "auto",
                   glossary_dir: str | Path | None = "glossaries", locales: str | Path = "locales",
                   encoding: str | None = None, allow_download: bool = True, num_hypotheses: int | None = None,
                   progress: TranslateProgress | None = None, engine_options: dict | None = None,
                   memory: Memory | None = None, config: Config | None = None) -> Report:
    document.check_path(path)   # a missing article is the first thing to say, before any glossary problem
    glossary = glossary_mod.load(glossary_dir) if glossary_dir is not None else None
    doc = load(path, glossary, encoding=encoding)
    return translate_document(doc, targets, engine=engine, glossary=glossary, locales=Path(locales),
                              allow_download=allow_download, num_hypotheses=num_hypotheses, progress=progress,
                              engine_options=engine_options, memory=memory, config=config)


def translate_document(doc: Document, targets: Sequence[str], *, engine: str | Engine = "auto",
                       glossary: Glossary | None = None, locales: Path = Path("locales"),
                       allow_download: bool = True, num_hypotheses: int | None = None,
                       progress: TranslateProgress | None = None, engine_options: dict | None = None,
                       memory: Memory | None = None, config: Config | None = None) -> Report:
    """Translate `doc` into each target and merge into its catalogs, all under one lock on `locales`."""
    run = translate_documents([doc], targets, engine=engine, glossary=glossary, locales=locales,
                              allow_download=allow_download, num_hypotheses=num_hypotheses, progress=progress,
                              engine_options=engine_options, memory=memory, config=config)
    return run.reports[0]


def translate_files(paths: Sequence[str | Path], targets: Sequence[str], *, recursive: bool = False,
                    keep_going: bool = False, engine: str | Engine = "auto",
                    glossary_dir: str | Path | None = "glossaries", locales: str | Path = "locales",
                    encoding: str | None = None, allow_download: bool = True, num_hypotheses: int | None = None,
                    progress: TranslateProgress | None = None, engine_options: dict | None = None,
                    memory: Memory | None = None, config: Config | None = None, follow_links: bool = False) -> Run:
    """Translate every article named by `paths` (files, folders of *.txt) in one run: one glossary load, one
    model per language, one lock, one batch per language. An article that cannot be read stops the run before
    anything is written, or with `keep_going` is reported in `Run.failures` and left out."""
    failures: list[Failure] = []

    def skip(path: str | Path, exc: InputError) -> None:
        if not keep_going:
            raise exc
        failures.append(Failure(str(path), exc.render(), exc.exit_code))

    found = articles.collect_articles(paths, recursive=recursive, on_error=skip)
    glossary = glossary_mod.load(glossary_dir) if glossary_dir is not None else None
    docs = []
    for article in found:
        try:
            docs.append(load(article.path, glossary, encoding=encoding, listed=article))
        except InputError as exc:
            skip(article.path, exc)
    run = translate_documents(docs, targets, engine=engine, glossary=glossary, locales=Path(locales),
                              allow_download=allow_download, num_hypotheses=num_hypotheses, progress=progress,
                              engine_options=engine_options, memory=memory, config=config, keep_going=keep_going,
                              follow_links=follow_links)
    return Run(run.reports, (*failures, *run.failures))


def translate_documents(docs: Sequence[Document], targets: Sequence[str], *, engine: str | Engine = "auto",
                        glossary: Glossary | None = None, locales: Path = Path("locales"),
                        allow_download: bool = True, num_hypotheses: int | None = None,
                        progress: TranslateProgress | None = None, engine_options: dict | None = None,
                        memory: Memory | None = None, config: Config | None = None,
                        keep_going: bool = False, follow_links: bool = False) -> Run:
    """Translate `docs` into each target and merge into their catalogs, all under one lock on `locales`.

    Per language, the pending segments of every document go to the engine as one batch (the engine sorts it
    by length; the memory sends a sentence shared by several documents once). `engine` is an Engine, or a
    name: "auto" takes each language's engine from the project config. A document whose catalog cannot be
    read stops the run before anything is written, or with `keep_going` is left out and reported.
    """
    catalog.now_stamp()     # a malformed SOURCE_DATE_EPOCH stops the run before the engine or the memory is used
    cfg = config if config is not None else Config()
    check_device(cfg, engine_options or {}, probe=False)   # `--device gpu` is a usage error whatever the engine
    if num_hypotheses is None:
        num_hypotheses = int(cfg.decoding.get("num_hypotheses", 4))
    articles.check_names([(d.name, d.source) for d in docs])
    locales_mod.check_folder(locales, targets, follow=follow_links)   # before the lock file is made in there
    failures: list[Failure] = []
    with fsutil.locked(locales):
        fsutil.remove_stale_temps(locales)
        # Read every existing catalog before translating anything: a malformed one stops the run early.
        existing: list[dict] = []
        kept: list[Document] = []
        for doc in docs:
            # A link or special file planted where a catalog goes stops the run before anything is written.
            outputs = (catalog.pot_path(locales, doc), *(catalog.po_path(locales, lang, doc) for lang in targets))
            for path in outputs:
                fsutil.check_replaceable(path)
            same = fsutil.same_file(doc.source, outputs)
            if same is not None:    # `toolkit translate locales/x.pot`: the English source would be overwritten
                raise UsageError(f"the article is the catalog this run would write ({same})", path=doc.source,
                                 hint="give the English article, not a catalog")
            try:
                existing.append({lang: _snapshot(catalog.po_path(locales, lang, doc), lang) for lang in targets})
                kept.append(doc)
            except CatalogError as exc:
                if not keep_going:
                    raise
                failures.append(Failure(doc.source, exc.render(), exc.exit_code))
        docs = kept
        log = fsutil.WriteLog([*(catalog.po_path(locales, lang, d) for d in docs for lang in targets),
                               *(catalog.pot_path(locales, d) for d in docs)], base=locales)
        results: list[list[tuple[LanguageResult, pofile.Prepared]]] = [[] for _ in docs]
        engines: dict[str, Engine] = {}
        # Each document is one article, read as `check` reads its catalog: a person it names in full
        # (`Rolando Mendoza`) is that person where it says just `Mendoza`, so that sentence gets no city.
        people = [terms.source.article_surnames(glossary, (s.text for s in d.segments)) if glossary else frozenset()
                  for d in docs]
        for lang in targets:
            name = engine if isinstance(engine, str) else getattr(engine, "name", "")
            name = cfg.engine_for(lang) if name == "auto" else name
            plans, todo = [], []
            for i, doc in enumerate(docs):
                old = existing[i][lang].po if existing[i][lang] is not None else None
                matches = catalog.plan(doc, old)
                pending = catalog.pending(doc, old, matches, refresh_pseudo=name != "pseudo",
                                          stale=_stale_machine_entries(matches, glossary, lang, people[i]))
                plans.append((old, matches, len(pending)))
                todo += [(i, seg) for seg in pending]
            drafts: list[Translation] = []
            if todo:
                eng = engine if not isinstance(engine, str) else _engine_for(
                    engine, lang, engines, allow_download=allow_download, progress=progress,
                    options=engine_options or {}, config=cfg)
                drafts = translate_segments([seg for _, seg in todo], lang, eng, glossary,
                                            num_hypotheses=num_hypotheses, progress=progress, memory=memory,
                                            surnames=[people[i] for i, _ in todo])
            by_doc: list[list[Translation]] = [[] for _ in docs]
            for (i, _), draft in zip(todo, drafts, strict=True):
                by_doc[i].append(draft)
            for i, doc in enumerate(docs):
                old, matches, sent = plans[i]
                mine = by_doc[i]
                po, changes = catalog.merge(doc, lang, old, {t.segment.id: t for t in mine}, matches=matches,
                                            annotate=_conflict_annotator(glossary, lang, people[i]))
                path = catalog.po_path(locales, lang, doc)
                prepared = pofile.prepare(po, path, previous=existing[i][lang])
                results[i].append((LanguageResult(lang, path, len(doc.segments), sent,
                                                  sum(t.terms_total for t in mine), sum(t.terms_ok for t in mine),
                                                  changes, prepared.data is not None), prepared))
        # Every catalog was rendered and judged before the first is written: one that cannot be written
        # (a translation its legacy charset cannot hold) stops the run with nothing written.
        for per_doc in results:
            for _, prepared in per_doc:
                log.write(prepared.path, lambda: pofile.commit(prepared))
        reports = []
        for doc, done in zip(docs, results, strict=True):
            langs = [result for result, _ in done]
            pot = catalog.pot_path(locales, doc)
            log.write(pot, lambda: pofile.write(catalog.build_pot(doc, pot), pot))
            reports.append(Report(doc, pot, tuple(langs)))
    return Run(tuple(reports), tuple(failures))


def _snapshot(path: Path, lang: str):
    return pofile.snapshot(path, lang=lang) if path.exists() else None


#: " at 3–13" in a term problem: offsets shift with unrelated repairs, the problem is the same
_SPAN = re.compile(r" at \d+–\d+")


def _stale_machine_entries(matches, glossary: Glossary | None, lang: str,
                           surnames: frozenset[str] = frozenset()) -> set[str]:
    """Fuzzy machine entries that the current glossary contradicts (it changed since they were made):
    they go back through the engine and term enforcement. Approved ones are only reported."""
    if glossary is None:
        return set()
    from . import qa

    def contradicted(entry) -> bool:
        # A problem the entry's `check:` notes already record was there when it was made (a weak engine
        # missed the term, under this same glossary): sending it again would only repeat the same output,
        # and a no-change run would never be free. Only a problem the notes do not know is the
        # glossary's change.
        known = [_SPAN.sub("", line.removeprefix(catalog.CHECK_NOTE)) for line in entry.comment.split("\n")
                 if line.startswith(catalog.CHECK_NOTE)]
        return any(not any(note.startswith(_SPAN.sub("", f.message)) for note in known)  # notes may add a hint
                   for f in qa.term_findings(entry.msgid, entry.msgstr, glossary, lang, approved=False,
                                             translator_comment=entry.tcomment, surnames=surnames))

    return {seg_id for seg_id, m in matches.items()
            if m.kind in ("kept", "moved") and catalog.is_machine(m.old) and contradicted(m.old)}


def _conflict_annotator(glossary: Glossary | None, lang: str, surnames: frozenset[str] = frozenset()):
    """After the merge, qa annotates approved entries that break the glossary (`#. glossary:` lines,
    regenerated every run) and they are listed in Changes.conflicts; their msgstr is never touched."""
    def annotate(po, changes: Changes) -> None:
        from . import qa

        for e in po:
            if e.obsolete:
                continue
            lines = [ln for ln in e.comment.split("\n") if ln and not ln.startswith(catalog.GLOSSARY_NOTE)]
            if glossary is not None and catalog.is_approved(e):
                problems = [f.message for f in qa.term_findings(e.msgid, e.msgstr, glossary, lang,
                                                                translator_comment=e.tcomment, surnames=surnames)]
                if problems:
                    lines += [catalog.GLOSSARY_NOTE + p for p in problems]
                    changes.conflicts.append(catalog.position(e) or e.msgid)
            e.comment = "\n".join(lines)

    return annotate


def _engine_for(name: str, lang: str, engines: dict[str, Engine], *, allow_download: bool,
                progress: TranslateProgress | None, options: dict, config: Config) -> Engine:
    """The engine for one language: `auto` asks the project config; a model is fetched on first use."""
    if name == "auto":
        name = config.engine_for(lang)
    if name != "pseudo":
        from . import models

        check_device(config, options)      # before a download, and before the model is blamed for it

        def report(label: str, done: int, total: int | None) -> None:
            if progress:
                progress(lang, done, total or 0, f"downloading {label}")

        models.ensure_model(lang, allow_download=allow_download, progress=report)
    if name not in engines:
        settings = {k: v for k, v in config.decoding.items() if k != "num_hypotheses"}
        engines[name] = get_engine(name, **{**settings, **options})
    return engines[name]


def translate_segments(segments: Sequence[document.Segment], lang: str, engine: Engine,
                       glossary: Glossary | None, *, num_hypotheses: int = 4,
                       progress: TranslateProgress | None = None, memory: Memory | None = None,
                       surnames: Sequence[frozenset[str]] | None = None) -> list[Translation]:
    """Translate in one batch: the engine sees every uncached segment at once and sorts them for its own
    batching; what the translation memory already holds is not sent again. Every engine call of a run is
    made here (the term logic only masks, chooses and verifies). `surnames`, one per segment, are its
    article's people named in full (`terms.source.article_surnames`).

    The memory keeps the engine's raw output under the masked text and the glossary facts of its hits: the
    same sentence read as a city in one article and as a surname in another is two keys, and whatever
    it answers is enforced again with this article's hits, so no article's repair is reused in another."""
    policy = terms.policy_for(engine)
    people = surnames if surnames is not None else [frozenset()] * len(segments)
    masked = [terms.mask(s.text, terms.source.concept_hits(glossary, s.text, who) if glossary else [], lang, policy)
              for s, who in zip(segments, people, strict=True)]
    identity = engine.identity(lang)
    cached = tm.CachedEngine(engine, memory, identity)

    sending = 0

    def announce(todo: int) -> None:
        nonlocal sending
        sending = todo
        if progress:
            progress(lang, len(segments) - todo, len(segments), f"translating {todo} of {len(segments)} segments")

    def advance(done: int) -> None:   # the segments the memory answered (or that recur) count as done
        if progress:
            progress(lang, len(segments) - sending + done, len(segments),
                     f"translating {sending} of {len(segments)} segments")

    outputs = cached.translate_batch([m.text for m in masked], lang, num_hypotheses=num_hypotheses,
                                     fingerprints=[_term_fingerprint(m, lang) for m in masked], announce=announce,
                                     progress=advance if progress else None)
    first = [terms.enforce(m, hyps, lang) for m, hyps in zip(masked, outputs, strict=True)]
    # The unmasked second try goes through the memory too: a re-run must not call the engine again.
    enforced, outputs = _retry_dropped(cached, masked, first, outputs, lang, num_hypotheses=num_hypotheses)
    out = []
    for seg, done, hyps in zip(segments, enforced, outputs, strict=True):
        score = confidence.estimate(hyps, done.hypothesis)   # of the hypothesis the term logic chose
        notes = (*done.notes, score.comment()) if score is not None else done.notes
        out.append(Translation(seg, lang, done.text, identity, notes, done.problems, done.terms_total,
                               done.terms_ok))
    if progress:
        progress(lang, len(segments), len(segments), "done")
    return out


def _retry_dropped(engine: tm.CachedEngine, masked: Sequence[terms.Masked], done: Sequence[terms.TermOutcome],
                   outputs: Sequence[list[Hypothesis]], lang: str, *,
                   num_hypotheses: int) -> tuple[list[terms.TermOutcome], list[list[Hypothesis]]]:
    """Segments whose protected-term placeholder the engine lost go to it again unmasked, in one batch;
    the term logic keeps the better of the two results. Also the n-best list each kept result came from."""
    out, lists = list(done), list(outputs)
    todo = [i for i, d in enumerate(done) if d.needs_retry]
    if not todo:
        return out, lists
    plain = [terms.unprotected(masked[i]) for i in todo]
    again = engine.translate_batch([p.text for p in plain], lang, num_hypotheses=num_hypotheses)
    for i, p, hyps in zip(todo, plain, again, strict=True):
        out[i] = terms.after_retry(done[i], terms.enforce(p, hyps, lang), masked[i])
        if out[i] is not done[i]:
            lists[i] = hyps
    return out, lists


def _term_fingerprint(masked: terms.Masked, lang: str) -> list[str]:
    """The glossary facts that shaped this segment: a change to any of them must miss the cache."""
    return [f"{h.concept.id}:{h.concept.kind}:{h.concept.terms_for(lang)!r}" for h in masked.hits]
