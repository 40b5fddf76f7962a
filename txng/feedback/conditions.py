"""What feedback adds to DOST's checklist for the participation certificate (ocop), through
txng.common.business_conditions."""

from django.utils.translation import gettext as _

from txng.feedback.models import Case, CaseKind


def no_open_case(business, today):
    """No complaint, violation report or official finding about the business still being
    handled. A fake-stamp case is left out: the business named there is the one copied."""
    open_cases = Case.objects.open().filter(business=business).exclude(kind=CaseKind.FAKE_STAMP)
    return _("Không có phản ánh, khiếu nại đang xử lý"), not open_cases.exists()
