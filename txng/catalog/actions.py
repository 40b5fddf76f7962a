"""Every change to catalog content: drafts, approval, rejection, takedown, images, documents.

Each function is one transaction with a permission check and one audit row; notifications are
written in the same transaction (they are rows, not mail).
"""

import io
from datetime import timedelta
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from txng.accounts.actions import notify
from txng.accounts.models import NotificationKind, Organisation
from txng.accounts.permissions import can_manage_business, is_dost, is_member, require
from txng.audit.actions import record
from txng.catalog import media
from txng.catalog.audit_actions import AuditAction
from txng.catalog.models import (
    OPEN_STATES,
    TRANSITIONS,
    BusinessProfile,
    Category,
    Document,
    Facility,
    Product,
    ProductImage,
    PublicState,
    Revision,
    RevisionState,
)
from txng.common.locking import lock_for_transition

PRODUCT_FIELDS = [
    "name",
    "category",
    "brand",
    "gtin",
    "description",
    "unit",
    "net_content",
    "ingredients",
    "standards",
    "shelf_life",
    "storage",
    "facility",
]
ORG_FIELDS = ["short_name", "address", "phone", "email", "representative"]
PROFILE_FIELDS = ["english_name", "licence_number", "website", "description", "logo"]
FK_FIELDS = {"category": Category, "facility": Facility}
THUMB_SIDE = 480


def _require_reason(reason):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Lý do: cần nêu lý do để cơ sở biết.")})


def _can_edit(user, business):
    return is_member(user, business) and business.is_active


def serialise(cleaned):
    """Form data → JSON-safe revision data (model instances become their ids)."""
    data = {}
    for key, value in cleaned.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, FieldFile):
            value = value.name or ""
        data[key] = value
    return data


def apply_data(obj, data, fields):
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if name in FK_FIELDS:
            setattr(obj, f"{name}_id", value)
        elif name == "logo":
            if value:
                obj.logo.name = value
        else:
            setattr(obj, name, value if value is not None else "")


def product_data(product):
    return serialise({f: getattr(product, f) for f in PRODUCT_FIELDS})


def profile_data(business):
    profile = get_profile(business)
    data = {f: getattr(business, f) for f in ORG_FIELDS}
    data.update({f: getattr(profile, f) for f in PROFILE_FIELDS})
    return serialise(data)


def get_profile(business):
    profile, _created = BusinessProfile.objects.get_or_create(business=business)
    return profile


def open_revision(business, product=None):
    return Revision.objects.filter(
        business=business, product=product, state__in=OPEN_STATES
    ).first()


def _lock_target(business, product):
    """Every change to a product's (or a profile's) revisions locks the product (or the
    business) first, then the revision: one order for all, so two of them never deadlock, and
    two drafts saved at once never open two revisions."""
    lock_for_transition(product if product is not None else business)


def _start_revision(business, product, *, actor, data):
    _lock_target(business, product)
    rev = open_revision(business, product)
    if rev is not None and lock_for_transition(rev).state not in OPEN_STATES:
        rev = None  # approved between the read and the lock: the edit starts a new revision
    if rev is None:
        last = Revision.objects.filter(business=business, product=product).aggregate(
            n=Max("number")
        )["n"]
        rev = Revision(business=business, product=product, number=(last or 0) + 1)
        rev.created_by = actor if actor and actor.pk else None
    elif rev.state == RevisionState.PENDING:
        raise ValidationError(
            _("Phiên bản đang chờ duyệt, chưa sửa được. Hãy chờ cơ quan quản lý xem xét.")
        )
    rev.data = data
    rev.state = RevisionState.DRAFT
    rev.save()
    return rev


@transaction.atomic
def create_product(business, *, actor, data):
    require(_can_edit(actor, business))
    product = Product(business=business, state=PublicState.DRAFT)
    apply_data(product, data, PRODUCT_FIELDS)
    product.full_clean()
    product.save()
    rev = _start_revision(business, product, actor=actor, data=data)
    record(actor, AuditAction.CREATE_PRODUCT, product)
    return product, rev


