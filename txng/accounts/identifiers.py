"""Validators for Vietnamese and GS1 identifiers, with Vietnamese messages naming the field."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.ean import validate as validate_ean
from stdnum.vn import mst


def clean_tax_code(value):
    """Return the compact tax code (10 digits, or 13 for a branch) or raise ValidationError."""
    try:
        return mst.validate(value)
    except stdnum_errors.InvalidChecksum as exc:
        raise ValidationError(_("Mã số thuế sai chữ số kiểm tra."), code="checksum") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(
            _("Mã số thuế phải có 10 chữ số (hoặc 13 chữ số với chi nhánh)."), code="format"
        ) from exc


def validate_tax_code(value):
    clean_tax_code(value)


def validate_gln(value):
    digits = (value or "").strip()
    if not digits:
        return
    if not digits.isdigit() or len(digits) != 13:
        raise ValidationError(_("Mã GLN phải gồm đúng 13 chữ số."), code="gln_length")
    try:
        validate_ean(digits)
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("Mã GLN sai số kiểm tra (chữ số cuối)."), code="gln_check") from exc


_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile: 0 + 3/5/7/8/9 + 8 digits. Landline since 2017: 02 + area code and number, 11 digits.
_VN_PHONE = re.compile(r"^(0[35789]\d{8}|02\d{9})$")


def clean_vn_phone(value):
    """A Vietnamese phone number as 0… digits: "0912 345 678", "091.234.5678", "+84 912345678"
    and "0206 3852 123" (landline) pass; anything else raises ValidationError."""
    digits = _PHONE_SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if not _VN_PHONE.match(digits):
        raise ValidationError(
            _(
                "Số điện thoại không đúng: di động 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 "
                "(ví dụ 0912 345 678), cố định 11 chữ số bắt đầu bằng 02 (ví dụ 0206 3852 123), "
                "hoặc dạng +84…"
            ),
            code="phone",
        )
    return digits
