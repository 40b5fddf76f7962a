"""The ten basic data items of a traced product (Circular 02/2024/TT-BKHCN, Art. 5).

A product record carries six of them (name, image, producer, brand, shelf life, standards); the
stages with their trace codes, the production time and the trace code belong to a lot, so a page
that knows no lot can never have all ten. A GTIN is not one of the items: non-GS1 codes are
allowed.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy as pgettext


def _producer(product):
    business = product.business
    facility = product.facility
    address = (facility.address if facility and facility.address else "") or business.address
    return f"{business.name} — {address}" if address else ""


def product_items(product, lot=None):
    """[(label, value or "")] of the items the product record itself carries."""
    shelf_life = product.shelf_life or (lot.expiry_date if lot is not None else "")
    return [
        (_("Tên sản phẩm"), product.name),
        (_("Hình ảnh sản phẩm"), product.main_image_url or ""),
        (_("Tên, địa chỉ cơ sở sản xuất"), _producer(product)),
        (_("Nhãn hiệu"), product.brand),
        # A length of time here ("12 tháng"); on a lot it is a date: the same words in
        # Vietnamese, two in English.
        (pgettext("shelf life", "Hạn sử dụng"), shelf_life),
        (_("Tiêu chuẩn áp dụng"), product.standards),
    ]


def lot_items(lot, steps):
    """[(label, value or "")] of the items a lot carries; `steps` is its public timeline."""
    coded = bool(steps) and all(s.trace_code for s in steps)
    placed = bool(steps) and all(s.place_code and s.time for s in steps)
    return [
        (_("Các công đoạn, mã truy vết sản phẩm của từng công đoạn"), len(steps) if coded else ""),
        (_("Mã truy vết địa điểm và thời gian của từng công đoạn"), len(steps) if placed else ""),
        (_("Thời gian sản xuất"), lot.production_date or ""),
        (_("Mã truy vết"), lot.trace_code),
    ]


def basic_items(product, lot=None, steps=None):
    """[(label, value, present)]: all ten items when a lot is known, else the product's six."""
    items = product_items(product, lot)
    if lot is not None:
        items += lot_items(lot, steps or [])
    return [(label, value, bool(value)) for label, value in items]


def missing_items(product, lot=None, steps=None):
    return [label for label, _value, present in basic_items(product, lot, steps) if not present]


def count_items(product, lot=None, steps=None):
    """How many of the ten items a page shows (a count for the pages and their tests)."""
    return sum(1 for _label, _value, present in basic_items(product, lot, steps) if present)
