"""Hostile input files, written part by part so that their sizes are exactly what a test needs.

An XLSX workbook is a zip of XML parts; `write_xlsx` writes the few parts a spreadsheet
reader needs, with inline-string cells, or shared-string cells (`Shared(index)`) when
`shared` strings are given.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_BOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


@dataclass(frozen=True)
class Shared:
    """A cell that shows shared string number `index`."""

    index: int


@dataclass(frozen=True)
class Raw:
    """A cell written as this XML, as it is."""

    xml: str


def _cell(value: str | Shared | Raw) -> str:
    if isinstance(value, Shared):
        return f'<c t="s"><v>{value.index}</v></c>'
    if isinstance(value, Raw):
        return value.xml
    return f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[str | Shared | Raw]],
    shared: Sequence[str] = (),
    row_numbers: Sequence[int] | None = None,
) -> Path:
    """Write a one-sheet workbook of these rows (numbered 1, 2, ... unless given)."""
    sheet = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>']
    for at, row in enumerate(rows):
        number = row_numbers[at] if row_numbers else at + 1
        sheet.append(f'<row r="{number}">' + "".join(_cell(c) for c in row) + "</row>")
    sheet.append("</sheetData></worksheet>")
    types = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{_BOOK_CT}"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEET_CT}"/>',
    ]
    book_rels = [
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    ]
    if shared:
        types.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_CT}"/>')
        book_rels.append(
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_CT}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(types)
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
            + "".join(book_rels)
            + "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
        if shared:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
                for text in shared:
                    part.write(f"<si><t>{escape(text)}</t></si>".encode())
                part.write(b"</sst>")
    return path
