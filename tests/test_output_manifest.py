"""Inputs are never written, and a rerun with --force leaves exactly this run's
files (issue 13): a manifest per output folder and document kind."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from sp_docs.cli import main
from sp_docs.output import MANIFEST

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"


def test_check_never_writes_over_its_input(tmp_path, runner, monkeypatch):
    data = tmp_path / "s.xlsx"
    shutil.copy(EXAMPLES / "school.xlsx", data)
    before = data.read_bytes()
    monkeypatch.chdir(tmp_path)
    for target in ("s.xlsx", str(data), "./s.xlsx"):
        result = runner.invoke(main, ["check", "s.xlsx", "-o", target, "--force"])
        assert result.exit_code == 2, result.output
        assert "输入文件" in result.output and "不能写入" in result.output
        assert data.read_bytes() == before
    link = tmp_path / "link.xlsx"
    link.symlink_to(data)
    result = runner.invoke(main, ["check", str(data), "-o", str(link), "--force"])
    assert result.exit_code == 2 and data.read_bytes() == before
    # the same command writing elsewhere works
    result = runner.invoke(main, ["check", str(data), "-o", str(tmp_path / "问题.xlsx")])
    assert result.exit_code == 0, result.output


def _drop_trainees(source: Path, target: Path, names: set[str]) -> None:
    wb = load_workbook(source)
    for title, column in (("双培对象", "姓名"), ("培养记录", "培养对象")):
        ws = wb[title]
        header = next(r for r in range(1, 6) if column in [c.value for c in ws[r]])
        col = [c.value for c in ws[header]].index(column) + 1
        for row in range(ws.max_row, header, -1):
            if ws.cell(row=row, column=col).value in names:
                ws.delete_rows(row)
    wb.save(target)


def test_ledgers_rerun_with_force_leaves_exactly_this_runs_files(tmp_path, runner):
    data = tmp_path / "school.xlsx"
    shutil.copy(EXAMPLES / "school.xlsx", data)
    out = tmp_path / "d"
    result = runner.invoke(main, ["ledgers", str(data), "-o", str(out), "--format", "docx", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    word = out / "培养台账_Word"
    first = sorted(p.name for p in word.iterdir())
    assert len(first) == 10
    (out / "我的笔记.txt").write_text("not the tool's")  # never touched
    dropped = sorted(first)[:3]
    names = {name.rsplit("_", 1)[1].removesuffix(".docx") for name in dropped}
    edited = word / dropped[0]
    edited.write_bytes(edited.read_bytes() + b"\0")  # changed by hand since: kept, and said so
    fewer = tmp_path / "fewer.xlsx"
    _drop_trainees(data, fewer, names)
    result = runner.invoke(main, ["ledgers", str(fewer), "-o", str(out), "--format", "docx", "--jobs", "1", "--force"])
    assert result.exit_code == 0, result.output
    now = sorted(p.name for p in word.iterdir())
    assert len(now) == 7 + 1, now  # this run's 7 ledgers + the hand-edited one
    assert edited.name in now and all(n not in "".join(now) for n in names - {edited.name.rsplit("_", 1)[1][:-5]})
    assert [n for n in now if n != edited.name] == sorted(n for n in now if n != edited.name)
    assert all(n.startswith(f"{i:03d}_") for i, n in enumerate(sorted(n for n in now if n != edited.name), 1))
    assert (out / "我的笔记.txt").read_text() == "not the tool's"
    reused = set(first) & set(now) - {edited.name}  # names this run wrote again (same 序号 and person)
    assert f"删除了上次生成、本次不再生成的文件 {10 - 1 - len(reused)} 个" in result.output
    assert "已被手工修改，未删除" in result.output and edited.name in result.output
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    entries = manifest["培养台账:全部单位"]
    assert sorted(k for k in entries if k.startswith("培养台账_Word/")) == \
        sorted(f"培养台账_Word/{n}" for n in now if n != edited.name)


def test_rerun_without_force_removes_nothing(tmp_path, runner):
    data = tmp_path / "school.xlsx"
    shutil.copy(EXAMPLES / "school.xlsx", data)
    out = tmp_path / "d"
    assert runner.invoke(main, ["ledgers", str(data), "-o", str(out), "--format", "docx", "--jobs", "1"]).exit_code == 0
    before = sorted(p.name for p in (out / "培养台账_Word").iterdir())
    result = runner.invoke(main, ["ledgers", str(data), "-o", str(out), "--format", "docx", "--jobs", "1"])
    assert result.exit_code != 0 and "--force" in result.output
    assert sorted(p.name for p in (out / "培养台账_Word").iterdir()) == before


def test_merge_never_writes_over_a_return(tmp_path, runner):
    folder = tmp_path / "returns"
    shutil.copytree(Path(__file__).resolve().parent / "office_files" / "returns", folder)
    (folder / "说明.docx").unlink()
    target = folder / "东湖区.xlsx"
    before = target.read_bytes()
    for args in (["merge", str(target), str(folder / "西岭县.XLSX")], ["merge", str(folder)]):
        result = runner.invoke(main, [*args, "-o", str(target), "--force"])
        assert result.exit_code == 2, result.output
        assert "输入文件" in result.output and target.read_bytes() == before
    # an earlier city workbook in the folder is not a return: skipped, and rewritten with --force
    city = folder / "全市汇总.xlsx"
    assert runner.invoke(main, ["merge", str(folder), "-o", str(city)]).exit_code == 0
    result = runner.invoke(main, ["merge", str(folder), "-o", str(city), "--force"])
    assert result.exit_code == 0, result.output
    assert "读取文件 5 个" in result.output
