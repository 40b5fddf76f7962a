import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from txng.stamps import actions, printing, tasks
from txng.stamps.codes import format_for_humans, new_code
from txng.stamps.models import PrintOrder
from txng.stamps.printing import (
    PrintItem,
    Template,
    qr_modules,
    stamps_per_page,
    write_csv,
    write_pdf,
    write_zip,
)

BASE_URL = "https://truyxuatnguongoc.caobang.gov.vn/q/"
PRODUCT = "Miến dong Cao Bằng"

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="pdftoppm/pdftotext missing: install poppler-utils to render and decode the PDFs",
)


def make_items(n: int, start: int = 1) -> list[PrintItem]:
    return [_item(serial) for serial in range(start, start + n)]


def _item(serial: int) -> PrintItem:
    code = new_code()
    return PrintItem(serial=serial, code=code, url=BASE_URL + code)


def pdf_bytes(items, template: Template, **kwargs) -> bytes:
    out = io.BytesIO()
    write_pdf(items, template, out, **kwargs)
    return out.getvalue()


def decode_page(pdf: bytes, page: int, tmp_path, expect: int = 0) -> list[str]:
    """Render one page at 300 dpi as a printer would and read every QR code on it.

    zxing very rarely misses one code among a hundred 20 mm stamps at 300 dpi; when fewer than
    `expect` codes are read, the page is read again at 600 dpi (what most label printers use)
    and both readings count. The caller still compares the exact set of URLs.
    """
    src = tmp_path / "stamps.pdf"
    src.write_bytes(pdf)
    found = set()
    for dpi in (300, 600):
        prefix = tmp_path / f"page{page}-{dpi}"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", "-png"]
            + [str(src), str(prefix)],
            check=True,
        )
        with Image.open(f"{prefix}.png") as image:
            # Only QR codes: a linear-barcode reader can "see" one in the text and cut marks.
            results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        # The finder patterns of neighbouring stamps can rarely form a phantom code that
        # decodes to a few digits; every stamp on the sheet holds an https URL.
        found |= {r.text for r in results if r.text.startswith("https://")}
        if len(found) >= expect:
            break
    return sorted(found)


def page_text(pdf: bytes, tmp_path) -> str:
    src = tmp_path / "text.pdf"
    src.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(src), "-"],
        check=True,
        capture_output=True,
    )
    return done.stdout.decode("utf-8")


def urls(items) -> list[str]:
    return sorted(item.url for item in items)


@needs_poppler
@pytest.mark.parametrize("size", [20, 40])
def test_a4_pages_decode_to_exactly_their_urls(size, tmp_path):
    template = Template(size_mm=size, layout="a4", show_name=True, product_name=PRODUCT)
    per_page = stamps_per_page(template)
    items = make_items(per_page + 6)
    pdf = pdf_bytes(items, template)
    assert decode_page(pdf, 1, tmp_path, expect=per_page) == urls(items[:per_page])
    assert decode_page(pdf, 2, tmp_path, expect=6) == urls(items[per_page:])


@needs_poppler
@pytest.mark.parametrize("size", [20, 25, 30, 40])
def test_roll_pages_hold_one_stamp_each(size, tmp_path):
    template = Template(size_mm=size, layout="roll")
    items = make_items(30)
    pdf = pdf_bytes(items, template)
    assert stamps_per_page(template) == 1
    assert decode_page(pdf, 1, tmp_path) == [items[0].url]
    assert decode_page(pdf, 30, tmp_path) == [items[29].url]


@needs_poppler
def test_printed_text_has_vietnamese_name_code_and_serial(tmp_path):
    template = Template(size_mm=30, layout="roll", show_name=True, product_name=PRODUCT)
    item = PrintItem(serial=4217, code=new_code(), url=BASE_URL + "X")
    text = page_text(pdf_bytes([item], template), tmp_path)
    assert PRODUCT in text
    assert format_for_humans(item.code) in text
    assert "4217" in text


@needs_poppler
def test_code_text_can_be_left_off(tmp_path):
    item = _item(1)
    pdf = pdf_bytes([item], Template(size_mm=25, layout="roll", show_code=False))
    assert format_for_humans(item.code) not in page_text(pdf, tmp_path)
    assert decode_page(pdf, 1, tmp_path) == [item.url]


@needs_poppler
def test_logo_with_transparency_keeps_codes_readable(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (120, 60), (200, 30, 30, 128)).save(logo)
    template = Template(size_mm=25, show_logo=logo, show_name=True, product_name=PRODUCT)
    items = make_items(30)
    assert decode_page(pdf_bytes(items, template), 1, tmp_path) == urls(items)


@needs_poppler
def test_falls_back_to_helvetica_without_dejavu(tmp_path, monkeypatch):
    monkeypatch.setattr(printing, "_font_paths", lambda: iter(()))
    template = Template(size_mm=30, layout="roll", show_name=True, product_name=PRODUCT)
    item = _item(7)
    pdf = pdf_bytes([item], template)
    assert b"/BaseFont /Helvetica" in pdf
    assert "Mien dong Cao Bang" in page_text(pdf, tmp_path)
    assert decode_page(pdf, 1, tmp_path) == [item.url]


