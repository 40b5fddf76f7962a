"""The lot page's history, built in Python (templatetags/lot_history.py): it reads exactly as the
template loops it replaced, escapes every value, and keeps the page's rules on who may correct or
declare an event wrong."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from txng.catalog.models import Facility
from txng.common import formhtml
from txng.tracing import actions
from txng.tracing.forms import DiaryForm, QuantityReasonForm, ShipForm
from txng.tracing.models import DiaryEntry

from .conftest import ship_and_receive

pytestmark = pytest.mark.django_db

# The two loops of tracing/lot_detail.html before the tags replaced them.
TIMELINE = """{% load i18n %}{% for e in history %}<li><time>{{ e.event_time|date:"d/m/Y H:i" }}</time><strong>{{ e.title }}</strong>{% if e.declares_error_on %} <span class="pill pill-rejected">{% trans "khai báo sai sót" %}</span>{% endif %}{% if e.error_declarations.all %} <span class="pill pill-rejected">{% trans "đã khai báo sai" %}</span>{% endif %}
 — {{ e.business }}{% if e.facility %}, {{ e.facility }}{% endif %}
{% if e.public_detail %}<br>{{ e.public_detail }}{% endif %}
{% if e.stock_note %}<br><small>{{ e.stock_note }}</small>{% endif %}
{% if e.diary_entry %}{% with d=e.diary_entry %}<br><small>{% if d.person %}{{ d.person }} · {% endif %}{% if d.quantity %}{{ d.quantity|qty }} · {% endif %}{% if d.input_supplier_lot %}{{ d.input_supplier_lot }} · {% endif %}{{ d.notes }}</small>{% if d.photo %}<br><img src="{{ d.photo.url }}" alt="" width="120" loading="lazy">{% endif %}{% endwith %}{% endif %}
{% if own and not e.declares_error_on and not e.error_declarations.all and e.business_id == user.organisation_id %}
{% if e.diary_entry %}<a href="{% url 'tracing:diary_correct' e.diary_entry.pk %}">{% trans "Sửa (khai báo sai sót và ghi bản đúng)" %}</a>{% else %}<details class="reveal"><summary>{% trans "Khai báo sai sót" %}</summary><form method="post" action="{% url 'tracing:declare_error' e.pk %}">{% csrf_token %}<div class="field"><label for="r{{ e.pk }}">{% trans "Lý do" %}</label><input type="text" id="r{{ e.pk }}" name="reason" required></div><button class="btn btn-secondary">{% trans "Gửi" %}</button></form></details>{% endif %}{% endif %}
</li>{% empty %}<li>{% trans "Chưa có sự kiện." %}</li>{% endfor %}"""  # noqa: E501
TECHNICAL = """{% for e in history %}<li>{{ e.event_time|date:"d/m/Y H:i" }} · {{ e.title }}<br><small class="code">{{ e.event_id }}</small></li>{% endfor %}"""  # noqa: E501
TAGS = (
    "{% load lot_history %}{% lot_timeline_items history own %}|{% lot_technical_items history %}"
)


def _busy_lot(lot, owner):
    """A lot whose history holds every kind of row the page shows, with markup in its texts."""
    entry = actions.add_diary_entry(
        lot,
        actor=owner,
        stage_kind="care",
        stage_name="<script>alert(1)</script>",
        person='Chị "Lan" & anh Tú',
        quantity="12.500",
        input_supplier_lot="NPK <lô 7>",
        notes="Tưới <b>sáng</b>",
    )
    DiaryEntry.objects.filter(pk=entry.pk).update(photo="public/diary/2026/09/a b&c.jpg")
    actions.add_diary_entry(lot, actor=owner, stage_kind="care", notes="")
    actions.adjust_stock(lot, actor=owner, delta="-2.5", reason="Hao <hụt>")
    actions.destroy(lot, actor=owner, quantity=1, reason="Mốc")
    actions.declare_error(lot.events.latest("id"), actor=owner, reason="Ghi nhầm")
    return lot


def _page_context(client, user, lot):
    client.force_login(user)
    response = client.get(reverse("tracing:lot", args=[lot.pk]))
    assert response.status_code == 200
    return response, {
        "history": response.context["history"],
        "own": response.context["own"],
        "user": user,
        "csrf_token": "TOKEN-1",
    }


@pytest.mark.parametrize("who", ["biz_owner", "dept_officer", "third_owner"])
def test_lot_history_reads_as_the_template_loops_did(client, request, lot, biz_owner, who):
    _busy_lot(lot, biz_owner)
    third = request.getfixturevalue("third_owner")
    received = ship_and_receive(lot, biz_owner, third, 5)
    received_lot = getattr(received, "received_lot", None) or received
    actions.add_diary_entry(received_lot, actor=third, stage_kind="care", notes="Chia <gói>")
    user = request.getfixturevalue(who)
    shown = received_lot if who == "third_owner" else lot
    _response, context = _page_context(client, user, shown)
    assert len(context["history"]) >= (2 if who == "third_owner" else 6)
    old = (
        Template(TIMELINE).render(Context(context))
        + "|"
        + Template(TECHNICAL).render(Context(context))
    )
    assert Template(TAGS).render(Context(context)) == old


def test_an_empty_history_reads_as_before():
    context = {"history": [], "own": True, "user": None, "csrf_token": "T"}
    old = (
        Template(TIMELINE).render(Context(context))
        + "|"
        + Template(TECHNICAL).render(Context(context))
    )
    assert Template(TAGS).render(Context(context)) == old == "<li>Chưa có sự kiện.</li>|"


def test_the_lot_page_escapes_a_title_and_a_diary_text(client, lot, biz_owner):
    _busy_lot(lot, biz_owner)
    response, _context = _page_context(client, biz_owner, lot)
    page = response.content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Tưới &lt;b&gt;sáng&lt;/b&gt;" in page and "NPK &lt;lô 7&gt;" in page
    assert "Chị &quot;Lan&quot; &amp; anh Tú · 12,5 · " in page


def test_a_declared_error_shows_its_pills_and_no_second_declaration(client, lot, biz_owner):
    _busy_lot(lot, biz_owner)
    response, context = _page_context(client, biz_owner, lot)
    page = response.content.decode()
    assert page.count('<span class="pill pill-rejected">đã khai báo sai</span>') == 1
    assert page.count('<span class="pill pill-rejected">khai báo sai sót</span>') == 1
    declared = [e for e in context["history"] if e.error_declarations.all()]
    declaring = [e for e in context["history"] if e.declares_error_on_id]
    for event in declared + declaring:
        assert reverse("tracing:declare_error", args=[event.pk]) not in page


def test_the_owner_may_declare_an_event_wrong_with_the_page_token(client, lot, biz_owner):
    _busy_lot(lot, biz_owner)
    response, context = _page_context(client, biz_owner, lot)
    page = response.content.decode()
    adjusted = next(e for e in context["history"] if e.stock_note)
    form = f'<form method="post" action="{reverse("tracing:declare_error", args=[adjusted.pk])}">'
    assert form in page
    after = page[page.index(form) + len(form) :]
    assert after.startswith('<input type="hidden" name="csrfmiddlewaretoken" value="')
    assert f'<label for="r{adjusted.pk}">' in after
    entry = next(e.diary_entry for e in context["history"] if hasattr(e, "diary_entry"))
    assert reverse("tracing:diary_correct", args=[entry.pk]) in page


def test_an_official_sees_the_history_without_correction_forms(
    client, lot, biz_owner, dept_officer
):
    _busy_lot(lot, biz_owner)
    response, context = _page_context(client, dept_officer, lot)
    page = response.content.decode()
    assert not context["own"] and "&lt;script&gt;alert(1)" in page
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "<form" not in timeline and "<a " not in timeline
    for event in context["history"]:
        assert reverse("tracing:declare_error", args=[event.pk]) not in page
        if hasattr(event, "diary_entry"):
            assert reverse("tracing:diary_correct", args=[event.diary_entry.pk]) not in page


def _include(form):
    return Template('{% include "includes/form.html" %}').render(Context({"form": form}))


def _lot_forms(lot):
    # The times fixed: "now" may pass a minute between two renderings.
    return [
        DiaryForm(prefix="diary", lot=lot, initial={"time": "2026-09-20T08:00"}),
        ShipForm(business=lot.business, prefix="ship", initial={"shipped_at": "2026-09-20T08:00"}),
        QuantityReasonForm(prefix="mv"),
    ]


def test_empty_forms_kept_read_as_the_include_and_show_new_choices_at_once(lot, other_business):
    for first, again, included in zip(
        _lot_forms(lot), _lot_forms(lot), _lot_forms(lot), strict=True
    ):
        assert formhtml.form_fields(first) == _include(included)
        assert formhtml.form_fields(again) == _include(included)
    Facility.objects.create(business=lot.business, name="Kho <mới>", kind="warehouse")
    other_business.name = "Công ty Non Nước mới"
    other_business.save()
    diary, ship, _mv = _lot_forms(lot)
    assert "Kho &lt;mới&gt;" in formhtml.form_fields(diary)
    assert "Công ty Non Nước mới" in formhtml.form_fields(ship)
    with translation.override("en"):
        assert formhtml.form_fields(QuantityReasonForm(prefix="mv")) == _include(
            QuantityReasonForm(prefix="mv")
        )


def test_a_form_with_the_users_values_is_never_kept(lot):
    empty = formhtml.form_fields(QuantityReasonForm(prefix="mv"))
    bound = QuantityReasonForm({"mv-quantity": "7", "mv-reason": "Lý do <riêng>"}, prefix="mv")
    assert "Lý do &lt;riêng&gt;" in formhtml.form_fields(bound)
    assert formhtml.form_fields(QuantityReasonForm(prefix="mv")) == empty
    assert "riêng" not in empty


def test_the_kept_form_holds_the_time_it_was_asked_for(lot):
    first = DiaryForm(prefix="diary", lot=lot, initial={"time": "2026-09-20T08:00"})
    later = DiaryForm(prefix="diary", lot=lot, initial={"time": "2026-09-20T08:01"})
    assert 'value="2026-09-20T08:00"' in formhtml.form_fields(first)
    assert 'value="2026-09-20T08:01"' in formhtml.form_fields(later)


def test_an_empty_form_reads_each_choice_list_once(lot, django_assert_num_queries):
    with django_assert_num_queries(1):  # the receivers, and no COUNT before them
        html = formhtml.form_fields(ShipForm(business=lot.business, prefix="ship"))
    assert "<select" in html


def test_the_lot_page_reads_its_history_in_queries_that_do_not_grow_with_it(
    client, lot, biz_owner, django_assert_max_num_queries
):
    _busy_lot(lot, biz_owner)
    client.force_login(biz_owner)
    url = reverse("tracing:lot", args=[lot.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        actions.add_diary_entry(lot, actor=biz_owner, stage_kind="care", person=f"Người {n}")
    actions.destroy(lot, actor=biz_owner, quantity=1, reason="Mốc")
    actions.declare_error(lot.events.latest("id"), actor=biz_owner, reason="Ghi nhầm")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "Người 4 · " in page
