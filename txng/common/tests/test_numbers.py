from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from txng.common.numbers import QuantityInput, count, plain, quantity
from txng.common.units import unit_label


def test_vietnamese_quantity_drops_trailing_zeros_and_uses_decimal_comma():
    with translation.override("vi"):
        assert quantity(Decimal("120.000"), "pack") == "120 gói"
        assert quantity(Decimal("1234.500")) == "1.234,5"
        assert quantity(Decimal("0.250"), "kg") == "0,25 kg"


def test_english_quantity_uses_its_own_separators():
    with translation.override("en"):
        assert quantity(Decimal("1234.500")) == "1,234.5"


def test_counts_get_thousand_separators():
    with translation.override("vi"):
        assert count(1000000) == "1.000.000"
        assert count(60) == "60"


def test_unit_codes_read_in_vietnamese_and_free_text_units_stay():
    assert str(unit_label("box")) == "hộp"
    assert unit_label("túi") == "túi"


def test_every_template_formats_quantities_without_loading_a_library():
    with translation.override("vi"):
        out = Template("{{ n|qty:'pack' }} · {{ c|count }}").render(
            Context({"n": Decimal("120.000"), "c": 12000})
        )
    assert out == "120 gói · 12.000"


def test_form_initial_quantity_is_not_shown_a_thousand_times_larger():
    html = QuantityInput().render("q", Decimal("120.000"))
    assert 'value="120"' in html
    assert plain(Decimal("12.500")) == "12.5"


def test_iso_dates_kept_as_text_read_as_day_month_year():
    with translation.override("vi"):
        out = Template("{{ d|isodate }} {{ t|isodate }}").render(
            Context({"d": "2026-09-12", "t": "2026-10-08T01:30:00+00:00"})
        )
    assert out == "12/09/2026 08/10/2026"


def test_dates_default_to_day_month_year(settings):
    from datetime import date

    with translation.override("vi"):
        assert Template("{{ d|date }}").render(Context({"d": date(2026, 12, 5)})) == "05/12/2026"


def test_field_error_names_its_field_once():
    tpl = Template("{{ e|with_label:l }}")
    assert tpl.render(Context({"e": "Lý do: cần nêu lý do.", "l": "Lý do"})) == (
        "Lý do: cần nêu lý do."
    )
    assert tpl.render(Context({"e": "phải lớn hơn 0.", "l": "Số lượng"})) == (
        "Số lượng: phải lớn hơn 0."
    )
