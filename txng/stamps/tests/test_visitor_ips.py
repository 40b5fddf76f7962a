"""Hashed visitor IPs are kept VISITOR_IP_DAYS, then blanked; the scans themselves stay."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from txng.stamps.models import FakeReport, Scan
from txng.stamps.scans import forget_visitor_ips

pytestmark = pytest.mark.django_db


def _scan(stamp, days_ago):
    return Scan.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        code=stamp.code,
        stamp=stamp,
        result="ok",
        ip_hash="a" * 32,
        ua_family="Chrome",
        province="Cao Bằng",
    )


def test_old_hashes_are_blanked_and_recent_ones_kept(stamps, settings):
    settings.VISITOR_IP_DAYS = 90
    old, recent, ancient = _scan(stamps[0], 91), _scan(stamps[0], 89), _scan(stamps[1], 800)
    report = FakeReport.objects.create(what="Tem mờ", where_bought="Chợ", ip_hash="b" * 32)
    FakeReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=100))
    assert forget_visitor_ips() == (1, 1)  # the 800-day-old one is outside the month looked back
    rows = dict(Scan.objects.values_list("pk", "ip_hash"))
    assert (rows[old.pk], rows[recent.pk], rows[ancient.pk]) == ("", "a" * 32, "a" * 32)
    assert FakeReport.objects.get().ip_hash == ""
    # The scan keeps what counts and signals need.
    assert Scan.objects.get(pk=old.pk).province == "Cao Bằng"
    out = StringIO()
    call_command("forget_visitor_ips", "--all", stdout=out)
    assert "1 scan(s), 0 fake report(s)" in out.getvalue()
    assert Scan.objects.get(pk=ancient.pk).ip_hash == ""


def test_a_large_backlog_is_blanked_in_batches(stamps, settings, monkeypatch):
    from txng.stamps import scans

    monkeypatch.setattr(scans, "FORGET_BATCH", 2)
    for _ in range(5):
        _scan(stamps[0], 100)
    assert forget_visitor_ips(window_days=None) == (5, 0)
    assert not Scan.objects.exclude(ip_hash="").exists()


def test_the_scan_page_and_the_report_form_link_what_they_record(client, stamps):
    from django.urls import reverse

    notice = reverse("public:privacy")
    page = client.get(reverse("stamps:scan", args=[stamps[0].code])).content.decode()
    assert f'href="{notice}#quet-tem"' in page
    report = client.get(reverse("stamps:report", args=[stamps[0].code])).content.decode()
    assert f'href="{notice}#phan-anh"' in report


def test_a_fake_report_leaves_no_raw_ip_in_the_audit_log(client, stamps):
    from django.urls import reverse

    from txng.audit.models import AuditEntry

    client.post(
        reverse("stamps:report", args=[stamps[0].code]),
        {"what": "Tem mờ", "where_bought": "Chợ Tà Lùng"},
        REMOTE_ADDR="203.0.113.7",
    )
    entry = AuditEntry.objects.get(action="stamps.fake_report")
    assert entry.ip is None and FakeReport.objects.get().ip_hash != ""
