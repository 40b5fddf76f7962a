import contextlib
import importlib
import struct
import tracemalloc
import zlib

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from txng.common.demo_files import png_bytes, png_upload
from txng.common.uploads import UploadField, check_upload


def png_declaring(width, height):
    """A small real PNG whose header claims `width`×`height` pixels (a decompression bomb's
    shape: 164 KB on the wire, 1.5 GB once decoded)."""
    data = bytearray(png_bytes(size=(16, 16)))
    start = 8 + 8  # signature, then the IHDR chunk's length and type
    data[start : start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[start - 4 : start + 13]))
    data[start + 13 : start + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_image_over_the_pixel_limit_is_refused_before_decoding():
    upload = SimpleUploadedFile("bom.png", png_declaring(13000, 13000), content_type="image/png")
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="Ảnh quá lớn .13000×13000") as caught:
            check_upload(upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.code == "too_many_pixels"
    assert peak < 10 * 1024 * 1024, peak


def test_pixel_limit_is_a_setting(settings):
    settings.UPLOAD_MAX_PIXELS = 50 * 50
    with pytest.raises(ValidationError, match="Ảnh quá lớn"):
        check_upload(png_upload(size=(64, 64)))
    settings.UPLOAD_MAX_PIXELS = 64 * 64
    assert check_upload(png_upload(size=(64, 64))).size > 0


@pytest.mark.django_db
def test_anonymous_fake_report_with_a_pixel_bomb_is_refused_naming_the_photo(client, dost):
    from txng.stamps import codes
    from txng.stamps.models import FakeReport

    bomb = SimpleUploadedFile("bom.png", png_declaring(13000, 13000), content_type="image/png")
    response = client.post(
        reverse("stamps:report", args=[codes.new_code()]),
        {"what": "Tem lạ", "where_bought": "Chợ", "photo": bomb},
    )
    assert response.status_code == 200
    assert "Ảnh quá lớn" in response.content.decode()
    assert not FakeReport.objects.exists()


def _all_forms():
    for app in apps.get_app_configs():
        if app.name.startswith("txng."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app.name}.forms")
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [f for f in seen if f.__module__.startswith("txng.") and ".tests" not in f.__module__]


def test_every_form_accepting_an_image_or_document_checks_it_through_uploadfield():
    """An upload that skipped check_upload would reach Pillow unchecked (report photo,
    licence, documents, product images, logos, diary photos, news and banners)."""
    unchecked = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _all_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.FileField) and not isinstance(field, UploadField)
    ]
    # The bulk import takes XLSX/CSV, which the worker reads with its own limits; the OCOP
    # score sheet is an XLSX that ocop.sheets reads with its own size and row limits; the
    # sector's CSV or JSON is capped by national.sector.MAX_BYTES before it is parsed.
    assert sorted(unchecked) == [
        "txng.national.forms.SectorForm.file",
        "txng.ocop.forms.SheetUploadForm.file",
        "txng.tracing.forms.ImportForm.file",
    ]


@pytest.mark.django_db
def test_uploaded_pdf_is_served_as_a_sandboxed_download(client, biz_owner, dept_officer):
    from txng.catalog import actions
    from txng.catalog.models import Document
    from txng.catalog.tests.helpers import published
    from txng.common.demo_files import pdf_upload

    product = published(biz_owner, dept_officer)
    doc = actions.add_document(
        product.business,
        actor=biz_owner,
        document=Document(kind="test_result", file=pdf_upload()),
        product=product,
    )
    client.force_login(biz_owner)
    response = client.get(reverse("catalog:document", args=[doc.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_licence_pdf_is_a_sandboxed_download(login, dost, commune, dost_admin):
    from txng.enrolment.tests.helpers import make_dossier

    dossier = make_dossier(dost, commune)
    response = login(dost_admin).get(reverse("enrolment:licence", args=[dossier.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("sandbox")