@transaction.atomic
def save_product_draft(product, *, actor, data):
    """The business edits; a published product keeps its public version until approval."""
    require(_can_edit(actor, product.business))
    rev = _start_revision(product.business, product, actor=actor, data=data)
    if product.state == PublicState.DRAFT:
        # Nothing is public yet, so the working copy can show in lists straight away.
        apply_data(product, data, PRODUCT_FIELDS)
        product.full_clean()
        product.save()
    record(actor, AuditAction.EDIT_PRODUCT, product, changes=_changes(product_data(product), data))
    return rev


@transaction.atomic
def save_profile_draft(business, *, actor, data):
    require(_can_edit(actor, business))
    before = profile_data(business)
    rev = _start_revision(business, None, actor=actor, data={**before, **data})
    record(actor, AuditAction.EDIT_PROFILE, business, changes=_changes(before, rev.data))
    return rev


def _changes(before, after):
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _move(rev, action):
    allowed_from, to_state = TRANSITIONS[action]
    # Re-read under a row lock: of two reviewers deciding at once, the second sees the first's
    # decision here and is refused (txng/common/locking.py).
    lock_for_transition(rev)
    if rev.state not in allowed_from:
        raise ValidationError(
            _("Phiên bản đang ở trạng thái “%(state)s”, không thể thực hiện thao tác này.")
            % {"state": rev.get_state_display()}
        )
    old = rev.state
    rev.state = to_state
    return old


def review_url(rev):
    return reverse("catalog:revision", args=[rev.pk])


@transaction.atomic
def submit_revision(rev, *, actor, note=""):
    require(_can_edit(actor, rev.business))
    old = _move(rev, "submit")
    rev.note = note
    rev.submitted_at = timezone.now()
    rev.save()
    record(actor, AuditAction.SUBMIT, rev, changes={"state": [old, rev.state]})
    message = _("%(business)s gửi duyệt: %(title)s") % {
        "business": rev.business.name,
        "title": rev.title,
    }
    for agency in rev.business.managers.all():
        notify(agency, message, review_url(rev), kind=NotificationKind.REVIEW_WAITING)
    return rev


def can_review(user, rev):
    return can_manage_business(user, rev.business)


@transaction.atomic
def approve_revision(rev, *, actor, note=""):
    require(can_review(actor, rev))
    _lock_target(rev.business, rev.product)  # a take-down or a new draft may be running now
    old = _move(rev, "approve")
    now = timezone.now()
    rev.reviewed_by, rev.reviewed_at, rev.reason = actor, now, note
    rev.save()
    if rev.product_id:
        product = rev.product
        apply_data(product, rev.data, PRODUCT_FIELDS)
        product.state = PublicState.PUBLISHED
        product.withdrawn_reason = ""
        product.published_at = product.published_at or now
        product.full_clean()
        product.save()
        product.images.update(approved=True)
        product.documents.update(approved=True)
        transaction.on_commit(partial(media.publish_images, product.pk))
        link = product.get_absolute_url()
    else:
        business = rev.business
        apply_data(business, rev.data, ORG_FIELDS)
        # Only the profile's fields: a full save would write back a status read before a
        # concurrent lock or revocation of the account.
        business.save(update_fields=[*ORG_FIELDS, "updated_at"])
        profile = get_profile(business)
        apply_data(profile, rev.data, PROFILE_FIELDS)
        profile.state, profile.withdrawn_reason = PublicState.PUBLISHED, ""
        profile.save()
        business.documents.filter(product__isnull=True).update(approved=True)
        transaction.on_commit(partial(media.publish_logo, business.pk))
        for product in business.products.all():  # the business name is part of search_text
            product.save(update_fields=["search_text"])
        link = reverse("catalog:profile")
    record(actor, AuditAction.APPROVE, rev, changes={"state": [old, rev.state]}, reason=note)
    notify(
        rev.business,
        _("Đã được duyệt: %(title)s") % {"title": rev.title},
        link,
        kind=NotificationKind.REVISION_DECIDED,
    )
    return rev


