"""CSV and XLSX export of captured sessions (SPEC §9).

Every column of ``MarketSession`` in model order. CSV: decimals as plain numbers, datetimes as
ISO-8601 UTC with ``Z``. XLSX (openpyxl, write-only): numbers as numbers, datetimes as UTC
date-times (Excel has no time zones; the header says UTC), dates as dates, a bold header row and
frozen panes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from ThorTrading.models import MarketSession

FIELDS = [f.name for f in MarketSession._meta.concrete_fields]
BATCH = 2000


def _headers() -> list[str]:
    types = {f.name: f.get_internal_type() for f in MarketSession._meta.concrete_fields}
    return [f"{name} (UTC)" if types[name] == "DateTimeField" else name for name in FIELDS]


def csv_value(value: Any) -> Any:
    """A value as Thor's CSV exports write it: None → "", datetimes ISO-8601 UTC with ``Z``,
    Decimals in plain notation (no exponent, no trailing zeros), booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def sessions_csv(queryset: QuerySet[MarketSession]) -> Iterator[str]:
    """The rows as CSV text, a chunk at a time (for a streaming response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=BATCH):
        writer.writerow([csv_value(v) for v in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def sessions_xlsx(queryset: QuerySet[MarketSession]) -> bytes:
    """The rows as an .xlsx workbook (sheet ``Sessions``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sessions")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in _headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=BATCH):
        out: list[Any] = []
        for value in row:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value.astimezone(UTC).replace(tzinfo=None))
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
                out.append(cell)
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            elif isinstance(value, Decimal):
                out.append(float(value))
            else:
                out.append(value)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
