import pytest

from txng.catalog.tests.helpers import published
from txng.stamps import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(biz_owner, dept_officer):
    return published(biz_owner, dept_officer, name="Miến dong", gtin="08934567890007")


def test_gtin_alone_opens_the_published_product_page(client, product):
    response = client.get("/01/08934567890007")
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()


def test_gtin_of_withdrawn_or_unknown_product_is_not_found(client, product):
    product.__class__.objects.filter(pk=product.pk).update(
        state="withdrawn", withdrawn_reason="Sai nhãn"
    )
    assert client.get("/01/08934567890007").status_code == 404
    assert client.get("/01/08934567890014").status_code == 404


def test_unknown_serial_under_a_gtin_says_stamp_is_not_from_this_system(client, product):
    body = codes.new_code()[:-1]
    response = client.get(f"/01/08934567890007/21/{body}")
    assert response.status_code == 404
    assert "không do hệ thống này cấp" in response.content.decode()


def test_a_pallet_link_takes_the_signed_in_receiver_to_what_came_on_it(
    client, other_biz, dept_officer
):
    sscc = "389300000000000010"
    response = client.get(f"/00/{sscc}")
    assert response.status_code == 302 and "/accounts/login/?next=/00/" in response["Location"]
    client.force_login(other_biz)
    response = client.get(f"/00/{sscc}")
    assert response["Location"] == f"/nhan-hang/?sscc={sscc}"
    assert client.get(f"/00/{sscc[:-1]}1").status_code == 404  # check digit wrong
    client.force_login(dept_officer)
    assert client.get(f"/00/{sscc}").status_code == 403
