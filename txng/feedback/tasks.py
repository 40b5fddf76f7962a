"""Mail about cases, sent by the task worker (never inside a request), with a plain-text part,
in the language of the person it is for."""

from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from txng.accounts.provinces import site_url
from txng.feedback import notifications
from txng.feedback.models import Case


@task()
def mail_reporter(case_pk, what):
    """Tell the reporter their case was received, taken up or closed, with the tracking link."""
    case = Case.objects.filter(pk=case_pk).first()
    if case is None or not case.reporter_email:
        return
    with translation.override(case.language or settings.LANGUAGE_CODE):
        context = {
            "case": case,
            "what": what,
            "url": site_url() + reverse("feedback:track", args=[case.code]),
        }
        subject = render_to_string("feedback/mail/case_subject.txt", context).strip()
        text = render_to_string("feedback/mail/case.txt", context)
        html = render_to_string("feedback/mail/case.html", context)
    message = EmailMultiAlternatives(subject, text, to=[case.reporter_email])
    message.attach_alternative(html, "text/html")
    message.send()


def queue_instant(notice):
    """accounts.notify's listener: the worker mails the notice once the change is committed
    (never inside the request)."""
    transaction.on_commit(partial(mail_notice.enqueue, notice.pk))


@task()
def mail_notice(notice_pk):
    """Instant email of one in-app notice to the users who chose it."""
    from txng.accounts.models import Notification

    notice = Notification.objects.filter(pk=notice_pk).select_related("organisation").first()
    if notice is not None:
        notifications.send_instant(notice)


@task()
def send_digests():
    return notifications.send_digests()
