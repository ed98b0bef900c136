"""Paper sizes and the default field boxes of a certificate page (mm, pt)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

PAPER_SIZES = {  # portrait width × height, mm
    "A4": (210, 297), "A3": (297, 420), "A5": (148, 210), "B5": (176, 250),
    "正度16开": (195, 270), "大度16开": (220, 295), "正度8开": (270, 390), "大度8开": (295, 420),
    "8开": (270, 390), "16开": (195, 270),
}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×X*＊]\s*(\d+(?:\.\d+)?)\s*(?:mm|毫米)?\s*$")


def parse_page_size(text: str) -> tuple[float, float]:
    """``A4横向`` · ``A4纵向`` · ``正度16开`` · ``297x210`` (mm, width × height)."""
    raw = str(text or "").strip()
    match = _SIZE_RE.match(raw)
    if match:
        width, height = float(match.group(1)), float(match.group(2))
        if not (50 <= width <= 1200 and 50 <= height <= 1200):
            raise ValueError("纸张宽、高应在 50–1200 毫米之间")
        return width, height
    name = raw.replace(" ", "")
    landscape = None
    for suffix, value in (("横向", True), ("横", True), ("landscape", True), ("纵向", False), ("竖向", False),
                          ("纵", False), ("竖", False), ("portrait", False)):
        if name.lower().endswith(suffix):
            name, landscape = name[: -len(suffix)], value
            break
    size = PAPER_SIZES.get(name.upper() if name[:1].isascii() else name)
    if size is None:
        raise ValueError(f"可用：{'、'.join(PAPER_SIZES)}（后加“横向”或“纵向”），或“宽x高”毫米，如 297x210")
    width, height = size
    if landscape is None:
        landscape = name.upper() == "A4"  # bare A4 means the usual landscape certificate
    return (height, width) if landscape else (width, height)


@dataclass(frozen=True)
class Box:
    """A field box on the page; x, y = top-left corner (mm)."""

    x: float
    y: float
    width: float
    height: float
    size: float  # preferred font size, pt
    floor: float  # smallest font size allowed, pt
    role: str = "kai"
    align: str = "left"
    line_height: float = 1.5  # body only (multiple of the font size)


# Reference layouts (mm / pt) for A4 landscape and A4 portrait; other sizes scale.
_LANDSCAPE = {
    "title": Box(0, 24, 297, 30, 50, 30, "kai", "center"),
    "greeting": Box(40, 66, 217, 14, 24, 14, "kai", "left"),
    "body": Box(40, 83, 217, 54, 22, 14, "kai", "left", 1.6),
    "issuer": Box(140, 142, 120, 12, 20, 12, "kai", "center"),
    "date": Box(140, 156, 120, 11, 18, 12, "kai", "center"),
    "number": Box(40, 180, 120, 8, 11, 8, "fang", "left"),
}
_PORTRAIT = {
    "title": Box(0, 40, 210, 32, 46, 28, "kai", "center"),
    "greeting": Box(26, 96, 158, 14, 22, 13, "kai", "left"),
    "body": Box(26, 114, 158, 82, 20, 13, "kai", "left", 1.6),
    "issuer": Box(74, 208, 112, 12, 18, 11, "kai", "center"),
    "date": Box(74, 222, 112, 11, 16, 11, "kai", "center"),
    "number": Box(26, 266, 120, 8, 10.5, 8, "fang", "left"),
}


def default_layout(width: float, height: float) -> dict[str, Box]:
    landscape = width >= height
    ref, (rw, rh) = (_LANDSCAPE, (297, 210)) if landscape else (_PORTRAIT, (210, 297))
    sx, sy = width / rw, height / rh
    scale = min(sx, sy)
    return {key: replace(box, x=round(box.x * sx, 1), y=round(box.y * sy, 1), width=round(box.width * sx, 1),
                         height=round(box.height * sy, 1), size=round(box.size * scale, 1),
                         floor=round(box.floor * scale, 1))
            for key, box in ref.items()}


