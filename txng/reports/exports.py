"""Spreadsheets handed to a regulator (one row per event of a chain, every key data element:
what, where, when, who, from/to, documents) and a business's own records for a period.

The rows are those the requester may see (tracing.queries.visible_lot_ids); the files are
written by a task (tasks.make_export) that records its progress on the ExportJob row."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from txng.tracing import queries
from txng.tracing.codes import location_code
from txng.tracing.models import EventLot, Lot, Recall, Shipment, TracingRequest

PROGRESS_EVERY = 200


def headers():
    return [
        _("Thời điểm sự kiện"),
        _("Sự kiện"),
        _("Loại sự kiện (EPCIS)"),
        _("Bước nghiệp vụ"),
        _("Sản phẩm"),
        _("GTIN"),
        _("Số lô"),
        _("Mã truy vết sản phẩm"),
        _("Vai trò của lô"),
        _("Số lượng"),
        _("Đơn vị"),
        _("Cơ sở"),
        _("Mã số thuế"),
        _("Địa điểm"),
        _("Mã truy vết địa điểm"),
        _("Địa chỉ"),
        _("Bên giao"),
        _("Bên nhận"),
        _("Số hóa đơn"),
        _("Số phiếu xuất kho"),
        _("SSCC"),
        _("Mã sự kiện"),
    ]


WIDTHS = [17, 28, 18, 22, 28, 15, 14, 26, 12, 11, 8, 30, 13, 28, 20, 36, 28, 28, 14, 14, 20, 40]


@dataclass(frozen=True)
class Source:
    """What a regulator's export can start from: its model (read through `restrict`, so only
    those who see the object can export from it), the lots it names, and how the export page
    names it. Feedback's "case" is registered by ReportsConfig.ready (see sources.py)."""

    model: type
    lots: Callable  # obj -> Lot queryset
    label: Callable  # obj -> str
    url_name: str = ""  # the object's page, reversed with its pk


SOURCES = {}


def register_source(name, source):
    SOURCES[name] = source


def _request_lots(request):
    if request.lot_id:
        return Lot.objects.filter(pk=request.lot_id)
    return Lot.objects.filter(business=request.business_id)


register_source(
    "recall",
    Source(
        Recall,
        lambda recall: Lot.objects.filter(recall_rows__recall=recall),
        lambda recall: _("Thu hồi số %(n)s: %(r)s") % {"n": recall.pk, "r": recall.reason[:80]},
        "tracing:recall",
    ),
)
register_source(
    "request",
    Source(
        TracingRequest,
        _request_lots,
        lambda req: _("Yêu cầu truy xuất số %(n)s: %(s)s") % {"n": req.pk, "s": req.subject},
        "tracing:request",
    ),
)


def source_object(job):
    source = SOURCES.get(job.source)
    if source is None:
        return None, None
    return source, source.model.objects.filter(pk=job.source_id).first()


def source_lots(job):
    """The lots an export starts from: its source's lots, or the business's own."""
    source, obj = source_object(job)
    if source is not None:
        return source.lots(obj) if obj is not None else Lot.objects.none()
    return Lot.objects.filter(business=job.organisation_id)


def chain_lot_ids(job, user):
    """Every lot of the chain through the source lots, as far as `user` may see it."""
    roots = list(source_lots(job).values_list("pk", flat=True))
    if job.kind == "business":
        return set(roots)
    result = queries.trace(roots, direction="both")
    found = set(result.back) | set(result.forward) | set(roots)
    return queries.visible_lot_ids(user, found)


