"""XLSX workbooks written from plain tables, here or in a process of their own.

XlsxWriter is pure Python: the ~90,000 cells of a 10,000-report year take it about 0.9 s. ``start`` hands
the tables to ``python -m wenming.publish.workbook`` and returns at once, so that the workbook is written on
the other core while the build renders pages, instead of after them.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable

from wenming.workers import start_module, stderr_tail


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    rows: list[list]  # str, int, float or None cells
    header: bool = True  # the first row bold, frozen with the first column
    fill_columns: frozenset[int] = frozenset()  # cells whose text is a key of Workbook.fills get that colour


@dataclasses.dataclass(frozen=True)
class Workbook:
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


def start(book: Workbook) -> Callable[[], bytes]:
    """Start writing ``book`` in another process; returns a function that waits for its bytes."""
    data = pickle.dumps(book)
    errors = tempfile.TemporaryFile()
    process = start_module("wenming.publish.workbook", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
    result: dict[str, bytes] = {}
    feeder = threading.Thread(target=lambda: result.update(out=process.communicate(data)[0]),
                              name="workbook", daemon=True)
    feeder.start()

    def wait() -> bytes:
        feeder.join()
        with errors:
            if process.returncode != 0 or not result.get("out"):
                raise RuntimeError(f"writing workbook failed (exit code {process.returncode}): "
                                   f"{stderr_tail(errors)}")
        return result["out"]

    return wait


def main() -> int:
    sys.stdout.buffer.write(xlsx_bytes(pickle.loads(sys.stdin.buffer.read())))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
