"""Build the DOCX template of ``sp-docs mentors`` (结对帮带名单, 培养人帮带对象一览,
谈心谈话记录 per trainee by quarter).  Run after changing it:
    python tools/make_mentors_templates.py
The layout follows templates/html/mentors.html (A4 landscape, same columns).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.shared import Mm, Pt  # noqa: E402

from make_templates import DOCX_DIR, header_table, loop_row, paragraph, table_cell  # noqa: E402
from sp_docs.render import ooxml  # noqa: E402
from sp_docs.render.docx_base import new_document  # noqa: E402

SIZE = 10.5          # 五号: table text
MARGINS = {"top": int(Mm(22).twips), "bottom": int(Mm(22).twips),
           "left": int(Mm(20).twips), "right": int(Mm(20).twips)}
PAIR_FIELDS = ["seq", "name", "unit", "track", "mentor", "mentor_position", "mentor2", "mentor2_position",
               "filed_on", "status"]
PAIR_WIDTHS = [13, 21, 44, 18, 21, 29, 21, 29, 31, 24]          # mm, 251 of 257
MENTOR_WIDTHS = [31, 57, 36, 127]
TALK_WIDTHS = [38, 31, 26, 156]


def document():
    doc = new_document()
    section = doc.sections[0]
    ooxml.set_page(section, landscape=True, margins_twips=MARGINS)
    section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    ooxml.set_style_font(normal, "fang", 12)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    ooxml.add_page_numbers(doc, section, size_pt=14)  # "— n —" alternating sides, as the PDF (gongwen.css)
    return doc


def left_cell(cell, text: str, size: float = SIZE):
    para = cell.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.LEFT
    ooxml.set_run_font(para.add_run(text), "fang", size)
    ooxml.set_cell_vertical_center(cell)


def data_row(table, texts: list[str], left: tuple[int, ...] = ()):
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, texts)):
        if i in left:
            left_cell(cell, text)
        else:
            table_cell(cell, text, "fang", SIZE)
    ooxml.cant_split_row(row)
    return row


def heading(doc, text: str, role: str, size: float, *, new_page: bool, center: bool = True):
    para = paragraph(doc, text, role, size, WD_ALIGN_PARAGRAPH.CENTER if center else None)
    para.paragraph_format.space_after = Pt(6)
    if new_page:
        ooxml.page_break_before(para)
    return para


def meta(doc, text: str):
    para = paragraph(doc, text, "fang", 11)
    para.paragraph_format.space_after = Pt(6)
    return para


def mentors_docx() -> None:
    doc = document()
    # 1. 结对帮带名单
    heading(doc, "{{ title }}", "title", 20, new_page=False)
    meta(doc, "单位：{{ unit_name }}　　共 {{ pairs|length }} 名“双培”对象　　统计截至 {{ as_of }}")
    table = header_table(doc, ["序号", "姓名", "所在单位", "“双培”类别", "培养人", "培养人职务", "第二培养人",
                       "第二培养人职务", "建档时间", "完成情况"], SIZE)
    loop_row(table, "{%tr for p in pairs %}")
    data_row(table, ["{{ p.%s }}" % f for f in PAIR_FIELDS])
    loop_row(table, "{%tr endfor %}")
    ooxml.set_column_widths(table, PAIR_WIDTHS)
    note = paragraph(doc, "注：“双培”类别 1 = 骨干教师培养成共产党员，2 = 党员教师培养成教学骨干。", "fang", 11)
    note.paragraph_format.space_before = Pt(6)

    # 2. 培养人帮带对象一览
    heading(doc, "培养人帮带对象一览", "title", 20, new_page=True)
    table = header_table(doc, ["培养人", "所在单位", "职务", "帮带对象（类别，建档时间，完成情况）"], SIZE)
    loop_row(table, "{%tr for m in mentor_lists %}")
    data_row(table, ["{{ m.mentor }}", "{{ m.unit }}", "{{ m.position }}",
                     "{% for t in m.trainees %}{{ t.name }}（{{ t.track }}，{{ t.filed_on }}，{{ t.status }}）"
                     "{% if not loop.last %}；{% endif %}{% endfor %}"], left=(3,))
    loop_row(table, "{%tr endfor %}")
    ooxml.set_column_widths(table, MENTOR_WIDTHS)

    # 3. 谈心谈话记录, one page (or more) per trainee; quarters without a talk shown as such
    paragraph(doc, "{%p for r in talk_records %}", "fang", 10)
    heading(doc, "谈心谈话记录：{{ r.name }}（{{ r.unit }}）", "hei", 15, new_page=True, center=False)
    meta(doc, "“双培”类别：{{ r.track }}　　培养人：{{ r.mentors }}　　培养期间：{{ r.period }}"
              "{% if r.missing %}　　无记录季度：{{ r.missing }} 个{% endif %}")
    table = header_table(doc, ["季度", "日期", "培养人", "谈话内容"], SIZE)
    loop_row(table, "{%tr for q in r.quarters %}")
    loop_row(table, "{%tr if q.empty %}")
    empty = data_row(table, ["{{ q.label }}", "{{ no_talk }}", "", ""])
    merged = empty.cells[1].merge(empty.cells[3])
    for para in merged.paragraphs[1:]:  # merging keeps the (empty) paragraphs of the other cells
        para._p.getparent().remove(para._p)
    loop_row(table, "{%tr else %}")
    loop_row(table, "{%tr for t in q.talks %}")
    data_row(table, ["{{ q.label }}", "{{ t.date }}", "{{ t.mentor }}", "{{ t.content }}"], left=(3,))
    loop_row(table, "{%tr endfor %}")
    loop_row(table, "{%tr endif %}")
    loop_row(table, "{%tr endfor %}")
    ooxml.set_column_widths(table, TALK_WIDTHS)
    paragraph(doc, "{%p endfor %}", "fang", 10)
    doc.save(DOCX_DIR / "mentors.docx")


BUILDERS = [mentors_docx]

if __name__ == "__main__":
    DOCX_DIR.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        build()
        print("built", build.__name__)