@transaction.atomic
def reject_revision(rev, *, actor, reason):
    require(can_review(actor, rev))
    _require_reason(reason)
    old = _move(rev, "reject")
    rev.reviewed_by, rev.reviewed_at, rev.reason = actor, timezone.now(), reason.strip()
    rev.save()
    record(actor, AuditAction.REJECT, rev, changes={"state": [old, rev.state]}, reason=reason)
    notify(
        rev.business,
        _("Bị từ chối: %(title)s. Lý do: %(reason)s") % {"title": rev.title, "reason": reason},
        reverse("catalog:my_revision", args=[rev.pk]),
        kind=NotificationKind.REVISION_DECIDED,
    )
    return rev


@transaction.atomic
def take_down_product(product, *, actor, reason):
    """DOST or a managing agency withdraws public content; the business is told why."""
    require(can_manage_business(actor, product.business))
    _require_reason(reason)
    lock_for_transition(product)
    if product.state != PublicState.PUBLISHED:
        raise ValidationError(_("Chỉ gỡ được sản phẩm đang công bố."))
    product.state, product.withdrawn_reason = PublicState.WITHDRAWN, reason.strip()
    product.save()
    # Files under public/ are served without asking Django: move them out of reach.
    transaction.on_commit(partial(media.unpublish_images, product.pk))
    record(
        actor,
        AuditAction.TAKE_DOWN,
        product,
        changes={"state": [PublicState.PUBLISHED, PublicState.WITHDRAWN]},
        reason=reason,
    )
    notify(
        product.business,
        _("Sản phẩm “%(name)s” đã bị gỡ. Lý do: %(reason)s")
        % {"name": product.name, "reason": reason},
        reverse("catalog:my_product", args=[product.pk]),
        kind=NotificationKind.CONTENT_TAKEN_DOWN,
    )


@transaction.atomic
def take_down_profile(business, *, actor, reason):
    require(can_manage_business(actor, business))
    _require_reason(reason)
    profile = lock_for_transition(get_profile(business))
    if profile.state == PublicState.WITHDRAWN:
        raise ValidationError(_("Trang cơ sở đã bị gỡ."))
    profile.state, profile.withdrawn_reason = PublicState.WITHDRAWN, reason.strip()
    profile.save()
    transaction.on_commit(partial(media.unpublish_logo, business.pk))
    record(actor, AuditAction.TAKE_DOWN_PROFILE, business, reason=reason)
    notify(
        business,
        _("Trang giới thiệu cơ sở đã bị gỡ. Lý do: %(reason)s") % {"reason": reason},
        reverse("catalog:profile"),
        kind=NotificationKind.CONTENT_TAKEN_DOWN,
    )


def _thumbnail(upload):
    upload.seek(0)
    image = Image.open(upload)
    image.thumbnail((THUMB_SIDE, THUMB_SIDE))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    upload.seek(0)
    return ContentFile(out.getvalue(), name=f"{PurePath(upload.name).stem}-nho.jpg")


@transaction.atomic
def add_product_image(product, *, actor, upload):
    """`upload` has been through check_upload (re-encoded). Waits for the next approval."""
    require(_can_edit(actor, product.business))
    if product.images.count() >= 8:
        raise ValidationError({"image": _("Ảnh: mỗi sản phẩm tối đa 8 ảnh.")})
    # Refuse before any file is written: a refused upload leaves nothing in storage.
    data = _current_data(product) if product.state != PublicState.DRAFT else None
    image = ProductImage(product=product, position=product.images.count())
    image.image.save(upload.name, upload, save=False)
    image.thumb.save("thumb.jpg", _thumbnail(upload), save=False)
    image.save()
    if data is not None:
        _start_revision(product.business, product, actor=actor, data=data)
    record(actor, AuditAction.ADD_IMAGE, product, changes={"image": [None, image.image.name]})
    return image


def _current_data(product):
    rev = open_revision(product.business, product)
    if rev is not None and rev.state == RevisionState.PENDING:
        raise ValidationError(_("Phiên bản đang chờ duyệt, chưa sửa được."))
    return rev.data if rev else product_data(product)


