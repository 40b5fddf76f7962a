"""Django's {# #} comments end at the line's end: one spread over two lines is printed on the page
as text (it was, on the product and scan pages). Longer comments use {% comment %}."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_has_a_one_line_comment_spread_over_lines():
    wrong = []
    for path in sorted(Path(TEMPLATES.parent).rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            start = line.rfind("{#")
            if start != -1 and "#}" not in line[start:]:
                wrong.append(f"{path.relative_to(TEMPLATES.parent)}:{number}")
    assert wrong == []
