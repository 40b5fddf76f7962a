"""Every OCOP write: one transaction, a permission check, one audit row, notices on commit.

Flow (Decision 148 as amended by 1489/QĐ-TTg, 2025; Cao Bằng Art. 7.3): the business applies;
the commune that manages it pre-checks, scores it on the sheet and proposes it (or returns it);
each member of the provincial council's round fills a sheet; DOST records the decision on the
members' average: 3★ and 4★ by the province, 5★ only with the ministry's result."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind, OrgKind
from txng.accounts.permissions import can_manage_business, is_dost, is_member, require
from txng.audit.actions import record
from txng.catalog.models import Document, Product
from txng.common.locking import lock_for_transition
from txng.ocop import scoring
from txng.ocop.audit_actions import AuditAction
from txng.ocop.models import (
    Application,
    AppState,
    Result,
    Round,
    ScoreSheet,
    Scoring,
    SheetState,
    Stage,
    add_months,
)

MINISTRY = "Bộ Nông nghiệp và Môi trường"
REMIND_DAYS = (90, 30)


def _require_reason(reason):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Cần nêu lý do.")})


# Score sheets ------------------------------------------------------------------------------


@transaction.atomic
def save_sheet(*, actor, group, title, criteria, subgroup="", source="", is_example=False):
    """DOST drafts a new version of a group's sheet (checked now, published separately)."""
    require(is_dost(actor))
    scoring.check_sheet(criteria)
    last = ScoreSheet.objects.filter(group=group).order_by("-version").first()
    sheet = ScoreSheet.objects.create(
        group=group,
        subgroup=subgroup,
        title=title,
        source=source,
        is_example=is_example,
        criteria=criteria,
        version=(last.version + 1) if last else 1,
    )
    record(actor, AuditAction.SAVE_SHEET, sheet, changes={"version": [None, sheet.version]})
    return sheet


@transaction.atomic
def draft_from(sheet, *, actor, criteria):
    """DOST's page edit of a sheet: a new draft version of the same group carrying the edited
    criteria. The version edited is never changed in place, so the scorings that pinned it keep
    scoring against what they used."""
    require(is_dost(actor))
    scoring.check_sheet(criteria)
    last = ScoreSheet.objects.select_for_update().filter(group=sheet.group).order_by("-version")
    draft = ScoreSheet.objects.create(
        group=sheet.group,
        subgroup=sheet.subgroup,
        title=sheet.title,
        source=sheet.source,
        is_example=sheet.is_example,
        criteria=criteria,
        version=last.first().version + 1,
    )
    record(
        actor,
        AuditAction.SAVE_SHEET,
        draft,
        changes={"version": [None, draft.version], "based_on": [None, sheet.version]},
    )
    return draft


@transaction.atomic
def publish_sheet(sheet, *, actor):
    require(is_dost(actor))
    lock_for_transition(sheet, (SheetState.DRAFT,))
    scoring.check_sheet(sheet.criteria)
    sheet.state = SheetState.PUBLISHED
    sheet.published_at = timezone.now()
    sheet.save(update_fields=["state", "published_at"])
    record(actor, AuditAction.PUBLISH_SHEET, sheet, changes={"state": ["draft", "published"]})
    return sheet


# Applications and scoring ------------------------------------------------------------------


@transaction.atomic
def apply(product, *, actor, group, evidence=(), note=""):
    """The business asks for its product to be rated, citing documents from its catalog."""
    require(is_member(actor, product.business) and actor.is_business)
    open_states = (AppState.SUBMITTED, AppState.PROPOSED, AppState.SCORED)
    if product.ocop_applications.filter(state__in=open_states).exists():
        raise ValidationError({"product": _("Sản phẩm này đã có hồ sơ OCOP đang xét.")})
    evidence = list(evidence)
    if any(d.business_id != product.business_id for d in evidence):
        raise ValidationError({"evidence": _("Minh chứng phải là tài liệu của chính cơ sở.")})
    app = Application.objects.create(
        product=product, business=product.business, group=group, note=note
    )
    app.evidence.set(evidence)
    record(actor, AuditAction.APPLY, app, changes={"product": [None, product.pk]})
    for commune in product.business.managers.filter(kind=OrgKind.COMMUNE):
        notify(
            commune,
            _("Hồ sơ OCOP mới chờ sơ loại: %(p)s") % {"p": product.name},
            reverse("ocop:application", args=[app.pk]),
            kind=NotificationKind.GENERAL,
        )
    return app


def may_score_as_commune(user, application):
    """Cao Bằng Art. 7.3: a commune scores the businesses it manages, and only those."""
    return (
        user.is_authenticated
        and user.is_authority
        and user.organisation.kind == OrgKind.COMMUNE
        and can_manage_business(user, application.business)
    )


