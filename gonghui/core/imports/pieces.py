"""A big xlsx sheet read in pieces, so no process ever holds the whole sheet.

calamine reads a whole sheet into memory before handing out its first row: about 500 MB
for a million rows of eight columns, and 800 MB while it builds them. Instead the sheet's
XML is streamed out of the zip file and cut between rows into pieces of a couple of MB;
each piece becomes a small stored (uncompressed) workbook of its own, holding the same
styles (date formats), shared strings and date system as the original, and calamine reads
that. Each row keeps its ``r`` attribute, so a piece's rows keep the sheet's own numbers,
and calamine's conversions (dates, numbers, shared strings) stay the reference: a piece
reads exactly as the same rows of the whole sheet do (tests/test_import_pieces.py), but
for one thing: its rows start at column A, where a whole read starts at the first column
used. The header row and the data rows come from the same reading, so they agree.

Cutting is cheap (zlib and a byte search) and done by the process that reads the file;
reading the pieces is the expensive part and is done where the rows are checked, in the
worker processes for a big import.

A small shared-strings table travels with every piece. A large one (Excel keeps all text
there, so a million people's IDs and phones make one of a hundred MB) is read once, kept as
one block of bytes, and the processes reading the pieces write the strings their cells use
into the piece itself (inline strings) before calamine reads it.

Files this cannot cut safely (no ``r`` on the rows, prefixed XML names) are read whole, as
before.
"""

from __future__ import annotations

import io
import itertools
import re
import weakref
import zipfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from python_calamine import CalamineWorkbook

SPLIT_MIN_BYTES = 16 << 20  # sheets with less XML than this are read whole
PIECE_BYTES = 2 << 20  # about 3,500 rows of eight short columns
MAX_SHARED_STRINGS_BYTES = 1 << 20  # copied into every piece; a larger table is inlined
READ_BYTES = 4 << 20

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">{{properties}}'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_REL = '<Relationship Id="{id}" Type="{ns}/{kind}" Target="{target}"/>'

_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb'\b([\w:]+)="([^"]*)"')
_FIRST_SHEET = re.compile(rb"<sheet\b[^>]*>")
_WORKBOOK_PROPERTIES = re.compile(rb"<workbookPr\b[^>]*>")
_DIMENSION = re.compile(rb"<dimension\b[^>]*>")
_LAST_ROW = re.compile(rb'ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_STRING_ITEM = re.compile(rb"<si>(.*?)</si>|<si/>", re.DOTALL)
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>|<phoneticPr\b[^>]*>", re.DOTALL)
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.DOTALL)
_SHARED_CELL = re.compile(rb'<c\b([^>]*?)\st="s"([^>]*)>\s*<v>(\d+)</v>\s*</c>')
_SHEET_DATA = b"<sheetData>"
_SHEET_DATA_END = b"</sheetData>"
_ROW = b"<row "


@dataclass
class Piece:
    """Rows first_row..last_row of a sheet as a small workbook (picklable); or, for a file
    with a large shared-strings table, as the sheet's XML and the number of the file's
    _Package in this process (and in worker processes forked from it)."""

    first_row: int
    last_row: int
    workbook: bytes | None
    sheet: bytes | None = None
    package: int | None = None
    _package: _Package | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_package": None}  # the number travels, not the strings

    def rows(self) -> list[tuple[int, list]]:
        """(spreadsheet row number, cells) for every row of the piece, blank ones included,
        with the columns where the whole sheet has them (the first is A)."""
        workbook = self.workbook
        if workbook is None:
            package = self._package or _packages[self.package]
            workbook = _workbook(_inline(self.sheet, package.strings), package)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0)
        if self.first_row <= 1:  # padded from A1, as the whole sheet reads
            rows = sheet.to_python(skip_empty_area=False)
        else:  # from the marker row before first_row (see _marker), dropped
            rows = sheet.to_python(skip_empty_area=True)[1:]
        return list(zip(range(self.first_row, self.last_row + 1), rows, strict=False))


@dataclass
class _Package:
    """What every piece of one file carries besides its rows."""

    member: str  # the sheet's XML inside the zip
    properties: bytes  # <workbookPr ...>: the date system (1900 or 1904)
    styles: bytes | None
    shared_strings: bytes | None
    strings: _Strings | None = None  # a large shared-strings table, inlined by Piece.rows
    last_row: int = 0  # from the sheet's <dimension>, filled in when the sheet is opened


