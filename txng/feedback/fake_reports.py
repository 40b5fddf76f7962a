"""Every fake-stamp report (stamps' form at /q/<code>/report/) becomes a case for DOST."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse

from txng.feedback.actions import file_case, route
from txng.feedback.models import CaseKind


def _is_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def case_from_fake_report(report):
    contact = (report.contact or "").strip()
    if route(report.business, CaseKind.FAKE_STAMP) is None:
        return None  # no DOST yet (a fresh install): stamps keeps the report as before
    product = None
    if report.stamp_id is not None:
        product = report.stamp.order.product
    case = file_case(
        kind=CaseKind.FAKE_STAMP,
        description=report.what,
        where=report.where_bought,
        business=report.business,
        product=product,
        stamp_code=report.code,
        # The old form has one free "contact" line: kept for the officials only.
        reporter_email=contact if _is_email(contact) else "",
        reporter_name="" if _is_email(contact) else contact[:200],
        ip_hash=report.ip_hash,
        photo=report.photo.name or None,
        fake_report=report,
    )
    return reverse("feedback:track", args=[case.code])
