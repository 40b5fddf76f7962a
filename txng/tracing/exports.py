"""Spreadsheets handed to officials: a recall's holders, to phone them one by one."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from txng.common.formatting import local_minute
from txng.tracing import queries

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(book, title, headers, rows, widths):
    sheet = book.create_sheet(title)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=False):
        sheet.column_dimensions[column].width = width
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)
        # Names, addresses and reasons are typed by businesses: one that starts with "=" would
        # be stored as a formula and run on the official's computer. Text stays text.
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
    return sheet


def recall_workbook(recall, user):
    """XLSX bytes: the recall itself, the lots it holds with their businesses' contacts, and the
    deliveries to receivers outside the system, as far as `user` may see them."""
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("Thu hồi"),
        [_("Mục"), _("Nội dung")],
        [
            [_("Số"), recall.pk],
            [_("Trạng thái"), str(recall.state_label)],
            [_("Lý do thu hồi"), recall.reason],
            [_("Cơ quan, tổ chức thu hồi"), str(recall.organisation)],
            [_("Ngày thu hồi"), local_minute(recall.created_at)],
            [_("Ngày hoàn tất"), local_minute(recall.completed_at)],
            [_("Kết quả thu hồi"), recall.result],
            [_("Ngày chấm dứt"), local_minute(recall.closed_at)],
            [_("Lý do chấm dứt"), recall.close_reason],
        ],
        [28, 80],
    )
    _sheet(
        book,
        _("Nơi giữ hàng"),
        [
            _("Cơ sở"),
            _("Mã số thuế"),
            _("Địa chỉ"),
            _("Điện thoại"),
            _("Thư điện tử"),
            _("Sản phẩm"),
            _("Số lô"),
            _("Tồn kho"),
            _("Đơn vị"),
            _("Trạng thái lô"),
        ],
        (
            [
                lot.business.name,
                lot.business.tax_code,
                lot.business.address,
                lot.business.phone,
                lot.business.email,
                lot.product.name,
                lot.code,
                lot.in_stock,
                lot.get_unit_display(),
                lot.get_status_display(),
            ]
            for lot in queries.recall_holders(recall, user)
        ),
        [32, 14, 40, 14, 24, 30, 14, 10, 8, 14],
    )
    _sheet(
        book,
        _("Giao ra ngoài hệ thống"),
        [
            _("Cơ sở giao"),
            _("Điện thoại cơ sở giao"),
            _("Số lô"),
            _("Bên nhận"),
            _("Địa chỉ bên nhận"),
            _("Số lượng"),
            _("Đơn vị"),
            _("Ngày xuất"),
            _("Số hóa đơn"),
            _("Số phiếu xuất kho"),
        ],
        (
            [
                s.lot.business.name,
                s.lot.business.phone,
                s.lot.code,
                s.receiver_name,
                s.receiver_address,
                s.quantity,
                s.lot.get_unit_display(),
                local_minute(s.shipped_at),
                s.invoice_no,
                s.delivery_note_no,
            ]
            for s in queries.recall_off_platform(recall, user)
        ),
        [32, 14, 14, 30, 40, 10, 8, 16, 14, 14],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
