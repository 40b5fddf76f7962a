"""Organisations and products sent by a department's own system into the provincial database.

Matched by tax code (organisations) and GTIN (products). What the province lacks is filled in;
what it already has is never overwritten silently ("no re-entry of validated data"): a value
that differs goes to DOST's review screen, which keeps the province's or takes the sector's."""

import csv
import io
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from txng.accounts.identifiers import validate_tax_code
from txng.accounts.models import BusinessType, Organisation, OrgKind
from txng.accounts.permissions import is_authority, is_dost, require
from txng.audit.actions import record
from txng.catalog.identifiers import validate_gtin
from txng.catalog.models import Product
from txng.national.audit_actions import AuditAction
from txng.national.models import ImportState, RecordType, SectorRecord

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
FIELDS = {
    RecordType.ORGANISATION: {
        "tax_code": 14,
        "name": 255,
        "address": 500,
        "phone": 30,
        "email": 254,
        "representative": 255,
        "business_type": 20,
    },
    RecordType.PRODUCT: {
        "gtin": 14,
        "tax_code": 14,
        "name": 255,
        "description": 2000,
        "unit": 50,
        "brand": 200,
    },
}
KEY = {RecordType.ORGANISATION: "tax_code", RecordType.PRODUCT: "gtin"}
UPDATABLE = {
    RecordType.ORGANISATION: ["name", "address", "phone", "email", "representative"],
    RecordType.PRODUCT: ["name", "description", "unit", "brand"],
}


def parse(body, content_type):
    """Rows from a JSON array (or {"items": [...]}) or a CSV with a header line."""
    if len(body) > MAX_BYTES:
        raise ValidationError({"file": _("Dữ liệu quá lớn (tối đa 2 MB).")})
    text = body.decode("utf-8-sig", errors="replace") if isinstance(body, bytes) else body
    if "json" in (content_type or "") or text.lstrip()[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise ValidationError({"file": _("Dữ liệu JSON không đọc được.")}) from None
        rows = data.get("items") if isinstance(data, dict) else data
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationError({"file": _("Cần một danh sách các bản ghi.")})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": _("Tối đa %(n)s bản ghi mỗi lần.") % {"n": MAX_ROWS}})
    return rows


def _clean(kind, index, raw):
    limits = FIELDS[kind]
    row = {k: str(raw.get(k) or "").strip()[:n] for k, n in limits.items()}
    where = _("Dòng %(n)s") % {"n": index + 1}
    try:
        if kind == RecordType.ORGANISATION:
            if not row["tax_code"] or not row["name"]:
                raise ValidationError(_("thiếu mã số thuế hoặc tên"))
            validate_tax_code(row["tax_code"])
            if row["business_type"] and row["business_type"] not in BusinessType.values:
                raise ValidationError(_("loại hình không hợp lệ"))
        else:
            if not row["gtin"] or not row["name"] or not row["tax_code"]:
                raise ValidationError(_("thiếu GTIN, tên hoặc mã số thuế của cơ sở"))
            validate_gtin(row["gtin"])
    except ValidationError as exc:
        raise ValidationError(
            {"file": f"{where} ({KEY[kind]}): {'; '.join(exc.messages)}"}
        ) from None
    return row


def _differences(kind, existing, row):
    out = {}
    for name in UPDATABLE[kind]:
        mine, theirs = getattr(existing, name) or "", row.get(name) or ""
        if theirs and mine and mine != theirs:
            out[name] = [mine, theirs]
    return out


def _fill_blanks(kind, existing, row):
    changed = [n for n in UPDATABLE[kind] if row.get(n) and not getattr(existing, n)]
    for name in changed:
        setattr(existing, name, row[name])
    if changed:
        existing.save(update_fields=changed + ["updated_at"])
    return changed


def _create(kind, source, row):
    if kind == RecordType.ORGANISATION:
        org = Organisation(
            kind=OrgKind.BUSINESS,
            **{k: row[k] for k in FIELDS[kind] if k != "business_type"},
            business_type=row["business_type"] or BusinessType.ENTERPRISE,
        )
        org.full_clean()
        org.save()
        if source.kind == OrgKind.DEPARTMENT:
            org.managers.add(source)
        return org
    business = Organisation.objects.filter(kind=OrgKind.BUSINESS, tax_code=row["tax_code"]).first()
    if business is None:
        return None
    product = Product(
        business=business, **{k: row[k] for k in ("gtin", "name", "description", "unit", "brand")}
    )
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def import_records(kind, rows, *, actor):
    """Upsert every row or none (a bad row names itself and nothing is saved)."""
    require(is_authority(actor))
    if kind not in FIELDS:
        raise ValidationError({"kind": _("Loại dữ liệu không hợp lệ.")})
    cleaned = [_clean(kind, i, raw) for i, raw in enumerate(rows)]
    counts = dict.fromkeys(["created", "filled", "same", "conflict", "unknown"], 0)
    out = []
    for row in cleaned:
        key = row[KEY[kind]]
        if kind == RecordType.ORGANISATION:
            existing = Organisation.objects.filter(kind=OrgKind.BUSINESS, tax_code=key).first()
        else:
            existing = Product.objects.filter(gtin=key).first()
        differences, target, state = {}, existing, ImportState.APPLIED
        if existing is None:
            target = _create(kind, actor.organisation, row)
            counts["created" if target else "unknown"] += 1
            if target is None:
                state = ImportState.CONFLICT
                differences = {"tax_code": ["", row["tax_code"]]}
        else:
            differences = _differences(kind, existing, row)
            filled = _fill_blanks(kind, existing, row)
            if differences:
                state = ImportState.CONFLICT
                counts["conflict"] += 1
            else:
                counts["filled" if filled else "same"] += 1
        out.append(
            SectorRecord(
                source=actor.organisation,
                sent_by=actor,
                kind=kind,
                key=key,
                data=row,
                differences=differences,
                target_id=target.pk if target else None,
                state=state,
            )
        )
    SectorRecord.objects.bulk_create(out)
    record(
        actor,
        AuditAction.SECTOR_IMPORT,
        actor.organisation,
        changes={name: [None, n] for name, n in counts.items() if n} | {"kind": [None, kind]},
    )
    return counts


@transaction.atomic
def decide(item, *, actor, take):
    """DOST keeps the province's values, or takes the sector system's where they differ."""
    require(is_dost(actor))
    item = SectorRecord.objects.select_for_update().get(pk=item.pk)
    if item.state != ImportState.CONFLICT:
        raise ValidationError(_("Bản ghi này đã được xử lý."))
    if take:
        model = Organisation if item.kind == RecordType.ORGANISATION else Product
        target = model.objects.filter(pk=item.target_id).first()
        if target is None:
            raise ValidationError(
                _("Chưa có cơ sở với mã số thuế này trong hệ thống; không lấy được dữ liệu.")
            )
        names = [n for n in item.differences if n in UPDATABLE[item.kind]]
        for name in names:
            setattr(target, name, item.data[name])
        target.full_clean()
        target.save(update_fields=names + ["updated_at"])
    item.state = ImportState.TAKEN if take else ImportState.KEPT
    item.decided_by, item.decided_at = actor, timezone.now()
    item.save()
    record(actor, AuditAction.SECTOR_DECIDE, item, changes=item.differences if take else {})
    return item