def may_score_in_council(user, application):
    return (
        user.is_authenticated
        and user.is_authority
        and application.round_id is not None
        and application.round.members.filter(pk=user.pk).exists()
    )


def _pin_sheet(app):
    if app.sheet_id is None:
        sheet = ScoreSheet.objects.current(app.group)
        if sheet is None:
            raise ValidationError(_("Chưa có phiếu chấm đã ban hành cho nhóm sản phẩm này."))
        app.sheet = sheet
        app.save(update_fields=["sheet", "updated_at"])
    return app.sheet


def _parse_answers(sheet, raw):
    """{"3": "1"} from a form or a test -> {3: 1}; anything else refused, naming the criterion."""
    answers = {}
    for key, value in raw.items():
        try:
            i, j = int(key), int(value)
        except (TypeError, ValueError):
            raise ValidationError({"answers": _("Câu trả lời không hợp lệ.")}) from None
        if not (0 <= i < len(sheet.criteria) and 0 <= j < len(sheet.criteria[i]["options"])):
            raise ValidationError(
                {"answers": _("Tiêu chí %(n)d: mức điểm không có.") % {"n": i + 1}}
            )
        answers[i] = j
    return answers


def _save_scoring(app, *, actor, stage, raw_answers):
    sheet = _pin_sheet(app)
    answers = _parse_answers(sheet, raw_answers)
    parts, total = scoring.score(sheet.criteria, answers)
    obj, _created = Scoring.objects.update_or_create(
        application=app,
        stage=stage,
        scorer=actor,
        defaults={
            "sheet": sheet,
            "answers": {str(k): v for k, v in answers.items()},
            "part_a": parts["A"],
            "part_b": parts["B"],
            "part_c": parts["C"],
            "total": total,
        },
    )
    record(
        actor,
        AuditAction.SCORE,
        app,
        changes={"total": [None, total], "stage": [None, stage], "sheet": [None, sheet.pk]},
    )
    return obj


@transaction.atomic
def commune_score(app, *, actor, answers):
    require(may_score_as_commune(actor, app))
    lock_for_transition(app, (AppState.SUBMITTED,))
    return _save_scoring(app, actor=actor, stage=Stage.COMMUNE, raw_answers=answers)


@transaction.atomic
def propose(app, *, actor, reason=""):
    """The commune has pre-checked and scored the dossier and proposes it to the province."""
    require(may_score_as_commune(actor, app))
    lock_for_transition(app, (AppState.SUBMITTED,))
    if not app.scorings.filter(stage=Stage.COMMUNE).exists():
        raise ValidationError(_("Xã cần chấm điểm sơ bộ trước khi đề xuất."))
    app.state, app.state_reason = AppState.PROPOSED, reason
    app.save(update_fields=["state", "state_reason", "updated_at"])
    record(actor, AuditAction.PROPOSE, app, changes={"state": ["submitted", "proposed"]})
    notify(
        app.business,
        _("Xã đã đề xuất sản phẩm %(p)s lên tỉnh.") % {"p": app.product.name},
        kind=NotificationKind.OCOP_DECIDED,
    )
    return app


@transaction.atomic
def return_application(app, *, actor, reason):
    require(may_score_as_commune(actor, app))
    _require_reason(reason)
    lock_for_transition(app, (AppState.SUBMITTED,))
    app.state, app.state_reason = AppState.RETURNED, reason
    app.save(update_fields=["state", "state_reason", "updated_at"])
    record(
        actor, AuditAction.RETURN, app, changes={"state": ["submitted", "returned"]}, reason=reason
    )
    notify(
        app.business,
        _("Hồ sơ OCOP %(p)s bị trả lại: %(r)s") % {"p": app.product.name, "r": reason},
        reverse("ocop:application", args=[app.pk]),
        kind=NotificationKind.OCOP_DECIDED,
    )
    return app


@transaction.atomic
def create_round(*, actor, name, year, members, applications):
    """DOST forms a council round: officials of DOST or of a department (the council's
    organisations), never a business or a commune, score the proposed applications."""
    require(is_dost(actor))
    members = list(members)
    if not members:
        raise ValidationError({"members": _("Cần ít nhất một thành viên Hội đồng.")})
    for m in members:
        if not (m.is_authority and m.organisation.kind in (OrgKind.DOST, OrgKind.DEPARTMENT)):
            raise ValidationError({"members": _("%(u)s không phải cán bộ cấp tỉnh.") % {"u": m}})
    apps = list(applications)
    if any(a.state != AppState.PROPOSED or a.round_id for a in apps):
        raise ValidationError({"applications": _("Chỉ chọn hồ sơ xã đã đề xuất, chưa có đợt.")})
    rnd = Round.objects.create(name=name, year=year)
    rnd.members.set(members)
    Application.objects.filter(pk__in=[a.pk for a in apps]).update(round=rnd)
    record(actor, AuditAction.CREATE_ROUND, rnd, changes={"applications": [None, len(apps)]})
    return rnd


