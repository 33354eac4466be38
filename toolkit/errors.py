"""The project's own exceptions: each names where the problem is and what to do about it.

The CLI turns any ToolkitError into one line on stderr and exits with the error's `exit_code`;
everything else is a bug and keeps its traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

# What would break "one line" or reorder it on a terminal: control characters (a newline in a file name),
# Unicode line separators, bidirectional overrides, and the lone surrogates that stand for the bytes of a
# file name that is not UTF-8. Shown escaped, as Python writes them: \n, \x1b, \u202e.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` with every character that could split or reorder a terminal line escaped."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class ToolkitError(Exception):
    """A problem the user can fix. The message says where and how."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        self.reason = message
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        text = where + self.reason
        if self.hint:
            text += f" ({self.hint})"
        return one_line(text)


class UsageError(ToolkitError):
    """Bad command-line arguments: unknown language, conflicting options."""

    exit_code = 2


class InputError(ToolkitError):
    """An input file that cannot be used: missing, a directory, binary, wrong encoding, empty."""

    exit_code = 3


class GlossaryError(InputError):
    """A malformed glossary file (bad header, wrong column count, duplicate id, empty term)."""


class CatalogError(InputError):
    """A .po/.pot file that is malformed, truncated or disagrees with where it lives."""


class ModelError(ToolkitError):
    """No model for a language, or a model package that is corrupt or incompatible."""

    exit_code = 4


class NoNetwork(ModelError):
    """A download could not reach its server at all (no route, DNS, refused, timed out): the offline route
    (download elsewhere, install the file) is the way forward. HTTP errors are not this: the server answered."""


class DownloadError(ModelError):
    """The server answered but the download failed: HTTP 403/404/500, cut short, too big, malformed headers."""


class WriteError(ToolkitError):
    """A file could not be written (read-only directory, disk full); nothing on disk was changed."""

    exit_code = 5


class ChangedOnDisk(WriteError):
    """A file changed on disk between our read and our replace (an editor saved it): we did not overwrite it."""


class LockedError(ToolkitError):
    """Another run holds the lock on the catalogs."""

    exit_code = 6


class ConflictFound(ToolkitError):
    """A check found blocking problems (glossary conflicts, QA errors): used to gate publishing."""

    exit_code = 7
