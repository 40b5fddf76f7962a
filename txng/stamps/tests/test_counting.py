"""Which requests count as scans, and typing a code by hand."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from txng.stamps import codes
from txng.stamps.checks import shared_cache
from txng.stamps.models import Scan, Stamp

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/126.0 Mobile"


def count(stamp):
    stamp.refresh_from_db()
    return stamp.scan_count


def test_head_options_and_bots_are_answered_but_not_counted(client, stamps):
    url = reverse("stamps:scan", args=[stamps[0].code])
    assert client.head(url).status_code == 200
    assert client.options(url).status_code == 200
    for agent in (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Zalo-Preview/1.0",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
    ):
        response = client.get(url, HTTP_USER_AGENT=agent)
        assert response.status_code == 200 and "Tem chính hãng" in response.content.decode()
    assert count(stamps[0]) == 0 and not Scan.objects.exists()
    client.get(url, HTTP_USER_AGENT=PHONE)
    assert count(stamps[0]) == 1 and Scan.objects.count() == 1


def test_a_browser_inside_zalo_or_facebook_counts(client, stamps):
    url = reverse("stamps:scan", args=[stamps[0].code])
    client.get(url, HTTP_USER_AGENT=PHONE + " Zalo/1.0", REMOTE_ADDR="203.0.113.1")
    client.get(url, HTTP_USER_AGENT=PHONE + " [FBAN/FB4A;FBAV/450.0]", REMOTE_ADDR="203.0.113.2")
    assert count(stamps[0]) == 2


def test_repeat_scans_by_one_visitor_count_once_within_the_window(client, stamps, settings):
    settings.SCAN_REPEAT_WINDOW_SECONDS = 600
    url = reverse("stamps:scan", args=[stamps[0].code])
    for _ in range(5):  # a reload loop from one phone
        page = client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.7")
    assert "quét 1 lần" in page.content.decode()
    assert count(stamps[0]) == 1
    assert Scan.objects.count() == 5 and Scan.objects.filter(counted=True).count() == 1
    client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.8")  # another visitor
    assert count(stamps[0]) == 2
    # Once the window has passed, the same visitor counts again.
    for entry in Scan.objects.all():
        Scan.objects.filter(pk=entry.pk).update(at=entry.at - timedelta(seconds=601))
    client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.7")
    assert count(stamps[0]) == 3


def test_repeats_do_not_make_a_signal(client, stamps, settings, dost):
    from txng.stamps.scans import check_signals

    settings.STAMP_SCAN_THRESHOLD = 3
    url = reverse("stamps:scan", args=[stamps[0].code])
    for _ in range(20):
        client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.1")
    assert check_signals() == []


def test_signal_check_runs_as_a_command(client, stamps, settings, dost):
    settings.STAMP_SCAN_THRESHOLD = 1
    Stamp.objects.filter(pk=stamps[0].pk).update(scan_count=5)
    client.get(reverse("stamps:scan", args=[stamps[0].code]))
    call_command("check_scan_signals")
    assert stamps[0].signals.count() == 1


def test_q_without_a_code_and_the_home_page_offer_the_code_box(client, stamps):
    for url in (reverse("stamps:retype"), reverse("public:home")):
        page = client.get(url).content.decode()
        assert f'action="{reverse("stamps:retype")}"' in page and 'name="code"' in page


def test_typed_code_with_spaces_dashes_and_lower_case_opens_its_stamp(client, stamps):
    typed = " " + codes.format_for_humans(stamps[0].code).lower().replace("-", " - ") + " "
    response = client.get(reverse("stamps:retype"), {"code": typed})
    assert response["Location"] == reverse("stamps:scan", args=[stamps[0].code])


def test_a_code_too_short_says_so_not_check_character(client, stamps):
    response = client.get(reverse("stamps:retype"), {"code": stamps[0].code[:9]})
    page = response.content.decode()
    assert response.status_code == 200 and "Mã quá ngắn" in page and "9" in page
    assert "kiểm tra không khớp" not in page
    scanned = client.get(reverse("stamps:scan", args=[stamps[0].code[:9]])).content.decode()
    assert "Mã quá ngắn" in scanned and "kiểm tra không khớp" not in scanned


def test_a_typo_is_told_from_an_unknown_code(client, stamps):
    code = stamps[0].code
    typo = code[:3] + ("1" if code[3] != "1" else "2") + code[4:]
    assert "kiểm tra không khớp" in client.get(f"/q/{typo}").content.decode()
    unknown = client.get(f"/q/{codes.new_code()}").content.decode()
    assert "không do hệ thống này cấp" in unknown


def test_a_code_whose_check_is_a_symbol_may_be_typed_without_it(client, order):
    body = next(
        b
        for b in (codes.new_code()[:-1] for _ in range(1000))
        if codes.check_char(b) in codes.SYMBOL_CHECKS
    )
    stamp = Stamp.objects.create(order=order, serial=99, code=body + codes.check_char(body))
    response = client.get(reverse("stamps:retype"), {"code": body.lower()})
    assert response["Location"] == reverse("stamps:scan", args=[stamp.code])
    assert client.get(f"/q/{body}")["Location"] == reverse("stamps:scan", args=[stamp.code])


def test_production_refuses_a_per_process_cache():
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(DEBUG=False, CACHES=locmem):
        assert [e.id for e in shared_cache(None)] == ["txng.E001"]
    with override_settings(DEBUG=True, CACHES=locmem):
        assert shared_cache(None) == []
    assert shared_cache(None) == []  # the test run's own cache: the database cache
