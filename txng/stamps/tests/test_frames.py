from django.utils.safestring import mark_safe

from txng.stamps.frames import fill, hole


def page(*parts):
    return "".join(hole(p[1:]) if p.startswith("$") else p for p in parts)


def test_a_frame_fills_every_hole_each_time_it_appears_and_escapes_plain_values():
    frame = page("<p>", "$code", "</p><a href='", "$next_path", "'>", "$code", "</a>")
    filled = fill(frame, {"code": "<b>X&Y</b>", "next_path": mark_safe("/q/A?b=1&amp;c=2")})
    assert filled == (
        "<p>&lt;b&gt;X&amp;Y&lt;/b&gt;</p><a href='/q/A?b=1&amp;c=2'>&lt;b&gt;X&amp;Y&lt;/b&gt;</a>"
    )


def test_holes_whose_names_share_a_prefix_are_told_apart():
    frame = page("$first", "-", "$first_scan", ".")
    assert fill(frame, {"first": "1", "first_scan": "24/11/2026"}) == "1-24/11/2026."


def test_a_page_without_holes_is_returned_as_it_is():
    assert fill("<p>Chào</p>", {"code": "x"}) == "<p>Chào</p>"
