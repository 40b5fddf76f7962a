"""Demo OCOP data: example sheets (marked as examples), results that are valid, expiring soon
and expired, one dossier waiting for the commune's scoring, and participation certificates that
are valid, expired and revoked. Safe to run again."""

from datetime import timedelta

from django.utils import timezone

from txng.accounts.models import User
from txng.catalog.demo_data import PRODUCTS
from txng.catalog.models import PublicState
from txng.ocop import actions, scoring
from txng.ocop.demo_sheet import EXAMPLE_CRITERIA, EXAMPLE_SOURCE, EXAMPLE_TITLE
from txng.ocop.models import (
    Application,
    AppState,
    Certificate,
    ProductGroup,
    Result,
    Round,
    ScoreSheet,
    Scoring,
    Stage,
    add_months,
)

GROUP_BY_CATEGORY = {"tra": "drink", "ruou": "drink", "thu-cong": "craft"}
POINTS = {3: 62.5, 4: 76.33, 5: 91}


def _sheets(dost_user):
    for group in ProductGroup.values:
        if not ScoreSheet.objects.filter(group=group).exists():
            sheet = actions.save_sheet(
                actor=dost_user,
                group=group,
                title=EXAMPLE_TITLE,
                source=EXAMPLE_SOURCE,
                criteria=EXAMPLE_CRITERIA,
                is_example=True,
            )
            actions.publish_sheet(sheet, actor=dost_user)


def _results(ctx, dost_user, members):
    today = timezone.localdate()
    rnd, _ = Round.objects.get_or_create(name="Đợt chấm demo", year=today.year - 1)
    rnd.members.set(members)
    # Most results recognised a year ago; a few near the end of their 36 months, one past it.
    ages = {
        "Hạt dẻ Trùng Khánh sấy giòn": 36 * 30 - 60 + 5,  # expires in about 2 months
        "Trà shan tuyết túi lọc Non Nước": 36 * 30 - 20 + 5,  # expires in about 3 weeks
        "Lạp sườn hun khói Non Nước": 38 * 30,  # expired
    }
    for _i, name, cat, *_rest in PRODUCTS:
        stars = _rest[5]
        product = ctx["products"].get(name)
        if not stars or product is None or product.state != PublicState.PUBLISHED:
            continue
        if Result.objects.filter(product=product).exists():
            continue
        sheet = ScoreSheet.objects.current(GROUP_BY_CATEGORY.get(cat, "food"))
        app = Application.objects.create(
            product=product,
            business=product.business,
            group=sheet.group,
            sheet=sheet,
            round=rnd,
            state=AppState.RECOGNISED,
        )
        points = POINTS[stars]
        for member in members:
            Scoring.objects.create(
                application=app, stage=Stage.COUNCIL, scorer=member, sheet=sheet,
                answers={}, part_a=points * 0.4, part_b=points * 0.25, part_c=points * 0.35,
                total=points,
            )  # fmt: skip
        decided = today - timedelta(days=ages.get(name, 365))
        Result.objects.create(
            application=app,
            product=product,
            points=points,
            stars=scoring.stars_for(points),
            decision_number=f"{100 + app.pk}/QĐ-UBND",
            recognised_on=decided,
            decided_by=f"UBND tỉnh {ctx['province'].name}",
            valid_until=add_months(decided, scoring.VALIDITY_MONTHS) - timedelta(days=1),
        )


def _pending(ctx, commune_user):
    """A dossier the demo commune ("commune" login) can pre-check and score."""
    product = ctx["products"].get("Bột hạt dẻ Trùng Khánh")
    if product is None or Application.objects.filter(product=product).exists():
        return None
    owner = User.objects.filter(organisation=product.business, role="owner").first()
    docs = product.business.documents.all()[:2]
    return actions.apply(product, actor=owner, group="food", evidence=docs,
                         note="Sản phẩm mới, đề nghị xã sơ loại.")  # fmt: skip


def _certificates(ctx):
    today = timezone.localdate()
    businesses = ctx["businesses"]
    specs = [
        (businesses[0], today - timedelta(days=120), None),
        (businesses[1], today - timedelta(days=800), None),  # 24 months: expired
        (
            businesses[2],
            today - timedelta(days=200),
            "Cơ sở không cập nhật nhật ký sản xuất 6 tháng.",
        ),
    ]
    made = []
    for n, (biz, issued, revoked) in enumerate(specs, start=1):
        number = f"{n:04d}/{issued.year}/GXN-TXNG"
        cert, created = Certificate.objects.get_or_create(
            number=number,
            defaults={
                "business": biz,
                "issued_on": issued,
                "valid_until": add_months(issued, 24) - timedelta(days=1),
                "signer": "Nguyễn Minh Quân",
                "revoked_at": timezone.now() - timedelta(days=10) if revoked else None,
                "revoked_reason": revoked or "",
            },
        )
        if created:
            cert.products.set(biz.products.filter(state=PublicState.PUBLISHED)[:3])
        made.append(cert)
    return made


def load(ctx):
    dost_user = User.objects.filter(organisation=ctx["dost"], role="head").first()
    members = [
        dost_user,
        *User.objects.filter(organisation__in=ctx["departments"][:2], role="head"),
    ]
    commune_user = User.objects.filter(username="commune").first()
    _sheets(dost_user)
    _results(ctx, dost_user, members)
    pending = _pending(ctx, commune_user)
    certs = _certificates(ctx)
    ctx.setdefault("logins", [])
    ctx.setdefault("try_urls", []).extend(
        [
            ("OCOP (xã chấm điểm, đăng nhập “commune”)", "/manage/ocop/"),
            ("Giấy xác nhận còn hiệu lực", certs[0].get_absolute_url()),
            ("Giấy xác nhận đã hết hiệu lực", certs[1].get_absolute_url()),
            ("Giấy xác nhận đã bị thu hồi", certs[2].get_absolute_url()),
        ]
    )
    if pending:
        ctx["try_urls"].append(("Hồ sơ OCOP chờ xã chấm", f"/manage/ocop/{pending.pk}/score/"))
