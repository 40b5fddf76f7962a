"""Forms a phone kept offline and sends later (by the service worker) carry an
`Idempotency-Key` and the time they were made (`X-Made-At`). The server records each key once:
a second send of the same key gets the first answer back and changes nothing. The answer is
JSON the device can show: {"ok": true, "location": ...} or {"ok": false, "errors": {...}}."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from txng.pwa.models import OfflineSend

KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# Phones' clocks drift; a few minutes ahead is a clock, not an entry from the future.
CLOCK_SKEW = timedelta(minutes=5)


def _refusal(message, status=422, **extra):
    return JsonResponse({"ok": False, "errors": {"__all__": [message]}, **extra}, status=status)


def _max_age():
    return timedelta(days=settings.TXNG_OFFLINE_MAX_AGE_DAYS)


def check_made_at(raw, now=None):
    """The device's time for the entry, or a ValueError with the reason in Vietnamese."""
    now = now or timezone.now()
    made_at = parse_datetime(raw or "")
    if made_at is None:
        raise ValueError(_("Thiếu thời điểm tạo bản ghi trên máy (X-Made-At)."))
    if timezone.is_naive(made_at):
        made_at = timezone.make_aware(made_at, timezone.utc)
    if made_at > now + CLOCK_SKEW:
        raise ValueError(_("Thời điểm tạo bản ghi ở tương lai: kiểm tra lại đồng hồ điện thoại."))
    if made_at < now - _max_age():
        raise ValueError(
            _("Bản ghi được tạo quá %(n)s ngày trước, không còn được nhận: hãy nhập lại.")
            % {"n": settings.TXNG_OFFLINE_MAX_AGE_DAYS}
        )
    return made_at


def _answer(request, response):
    """What to tell the device, and whether to keep it for a repeated send."""
    if response.status_code in (301, 302, 303) and "login" not in response.get("Location", ""):
        return {"ok": True, "location": response["Location"]}, 200
    form = getattr(request, "refused_form", None)
    if response.status_code == 200 and form is not None:
        errors = {
            (name if name in form.fields else "__all__"): [str(e) for e in errs]
            for name, errs in form.errors.items()
        }
        labels = {name: str(form.fields[name].label) for name in errors if name in form.fields}
        return {"ok": False, "errors": errors, "labels": labels}, 422
    return None, response.status_code


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            # Kept on the phone: it is sent again once the person has logged in.
            return _refusal(_("Hãy đăng nhập lại để gửi các bản ghi đang chờ."), 401, retry=True)
        if not KEY.match(key):
            return _refusal(_("Khóa gửi (Idempotency-Key) không hợp lệ."), 400)
        earlier = OfflineSend.objects.filter(user=request.user, key=key).first()
        if earlier is not None:
            return self._replay(earlier)
        try:
            made_at = check_made_at(request.headers.get("X-Made-At"))
        except ValueError as exc:
            return _refusal(str(exc))
        request.offline_made_at = made_at
        try:
            with transaction.atomic():
                # The row first: a concurrent send of the same key waits on its unique index and
                # then fails, instead of recording the entry a second time.
                # Older answers can go: a key that old would be refused for its age anyway.
                OfflineSend.objects.filter(
                    user=request.user, made_at__lt=made_at - _max_age() - timedelta(days=1)
                ).delete()
                sent = OfflineSend.objects.create(
                    user=request.user, key=key, path=request.path[:300], made_at=made_at
                )
                response = self.get_response(request)
                answer, status = _answer(request, response)
                if answer is None:
                    # Not an answer to keep (CSRF, permission, server error): undo, let it retry.
                    transaction.set_rollback(True)
                    return response
                sent.status, sent.answer = status, answer
                sent.save(update_fields=["status", "answer"])
        except IntegrityError:
            earlier = OfflineSend.objects.filter(user=request.user, key=key).first()
            if earlier is None:
                raise
            return self._replay(earlier)
        return JsonResponse(answer, status=status)

    @staticmethod
    def _replay(sent):
        response = JsonResponse(sent.answer, status=sent.status or 409)
        response["Idempotent-Replayed"] = "true"
        return response
