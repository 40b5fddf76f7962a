"""Checking uploaded files by their content, not their name, and re-encoding images.

Every app that accepts files uses `UploadField` (forms) or `check_upload` so the rules are the
same everywhere: a size limit, a type sniffed from the first bytes, and images decoded and
written anew so nothing but pixels survives.
"""

import io
import warnings
from pathlib import PurePath

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

DOCUMENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
MAX_IMAGE_SIDE = 2400


def sniff(upload):
    """The file's real type as (extension, mime) from its first bytes, or (None, None)."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None, None
    return ("jpg" if kind.extension == "jpeg" else kind.extension), kind.mime


def check_upload(upload, *, allowed=DOCUMENT_TYPES, max_bytes=None):
    """Raise ValidationError unless `upload` is non-empty, small enough and of an allowed type."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload is None or upload.size == 0:
        raise ValidationError(_("Tệp tải lên bị rỗng."), code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s). Dung lượng tối đa là %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    ext, mime = sniff(upload)
    if mime not in allowed.values():
        names = ", ".join(sorted({e.upper() for e in allowed}))
        raise ValidationError(
            _("Tệp không đúng định dạng. Chỉ nhận: %(types)s (kiểm tra theo nội dung tệp).")
            % {"types": names},
            code="bad_type",
        )
    if mime.startswith("image/"):
        return reencode_image(upload)
    if mime == "application/pdf":
        upload.name = f"{PurePath(upload.name).stem[:80] or 'tai-lieu'}.pdf"
    return upload


PILLOW_FORMATS = ["JPEG", "PNG", "WEBP"]


def reencode_image(upload, *, max_side=MAX_IMAGE_SIDE):
    """Decode and re-encode an image: strips metadata and anything hidden after the pixels.

    The size in the header is checked before any pixel is decoded: a 164 KB PNG can declare
    13000×13000 pixels, which Pillow (whose own limit is ~179 MP) would decode into 1.5 GB."""
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow warns above ~89 MP at open; the check below refuses far earlier.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=PILLOW_FORMATS)
        width, height = image.size
        if width * height > settings.UPLOAD_MAX_PIXELS:
            raise ValidationError(
                _("Ảnh quá lớn (%(w)s×%(h)s điểm ảnh). Tối đa %(max)s triệu điểm ảnh.")
                % {"w": width, "h": height, "max": settings.UPLOAD_MAX_PIXELS // 1_000_000},
                code="too_many_pixels",
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Không đọc được ảnh."), code="bad_image") from exc
    has_alpha = image.mode in ("RGBA", "LA", "P")
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    fmt, ext = ("PNG", "png") if has_alpha else ("JPEG", "jpg")
    image.save(out, fmt, **({"quality": 85, "optimize": True} if fmt == "JPEG" else {}))
    stem = PurePath(upload.name or "anh").stem[:80] or "anh"
    return SimpleUploadedFile(f"{stem}.{ext}", out.getvalue(), content_type=f"image/{fmt.lower()}")


class UploadField(forms.FileField):
    """A file field that applies `check_upload` and hands back the cleaned (re-encoded) file."""

    default_error_messages = {"required": gettext_lazy("Chưa chọn tệp.")}

    def __init__(self, *args, allowed=DOCUMENT_TYPES, max_bytes=None, **kwargs):
        self.allowed = allowed
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": ",".join(sorted(set(allowed.values())))}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "size"):
            return check_upload(value, allowed=self.allowed, max_bytes=self.max_bytes)
        return value


INLINE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Whatever a stored file holds, it runs nothing: no script, no plugin, no same-origin access.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def file_response(field, *, filename=None):
    """Serve a stored upload: images inline, everything else (PDFs) as a download, always with
    a sandboxing Content-Security-Policy, so a crafted PDF never runs as active content in the
    site's origin."""
    filename = filename or PurePath(field.name).name
    inline = filename.lower().endswith(INLINE_SUFFIXES)
    response = FileResponse(field.open("rb"), as_attachment=not inline, filename=filename)
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_public_media(request, path):
    """/media/public/ when Django serves it (the demo); nginx adds the same headers in
    production (docs/deploy.md)."""
    from django.views.static import serve

    response = serve(request, path, document_root=settings.MEDIA_ROOT / "public")
    response["Content-Security-Policy"] = FILE_CSP
    return response
