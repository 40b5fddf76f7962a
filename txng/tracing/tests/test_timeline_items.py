"""The public timeline's items, built in Python, read exactly as the template they replace."""

from datetime import UTC, datetime

from django.template import Context, Template

from txng.accounts.models import Organisation
from txng.tracing.queries import Step
from txng.tracing.templatetags.trace_steps import timeline_items

# The loop of tracing/_public_timeline.html before the tag replaced it.
TEMPLATE = """{% load i18n %}{% for s in steps %}<li{% if s.warning %} class="warning"{% endif %}><time datetime="{{ s.time|date:'c' }}">{{ s.time|date:"d/m/Y H:i" }}</time> <strong>{{ s.title }}</strong> — {{ s.business }}{% if s.receiver %} → {{ s.receiver }}{% endif %}
{% if s.detail and not s.receiver %}<br>{{ s.detail }}{% endif %}
{% if s.place %}<br><small>{% trans "Địa điểm" %}: {{ s.place }}</small>{% endif %}
<br><small>{% trans "Mã địa điểm" %}: {% if s.place_code %}<span class="code">{{ s.place_code }}</span>{% else %}<span class="muted">{% trans "chưa ghi" %}</span>{% endif %}
· {% trans "Mã truy vết" %}: <span class="code">{{ s.trace_code }}</span></small></li>{% endfor %}"""  # noqa: E501


def test_timeline_items_read_as_the_template_did_and_escape_every_value():
    farm = Organisation(name='HTX "Hạt dẻ" <Trùng Khánh>', address="Xóm Nà & Giàng")
    shop = Organisation(name="Cửa hàng O'Lan")
    steps = [
        Step(
            time=datetime(2026, 9, 20, 1, 30, 5, 120, tzinfo=UTC),
            title="Thu hoạch <b>",
            business=farm,
            place="Vườn <1>",
            detail="Hái & phơi",
            place_code="(414)8930000000019",
            trace_code="(01)08930000000019(10)HD-1",
        ),
        Step(
            time=datetime(2026, 9, 21, 17, 0, tzinfo=UTC),  # the next day in Vietnam
            title="Vận chuyển",
            business=farm,
            place="",
            detail="Từ a đến b",
            warning=True,
            trace_code="HD-1",
            receiver=shop,
        ),
    ]
    assert str(timeline_items(steps)) == Template(TEMPLATE).render(Context({"steps": steps}))
