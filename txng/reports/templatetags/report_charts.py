"""Charts drawn on the server as inline SVG: no script, nothing for the CSP to allow, and the
page prints. Each chart repeats a table that stands beside it, so it is `aria-hidden`."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from txng.common.numbers import count

register = template.Library()

BAR_H = 26
LABEL_W = 118
WIDTH = 320


def _short(text, length):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


@register.simple_tag
def chart(section):
    if not section.rows or section.chart not in ("bar", "columns"):
        return ""
    if section.chart == "columns":
        return _columns(section)
    return _bars(section)


def _bars(section):
    peak = section.peak or 1
    room = WIDTH - LABEL_W - 48
    height = BAR_H * len(section.rows) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-hidden="true" preserveAspectRatio="xMinYMin meet">'
    ]
    for i, row in enumerate(section.rows):
        y = i * BAR_H + 2
        w = round(room * row.value / peak, 1) if row.value else 0
        parts.append(
            f'<text x="0" y="{y + 17}" class="chart-label">{escape(_short(row.label, 15))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{max(w, 1)}" height="{BAR_H - 8}" '
            f'class="chart-bar chart-bar-{i % 6}"><title>{escape(row.label)}: '
            f"{count(row.value)}</title></rect>"
            f'<text x="{LABEL_W + w + 4}" y="{y + 17}" class="chart-value">'
            f"{count(row.value)}</text>"
        )
    parts.append("</svg>")
    # Every label is escaped above; the rest are numbers.
    return mark_safe("".join(parts))  # noqa: S308


def _columns(section):
    rows = section.rows
    peak = section.peak or 1
    plot_h, top, bottom = 130, 18, 24
    slot = (WIDTH - 10) / len(rows)
    width = max(min(slot * 0.7, 40), 2)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {plot_h + top + bottom}" width="100%" '
        f'role="img" aria-hidden="true">',
        f'<line x1="0" x2="{WIDTH}" y1="{top + plot_h}" y2="{top + plot_h}" class="chart-axis"/>',
    ]
    every = max(1, len(rows) // 12)
    for i, row in enumerate(rows):
        h = round(plot_h * row.value / peak, 1)
        x = 5 + i * slot + (slot - width) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h}" width="{width:.1f}" height="{max(h, 0.5)}" '
            f'class="chart-bar chart-bar-0"><title>{escape(row.label)}: {count(row.value)}'
            f"</title></rect>"
        )
        if i % every == 0:
            label = escape(_short(row.label, 7)[:2] if len(rows) > 6 else row.label)
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'class="chart-label">{label}</text>'
            )
    parts.append(f'<text x="0" y="13" class="chart-value">{count(peak)}</text></svg>')
    return mark_safe("".join(parts))  # noqa: S308
