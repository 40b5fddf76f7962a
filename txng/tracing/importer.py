"""Bulk import of lots, diary entries and shipments from XLSX or CSV.

Files are parsed only by the background worker (txng/tracing/tasks.py), never in a web request,
and read as a stream that stops at the row and column limits: a small file can declare a
million-row sheet or a gigabyte once unzipped, so nothing is trusted before it is counted.

Every row goes through the same action as the web form, inside one transaction; a row that fails
is noted (row and column, in Vietnamese) and the import goes on checking the rest, then
everything is rolled back unless every row passed. Rows are checked in order, so two shipments
from one lot cannot together take more than its stock.
"""

import csv
import io
import logging
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from txng.accounts.models import Organisation
from txng.catalog.models import Facility, Product
from txng.tracing.actions import movements as actions
from txng.tracing.actions import shipments
from txng.tracing.models import ImportJob, ImportState, Lot, StageKind, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Column header → field, per kind; (*) marks required columns.
COLUMNS = {
    "lots": [
        ("Sản phẩm*", "product"),
        ("Số lô*", "code"),
        ("Số lượng*", "quantity"),
        ("Đơn vị", "unit"),
        ("Ngày sản xuất", "production_date"),
        ("Hạn sử dụng", "expiry_date"),
        ("Địa điểm", "facility"),
    ],
    "diary": [
        ("Sản phẩm*", "product"),
        ("Số lô*", "lot"),
        ("Công đoạn*", "stage_kind"),
        ("Thời gian*", "time"),
        ("Người thực hiện", "person"),
        ("Số lượng", "quantity"),
        ("Vật tư", "input_name"),
        ("Liều lượng", "input_dose"),
        ("Lô vật tư", "input_supplier_lot"),
        ("Ghi chú", "notes"),
    ],
    "shipments": [
        ("Sản phẩm*", "product"),
        ("Số lô*", "lot"),
        ("Số lượng*", "quantity"),
        ("Ngày xuất*", "shipped_at"),
        ("Mã số thuế bên nhận", "receiver"),
        ("Tên bên nhận", "receiver_name"),
        ("Địa chỉ bên nhận", "receiver_address"),
        ("Số hóa đơn", "invoice_no"),
        ("Số phiếu xuất kho", "delivery_note_no"),
        ("Mã SSCC", "sscc"),
    ],
}
EXAMPLES = {
    "lots": ["Hạt dẻ Trùng Khánh tươi", "HD-2026-10", "500", "kg", "05/10/2026", "05/04/2027", ""],
    "diary": ["Hạt dẻ Trùng Khánh tươi", "HD-2026-10", "Bón phân", "12/04/2026 07:30",
              "Nông Văn Dũng", "", "Phân chuồng hoai", "10 kg/gốc", "", ""],
    "shipments": ["Hạt dẻ Trùng Khánh tươi", "HD-2026-10", "100", "15/10/2026", "",
                  "Chợ Trùng Khánh", "Trùng Khánh, Cao Bằng", "0001234", "PX-01", ""],
}  # fmt: skip
MAX_ROWS = 20_000
# A sheet's first columns hold the data; anything further right is ignored while reading.
MAX_COLUMNS = 30
# An XLSX is a ZIP: each member and the whole may unpack to at most this much.
MAX_UNZIPPED_MEMBER = 50 * 1024 * 1024
MAX_UNZIPPED_TOTAL = 100 * 1024 * 1024
MAX_MEMBERS = 200

log = logging.getLogger(__name__)


def _too_many_rows():
    return ValidationError({"file": _("Tối đa %d dòng mỗi tệp.") % MAX_ROWS})


