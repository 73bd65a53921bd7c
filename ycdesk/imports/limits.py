"""How big a spreadsheet the importer agrees to read — in one place, overridable per call
(``ycdesk import … --max-rows N``).

The defaults are chosen so that the largest sheet they let through still reads in a few
seconds and a few hundred MB, while every real auditor's sheet fits with room to spare:

- ``max_rows`` 200,000: Excel's own maximum is 1,048,576, but the plan's audits produce a
  few hundred findings a year; 200,000 is a hundred years of them, and a 100,000-row import
  already peaks near 350 MB.
- ``max_columns`` 100: the widest import kind has 19 columns; a hundred leaves room for
  notes columns. calamine allocates the whole rectangle of the used range, so rows ×
  columns (20 million cells, ~0.8 GB at worst) is what bounds memory — not the file size.
- ``max_cell_chars`` 32,767: Excel's own limit for one cell. A longer text cannot have come
  from Excel and could not be exported back to xlsx unchanged.
- ``max_file_bytes`` 100 MB: a 200,000-row xlsx is ~15 MB, the same rows as CSV ~40 MB.
- ``max_unzipped_bytes`` 600 MB: all entries of an xlsx together once decompressed
  (a 200,000-row sheet written with inline strings is ~150 MB of XML).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    max_rows: int = 200_000
    max_columns: int = 100
    max_cell_chars: int = 32_767
    max_file_bytes: int = 100 * 2**20
    max_unzipped_bytes: int = 600 * 2**20


DEFAULT_LIMITS = ReadLimits()
