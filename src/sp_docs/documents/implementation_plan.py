"""实施方案: answers → view-model (印发通知, the plan as numbered blocks, 附件1–3, 版记).

The plan text comes from the clause library (questionnaire/clauses.yaml, Jinja2
in the sandbox); this module decides which clauses apply and numbers the
headings 一、/（一）/1./（1） — templates never number anything by hand."""
from __future__ import annotations

import functools
import math
import re
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

import jinja2
import yaml

from ..errors import TemplateError
from ..text import cn_number, gongwen_date, lines_needed
from ..units import CELL_MARGIN_PT, COLOPHON_COLUMNS_MM, COLOPHON_INDENT_PT, COLOPHON_SIZE_PT, PT_PER_MM
from .signature import SignaturePlacement, mark_size, place
from .title_lines import title_lines

CLAUSES_FILE = Path(__file__).resolve().parent.parent / "questionnaire" / "clauses.yaml"
VARIANTS = ("双培", "双培双树", "双培育")
BASE_TERM = "“双培”"  # the programme's term in shared wording (附件2's columns and notes)


def variant_term(variant: str | None) -> str:
    """The one term a plan variant uses wherever the programme is named: “双培双树”对象…"""
    return f"“{variant if variant in VARIANTS else '双培'}”"
SCOPES = {"教育局": "全系统", "高校": "全校", "幼儿园": "全园", "职业学校": "全校"}
ORG_MEETINGS = {"党委": "党委会", "党总支": "党总支委员会会议", "党支部": "支部委员会会议"}


