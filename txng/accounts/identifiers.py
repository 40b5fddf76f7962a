"""Validators for Vietnamese and GS1 identifiers, with Vietnamese messages naming the field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
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
