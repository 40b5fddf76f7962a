"""Print-ready stamp files: PDF (vector QR codes), CSV and a ZIP of both.

Everything streams: items are consumed one page at a time and written out at once, so
memory stays flat whether a batch has ten stamps or a million.

The PDF is written by a small writer in this module rather than by reportlab's Canvas,
because Canvas keeps every page in memory until ``save()`` (measured: about 4.7 KB per
stamp, 4.7 GB for a million) and then builds the whole file in memory again. reportlab
is still used for what is hard to get right by hand: TrueType subsetting and metrics.

Speed (bench/stamps.py): QR symbols come from zxing-cpp's compiled encoder, about 0.24 ms
of CPU each where segno's pure Python took 5.6 ms. A whole stamp costs about twice the
encoding (0.5 ms of CPU: the rest is turning rows into path operators, text and deflate);
rows become operators by looking up pieces of eight modules, not by formatting every run
(``_row_pieces``). A large order is drawn by a pool of processes (``workers``), a few pages
per task and a bounded number of tasks in flight, while this process reads the items and
writes the file in order; pages are drawn from a frozen ``_PageDrawing``, so every process
writes the same bytes for the same page. Deflate at level 6 keeps the file as small as
segno's was (about 480 bytes a stamp); level 2 would save about a tenth of the CPU for a
file nearly twice as large.
"""

import csv
import functools
import io
import multiprocessing
import os
import re
import threading
import time
import unicodedata
import zipfile
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from os import PathLike
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

import zxingcpp

from txng.stamps.codes import CHECK_ALPHABET, format_for_humans

__all__ = [
    "PrintItem",
    "Template",
    "qr_modules",
    "stamps_per_page",
    "usable_cores",
    "write_csv",
    "write_pdf",
    "write_zip",
]

MM = 72 / 25.4
A4_SIZE = (210 * MM, 297 * MM)
A4_MARGIN = 10 * MM
A4_GUTTER = 2 * MM  # room to cut between stamps; cut marks run along its centre line
CUT_MARK_ARM = 1.5 * MM
ROLL_MARGIN = 1.5 * MM
SIZES_MM = (20, 25, 30, 40)
QUIET_ZONE = 4  # modules, as ISO/IEC 18004 requires for QR codes
QR_ERROR_LEVEL = "M"  # recovers 15% of the symbol: a scratched or smudged stamp still reads
ROW_PIECE = 8  # modules per looked-up piece of a QR row: 256 patterns per piece
ZLIB_LEVEL = 6
STAMPS_PER_TASK = 500  # stamps a pool process draws per task: whole pages, rounded down
PAGES_PER_NODE = 256  # page-tree fan-out: keeps the tree shallow and each node small

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)

PDF_NAME = "stamps.pdf"
CSV_NAME = "stamps.csv"


@dataclass(frozen=True, slots=True)
class PrintItem:
    """One stamp to print."""

    serial: int
    code: str
    url: str


@dataclass(frozen=True, slots=True)
class Template:
    """How stamps look. ``show_logo`` is a logo image path, or None for no logo."""

    size_mm: int = 25
    show_name: bool = False
    show_logo: str | PathLike | None = None
    show_code: bool = True
    layout: Literal["a4", "roll"] = "a4"
    product_name: str = ""

    def __post_init__(self):
        if self.size_mm not in SIZES_MM:
            raise ValueError(f"size_mm must be one of {SIZES_MM}")
        if self.layout not in ("a4", "roll"):
            raise ValueError("layout must be 'a4' or 'roll'")


# --- CSV and ZIP -----------------------------------------------------------------------


def write_csv(items: Iterable[PrintItem], out_text: TextIO) -> None:
    """Write ``serial,code,url`` rows with a header; ``out_text`` should be UTF-8."""
    writer = csv.writer(out_text)
    writer.writerow(("serial", "code", "url"))
    for item in items:
        writer.writerow((item.serial, item.code, item.url))


