from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from txng.catalog.tests.helpers import published
from txng.public import actions
from txng.public.models import Article, Post, PostState, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return Section.objects.create(name="Tin tức", slug="tin-tuc")


def _post(business, **fields):
    defaults = {
        "kind": "offer",
        "product_name": "Hạt dẻ tươi",
        "quantity": "5 tấn",
        "contact": "0912 345 678",
        "expires_on": date.today() + timedelta(days=30),
    }
    defaults.update(fields)
    return Post(**defaults)


def test_home_shows_published_products_and_news(
    client, biz_owner, dept_officer, dost_admin, section
):
    published(biz_owner, dept_officer, name="Miến dong Phja Đén")
    actions.save_article(
        Article(section=section, title="Vụ hạt dẻ 2026", body="<p>Tin</p>"), actor=dost_admin
    )
    html = client.get("/").content.decode()
    assert "Miến dong Phja Đén" in html and "Vụ hạt dẻ 2026" in html


def test_article_body_is_sanitised(client, dost_admin, section):
    article = actions.save_article(
        Article(
            section=section,
            title="Bài",
            body='<p onclick="x()">Chào</p><script>alert(1)</script><a href="javascript:x">l</a>',
        ),
        actor=dost_admin,
    )
    assert "<script>" not in article.body and "onclick" not in article.body
    assert "javascript:" not in article.body
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Chào</p>" in html


def test_departments_post_news_but_communes_and_businesses_do_not(
    dept_officer, commune_officer, biz_owner, section, department
):
    article = actions.save_article(
        Article(section=section, title="Sở NN", body="x"), actor=dept_officer
    )
    assert article.author_org == department
    for actor in (commune_officer, biz_owner):
        with pytest.raises(PermissionDenied):
            actions.save_article(Article(section=section, title="x", body="x"), actor=actor)


def test_future_article_is_not_public_yet(client, dost_admin, section):
    from django.utils import timezone

    article = actions.save_article(
        Article(
            section=section,
            title="Sắp đăng",
            body="x",
            published_at=timezone.now() + timedelta(days=2),
        ),
        actor=dost_admin,
    )
    assert client.get(article.get_absolute_url()).status_code == 404


def test_board_post_is_moderated_then_listed_and_expires(client, biz_owner, dept_officer):
    post = actions.submit_post(_post(None), actor=biz_owner)
    assert "Hạt dẻ tươi" not in client.get(reverse("public:board")).content.decode()
    actions.approve_post(post, actor=dept_officer)
    assert "Hạt dẻ tươi" in client.get(reverse("public:board")).content.decode()
    Post.objects.filter(pk=post.pk).update(expires_on=date.today() - timedelta(days=1))
    assert "Hạt dẻ tươi" not in client.get(reverse("public:board")).content.decode()


def test_board_filters_by_kind_and_unaccented_words(client, biz_owner, dept_officer):
    for kind, name in (("offer", "Miến dong"), ("request", "Củ dong riềng")):
        actions.approve_post(
            actions.submit_post(_post(None, kind=kind, product_name=name), actor=biz_owner),
            actor=dept_officer,
        )
    html = client.get(reverse("public:board"), {"kind": "request"}).content.decode()
    assert "Củ dong riềng" in html and "Miến dong" not in html
    html = client.get(reverse("public:board"), {"q": "mien"}).content.decode()
    assert "Miến dong" in html and "Củ dong riềng" not in html


def test_post_rejection_needs_reason_and_other_agencies_cannot_moderate(
    biz_owner, dept_officer, other_commune_officer
):
    post = actions.submit_post(_post(None), actor=biz_owner)
    with pytest.raises(ValidationError):
        actions.reject_post(post, actor=dept_officer, reason="")
    with pytest.raises(PermissionDenied):
        actions.approve_post(post, actor=other_commune_officer)
    actions.reject_post(post, actor=dept_officer, reason="Thiếu số lượng cụ thể")
    post.refresh_from_db()
    assert post.state == PostState.REJECTED and post.reason == "Thiếu số lượng cụ thể"


def test_business_cannot_see_another_businesss_posts(login, biz_owner, other_biz):
    post = actions.submit_post(_post(None), actor=biz_owner)
    client = login(other_biz)
    assert client.get(reverse("public:post_edit", args=[post.pk])).status_code == 404
    assert "Hạt dẻ tươi" not in client.get(reverse("public:my_posts")).content.decode()


@pytest.mark.parametrize(
    "name", ["my_posts", "post_new", "board_queue", "manage_news", "article_new", "manage_banners"]
)
def test_anonymous_visitor_is_sent_to_login(client, name):
    response = client.get(reverse(f"public:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["board_queue", "manage_news", "manage_banners"])
def test_business_cannot_open_authority_pages(login, biz_owner, name):
    assert login(biz_owner).get(reverse(f"public:{name}")).status_code == 403


def test_only_dost_manages_banners(login, dept_officer):
    assert login(dept_officer).get(reverse("public:manage_banners")).status_code == 403
