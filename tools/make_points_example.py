"""Generate data_examples/points_achievements.yaml: a 成果 sheet for the example
city's Party-member teachers (fixed seed), used by `sp-docs all` for 党员积分.

    python tools/make_points_example.py
"""
from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sp_docs.rules.points import default_table  # noqa: E402
from sp_docs.sources import load_dataset  # noqa: E402

NOTES = {"教学业绩": ("执教课例获评优等", "学科质量评价位列前茅", "参赛课例获奖"),
         "科研成果": ("课题已结题", "论文公开发表", "成果在本校推广"),
         "示范引领": ("面向全校教师开课", "送教到乡镇学校", "带教青年教师")}


def main() -> int:
    data, _ = load_dataset(ROOT / "data_examples" / "city.xlsx")
    rng = random.Random(6)
    items = default_table().items
    rows = []
    members = [t for t in data.teachers if t.is_party_member]
    for teacher in members:
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            item = rng.choice(items)
            day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
            rows.append({"姓名": teacher.name, "所在单位": teacher.unit, "项目": item.item,
                         "日期": day.isoformat(), "说明": rng.choice(NOTES[item.category])})
    rows.sort(key=lambda r: (r["日期"], r["所在单位"], r["姓名"]))
    header = ("# 示例：青川市党员教师成果（虚构），供 sp-docs points 使用。\n"
              "# 由 tools/make_points_example.py 生成（固定随机种子）。\n"
              "# Example achievements for `sp-docs points --achievements`; generated, do not edit.\n")
    out = ROOT / "data_examples" / "points_achievements.yaml"
    out.write_text(header + yaml.safe_dump({"成果": rows}, allow_unicode=True, sort_keys=False, width=200),
                   encoding="utf-8")
    print(f"{out}: {len(rows)} 条成果，党员教师 {len(members)} 人")
    return 0


if __name__ == "__main__":
    sys.exit(main())
