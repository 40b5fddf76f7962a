"""Side-by-side comparison of two versions of a product or profile, with readable values."""

from django.utils.translation import gettext_lazy as _

from txng.catalog.models import BusinessProfile, Category, Facility, Product

LABELS = {
    **{f.name: f.verbose_name for f in Product._meta.fields},
    **{f.name: f.verbose_name for f in BusinessProfile._meta.fields},
    "short_name": _("tên viết tắt"),
    "address": _("địa chỉ"),
    "phone": _("điện thoại"),
    "email": _("thư điện tử"),
    "representative": _("người đại diện"),
}


def _display(name, value):
    if value in (None, ""):
        return ""
    if name == "category":
        return str(Category.objects.filter(pk=value).first() or value)
    if name == "facility":
        return str(Facility.objects.filter(pk=value).first() or value)
    if name == "ocop_stars":
        return f"{value}★"
    if name == "logo":
        return value.rsplit("/", 1)[-1]
    return str(value)


def compare(before, after, *, all_rows=False):
    from txng.catalog.actions import ORG_FIELDS, PRODUCT_FIELDS, PROFILE_FIELDS

    # JSON columns do not keep key order on PostgreSQL; show fields in form order.
    order = [*PRODUCT_FIELDS, *ORG_FIELDS, *PROFILE_FIELDS]
    names = [n for n in order if n in after] + [n for n in after if n not in order]
    rows = []
    for name in names:
        old, new = _display(name, before.get(name)), _display(name, after.get(name))
        if all_rows or old != new:
            rows.append(
                {"label": LABELS.get(name, name), "old": old, "new": new, "changed": old != new}
            )
    return rows