class _Strings:
    """A shared-strings table as one block of bytes: each string as its XML text (entities
    still escaped), ready to be written into an inline string."""

    def __init__(self, xml: bytes) -> None:
        texts = []
        for item in _STRING_ITEM.finditer(xml):
            body = item.group(1) or b""
            if b"<rPh" in body or b"<phoneticPr" in body:  # phonetic guides: not the text
                body = _PHONETIC.sub(b"", body)
            texts.append(b"".join(_TEXT.findall(body)))  # a rich text's runs, joined
        self.ends = array("Q", itertools.accumulate(map(len, texts)))
        self.blob = b"".join(texts)

    def __getitem__(self, index: int) -> bytes:
        return self.blob[self.ends[index - 1] if index else 0 : self.ends[index]]


# Packages with a large shared-strings table, by number, while a piece or the cutting
# holds them: pieces pickled for a worker process name theirs rather than carry it, and
# worker processes forked after the sheet was opened have them.
_packages: weakref.WeakValueDictionary[int, _Package] = weakref.WeakValueDictionary()
_numbers = itertools.count(1)


def _inline(sheet: bytes, strings: _Strings) -> bytes:
    def inline(cell: re.Match) -> bytes:
        before, after, index = cell.groups()
        text = strings[int(index)]
        return b'<c%s t="inlineStr"%s><is><t xml:space="preserve">%s</t></is></c>' % (
            before,
            after,
            text,
        )

    return _SHARED_CELL.sub(inline, sheet)


@dataclass
class SplitSheet:
    head: list[tuple[int, list]]  # the first piece's rows, read here
    pieces: Iterator[Piece]  # the others, cut as they are asked for
    total: int  # the sheet's last row number (from its dimension), or an estimate


