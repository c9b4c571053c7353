"""QR codes for posters, station plates, member e-cards and certificates: inline SVG, drawn
on the server (no script, no external service), crisp at any print size."""

import io

import segno


def qr_svg(data: str, *, scale: int = 4, border: int = 2, title: str = "") -> str:
    """An ``<svg>`` element encoding ``data`` with medium error correction."""
    code = segno.make(data, error="m", micro=False)
    return code.svg_inline(scale=scale, border=border, title=title or None, svgclass="qr")


def qr_png(data: str, *, scale: int = 8, border: int = 2) -> bytes:
    """The same code as PNG bytes, for downloads and spreadsheets."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
