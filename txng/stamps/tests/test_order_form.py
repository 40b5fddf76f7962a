"""The order and activation forms as a business meets them (issue 17)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from txng.stamps import actions
from txng.stamps.forms import OrderForm
from txng.stamps.models import OrderState, PrintOrder
from txng.stamps.tests.factories import OrderFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_stamps_cannot_be_ordered_for_a_product_not_yet_approved(biz_owner, business):
    draft = ProductFactory(business=business, state="draft")
    with pytest.raises(ValidationError) as err:
        actions.submit_order(PrintOrder(product=draft, quantity=10), actor=biz_owner)
    assert "duyệt" in err.value.message_dict["product"][0]
    assert not PrintOrder.objects.exists()


def test_order_form_offers_only_approved_products(business):
    approved = ProductFactory(business=business)
    draft = ProductFactory(business=business, state="draft")
    withdrawn = ProductFactory(business=business, state="withdrawn", withdrawn_reason="Sai nhãn")
    offered = set(OrderForm(business=business).fields["product"].queryset)
    assert approved in offered and draft not in offered and withdrawn not in offered


def test_dost_cannot_approve_an_order_whose_product_was_taken_down(biz_owner, dost_admin, business):
    product = ProductFactory(business=business)
    order = actions.submit_order(PrintOrder(product=product, quantity=10), actor=biz_owner)
    product.state, product.withdrawn_reason = "withdrawn", "Sai nhãn"
    product.save()
    with pytest.raises(ValidationError):
        actions.approve_order(order, actor=dost_admin)
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED


def test_activation_link_from_an_order_preselects_that_order(client, biz_owner, business):
    order = OrderFactory(product=ProductFactory(business=business), state=OrderState.READY)
    client.force_login(biz_owner)
    html = client.get(reverse("stamps:activate") + f"?order={order.pk}").content.decode()
    assert f'<option value="{order.pk}" selected>' in html


def test_activation_ignores_an_order_of_another_business(client, biz_owner, other_business):
    foreign = OrderFactory(product=ProductFactory(business=other_business), state=OrderState.READY)
    client.force_login(biz_owner)
    html = client.get(reverse("stamps:activate") + f"?order={foreign.pk}").content.decode()
    assert f'value="{foreign.pk}"' not in html


def test_activation_page_promises_the_camera_only_inside_the_camera_block(client, biz_owner):
    client.force_login(biz_owner)
    html = client.get(reverse("stamps:activate")).content.decode()
    intro = html.split("</h1>", 1)[1].split("</p>", 1)[0]
    assert "camera" not in intro  # the always-visible text does not promise a camera
    block = html.split('class="camera"', 1)[1].split(">", 1)[0]
    assert "hidden" in block and "stamp-camera.js" in html


def test_quota_shows_thousand_separators(client, biz_owner):
    client.force_login(biz_owner)
    html = client.get(reverse("stamps:orders")).content.decode()
    assert "1.000.000" in html


def test_demo_stamps_point_at_the_demo_address(settings, business):
    from txng.stamps.tasks import stamp_url

    order = OrderFactory(product=ProductFactory(business=business))
    settings.SITE_DOMAIN = "http://192.168.1.20:8000"
    assert stamp_url(order, "ABC") == "http://192.168.1.20:8000/q/ABC"
    settings.SITE_DOMAIN = "truyxuat.caobang.gov.vn"
    assert stamp_url(order, "ABC") == "https://truyxuat.caobang.gov.vn/q/ABC"


def test_load_demo_base_url_becomes_the_site_address(settings, monkeypatch):
    import io

    from django.core.management import call_command

    from txng.accounts.management.commands import load_demo
    from txng.accounts.provinces import site_domain, site_url

    settings.DEBUG = True
    settings.SITE_DOMAIN = ""
    # Only the address matters here; the demo data itself is loaded by other tests.
    monkeypatch.setattr(load_demo, "DEMO_ORDER", [])
    call_command("load_demo", "--base-url", "http://10.0.0.5:8123/", stdout=io.StringIO())
    assert site_url() == "http://10.0.0.5:8123" and site_domain() == "10.0.0.5:8123"
