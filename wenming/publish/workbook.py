"""XLSX workbooks written from plain tables, here or in a process of their own, with the tables that are also
downloaded as CSV files.

XlsxWriter is pure Python: the ~90,000 cells of a 10,000-report year take it about 0.7 s. ``start`` hands
the tables to ``python -m wenming.publish.workbook`` and returns at once, so that the workbook is written on
the other core while the build makes Pelican's contexts and renders pages, instead of after them. The same
process writes the tables' CSV files (~0.2 s more at 10,000 reports), which the build would otherwise write
from the same rows.

Text from content (report titles, unit and outlet names, …) is always written as text, never as a formula:
a CSV cell starting with = + - @, a tab or a carriage return gets a leading apostrophe (OWASP's advice
against CSV injection), and every XLSX text cell is typed as a string.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import gc
import io
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable

from wenming.workers import start_module, stderr_tail

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    rows: list[list]  # str, int, float or None cells
    header: bool = True  # the first row bold, frozen with the first column
    fill_columns: frozenset[int] = frozenset()  # cells whose text is a key of Workbook.fills get that colour
    csv_name: str | None = None  # also a CSV file of this name (UTF-8 with a BOM, for Excel)


@dataclasses.dataclass(frozen=True)
class Workbook:
    name: str  # the XLSX file's name
    created: datetime.datetime
    tables: list[Table]
    fills: dict[str, str] = dataclasses.field(default_factory=dict)  # cell text -> background colour "RRGGBB"


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook's bytes. Text is never read as a formula, a link or a number, and the workbook is dated
    ``created`` (XlsxWriter dates the zip entries 1980-01-01), so that the same tables give the same bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"created": book.created})
    bold = workbook.add_format({"bold": True})
    fills = {text: workbook.add_format({"pattern": 1, "bg_color": f"#{colour}"}) for text, colour in book.fills.items()}
    for table in book.tables:
        sheet = workbook.add_worksheet(table.name)
        rows = table.rows
        if table.header and rows:
            sheet.freeze_panes(1, 1)
            sheet.write_row(0, 0, rows[0], bold)
            rows = rows[1:]
        start = 1 if table.header else 0
        for number, row in enumerate(rows, start=start):
            sheet.write_row(number, 0, row)
            for column in table.fill_columns:
                if row[column] in fills:
                    sheet.write(number, column, row[column], fills[row[column]])
    workbook.close()
    return buffer.getvalue()


def csv_text(value):
    """``value`` safe for a spreadsheet: text that a spreadsheet would read as a formula gets a leading '."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value


def csv_bytes(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([csv_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def files(book: Workbook) -> dict[str, bytes]:
    """The workbook's file and its tables' CSV files, by name."""
    return {book.name: xlsx_bytes(book),
            **{table.csv_name: csv_bytes(table.rows) for table in book.tables if table.csv_name}}


def start(book: Workbook) -> Callable[[], dict[str, bytes]]:
    """Start writing ``book``'s files in another process; returns a function that waits for them. The process
    reads the tables from a file, not a pipe: a process forked meanwhile (wenming.build.side_outputs) would
    hold a copy of the pipe's end open, and the workbook would wait for its end of file until that exits.
    Nobody need wait: the process ends on its own, and a thread takes its output and deletes the file."""
    with tempfile.NamedTemporaryFile(prefix="workbook-", suffix=".pickle", delete=False) as tables:
        pickle.dump(book, tables, protocol=pickle.HIGHEST_PROTOCOL)
    errors = tempfile.TemporaryFile()
    try:
        process = start_module("wenming.publish.workbook", tables.name, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=errors)
    except OSError:
        os.unlink(tables.name)
        raise
    result: dict[str, bytes] = {}

    def collect() -> None:
        try:
            result["out"] = process.communicate()[0]
        finally:
            os.unlink(tables.name)

    collector = threading.Thread(target=collect, name="workbook", daemon=True)
    collector.start()

    def wait() -> dict[str, bytes]:
        collector.join()
        if "files" not in result and "error" not in result:  # the first call: later ones answer the same
            with errors:
                files = _unpickled(result.get("out")) if process.returncode == 0 else None
                if files is None:
                    result["error"] = (f"writing workbook failed (exit code {process.returncode}): "
                                       f"{stderr_tail(errors)}")
                else:
                    result["files"] = files
        if "error" in result:
            raise RuntimeError(result["error"])
        return result["files"]

    return wait


def _unpickled(data: bytes | None) -> dict[str, bytes] | None:
    """The files the workbook process wrote to its output, or None when that is not a whole answer."""
    try:
        return pickle.loads(data) if data else None
    except (ValueError, EOFError, pickle.UnpicklingError):
        return None


def main() -> int:
    gc.disable()  # ~90,000 cells kept until the end, and nothing to free before exiting: ~0.3 s of collections
    with open(sys.argv[1], "rb") as tables:
        book = pickle.load(tables)
    sys.stdout.buffer.write(pickle.dumps(files(book), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