@transaction.atomic
def remove_product_image(image, *, actor):
    """Removing is immediate: taking a picture down can never mislead a consumer."""
    require(_can_edit(actor, image.product.business))
    record(
        actor, AuditAction.REMOVE_IMAGE, image.product, changes={"image": [image.image.name, None]}
    )
    names = [f.name for f in (image.image, image.thumb) if f]
    storage = image.image.storage
    image.delete()
    transaction.on_commit(partial(media.delete_files, storage, names))


@transaction.atomic
def add_document(business, *, actor, document, product=None):
    require(_can_edit(actor, business))
    document.business, document.product, document.approved = business, product, False
    document.full_clean()
    document.save()
    # The document becomes public with the next approved revision of its product or profile.
    if product is not None:
        if product.state != PublicState.DRAFT:
            _start_revision(business, product, actor=actor, data=_current_data(product))
    elif open_revision(business) is None:
        _start_revision(business, None, actor=actor, data=profile_data(business))
    record(actor, AuditAction.ADD_DOCUMENT, document)
    return document


@transaction.atomic
def remove_document(document, *, actor):
    require(_can_edit(actor, document.business))
    record(actor, AuditAction.REMOVE_DOCUMENT, document)
    document.delete()
    if document.product_id:
        document.product.save(update_fields=["updated_at"])


@transaction.atomic
def save_facility(facility, *, actor, business):
    require(_can_edit(actor, business))
    is_new = facility.pk is None
    facility.business = business
    facility.full_clean()
    facility.save()
    record(actor, AuditAction.CREATE_FACILITY if is_new else AuditAction.EDIT_FACILITY, facility)
    return facility


@transaction.atomic
def save_category(category, *, actor):
    require(is_dost(actor))
    is_new = category.pk is None
    category.full_clean()
    category.save()
    record(actor, AuditAction.CREATE_CATEGORY if is_new else AuditAction.EDIT_CATEGORY, category)
    return category


@transaction.atomic
def set_featured(product, *, actor, featured):
    require(is_dost(actor))
    product.featured = featured
    product.save(update_fields=["featured"])
    record(actor, AuditAction.FEATURE, product, changes={"featured": [not featured, featured]})


@transaction.atomic
def remind_expiring_documents(*, days=30, today=None):
    """Tell owners once about each document that expires within `days` (run daily)."""
    today = today or timezone.localdate()
    due = Document.objects.filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=days), reminded_at=None
    ).select_related("business", "product")
    count = 0
    for doc in due:
        what = f"{doc} ({doc.product.name})" if doc.product_id else str(doc)
        notify(
            doc.business,
            _("Tài liệu “%(doc)s” hết hiệu lực ngày %(date)s. Hãy cập nhật bản mới.")
            % {"doc": what, "date": doc.expires_on.strftime("%d/%m/%Y")},
            reverse("catalog:documents"),
            kind=NotificationKind.DOCUMENT_EXPIRING,
        )
        doc.reminded_at = timezone.now()
        doc.save(update_fields=["reminded_at"])
        count += 1
    if count:
        record(None, AuditAction.REMIND_EXPIRING, None, changes={"count": [0, count]})
    return count


def managed_businesses(user):
    return Organisation.objects.managed_by(user.organisation)


@transaction.atomic
def set_ocop_stars(product, *, actor, stars, reason):
    """An authority managing the business records the product's OCOP stars (or clears them),
    citing the decision that awarded them. Until the OCOP scoring module issues certificates,
    this is the only way stars reach a public page."""
    require(can_manage_business(actor, product.business))
    _require_reason(reason)
    if stars is not None and not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Số sao OCOP: từ 1 đến 5.")})
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = product.ocop_stars
    product.ocop_stars = stars
    product.ocop_set_by = actor.organisation if stars is not None else None
    product.ocop_set_at = timezone.now() if stars is not None else None
    product.save(update_fields=["ocop_stars", "ocop_set_by", "ocop_set_at", "updated_at"])
    record(
        actor,
        AuditAction.SET_OCOP_STARS,
        product,
        changes={"ocop_stars": [before, stars]},
        reason=reason,
    )
    return product