def test_long_product_name_is_cut_to_fit(tmp_path):
    name = "Chè Shan tuyết Cao Bằng " * 10
    pdf = pdf_bytes(make_items(1), Template(size_mm=20, show_name=True, product_name=name))
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")


def test_progress_reports_stamps_done_after_each_page():
    template = Template(size_mm=40)
    per_page = stamps_per_page(template)
    seen = []
    pdf_bytes(make_items(2 * per_page + 1), template, progress=seen.append)
    assert seen == [per_page, 2 * per_page, 2 * per_page + 1]


def test_empty_batch_gives_one_blank_page():
    pdf = pdf_bytes([], Template())
    assert pdf.count(b"/Type /Page ") == 1


def test_pages_are_counted_in_the_page_tree():
    # More pages than one tree node holds, so the root has several children.
    n = printing.PAGES_PER_NODE + 3
    pdf = pdf_bytes((_fake_item(i) for i in range(n)), Template(layout="roll"))
    assert pdf.count(b"/Type /Page ") == n
    assert f"/Count {n} >>".encode() in pdf


def test_memory_stays_flat_as_pages_grow():
    template = Template(size_mm=40)
    per_page = stamps_per_page(template)
    _peak_bytes(lambda: [_fake_item(0)], template)  # parse the font once, outside the measure
    small = _peak_bytes(lambda: (_fake_item(i) for i in range(2 * per_page)), template)
    large = _peak_bytes(lambda: (_fake_item(i) for i in range(10 * per_page)), template)
    assert large < small * 1.25, (small, large)


def test_memory_stays_flat_with_a_pool(monkeypatch):
    # One page per task, so the large batch has far more pages than tasks may be in flight.
    template = Template(size_mm=40)
    per_page = stamps_per_page(template)
    monkeypatch.setattr(printing, "STAMPS_PER_TASK", per_page)
    _peak_bytes(lambda: [_fake_item(0)], template)
    small = _peak_bytes(lambda: (_fake_item(i) for i in range(4 * per_page)), template, 2)
    large = _peak_bytes(lambda: (_fake_item(i) for i in range(16 * per_page)), template, 2)
    assert large < small * 1.25, (small, large)


def _fake_item(i: int) -> PrintItem:
    code = f"{i:014d}0"  # no need for real codes: only the QR payload size matters
    return PrintItem(serial=i, code=code, url=BASE_URL + code)


def _peak_bytes(factory, template, workers=1) -> int:
    class Sink(io.RawIOBase):
        def write(self, b):
            return len(b)

    tracemalloc.start()
    try:
        write_pdf(factory(), template, Sink(), workers=workers)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_has_header_and_one_row_per_stamp():
    items = [
        PrintItem(1, "AAAAABBBBBCCCC0", BASE_URL + "AAAAABBBBBCCCC0"),
        PrintItem(2, "DDDDDEEEEEFFFF1", BASE_URL + "DDDDDEEEEEFFFF1"),
    ]
    out = io.StringIO(newline="")
    write_csv(items, out)
    assert out.getvalue() == (
        "serial,code,url\r\n"
        f"1,AAAAABBBBBCCCC0,{BASE_URL}AAAAABBBBBCCCC0\r\n"
        f"2,DDDDDEEEEEFFFF1,{BASE_URL}DDDDDEEEEEFFFF1\r\n"
    )


def test_zip_holds_the_pdf_and_the_csv():
    # The PDF is stored as it is: its streams are compressed already.
    items = make_items(30)
    template = Template(size_mm=25)
    out = io.BytesIO()
    write_zip(lambda: iter(items), template, out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        assert sorted(zf.namelist()) == ["stamps.csv", "stamps.pdf"]
        assert zf.testzip() is None
        assert zf.getinfo("stamps.pdf").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo("stamps.csv").compress_type == zipfile.ZIP_DEFLATED
        pdf = zf.read("stamps.pdf")
        rows = zf.read("stamps.csv").decode("utf-8").splitlines()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page ") == 1
    assert rows[0] == "serial,code,url"
    assert rows[1:] == [f"{i.serial},{i.code},{i.url}" for i in items]


@pytest.mark.parametrize(
    "kwargs", [{"size_mm": 35}, {"layout": "sheet"}, {"size_mm": 0}, {"layout": "A4"}]
)
def test_template_rejects_unknown_sizes_and_layouts(kwargs):
    with pytest.raises(ValueError):
        Template(**kwargs)


# --- QR encoding and the pool of processes -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        BASE_URL + "7ZK3M0QX4TB9PR*",
        "https://truyxuatnguongoc.caobang.gov.vn/01/08934567890007/10/HD%2F2026-01/21/7ZK3M0QX4TB9PR",
    ],
)
def test_qr_modules_decode_back_to_the_url_at_level_m(url):
    side, modules = qr_modules(url)
    assert len(modules) == side * side
    symbol = Image.frombytes("L", (side, side), modules)
    quiet = Image.new("L", (side + 8, side + 8), 255)
    quiet.paste(symbol, (4, 4))
    found = zxingcpp.read_barcodes(
        quiet.resize((10 * (side + 8),) * 2, Image.NEAREST),
        formats=zxingcpp.BarcodeFormat.QRCode,
    )
    assert [(r.text, r.ec_level) for r in found] == [(url, "M")]


