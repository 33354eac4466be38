"""Tables readable in an 80-column terminal: whole headers, whole names, no cell wrapped over two lines.

Rich squeezes a table that is too wide by cutting headers (`segme…`) and wrapping cells. Instead, the
columns a reader can do without (`optional`) are left out, last first, until the table fits, and the
caller says which ones `--format json` (or a wider terminal) still shows. A name column is never cut:
it folds only if even the essential columns leave it no room. Only a prose column (`prose`, a finding's
message) wraps, and it counts as `PROSE_WIDTH` wide when deciding what fits.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    justify: str = "left"
    optional: bool = False      # may be left out in a narrow terminal (the JSON output keeps it)
    name: bool = False          # an article or file name: folded, never cut with an ellipsis
    prose: bool = False         # sentences that may wrap over lines (a message)


#: the room a prose column needs to stay readable
PROSE_WIDTH = 24


def fit(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str]], *,
        title: str | None = None) -> tuple[Table, list[str]]:
    """The table of `rows` with as many of `columns` as fit `console`'s width, and the headers left out."""
    keep = list(range(len(columns)))
    dropped: list[str] = []
    while True:
        narrowest = _table(columns, rows, keep, title, prose_width=PROSE_WIDTH)
        width = Measurement.get(console, console.options.update_width(10_000), narrowest).maximum
        optional = [i for i in keep if columns[i].optional]
        if width <= console.width or not optional:
            return _table(columns, rows, keep, title), dropped
        keep.remove(optional[-1])
        dropped.insert(0, columns[optional[-1]].header)


def _table(columns: Sequence[Column], rows: Sequence[Sequence[str]], keep: Sequence[int],
           title: str | None, *, prose_width: int | None = None) -> Table:
    # two spaces between columns and none at the edges: every column the reader needs fits 80 columns
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0, 0, 1))
    for i in keep:
        c = columns[i]
        table.add_column(c.header, justify=c.justify, no_wrap=not (c.name or c.prose),
                         overflow="fold" if c.name or c.prose else "ellipsis", min_width=len(c.header),
                         max_width=prose_width if c.prose else None)
    for row in rows:
        if row is SECTION:
            table.add_section()
            continue
        table.add_row(*(row[i] for i in keep))
    return table


#: a row that only draws a line between the rows before and after it (the totals)
SECTION: tuple[str, ...] = ()