def heading_label(level: int, n: int) -> str:
    """The program's numbering: 一、 （一） 1. （1）."""
    return {1: f"{cn_number(n)}、", 2: f"（{cn_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


class BlockKind(str, Enum):
    """What a block of the plan's body is (a str, so renderers compare with "para")."""

    HEADING = "heading"
    PARA = "para"

    def __str__(self) -> str:
        return self.value


@dataclass
class Block:
    kind: BlockKind
    level: int = 0  # 1..4 for headings
    label: str = ""
    title: str = ""
    text: str = ""  # for run-in headings (levels 3–4): the paragraph that follows on the same line

    @property
    def plain(self) -> str:
        if self.kind is BlockKind.PARA:
            return self.text
        if self.level >= 3:
            return f"{self.label}{self.title}。{self.text}"
        return f"{self.label}{self.title}"


@dataclass
class Table:
    label: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    widths_mm: list[float] = field(default_factory=list)  # printed column widths
    subtitle_left: str = ""
    subtitle_right: str = ""
    title_lines: list[str] = field(default_factory=list)  # the title broken into its printed lines


@dataclass
class PlanView:
    mark_text: str | None
    doc_number: str
    notice_title: str
    recipients: str
    notice_body: list[str]
    issuer: str
    sign_date: str
    seal_path: str | None
    plan_title: str
    blocks: list[Block]
    attachments: list[str]
    annex1: Table
    annex2: Table
    annex3: dict
    cc: str | None
    printer: str
    print_date: str
    # the titles broken into their printed lines (GB/T 9704 trapezoid/diamond, see title_lines.py)
    notice_title_lines: list[str] = field(default_factory=list)
    plan_title_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # shown by the command, not printed
    # the 版记's rows as the DOCX sets them: (left text, right text or None across the row, lines)
    colophon: list[tuple[str, str | None, int]] = field(default_factory=list)
    # GB/T 9704 placement the renderers follow (documents/signature.py)
    signature: SignaturePlacement | None = None
    mark_size: float = 0.0  # pt, the 发文机关标志

    def context(self) -> dict:
        data = asdict(self)
        data["blocks"] = [{**asdict(b), "plain": b.plain} for b in self.blocks]
        return data

    def text_lines(self) -> list[str]:
        """The document's text in reading order (headings numbered), for tests and comparisons."""
        lines = [x for x in (self.mark_text, self.doc_number, self.notice_title, f"{self.recipients}：") if x]
        lines += self.notice_body + [self.issuer, self.sign_date, self.plan_title]
        lines += [b.plain for b in self.blocks]
        lines += [f"抄送：{self.cc}。"] if self.cc else []  # the 版记, as both templates print it
        lines.append(f"{self.printer}{self.print_date}印发")
        return lines


@functools.lru_cache(maxsize=1)
def clauses() -> dict:
    return yaml.load(CLAUSES_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.lru_cache(maxsize=1)
def _env():
    from ..render.templates import environment

    return environment(autoescape=False)


@functools.lru_cache(maxsize=1)
def _code_cache():
    from ..render.template_code import CodeCache

    return CodeCache(_env(), "clauses")


@functools.lru_cache(maxsize=512)
def _compiled(source: str):
    return _code_cache().template(source)


def _render(source: str, context: dict) -> str:
    try:
        text = _compiled(source).render(**context)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"条款库模板有误：{exc}") from None
    return "".join(line.strip() for line in text.splitlines())


@functools.lru_cache(maxsize=1)
def clause_variables() -> frozenset[str]:
    """Every name the clause library's templates read (an unanswered question reads as None)."""
    from jinja2 import meta

    names: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and ("{{" in node or "{%" in node):
            names.update(meta.find_undeclared_variables(_env().parse(node)))

    walk(clauses())
    return frozenset(names)


def text_context(answers: dict) -> dict:
    """Parsed answers plus the derived words the clauses use."""
    ctx = dict.fromkeys(clause_variables())
    ctx.update(answers)
    school = answers.get("school_short") or answers["school_name"]
    org_type = answers.get("party_org_type", "党支部")
    y1 = answers["start_year"]
    yearly = [{"year": y1 + i, "t1": answers.get(f"target1_y{i + 1}") or 0,
               "t2": answers.get(f"target2_y{i + 1}") or 0} for i in range(3)]
    ctx.update(
        school=school,
        full_name=answers["school_name"],
        scope=SCOPES.get(answers.get("school_type"), "全校"),
        teacher_word="教职工" if answers.get("school_type") == "教育局" else "教师",
        org_short_name=("局" if answers.get("school_type") == "教育局" else "学校") + org_type,
        meeting=ORG_MEETINGS.get(org_type, "党组织会议"),
        term=variant_term(answers.get("variant")),
        project=variant_term(answers.get("variant")) + "工程",
        verb="培育" if answers.get("variant") == "双培育" else "培养",
        twin_trees=answers.get("variant") == "双培双树",
        y1=y1, y3=y1 + 2, yearly=yearly,
        sum1=sum(y["t1"] for y in yearly), sum2=sum(y["t2"] for y in yearly),
        contact_count_cn="两" if answers.get("contact_count") == 2 else "一",
        online_channels_text="、".join(answers.get("online_channels") or []),
    )
    ctx["plan_title"] = f"{answers['school_name']}{ctx['project']}实施方案"
    return ctx


def _expand(node: dict, ctx: dict) -> list[dict]:
    """A clause node → rendered nodes ({title, paragraphs, children}); empty ones dropped."""
    library = clauses()
    source = node.get("from")
    if source:
        expanded = []
        for item in ctx.get(source) or []:
            if source == "measures" and ctx["twin_trees"] and item in ("先进典型评选", "党建品牌创建"):
                continue  # covered by the 双树 section
            expanded += _expand(library[source][item], ctx)
        return expanded
    when = node.get("when")
    if when and not ctx.get(when):
        return []
    paragraphs = [p for p in (_render(s, ctx) for s in node.get("paragraphs", [])) if p]
    children = [c for child in node.get("children", []) for c in _expand(child, ctx)]
    if not paragraphs and not children:
        return []
    return [{"title": _render(node.get("title", ""), ctx), "paragraphs": paragraphs, "children": children}]


def _flatten(nodes: list[dict], level: int, out: list[Block]) -> None:
    for n, node in enumerate(nodes, start=1):
        label = heading_label(level, n)
        paragraphs = list(node["paragraphs"])
        if level >= 3 and paragraphs:
            out.append(Block(BlockKind.HEADING, level, label, node["title"], paragraphs.pop(0)))
        else:
            out.append(Block(BlockKind.HEADING, level, label, node["title"]))
        out += [Block(BlockKind.PARA, text=p) for p in paragraphs]
        _flatten(node["children"], level + 1, out)


def plan_blocks(ctx: dict) -> list[Block]:
    library = clauses()["plan"]
    blocks = [Block(BlockKind.PARA, text=t) for t in (_render(s, ctx) for s in library["preamble"]) if t]
    nodes = [n for section in library["sections"] for n in _expand(section, ctx)]
    _flatten(nodes, 1, blocks)
    return blocks


ANNEX1_COLUMNS = ["年  度", "骨干教师培养成共产党员数", "党员教师培养成教学骨干数", "小  计"]
ANNEX3_RECORD_ROWS = 6
# the 台账 sample's last page (plan.html / the DOCX): with a two-line title, a one-line 抄送 and a
# one-line 印发 row, 58 pt are left between the sample and the 版记; a title line takes 28.95 pt, a
# 版记 line 28 pt, a 培养记录 row 42.75 pt (36 pt, padding and rule)
LEDGER_SLACK_PT, TITLE_LINE_PT, COLOPHON_LINE_PT, RECORD_ROW_PT = 58.0, 28.95, 28.0, 42.75


def _colophon_chars(width_mm: float, indents: int) -> float:
    """Characters a 版记 line holds in a cell ``width_mm`` wide with ``indents`` 14 pt indents."""
    return (width_mm * PT_PER_MM - indents * COLOPHON_INDENT_PT - 2 * CELL_MARGIN_PT) / COLOPHON_SIZE_PT


def colophon_rows(cc: str | None, printer: str, print_date: str) -> list[tuple[str, str | None, int]]:
    """The 版记's rows: (left text, right text, lines).  A 抄送 too long for the left cell takes the
    whole row (as the PDF sets it); a row is as many lines high as its text needs, never clipped."""
    left = _colophon_chars(COLOPHON_COLUMNS_MM[0], 1)
    rows: list[tuple[str, str | None, int]] = []
    if cc:
        text = f"抄送：{cc}。".replace("。。", "。")
        fits = lines_needed(text, left) == 1
        rows.append((text, "", 1) if fits else (text, None, lines_needed(text, _colophon_chars(sum(COLOPHON_COLUMNS_MM), 2))))
    rows.append((printer, f"{print_date}印发", lines_needed(printer, left)))
    return rows


def annex3_record_rows(title_lines: list[str], colophon: list[tuple[str, str | None, int]]) -> int:
    """How many 培养记录 rows the 台账 sample has: six, fewer when a longer title or 版记 would
    push the sample into the 版记 under it (GB/T 9704: the 版记 at the foot of the last page), two
    at least."""
    usual = 2 if len(colophon) > 1 else 1
    extra = max(0, len(title_lines) - 2) * TITLE_LINE_PT
    extra += (sum(lines for *_, lines in colophon) - usual) * COLOPHON_LINE_PT
    return max(2, ANNEX3_RECORD_ROWS - math.ceil(max(0.0, extra - LEDGER_SLACK_PT) / RECORD_ROW_PT))


def annex1_from_answers(ctx: dict) -> list[list[str]]:
    rows = [[f"{y['year']}年", str(y["t1"]), str(y["t2"]), str(y["t1"] + y["t2"])] for y in ctx["yearly"]]
    rows.append(["合  计", str(ctx["sum1"]), str(ctx["sum2"]), str(ctx["sum1"] + ctx["sum2"])])
    return rows


def annex1_from_data(data, school: str, years: list[int]) -> tuple[list[list[str]] | None, list[int], list[int]]:
    """Per-year plan counts of ``school`` (and the units below it) from the workbook's 三年计划,
    for the answers' ``years``: (rows or None when the workbook plans none of them, the years
    of ``years`` it has no plan for — their cells left blank —, every year it plans)."""
    from .common import select_units

    units = set(select_units(data, school))
    planned = sorted({p.year for p in data.plans if p.unit in units})
    if not set(planned) & set(years):
        return None, list(years), planned
    rows, total1, total2, missing = [], 0, 0, []
    for year in years:
        if year not in planned:
            missing.append(year)
            rows.append([f"{year}年", "", "", ""])
            continue
        t1 = sum(p.to_member for p in data.plans if p.unit in units and p.year == year)
        t2 = sum(p.to_backbone for p in data.plans if p.unit in units and p.year == year)
        total1, total2 = total1 + t1, total2 + t2
        rows.append([f"{year}年", str(t1), str(t2), str(t1 + t2)])
    rows.append(["合  计", str(total1), str(total2), str(total1 + total2)])
    return rows, missing, planned


def _years_text(years: list[int]) -> str:
    return "、".join(f"{y}年" for y in years)


def _span_text(years: list[int]) -> str:
    if not years:
        return "（无）"
    return f"{years[0]}—{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


@dataclass
class _AnnexContent:
    """What 附件1/附件2 hold: from the answers, or from the data workbook when one is given."""

    annex1_rows: list[list[str]]
    annex2_rows: list[list[str]]
    annex1_notes: list[str] = field(default_factory=list)
    annex2_year: str = ""
    warnings: list[str] = field(default_factory=list)


def _annex_content(ctx: dict, data, name: str) -> _AnnexContent:
    from . import annex2 as annex2_doc

    found = _AnnexContent(annex1_from_answers(ctx), annex2_doc.TABLE.blank_rows(10))
    if data is None:
        return found
    years = [y["year"] for y in ctx["yearly"]]
    from_data, missing, planned = annex1_from_data(data, name, years)
    if from_data is None:
        found.warnings.append(f"数据工作簿“三年计划”中没有“{name}”{_span_text(years)}的计划"
                              f"（有计划的年度：{_span_text(planned)}），附件1按答卷中的逐年目标填写")
    else:
        found.annex1_rows = from_data
        if missing:
            found.annex1_notes.append(f"{_years_text(missing)}在数据工作簿“三年计划”中没有本单位的计划数字，"
                                      "表中留空，请补充。")
            found.warnings.append(f"答卷的计划期为{_span_text(years)}（起始年度 {years[0]}），数据工作簿“三年计划”中"
                                  f"“{name}”的计划年度为{_span_text(planned)}；附件1按答卷的计划期填写，"
                                  f"{_years_text(missing)}没有计划数据（留空）。请核对答卷的起始年度或补充数据")
    view2 = annex2_doc.build(data, name, None, title_prefix=name)
    found.annex2_year = f"{view2.year}年"
    if view2.rows:
        found.annex2_rows = view2.table()
    return found


def _annexes(ctx: dict, name: str, found: _AnnexContent, keep: tuple, colophon: list) -> tuple[Table, Table, dict]:
    """附件1–3 as the plan prints them, titled with the variant's term."""
    from . import annex2 as annex2_doc

    term = ctx["term"]
    annex1_title = f"{name}{term}工程三年实施计划指导性任务表（{ctx['y1']}—{ctx['y3']}）"
    annex2_title = f"{name}{term}工程实施情况汇总表"
    annex3_title = f"{name}{term}对象培养台账（样表）"
    annex1 = Table("附件1", annex1_title, ANNEX1_COLUMNS, found.annex1_rows, notes=found.annex1_notes,
                   title_lines=title_lines(annex1_title, keep=keep))
    annex2 = Table("附件2", annex2_title, [c.replace(BASE_TERM, term) for c in annex2_doc.TABLE.headers],
                   found.annex2_rows, notes=[n.replace(BASE_TERM, term) for n in annex2_doc.NOTES],
                   widths_mm=annex2_doc.TABLE.widths_mm, subtitle_left=f"单位名称：{name}",
                   subtitle_right=f"{found.annex2_year or '　　年'}　　月　　日",
                   title_lines=title_lines(annex2_title, keep=keep))
    annex3_lines = title_lines(annex3_title, keep=keep)
    annex3 = {"label": "附件3", "title": annex3_title, "title_lines": annex3_lines, "track_label": f"{term}类别",
              "record_rows": annex3_record_rows(annex3_lines, colophon),
              "tracks": "（　）骨干教师培养成共产党员　　（　）党员教师培养成教学骨干"}
    return annex1, annex2, annex3


def build(answers: dict, *, data=None, seal_path: str | None = None) -> PlanView:
    ctx = text_context(answers)
    library = clauses()
    name = answers["school_name"]
    keep = (name, ctx["school"])  # title lines never split the school's name when it fits
    found = _annex_content(ctx, data, name)
    colophon = colophon_rows(answers.get("cc"), answers["printer"], gongwen_date(answers["sign_date"]))
    annex1, annex2, annex3 = _annexes(ctx, name, found, keep, colophon)
    sign = answers["sign_date"]
    notice_title = _render(library["notice"]["title"], ctx)
    view = PlanView(
        mark_text=answers.get("mark_text") if answers.get("print_mark") else None,
        doc_number=answers["doc_number"],
        notice_title=notice_title,
        recipients=answers["recipients"],
        notice_body=[t for t in (_render(s, ctx) for s in library["notice"]["body"]) if t],
        issuer=answers["issuer"],
        sign_date=gongwen_date(sign),
        seal_path=seal_path,
        plan_title=ctx["plan_title"],
        blocks=plan_blocks(ctx),
        attachments=[annex1.title, annex2.title, annex3["title"]],
        annex1=annex1,
        annex2=annex2,
        annex3=annex3,
        cc=answers.get("cc"),
        printer=answers["printer"],
        print_date=gongwen_date(sign),
        notice_title_lines=title_lines(notice_title, keep=keep),
        plan_title_lines=title_lines(ctx["plan_title"], keep=keep),
        warnings=found.warnings,
        colophon=colophon,
    )
    view.signature = place(view.issuer, view.sign_date, sealed=seal_path is not None)
    view.mark_size = mark_size(view.mark_text)
    _code_cache().save()
    return view


def scan_text_problems(lines: list[str]) -> list[str]:
    """Broken text a reader would notice: "None", doubled punctuation, leftover template code."""
    bad = re.compile(r"None|null|\{\{|\{%|%\}|\}\}|^\s*$|" + DOUBLED_MARKS)
    return [line for line in lines if bad.search(line)]


# Two marks that never stand together in good text: a doubled end mark (“：：”, “。。”, “；。”…),
# a doubled quote or book-title mark (“““”, “》》”…), an end mark after an opening quote;
# “‘ and ’” are nested quotes, not doubled ones.
_ENDS = "：:。；;，,、！？"
DOUBLED_MARKS = (f"[{_ENDS}][{_ENDS}]|“[“「『《\"]|[”」』》\"]”|「「|」」|『『|』』|‘‘|’’|《《|》》|\"\"|''"
                 f"|[“「『‘《][{_ENDS}]")
