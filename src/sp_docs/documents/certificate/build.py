"""Award rows + settings → one ``Certificate`` per row (or a ``RowFailure``)."""
from __future__ import annotations

import re

from ...model import Award
from .measure import ATOM_END, ATOM_START, FitError, display_name, fit_block, fit_line
from .settings import FIELD_LABELS, Order, Settings, fill_wording
from .view import Certificate, CertificateBatch, Field, RowFailure


def _sort_key(order: Order):
    if order not in (Order.TITLE, Order.UNIT):
        return lambda item: (item[0],)  # list order (pypinyin not loaded: ~0.5 s)
    from pypinyin import lazy_pinyin

    def key(item: tuple[int, Award]):
        index, award = item
        if order is Order.TITLE:
            return (lazy_pinyin(award.title), lazy_pinyin(award.unit), lazy_pinyin(award.name), index)
        return (lazy_pinyin(award.unit), lazy_pinyin(award.name), index)

    return key


def format_number(settings: Settings, year: int | None, sequence: int) -> str:
    seq = str(sequence).zfill(settings.number_digits) if settings.number_digits else str(sequence)
    values = {"前缀": settings.number_prefix, "年份": str(year or ""), "序号": seq}
    return re.sub(r"\{(前缀|年份|序号)\}", lambda m: values[m.group(1)], settings.number_pattern)


def build(rows, settings: Settings) -> CertificateBatch:
    """``rows``: ``AwardRow``s (sources.award_list) — bad rows become failures."""
    failures: list[RowFailure] = []
    good: list[tuple[int, object]] = []
    for index, row in enumerate(rows):
        if row.ok:
            good.append((index, row))
        else:
            messages = [p.message + (f"（“{p.location.column}”：{p.value}）" if p.value else
                                     (f"（“{p.location.column}”）" if p.location.column else ""))
                        for p in row.problems if p.is_error] or ["姓名、所在单位、荣誉称号不能为空"]
            failures.append(RowFailure(row.row, row.location, row.award.name if row.award else "", messages))
    ordered = sorted(((i, r.award) for i, r in good), key=_sort_key(settings.order))
    row_of = {i: r for i, r in good}
    numbering = _Numbering(settings)
    certificates: list[Certificate] = []
    for index, award in ordered:
        row = row_of[index]
        made = _certificate(row, award, settings, numbering)
        if isinstance(made, Certificate):
            certificates.append(made)
        else:
            failures.append(RowFailure(row.row, row.location, award.name, made))
    failures.sort(key=lambda f: f.row)
    return CertificateBatch(settings, certificates, failures)


class _Numbering:
    """Certificate numbers: restarting every year, each used once."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.sequences: dict[int | None, int] = {}
        self.used: set[str] = set()

    def take(self, award: Award, year: int | None, messages: list[str]) -> str:
        if award.cert_no:
            number = award.cert_no
        else:
            sequence = self.sequences.get(year, self.settings.number_start)
            self.sequences[year] = sequence + 1
            number = format_number(self.settings, year, sequence)
        if number in self.used:
            messages.append(f"证书编号“{number}”与前面的证书重复")
        self.used.add(number)
        return number


def _certificate(row, award: Award, settings: Settings, numbering: _Numbering) -> Certificate | list[str]:
    """The certificate of one row, or the reasons it cannot be made."""
    from ...text import chinese_year_month

    messages: list[str] = []
    issued_on = award.issued_on or settings.issued_on
    issuer = award.issuer or settings.issuer
    year = settings.year or award.year or (issued_on.year if issued_on else None)
    how = ("设置文件" if settings.source else
           "设置文件（未给 --settings；可用 sp-docs certificates new-settings 生成）")
    if issued_on is None:
        messages.append(f"没有颁发日期：请填名单的“颁发日期”列，或{how}中的“颁发日期”")
    if not issuer:
        messages.append(f"没有颁发单位：请填名单的“颁发单位”列，或{how}中的“颁发单位”")
    number = numbering.take(award, year or (issued_on.year if issued_on else None), messages)
    if messages:
        return messages
    name = display_name(award.name, settings.pad_names)
    values = {"姓名": name, "单位": award.unit, "荣誉称号": ATOM_START + award.title + ATOM_END,
              "年度": str(year or ""), "颁发单位": issuer}
    plain = dict(values, 荣誉称号=award.title)
    texts = {
        "greeting": fill_wording(settings.greeting, plain),
        "body": [fill_wording(settings.body, values), fill_wording(settings.closing, plain)],
        "issuer": issuer,
        "date": chinese_year_month(issued_on),
        "number": (settings.number_label + number) if number else "",
    }
    fields = [_field(key, texts[key], settings, messages) for key in ("greeting", "body", "issuer", "date", "number")]
    if messages:
        return messages
    return Certificate(row.row, number, award.name, award.unit, award.title, fields)


def _field(key: str, content, settings: Settings, messages: list[str]) -> Field | None:
    """One field set in its box: size and lines, or None with the reason added to ``messages``."""
    from ...render.fonts import missing_glyphs

    box = settings.box(key)
    shown = "".join(content) if isinstance(content, list) else content
    shown = shown.replace(ATOM_START, "").replace(ATOM_END, "")
    missing = missing_glyphs(shown, box.role)
    if missing:
        messages.append(f"{FIELD_LABELS[key]}中的“{'、'.join(missing)}”字体中没有（生僻字），"
                        "请安装含该字的字体或改用通用字")
        return None
    try:
        if key == "body":
            paragraphs = [p for p in content if p.strip()]
            size, lines = fit_block(paragraphs, box)
            lines = [line.replace(ATOM_START, "").replace(ATOM_END, "") for line in lines]
        else:
            size, lines = fit_line(content, box), [content]
    except FitError:
        messages.append(f"{FIELD_LABELS[key]}太长，缩小到最小字号 {box.floor:g} 磅仍放不下"
                        f"（“{shown[:30]}”），请调大文字框或最小字号")
        return None
    return Field(key, lines, box, size)
