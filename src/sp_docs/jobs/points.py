"""党员积分: workbook (+ optional achievements file) → ranking XLSX + candidates list."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Location, Problems
from ..output import safe_filename, write_bytes
from . import example_step, load_valid


def read_achievements(path: Path, data) -> None:
    """Add the 成果 sheet of ``path`` (XLSX or YAML; other sheets ignored) to ``data``."""
    from ..model import Achievement
    from ..sources.dataset import read_tables
    from ..sources.rows import parse_rows
    from ..sources.schema import ACHIEVEMENTS

    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到成果文件：{path}", Location(str(path)))
    problems = Problems()
    tables = read_tables(path, problems)
    table = next((t for t in tables if t.name.strip() == ACHIEVEMENTS.name), None)
    if table is None:
        raise InputError("成果文件中没有名为“成果”的工作表", Location(str(path)))
    for row in parse_rows(table, ACHIEVEMENTS, str(path), problems):
        if row.ok:
            v = row.values
            data.achievements.append(Achievement(v["name"], v["unit"], v["item"], v["date"], v["note"] or "",
                                                 row.location))
    problems.raise_if_errors()


def points(workbook: Path, outdir: Path, *, achievements: Path | None = None, table_file: Path | None = None,
           unit: str | None = None, year: int | None = None, top: int | None = None,
           top_percent: float | None = None, per_unit: bool = False, honour: str = "优秀党员教师",
           force: bool = False):
    from ..documents import points as doc
    from ..documents.common import region_prefix, select_units
    from ..render.xlsx import table_workbook
    from ..rules import points as rules

    data, _ = load_valid(workbook)
    if achievements is not None:
        read_achievements(achievements, data)
    table = rules.load_table(table_file)
    units = select_units(data, unit) if unit else None
    rows, problems = rules.score(data, table, year=year, units=units)
    problems.raise_if_errors()
    if top is None and top_percent is None:
        top = 10
    chosen = rules.candidates(rows, top=top, top_percent=top_percent, per_unit=per_unit)
    scope = unit or region_prefix(data).removesuffix("教育系统") or "全部"
    view = doc.build(rows, table, chosen, unit_order=[u.name for u in data.units], honour=honour, year=year,
                     title=f"{scope}党员积分")
    suffix = f"_{year}" if year else ""
    totals = {"总分": list(view.categories)}
    written = [write_bytes(outdir / safe_filename(f"党员积分_{scope}{suffix}.xlsx"),
                           table_workbook(view.sheets(), sums={"总排名": totals, "各单位排名": totals}), force=force)]
    issuer = _issuer(data, unit)
    cand_sheets = [("表彰", ["姓名", "所在单位", "荣誉称号", "表彰年度", "颁发单位", "颁发日期"],
                    [[*r[:4], issuer, ""] for r in view.candidates]),
                   ("积分", ["姓名", "所在单位", "总分"], [[r[0], r[1], r[4]] for r in view.candidates])]
    written.append(write_bytes(outdir / safe_filename(f"推荐人选名单_{scope}{suffix}.xlsx"),
                               table_workbook(cand_sheets), force=force))
    if not view.candidates:
        problems.warning(f"推荐人选名单为空：{empty_reason(data, rows, year, units)}", Location(str(workbook), "成果"))
    return written, view, problems


def empty_reason(data, rows, year: int | None, units: list[str] | None) -> str:
    """Why nobody has points (for the warning when the candidates list comes out empty)."""
    if not rows:
        return "所选范围内没有党员教师（“教师”表的政治面貌为中共党员或中共预备党员的人）"
    wanted = set(units) if units is not None else None
    mine = [a for a in data.achievements if wanted is None or a.unit in wanted]
    if not mine:
        return "没有成果记录（工作簿“成果”工作表为空，或用 --achievements 给出成果文件）"
    if year is not None and not any(a.date.year == year for a in mine):
        years = sorted({a.date.year for a in mine})
        return f"{year} 年没有成果记录（成果的年度为 {'、'.join(map(str, years))}；可换 --year 或不加 --year）"
    return "成果都不属于所选范围内的党员教师（姓名和所在单位须与“教师”表一致）"


def _issuer(data, unit: str | None) -> str:
    """The 颁发单位 of the candidates list: the party organisation of the chosen unit
    (default: the top unit); empty when the 单位 sheet does not name one."""
    chosen = data.unit(unit) if unit else next(iter(data.roots()), None)
    return chosen.party_org if chosen is not None and chosen.party_org else ""


@example_step("党员积分 排名和推荐名单")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    from . import example_file, example_workbook

    written, _, _ = points(example_workbook(data_dir), outdir / "党员积分",
                           achievements=example_file(data_dir, "points_achievements.yaml"), year=2025,
                           top_percent=10, force=force)
    return written
