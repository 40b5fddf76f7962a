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
    if name == "logo":
        return value.rsplit("/", 1)[-1]
    return str(value)


def product_baseline(product):
    """What the public sees of a product now, or None when it was never approved: then the
    version under review is all new and has nothing to be compared with."""
    from txng.catalog.actions import product_data
    from txng.catalog.models import RevisionState

    if not product.revisions.filter(state=RevisionState.APPROVED).exists():
        return None
    return product_data(product)


def compare(before, after, *, all_rows=False):
    """Rows of label, old and new value. `before=None` means a new item: every row is new
    (a draft product's own fields already hold the values under review)."""
    from txng.catalog.actions import ORG_FIELDS, PRODUCT_FIELDS, PROFILE_FIELDS

    is_new = before is None
    before = before or {}

    # JSON columns do not keep key order on PostgreSQL; show fields in form order.
    order = [*PRODUCT_FIELDS, *ORG_FIELDS, *PROFILE_FIELDS]
    names = [n for n in order if n in after] + [n for n in after if n not in order]
    rows = []
    for name in names:
        old, new = _display(name, before.get(name)), _display(name, after.get(name))
        if is_new and not new:
            continue
        if all_rows or is_new or old != new:
            rows.append(
                {
                    "label": LABELS.get(name, name),
                    "old": old,
                    "new": new,
                    "changed": is_new or old != new,
                    "is_new": is_new,
                }
            )
    return rows
