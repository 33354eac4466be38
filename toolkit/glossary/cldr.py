"""Proposed glossary entries from CLDR (babel): country and city names a reviewer can adopt."""
from __future__ import annotations

from collections.abc import Sequence

from .model import Concept, Term


def seed_from_cldr(langs: Sequence[str], only: Sequence[str] = ()) -> list[Concept]:
    """Proposed concepts for countries (territory codes) and cities (time-zone exemplar cities) from babel's
    CLDR data, kind country/city and note "CLDR <code>"; `only` limits them to codes like AZ, Asia/Baku."""
    from babel import Locale

    en = Locale.parse("en")
    locales = {lang: Locale.parse(lang) for lang in langs}
    wanted = set(only)
    out: list[Concept] = []
    for code, name in sorted(en.territories.items()):
        if not (len(code) == 2 and code.isalpha()) or code in ("ZZ", "EU", "EZ", "UN", "QO") or \
                wanted and code not in wanted:
            continue
        terms = [("en", (Term(name, "preferred"),))]
        terms += [(lang, (Term(loc.territories[code], "preferred"),)) for lang, loc in locales.items()
                  if loc.territories.get(code)]
        out.append(Concept(f"cldr-{code.lower()}", "country", tuple(terms), f"CLDR {code}", "CLDR", 0))
    zones = sorted({tz for loc in locales.values() for tz, v in loc.time_zones.items() if v.get("city")})
    for tz in zones:
        if wanted and tz not in wanted:
            continue
        english = en.time_zones.get(tz, {}).get("city") or tz.rsplit("/", 1)[-1].replace("_", " ")
        terms = [("en", (Term(english, "preferred"),))]
        terms += [(lang, (Term(loc.time_zones[tz]["city"], "preferred"),)) for lang, loc in locales.items()
                  if loc.time_zones.get(tz, {}).get("city")]
        out.append(Concept("cldr-" + tz.lower().replace("/", "-").replace("_", "-"), "city", tuple(terms),
                           f"CLDR {tz}", "CLDR", 0))
    return out
