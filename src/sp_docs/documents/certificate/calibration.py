"""The calibration page: mm rulers and crosshairs for 套打 offsets."""
from __future__ import annotations

def calibration_context(width: float, height: float, offset_x: float = 0.0, offset_y: float = 0.0,
                        page_label: str = "") -> dict:
    """A page of mm rulers (top and left edges) and crosshairs at known points."""
    ticks = []
    for mm in range(0, int(width) + 1):
        length = 8 if mm % 10 == 0 else 5 if mm % 5 == 0 else 2.5
        ticks.append({"x1": mm, "y1": 0, "x2": mm, "y2": length})
    for mm in range(0, int(height) + 1):
        length = 8 if mm % 10 == 0 else 5 if mm % 5 == 0 else 2.5
        ticks.append({"x1": 0, "y1": mm, "x2": length, "y2": mm})
    labels = [{"x": mm, "y": 9, "text": str(mm), "axis": "x"} for mm in range(10, int(width), 10)]
    labels += [{"x": 9, "y": mm, "text": str(mm), "axis": "y"} for mm in range(10, int(height), 10)]
    margin = 30
    points = [(margin, margin), (width - margin, margin), (margin, height - margin),
              (width - margin, height - margin), (round(width / 2, 1), round(height / 2, 1))]
    crosses = [{"x": round(x + offset_x, 2), "y": round(y + offset_y, 2), "label": f"({x:g}, {y:g})"}
               for x, y in points]
    return {"page_width": width, "page_height": height, "ticks": ticks, "labels": labels, "crosses": crosses,
            "offset_x": offset_x, "offset_y": offset_y, "page_label": page_label or f"{width:g}×{height:g} 毫米"}