def write_zip(
    items_factory: Callable[[], Iterable[PrintItem]], template: Template, out: BinaryIO
) -> None:
    """Write a ZIP holding the PDF and the CSV; ``items_factory`` is called once for each."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        # A streamed entry's size is unknown up front; zip64 lifts zipfile's 2 GiB cap on it.
        # The PDF's streams are compressed already: deflating it again saves under 2%.
        pdf_info = zipfile.ZipInfo(PDF_NAME, date_time=time.localtime()[:6])
        pdf_info.compress_type = zipfile.ZIP_STORED
        with zf.open(pdf_info, "w", force_zip64=True) as pdf_out:
            write_pdf(items_factory(), template, pdf_out)
        with (
            zf.open(CSV_NAME, "w") as csv_raw,  # ~80 B a row: 1M rows stay far below 2 GiB
            io.TextIOWrapper(csv_raw, encoding="utf-8", newline="") as csv_out,
        ):
            write_csv(items_factory(), csv_out)


# --- PDF ---------------------------------------------------------------------------------


def stamps_per_page(template: Template) -> int:
    """How many stamps one page of this template holds."""
    return len(_page_geometry(template).cells)


def usable_cores() -> int:
    """CPU cores this process may run on (a container or taskset may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def write_pdf(
    items: Iterable[PrintItem],
    template: Template,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> None:
    """Write a PDF of ``items``; ``progress`` gets the count of stamps done after each page.

    With ``workers`` > 1 pages are drawn by that many processes; starting them costs about a
    second, so it pays only for orders of a few thousand stamps or more. They are started with
    ``spawn``, which imports the main module again: a script calling this needs the
    ``if __name__ == "__main__":`` guard (``manage.py`` has it).
    """
    doc = _StampDocument(out, template)
    pages = _pages(items, len(doc.drawing.cells))
    done = 0
    for count, content in _drawn_pages(doc.drawing, pages, workers):
        doc.add_page(content)
        done += count
        if progress:
            progress(done)
    doc.close()


def _pages(items: Iterable[PrintItem], per_page: int) -> Iterator[list[tuple[int, str, str]]]:
    """Items as plain tuples (cheap to send to another process), a page at a time.

    A PDF needs at least one page, so an empty batch gives one empty page.
    """
    rows = ((item.serial, item.code, item.url) for item in items)
    first = True
    while page := list(islice(rows, per_page)):
        first = False
        yield page
    if first:
        yield []


def _drawn_pages(
    drawing: "_PageDrawing", pages: Iterator[list], workers: int
) -> Iterator[tuple[int, bytes]]:
    """(stamps on the page, compressed content stream) for each page, in order."""
    if workers <= 1:
        for page in pages:
            yield len(page), drawing.content(page)
        return
    pages_per_task = max(1, STAMPS_PER_TASK // len(drawing.cells))
    pool = ProcessPoolExecutor(
        workers,
        # spawn, not fork: the caller may hold database connections and threads (a task
        # worker does), which a forked child must not share.
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_pool_process,
        initargs=(drawing, os.getpid()),
    )
    try:
        in_flight = deque()  # bounded, so memory stays flat however many pages are left
        while task := list(islice(pages, pages_per_task)):
            in_flight.append((task, pool.submit(_draw_pages, task)))
            if len(in_flight) >= 2 * workers:
                yield from _finished(*in_flight.popleft())
        while in_flight:
            yield from _finished(*in_flight.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _finished(task: list[list], future) -> Iterator[tuple[int, bytes]]:
    for page, content in zip(task, future.result(), strict=True):
        yield len(page), content


_pool_drawing: "_PageDrawing | None" = None


def _start_pool_process(drawing: "_PageDrawing", parent: int) -> None:
    global _pool_drawing
    _pool_drawing = drawing
    # A parent killed with SIGKILL cannot stop its pool; without this the pool's processes
    # would wait for work forever. The order is drawn again by whoever resumes it.
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _draw_pages(task: list[list]) -> list[bytes]:
    return [_pool_drawing.content(page) for page in task]


@dataclass(frozen=True, slots=True)
class _PageGeometry:
    width: float
    height: float
    cells: tuple[tuple[float, float], ...]  # lower-left corners, in reading order
    marks: str  # drawing ops shared by every page (cut marks)


def _page_geometry(template: Template) -> _PageGeometry:
    side = template.size_mm * MM
    if template.layout == "roll":
        page = side + 2 * ROLL_MARGIN
        return _PageGeometry(page, page, ((ROLL_MARGIN, ROLL_MARGIN),), "")
    width, height = A4_SIZE
    pitch = side + A4_GUTTER
    cols = int((width - 2 * A4_MARGIN + A4_GUTTER) // pitch)
    rows = int((height - 2 * A4_MARGIN + A4_GUTTER) // pitch)
    left = (width - (cols * pitch - A4_GUTTER)) / 2
    top = height - (height - (rows * pitch - A4_GUTTER)) / 2
    cells = tuple(
        (left + c * pitch, top - side - r * pitch) for r in range(rows) for c in range(cols)
    )
    xs = [left - A4_GUTTER / 2 + c * pitch for c in range(cols + 1)]
    ys = [top + A4_GUTTER / 2 - r * pitch for r in range(rows + 1)]
    return _PageGeometry(width, height, cells, _cut_marks(xs, ys))


def _cut_marks(xs: list[float], ys: list[float]) -> str:
    """Small crosses where the gutters' centre lines meet; they never touch a stamp."""
    a = CUT_MARK_ARM
    path = [
        f"{x - a:.2f} {y:.2f} m {x + a:.2f} {y:.2f} l {x:.2f} {y - a:.2f} m {x:.2f} {y + a:.2f} l"
        for x in xs
        for y in ys
    ]
    return "q 0.5 G 0.3 w " + " ".join(path) + " S Q"


@dataclass(frozen=True, slots=True)
class _CellLayout:
    """Positions inside one stamp, relative to its lower-left corner, in points."""

    side: float
    pad: float
    qr_box: float
    qr_x: float
    qr_y: float
    code_size: float
    code_y: float
    serial_size: float
    serial_y: float
    header_h: float
    header_y: float
    name_size: float


def _cell_layout(template: Template, has_header: bool) -> _CellLayout:
    side = template.size_mm * MM
    pad = 0.04 * side
    # Font sizes scale with the stamp: 5 pt code text on a 20 mm stamp, 10 pt on 40 mm.
    name_size = code_size = 0.25 * template.size_mm
    serial_size = 0.16 * template.size_mm
    serial_h = 1.2 * serial_size
    code_h = 1.2 * code_size if template.show_code else 0.0
    header_h = 1.25 * name_size if has_header else 0.0
    bottom = pad + serial_h + code_h
    top = side - pad - header_h
    qr_box = min(top - bottom, side - 2 * pad)
    return _CellLayout(
        side=side,
        pad=pad,
        qr_box=qr_box,
        qr_x=(side - qr_box) / 2,
        qr_y=bottom + (top - bottom - qr_box) / 2,
        code_size=code_size,
        code_y=pad + serial_h + 0.25 * code_size,
        serial_size=serial_size,
        serial_y=pad + 0.25 * serial_size,
        header_h=header_h,
        header_y=top,
        name_size=name_size,
    )


def qr_modules(url: str) -> tuple[int, bytes]:
    """The QR symbol for ``url``: (modules per side, one byte per module row by row from the
    top, 0 for dark), without quiet zone."""
    barcode = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=QR_ERROR_LEVEL)
    image = barcode.to_image(add_quiet_zones=False)
    return image.shape[0], bytes(image)


_DARK_RUNS = re.compile(rb"\x00+")


@functools.cache
def _row_pieces(side: int) -> tuple[tuple[int, int, dict[bytes, str]], ...]:
    """For a symbol of ``side`` modules: (start, end, operators by module bytes) for each
    piece of each row, in module units with y up from the bottom row.

    Every pattern is made up front (side × ⌈side/8⌉ × 256 strings, about 4 MB for the
    33-module symbols of today's URLs), so memory does not creep up as new rows appear.
    A run cut by a piece boundary is drawn as two abutting rectangles of the same path,
    which fill as one area.
    """
    pieces = []
    for r in range(side):
        y = side - 1 - r
        for x in range(0, side, ROW_PIECE):
            width = min(ROW_PIECE, side - x)
            ops = {
                modules: " ".join(f"{x + start} {y} {length} 1 re" for start, length in runs)
                for modules, runs in _patterns(width)
            }
            pieces.append((r * side + x, r * side + x + width, ops))
    return tuple(pieces)


@functools.cache
def _patterns(width: int) -> tuple[tuple[bytes, tuple[tuple[int, int], ...]], ...]:
    """Every row piece of ``width`` modules with its dark runs (start, length).

    The keys are shared by all pieces of that width, which keeps them in the CPU's cache.
    """
    patterns = []
    for bits in range(1 << width):
        modules = bytes(0 if bits >> i & 1 else 255 for i in range(width))
        runs = tuple((run.start(), len(run.group())) for run in _DARK_RUNS.finditer(modules))
        patterns.append((modules, runs))
    return tuple(patterns)


def _qr_ops(url: str, box: float, x: float, y: float) -> str:
    """Vector QR: one filled path of rectangles, one per horizontal run of dark modules."""
    side, modules = qr_modules(url)
    module = box / (side + 2 * QUIET_ZONE)
    origin_x = x + QUIET_ZONE * module
    origin_y = y + QUIET_ZONE * module
    # Drawn in module units so rectangles are small integers: shorter and faster to format.
    head = f"q 0 g {module:.4f} 0 0 {module:.4f} {origin_x:.3f} {origin_y:.3f} cm"
    runs = [ops[modules[start:end]] for start, end, ops in _row_pieces(side)]
    return f"{head} {' '.join(filter(None, runs))} f Q"


class _Glyphs:
    """Widths and codes of the characters a stamp's code and serial may use, fixed before
    drawing starts so that every pool process encodes text the same way."""

    CHARS = CHECK_ALPHABET + "0123456789-…"  # code, hyphens between groups, serial, cut mark

    def __init__(self, font):
        self.widths = {ch: font.width(ch, 1000) for ch in self.CHARS}
        self.codes = {ch: font.encode(ch) for ch in self.CHARS}

    def width(self, text: str, size: float) -> float:
        try:
            return sum(map(self.widths.__getitem__, text)) * size / 1000
        except KeyError as error:
            raise ValueError(f"cannot print {error.args[0]!r} on a stamp") from None

    def encode(self, text: str) -> str:
        return "".join(map(self.codes.__getitem__, text))


@dataclass(frozen=True, slots=True)
class _PageDrawing:
    """What drawing a page of stamps needs; picklable, sent once to each pool process."""

    cells: tuple[tuple[float, float], ...]
    marks: str
    cell: _CellLayout
    header: str  # drawing ops shared by every stamp (logo, product name)
    glyphs: _Glyphs
    show_code: bool

    def content(self, page: Sequence[tuple[int, str, str]]) -> bytes:
        """The page's compressed content stream."""
        ops = [self.marks]
        ops.extend(
            self.stamp_ops(item, corner) for item, corner in zip(page, self.cells, strict=False)
        )
        return zlib.compress("\n".join(ops).encode("ascii"), ZLIB_LEVEL)

    def stamp_ops(self, item: tuple[int, str, str], corner: tuple[float, float]) -> str:
        """Drawing ops for one stamp whose lower-left corner is at ``corner``."""
        serial, code, url = item
        cell = self.cell
        ops = [f"q 1 0 0 1 {corner[0]:.3f} {corner[1]:.3f} cm", self.header]
        ops.append(_qr_ops(url, cell.qr_box, cell.qr_x, cell.qr_y))
        if self.show_code:
            ops.append(self._centred(format_for_humans(code), cell.code_size, cell.code_y))
        ops.append(self._centred(str(serial), cell.serial_size, cell.serial_y))
        ops.append("Q")
        return " ".join(ops)

    def _centred(self, text: str, size: float, y: float) -> str:
        cell = self.cell
        return _text_ops(self.glyphs, text, size, cell.pad, cell.side - 2 * cell.pad, y)


class _StampDocument:
    """Streams pages of stamps to a PDF file."""

    def __init__(self, out: BinaryIO, template: Template):
        self.geometry = _page_geometry(template)
        self.pdf = _PdfWriter(out)
        self.font = _load_font()
        self.tree = _PageTree(self.pdf)
        self._font_num = self.pdf.alloc()
        logo = _Logo(template.show_logo, self.pdf) if template.show_logo else None
        name = _nfc(template.product_name) if template.show_name else ""
        self.cell = _cell_layout(template, has_header=bool(name or logo))
        self.drawing = _PageDrawing(
            cells=self.geometry.cells,
            marks=self.geometry.marks,
            cell=self.cell,
            header=self._header_ops(name, logo),
            glyphs=_Glyphs(self.font),
            show_code=template.show_code,
        )
        self._resources = self._write_resources(logo)

    def add_page(self, content: bytes) -> None:
        """Add a page whose content stream, already compressed, is ``content``."""
        contents = self.pdf.alloc()
        self.pdf.compressed_stream(contents, content)
        page = self.pdf.alloc()
        parent = self.tree.add(page)
        g = self.geometry
        self.pdf.obj(
            page,
            f"<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 {g.width:.2f} {g.height:.2f}]"
            f" /Resources {self._resources} 0 R /Contents {contents} 0 R >>",
        )

    def close(self) -> None:
        pages = self.tree.close()
        self.font.write_objects(self.pdf, self._font_num)
        catalog = self.pdf.alloc()
        self.pdf.obj(catalog, f"<< /Type /Catalog /Pages {pages} 0 R >>")
        self.pdf.finish(catalog)

    def _header_ops(self, name: str, logo: "_Logo | None") -> str:
        """Logo at the left of the header row, product name centred in what is left."""
        cell = self.cell
        if not cell.header_h:
            return ""
        left, width = cell.pad, cell.side - 2 * cell.pad
        ops = []
        if logo:
            h = cell.header_h * 0.9
            w = min(h * logo.aspect, width * 0.35)
            h = w / logo.aspect
            x = left if name else (cell.side - w) / 2
            y = cell.header_y + (cell.header_h - h) / 2
            ops.append(f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {y:.3f} cm /Logo Do Q")
            if name:
                left += w + cell.pad
                width -= w + cell.pad
        if name:
            baseline = cell.header_y + 0.28 * cell.name_size
            ops.append(_text_ops(self.font, name, cell.name_size, left, width, baseline))
        return " ".join(ops)

    def _write_resources(self, logo: "_Logo | None") -> int:
        num = self.pdf.alloc()
        xobjects = f" /XObject << /Logo {logo.num} 0 R >>" if logo else ""
        self.pdf.obj(num, f"<< /Font << /F1 {self._font_num} 0 R >>{xobjects} >>")
        return num


def _nfc(text: str) -> str:
    # Vietnamese typed on some keyboards arrives decomposed; the font has the composed glyphs.
    return unicodedata.normalize("NFC", text)


def _text_ops(font, text: str, size: float, left: float, width: float, y: float) -> str:
    """Text centred in [left, left + width]; squeezed (down to 75%), then cut, to fit."""
    natural = font.width(text, size)
    scale = 1.0
    if natural > width:
        scale = max(width / natural, 0.75)
        while text and font.width(text, size) * scale > width:
            text = text[:-2] + "…"
            if len(text) == 1:
                break
    x = left + (width - font.width(text, size) * scale) / 2
    return (
        f"BT /F1 {size:.2f} Tf {scale * 100:.1f} Tz {x:.3f} {y:.3f} Td <{font.encode(text)}> Tj ET"
    )


# --- Low-level PDF writing ---------------------------------------------------------------


class _PdfWriter:
    """Writes numbered objects straight to ``out`` and remembers only their offsets."""

    def __init__(self, out: BinaryIO):
        self._out = out
        self._pos = 0
        self._offsets = array("Q", [0])  # 8 bytes per object: the xref needs every offset
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def alloc(self) -> int:
        self._offsets.append(0)
        return len(self._offsets) - 1

    def obj(self, num: int, body: str | bytes) -> None:
        if isinstance(body, str):
            body = body.encode("latin-1")
        self._offsets[num] = self._pos
        self._write(b"%d 0 obj\n%b\nendobj\n" % (num, body))

    def stream(self, num: int, data: bytes, extra: str = "") -> None:
        self.compressed_stream(num, zlib.compress(data, ZLIB_LEVEL), extra)

    def compressed_stream(self, num: int, packed: bytes, extra: str = "") -> None:
        head = f"<< /Length {len(packed)} /Filter /FlateDecode{extra} >>\nstream\n"
        self.obj(num, head.encode("latin-1") + packed + b"\nendstream")

    def finish(self, root: int) -> None:
        missing = [n for n in range(1, len(self._offsets)) if not self._offsets[n]]
        if missing:
            raise RuntimeError(f"PDF objects allocated but never written: {missing[:5]}")
        xref = self._pos
        size = len(self._offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for start in range(1, size, 4096):  # batched so a million entries stay cheap
            chunk = self._offsets[start : start + 4096]
            self._write(b"".join(b"%010d 00000 n \n" % off for off in chunk))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
        )

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._pos += len(data)


class _PageTree:
    """Two-level page tree: groups of pages under one root, each group written when full."""

    def __init__(self, pdf: _PdfWriter):
        self.pdf = pdf
        self.root = pdf.alloc()
        self.groups: list[int] = []
        self._kids: list[int] = []
        self._group = 0
        self.count = 0

    def add(self, page: int) -> int:
        """Register a page; return the number of its parent node."""
        if not self._kids:
            self._group = self.pdf.alloc()
            self.groups.append(self._group)
        self._kids.append(page)
        self.count += 1
        if len(self._kids) == PAGES_PER_NODE:
            self._close_group()
        return self._group

    def close(self) -> int:
        if self._kids:
            self._close_group()
        kids = " ".join(f"{g} 0 R" for g in self.groups)
        self.pdf.obj(self.root, f"<< /Type /Pages /Kids [{kids}] /Count {self.count} >>")
        return self.root

    def _close_group(self) -> None:
        kids = " ".join(f"{p} 0 R" for p in self._kids)
        body = f"<< /Type /Pages /Parent {self.root} 0 R /Kids [{kids}] /Count {len(self._kids)} >>"
        self.pdf.obj(self._group, body)
        self._kids = []


class _Logo:
    """The logo as an image XObject (alpha kept as a soft mask), written once."""

    MAX_PIXELS = 600  # far more than a 10 mm logo needs at 600 dpi

    def __init__(self, path: str | PathLike, pdf: _PdfWriter):
        from PIL import Image

        with Image.open(path) as im:
            im.thumbnail((self.MAX_PIXELS, self.MAX_PIXELS))
            rgba = im.convert("RGBA")
        w, h = rgba.size
        self.aspect = w / h
        self.num = pdf.alloc()
        image = f" /Type /XObject /Subtype /Image /Width {w} /Height {h} /BitsPerComponent 8"
        alpha = rgba.getchannel("A")
        smask = ""
        if alpha.getextrema()[0] < 255:
            mask = pdf.alloc()
            pdf.stream(mask, alpha.tobytes(), image + " /ColorSpace /DeviceGray")
            smask = f" /SMask {mask} 0 R"
        rgb = rgba.convert("RGB").tobytes()
        pdf.stream(self.num, rgb, image + " /ColorSpace /DeviceRGB" + smask)


# --- Fonts -------------------------------------------------------------------------------


def _load_font():
    """DejaVu Sans (Vietnamese glyphs) when installed, else Helvetica without accents."""
    for path in _font_paths():
        if path.is_file():
            return _TrueTypeSubset(path)
    return _Helvetica()


def _font_paths() -> Iterator[Path]:
    import reportlab

    yield Path(reportlab.__file__).parent / "fonts" / "DejaVuSans.ttf"
    yield from FONT_CANDIDATES


class _TrueTypeSubset:
    """A simple TrueType font holding only the characters used, codes given in first use."""

    _faces: dict[Path, object] = {}  # parsing the TTF takes ~0.1 s; reuse across documents
    _lock = threading.Lock()  # the parsed face keeps a read position: one reader at a time

    def __init__(self, path: Path):
        from reportlab.pdfbase.ttfonts import TTFontFace

        with self._lock:
            if path not in self._faces:
                self._faces[path] = TTFontFace(str(path))
            self.face = self._faces[path]
        self._hex: dict[str, str] = {}
        self._chars: list[int] = []
        self._widths: dict[str, float] = {}

    def width(self, text: str, size: float) -> float:
        widths = self._widths
        total = 0.0
        for ch in text:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = self.face.getCharWidth(ord(ch))
            total += w
        return total * size / 1000

    def encode(self, text: str) -> str:
        return "".join(self._hex.get(ch) or self._add(ch) for ch in text)

    def _add(self, ch: str) -> str:
        if len(self._chars) == 256:
            raise ValueError("more than 256 distinct characters in one PDF")
        code = f"{len(self._chars):02X}"
        self._chars.append(ord(ch))
        self._hex[ch] = code
        return code

    def write_objects(self, pdf: _PdfWriter, font_num: int) -> None:
        from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, makeToUnicodeCMap

        face, chars = self.face, self._chars or [ord(" ")]
        base = "AAAAAA+" + face.name.decode("latin-1")
        with self._lock:
            program = face.makeSubset(chars)
        font_file, descriptor, cmap = pdf.alloc(), pdf.alloc(), pdf.alloc()
        pdf.stream(font_file, program, f" /Length1 {len(program)}")
        pdf.stream(cmap, makeToUnicodeCMap(base, chars).encode("ascii"))
        flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC  # custom encoding: symbolic
        bbox = " ".join(str(v) for v in face.bbox)
        pdf.obj(
            descriptor,
            f"<< /Type /FontDescriptor /FontName /{base} /Flags {flags} /FontBBox [{bbox}]"
            f" /ItalicAngle {face.italicAngle} /Ascent {face.ascent} /Descent {face.descent}"
            f" /CapHeight {face.capHeight} /StemV {face.stemV}"
            f" /MissingWidth {face.defaultWidth} /FontFile2 {font_file} 0 R >>",
        )
        widths = " ".join(str(face.getCharWidth(c)) for c in chars)
        pdf.obj(
            font_num,
            f"<< /Type /Font /Subtype /TrueType /BaseFont /{base} /FirstChar 0"
            f" /LastChar {len(chars) - 1} /Widths [{widths}] /FontDescriptor {descriptor} 0 R"
            f" /ToUnicode {cmap} 0 R >>",
        )


class _Helvetica:
    """Fallback when no DejaVu font is installed: WinAnsi text, Vietnamese accents dropped."""

    def width(self, text: str, size: float) -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(self._fold(text), "Helvetica", size)

    def encode(self, text: str) -> str:
        return self._fold(text).encode("cp1252", "replace").hex().upper()

    @staticmethod
    def _fold(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        decomposed = unicodedata.normalize("NFD", text)
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    def write_objects(self, pdf: _PdfWriter, font_num: int) -> None:
        pdf.obj(
            font_num,
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        )
