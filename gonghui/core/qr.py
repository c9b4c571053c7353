"""QR codes for posters, station plates, member e-cards and certificates: inline SVG, drawn
on the server (no script, no external service), crisp at any print size."""

import io
import re

import segno

SIZE = re.compile(r'^<svg width="(\d+)" height="(\d+)"')


def qr_svg(data: str, *, scale: int = 4, border: int = 2, title: str = "") -> str:
    """An ``<svg>`` element encoding ``data`` with medium error correction."""
    code = segno.make(data, error="m", micro=False)
    svg = code.svg_inline(scale=scale, border=border, title=title or None, svgclass="qr")
    # A viewBox beside the size: a page may draw the code smaller or larger with CSS
    # without cutting it off (segno writes one or the other).
    return SIZE.sub(r'<svg width="\1" height="\2" viewBox="0 0 \1 \2"', svg, count=1)


def qr_png(data: str, *, scale: int = 8, border: int = 2) -> bytes:
    """The same code as PNG bytes, for downloads and spreadsheets."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
