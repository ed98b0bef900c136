"""The roll-up: returned 附件2 workbooks → one city workbook (汇总表, 问题, 计划对比)."""
from __future__ import annotations

from pathlib import Path

from ..errors import SpDocsError
from ..output import write_bytes
from . import example_data, example_step, load_valid

def city_workbook(rolled, comparison=None, title: str = "“双培”工程实施情况汇总表（全市）") -> bytes:
    from openpyxl import Workbook

    from ..render import xlsx_layout as layout
    from ..render.xlsx import write_table

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    from ..tables import ANNEX2

    # the 附件2 columns (one spec), with the unit after 序号 and where each row came from
    write_table(ws, [ANNEX2.headers[0], "单位", *ANNEX2.headers[1:], "来源文件", "来源行"],
                [[i, r.unit, r.name, r.birth, r.track, r.year or "", r.note, Path(r.file).name, f"{r.sheet}!{r.row}"]
                 for i, r in enumerate(rolled.rows, start=1)],
                title=title, kinds={"“双培”类别": "int", "完成年度": "int"}, landscape=True)

    problems = wb.create_sheet("问题")
    write_table(problems, ["级别", "文件", "工作表", "行", "问题", "该行内容", "是否计入汇总表"],
                [[i.level, Path(i.file).name, i.sheet, i.row, i.message, i.content, i.counted_text]
                 for i in rolled.issues],
                title=rolled.summary(), widths=[8, 30, 10, 6, 44, 50, 12], landscape=True,
                highlight={n for n, i in enumerate(rolled.issues) if i.excluded or not i.row and i.level == "问题"})
    problems["A1"].font = layout.font("body", 12)
    problems["A1"].alignment = layout.LEFT

    if comparison is not None:
        sheet = wb.create_sheet("计划对比")
        rows, short = [], set()
        for n, p in enumerate(comparison):
            if not p.reported:
                rows.append([p.unit, p.year, f"{int(p.track)} {p.track.label}", p.planned, "未上报", "", ""])
                continue
            rows.append([p.unit, p.year, f"{int(p.track)} {p.track.label}", p.planned, p.completed,
                         p.rate if p.rate is not None else "", p.completed - p.planned])
            if p.short:
                short.add(n)
        write_table(sheet, ["单位", "年度", "“双培”类别", "计划数", "完成数", "完成率", "差额"], rows,
                    title=("计划完成情况（完成数按各单位上报的完成年度统计；红色为未完成计划；"
                           "“未上报”为没有任何报回的附件2 涉及该单位该年度，不计为未完成）"),
                    kinds={"完成率": "ratio"}, highlight=short, landscape=False)
        sheet["A1"].font = layout.font("body", 12)
        sheet["A1"].alignment = layout.LEFT
    return layout.save(wb)


def merge(paths: list[Path], output: Path, *, plan: Path | None = None, force: bool = False):
    from ..documents import rollup

    if output.suffix.lower() != ".xlsx":
        raise SpDocsError(f"全市汇总表只能写成 Excel 工作簿：输出文件名应以 .xlsx 结尾（现为“{output.name}”），"
                          f"例如 -o {output.with_suffix('.xlsx').name}")
    data = load_valid(plan)[0] if plan else None
    units = [u.name for u in data.units] if data else None
    parents = {u.name: u.parent for u in data.units} if data else None
    from ..sources.returns import read_returns

    rolled = rollup.roll_up(read_returns(paths, units, output=output), units, parents=parents)
    comparison = rollup.plan_comparison(data, rolled) if data else None
    title = "“双培”工程实施情况汇总表"
    if data is not None:
        from ..documents.common import region_prefix

        title = f"{region_prefix(data)}{title}"
    path = write_bytes(output, city_workbook(rolled, comparison, title), force=force)
    return path, rolled, comparison


@example_step("汇总：各单位附件2 → 全市汇总表（含计划对比）")
def example(data_dir: Path, outdir: Path, force: bool) -> list[Path]:
    """Merge the returns each unit under the root sends (not the root's own 附件2,
    which would report every person a second time)."""
    from ..documents.annex2 import default_year
    from ..output import safe_filename
    from .annex2 import example as annex2_example

    workbook, data = example_data(data_dir)
    top = data.roots()[0].name
    if not data.children(top):
        from . import StepSkipped

        raise StepSkipped(f"“{top}”没有下属单位，没有可汇总的各单位附件2")
    year = default_year(data, top)
    returns = outdir / "附件2"
    own = [returns / f"{safe_filename(f'附件2_实施情况汇总表_{c.name}_{year}')}.xlsx" for c in data.children(top)]
    if not all(p.is_file() for p in own):
        annex2_example(data_dir, outdir, force)
    own = [p for p in own if p.is_file()]
    path, _, _ = merge(own, outdir / "汇总" / "全市汇总表.xlsx", plan=workbook, force=force)
    return [path]
