"""The pack's fonts: Noto Sans (and Noto Sans Arabic), subset to the characters it shows."""

from __future__ import annotations

import base64
import importlib.util
import io
from pathlib import Path

from fontTools import subset

FONTS = Path(__file__).resolve().parent.parent / "fonts"
# (CSS family, weight, file); the Arabic font only where the text needs it.
LATIN = (("Pack Sans", 400, "NotoSans-Regular.ttf"), ("Pack Sans", 700, "NotoSans-Bold.ttf"))
ARABIC = (
    ("Pack Arabic", 400, "NotoSansArabic-Regular.ttf"),
    ("Pack Arabic", 700, "NotoSansArabic-Bold.ttf"),
)
# What a reviewer may type although the pack does not show it: ASCII and Latin-1.
TYPED = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100))


def _flavor() -> str:
    # WOFF2 needs brotli (a dependency of WeasyPrint's fontTools[woff]); WOFF needs only zlib.
    return "woff2" if importlib.util.find_spec("brotli") else "woff"


def font_faces(text: str) -> str:
    """Return @font-face rules with the fonts inline, subset to `text` and typed Latin."""
    needed = set(text) | set(TYPED)
    faces = list(LATIN)
    if any("\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufefc" for c in needed):
        faces += ARABIC
    flavor = _flavor()
    rules = []
    for family, weight, name in faces:
        data = _subset(FONTS / name, "".join(sorted(needed)), flavor)
        encoded = base64.b64encode(data).decode("ascii")
        rules.append(
            f'@font-face{{font-family:"{family}";font-weight:{weight};font-style:normal;'
            f"font-display:swap;src:url(data:font/{flavor};base64,{encoded}) "
            f'format("{flavor}")}}'
        )
    return "\n".join(rules)


def _subset(path: Path, text: str, flavor: str) -> bytes:
    options = subset.Options()
    options.flavor = flavor
    options.layout_features = ["*"]  # Arabic needs its joining forms and ligatures
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and the licence
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()
