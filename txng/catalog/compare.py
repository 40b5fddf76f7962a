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
    rows = []
    for name in after:
        old, new = _display(name, before.get(name)), _display(name, after.get(name))
        if all_rows or old != new:
            rows.append(
                {"label": LABELS.get(name, name), "old": old, "new": new, "changed": old != new}
            )
    return rows
