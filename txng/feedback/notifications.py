"""The notification centre's mail: each user chooses, per kind, instant email, a daily digest
or in-app only (accounts.NotificationPreference; without a row, DEFAULT_DELIVERY). Mail is sent
by the task worker, never inside a request, with a plain-text part, in the user's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from txng.accounts.models import Delivery, NotificationKind, NotificationPreference
from txng.accounts.provinces import site_url
from txng.audit.actions import record
from txng.feedback.audit_actions import AuditAction
from txng.feedback.models import MailSettings

K = NotificationKind
# What needs a person soon goes at once; the rest waits for the day's digest.
INSTANT_BY_DEFAULT = {
    K.SECURITY,
    K.ACCOUNT,
    K.RECALL,
    K.TRACING_REQUEST,
    K.CASE_ASSIGNED,
    K.DOSSIER_DECIDED,
    K.HUB_FAILED,
}


def default_delivery(kind):
    return Delivery.INSTANT if kind in INSTANT_BY_DEFAULT else Delivery.DIGEST


def preferences(user):
    """{kind: delivery} for every kind, the user's choice or the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, default_delivery(kind)) for kind in NotificationKind.values}


def mail_language(user):
    found = MailSettings.objects.filter(user=user).values_list("language", flat=True).first()
    return found or settings.LANGUAGE_CODE


@transaction.atomic
def set_preferences(user, *, choices, language):
    """Store the user's choice per kind (only those that differ from the default keep a row)."""
    for kind, delivery in choices.items():
        if delivery == default_delivery(kind):
            NotificationPreference.objects.filter(user=user, kind=kind).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
    MailSettings.objects.update_or_create(user=user, defaults={"language": language})
    record(user, AuditAction.PREFERENCES, user)


def recipients(notice, delivery):
    """Active users of the notice's organisation with an email who chose `delivery` for its
    kind."""
    users = notice.organisation.users.filter(is_active=True, removed_at__isnull=True).exclude(
        email=""
    )
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, kind=notice.kind).values_list(
            "user_id", "delivery"
        )
    )
    default = default_delivery(notice.kind)
    return [user for user in users if chosen.get(user.pk, default) == delivery]


def _send(user, template, context, subject):
    with translation.override(mail_language(user)):
        context = {**context, "user": user, "site": site_url()}
        text = render_to_string(f"feedback/mail/{template}.txt", context)
        html = render_to_string(f"feedback/mail/{template}.html", context)
        subject = str(subject() if callable(subject) else subject)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_instant(notice):
    sent = 0
    for user in recipients(notice, Delivery.INSTANT):
        _send(user, "notice", {"notice": notice}, lambda: notice.message[:120])
        sent += 1
    return sent


def send_digests(now=None):
    """One mail per user with what their organisation was told since their last digest, of the
    kinds they chose to receive by digest. Run daily (manage.py send_digests)."""
    from django.utils.translation import gettext as _

    from txng.accounts.models import Notification, User

    now = now or timezone.now()
    sent = 0
    users = User.objects.filter(
        is_active=True, removed_at__isnull=True, organisation__isnull=False
    ).exclude(email="")
    for user in users.select_related("organisation"):
        mail_settings, _created = MailSettings.objects.get_or_create(
            user=user, defaults={"language": settings.LANGUAGE_CODE}
        )
        since = mail_settings.digest_sent_at or user.date_joined
        kinds = [kind for kind, way in preferences(user).items() if way == Delivery.DIGEST]
        notices = list(
            Notification.objects.filter(
                organisation=user.organisation_id,
                kind__in=kinds,
                created_at__gt=since,
                created_at__lte=now,
            ).order_by("created_at")[:200]
        )
        if notices:
            _send(user, "digest", {"notices": notices}, lambda: _("Thông báo trong ngày"))
            sent += 1
        MailSettings.objects.filter(pk=mail_settings.pk).update(digest_sent_at=now)
    return sent