@needs_poppler
def test_printed_symbols_use_error_correction_level_m(tmp_path):
    pdf = pdf_bytes(make_items(1), Template(size_mm=25, layout="roll"))
    (tmp_path / "one.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-singlefile", "-png", tmp_path / "one.pdf", tmp_path / "one"],
        check=True,
    )
    with Image.open(tmp_path / "one.png") as image:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.ec_level for r in found] == ["M"]


def test_a_code_character_the_stamp_font_lacks_is_refused_by_name():
    item = PrintItem(serial=1, code="ABCDEΩGHJKMNPQ0", url=BASE_URL + "X")
    with pytest.raises(ValueError, match="Ω"):
        pdf_bytes([item], Template())


@pytest.mark.parametrize("layout", ["a4", "roll"])
def test_pool_writes_the_same_pdf_as_one_process(layout, monkeypatch):
    template = Template(size_mm=40, layout=layout, show_name=True, product_name=PRODUCT)
    per_page = stamps_per_page(template)
    # Small tasks, so that more tasks than may be in flight at once are drawn out of order.
    monkeypatch.setattr(printing, "STAMPS_PER_TASK", per_page)
    items = make_items(9 * per_page + 1)
    seen = []
    pooled = pdf_bytes(items, template, progress=seen.append, workers=2)
    assert pooled == pdf_bytes(items, template)
    assert seen == [per_page * p for p in range(1, 10)] + [9 * per_page + 1]


POOL_SCRIPT = """
import itertools, multiprocessing, sys
from txng.stamps.printing import PrintItem, Template, write_pdf

def items():
    for serial in itertools.count(1):
        if serial == 1250:  # two tasks sent: tell the test who the pool's processes are
            pids = [p.pid for p in multiprocessing.active_children()]
            print(" ".join(map(str, pids)), flush=True)
        yield PrintItem(serial, "7ZK3M0QX4TB9PR*", "https://x.vn/q/%d" % serial)

if __name__ == "__main__":
    with open(sys.argv[1], "wb") as out:
        write_pdf(items(), Template(layout="roll"), out, workers=2)
"""


def test_pool_processes_exit_when_the_process_drawing_the_pdf_is_killed(tmp_path):
    script = tmp_path / "draw.py"
    script.write_text(textwrap.dedent(POOL_SCRIPT))
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    drawer = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "out.pdf")],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        pids = [int(pid) for pid in drawer.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
        drawer.send_signal(signal.SIGKILL)  # no chance to stop its pool, like an OOM kill
        drawer.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pids)
    finally:
        if drawer.poll() is None:
            drawer.kill()


def _alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie waiting for its new parent to reap it has ended."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@needs_poppler
@pytest.mark.django_db
def test_large_order_is_drawn_by_the_pool_and_reads_back(
    biz_owner, dost_admin, product, monkeypatch, settings, tmp_path
):
    monkeypatch.setattr(tasks, "PARALLEL_FROM", 20)
    settings.STAMP_PRINT_WORKERS = 2
    used = []
    real_write_pdf = printing.write_pdf
    monkeypatch.setattr(
        printing,
        "write_pdf",
        lambda *args, **kwargs: used.append(kwargs["workers"]) or real_write_pdf(*args, **kwargs),
    )
    order = actions.submit_order(PrintOrder(product=product, quantity=20), actor=biz_owner)
    actions.approve_order(order, actor=dost_admin)
    tasks.run_generation(order.pk)
    order.refresh_from_db()
    assert used == [2] and order.state == "ready"
    with zipfile.ZipFile(order.zip.path) as zf:
        pdf = zf.read("stamps.pdf")
    expected = [
        tasks.stamp_url(order, code) for code in order.stamps.values_list("code", flat=True)
    ]
    assert decode_page(pdf, 1, tmp_path, expect=20) == sorted(expected)


@pytest.mark.django_db
def test_small_order_is_drawn_in_the_worker_itself(order, settings):
    settings.STAMP_PRINT_WORKERS = 2
    order.quantity = tasks.PARALLEL_FROM - 1
    assert tasks._workers(order) == 1
    order.quantity = tasks.PARALLEL_FROM
    assert tasks._workers(order) == 2
    settings.STAMP_PRINT_WORKERS = 0
    assert tasks._workers(order) == printing.usable_cores()
