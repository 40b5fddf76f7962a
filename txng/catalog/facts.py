"""The basic data items of Circular 02/2024/TT-BKHCN that a product record itself can carry.

Stage, production time and trace code belong to a lot and a stamp; the scan page adds those.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy as pgettext


def basic_items(product):
    """[(label, value or "", present)] in the Circular's order, for the facts partial."""
    business = product.business
    facility = product.facility
    address = (facility.address if facility and facility.address else "") or business.address
    producer = f"{business.name}" + (f" — {address}" if address else "")
    items = [
        (_("Tên sản phẩm"), product.name),
        (_("Hình ảnh sản phẩm"), product.main_image_url or ""),
        (_("Tên, địa chỉ cơ sở sản xuất"), producer if address else ""),
        (_("Nhãn hiệu"), product.brand),
        (_("Mã số mã vạch (GTIN)"), product.gtin),
        (_("Tiêu chuẩn áp dụng"), product.standards),
        # A length of time here ("12 tháng"); on a lot it is a date: the same words in
        # Vietnamese, two in English.
        (pgettext("shelf life", "Hạn sử dụng"), product.shelf_life),
    ]
    return [(label, value, bool(value)) for label, value in items]


def missing_items(product):
    return [label for label, _value, present in basic_items(product) if not present]
