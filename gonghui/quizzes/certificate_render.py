"""Drawing the e-certificate of participation as a PNG on the server, with a CJK font."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from gonghui.core.qr import qr_png

# Debian's fonts-noto-cjk (installed by .ci/run); settings.CERTIFICATE_FONT may name another.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
SIMPLIFIED_CHINESE = 2  # the face index of "SC" in Noto's CJK collections
RED = (200, 22, 29)
GOLD = (191, 144, 0)
INK = (40, 40, 40)
WIDTH, HEIGHT = 1600, 1131  # A4 landscape at about 136 dpi


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def font_path() -> str:
    wanted = getattr(settings, "CERTIFICATE_FONT", "")
    for candidate in (wanted, *FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    raise FontMissing("No CJK font found: install fonts-noto-cjk or set CERTIFICATE_FONT.")


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    path = font_path()
    index = SIMPLIFIED_CHINESE if "Noto" in path and path.endswith(".ttc") else 0
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return ImageFont.truetype(path, size)


@dataclass
class CertificateText:
    title: str  # 参与证书
    greeting: str  # 王强 同志：
    body: str  # 参加了 ... 特发此证。
    issuer: str
    date: str  # 2026年11月25日
    code_line: str  # 证书编号：...
    verify_url: str


def wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int) -> list[str]:
    """Lines no wider than ``width``: Chinese text breaks between any two characters."""
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=face) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines


def render_png(text: CertificateText) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 252, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=RED, width=14)
    draw.rectangle((62, 62, WIDTH - 62, HEIGHT - 62), outline=GOLD, width=3)
    draw.text((WIDTH / 2, 190), text.title, font=font(96), fill=RED, anchor="mm")
    draw.text((170, 330), text.greeting, font=font(46), fill=INK, anchor="ls")
    face, top = font(42), 420
    first = "\u3000\u3000" + text.body  # two ideographic spaces indent a paragraph
    for number, line in enumerate(wrap(draw, first, face, WIDTH - 340)):
        draw.text((170, top + number * 72), line, font=face, fill=INK, anchor="ls")
    draw.text((WIDTH - 170, 830), text.issuer, font=font(40), fill=INK, anchor="rs")
    draw.text((WIDTH - 170, 895), text.date, font=font(36), fill=INK, anchor="rs")
    qr = Image.open(io.BytesIO(qr_png(text.verify_url, scale=5, border=1))).convert("RGB")
    image.paste(qr, (170, HEIGHT - 110 - qr.height))
    draw.text((170, HEIGHT - 80), text.code_line, font=font(28), fill=INK, anchor="ls")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
