"""`sp-docs init` writes a usable blank workbook; `sp-docs fonts` explains the fonts."""
from openpyxl import load_workbook

from sp_docs.cli import main
from sp_docs.render import fonts
from sp_docs.sources.schema import SHEETS


def test_init_writes_blank_workbook(tmp_path, runner):
    result = runner.invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "双培数据.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "填写说明"
    for sheet in SHEETS:
        ws = wb[sheet.name]
        headers = [c.value for c in ws[1]]
        assert [h.rstrip("*") for h in headers] == [c.header for c in sheet.columns]
        assert ws.freeze_panes == "A2"
    options = wb["_选项"]
    assert options.sheet_state == "hidden"
    validations = wb["双培对象"].data_validations.dataValidation
    assert validations and all("_选项" in v.formula1 for v in validations)
    guide = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "sp-docs check" in guide and "双培类别" in guide
    # a blank workbook is valid input, and a second init keeps the user's file
    assert runner.invoke(main, ["check", str(path)]).exit_code == 0
    again = runner.invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1 and "已存在" in again.output


def test_fonts_lists_every_role(runner):
    result = runner.invoke(main, ["fonts"])
    assert result.exit_code == 0
    for role in fonts.ROLES.values():
        assert role.official in result.output
    resolved = fonts.resolve("fang")
    assert resolved is not None, "a FangSong substitute is installed by scripts/setup.sh"


def test_missing_glyph_is_reported():
    assert fonts.missing_glyphs("张三") == []
    # a private-use code point no font draws
    assert fonts.missing_glyphs("张\ue000三") == ["\ue000"]
