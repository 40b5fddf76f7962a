import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from txng.accounts.models import Notification
from txng.catalog.models import business_url
from txng.feedback import comments
from txng.feedback.models import Comment, CommentState
from txng.stamps.models import StampState
from txng.stamps.tests.factories import OrderFactory, make_stamps

pytestmark = pytest.mark.django_db


def post(client, product, human, query="", ip="127.0.0.1", **extra):
    data = {"stars": "4", "body": "Hạt dẻ bùi, thơm", "author_name": "Lan"} | human | extra
    return client.post(reverse("feedback:rate", args=[product.pk]) + query, data, REMOTE_ADDR=ip)


def product_page(client, product):
    return client.get(product.get_absolute_url()).content.decode()


def test_new_comment_waits_for_moderation_and_is_not_public(client, product, human, commune):
    assert post(client, product, human).status_code == 302
    comment = Comment.objects.get()
    assert comment.state == CommentState.PENDING
    assert "Hạt dẻ bùi" not in product_page(client, product)
    assert Notification.objects.filter(organisation=commune, kind="review_waiting").exists()


def test_post_moderation_setting_publishes_at_once(client, product, human, settings):
    settings.FEEDBACK_POST_MODERATION = True
    post(client, product, human)
    assert Comment.objects.get().state == CommentState.PUBLISHED
    assert "Hạt dẻ bùi" in product_page(client, product)


def test_approved_comment_and_reply_show_on_the_product_page(
    client, product, human, commune_officer, biz_owner, login
):
    post(client, product, human)
    comment = Comment.objects.get()
    login(commune_officer).post(reverse("feedback:comment_act", args=[comment.pk, "approve"]))
    login(biz_owner).post(
        reverse("feedback:comment_act", args=[comment.pk, "reply"]), {"reply": "Cảm ơn chị Lan"}
    )
    client.logout()
    page = product_page(client, product)
    assert "Hạt dẻ bùi" in page and "Cảm ơn chị Lan" in page


def test_hidden_comment_keeps_its_reason_and_is_never_public(
    client, product, human, commune_officer, biz_owner
):
    post(client, product, human)
    comment = Comment.objects.get()
    comments.approve_comment(comment, actor=commune_officer)
    comments.hide_comment(comment, actor=commune_officer, reason="Quảng cáo trá hình")
    comment.refresh_from_db()
    assert comment.hidden_reason == "Quảng cáo trá hình"
    assert not Comment.objects.public().exists()
    assert "Hạt dẻ bùi" not in product_page(client, product)
    assert not Comment.objects.visible_to(biz_owner).exists()  # nor in the business's list
    with pytest.raises(Exception):  # noqa: B017 - the business cannot reply to a hidden one
        comments.reply(comment, actor=biz_owner, text="x")


def test_hiding_needs_a_reason(product, human, client, commune_officer):
    post(client, product, human)
    with pytest.raises(Exception):  # noqa: B017
        comments.hide_comment(Comment.objects.get(), actor=commune_officer, reason="")
    assert Comment.objects.get().state == CommentState.PENDING


def test_only_managing_agencies_moderate(
    client, product, human, other_commune_officer, biz_owner, login
):
    post(client, product, human)
    comment = Comment.objects.get()
    url = reverse("feedback:comment_act", args=[comment.pk, "approve"])
    assert login(other_commune_officer).post(url).status_code == 404
    assert login(biz_owner).post(url).status_code == 404  # pending: not in its list at all
    assert Comment.objects.get().state == CommentState.PENDING


def test_comment_from_a_scan_of_this_products_stamp_is_verified(
    client, product, lot, human, settings
):
    settings.FEEDBACK_POST_MODERATION = True
    order = OrderFactory(product=product)
    stamp = make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]
    client.get(reverse("stamps:scan", args=[stamp.code]), REMOTE_ADDR="10.9.9.9")
    post(client, product, human, f"?ma={stamp.code}", ip="10.9.9.9")
    # The same code from a visitor who never scanned it proves nothing.
    post(client, product, human, f"?ma={stamp.code}", ip="10.8.8.8")
    assert [c.verified for c in Comment.objects.order_by("pk")] == [True, False]
    assert "Đã mua" in product_page(client, product)


def test_scan_page_links_to_rating_with_its_code(client, product, lot):
    order = OrderFactory(product=product)
    stamp = make_stamps(order, state=StampState.ACTIVATED, lot=lot)[0]
    page = client.get(reverse("stamps:scan", args=[stamp.code])).content.decode()
    link = re.search(r'href="(/danh-gia/\d+/\?ma=[^"]+)"', page).group(1)
    from txng.stamps import codes

    assert codes.normalise(link.split("ma=")[1].replace("%20", " ")) == stamp.code


def test_rating_is_rate_limited_per_visitor(client, product, human):
    statuses = [post(client, product, human).status_code for _ in range(7)]
    assert statuses[-1] == 429 and Comment.objects.count() == 5


def test_rating_is_rate_limited_per_product(client, product, human, monkeypatch):
    from txng.feedback import comment_views

    monkeypatch.setattr(comment_views, "PRODUCT_LIMIT", 2)
    statuses = [post(client, product, human, ip=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_honeypot_and_quick_posts_are_refused(client, product, human):
    assert post(client, product, human, website="x").status_code == 200
    from txng.feedback.tests.conftest import signing, spam, time

    fast = {"started": signing.dumps(time.time(), salt=spam.SALT)}
    assert post(client, product, human | fast).status_code == 200
    assert not Comment.objects.exists()


def test_markup_is_stripped_and_length_is_limited(client, product, human, settings):
    settings.FEEDBACK_POST_MODERATION = True
    post(client, product, human, body="<img src=x onerror=alert(1)>Ngon")
    assert Comment.objects.get().body == "Ngon"
    response = post(client, product, human, body="x" * 2001)
    assert "2000" in response.content.decode() and Comment.objects.count() == 1


def test_average_rating_on_page_card_and_json_ld(client, product, human, settings):
    settings.FEEDBACK_POST_MODERATION = True
    post(client, product, human, stars="5")
    post(client, product, human, stars="4")
    page = product_page(client, product)
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["aggregateRating"]["ratingValue"] == 4.5
    assert ld["aggregateRating"]["reviewCount"] == 2
    cards = client.get(business_url(product.business)).content.decode()
    assert "★ 4,5 (2)" in cards  # in the reader's number format


def test_business_page_shows_reply_rate_and_median_time(
    client, product, human, settings, biz_owner
):
    settings.FEEDBACK_POST_MODERATION = True
    post(client, product, human)
    post(client, product, human)
    first = Comment.objects.order_by("pk").first()
    Comment.objects.filter(pk=first.pk).update(published_at=timezone.now() - timedelta(hours=5))
    first.refresh_from_db()
    comments.reply(first, actor=biz_owner, text="Cảm ơn")
    stats = comments.reply_stats(product.business)
    assert stats["rate"] == 50 and round(stats["median"].total_seconds() / 3600) == 5
    page = client.get(business_url(product.business)).content.decode()
    assert "Trả lời 50% trong 2 đánh giá" in page and "5 giờ" in page


def test_moderation_changes_the_product_pages_etag(
    client, product, human, commune_officer, django_capture_on_commit_callbacks
):
    post(client, product, human)
    before = client.get(product.get_absolute_url())["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        comments.approve_comment(Comment.objects.get(), actor=commune_officer)
    after = client.get(product.get_absolute_url(), HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and "Hạt dẻ bùi" in after.content.decode()
