"""Charts as inline SVG, drawn here: no chart library and no script, so the technician's page works on a phone
without JavaScript or the internet and weighs a few kilobytes. Colours are attributes (the pages' CSP allows no
inline style)."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#2f6f4f"
LINE = "#1f4e79"
GRID = "#c8c8c8"
TEXT = "#333333"


def _number(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def bar_chart(items: list[tuple[str, float]], unit: str, title: str, width: int = 320) -> Markup:
    """One horizontal bar per item, labelled with its name and value."""
    row, label_w, value_w = 22, 110, 60
    height = row * max(1, len(items)) + 8
    top = max((value for _, value in items), default=0) or 1
    bar_w = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (name, value) in enumerate(items):
        y = 4 + index * row
        length = max(0.0, value / top * bar_w)
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12" fill="{TEXT}">{escape(name[:16])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{BAR}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 15}" font-size="12" fill="{TEXT}">'
            f"{_number(value)} {escape(unit)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(points: list[tuple[str, float | None]], title: str, top: float = 100, width: int = 320) -> Markup:
    """A line through the points (left to right, evenly spaced), 0 to `top`, with the first and last labels."""
    height, left, bottom = 140, 28, 20
    plot_w, plot_h = width - left - 4, height - bottom - 8
    known = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    step = plot_w / max(1, len(points) - 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for fraction in (0, 0.5, 1):
        y = 8 + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 4}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="0" y="{y + 4:.1f}" font-size="11" fill="{TEXT}">{top * fraction:.0f}</text>'
        )
    if known:
        path = " ".join(f"{left + i * step:.1f},{8 + plot_h * (1 - min(v, top) / top):.1f}" for i, v in known)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>')
        first, last = points[0][0], points[-1][0]
        parts.append(
            f'<text x="{left}" y="{height - 4}" font-size="11" fill="{TEXT}">{escape(first)}</text>'
            f'<text x="{width - 4}" y="{height - 4}" font-size="11" fill="{TEXT}" text-anchor="end">'
            f"{escape(last)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