def event_rows(job, user):
    """(count, iterator of rows): one row per event and lot, filtered by the job's params
    (product, lot, business, date_from, date_to), ordered by event time."""
    params = job.params or {}
    lots = Lot.objects.filter(pk__in=chain_lot_ids(job, user))
    if params.get("product"):
        lots = lots.filter(product__name__icontains=params["product"])
    if params.get("lot"):
        lots = lots.filter(code__icontains=params["lot"])
    if params.get("business"):
        business = params["business"]
        lots = lots.filter(Q(business__name__icontains=business) | Q(business__tax_code=business))
    rows = EventLot.objects.filter(lot__in=lots, event__declares_error_on__isnull=True)
    if job.kind == "business":
        # Its own books: what it recorded, not its customers' receipts of its lots.
        rows = rows.filter(event__business=job.organisation_id)
    tz = timezone.get_current_timezone()
    if params.get("date_from"):
        start = datetime.combine(_date(params["date_from"]), time.min, tz)
        rows = rows.filter(event__event_time__gte=start)
    if params.get("date_to"):
        end = datetime.combine(_date(params["date_to"]), time.max, tz)
        rows = rows.filter(event__event_time__lte=end)
    rows = rows.select_related(
        "event__facility", "event__business", "lot__product", "lot__business"
    ).order_by("event__event_time", "event_id", "lot_id")
    return rows.count(), _rows(rows)


def _date(value):
    return datetime.strptime(value, "%Y-%m-%d").date()


def _rows(event_lots):
    shipped, received = {}, {}
    for chunk in _chunks(event_lots.iterator(chunk_size=500), 500):
        ids = {row.event_id for row in chunk}
        for s in Shipment.objects.filter(
            Q(ship_event__in=ids) | Q(receive_event__in=ids)
        ).select_related("lot__business", "receiver"):
            shipped[s.ship_event_id] = s
            if s.receive_event_id:
                received[s.receive_event_id] = s
        for row in chunk:
            yield _row(row, shipped.get(row.event_id) or received.get(row.event_id))


def _chunks(iterator, size):
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _row(event_lot, shipment):
    event, lot = event_lot.event, event_lot.lot
    business = event.business or lot.business
    facility = event.facility
    sender = receiver = ""
    invoice = note = sscc = ""
    if shipment is not None:
        sender = shipment.lot.business.name
        receiver = shipment.receiver.name if shipment.receiver_id else shipment.receiver_name
        invoice, note, sscc = shipment.invoice_no, shipment.delivery_note_no, shipment.sscc
    elif lot.supplier_name and event_lot.role != "output":
        sender = lot.supplier_name
    address = (facility.address if facility else "") or business.address
    return [
        timezone.localtime(event.event_time).strftime("%Y-%m-%d %H:%M"),
        event.title,
        event.type,
        event.biz_step.rsplit("/", 1)[-1].rsplit(":", 1)[-1],
        lot.product.name if lot.product_id else "",
        lot.product.gtin if lot.product_id else "",
        lot.code,
        lot.trace_code,
        event_lot.get_role_display(),
        float(event_lot.quantity) if event_lot.quantity is not None else None,
        lot.get_unit_display(),
        business.name,
        business.tax_code,
        facility.name if facility else "",
        location_code(facility, business),
        address,
        sender,
        receiver,
        invoice,
        note,
        sscc,
        event.event_id,
    ]


def _text_safe(value):
    # Typed by businesses: a name starting with "=" would be a formula on the official's
    # computer. Text stays text (as in tracing.exports), in the XLSX and in the CSV.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_files(rows, on_progress=None):
    """(xlsx bytes, csv bytes) of the rows, with a header, frozen first row and filters."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Sự kiện truy xuất")
    head = headers()
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(head)
    n = 0
    for row in rows:
        safe = [_text_safe(v) for v in row]
        sheet.append(safe)
        writer.writerow(safe)
        n += 1
        if on_progress and n % PROGRESS_EVERY == 0:
            on_progress(n)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(n + 1, 1)}"
    out = io.BytesIO()
    book.save(out)
    # A BOM so that Excel opens the Vietnamese text as UTF-8.
    return out.getvalue(), ("\ufeff" + text.getvalue()).encode("utf-8"), n


def source_label(job):
    source, obj = source_object(job)
    if source is not None:
        return source.label(obj) if obj is not None else ""
    return _("Sổ ghi chép của cơ sở")
