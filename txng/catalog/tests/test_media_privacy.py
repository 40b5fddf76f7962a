"""Unapproved product images are never under the served public/ path (issue 15)."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from txng.catalog import actions
from txng.catalog.tests.helpers import draft, published

pytestmark = pytest.mark.django_db


def _jpeg(name="anh.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 10)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _public_files():
    root = Path(settings.MEDIA_ROOT) / "public"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _stored(image):
    return [Path(settings.MEDIA_ROOT) / f.name for f in (image.image, image.thumb)]


def test_draft_products_image_is_private_until_approved(
    biz_owner, dept_officer, django_capture_on_commit_callbacks
):
    product, rev = draft(biz_owner)
    image = actions.add_product_image(product, actor=biz_owner, upload=_jpeg())
    assert image.image.name.startswith("private/") and _public_files() == []
    actions.submit_revision(rev, actor=biz_owner)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_revision(rev, actor=dept_officer)
    image.refresh_from_db()
    assert image.approved and image.image.name.startswith("public/")
    assert image.image.url.startswith("/media/public/")
    assert all(p.exists() for p in _stored(image)) and len(_public_files()) == 2
    assert not list((Path(settings.MEDIA_ROOT) / "private").rglob("*.jpg"))


def test_removed_image_leaves_storage(biz_owner, dept_officer, django_capture_on_commit_callbacks):
    product, rev = draft(biz_owner)
    image = actions.add_product_image(product, actor=biz_owner, upload=_jpeg())
    actions.submit_revision(rev, actor=biz_owner)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_revision(rev, actor=dept_officer)
    image.refresh_from_db()
    files = _stored(image)
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_product_image(image, actor=biz_owner)
    assert not any(p.exists() for p in files) and _public_files() == []


def test_taken_down_products_images_leave_the_public_path(
    biz_owner, dept_officer, django_capture_on_commit_callbacks
):
    product, rev = draft(biz_owner)
    image = actions.add_product_image(product, actor=biz_owner, upload=_jpeg())
    actions.submit_revision(rev, actor=biz_owner)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_revision(rev, actor=dept_officer)
    with django_capture_on_commit_callbacks(execute=True):
        actions.take_down_product(product, actor=dept_officer, reason="Ảnh sai sự thật")
    image.refresh_from_db()
    assert image.image.name.startswith("private/") and _public_files() == []
    assert all(p.exists() for p in _stored(image))


def test_upload_refused_while_a_revision_is_pending_stores_nothing(biz_owner, dept_officer):
    product = published(biz_owner, dept_officer)
    actions.save_product_draft(product, actor=biz_owner, data=actions.product_data(product))
    rev = actions.open_revision(product.business, product)
    actions.submit_revision(rev, actor=biz_owner)
    with pytest.raises(Exception, match="chờ duyệt"):
        actions.add_product_image(product, actor=biz_owner, upload=_jpeg())
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True


def test_logo_is_private_until_approved_and_leaves_on_takedown(
    login, biz_owner, dept_officer, business, django_capture_on_commit_callbacks
):
    from txng.catalog.models import BusinessProfile, Revision
    from txng.common.demo_files import png_upload

    login(biz_owner).post(
        reverse("catalog:profile"), {"address": "Thôn Bản Giốc", "logo": png_upload("logo.png")}
    )
    rev = Revision.objects.get(business=business, product=None)
    assert _public_files() == []
    actions.submit_revision(rev, actor=biz_owner)
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_revision(rev, actor=dept_officer)
    logo = BusinessProfile.objects.get(business=business).logo
    assert logo.name.startswith("public/logos/") and len(_public_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.take_down_profile(business, actor=dept_officer, reason="Logo giả mạo")
    assert _public_files() == []
