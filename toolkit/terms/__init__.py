"""The term logic: how a glossary name gets through machine translation right. Pure: no engine call.

- `enforce`: mask protected terms before MT, choose among the n-best, verify, repair, check an entry
  (`mask`, `enforce`, `unprotected`, `after_retry`, `check_entry`);
- `morph`: the inflected forms of a term per language, found whatever separator joins its words (hyphen,
  dash, space, no-break space), and a repair put into the grammatical slot with the glossary's separators;
- `source`: which English occurrences of a glossary name are the concept and which are part of another
  name (`Jordan Spieth`, `New York Times`, `Ms Davis`, `St. Martin's`): only the first are enforced;
- `variants`: name variants the glossary does not list (source copies, other spellings), found and put
  back in their slot, or reported with their span where the slot is unknown; derived words, which count as
  the term only when made from an accepted form (from a forbidden or misspelt stem they are reported);
  translators' waivers.
"""
from __future__ import annotations

from . import morph, source, variants
from .enforce import (ADMITTED, MASK_POLICIES, Hypothesis, Masked, TermIssue, TermOutcome, after_retry,
                      check_entry, enforce, find_terms, mask, policy_for, unmask, unprotected)

__all__ = ["ADMITTED", "MASK_POLICIES", "Hypothesis", "Masked", "TermIssue", "TermOutcome", "after_retry",
           "check_entry", "enforce", "find_terms", "mask", "morph", "policy_for", "source", "unmask",
           "unprotected", "variants"]
