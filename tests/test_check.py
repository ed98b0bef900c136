"""`sp-docs check`: every deliberate mistake is found where it is, nothing on good data."""
import json
from pathlib import Path

import pytest
import yaml

from sp_docs.cli import main
from sp_docs.sources import load_dataset
from sp_docs.sources.normalize import normalize_header

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def mistakes():
    return yaml.safe_load((FIXTURES / "mistakes.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def found():
    _, problems = load_dataset(FIXTURES / "mistakes.xlsx")
    return problems


def test_fixture_has_twenty_kinds(mistakes):
    assert len({m["kind"] for m in mistakes["mistakes"]}) >= 20


def canonical(sheet: str, header: str) -> str:
    """The schema header a typed header (or one of its aliases) stands for."""
    from sp_docs.sources.schema import SHEETS_BY_NAME

    wanted = normalize_header(header)
    for column in SHEETS_BY_NAME[sheet].columns if sheet in SHEETS_BY_NAME else ():
        if wanted in {normalize_header(h) for h in (column.header, *column.aliases)}:
            return column.header
    return header


def test_every_mistake_is_reported_at_its_cell(mistakes, found):
    missing = []
    for m in mistakes["mistakes"]:
        hits = [p for p in found if p.location.sheet == m["sheet"] and p.location.row == m["row"]
                and canonical(m["sheet"], p.location.column) == canonical(m["sheet"], m["column"])]
        if not hits:
            missing.append(f'{m["kind"]}: {m["sheet"]} 第{m["row"]}行 {m["column"]}')
            continue
        levels = {p.level for p in hits}
        assert m["level"] in levels, (m["kind"], levels)
        if m.get("value") not in (None, ""):
            assert any(str(m["value"]) in p.value or str(m["value"]) in p.message for p in hits), m["kind"]
    assert not missing, "not reported:\n" + "\n".join(missing)


def test_accepted_variations_are_not_reported(mistakes, found):
    for accepted in mistakes.get("accepted", []):
        column = accepted.get("column") or accepted.get("header") or ""
        assert not [p for p in found if p.is_error and p.location.row == accepted.get("row")
                    and p.location.sheet == accepted.get("sheet") and p.location.column == column], accepted


def test_messages_are_located_and_chinese(found):
    for problem in found.errors:
        loc = problem.location
        assert loc.file.endswith("mistakes.xlsx") and loc.sheet and loc.row, problem
        assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message)


def test_check_exit_codes_and_json(runner, city_workbook):
    bad = runner.invoke(main, ["check", str(FIXTURES / "mistakes.xlsx")])
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
    assert "工作表“教师” 第15行" in bad.output
    good = runner.invoke(main, ["check", str(city_workbook)])
    assert good.exit_code == 0, good.output
    as_json = runner.invoke(main, ["check", str(FIXTURES / "mistakes.xlsx"), "--format", "json"])
    payload = json.loads(as_json.stdout)
    assert payload["errors"] == len([p for p in payload["problems"] if p["level"] == "error"]) > 20
    first = payload["problems"][0]
    assert {"file", "sheet", "row", "column", "value", "message", "expected"} <= set(first)


def test_yaml_and_workbook_give_the_same_model(city):
    data, problems = load_dataset(Path(city.source).with_suffix(".yaml"))
    assert not problems.errors
    assert [t.name for t in data.teachers] == [t.name for t in city.teachers]
    assert data.trainees == city.trainees
    assert data.records == city.records


@pytest.mark.parametrize("content,needle", [
    (b"", "空的"),
    (b"hello, not a workbook", "不是有效的 xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
])
def test_broken_files_get_their_own_message(tmp_path, runner, content, needle):
    path = tmp_path / "数据.xlsx"
    path.write_bytes(content)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and needle in result.output and "Traceback" not in result.output


def test_zip_bomb_is_refused_before_loading(tmp_path, runner):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    assert path.stat().st_size < 2 * 1024 * 1024
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "压缩炸弹" in result.output


def test_missing_sheets_are_named(tmp_path, runner):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "教师"
    wb.active.append(["姓名", "出生年月", "所在单位", "政治面貌"])
    wb.active.append(["张三", "1985.03", "某校", "群众"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "缺少工作表“单位”" in result.output


def test_input_is_never_modified(tmp_path, runner):
    import shutil

    copy = tmp_path / "m.xlsx"
    shutil.copy(FIXTURES / "mistakes.xlsx", copy)
    before = copy.read_bytes(), copy.stat().st_mtime_ns
    runner.invoke(main, ["check", str(copy)])
    assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before
