"""One access rule, walked over every URL pattern (DESIGN.md: every endpoint refuses outsiders).

The URL list comes from the URLconf itself, so a new page is walked the day it is added. Every
object belongs to a business managed by a department and a commune; three outsiders try every
URL by GET and by POST: an anonymous visitor, the owner of another business and an official of a
commune that does not manage it. Each must get the login page, 403, 404 or 405, and whatever
they are shown (their own empty lists, the public pages) never carries the business's private
data, which all holds the word SECRET. Only the pages in PUBLIC may answer anyone, each for a
stated reason.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from txng.accounts.tests.factories import BusinessFactory, UserFactory
from txng.audit.models import AuditEntry
from txng.catalog.models import Category, Document, ProductImage
from txng.catalog.tests.helpers import draft, facility
from txng.enrolment.tests.helpers import make_dossier
from txng.epcis import keys
from txng.feedback.actions import file_case
from txng.feedback.models import Comment
from txng.national.models import Hub
from txng.national.outbox import enqueue
from txng.ocop.models import Application as OcopApplication
from txng.ocop.models import Certificate, ScoreSheet
from txng.public.models import Article, Banner, Post, Section
from txng.reports.actions import open_period
from txng.reports.models import ExportJob
from txng.stamps.models import FakeReport
from txng.stamps.tests.factories import OrderFactory, make_stamps
from txng.tracing import actions as tracing
from txng.tracing.models import ImportJob, ProcessTemplate

pytestmark = pytest.mark.django_db
SECRET = "SECRET"

# URL names anyone may open, and why. Each still must not show the business's private data.
PUBLIC = {
    "public:home": "the portal's front page",
    "public:healthz": "the load balancer's probe; says only ok / not ok",
    "public:privacy": "the personal data notice",
    "public:search": "search over published products",
    "public:recalls": "recalls in force, of published products' lots, without the holders",
    "public:news": "published news",
    "public:news_section": "published news of one section",
    "public:article": "one published article",
    "public:article_short": "one published article (short link)",
    "public:board": "published supply and demand posts",
    "public:sitemap": "published pages for search engines",
    "set_language": "a cookie with the visitor's language",
    "catalog:product": "a published product's page",
    "catalog:product_short": "a published product's page (short link)",
    "catalog:business": "a business's public page",
    "catalog:business_short": "a business's public page (short link)",
    "catalog:document": "an approved document of a published product",
    "stamps:retype": "a consumer types a stamp's code",
    "stamps:location": "a consumer's scan location, to spot counterfeits",
    "stamps:scan": "the consumer scan page /q/<code>",
    "stamps:report": "a consumer reports a suspected fake",
    "feedback:file": "anyone files a complaint or a violation report",
    "feedback:rate": "anyone rates a published product (a draft answers 404)",
    "feedback:comment_photo": "a published comment's photo; others only to their moderators",
    "feedback:track": "a reporter follows a case by its unguessable code (no contact, no answer)",
    "resolver:stamp": "GS1 Digital Link of a stamp: the scan page",
    "resolver:stamp_lot": "GS1 Digital Link of a stamp with its lot: the scan page",
    "resolver:product": "GS1 Digital Link of a product: its public page",
    "resolver:resolve": "GS1 Digital Link resolver: redirects to public pages, or their linkset",
    "resolver_compressed": "a compressed GS1 Digital Link: answered as its uncompressed form",
    "resolver:description": "the GS1 resolver's description file (/.well-known/gs1resolver)",
    "resolver:party": "an event's party URI: the business's public page",
    "resolver:lot": "an event's lot URI: the public trace of that lot",
    "resolver:location": "an event's place URI: the public page of the place's business",
    "tracing:public_lot": "the public trace of a lot by its trace code",
    "enrolment:register": "a business applies to take part",
    "enrolment:status": "an applicant follows a dossier by its unguessable code",
    "enrolment:supplement": "an applicant completes a dossier by its unguessable code",
    "accounts:login": "signing in",
    "accounts:login_code": "the second step of signing in",
    "accounts:logout": "signing out",
    "accounts:activate": "a new account's signed activation link",
    "accounts:activated": "the page after activation",
    "accounts:password_reset": "anyone asks for a reset link; same answer for unknown addresses",
    "accounts:password_reset_done": "the page saying a link was sent, if the address is known",
    "accounts:password_reset_confirm": "a signed reset link; refuses a wrong token",
    "accounts:password_reset_complete": "the page after a reset",
    "admin:login": "signing in to Django's admin (staff only past it)",
    "admin:logout": "signing out of Django's admin",
    "pwa:manifest": "the installable app's manifest (name, icons, colours)",
    "pwa:sw": "the app's service worker script, the same for everyone",
    "pwa:home": "the app's scan screen; its history lives on the phone",
    "pwa:icon": "the app's icon",
    "pwa:check": "state of stamps a phone scanned (what their scan pages show), no scan counted",
    "api:openapi-json": "the public API's description",
    "api:openapi-view": "the public API's documentation",
    "api:api-root": "the public API's root",
    "api:list_products": "published products",
    "api:get_product": "one published product",
    "api:list_businesses": "businesses with published products",
    "api:get_business": "one business's public data",
    "api:list_categories": "the product categories",
    "api:trace_by_code": "the public trace of a lot by its trace code",
    "ocop:verify": "a participation certificate's QR: valid, expired or revoked",
    "epcis:openapi-json": "the EPCIS API's description (every endpoint takes an API key)",
    "epcis:openapi-view": "the EPCIS API's documentation",
    "media-public": "published images and files (DEBUG only)",
    "national:passport": "a published product's digital passport (more for its officials)",
    "national:passport_ld": "a published product's digital passport as JSON-LD",
    "national:passport_lot": "a public lot's digital passport",
    "national:passport_lot_ld": "a public lot's digital passport as JSON-LD",
    "reports:public_stats": "the province's open statistics: counts only, no personal data",
    "reports:public_stats_data": "the same open statistics as CSV/JSON (CC BY 4.0)",
}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, entry


def url_patterns():
    return list(_walk(get_resolver().url_patterns))


@pytest.fixture
def world(business, biz_owner, department, commune, dept_officer, dost_admin):
    """One of every kind of object, all owned by `business` (managed by department, commune)."""
    staff = UserFactory(organisation=business, role="staff", username="biz_staff")
    # An enabled hub, so the lot below queues an outbox row for the national pages.
    hub = Hub.objects.create(code="walk", name="Hub", adapter="file", enabled=True)
    category = Category.objects.create(name="Hạt", slug="hat")  # categories are public
    place = facility(business, name=f"{SECRET} vùng trồng")
    product, revision = draft(biz_owner, name=f"{SECRET} hạt dẻ", gtin="8930000000019")
    image = ProductImage.objects.create(product=product, image="catalog/secret.jpg")
    document = Document.objects.create(
        business=business,
        product=product,
        kind="certificate",
        number=SECRET,
        file=ContentFile(b"%PDF-1.4 secret", name="secret.pdf"),
    )
    lot = tracing.create_lot(actor=biz_owner, product=product, code="LO-01", quantity=100)
    entry = tracing.add_diary_entry(lot, actor=biz_owner, stage_kind="harvest", notes=SECRET)
    shop = BusinessFactory(name="Cửa hàng nhận")
    shop.managers.set([department])
    shop_owner = UserFactory(organisation=shop, role="owner", username="shop_owner")
    shipment = tracing.ship(lot, actor=biz_owner, quantity=5, receiver=shop)
    recall = tracing.recall_lots([lot], actor=dept_officer, reason=f"{SECRET} thu hồi")
    request = tracing.open_tracing_request(
        actor=dept_officer, business=business, subject=f"{SECRET} yêu cầu", reason=SECRET
    )
    template = ProcessTemplate.objects.create(owner=business, name=f"{SECRET} quy trình")
    job = ImportJob.objects.create(
        business=business,
        created_by=biz_owner,
        kind="lots",
        file=ContentFile(b"a,b\n", name="secret.csv"),
    )
    order = OrderFactory(product=product, quantity=3)
    stamp = make_stamps(order)[0]
    report = FakeReport.objects.create(
        code=stamp.code,
        stamp=stamp,
        business=business,
        what=SECRET,
        where_bought="Chợ",
        photo=ContentFile(b"\x89PNG secret", name="secret.png"),
    )
    post = Post.objects.create(
        business=business,
        kind="sell",
        product_name=f"{SECRET} tin",
        quantity="5 tấn",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    section = Section.objects.create(name="Tin", slug="tin")
    article = Article.objects.create(
        section=section,
        title=f"{SECRET} bài",
        body=SECRET,
        author_org=department,
        is_published=False,
    )
    banner = Banner.objects.create(title="Băng rôn", image="public/b.jpg")  # banners are public
    dossier = make_dossier(department, commune, name=f"{SECRET} HTX", tax_code="0100109106")
    ocop_sheet = ScoreSheet.objects.create(group="food", version=1, title="Phiếu", criteria=[])
    ocop_application = OcopApplication.objects.create(
        product=product, business=business, group="food", note=SECRET
    )
    certificate = Certificate.objects.create(
        business=business,
        number="1/2026/GXN",
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate(),
    )
    event = lot.event_rows.first().event
    api_key = keys.create_key(actor=biz_owner, name=f"{SECRET} khóa", scopes=["query"])[0]
    case = file_case(
        kind="complaint",
        description=SECRET,
        business=business,
        product=product,
        reporter_email="secret@example.vn",
        photo=ContentFile(b"\x89PNG secret", name="secret.png"),
    )
    comment = Comment.objects.create(
        product=product,
        stars=1,
        body=SECRET,
        state="pending",
        photo=ContentFile(b"\x89PNG secret", name="secret.png"),
    )
    period = open_period(actor=dost_admin, kind="year", year=2026)
    agency_report = period.reports.get(agency=department)
    export_job = ExportJob.objects.create(
        kind="regulator",
        organisation=department,
        requested_by=dept_officer,
        state="done",
        xlsx=ContentFile(SECRET.encode(), name="secret.xlsx"),
        csv=ContentFile(SECRET.encode(), name="secret.csv"),
    )
    from txng.resolver.models import Delegation

    delegation = Delegation.objects.create(
        prefix="8935", resolver_url="https://id.example.vn", name=f"{SECRET} hệ thống"
    )
    return {
        "delegation": delegation.pk,
        "comment": comment.pk,
        "case": case.pk,
        "case_code": case.code,
        "hub": hub.pk,
        "row": enqueue(hub, "lot", lot.pk, label=f"{SECRET} lô", business_id=business.pk).pk,
        "api_key": api_key.pk,
        "business": business.pk,
        "staff": staff.pk,
        "shop_owner": shop_owner,
        "category": category.pk,
        "facility": place.pk,
        "product": product.pk,
        "revision": revision.pk,
        "image": image.pk,
        "document": document.pk,
        "lot": lot.pk,
        "trace_code": lot.trace_code,
        "entry": entry.pk,
        "event": event.pk,
        "shipment": shipment.pk,
        "recall": recall.pk,
        "request": request.pk,
        "template": template.pk,
        "job": job.pk,
        "order": order.pk,
        "stamp": stamp.code,
        "report": report.pk,
        "post": post.pk,
        "section": section.pk,
        "article": article.pk,
        "banner": banner.pk,
        "dossier": dossier.pk,
        "ocop_sheet": ocop_sheet.pk,
        "ocop_application": ocop_application.pk,
        "certificate": certificate.pk,
        "tracking_code": dossier.tracking_code,
        "gtin": "8930000000019",
        "period": period.pk,
        "agency_report": agency_report.pk,
        "export_job": export_job.pk,
    }


# Which of the world's objects fills each URL's parameters, by URL name.
def kwargs_for(name, pattern, w):
    name = name or ""
    pk = {
        "stamps:order": "order",
        "stamps:download": "order",
        "stamps:decide": "order",
        "stamps:report_photo": "report",
        "accounts:organisation": "business",
        "accounts:set_gln": "business",
        "accounts:change_status": "business",
        "accounts:remove_staff": "staff",
        "accounts:resend_activation": "staff",
        "enrolment:detail": "dossier",
        "enrolment:licence": "dossier",
        "enrolment:review": "dossier",
        "catalog:product": "product",
        "catalog:product_short": "product",
        "catalog:business": "business",
        "catalog:business_short": "business",
        "catalog:document": "document",
        "catalog:my_product": "product",
        "catalog:product_edit": "product",
        "catalog:image_add": "product",
        "catalog:take_down": "product",
        "catalog:feature": "product",
        "catalog:image_remove": "image",
        "catalog:revision": "revision",
        "catalog:my_revision": "revision",
        "catalog:submit": "revision",
        "catalog:review": "revision",
        "catalog:take_down_business": "business",
        "catalog:business_content": "business",
        "catalog:document_remove": "document",
        "catalog:facility_edit": "facility",
        "resolver:location": "facility",
        "resolver:delegation_edit": "delegation",
        "resolver:delegation_delete": "delegation",
        "catalog:category_edit": "category",
        "tracing:lot": "lot",
        "tracing:diary_add": "lot",
        "tracing:lot_epcis": "lot",
        "tracing:ship": "lot",
        "tracing:trace": "lot",
        "tracing:recall_new": "lot",
        "tracing:movement": "lot",
        "tracing:diary_correct": "entry",
        "tracing:declare_error": "event",
        "tracing:confirm": "shipment",
        "tracing:return": "shipment",
        "tracing:recall": "recall",
        "tracing:recall_export": "recall",
        "tracing:request": "request",
        "tracing:import_job": "job",
        "public:article": "article",
        "public:article_short": "article",
        "public:post_edit": "post",
        "public:moderate_post": "post",
        "public:article_edit": "article",
        "public:section_edit": "section",
        "public:banner_edit": "banner",
        "public:banner_delete": "banner",
        "feedback:case": "case",
        "feedback:act": "case",
        "feedback:case_photo": "case",
        "feedback:rate": "product",
        "feedback:comment_photo": "comment",
        "feedback:comment_act": "comment",
        "ocop:application": "ocop_application",
        "ocop:score": "ocop_application",
        "ocop:decide": "ocop_application",
        "ocop:sheet": "ocop_sheet",
        "ocop:sheet_edit": "ocop_sheet",
        "ocop:certificate_revoke": "certificate",
        "ocop:certificate_pdf": "certificate",
        "national:hub_edit": "hub",
        "national:hub_toggle": "hub",
        "national:row": "row",
        "national:passport": "product",
        "national:passport_ld": "product",
        "apikeys:rotate": "api_key",
        "apikeys:revoke": "api_key",
        "reports:period": "period",
        "reports:aggregate": "period",
        "reports:report": "agency_report",
        "reports:decide": "agency_report",
        "reports:export": "export_job",
        "reports:export_file": "export_job",
        "reports:export_new": "recall",
    }.get(name)
    values = {
        "pk": w[pk] if pk else 1 if name.startswith("admin:") else None,
        "action": "accept" if name == "reports:decide" else "approve",
        "source": "recall",
        "fmt": "json" if name == "reports:public_stats_data" else "xlsx",
        "kind": "pdf" if name == "stamps:download" else "lots" if "import" in name else "destroy",
        "slug": "x",
        "section": "tin",
        "code": w["tracking_code"] if name.startswith("enrolment:") else w["trace_code"],
        "business_pk": w["business"],
        "category": w["category"],
        "product_id": w["product"],
        "business_id": w["business"],
        "uidb64": "MQ",
        "token": "set-password",
        "gtin": w["gtin"],
        "serial": "1",
        "lot": "LO-01",
        "dl": f"01/{w['gtin']}/10/LO-01",
        "ref": "0000000000",
        "sscc": "089300000000000019",
        "record_type": "lot",
        "record_id": w["lot"],
        # Django's admin and static files: any value; they refuse before looking it up.
        "object_id": "1",
        "content_type_id": "1",
        "app_label": "tracing",
        "url": "x/",
        "path": "x.jpg",
        # EPCIS resources: any value; without an API key they answer 401 before looking.
        "capture_id": "x",
        "event_id": "x",
        "value": "x",
        "epc": "x",
        "name": "x",
        "size": 192,
        "subscription_id": "x",
    }
    if name == "stamps:scan":
        values["code"] = w["stamp"]
    if name == "feedback:track":
        values["code"] = w["case_code"]
    if name == "resolver_compressed":
        values["dl"] = "AQnYUc1gmiCNV4JG"  # (01)05412345000013(10)ABC123
    params = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
    missing = [p for p in params if values.get(p) is None]
    assert not missing, f"{name}: no object for {missing}; add it to kwargs_for"
    return {p: values[p] for p in params}


def _url(name, pattern, w):
    kwargs = kwargs_for(name, pattern, w)
    if name is None or name.endswith(":None"):
        # Unnamed patterns (the admin's catch-alls, media): build from the pattern itself.
        route = str(pattern.pattern)
        for key, value in kwargs.items():
            route = route.replace(f"<path:{key}>", str(value)).replace(f"<int:{key}>", "1")
        return "/" + route.lstrip("^").rstrip("$").replace("(?P<url>.*)", "x/")
    return reverse(name, kwargs=kwargs)


def _refused(response):
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "login" in response.headers.get("Location", "")


def _reachable_by_an_insider(client, url, insiders):
    """The walk's refusals mean something only if the URL names a real object: someone with a
    right to it (owner, managing official, DOST) does not get 404."""
    for user in insiders:
        client.force_login(user)
        for method in ("get", "post"):
            if getattr(client, method)(url).status_code not in (404, 405):
                return True
    return False


def test_every_url_refuses_outsiders_and_never_shows_them_private_data(
    client, world, other_biz, other_commune_officer, biz_owner, dept_officer, dost_admin
):
    outsiders = {
        "anonymous": None,
        "other business": other_biz,
        "other authority": other_commune_officer,
    }
    before = AuditEntry.objects.count()
    leaks, unreachable = [], []
    insiders = [biz_owner, dept_officer, dost_admin, world["shop_owner"]]
    patterns = url_patterns()
    assert len(patterns) > 100
    for name, pattern in patterns:
        label = name or (
            "media-public" if "media" in str(pattern.pattern) else str(pattern.pattern)
        )
        if label.startswith("admin:") or "django-admin" in str(pattern.pattern):
            label = label or "admin"
        url = _url(name, pattern, world)
        takes_object = any(
            p in ("pk", "business_pk", "category") for p in kwargs_for(name, pattern, world)
        )
        if takes_object and label not in PUBLIC and not label.startswith("admin"):
            before_insider = AuditEntry.objects.count()
            with transaction.atomic():
                if not _reachable_by_an_insider(client, url, insiders):
                    unreachable.append(f"{url} ({label})")
                transaction.set_rollback(True)  # what the insiders did is undone
            assert AuditEntry.objects.count() == before_insider
        for who, user in outsiders.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                body = b"".join(response) if response.streaming else response.content
                what = f"{method.upper()} {url} ({label}) as {who}: {response.status_code}"
                if response.status_code >= 500:
                    leaks.append(what)
                elif SECRET.encode() in body:
                    leaks.append(what + " shows private data")
                elif label in PUBLIC:
                    continue
                elif (who == "anonymous" or takes_object) and not _refused(response):
                    leaks.append(what)
    assert unreachable == [], "no real object, fix kwargs_for: " + " ".join(unreachable)
    assert leaks == [], "\n".join(leaks)
    assert AuditEntry.objects.count() == before, "an outsider changed something"


def test_the_walk_covers_every_named_url():
    """No hand-kept list of pages: every name the URLconf has is walked above."""
    names = {name for name, _ in url_patterns() if name}
    assert {"tracing:lot", "stamps:order", "public:post_edit", "audit:log"} <= names
    assert len(names) > 120
