"""GTIN, GLN and SSCC checks (GS1 mod-10 check digit), with Vietnamese messages naming the field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

# A party's GLN is checked in accounts (organisations carry one); locations use the same rule.
from txng.accounts.identifiers import validate_gln  # noqa: F401


def validate_gtin(value):
    digits = (value or "").strip()
    if not digits:
        return
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ValidationError(_("Mã GTIN phải gồm 8, 12, 13 hoặc 14 chữ số."), code="gtin_length")
    try:
        ean.validate(digits)
    except StdnumError as exc:
        raise ValidationError(
            _("Mã GTIN sai số kiểm tra (chữ số cuối)."), code="gtin_check"
        ) from exc


def validate_sscc(value):
    """An SSCC (AI 00): the 18 digits under a logistic unit's GS1-128 label, check digit last."""
    digits = (value or "").strip()
    if not digits:
        return
    if not digits.isdigit() or len(digits) != 18:
        raise ValidationError(_("Mã SSCC phải gồm đúng 18 chữ số."), code="sscc_length")
    if ean.calc_check_digit(digits[:-1]) != digits[-1]:
        raise ValidationError(_("Mã SSCC sai số kiểm tra (chữ số cuối)."), code="sscc_check")


def with_check_digit(body):
    return body + ean.calc_check_digit(body)
