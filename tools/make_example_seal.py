"""Draw data_examples/plan_seal.png: an obviously fictional sample seal (red ring, star,
the words 示例印章) for the example 实施方案.  Run: python tools/make_example_seal.py"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]


def main() -> Path:
    size = 400
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (230, 0, 0, 230)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    import math
    cx, cy, r_out, r_in = size / 2, size / 2, 60, 24
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        r = r_out if i % 2 == 0 else r_in
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=red)
    font = None
    for candidate in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                      "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"):
        if Path(candidate).is_file():
            font = ImageFont.truetype(candidate, 44)
            break
    text = "示例印章"
    if font is not None:
        width = draw.textlength(text, font=font)
        draw.text((cx - width / 2, cy + 80), text, fill=red, font=font)
    path = ROOT / "data_examples" / "plan_seal.png"
    image.save(path)
    return path


if __name__ == "__main__":
    print("built", main())