def template(kind):
    """An XLSX template with the headers and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append([header for header, _f in COLUMNS[kind]])
    sheet.append(EXAMPLES[kind])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data, name=""):
    """Rows as lists of strings, header first, from XLSX or CSV bytes.

    Raises ValidationError (in Vietnamese) for a file that cannot be read or that goes past the
    limits; reading stops at the first row past MAX_ROWS."""
    rows = _xlsx_rows(data) if data[:2] == b"PK" else _csv_rows(data)
    out = []
    for n, row in enumerate(rows, start=1):
        if n > MAX_ROWS + 1:
            raise _too_many_rows()
        out.append([_cell(v) for v in row[:MAX_COLUMNS]])
    return out


def _check_zip(data):
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError({"file": _("Không đọc được tệp XLSX.")}) from exc
    # zipfile stops reading a member at its declared size, so the declared sizes are a bound.
    sizes = [m.file_size for m in members]
    if (
        len(members) > MAX_MEMBERS
        or max(sizes, default=0) > MAX_UNZIPPED_MEMBER
        or sum(sizes) > MAX_UNZIPPED_TOTAL
    ):
        message = _("Tệp XLSX khi giải nén quá lớn (tối đa %d MB).") % (MAX_UNZIPPED_TOTAL >> 20)
        raise ValidationError({"file": message})


def _xlsx_rows(data):
    _check_zip(data)
    book = None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # The explicit max_col keeps openpyxl from padding each row to the width the file
        # declares (up to 16,384 columns); rows are pulled one at a time by the caller.
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl and the XML parser raise many kinds on a broken file
        raise ValidationError({"file": _("Không đọc được tệp XLSX.")}) from exc
    finally:
        if book is not None:
            book.close()


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("Tệp CSV phải mã hóa UTF-8.")}) from exc
    # Excel in a Vietnamese locale saves CSV with ";"; pick what the header line uses most.
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        yield from csv.reader(io.StringIO(text), delimiter=delimiter)
    except csv.Error as exc:
        raise ValidationError(
            {"file": _("Không đọc được tệp CSV (ô quá dài hoặc sai định dạng): %s") % exc}
        ) from exc


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(text):
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(_("ngày không hợp lệ (dạng 31/12/2026)"))


def _datetime(text):
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=VN)
        except ValueError:
            pass
    raise ValueError(_("thời gian không hợp lệ (dạng 31/12/2026 07:30)"))


def _decimal(text):
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("không phải số")) from None
    if value <= 0:
        raise ValueError(_("phải lớn hơn 0"))
    return value


def _stage(text):
    for value, label in StageKind.choices:
        if text.lower() in (value, str(label).lower()):
            return value
    raise ValueError(_("không có công đoạn này"))


def _unit(text):
    for value, label in Unit.choices:
        if text.lower() in (value, str(label).lower()):
            return value
    raise ValueError(_("đơn vị không hợp lệ"))


class RowError(Exception):
    def __init__(self, column, message):
        self.column, self.message = column, message


class Importer:
    def __init__(self, business, actor, kind):
        self.business, self.actor, self.kind = business, actor, kind
        self.headers = {field: header.rstrip("*") for header, field in COLUMNS[kind]}

    def _values(self, header_row, row):
        index = {h.strip().rstrip("*").lower(): i for i, h in enumerate(header_row)}
        values = {}
        for header, field in COLUMNS[self.kind]:
            i = index.get(header.rstrip("*").lower())
            text = row[i].strip() if i is not None and i < len(row) and row[i] else ""
            if header.endswith("*") and not text:
                raise RowError(header.rstrip("*"), _("bắt buộc, đang để trống"))
            values[field] = text
        return values

    def _convert(self, field, text, parse):
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as exc:
            raise RowError(self.headers[field], str(exc)) from None

    def _product(self, name):
        products = Product.objects.filter(business=self.business, name__iexact=name)
        if not products:
            received = Lot.objects.filter(business=self.business, product__name__iexact=name)
            if received.exists():
                return received.first().product
            raise RowError(self.headers["product"], _("không có sản phẩm “%s”") % name)
        return products[0]

    def _lot(self, values):
        product = self._product(values["product"])
        lot = Lot.objects.filter(business=self.business, product=product, code=values["lot"])
        if not lot:
            raise RowError(self.headers["lot"], _("không có lô “%s”") % values["lot"])
        return lot[0]

    def apply(self, values):
        c = self._convert
        if self.kind == "lots":
            facility = None
            if values["facility"]:
                facility = Facility.objects.filter(
                    business=self.business, name__iexact=values["facility"]
                ).first()
                if facility is None:
                    raise RowError(self.headers["facility"], _("không có địa điểm này"))
            actions.create_lot(
                actor=self.actor,
                product=self._product(values["product"]),
                code=values["code"],
                quantity=c("quantity", values["quantity"], _decimal),
                unit=c("unit", values["unit"], _unit) or "kg",
                production_date=c("production_date", values["production_date"], _date),
                expiry_date=c("expiry_date", values["expiry_date"], _date),
                facility=facility,
            )
        elif self.kind == "diary":
            lot = self._lot(values)
            actions.add_diary_entry(
                lot,
                actor=self.actor,
                stage_kind=c("stage_kind", values["stage_kind"], _stage),
                time=c("time", values["time"], _datetime),
                person=values["person"],
                quantity=c("quantity", values["quantity"], _decimal),
                input_name=values["input_name"],
                input_dose=values["input_dose"],
                input_supplier_lot=values["input_supplier_lot"],
                notes=values["notes"],
            )
        else:
            lot = self._lot(values)
            receiver = None
            if values["receiver"]:
                receiver = Organisation.objects.businesses().filter(tax_code=values["receiver"])
                if not receiver:
                    raise RowError(self.headers["receiver"], _("không có cơ sở với mã số thuế này"))
                receiver = receiver[0]
            shipments.ship(
                lot,
                actor=self.actor,
                quantity=c("quantity", values["quantity"], _decimal),
                shipped_at=c("shipped_at", values["shipped_at"], _datetime),
                receiver=receiver,
                receiver_name=values["receiver_name"],
                receiver_address=values["receiver_address"],
                invoice_no=values["invoice_no"],
                delivery_note_no=values["delivery_note_no"],
                sscc=values["sscc"],
            )

    def run(self, rows, progress=None):
        """Import every row or none. Returns the list of errors (empty when imported)."""
        if not rows:
            return [{"row": 0, "column": "", "message": _("Tệp không có dữ liệu.")}]
        header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r if c)]
        if len(body) > MAX_ROWS:
            return [{"row": 0, "column": "", "message": _("Tối đa %d dòng mỗi tệp.") % MAX_ROWS}]
        errors = []
        try:
            with transaction.atomic():
                for n, row in enumerate(body, start=2):
                    try:
                        with transaction.atomic():
                            self.apply(self._values(header, row))
                    except RowError as exc:
                        errors.append({"row": n, "column": exc.column, "message": exc.message})
                    except ValidationError as exc:
                        for field, messages in _error_items(exc):
                            column = self.headers.get(field, "")
                            for message in messages:
                                errors.append({"row": n, "column": column, "message": message})
                    except PermissionDenied as exc:
                        errors.append({"row": n, "column": "", "message": str(exc)})
                    if progress:
                        progress(n - 1, len(body))
                if errors:
                    raise _Rollback
        except _Rollback:
            pass
        return errors


class _Rollback(Exception):
    pass


def _error_items(exc):
    if hasattr(exc, "error_dict"):
        return [(f, [m for e in errs for m in e.messages]) for f, errs in exc.error_dict.items()]
    return [("", exc.messages)]


def _fail(job, messages):
    job.errors = [{"row": 0, "column": "", "message": str(m)} for m in messages]
    job.state = ImportState.FAILED
    job.save(update_fields=["errors", "state", "done", "total"])


def run_job(job):
    """Run one ImportJob, keeping its progress and errors on the row.

    Whatever goes wrong, the job ends as done or failed, never left running; the stored file of
    a failed import is deleted (it was refused, and may be hostile)."""
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
    try:
        _run(job)
    except ValidationError as exc:
        _fail(job, exc.messages)
    except Exception:
        log.exception("import job %s failed", job.pk)
        _fail(job, [_("Không xử lý được tệp. Hãy kiểm tra tệp theo mẫu rồi thử lại.")])
    if job.state == ImportState.FAILED and job.file:
        job.file.delete(save=True)
    return job


def _run(job):
    with job.file.open("rb") as handle:
        rows = read_rows(handle.read(), job.file.name)

    side = None
    if connection.vendor == "postgresql":
        # The rows go in one transaction; progress goes through a second connection so the
        # status page sees it while the import is still running.
        side = connections.create_connection(DEFAULT_DB_ALIAS)

    def progress(done, total):
        job.done, job.total = done, total
        if side is not None and (done % 50 == 0 or done == total):
            with side.cursor() as cursor:
                cursor.execute(
                    "UPDATE tracing_importjob SET done = %s, total = %s WHERE id = %s",
                    [done, total, job.pk],
                )

    importer = Importer(job.business, job.created_by, job.kind)
    try:
        errors = importer.run(rows, progress)
    finally:
        if side is not None:
            side.close()
    job.errors = errors
    job.state = ImportState.FAILED if errors else ImportState.DONE
    job.save(update_fields=["errors", "state", "done", "total"])