def split_sheet(path) -> SplitSheet | None:
    """A big xlsx sheet that can be cut into pieces; None to read the file whole."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    package = _package(book)
    if package is None:
        book.close()
        return None
    pieces = _pieces(book, package)
    try:
        first = next(pieces)
    except (StopIteration, _CannotSplit):
        book.close()
        return None
    total = package.last_row
    if not total:  # no dimension: estimate from the first piece's bytes per row
        size = book.getinfo(package.member).file_size
        total = int(size / max(len(first.workbook or first.sheet or b""), 1) * first.last_row)
    return SplitSheet(first.rows(), pieces, total)


class _CannotSplit(Exception):
    pass


def _package(book: zipfile.ZipFile) -> _Package | None:
    names = set(book.namelist())
    try:
        workbook = _target(book, "_rels/.rels", "", "/officeDocument")
        if workbook is None or workbook not in names:
            return None
        folder = str(PurePosixPath(workbook).parent)
        rels = f"{folder}/_rels/{PurePosixPath(workbook).name}.rels"
        first = _FIRST_SHEET.search(book.read(workbook))
        if first is None:
            return None
        rel_id = next((v for k, v in _ATTRIBUTE.findall(first.group()) if k.endswith(b":id")), None)
        sheet = _target(book, rels, folder, rel_id=rel_id)
        if sheet is None or sheet not in names:
            return None
        if book.getinfo(sheet).file_size < SPLIT_MIN_BYTES:
            return None
        styles = _target(book, rels, folder, "/styles")
        strings = _target(book, rels, folder, "/sharedStrings")
    except (KeyError, ValueError):
        return None
    shared = book.read(strings) if strings in names else None
    large = shared is not None and len(shared) > MAX_SHARED_STRINGS_BYTES
    properties = _WORKBOOK_PROPERTIES.search(book.read(workbook))
    return _Package(
        member=sheet,
        properties=properties.group() if properties else b"",
        styles=book.read(styles) if styles in names else None,
        shared_strings=None if large else shared,
        strings=_Strings(shared) if large else None,
    )


def _target(book, rels: str, folder: str, kind: str = "", rel_id: bytes | None = None):
    """The zip member a relationship points at, by type suffix or by id."""
    for match in _RELATIONSHIP.findall(book.read(rels)):
        attributes = dict(_ATTRIBUTE.findall(match))
        if rel_id is not None and attributes.get(b"Id") != rel_id:
            continue
        if kind and not attributes.get(b"Type", b"").decode().endswith(kind):
            continue
        target = attributes.get(b"Target", b"").decode()
        if target.startswith("/"):
            return target[1:]
        return str(PurePosixPath(folder, target)) if folder else target
    return None


def _pieces(book: zipfile.ZipFile, package: _Package) -> Iterator[Piece]:
    number = None
    if package.strings is not None:
        number = next(_numbers)
        _packages[number] = package
    yield from _cut(book, package, number)


def _cut(book: zipfile.ZipFile, package: _Package, number: int | None) -> Iterator[Piece]:
    with book, book.open(package.member) as stream:
        buffer = b""
        while _SHEET_DATA not in buffer:
            block = stream.read(READ_BYTES)
            if not block:
                raise _CannotSplit
            buffer += block
        start = buffer.index(_SHEET_DATA) + len(_SHEET_DATA)
        dimension = _DIMENSION.search(buffer, 0, start)
        if dimension:
            package.last_row = int((_LAST_ROW.search(dimension.group()) or [0, 0])[1])
        head = _DIMENSION.sub(b"", buffer[:start])  # calamine would size the range from it
        buffer = buffer[start:]
        if not buffer.lstrip().startswith(b'<row r="') and not buffer.lstrip().startswith(
            _SHEET_DATA_END
        ):
            raise _CannotSplit  # rows numbered by position, or prefixed names
        ended, want = False, PIECE_BYTES * 2
        end = buffer.find(_SHEET_DATA_END)  # where the rows end, once read
        while True:
            while not ended and len(buffer) < want:
                block = stream.read(READ_BYTES)
                ended = not block
                searched = max(len(buffer) - len(_SHEET_DATA_END), 0)
                buffer += block
                if end == -1:  # look in what is new only: the rows are hundreds of MB
                    end = buffer.find(_SHEET_DATA_END, searched)
            limit = end if end != -1 else len(buffer)
            last = end != -1 or ended
            cut = buffer.rfind(_ROW, 1, min(PIECE_BYTES, limit))
            if cut <= 0 and not (last and limit <= PIECE_BYTES):
                cut = buffer.find(_ROW, 1, limit)  # a row longer than a piece
            if cut <= 0 or (last and limit <= PIECE_BYTES):
                if not last:
                    want = len(buffer) * 2  # the row goes on: read more of it
                    continue
                rows, buffer = buffer[:limit], b""
            else:
                rows, buffer, want = buffer[:cut], buffer[cut:], PIECE_BYTES * 2
                end = end - cut if end != -1 else -1
            if rows.strip():
                yield _piece(head, rows, package, number)
            if not buffer:
                return


def _piece(head: bytes, rows: bytes, package: _Package, number: int | None) -> Piece:
    numbers = _ROW_NUMBER.findall(rows[:1000]), _ROW_NUMBER.findall(rows[rows.rfind(_ROW) :])
    if not numbers[0] or not numbers[1]:
        raise _CannotSplit
    first, last = int(numbers[0][0]), int(numbers[1][0])
    sheet = head + _marker(first) + rows
    if number is not None:  # its strings are written in where it is read
        return Piece(first, last, None, sheet, number, package)
    return Piece(first, last, _workbook(sheet, package))


def _marker(first: int) -> bytes:
    """A cell in column A of the row before the piece (a row of an earlier piece, so not in
    this one): calamine's range then starts in column A, as the whole sheet's does, and
    one row before the piece, which Piece.rows drops."""
    if first <= 1:
        return b""
    return b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>.</t></is></c></row>' % (
        first - 1,
        first - 1,
    )


def _workbook(sheet: bytes, package: _Package) -> bytes:
    rels = [_REL.format(id="rId1", ns=_NS_REL, kind="worksheet", target="worksheets/sheet1.xml")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        out.writestr("[Content_Types].xml", _CONTENT_TYPES)
        out.writestr("_rels/.rels", _ROOT_RELS)
        out.writestr("xl/workbook.xml", _BOOK.format(properties=package.properties.decode()))
        out.writestr("xl/worksheets/sheet1.xml", sheet + _SHEET_DATA_END + b"</worksheet>")
        if package.styles is not None:
            out.writestr("xl/styles.xml", package.styles)
            rels.append(_REL.format(id="rId2", ns=_NS_REL, kind="styles", target="styles.xml"))
        if package.shared_strings is not None:
            out.writestr("xl/sharedStrings.xml", package.shared_strings)
            rels.append(
                _REL.format(id="rId3", ns=_NS_REL, kind="sharedStrings", target="sharedStrings.xml")
            )
        out.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>",
        )
    return buffer.getvalue()
