"""A lesson's Markdown as HTML for a phone: headings, paragraphs, lists, bold. Everything is escaped first, so a
lesson file can never put markup or script on a pupil's page."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return BOLD.sub(r"<strong>\1</strong>", str(escape(text)))


def to_html(markdown: str) -> Markup:
    out: list[str] = []
    paragraph: list[str] = []
    in_list = False

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if in_list:
            out.append("</ul>")
            in_list = False

    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif heading := re.match(r"^(#{1,4})\s+(.*)", line):
            flush()
            level = min(len(heading.group(1)) + 1, 4)  # the page's own h1 is the lesson title
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif item := re.match(r"^[-*]\s+(.*)", line):
            if paragraph:
                out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
                paragraph.clear()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(item.group(1))}</li>")
        else:
            if in_list:
                out.append("</ul>")
                in_list = False
            paragraph.append(line)
    flush()
    return Markup("\n".join(out))
