"""The main pages of each role, on the demo data: what scripts/screens.py photographs and what
the 360 px layout test opens. Paths are found from the data, so they survive a reload."""

# Static paths per role; the ones that need an object are added by `pages()`.
STATIC = {
    "anon": ["/", "/search/?q=hat+de", "/tin-tuc/", "/cung-cau/", "/register/"],
    "business": [
        "/manage/",
        "/manage/products/",
        "/manage/products/new/",
        "/manage/facilities/",
        "/manage/documents/",
        "/manage/profile/",
        "/manage/staff/",
        "/manage/notifications/",
        "/lo-hang/",
        "/lo-hang/moi/",
        "/nhan-hang/",
        "/ton-kho/",
        "/che-bien/",
        "/quy-trinh/",
        "/thu-hoi/",
        "/nhap-tu-tep/",
        "/manage/stamps/",
        "/manage/stamps/new/",
        "/manage/stamps/activate/",
        "/manage/stamps/void/",
        "/manage/stamps/scans/",
    ],
    "dost": [
        "/manage/",
        "/manage/dossiers/",
        "/manage/organisations/",
        "/manage/audit/",
        "/manage/revisions/",
        "/manage/stamps/",
        "/manage/stamps/scans/",
        "/manage/stamps/delegations/",
        "/lo-hang/",
        "/thu-hoi/",
        "/yeu-cau-truy-xuat/",
        "/manage/news/",
        "/manage/categories/",
    ],
    "department": ["/manage/", "/manage/dossiers/", "/manage/revisions/", "/lo-hang/"],
    "commune": ["/manage/", "/manage/dossiers/", "/manage/revisions/", "/lo-hang/"],
    "thucphan": ["/manage/", "/lo-hang/", "/nhan-hang/"],
}


def pages():
    """(role, path) for every main page, the object pages taken from the demo data."""
    from txng.accounts.models import Organisation
    from txng.catalog.models import Product, Revision
    from txng.enrolment.models import Dossier
    from txng.stamps.models import PrintOrder, Stamp
    from txng.tracing.models import Lot, Recall

    found = {role: list(paths) for role, paths in STATIC.items()}
    coop = Organisation.objects.filter(users__username="business").first()
    product = Product.objects.published().filter(business=coop).first()
    lot = Lot.objects.filter(business=coop).order_by("pk").first()
    stamp = Stamp.objects.filter(state="activated").first()
    if product:
        found["anon"].append(product.get_absolute_url())
        found["business"].append(f"/manage/products/{product.pk}/")
    if coop:
        found["anon"].append(f"/co-so/{coop.pk}/")
    if lot:
        found["anon"].append(lot.get_absolute_url())
        found["business"] += [f"/lo-hang/{lot.pk}/", f"/lo-hang/{lot.pk}/truy-vet/"]
    if stamp:
        found["anon"].append(f"/q/{stamp.code}")
    if order := PrintOrder.objects.filter(business=coop).first():
        found["business"].append(f"/manage/stamps/{order.pk}/")
        found["dost"].append(f"/manage/stamps/{order.pk}/")
    if rev := Revision.objects.filter(state="pending").first():
        found["dost"].append(f"/manage/revisions/{rev.pk}/")
    if dossier := Dossier.objects.first():
        found["dost"].append(f"/manage/dossiers/{dossier.pk}/")
    if recall := Recall.objects.first():
        found["dost"].append(f"/thu-hoi/{recall.pk}/")
    if coop:
        found["dost"].append(f"/manage/organisations/{coop.pk}/")
    return [(role, path) for role, paths in found.items() for path in paths]
