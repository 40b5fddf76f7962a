"""A business's party GLN: set by its owner or managing authority, validated, unique, audited."""

import pytest
from django.urls import reverse

from txng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

GLN = "8934567000024"


def test_owner_sets_a_valid_gln_and_it_is_audited(client, biz_owner, business):
    client.force_login(biz_owner)
    page = client.get(reverse("accounts:organisation", args=[business.pk]))
    assert "Mã GLN" in page.content.decode()
    client.post(reverse("accounts:set_gln", args=[business.pk]), {"gln": GLN})
    business.refresh_from_db()
    assert business.gln == GLN
    assert AuditEntry.objects.filter(action="accounts.set_gln").exists()


def test_wrong_check_digit_or_taken_gln_is_refused_naming_the_field(
    client, biz_owner, business, other_business
):
    other_business.gln = GLN
    other_business.save(update_fields=["gln"])
    client.force_login(biz_owner)
    url = reverse("accounts:set_gln", args=[business.pk])
    response = client.post(url, {"gln": "8934567000018"}, follow=True)
    assert "sai số kiểm tra" in response.content.decode()
    response = client.post(url, {"gln": GLN}, follow=True)
    assert "Đã có tổ chức khác dùng mã GLN này." in response.content.decode()
    business.refresh_from_db()
    assert business.gln == ""


def test_another_business_cannot_set_the_gln(client, other_biz, business):
    client.force_login(other_biz)
    response = client.post(reverse("accounts:set_gln", args=[business.pk]), {"gln": GLN})
    assert response.status_code == 404
    business.refresh_from_db()
    assert business.gln == ""
