"""Server-rendered, accessible SVG charts: no JavaScript, no colour-only meaning, scaled by ``viewBox``.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby`` / ``aria-describedby``); every bar carries its value as text, and a missing value
is written out ("no value"), not left as a gap. The pages put a data table beside each chart.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# the chart palette (on white): the bars and the target line reach WCAG AA for graphics and text
BAR = "#1f5c3a"
TARGET = "#8a1c1c"
AXIS = "#4a524e"
TEXT = "#1b1f1d"
MISSING = "#4a524e"


def format_number(value: Decimal | float | int | None) -> str:
    """A value as people read it in the active language: "85", "85,5" (vi) / "85.5" (en)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value.to_integral_value(), 0, use_l10n=True, force_grouping=True)
    return number_format(
        value.quantize(Decimal("0.01")).normalize(), None, use_l10n=True, force_grouping=True
    )


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, width: int, height: int, title: str, description: str, css: str) -> list[str]:
    chart_id = escape(chart_id)
    return [
        f'<svg class="chart {css}" role="img" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def trend_chart(
    series: Sequence[tuple[str, Decimal | None]],
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str = "",
    target: Decimal | None = None,
    target_label: str = "",
) -> SafeString:
    """A bar per period, oldest at the top, its value written at its end, and an optional target line.

    Horizontal bars keep every label and value legible on a 360 px phone. ``series`` holds (period
    label, value or None); ``unit`` is appended to the values ("%").
    """
    return _bars(series, chart_id, title, description, unit, target, target_label, "chart-trend", 84)


def ranking_chart(
    items: Sequence[tuple[str, Decimal | None]],
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str = "",
    target: Decimal | None = None,
    target_label: str = "",
) -> SafeString:
    """A horizontal bar per item (in the given order), its label on the left and its value at its end."""
    return _bars(items, chart_id, title, description, unit, target, target_label, "chart-ranking", 132)


WIDTH = 360  # the viewBox's width: on a 360 px phone one unit is about one CSS pixel
ROW = 26
FONT = 13
LABEL_CHARS = {84: 10, 132: 17}


def _bars(items, chart_id, title, description, unit, target, target_label, css, label_w) -> SafeString:
    value_w, top, bottom = 58, 8, 30 if target is not None else 8
    plot_w = WIDTH - label_w - value_w
    rows = max(len(items), 1)
    axis_bottom = top + ROW * rows
    height = axis_bottom + bottom
    values = [v for _label, v in items if v is not None]
    peak = max([Decimal(0), *values, *([target] if target is not None else [])]) or Decimal(1)

    def w_of(value: Decimal) -> float:
        return float(value / peak) * plot_w

    parts = _open(chart_id, WIDTH, height, title, description, css)
    limit = LABEL_CHARS.get(label_w, 14)
    for index, (label, value) in enumerate(items):
        y = top + ROW * index
        baseline = _num(y + ROW / 2 + FONT / 2 - 2)
        text = label if len(label) <= limit else label[: limit - 1] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{baseline}" text-anchor="end" font-size="{FONT}" '
            f'fill="{TEXT}">{escape(text)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{label_w + 4}" y="{baseline}" font-size="{FONT}" fill="{MISSING}">'
                f"{escape(_('no value'))}</text>"
            )
            continue
        bar = w_of(value)
        parts.append(
            f'<rect class="chart-bar" x="{label_w}" y="{_num(y + 4)}" width="{_num(bar)}" '
            f'height="{ROW - 8}" fill="{BAR}"/>'
        )
        parts.append(
            f'<text x="{_num(label_w + bar + 4)}" y="{baseline}" font-size="{FONT}" '
            f'fill="{TEXT}">{escape(format_number(value) + unit)}</text>'
        )
    parts.append(
        f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{axis_bottom}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    if target is not None:
        x = label_w + w_of(target)
        parts.append(
            f'<line class="chart-target" x1="{_num(x)}" y1="{top}" x2="{_num(x)}" y2="{axis_bottom}" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        text = f"{target_label or _('Target')}: {format_number(target)}{unit}"
        anchor = "end" if x > WIDTH / 2 else "start"
        parts.append(
            f'<text x="{_num(x)}" y="{axis_bottom + 20}" text-anchor="{anchor}" font-size="{FONT}" '
            f'font-weight="bold" fill="{TARGET}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
