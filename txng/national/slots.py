"""What national adds to lower apps' pages, through txng.common.slots: the passport link on the
product and scan pages, the sync state on the workspace's product and lot pages, and the links
in the workspace's side navigation."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from txng.national.models import OutboxRow, RecordType


def nav(request, **context):
    user = request.user
    if user.is_dost:
        return format_html(
            '<span class="navhead">{}</span><a href="{}">{}</a><a href="{}">{}</a>',
            _("Kết nối quốc gia"),
            reverse("national:hubs"),
            _("Hệ thống quốc gia"),
            reverse("national:sector_upload"),
            _("Dữ liệu từ sở, ngành"),
        )
    if user.is_authority:
        return format_html(
            '<a href="{}">{}</a>', reverse("national:sector_upload"), _("Gửi dữ liệu ngành")
        )
    if user.is_business:
        return format_html('<a href="{}">{}</a>', reverse("national:rows"), _("Đồng bộ quốc gia"))
    return None


def _passport_link(url):
    return format_html(
        '<p class="passport-link"><a href="{}">{}</a></p>', url, _("Hộ chiếu số sản phẩm")
    )


def product_summary(request, product=None, **context):
    # The product page shows only published products; no query here.
    if product is None or not product.pk:
        return None
    return _passport_link(reverse("national:passport", args=[product.pk]))


def scan(request, product=None, lot=None, product_public=False, **context):
    """No query: the scan page is benchmarked. A public lot has its own passport."""
    if not product_public or product is None:
        return None
    if lot is not None and lot.trace_code:
        return _passport_link(reverse("national:passport_lot", args=[lot.trace_code]))
    return _passport_link(reverse("national:passport", args=[product.pk]))


def _sync_state(request, record_type, record_id):
    user = request.user
    rows = OutboxRow.objects.filter(record_type=record_type, record_id=record_id)
    if not user.is_dost:
        rows = rows.filter(business_id=user.organisation_id)
    if not rows.exists():
        return None
    return format_html(
        '<p><a href="{}">{}</a></p>',
        reverse("national:record", args=[record_type, record_id]),
        _("Trạng thái đồng bộ với hệ thống quốc gia"),
    )


def product_side(request, product=None, **context):
    return _sync_state(request, RecordType.PRODUCT, product.pk) if product else None


def lot_side(request, lot=None, **context):
    return _sync_state(request, RecordType.LOT, lot.pk) if lot else None


def register():
    from txng.common import slots

    slots.add("workspace.nav", nav, position=80)
    slots.add("product_page.summary", product_summary, position=80)
    slots.add("scan_page.main", scan, position=80)
    slots.add("product_detail.side", product_side, position=80)
    slots.add("lot_detail.side", lot_side, position=80)
