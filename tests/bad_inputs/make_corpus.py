"""Build the bad-input corpus (deterministic: same bytes on every run).

    python tests/bad_inputs/make_corpus.py

writes every file of ``CASES`` next to this script and README.md listing them.
The workbooks are written by a tiny hand-made OOXML writer so that the corpus
can hold what openpyxl would never write (formulas with or without cached
values, external links, merged header cells, broken zips); zip timestamps are
fixed so the bytes do not change between runs.

``CASES`` is also the test oracle: tests/test_hardening.py imports it.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
UNIT = "青川市第一中学"
YEAR = 2025

# ---------------------------------------------------------------------------
# the valid base data every case starts from
# ---------------------------------------------------------------------------

T_HEAD = ["姓名", "性别", "出生年月", "所在单位", "政治面貌", "入党时间", "备注"]
P_HEAD = ["姓名", "所在单位", "双培类别", "培养人", "培养人职务", "建档时间", "计划完成年度", "完成情况", "备注"]


def base() -> dict[str, list[list]]:
    return {
        "单位": [["单位名称", "上级单位", "单位类型", "党组织名称", "党组织类型", "边境地区", "教职工总数"],
                 [UNIT, "", "中学", "中共青川市第一中学委员会", "党委", "否", 120]],
        "教师": [T_HEAD,
                 ["王建国", "男", "1975.03", UNIT, "中共党员", "1998.07.01", ""],
                 ["李红梅", "女", "1988.06", UNIT, "群众", "", ""],
                 ["张伟", "男", "1990.01", UNIT, "中共党员", "2012.06.01", ""],
                 ["刘芳", "女", "1985.11", UNIT, "中共党员", "2010.07.01", ""],
                 ["陈静", "女", "1992.04", UNIT, "群众", "", ""]],
        "双培对象": [P_HEAD,
                     ["李红梅", UNIT, 1, "王建国", "党委书记", "2024.09.01", YEAR, "培养中", "已递交入党申请书"],
                     ["陈静", UNIT, 1, "王建国", "党委书记", "2024.09.01", YEAR, "培养中", ""],
                     ["张伟", UNIT, 2, "刘芳", "教研组长", "2024.09.01", YEAR, "培养中", ""],
                     ["刘芳", UNIT, 2, "王建国", "党委书记", "2024.09.01", YEAR, "培养中", ""]],
        "培养记录": [["培养对象", "所在单位", "日期", "形式", "内容", "培养人", "地点"],
                     ["李红梅", UNIT, "2024.10.15", "谈心谈话", "了解思想动态，提出学习建议", "王建国", "校长办公室"]],
        "三年计划": [["单位", "年度", "骨干教师培养成党员数", "党员教师培养成教学骨干数"], [UNIT, YEAR, 2, 2]],
        "表彰": [["姓名", "所在单位", "荣誉称号", "颁发单位", "颁发日期", "表彰年度"],
                 ["张伟", UNIT, "优秀教师", "中共青川市委教育工作委员会", "2025.09.10", YEAR]],
    }


# ---------------------------------------------------------------------------
# a minimal, deterministic xlsx writer
# ---------------------------------------------------------------------------

@dataclass
class F:
    """A formula cell, with the value Excel cached when it last saved (or none)."""
    formula: str
    cached: object = None


@dataclass
class SheetSpec:
    name: str
    rows: list[list]
    merges: list[str] = field(default_factory=list)


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, F):
        cached = ""
        if value.cached is not None:
            if isinstance(value.cached, str):
                return (f'<c r="{ref}" t="str"><f>{escape(value.formula)}</f>'
                        f'<v>{escape(value.cached)}</v></c>')
            cached = f"<v>{value.cached}</v>"
        return f'<c r="{ref}"><f>{escape(value.formula)}</f>{cached}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        serial = (day - dt.date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(spec: SheetSpec) -> str:
    rows = []
    for r, row in enumerate(spec.rows, start=1):
        cells = "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(row))
        if cells or row:  # rows given as [] are left out of the file (a sparse sheet)
            rows.append(f'<row r="{r}">{cells}</row>')
    merges = ""
    if spec.merges:
        merges = f'<mergeCells count="{len(spec.merges)}">' + "".join(
            f'<mergeCell ref="{m}"/>' for m in spec.merges) + "</mergeCells>"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheetData>{"".join(rows)}</sheetData>{merges}</worksheet>')


NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          '</styleSheet>')


def zip_bytes(parts: list[tuple[str, bytes | str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def xlsx_bytes(sheets: list[SheetSpec], *, external_link: bool = False) -> bytes:
    overrides = ['<Override PartName="/xl/workbook.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
                 '<Override PartName="/xl/styles.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>']
    rels, entries, parts = [], [], []
    for i, spec in enumerate(sheets, start=1):
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{escape(spec.name)}" sheetId="{i}" r:id="rId{i}"/>')
        parts.append((f"xl/worksheets/sheet{i}.xml", _sheet_xml(spec)))
    rels.append(f'<Relationship Id="rId100" Type="{NS_REL}/styles" Target="styles.xml"/>')
    external = ""
    if external_link:
        overrides.append('<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>')
        rels.append(f'<Relationship Id="rId101" Type="{NS_REL}/externalLink" '
                    'Target="externalLinks/externalLink1.xml"/>')
        external = '<externalReferences><externalReference r:id="rId101"/></externalReferences>'
        parts.append(("xl/externalLinks/externalLink1.xml",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      f'xmlns:r="{NS_REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="名单"/>'
                      '</sheetNames></externalBook></externalLink>'))
        parts.append(("xl/externalLinks/_rels/externalLink1.xml.rels",
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      f'<Relationship Id="rId1" Type="{NS_REL}/externalLinkPath" '
                      'Target="http://example.invalid/secret/名单.xlsx" TargetMode="External"/>'
                      '</Relationships>'))
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>")
    root_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
                 '</Relationships>')
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                f'xmlns:r="{NS_REL}"><sheets>{"".join(entries)}</sheets>{external}</workbook>')
    workbook_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     + "".join(rels) + "</Relationships>")
    return zip_bytes([("[Content_Types].xml", content_types), ("_rels/.rels", root_rels),
                      ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", workbook_rels),
                      ("xl/styles.xml", STYLES), *parts])


def workbook(data: dict[str, list[list]], **kwargs) -> bytes:
    return xlsx_bytes([SheetSpec(name, rows) for name, rows in data.items()], **kwargs)


def yaml_text(data: dict[str, list[list]]) -> str:
    """The same data as a YAML file (one mapping per row, headers as keys)."""
    import yaml

    doc = {}
    for sheet, rows in data.items():
        head = rows[0]
        doc[sheet] = [{h: v for h, v in zip(head, row) if v not in ("", None)} for row in rows[1:]]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10000)


# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------

@dataclass
class Case:
    file: str
    what: str  # Chinese description for README
    outcome: str  # "error" (exit 2, located message) or "ok" (document produced)
    messages: tuple[str, ...] = ()  # fragments of the expected problem messages
    where: tuple[dict, ...] = ()  # expected problem locations: subsets of {sheet,row,column}
    literals: tuple[str, ...] = ()  # values that must appear literally in every output
    rows: int | None = None  # 附件2 rows expected (ok cases); None = all 双培对象 rows
    unit: str = UNIT
    warnings: tuple[str, ...] = ()  # fragments of expected warnings
    build: object = None  # () -> bytes | str


CASES: list[Case] = []


def case(file: str, what: str, outcome: str, messages: tuple = (), where: tuple = (), **kwargs):
    def register(func):
        CASES.append(Case(file, what, outcome, messages, where, build=func, **kwargs))
        return func
    return register


def _valid_xlsx() -> bytes:
    return workbook(base())


# -- not a workbook at all ---------------------------------------------------
case("not_xlsx_text.xlsx", "纯文本文件改名为 .xlsx", "error", ("不是有效的 xlsx",))(
    lambda: "姓名,所在单位\n张三,青川市第一中学\n")
case("pdf_named.xlsx", "PDF 文件改名为 .xlsx", "error", ("不是有效的 xlsx",))(
    lambda: b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
case("docx_named.xlsx", "Word 文档（zip）改名为 .xlsx", "error", ("压缩包里没有工作簿内容",))(
    lambda: zip_bytes([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]))
case("empty_file.xlsx", "0 字节文件", "error", ("文件是空的",))(lambda: b"")
case("ole_header.xls", "旧版 .xls（OLE 文件头）", "error", ("旧版 .xls 文件或加密的工作簿",))(
    lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
case("ole_named.xlsx", "旧版 .xls 或加密工作簿改名为 .xlsx", "error", ("旧版 .xls 文件或加密的工作簿",))(
    lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
case("truncated.xlsx", "下载中断、只剩前一半的 xlsx", "error", ("不是有效的 xlsx",))(
    lambda: _valid_xlsx()[: len(_valid_xlsx()) // 2])


@case("crc_corrupt.xlsx", "压缩数据被改动一个字节（CRC 校验失败）", "error", ("文件已损坏",))
def _crc() -> bytes:
    data = bytearray(_valid_xlsx())
    # flip a byte inside the first worksheet's compressed data
    offset = data.find(b"xl/worksheets/sheet2.xml") + len("xl/worksheets/sheet2.xml") + 10
    data[offset] ^= 0xFF
    return bytes(data)


@case("zip_bomb_declared.xlsx", "压缩炸弹：小文件声明解压后 4 GB", "error", ("压缩炸弹",))
def _bomb_declared() -> bytes:
    data = bytearray(_valid_xlsx())
    name = b"xl/worksheets/sheet1.xml"
    # central directory entry: signature PK\1\2, uncompressed size at offset 24
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, 0xFFFF0000)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


@case("zip_bomb_ratio.xlsx", "压缩炸弹：12 MB 的零压缩成十几 KB（压缩比过千）", "error", ("压缩炸弹",))
def _bomb_ratio() -> bytes:
    parts = []
    with zipfile.ZipFile(io.BytesIO(_valid_xlsx())) as archive:
        for info in archive.infolist():
            parts.append((info.filename, archive.read(info)))
    parts.append(("xl/media/padding.bin", b"\0" * (12 * 1024 * 1024)))
    return zip_bytes(parts)


@case("bad_xml.xlsx", "zip 结构正确但 workbook.xml 不是合法 XML", "error", ("工作簿无法打开",))
def _bad_xml() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_valid_xlsx())) as archive:
        parts = [(i.filename, archive.read(i)) for i in archive.infolist()]
    return zip_bytes([(n, b"<workbook><sheets><sheet name=" if n == "xl/workbook.xml" else d) for n, d in parts])


# -- workbook structure --------------------------------------------------------
case("empty_workbook.xlsx", "只有一个空工作表的工作簿", "error", ("没有任何数据",))(
    lambda: xlsx_bytes([SheetSpec("Sheet1", [])]))
case("missing_sheets.xlsx", "只有“单位”表，缺少“教师”等工作表", "error", ("缺少工作表“教师”",),
     ({"sheet": ""},))(lambda: workbook({"单位": base()["单位"]}))


@case("renamed_header.xlsx", "“出生年月”列被改名为“生日”", "error", ("缺少必填列：出生年月",),
      ({"sheet": "教师", "row": 1},), warnings=("未识别的列“生日”",))
def _renamed() -> bytes:
    data = base()
    data["教师"][0] = ["生日" if h == "出生年月" else h for h in T_HEAD]
    return workbook(data)


@case("duplicate_header.xlsx", "“教师”表有两列都叫“姓名”", "error", ("表头“姓名”出现了两次",),
      ({"sheet": "教师", "row": 1, "column": "姓名"},))
def _duplicate() -> bytes:
    data = base()
    data["教师"] = [row + [row[0]] for row in data["教师"]]
    return workbook(data)


@case("merged_header.xlsx", "“政治面貌”表头合并了两列，第二列另有内容（该列未读取，给出警告）", "ok",
      warnings=("第6列没有表头",))
def _merged_header() -> bytes:
    data = base()
    rows = []
    for i, row in enumerate(data["教师"]):
        rows.append(row[:5] + ([None] if i == 0 else ["（原）群众"]) + row[5:])
    return xlsx_bytes([SheetSpec(name, rows if name == "教师" else r, ["E1:F1"] if name == "教师" else [])
                       for name, r in data.items()])


@case("merged_title.xlsx", "每个工作表第 1 行是合并单元格的大标题，表头在第 2 行", "ok")
def _merged_title() -> bytes:
    data = base()
    return xlsx_bytes([SheetSpec(name, [[f"青川市第一中学{name}"] + [None] * (len(r[0]) - 1)] + r,
                                 [f"A1:{_col(len(r[0]) - 1)}1"]) for name, r in data.items()])


@case("duplicate_sheet.xlsx", "“教师”表出现两次（第二个名为“ 教师 ”）", "ok",
      warnings=("出现了两次",))
def _duplicate_sheet() -> bytes:
    data = base()
    sheets = [SheetSpec(name, rows) for name, rows in data.items()]
    sheets.insert(2, SheetSpec(" 教师 ", data["教师"][:2]))
    return xlsx_bytes(sheets)


@case("formula_no_cache.xlsx", "“双培对象”表的姓名是公式，且没有保存计算结果", "error",
      ("公式且没有保存计算结果",), ({"sheet": "双培对象", "row": 3, "column": "姓名"},))
def _formula_no_cache() -> bytes:
    data = base()
    data["双培对象"][2][0] = F('教师!A6')
    return workbook(data)


@case("formula_cached.xlsx", "姓名、出生年月、计划完成年度是公式，带有 Excel 保存的计算结果", "ok",
      literals=("陈静", "1992.04"))
def _formula_cached() -> bytes:
    data = base()
    data["双培对象"][2][0] = F('教师!A6', "陈静")
    data["双培对象"][2][6] = F('2024+1', 2025)
    data["教师"][5][2] = F('TEXT(DATE(1992,4,1),"yyyy.mm")', "1992.04")
    return workbook(data)


@case("external_link.xlsx", "含外部链接（指向 http 地址的另一工作簿）的公式，带缓存值", "ok",
      literals=("外部名单备注",), warnings=("外部链接",))
def _external() -> bytes:
    data = base()
    data["双培对象"][1][8] = F("[1]名单!A1", "外部名单备注")
    return workbook(data, external_link=True)


@case("far_row.xlsx", "稀疏工作表：最后一名双培对象在第 1048576 行（Excel 的最后一行）", "ok", rows=5,
      literals=("尾巴",))
def _far_row() -> bytes:
    data = base()
    data["教师"].append(["尾巴", "男", "1980.01", UNIT, "群众", "", ""])
    data["双培对象"] += [[]] * (1048576 - len(data["双培对象"]) - 1)
    data["双培对象"].append(["尾巴", UNIT, 1, "王建国", "党委书记", "2024.09.01", YEAR, "培养中", ""])
    return workbook(data)


@case("far_column.xlsx", "“教师”表最后一列（XFD 列，第 16384 列）有内容但没有表头", "ok",
      warnings=("第16384列没有表头",))
def _far_column() -> bytes:
    data = base()
    data["教师"][3] = data["教师"][3] + [None] * (16383 - len(data["教师"][3])) + ["藏在最右边"]
    return workbook(data)


# -- dates ----------------------------------------------------------------------
DATE_FORMS = ["2024.09.01", "2024-09-01", "2024/9/1", "2024年9月1日", "二〇二四年九月一日",
              45536, dt.date(2024, 9, 1), "２０２４．０９．０１", "2024-09-01 00:00:00", "2024_9_1"]


@case("dates_ten_forms.xlsx", "建档时间用十种写法（点、横线、斜线、年月日、汉字、序列号、日期单元格、全角、带时间、下划线）",
      "ok", rows=10)
def _dates() -> bytes:
    data = base()
    data["教师"] += [[f"教师{i:02d}", "女", "1988.06", UNIT, "群众", "", ""] for i in range(10)]
    data["双培对象"] = [P_HEAD] + [[f"教师{i:02d}", UNIT, 1, "王建国", "党委书记", form, YEAR, "培养中", ""]
                                   for i, form in enumerate(DATE_FORMS)]
    data["培养记录"] = data["培养记录"][:1]
    return workbook(data)


@case("dates_bad.xlsx", "日期写错：13 月、2 月 30 日、“去年”、出生年月只写了年份", "error",
      ("建档时间无法识别", "出生年月无法识别"),
      ({"sheet": "双培对象", "row": 2, "column": "建档时间"}, {"sheet": "双培对象", "row": 3, "column": "建档时间"},
       {"sheet": "双培对象", "row": 4, "column": "建档时间"}, {"sheet": "教师", "row": 2, "column": "出生年月"}))
def _dates_bad() -> bytes:
    data = base()
    for row, value in zip(data["双培对象"][1:4], ["2024.13.01", "2023-02-30", "去年"]):
        row[5] = value
    data["教师"][1][2] = "1975"
    return workbook(data)


@case("row_errors.xlsx", "“双培对象”表中夹着三行错误：类别填 3、姓名为空、计划年度为“明年”", "error",
      ("双培类别无法识别", "必填项为空", "计划完成年度无法识别"),
      ({"sheet": "双培对象", "row": 3, "column": "双培类别"}, {"sheet": "双培对象", "row": 4, "column": "姓名"},
       {"sheet": "双培对象", "row": 5, "column": "计划完成年度"}))
def _row_errors() -> bytes:
    data = base()
    data["双培对象"][2][2] = 3
    data["双培对象"][3][0] = ""
    data["双培对象"][4][6] = "明年"
    return workbook(data)


@case("numbers_bad.xlsx", "数字列写成汉字或小数：教职工总数“一百二”、计划数 2.5", "error",
      ("教职工总数无法识别", "骨干教师培养成党员数无法识别"),
      ({"sheet": "单位", "row": 2, "column": "教职工总数"}, {"sheet": "三年计划", "row": 2}))
def _numbers_bad() -> bytes:
    data = base()
    data["单位"][1][6] = "一百二"
    data["三年计划"][1][2] = 2.5
    return workbook(data)


# -- hostile or unusual values (must come out literally) ---------------------------
INJECT = ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "<w:t>注入</w:t></w:r>", "A & B &amp; C",
          '=HYPERLINK("http://x","y")']
FORMULA_TEXT = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)"]


def _with_notes(notes: list[str], *, unit: str = UNIT) -> dict:
    data = base()
    people = data["双培对象"][1:]
    extra = []
    for i, note in enumerate(notes):
        if i < len(people):
            people[i][8] = note
        else:
            name = f"教师{chr(0x7532 + i)}"  # 甲-like distinct CJK names
            data["教师"].append([name, "女", "1990.05", UNIT, "群众", "", ""])
            extra.append([name, UNIT, 1, "王建国", "党委书记", "2024.09.01", YEAR, "培养中", note])
    data["双培对象"].extend(extra)
    return _replace(data, UNIT, unit) if unit != UNIT else data


def _replace(data: dict, old: str, new: str) -> dict:
    """``data`` with ``old`` replaced by ``new`` inside every text cell."""
    return {sheet: [[v.replace(old, new) if isinstance(v, str) else v for v in row] for row in rows]
            for sheet, rows in data.items()}


case("inject_jinja.xlsx", "备注中写 Jinja2 模板语法 {{ 7*7 }}、{% for %}", "ok", literals=tuple(INJECT[:2]))(
    lambda: workbook(_with_notes(INJECT[:2])))
case("inject_xml.xlsx", "备注和单位名称中写 <w:t>、&、&amp;", "ok",
     literals=(INJECT[2], INJECT[3], "第一中学<附属>&分校"), unit="青川市第一中学<附属>&分校")(
    lambda: workbook(_with_notes(INJECT[2:4], unit="青川市第一中学<附属>&分校")))
case("inject_formula.xlsx", "备注写成以 = + - @ 开头的公式样文本（=HYPERLINK 等）", "ok",
     literals=tuple(FORMULA_TEXT))(lambda: workbook(_with_notes(FORMULA_TEXT)))
case("inject_all.yaml", "YAML 中的模板语法、XML 片段、& 和公式样文本", "ok", literals=tuple(INJECT))(
    lambda: yaml_text(_with_notes(INJECT)))

LONG = ("双培" * 7 + "。") * 133 + "完"  # 2,000 characters


case("long_fields.xlsx", "2,000 字的备注", "ok", literals=(LONG,))(lambda: workbook(_with_notes([LONG])))


@case("control_chars.yaml", "姓名和备注里有控制字符（响铃、ESC、退格、零宽空格、从右到左控制符）", "ok",
      literals=("李红梅", "备注[31m正常", "备注之二"))
def _control() -> str:
    data = _with_notes(["备注\x1b[31m正常", "备注\u200b之\u202e二\x08"])
    data["双培对象"][1][0] = "李\x07红梅"
    return yaml_text(data)


@case("control_chars.xlsx", "xlsx 里以 _x0007_ 形式保存的控制字符与零宽字符", "ok",
      literals=("李红梅", "备注正常"))
def _control_xlsx() -> bytes:
    data = _with_notes(["备注_x0007_正\u200b常"])
    data["双培对象"][1][0] = "李红\u200d梅"
    return workbook(data)


RARE = ["𠀀", "𪚥", "𬌗", "䶮"]  # U+20000, U+2A6A5, U+2C317 (non-BMP) and ext-A U+4DAE


def _rare_data() -> dict:
    data = base()
    for old, new in (("李红梅", "李𠀀梅"), ("陈静", "陈𪚥"), ("张伟", "张𬌗"), ("刘芳", "刘䶮")):
        data = _replace(data, old, new)
    return data


case("rare_chars.xlsx", "姓名含 BMP 以外的生僻字（𠀀 𪚥 𬌗）和扩展 A 区的䶮", "ok",
     literals=("李𠀀梅", "陈𪚥", "张𬌗", "刘䶮"))(lambda: workbook(_rare_data()))
case("rare_chars.yaml", "同上，YAML 格式", "ok", literals=("李𠀀梅", "陈𪚥", "张𬌗", "刘䶮"))(
    lambda: yaml_text(_rare_data()))

# -- YAML ---------------------------------------------------------------------------
case("yaml_syntax.yaml", "YAML 语法错误（缩进错乱、引号不闭合）", "error", ("YAML 语法错误", "第3行"))(
    lambda: "单位:\n  - 单位名称: 青川市第一中学\n   教职工总数: \"120\n教师: []\n")
case("yaml_tab.yaml", "YAML 用 Tab 缩进", "error", ("YAML 语法错误",))(
    lambda: "单位:\n\t- 单位名称: 青川市第一中学\n")
case("yaml_top_list.yaml", "YAML 顶层是列表而不是“工作表名: 列表”", "error", ("YAML 顶层应为",))(
    lambda: "- 单位名称: 青川市第一中学\n- 姓名: 张三\n")
case("yaml_sheet_scalar.yaml", "“教师”下写了一个字符串而不是列表", "error", ("下应为列表",),
     ({"sheet": "教师"},))(lambda: "单位:\n  - 单位名称: 青川市第一中学\n教师: 张三 李四\n")
case("yaml_entry_scalar.yaml", "“教师”的第 2 条是字符串而不是映射", "error", ("应为“列名: 值”的映射",),
     ({"sheet": "教师", "row": 2},))(
    lambda: "单位:\n  - 单位名称: 青川市第一中学\n教师:\n  - {姓名: 张三, 出生年月: 1980.01, 所在单位: 青川市第一中学, "
            "政治面貌: 群众}\n  - 李四\n")


@case("yaml_wrong_types.yaml", "值的类型不对：出生年月是列表、双培类别是映射、计划完成年度是 true、教职工总数是文字",
      "error", ("出生年月无法识别", "双培类别无法识别", "计划完成年度无法识别", "教职工总数无法识别"),
      ({"sheet": "教师", "row": 1, "column": "出生年月"}, {"sheet": "双培对象", "row": 1, "column": "双培类别"},
       {"sheet": "双培对象", "row": 2, "column": "计划完成年度"}, {"sheet": "单位", "row": 1, "column": "教职工总数"}))
def _yaml_types() -> str:
    import yaml

    text = yaml_text(base())
    doc = yaml.safe_load(text)
    doc["教师"][0]["出生年月"] = [1975, 3]
    doc["双培对象"][0]["双培类别"] = {"类别": 1}
    doc["双培对象"][1]["计划完成年度"] = True
    doc["单位"][0]["教职工总数"] = "很多"
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10000)


case("yaml_gbk.yaml", "YAML 用 GBK 编码保存", "error", ("不是 UTF-8",))(
    lambda: yaml_text(base()).encode("gbk"))
case("yaml_empty.yaml", "空的 YAML 文件", "error", ("YAML 文件是空的",))(lambda: "# 只有注释\n")
case("yaml_alias_bomb.yaml", "YAML “十亿笑声”别名炸弹（展开后 9⁹ 个元素）放在“教师”的一个单元格里", "error",
     ("YAML 展开别名", "SP_DOCS_LIMIT_YAML_NODES"), ({},))(
    lambda: f"单位:\n  - 单位名称: {UNIT}\n教师:\n  - 姓名: 张三\n    甲: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"    甲{i}: &{chr(98 + i)} [{', '.join('*' + chr(97 + i) for _ in range(9))}]\n" for i in range(8))
    + f"    出生年月: *i\n    所在单位: {UNIT}\n    政治面貌: 群众\n")


def build_all(folder: Path = HERE) -> list[Path]:
    written = []
    for item in CASES:
        data = item.build()
        path = folder / item.file
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)
    (folder / "README.md").write_text(readme(), encoding="utf-8")
    return written


def readme() -> str:
    lines = ["# 坏输入语料库（tests/bad_inputs/）", "",
             "Bad-input corpus for tests/test_hardening.py; regenerate with `python tests/bad_inputs/make_corpus.py`.",
             "",
             "每个文件都用 `sp-docs check` 和 `sp-docs annex 2 … --unit 单位 --year 2025` 运行：",
             "“报错”= 退出码 2，给出带文件/工作表/行/列位置的中文错误；“生成”= 正常生成 DOCX、XLSX、PDF，"
             "表中的值按原样出现（不被执行、不变成公式）。任何情况下都不允许出现 Python 回溯（traceback）。", "",
             "| 文件 | 内容 | 预期结果 |", "|---|---|---|"]
    for item in CASES:
        if item.outcome == "error":
            expected = "报错：" + "；".join(item.messages or ("拒绝读取",))
        else:
            expected = "生成" + ("（并警告：" + "；".join(item.warnings) + "）" if item.warnings else "")
            if item.literals:
                shown = "、".join(v if len(v) < 40 else v[:12] + f"…（{len(v)} 字）" for v in item.literals)
                expected += "；原样出现：" + shown.replace("|", "\\|")
        what = item.what.replace("|", "\\|")
        lines.append(f"| `{item.file}` | {what} | {expected} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for path in build_all():
        print(path.name, path.stat().st_size)
