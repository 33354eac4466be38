"""Language codes the toolkit accepts, with names and plural rules taken from babel (CLDR)."""
from __future__ import annotations

from functools import cache

from .errors import UsageError

SOURCE_LANGUAGE = "en"
#: Targets the toolkit is built and tested for; `all` on the command line means these.
DEFAULT_TARGETS = ("ru", "az", "hy")
#: NLLB-200 language tokens (FLORES-200 codes): what an NLLB-style CTranslate2 model expects as prefixes.
NLLB_CODES = {"en": "eng_Latn", "ru": "rus_Cyrl", "az": "azj_Latn", "hy": "hye_Armn"}


@cache
def _locale(code: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


def is_known(code: str) -> bool:
    return bool(code) and code.isascii() and code.replace("_", "").isalpha() and _locale(code) is not None


def english_name(code: str) -> str:
    loc = _locale(code)
    return loc.get_display_name("en") if loc else code


def check_language(code: str) -> str:
    """Return the normalised code or raise a UsageError that lists what is supported."""
    norm = code.strip().replace("-", "_")
    if not is_known(norm):
        supported = ", ".join(f"{c} ({english_name(c)})" for c in DEFAULT_TARGETS)
        raise UsageError(f"unknown language code {code!r}; supported targets: {supported}, "
                         "or any ISO 639 code babel knows for which a model is installed")
    return str(_locale(norm))    # babel's spelling: `--to RU` is ru, not a second Russian catalog in locales/RU/


def expand_targets(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """`--to ru --to az`, `--to ru,az` and `--to all` all work; order kept, duplicates dropped."""
    out: list[str] = []
    for raw in codes:
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            for code in DEFAULT_TARGETS if part == "all" else (check_language(part),):
                if code not in out:
                    out.append(code)
    if not out:
        raise UsageError("no target language given; use --to ru|az|hy|all")
    return tuple(out)


def plural_forms(code: str) -> str:
    """The gettext Plural-Forms header. babel's get_plural, never CLDR's to_gettext (nplurals=4 for ru)."""
    from babel.messages.plurals import get_plural

    return str(get_plural(code))