@transaction.atomic
def council_score(app, *, actor, answers):
    require(may_score_in_council(actor, app))
    lock_for_transition(app, (AppState.PROPOSED, AppState.SCORED))
    obj = _save_scoring(app, actor=actor, stage=Stage.COUNCIL, raw_answers=answers)
    done = app.council_scorings().count()
    if done >= app.round.members.count() and app.state == AppState.PROPOSED:
        app.state = AppState.SCORED
        app.save(update_fields=["state", "updated_at"])
    return obj


def council_average(app):
    totals = list(app.council_scorings().values_list("total", flat=True))
    return scoring.average(totals) if totals else None


@transaction.atomic
def recognise(app, *, actor, decision_number, decided_on, ministry=False):
    """DOST records the decision. Stars come from the members' average, never typed."""
    require(is_dost(actor))
    lock_for_transition(app, (AppState.SCORED,))
    if not (decision_number or "").strip():
        raise ValidationError({"decision_number": _("Cần số quyết định công nhận.")})
    points = council_average(app)
    stars = scoring.stars_for(points)
    if stars < 3:
        raise ValidationError(
            _("Điểm trung bình %(p)s (dưới 50): sản phẩm không đủ điều kiện công nhận.")
            % {"p": points}
        )
    if stars == 5 and not ministry:
        raise ValidationError(
            _("Từ 90 điểm: chỉ công nhận 5 sao khi có kết quả của %(m)s.") % {"m": MINISTRY}
        )
    result = Result.objects.create(
        application=app,
        product=app.product,
        points=points,
        stars=stars,
        decision_number=decision_number.strip(),
        recognised_on=decided_on,
        decided_by=MINISTRY if ministry else str(actor.organisation.name),
        valid_until=add_months(decided_on, scoring.VALIDITY_MONTHS) - timedelta(days=1),
    )
    app.state = AppState.RECOGNISED
    app.save(update_fields=["state", "updated_at"])
    record(
        actor,
        AuditAction.RECOGNISE,
        app,
        # The product named for those who read the log without ocop (national's outbox).
        changes={
            "stars": [None, stars],
            "points": [None, points],
            "product": [None, app.product_id],
        },
    )
    notify(
        app.business,
        _("Sản phẩm %(p)s được công nhận OCOP %(s)d sao (QĐ %(d)s).")
        % {"p": app.product.name, "s": stars, "d": result.decision_number},
        reverse("ocop:application", args=[app.pk]),
        kind=NotificationKind.OCOP_DECIDED,
    )
    return result


@transaction.atomic
def not_recognise(app, *, actor, reason):
    require(is_dost(actor))
    _require_reason(reason)
    lock_for_transition(app, (AppState.SCORED, AppState.PROPOSED))
    old = app.state
    app.state, app.state_reason = AppState.NOT_RECOGNISED, reason
    app.save(update_fields=["state", "state_reason", "updated_at"])
    record(
        actor, AuditAction.NOT_RECOGNISE, app, changes={"state": [old, app.state]}, reason=reason
    )
    notify(
        app.business,
        _("Sản phẩm %(p)s không được công nhận OCOP: %(r)s") % {"p": app.product.name, "r": reason},
        kind=NotificationKind.OCOP_DECIDED,
    )
    return app


def remind_expiring(*, today=None):
    """Tell each business 90 and 30 days before its result ends (run daily; once per mark)."""
    today = today or timezone.localdate()
    sent = 0
    for days in sorted(REMIND_DAYS):
        field = f"reminded_{days}"
        due = Result.objects.valid(today).filter(
            valid_until__lte=today + timedelta(days=days), **{f"{field}__isnull": True}
        )
        for result in due.select_related("product", "application__business"):
            with transaction.atomic():
                notify(
                    result.application.business,
                    _(
                        "Kết quả OCOP %(s)d sao của %(p)s hết hiệu lực ngày %(d)s. "
                        "Hãy nộp hồ sơ đánh giá lại."
                    )
                    % {
                        "s": result.stars,
                        "p": result.product.name,
                        "d": result.valid_until.strftime("%d/%m/%Y"),
                    },
                    reverse("ocop:mine"),
                    kind=NotificationKind.OCOP_EXPIRING,
                )
                # The 30-day notice also settles the 90-day one, never sent late after it.
                stamp = {"reminded_30": timezone.now()} if days == 30 else {}
                stamp["reminded_90"] = result.reminded_90 or timezone.now()
                Result.objects.filter(pk=result.pk).update(**stamp)
                sent += 1
    if sent:
        record(None, AuditAction.REMIND, None, changes={"count": [0, sent]})
    return sent


def evidence_choices(business):
    return Document.objects.filter(business=business)


def products_of(business):
    return Product.objects.filter(business=business)
