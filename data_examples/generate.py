#!/usr/bin/env python3
"""Deterministic generator of the example workbooks in ``data_examples/``.

Writes, from a fixed seed (``random.Random(20251)``):

* ``city.xlsx`` / ``city.yaml`` -- the fictional city 青川市: 18 units, 335
  teachers, 101 双培对象, their 培养记录, 三年计划 and 表彰;
* ``school.xlsx`` / ``school.yaml`` -- one school (青川市实验小学) on its own.
* ``rules.yaml`` -- the city's rule settings (``sp-docs rules new`` format) with
  the yearly plan minimum scaled to this small city (``CITY_PLAN_MINIMUM``).

Every sheet of ``schema.SHEETS`` is written in that order; a sheet this script
does not fill (the optional 成果 sheet) is written with its headers only and
left out of the YAML.

All people, units and ID numbers are invented (region codes 5399xx are not
real allocations).  The data is *valid input*: ``validate()`` asserts the
checker's input rules before anything is saved.  The city also contains a few
deliberate *programme* shortfalls (not input errors), listed in README.md and
asserted by ``check_city()``.

Run:  python data_examples/generate.py
Only openpyxl, PyYAML and the standard library are needed.
"""
from __future__ import annotations

import io
import math
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
try:  # installed package
    from sp_docs.sources import schema
except ImportError:  # running from a checkout
    sys.path.insert(0, str(ROOT / "src"))
    from sp_docs.sources import schema

SEED = 20251
TODAY = date(2026, 11, 21)          # the checker's "today" for these examples
DATA_CUTOFF = date(2025, 11, 30)    # no date in the examples is later than this
RECORD_END = date(2025, 10, 31)     # records stop here
ISSUER = "中共青川市委教育工作委员会"

# --------------------------------------------------------------------------
# GB 11643 citizen ID numbers (kept here on purpose: no dependency on
# sp_docs.sources.normalize, which is written separately)
# --------------------------------------------------------------------------
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(body17: str) -> str:
    """Check character of an 18-digit ID from its first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS))
    return ID_CHECK[total % 11]


def make_id(region: str, birth: date, seq: int) -> str:
    """An 18-character ID: region (6) + birth YYYYMMDD + sequence (3) + check."""
    assert len(region) == 6 and region.isdigit() and 0 <= seq <= 999
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def id_valid(number: str) -> bool:
    return (len(number) == 18 and number[:17].isdigit()
            and number[17] == id_check_char(number[:17]))


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


def rand_date(rng: random.Random, lo: date, hi: date) -> date:
    assert lo <= hi, (lo, hi)
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def quarter(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def quarter_bounds(y: int, q: int) -> tuple[date, date]:
    start = date(y, 3 * q - 2, 1)
    end = date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)
    return start, end - timedelta(days=1)


def quarters_between(lo: date, hi: date) -> list[tuple[int, int]]:
    out = []
    y, q = quarter(lo)
    while (y, q) <= quarter(hi):
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def semesters_within(lo: date, hi: date) -> list[tuple[date, date]]:
    """Whole semesters inside [lo, hi]: 第一学期 Sep 1 – end of Feb, 第二学期 Mar 1 – Aug 31."""
    out = []
    for year in range(lo.year - 1, hi.year + 1):
        for start, end in ((date(year, 9, 1), date(year + 1, 3, 1) - timedelta(days=1)),
                           (date(year + 1, 3, 1), date(year + 1, 8, 31))):
            if start >= lo and end <= hi:
                out.append((start, end))
    return out


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
            "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
            "尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_F = "丽静敏婷雪燕红玉芳雨欣佳琳颖娟霞蕾倩瑶琪思梦雅晨曦涵彤悦璐洁慧兰梅萍蓉薇妍诗心月秀珊楠凤晓春秋文"
GIVEN_M = "明华建国志海宇浩俊杰涛磊鹏辉峰毅林森斌强波军勇刚平健亮宁凯博睿轩航旭冰洋成德永元安泽远振卫宏伟晓春文"


class NamePool:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def draw(self, gender: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.015:
            surname = rng.choice(("欧阳", "司马", "上官", "诸葛"))
        else:
            surname = rng.choice(SURNAMES)
        pool = GIVEN_F if gender == "女" else GIVEN_M
        if rng.random() < 0.13:  # two-character name
            return surname + rng.choice(pool)
        a = rng.choice(pool)
        b = rng.choice(pool)
        while b == a:
            b = rng.choice(pool)
        return surname + a + b


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------

@dataclass
class UnitSpec:
    name: str
    parent: str
    kind: str
    party_org: str
    party_org_kind: str
    border: bool
    region: str          # ID region code most teachers were born in (invented)
    teachers: int
    staff: int | None
    t1: int              # track-1 trainees
    t2: int              # track-2 trainees


R = "青川市教育工委"
CITY_UNITS = [
    UnitSpec(R, "", "教育局", "中共青川市委教育工作委员会", "党委", False, "539902", 0, None, 0, 0),
    UnitSpec("东湖区教育局", R, "区县教育局", "中共东湖区教育局党组", "党组", False, "539902", 6, 18, 1, 1),
    UnitSpec("西岭县教育局", R, "区县教育局", "中共西岭县教育局党组", "党组", True, "539921", 6, 16, 1, 1),
    UnitSpec("南浦县教育局", R, "区县教育局", "中共南浦县教育局党组", "党组", False, "539922", 5, 15, 1, 1),
    UnitSpec("青川师范学院", R, "高校", "中共青川师范学院委员会", "党委", False, "539903", 34, 126, 5, 8),
    UnitSpec("青川职业技术学院", R, "高校", "中共青川职业技术学院委员会", "党委", False, "539903", 30, 98, 4, 6),
    UnitSpec("青川市第一中学", R, "市直学校", "中共青川市第一中学委员会", "党委", False, "539902", 36, 112, 5, 7),
    UnitSpec("青川市实验小学", R, "小学", "中共青川市实验小学总支部委员会", "党总支", False, "539902",
             28, 76, 3, 5),
    UnitSpec("青川市机关幼儿园", R, "幼儿园", "中共青川市机关幼儿园支部委员会", "党支部", False, "539903",
             14, 32, 2, 2),
    UnitSpec("青川市特殊教育学校", R, "特殊教育学校", "中共青川市特殊教育学校支部委员会", "党支部", False,
             "539903", 12, 38, 1, 1),
    UnitSpec("青川市第二职业中专", R, "职业学校", "中共青川市第二职业中专总支部委员会", "党总支", False,
             "539903", 22, 64, 3, 4),
    UnitSpec("东湖区实验小学", "东湖区教育局", "小学", "中共东湖区实验小学支部委员会", "党支部", False,
             "539902", 24, 58, 3, 3),
    UnitSpec("东湖区第三中学", "东湖区教育局", "中学", "中共东湖区第三中学总支部委员会", "党总支", False,
             "539902", 24, 62, 3, 4),
    UnitSpec("西岭县第一中学", "西岭县教育局", "中学", "中共西岭县第一中学委员会", "党委", True,
             "539921", 24, 60, 3, 4),
    UnitSpec("西岭县民族小学", "西岭县教育局", "小学", "中共西岭县民族小学支部委员会", "党支部", True,
             "539921", 18, 42, 2, 3),
    UnitSpec("西岭县边城九年一贯制学校", "西岭县教育局", "九年一贯制学校",
             "中共西岭县边城九年一贯制学校支部委员会", "党支部", True, "539921", 18, 45, 2, 3),
    UnitSpec("南浦县第二中学", "南浦县教育局", "中学", "中共南浦县第二中学支部委员会", "党支部", False,
             "539922", 22, 55, 3, 3),
    UnitSpec("南浦县实验幼儿园", "南浦县教育局", "幼儿园", "中共南浦县实验幼儿园支部委员会", "党支部", False,
             "539922", 12, 28, 1, 2),
]
REGIONS = ("539902", "539903", "539921", "539922", "539923", "539981")

# Teachers of these units have their 出生年月 typed as text ('1985.03') in the
# xlsx, as if pasted from another system; everyone else has a real date cell.
TEXT_BIRTH_UNITS = ("西岭县第一中学", "南浦县第二中学")

# Fixed people (role, unit, name, gender, ethnicity).
SPECIAL_PEOPLE = [
    ("t1", "西岭县民族小学", "阿依古丽·买买提", "女", "维吾尔族"),
    ("mentor", "西岭县民族小学", "阿卜杜热西提·艾合麦提江", "男", "维吾尔族"),
    ("t2", "青川市第一中学", "欧阳晓岚", "女", "汉族"),
    ("other", "青川师范学院", "司马文博", "男", "汉族"),
    ("other", "南浦县第二中学", "诸葛明", "男", "汉族"),
]

SUBJECTS = {
    "小学": ("语文", "数学", "英语", "科学", "音乐", "体育与健康", "美术", "道德与法治", "信息科技"),
    "中学": ("语文", "数学", "英语", "物理", "化学", "生物学", "历史", "地理", "道德与法治",
             "体育与健康", "信息技术", "音乐", "美术"),
    "高校": ("汉语言文学", "教育学", "心理学", "数学与应用数学", "计算机科学与技术", "英语",
             "思想政治教育", "学前教育", "机械设计制造", "护理", "会计", "电子商务"),
    "职业学校": ("数控技术", "电子商务", "汽车运用与维修", "幼儿保育", "会计事务", "计算机应用",
                 "语文", "数学", "英语", "思想政治"),
    "幼儿园": ("学前教育",),
    "特殊教育学校": ("特殊教育", "康复训练", "生活语文", "生活数学", "律动"),
    "区县教育局": ("初中语文（教研）", "小学数学（教研）", "初中英语（教研）", "德育（教研）",
                   "学前教育（教研）", "小学科学（教研）"),
}
SUBJECTS["市直学校"] = SUBJECTS["中学"]
SUBJECTS["九年一贯制学校"] = SUBJECTS["中学"]

MENTOR_POSITIONS = {
    "区县教育局": ("教研室主任", "教研员", "教研员"),
    "高校": ("二级学院党总支书记", "系主任", "副院长", "教研室主任", "专业带头人"),
    "幼儿园": ("党支部书记", "园长", "副园长", "保教主任", "年级组长"),
    "职业学校": ("党总支书记", "校长", "副校长", "专业部主任", "教研组长"),
}
SCHOOL_POSITIONS = ("{sec}", "校长", "副校长", "教研组长", "年级组长", "教务主任", "教研组长", "年级组长")
SECRETARY = {"党委": "党委书记", "党总支": "党总支书记", "党支部": "党支部书记", "党组": "党组书记"}


def mentor_positions(u: UnitSpec) -> list[str]:
    if u.kind in MENTOR_POSITIONS:
        base = MENTOR_POSITIONS[u.kind]
    else:
        base = tuple(p.format(sec=SECRETARY[u.party_org_kind]) for p in SCHOOL_POSITIONS)
    return list(base)


def subject_kind(u: UnitSpec) -> str:
    return u.kind if u.kind in SUBJECTS else "中学"


def title_for(rng: random.Random, u: UnitSpec, age: int) -> str:
    if u.kind == "高校":
        if age < 30:
            return "助教"
        if age < 40:
            return "讲师"
        if age < 50:
            return rng.choice(("副教授", "副教授", "讲师"))
        return rng.choice(("教授", "副教授", "副教授"))
    if u.kind == "职业学校":
        if age < 30:
            return "助理讲师"
        if age < 42:
            return "讲师"
        return rng.choice(("高级讲师", "高级讲师", "讲师"))
    if age < 28:
        return rng.choice(("二级教师", "二级教师", "三级教师"))
    if age < 38:
        return rng.choice(("一级教师", "一级教师", "二级教师"))
    if age < 50:
        return rng.choice(("高级教师", "一级教师"))
    return weighted(rng, (("高级教师", 70), ("一级教师", 26), ("正高级教师", 4)))


# --------------------------------------------------------------------------
# Record content fragments
# --------------------------------------------------------------------------
TALK_OPEN = ("与培养对象开展谈心谈话，", "围绕近期思想和工作情况谈心交流，", "本季度谈心谈话：",
             "利用课后时间与对象谈心，", "结合期中工作开展谈话，")
TALK_T1 = ("交流入党动机和对党的认识，", "了解其学习党章和党史的体会，", "谈如何在教学一线发挥先锋作用，",
           "了解其思想状况和参加志愿服务的情况，", "就入党积极分子的培养要求逐条作了说明，")
TALK_T2 = ("交流专业发展规划和本学期教学目标，", "分析近期课堂教学中的不足，", "谈如何在教研组中发挥骨干作用，",
           "了解其工作压力和家庭困难，", "就申报县级骨干教师的条件逐项对照，")
TALK_CLOSE = ("对象表示将进一步严格要求自己。", "双方约定下次谈话重点。", "提出读书和写作建议两条。",
              "鼓励其带头承担公开课任务。", "对下一阶段培养任务作了安排。")
LESSON_ASPECTS = ("教学目标达成度", "课堂提问的层次", "学生活动设计", "板书与课件使用", "作业布置与反馈",
                  "小组合作的组织", "时间分配")
LESSON_NAMES = ("第二单元复习课", "新授课", "习题讲评课", "实验探究课", "阅读指导课", "单元整理课", "综合实践课")
THEMES = ("大单元教学设计", "作业设计与减负增效", "跨学科主题学习", "课堂提问的有效性", "信息技术与课堂融合",
          "学生综合素质评价", "新课标背景下的教学评一致性", "课后服务课程建设")
PLACES = ("党员活动室", "会议室", "教研室", "校长办公室", "录播教室", "多功能厅", "图书室", "教室")

OTHER_FORMS_T1 = (("听课指导", 28), ("专题教研", 18), ("示范课", 10), ("公开课", 10), ("党课学习", 14),
                  ("主题党日", 10), ("集体备课", 6), ("业务督导", 4))
OTHER_FORMS_T2 = (("听课指导", 32), ("专题教研", 22), ("示范课", 14), ("公开课", 16), ("集体备课", 10),
                  ("业务督导", 6))


def record_content(rng: random.Random, form: str, track: int, subject: str) -> tuple[str, str]:
    """(content, place) for one record."""
    subj = subject.replace("（教研）", "")
    if form == "谈心谈话":
        mid = rng.choice(TALK_T1 if track == 1 else TALK_T2)
        return rng.choice(TALK_OPEN) + mid + rng.choice(TALK_CLOSE), \
            rng.choice(("党员活动室", "会议室", "校长办公室", "教研室"))
    if form == "听课指导":
        return (f"听对象{subj}{rng.choice(LESSON_NAMES)}，就{rng.choice(LESSON_ASPECTS)}"
                f"和{rng.choice(LESSON_ASPECTS)}进行点评，提出改进意见。"), rng.choice(("教室", "录播教室"))
    if form == "专题教研":
        return (f"共同参加“{rng.choice(THEMES)}”专题教研，对象作交流发言，"
                f"培养人{rng.choice(('补充点评', '布置后续研究任务', '推荐参考文献'))}。"), \
            rng.choice(("教研室", "会议室", "多功能厅"))
    if form == "示范课":
        return (f"培养人上{subj}示范课《{rng.choice(LESSON_NAMES)}》，对象全程观摩并撰写听课反思。"), \
            rng.choice(("录播教室", "教室", "多功能厅"))
    if form == "公开课":
        return (f"对象执教{rng.choice(('校级', '校级', '县级', '片区'))}公开课，培养人课前两次磨课，"
                f"课后组织评课。"), rng.choice(("录播教室", "多功能厅", "教室"))
    if form == "党课学习":
        return (f"共同学习{rng.choice(('党章', '党的二十大报告', '《中国共产党简史》', '新修订的纪律处分条例'))}"
                f"有关内容，对象交流学习体会{rng.choice(('一篇', '并提交心得', ''))}。"), "党员活动室"
    if form == "主题党日":
        return (f"对象列席支部主题党日活动，{rng.choice(('参加社区志愿服务', '参观红色教育基地', '重温入党誓词环节旁听', '参加义务辅导'))}。"), \
            rng.choice(("党员活动室", "会议室"))
    if form == "集体备课":
        return (f"参加{subj}学科集体备课，对象主备{rng.choice(LESSON_NAMES)}，培养人逐环节把关。"), "教研室"
    if form == "业务督导":
        return (f"检查对象教案、作业批改和听课记录，{rng.choice(('总体规范', '提出三条改进意见', '要求补齐听课笔记'))}。"), \
            rng.choice(("教研室", "校长办公室"))
    return "其他培养活动。", rng.choice(PLACES)


def weighted(rng: random.Random, pairs) -> str:
    names = [p[0] for p in pairs]
    weights = [p[1] for p in pairs]
    return rng.choices(names, weights)[0]


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------

@dataclass
class Windows:
    """Date windows, by (track, plan year) -> (filed_lo, filed_hi)."""
    filed: dict
    completed: dict          # (track, plan_year) -> (lo, hi) if completed
    complete_prob: dict      # (track, plan_year) -> probability of 已完成
    other_records: tuple[int, int]


CITY_WINDOWS = Windows(
    filed={
        (2, 2023): (date(2022, 9, 1), date(2023, 2, 28)),
        (2, 2024): (date(2023, 3, 1), date(2024, 3, 31)),
        (2, 2025): (date(2024, 1, 2), date(2024, 12, 20)),
        (1, 2023): (date(2022, 9, 1), date(2022, 12, 20)),
        (1, 2024): (date(2023, 3, 1), date(2023, 12, 29)),
        (1, 2025): (date(2024, 1, 2), date(2024, 12, 20)),
    },
    completed={
        (2, 2023): (date(2023, 7, 1), date(2023, 12, 28)),
        (2, 2024): (date(2024, 7, 1), date(2024, 12, 27)),
        (2, 2025): (date(2025, 6, 1), date(2025, 10, 20)),
        # track 1: completion = admission as 预备党员 (full member one year later)
        (1, 2023): (date(2023, 6, 1), date(2023, 12, 27)),
        (1, 2024): (date(2024, 12, 2), date(2024, 12, 27)),
        (1, 2025): (date(2025, 5, 6), date(2025, 10, 20)),
    },
    complete_prob={(2, 2023): 1.0, (2, 2024): 1.0, (2, 2025): 0.4, (1, 2023): 1.0, (1, 2024): 1.0,
                   (1, 2025): 0.45},
    other_records=(1, 2),
)

SCHOOL_WINDOWS = Windows(
    filed={(1, 2025): (date(2024, 12, 2), date(2025, 4, 25)), (2, 2025): (date(2024, 12, 2), date(2025, 4, 25))},
    completed={(1, 2025): (date(2025, 7, 1), date(2025, 10, 20)), (2, 2025): (date(2025, 7, 1), date(2025, 10, 20))},
    complete_prob={(1, 2025): 0.5, (2, 2025): 0.5},
    other_records=(0, 1),
)


class Generator:
    def __init__(self, units: list[UnitSpec], windows: Windows, special=()):
        self.rng = random.Random(SEED)
        self.units = units
        self.windows = windows
        self.special = list(special)
        self.names = NamePool(self.rng)
        self.teachers: list[dict] = []
        self.trainees: list[dict] = []
        self.records: list[dict] = []
        self.plans: list[dict] = []
        self.awards: list[dict] = []
        self.ids: set[str] = set()
        self.meta: dict = {}   # facts about deliberate shortfalls, for README / checks

    # ---- teachers ---------------------------------------------------------
    def new_id(self, region: str, birth_day: date, gender: str) -> str:
        rng = self.rng
        while True:
            seq = rng.randint(0, 499) * 2 + (1 if gender == "男" else 0)  # odd = male
            number = make_id(region, birth_day, seq)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def person(self, u: UnitSpec, role: str, used: set, name=None, gender=None, ethnicity=None) -> dict:
        rng = self.rng
        if gender is None:
            female_share = 0.92 if u.kind == "幼儿园" else 0.6
            gender = "女" if rng.random() < female_share else "男"
        if name is None:
            name = self.names.draw(gender)
            while name in used:  # no two teachers with the same name in one unit
                name = self.names.draw(gender)
        assert name not in used, name
        used.add(name)
        if ethnicity is None:
            minority = 0.25 if u.border else 0.06
            ethnicity = rng.choice(("彝族", "傣族", "回族", "白族", "哈尼族", "壮族", "苗族")) \
                if rng.random() < minority else "汉族"
        lo, hi = {"mentor": (1965, 1984), "t1": (1976, 1995), "t2": (1980, 1996)}.get(role, (1965, 1998))
        birth_day = date(rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))
        id_number = None
        if rng.random() < 0.70:
            region = u.region if rng.random() < 0.6 else rng.choice(REGIONS)
            id_number = self.new_id(region, birth_day, gender)
        age = age_on(birth_day, date(2025, 9, 1))
        t = {
            "name": name, "gender": gender, "ethnicity": ethnicity,
            "birth": date(birth_day.year, birth_day.month, 1),
            "id_number": id_number, "unit": u.name,
            "subject": rng.choice(SUBJECTS[subject_kind(u)]),
            "title": title_for(rng, u, age),
            "political_status": None, "joined_party": None, "backbone_level": None,
            "rating": None, "note": None,
            # internal (not written)
            "_role": role, "_birth_day": birth_day, "_text_birth": u.name in TEXT_BIRTH_UNITS,
            "_position": None,
        }
        if role == "mentor":
            t["political_status"] = "中共党员"
            t["joined_party"] = rand_date(rng, add_years(birth_day, 21), date(2016, 6, 30))
        elif role == "other":
            r = rng.random()
            if r < 0.14:
                t["political_status"] = "中共党员"
                lo_j = add_years(birth_day, 20)
                t["joined_party"] = rand_date(rng, lo_j, max(lo_j, date(2023, 6, 30)))
            elif r < 0.21:
                t["political_status"] = "民主党派"
            elif birth_day.year >= 1995 and r < 0.8:
                t["political_status"] = "共青团员"
            else:
                t["political_status"] = "群众"
            if rng.random() < 0.02:
                t["backbone_level"] = rng.choice(("校级", "县级"))
        return t

    def make_teachers(self):
        rng = self.rng
        for u in self.units:
            if u.teachers == 0:
                continue
            used: set[str] = set()
            specials = [s for s in self.special if s[1] == u.name]
            n_mentors = 0 if (u.t1 + u.t2) == 0 else max(2, math.ceil((u.t1 + u.t2) / 3) + 1)
            roles = ["mentor"] * n_mentors + ["t1"] * u.t1 + ["t2"] * u.t2
            roles += ["other"] * (u.teachers - len(roles))
            assert len(roles) == u.teachers, u.name
            people = []
            for role in roles:
                spec = next((s for s in specials if s[0] == role), None)
                if spec:
                    specials.remove(spec)
                    people.append(self.person(u, role, used, spec[2], spec[3], spec[4]))
                else:
                    people.append(self.person(u, role, used))
            assert not specials, specials
            positions = mentor_positions(u)
            mentors = [p for p in people if p["_role"] == "mentor"]
            for i, m in enumerate(mentors):
                m["_position"] = positions[i] if i < len(positions) else rng.choice(positions[-2:])
                if i == 0 or (i == 1 and u.t2 >= 3) or rng.random() < 0.25:
                    m["backbone_level"] = weighted(rng, (("省级", 1), ("市级", 4), ("县级", 4), ("校级", 2)))
            rng.shuffle(people)  # mentors are not all at the top of the sheet
            self.teachers.extend(people)

    # ---- trainees ----------------------------------------------------------
    def make_trainees(self):
        rng = self.rng
        w = self.windows
        # plan years in turn within a unit; a unit's first trainees are due in 2025 (track 1)
        # and 2024 (track 2), so every unit has trainees due in both years
        years_t1 = sorted({y for (tr, y) in w.filed if tr == 1})
        years_t2 = sorted({y for (tr, y) in w.filed if tr == 2})
        cycle_t1 = {3: (2025, 2023, 2024), 2: (2025, 2024), 1: (2025,)}[len(years_t1)]
        cycle_t2 = {3: (2024, 2025, 2023, 2025, 2023), 2: (2024, 2025), 1: (2025,)}[len(years_t2)]
        for u in self.units:
            staff = [t for t in self.teachers if t["unit"] == u.name]
            mentors = [t for t in staff if t["_role"] == "mentor"]
            load = {m["name"]: 0 for m in mentors}
            for track in (1, 2):
                group = [t for t in staff if t["_role"] == f"t{track}"]
                cycle = cycle_t1 if track == 1 else cycle_t2
                for i, t in enumerate(group):
                    plan_year = cycle[i % len(cycle)]
                    self.trainees.append(self.make_trainee(t, track, plan_year, mentors, load))

    def make_trainee(self, t: dict, track: int, plan_year: int, mentors: list, load: dict) -> dict:
        rng = self.rng
        w = self.windows
        filed = rand_date(rng, *w.filed[(track, plan_year)])
        completed = rng.random() < w.complete_prob[(track, plan_year)]
        done_on = None
        if completed:
            lo, hi = w.completed[(track, plan_year)]
            lo = max(lo, filed + timedelta(days=200))
            done_on = rand_date(rng, lo, hi)
        # track-specific state of the person
        if track == 1:
            t["backbone_level"] = weighted(rng, (("市级", 2), ("县级", 4), ("校级", 4)))
            if completed:
                # 入党时间 = admission as 预备党员; a full member after the year of probation
                full = add_years(done_on, 1) <= DATA_CUTOFF
                t["political_status"] = "中共党员" if full else "中共预备党员"
                t["joined_party"] = done_on
            else:
                t["political_status"] = "共青团员" if t["_birth_day"].year >= 1995 else "群众"
        else:
            t["political_status"] = "中共党员"
            lo_j = add_years(t["_birth_day"], 20)
            t["joined_party"] = rand_date(rng, lo_j, max(lo_j, filed - timedelta(days=400)))
            if completed:
                t["backbone_level"] = rng.choice(("校级", "校级", "县级"))
        # mentors: track 1 -> Party members (all mentors are); track 2 -> backbone teachers
        eligible = [m for m in mentors if track == 1 or m["backbone_level"]]
        eligible.sort(key=lambda m: (load[m["name"]], rng.random()))
        m1 = eligible[0]
        load[m1["name"]] += 1
        m2 = None
        if rng.random() < 0.3 and len(eligible) > 1:
            m2 = eligible[1]
            load[m2["name"]] += 1
        note = None
        if track == 1 and not completed and rng.random() < 0.3:
            note = rng.choice(("已列为入党积极分子", "已确定为发展对象", "已递交入党申请书"))
        elif rng.random() < 0.04:
            note = rng.choice(("2024年9月调入本单位", "曾赴边境学校支教一年", "培养期间参加市级骨干研修班"))
        return {
            "name": t["name"], "unit": t["unit"], "track": track,
            "mentor": m1["name"], "mentor_position": m1["_position"],
            "mentor2": m2["name"] if m2 else None, "mentor2_position": m2["_position"] if m2 else None,
            "filed_on": filed, "plan_year": plan_year,
            "status": "已完成" if completed else "培养中", "completed_on": done_on, "note": note,
        }

    # ---- ratings -------------------------------------------------------------
    def make_ratings(self):
        rng = self.rng
        recent = 0
        for t in self.teachers:
            joined = t["joined_party"]
            if joined and joined >= date(2024, 1, 1):
                recent += 1
                # most of those admitted recently were rated 优秀 (the 80 % indicator)
                t["rating"] = "合格" if recent % 7 == 0 else "优秀"
            else:
                t["rating"] = weighted(rng, (("优秀", 22), ("合格", 74), ("基本合格", 3)))
            if rng.random() < 0.03 and not t["note"]:
                t["note"] = rng.choice(("2024年8月调入", "产假中（预计2026年1月返岗）", "援疆支教一年（已返岗）",
                                        "借调至上级单位半年"))

    # ---- records -------------------------------------------------------------
    def make_records(self):
        rng = self.rng
        by_key = {(t["name"], t["unit"]): t for t in self.teachers}
        for tr in self.trainees:
            teacher = by_key[(tr["name"], tr["unit"])]
            end = min(tr["completed_on"] or RECORD_END, RECORD_END)
            dates_forms = []
            for (y, q) in quarters_between(tr["filed_on"], end):
                lo, hi = quarter_bounds(y, q)
                dates_forms.append((rand_date(rng, max(lo, tr["filed_on"]), min(hi, end)), "谈心谈话"))
            if tr["track"] == 2:
                # a Party-member teacher gives at least one open lesson in every whole semester of training
                for lo, hi in semesters_within(tr["filed_on"], end):
                    dates_forms.append((rand_date(rng, lo + timedelta(days=20), hi - timedelta(days=30)), "公开课"))
            n_other = rng.randint(*self.windows.other_records)
            n_other = max(n_other, 3 - len(dates_forms))
            forms = OTHER_FORMS_T1 if tr["track"] == 1 else OTHER_FORMS_T2
            for _ in range(n_other):
                dates_forms.append((rand_date(rng, tr["filed_on"], end), weighted(rng, forms)))
            dates_forms.sort()
            for d, form in dates_forms:
                content, place = record_content(rng, form, tr["track"], teacher["subject"])
                if tr["mentor2"] and rng.random() < 0.4:
                    mentor = tr["mentor2"]
                elif rng.random() < 0.55:
                    mentor = None
                else:
                    mentor = tr["mentor"]
                self.records.append({"trainee": tr["name"], "unit": tr["unit"], "date": d, "form": form,
                                     "content": content, "mentor": mentor, "place": place})

    def add_demo_lessons(self):
        """Every Party-member mentor of a track-2 trainee gives a 示范课 in every whole semester
        of that training (so the lesson rule passes also with ``scope: mentors``)."""
        rng = self.rng
        by_key = {(t["name"], t["unit"]): t for t in self.teachers}
        trainees = {(t["name"], t["unit"]): t for t in self.trainees}
        given: dict[tuple[str, str], list[date]] = {}
        for r in self.records:
            if r["form"] == "示范课":
                m = r["mentor"] or trainees[(r["trainee"], r["unit"])]["mentor"]
                given.setdefault((r["unit"], m), []).append(r["date"])
        for tr in self.trainees:
            if tr["track"] != 2:
                continue
            end = min(tr["completed_on"] or RECORD_END, RECORD_END)
            subject = by_key[(tr["name"], tr["unit"])]["subject"]
            for lo, hi in semesters_within(tr["filed_on"], end):
                for m in (tr["mentor"], tr["mentor2"]):
                    if not m or by_key[(m, tr["unit"])]["political_status"] not in PARTY:
                        continue
                    days = given.setdefault((tr["unit"], m), [])
                    if any(lo <= d <= hi for d in days):
                        continue
                    d = rand_date(rng, lo + timedelta(days=15), hi - timedelta(days=25))
                    days.append(d)
                    content, place = record_content(rng, "示范课", 2, subject)
                    self.records.append({"trainee": tr["name"], "unit": tr["unit"], "date": d, "form": "示范课",
                                         "content": content, "mentor": m, "place": place})

    # ---- plans -------------------------------------------------------------------
    def make_plans_from_trainees(self, years: tuple[int, ...], adjust: dict):
        """Each unit's plan per year and track = its trainees due that year (计划完成年度),
        changed by ``adjust[(unit, year, track)]`` (the deliberate differences)."""
        units = [u for u in self.units if u.parent or len(self.units) == 1]
        due: dict[tuple[str, int, int], int] = {}
        for tr in self.trainees:
            key = (tr["unit"], tr["plan_year"], tr["track"])
            due[key] = due.get(key, 0) + 1
        for u in units:
            for year in years:
                a, b = (due.get((u.name, year, k), 0) + adjust.get((u.name, year, k), 0) for k in (1, 2))
                assert a >= 0 and b >= 0, (u.name, year)
                self.plans.append({"unit": u.name, "year": year, "to_member": a, "to_backbone": b})

    def make_plans(self, totals: dict[int, tuple[int, int]]):
        """Distribute the city-wide yearly totals over units by staff count."""
        units = [u for u in self.units if u.parent or len(self.units) == 1]
        weights = [u.staff or 1 for u in units]
        for year, (t1_total, t2_total) in sorted(totals.items()):
            c1 = largest_remainder(t1_total, weights)
            c2 = largest_remainder(t2_total, weights)
            for u, a, b in zip(units, c1, c2):
                self.plans.append({"unit": u.name, "year": year, "to_member": a, "to_backbone": b})
        self.plans.sort(key=lambda p: ([u.name for u in self.units].index(p["unit"]), p["year"]))

    # ---- awards ----------------------------------------------------------------
    def make_awards(self, spec):
        """spec: list of (year, title, n_party, n_non_party, n_border) ."""
        rng = self.rng
        border_units = {u.name for u in self.units if u.border}
        taken = set()

        def pick(pred):
            pool = [t for t in self.teachers if pred(t) and (t["name"], t["unit"]) not in taken]
            t = rng.choice(pool)
            taken.add((t["name"], t["unit"]))
            return t

        for year, title, n_party, n_non, n_border in spec:
            chosen = []
            for i in range(n_party):
                if i < n_border:
                    chosen.append(pick(lambda t: t["political_status"] == "中共党员" and t["unit"] in border_units))
                elif title == "党员教师先锋":
                    chosen.append(pick(lambda t: t["political_status"] == "中共党员"
                                       and t["unit"] not in border_units))
                else:
                    chosen.append(pick(lambda t: t["political_status"] == "中共党员"))
            for _ in range(n_non):
                chosen.append(pick(lambda t: t["political_status"] in ("群众", "民主党派", "共青团员")))
            order = [u.name for u in self.units]
            chosen.sort(key=lambda t: order.index(t["unit"]))
            for t in chosen:
                self.awards.append({"name": t["name"], "unit": t["unit"], "title": title, "issuer": ISSUER,
                                    "issued_on": date(year, 9, 10), "year": year, "cert_no": None})

    # ---- assemble ------------------------------------------------------------------
    def unit_rows(self) -> list[dict]:
        return [{"name": u.name, "parent": u.parent or None, "kind": u.kind, "party_org": u.party_org,
                 "party_org_kind": u.party_org_kind, "border": "是" if u.border else "否",
                 "staff_count": u.staff} for u in self.units]

    def data(self) -> dict:
        order = [u.name for u in self.units]
        trainees = sorted(self.trainees, key=lambda t: (order.index(t["unit"]), t["track"], t["filed_on"]))
        tkey = [(t["name"], t["unit"]) for t in trainees]
        records = sorted(self.records, key=lambda r: (tkey.index((r["trainee"], r["unit"])), r["date"]))
        teachers = sorted(self.teachers, key=lambda t: order.index(t["unit"]))  # stable: shuffled within unit
        return {"units": self.unit_rows(), "teachers": teachers, "trainees": trainees,
                "records": records, "plans": self.plans, "awards": self.awards}


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[:rest]:
        out[i] += 1
    return out


# --------------------------------------------------------------------------
# Building the two examples
# --------------------------------------------------------------------------
# The city's yearly minimum per track (骨干教师培养成党员, 党员教师培养成教学骨干), scaled to this
# small city (the 益阳 seed's 150 / 240 is for a whole prefecture).  Written to rules.yaml.
CITY_PLAN_MINIMUM = (12, 16)
PLAN_YEARS = (2023, 2024, 2025)
# The units' plans are their trainees due each year, with these small differences:
CITY_PLAN_ADJUST = {
    ("青川师范学院", 2024, 1): +1,       # the one deliberate "completions below plan"
    ("青川市第一中学", 2023, 1): -1,     # did one more than planned
    ("青川职业技术学院", 2025, 2): +1,   # 2025 (not yet over): planned a little above those due
    ("东湖区实验小学", 2025, 1): +1,
}

CITY_AWARDS = [
    # year, title, party members, non-members, of which (party members) from border units
    (2025, "党员教师先锋", 12, 0, 6),
    (2025, "优秀教师", 12, 2, 0),
    (2025, "优秀班主任", 7, 1, 0),
    (2025, "教书育人楷模", 5, 1, 0),
    (2024, "党员教师先锋", 5, 0, 2),
    (2024, "优秀教师", 5, 1, 0),
    (2024, "优秀班主任", 3, 1, 0),   # 75 %: the one title/year slightly below 80 %
    (2024, "教书育人楷模", 3, 0, 0),
]


def build_city() -> tuple[dict, dict]:
    g = Generator(CITY_UNITS, CITY_WINDOWS, SPECIAL_PEOPLE)
    g.make_teachers()
    g.make_trainees()

    # Shortfall 1: a track-1 trainee of 青川市第一中学 whose second mentor is 群众.
    unit = "青川市第一中学"
    tr = next(t for t in g.trainees if t["unit"] == unit and t["track"] == 1)
    busy = {x["name"] for x in g.trainees if x["unit"] == unit}
    non_member = next(t for t in g.teachers if t["unit"] == unit and t["_role"] == "other"
                      and t["political_status"] == "群众" and t["name"] not in busy)
    non_member["backbone_level"] = non_member["backbone_level"] or "县级"
    non_member["_position"] = "教研组长"
    tr["mentor2"], tr["mentor2_position"] = non_member["name"], "教研组长"
    g.meta["non_member_mentor2"] = (tr["name"], unit, non_member["name"])

    g.make_ratings()
    g.make_records()
    g.add_demo_lessons()

    # Shortfall 2: one trainee misses one quarter's 谈心谈话.
    unit = "东湖区第三中学"
    tr = next(t for t in g.trainees if t["unit"] == unit
              and len(quarters_between(t["filed_on"], min(t["completed_on"] or RECORD_END, RECORD_END))) >= 5)
    talks = [r for r in g.records if r["trainee"] == tr["name"] and r["unit"] == unit and r["form"] == "谈心谈话"]
    gone = talks[2]
    g.records.remove(gone)
    y, q = quarter(gone["date"])
    g.meta["missing_talk"] = (tr["name"], unit, f"{y}年第{q}季度")

    # Shortfall 3: a track-2 trainee gives no 公开课 in one whole semester of training.
    unit = "青川职业技术学院"
    tr = next(t for t in g.trainees if t["unit"] == unit and t["track"] == 2
              and len(semesters_within(t["filed_on"], min(t["completed_on"] or RECORD_END, RECORD_END))) >= 2)
    lo, hi = semesters_within(tr["filed_on"], min(tr["completed_on"] or RECORD_END, RECORD_END))[1]
    gone = [r for r in g.records if r["trainee"] == tr["name"] and r["unit"] == unit
            and r["form"] == "公开课" and lo <= r["date"] <= hi]
    assert gone
    for r in gone:
        g.records.remove(r)
    label = f"{lo.year}—{lo.year + 1}学年第一学期" if lo.month == 9 else f"{lo.year - 1}—{lo.year}学年第二学期"
    g.meta["missing_lesson"] = (tr["name"], unit, label)

    # Shortfall 4 (built into CITY_UNITS): 青川市特殊教育学校 files 2 trainees for 38 staff (< 10 %).
    # Shortfalls 5 and 6 (CITY_PLAN_ADJUST, CITY_PLAN_MINIMUM): the 2024 plan is below the city
    # minimum; one unit completed fewer than planned in 2024.
    g.make_plans_from_trainees(PLAN_YEARS, CITY_PLAN_ADJUST)
    g.make_awards(CITY_AWARDS)
    return g.data(), g.meta


SCHOOL_UNIT = [UnitSpec("青川市实验小学", "", "小学", "中共青川市实验小学总支部委员会", "党总支", False,
                        "539902", 40, 52, 4, 6)]
SCHOOL_AWARDS = [  # no 党员教师先锋: its border-unit share is a city-wide indicator
    (2025, "优秀教师", 4, 1, 0),
    (2025, "优秀班主任", 1, 0, 0),
    (2024, "优秀教师", 1, 0, 0),
    (2024, "教书育人楷模", 1, 0, 0),
]


def build_school() -> dict:
    g = Generator(SCHOOL_UNIT, SCHOOL_WINDOWS)
    g.make_teachers()
    g.make_trainees()
    g.make_ratings()
    g.make_records()
    # the school's own three-year cycle, 2025-2027 (its trainees were all filed from Dec 2024 on)
    g.plans = [{"unit": "青川市实验小学", "year": y, "to_member": a, "to_backbone": b}
               for y, a, b in ((2025, 4, 6), (2026, 4, 6), (2027, 5, 6))]
    g.make_awards(SCHOOL_AWARDS)
    return g.data()


# --------------------------------------------------------------------------
# Input validity (what the checker enforces) -- asserted before saving
# --------------------------------------------------------------------------
PARTY = ("中共党员", "中共预备党员")


def validate(data: dict) -> None:
    units = data["units"]
    unit_names = [u["name"] for u in units]
    assert len(set(unit_names)) == len(unit_names), "duplicate unit"
    assert not units[0]["parent"], "root first"
    for u in units:
        assert not u["parent"] or u["parent"] in unit_names, u
        assert u["kind"] in schema.UNIT_KINDS and u["party_org_kind"] in schema.PARTY_ORG_KINDS, u
        assert u["staff_count"] is None or u["staff_count"] >= 0
    teachers = {}
    ids = set()
    latest_birth = add_years(TODAY, -16)
    for t in data["teachers"]:
        key = (t["name"], t["unit"])
        assert key not in teachers, f"duplicate name in unit: {key}"
        teachers[key] = t
        assert t["unit"] in unit_names, t
        assert date(1940, 1, 1) <= t["birth"] <= latest_birth, t
        assert t["political_status"] in schema.POLITICAL_CHOICES, t
        assert t["gender"] in schema.GENDERS
        assert t["backbone_level"] in (None,) + schema.BACKBONE_LEVELS
        assert t["rating"] in (None,) + schema.RATING_CHOICES
        if t["id_number"]:
            n = t["id_number"]
            assert id_valid(n), n
            assert n[6:12] == f"{t['birth']:%Y%m}", (n, t["birth"])
            assert int(n[16]) % 2 == (1 if t["gender"] == "男" else 0)
            assert n not in ids, f"duplicate ID {n}"
            ids.add(n)
        if t["political_status"] in PARTY:
            j = t["joined_party"]
            assert j and add_years(t["_birth_day"], 18) <= j <= DATA_CUTOFF, t
        else:
            assert t["joined_party"] is None, t
    trainees = {}
    for tr in data["trainees"]:
        key = (tr["name"], tr["unit"])
        assert key in teachers, f"trainee not a teacher of the unit: {key}"
        assert key not in trainees, key
        trainees[key] = tr
        t = teachers[key]
        assert tr["track"] in (1, 2)
        assert date(2022, 9, 1) <= tr["filed_on"] <= DATA_CUTOFF
        assert tr["plan_year"] >= tr["filed_on"].year
        if tr["track"] == 1:
            if t["political_status"] in PARTY:  # admitted during the training (预备党员, later 党员)
                assert t["joined_party"] > tr["filed_on"] and tr["status"] == "已完成", key
        else:
            assert t["political_status"] in PARTY, key
            assert t["joined_party"] < tr["filed_on"], key
        mentors = [m for m in (tr["mentor"], tr["mentor2"]) if m]
        assert 1 <= len(mentors) <= 2 and tr["mentor"], key
        assert len(set(mentors)) == len(mentors) and tr["name"] not in mentors
        for m in mentors:
            assert (m, tr["unit"]) in teachers, f"mentor {m} not in {tr['unit']}"
        assert tr["status"] in schema.STATUS_CHOICES
        if tr["status"] == "已完成":
            assert tr["completed_on"] and tr["filed_on"] < tr["completed_on"] <= DATA_CUTOFF, key
        else:
            assert tr["completed_on"] is None
    for r in data["records"]:
        key = (r["trainee"], r["unit"])
        assert key in trainees, f"record for unknown trainee {key}"
        tr = trainees[key]
        assert tr["filed_on"] <= r["date"] <= RECORD_END, r
        if tr["completed_on"]:
            assert r["date"] <= tr["completed_on"], r
        assert r["form"] in schema.RECORD_FORMS and r["content"], r
        assert r["mentor"] in (None, tr["mentor"], tr["mentor2"]), r
    seen = set()
    for p in data["plans"]:
        assert p["unit"] in unit_names and isinstance(p["year"], int), p
        assert (p["unit"], p["year"]) not in seen
        seen.add((p["unit"], p["year"]))
        assert p["to_member"] >= 0 and p["to_backbone"] >= 0
    for a in data["awards"]:
        assert (a["name"], a["unit"]) in teachers, f"award holder not a teacher: {a}"
        assert a["issued_on"] <= DATA_CUTOFF and a["year"] == a["issued_on"].year


def missing_lessons(data: dict) -> list:
    """(trainee, unit, semester start) for whole semesters of a track-2 trainee's training without a 公开课."""
    missing = []
    for tr in data["trainees"]:
        if tr["track"] != 2:
            continue
        end = min(tr["completed_on"] or RECORD_END, RECORD_END)
        days = [r["date"] for r in data["records"] if r["trainee"] == tr["name"]
                and r["unit"] == tr["unit"] and r["form"] == "公开课"]
        for lo, hi in semesters_within(tr["filed_on"], end):
            if not any(lo <= d <= hi for d in days):
                missing.append((tr["name"], tr["unit"], lo))
    return missing


def new_member_shares(data: dict) -> dict:
    """Per year of joining (2024, 2025): share of new Party members rated 优秀."""
    out = {}
    for year in (2024, 2025):
        joined = [t for t in data["teachers"] if t["joined_party"] and t["joined_party"].year == year]
        if joined:
            out[year] = sum(t["rating"] == "优秀" for t in joined) / len(joined)
    return out


def missing_talks(data: dict) -> list:
    """(trainee, unit, (year, quarter)) for every quarter of training without a 谈心谈话."""
    missing = []
    for tr in data["trainees"]:
        end = min(tr["completed_on"] or RECORD_END, RECORD_END)
        have = {quarter(r["date"]) for r in data["records"] if r["trainee"] == tr["name"]
                and r["unit"] == tr["unit"] and r["form"] == "谈心谈话"}
        for yq in quarters_between(tr["filed_on"], end):
            if yq not in have:
                missing.append((tr["name"], tr["unit"], yq))
    return missing


def is_party(t: dict) -> bool:
    return t["political_status"] in PARTY


def check_city(data: dict, meta: dict) -> dict:
    """The size requirements and the deliberate shortfalls (and nothing else short)."""
    teachers = {(t["name"], t["unit"]): t for t in data["teachers"]}
    assert len(data["units"]) >= 14 and len(teachers) >= 320
    assert len(data["trainees"]) >= 90 and len(data["records"]) >= 450
    assert len(data["awards"]) >= 55
    share = sum(t["political_status"] == "中共党员" for t in teachers.values()) / len(teachers)
    assert 0.36 <= share <= 0.50, share
    bb = sum(bool(t["backbone_level"]) for t in teachers.values()) / len(teachers)
    assert 0.30 <= bb <= 0.42, bb
    # 10 % of staff filed, except 青川市特殊教育学校
    short_units = []
    for u in data["units"]:
        if u["staff_count"]:
            n = sum(tr["unit"] == u["name"] for tr in data["trainees"])
            if n < 0.1 * u["staff_count"]:
                short_units.append(u["name"])
    assert short_units == ["青川市特殊教育学校"], short_units
    # plans: 2023 and 2025 meet the minimum, 2024 does not (short by a few)
    totals = {}
    for year in PLAN_YEARS:
        a = sum(p["to_member"] for p in data["plans"] if p["year"] == year)
        b = sum(p["to_backbone"] for p in data["plans"] if p["year"] == year)
        totals[year] = (a, b)
        ok = a >= CITY_PLAN_MINIMUM[0] and b >= CITY_PLAN_MINIMUM[1]
        assert ok == (year != 2024), (year, a, b)
    assert all(m - t <= 4 for t, m in zip(totals[2024], CITY_PLAN_MINIMUM)), totals
    meta["plan_totals"] = totals
    # completions against plan (years over by the end of the records): exactly one unit-year short
    done: dict = {}
    for tr in data["trainees"]:
        if tr["completed_on"]:
            key = (tr["unit"], tr["completed_on"].year, tr["track"])
            done[key] = done.get(key, 0) + 1
    short = [(p["unit"], p["year"], k, n, done.get((p["unit"], p["year"], k), 0))
             for p in data["plans"] if p["year"] < RECORD_END.year
             for k, n in ((1, p["to_member"]), (2, p["to_backbone"]))
             if done.get((p["unit"], p["year"], k), 0) < n]
    assert [s[:3] for s in short] == [k for k, v in CITY_PLAN_ADJUST.items() if v > 0 and k[1] < RECORD_END.year], short
    meta["completion_short"] = short[0]
    # each unit (but the root) has trainees due in 2024 and in 2025
    for u in data["units"][1:]:
        years = {tr["plan_year"] for tr in data["trainees"] if tr["unit"] == u["name"]}
        assert {2024, 2025} <= years, (u["name"], years)
    # quarterly talks: exactly one trainee misses exactly one quarter
    missing = missing_talks(data)
    assert len(missing) == 1 and missing[0][:2] == meta["missing_talk"][:2], missing
    lessons = missing_lessons(data)
    assert len(lessons) == 1 and lessons[0][:2] == meta["missing_lesson"][:2], lessons
    # mentors: track 1 -> Party members (except the one deliberate 2nd mentor); track 2 -> backbone
    odd = []
    for tr in data["trainees"]:
        for m in (tr["mentor"], tr["mentor2"]):
            if not m:
                continue
            mt = teachers[(m, tr["unit"])]
            if tr["track"] == 1 and not is_party(mt):
                odd.append((tr["name"], m))
            if tr["track"] == 2:
                assert mt["backbone_level"], (tr, m)
    assert odd == [meta["non_member_mentor2"][::2]], odd
    # awards: >= 80 % Party members overall; 党员教师先锋 >= 40 % border units each year
    border = {u["name"] for u in data["units"] if u["border"] == "是"}
    aw = data["awards"]
    party_share = sum(is_party(teachers[(a["name"], a["unit"])]) for a in aw) / len(aw)
    assert party_share >= 0.8, party_share
    for year in (2024, 2025):
        pioneers = [a for a in aw if a["year"] == year and a["title"] == "党员教师先锋"]
        assert sum(a["unit"] in border for a in pioneers) / len(pioneers) >= 0.4
    # recently admitted Party members: >= 80 % rated 优秀
    shares = new_member_shares(data)
    assert len(shares) == 2 and min(shares.values()) >= 0.8, shares
    return {"party_share_awards": party_share, "party_share": share, "backbone_share": bb}


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

def display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return sum(2 if ord(c) > 0x2E80 else 1 for c in str(value))


def cell_value(col: schema.Column, row: dict):
    return row.get(col.field)


def write_xlsx(path: Path, data: dict) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in schema.SHEETS:
        ws = wb.create_sheet(sheet.name)
        rows = data.get(sheet.key, [])  # a sheet this generator does not fill stays empty (headers only)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = bold
        widths = [display_width(c.header) for c in sheet.columns]
        for row in rows:
            values = [cell_value(c, row) for c in sheet.columns]
            if sheet.key == "teachers" and row.get("_text_birth"):
                values[[c.field for c in sheet.columns].index("birth")] = f"{row['birth']:%Y.%m}"
            ws.append(values)
            r = ws.max_row
            for i, (c, v) in enumerate(zip(sheet.columns, values)):
                widths[i] = max(widths[i], display_width(v))
                cell = ws.cell(row=r, column=i + 1)
                if isinstance(v, date):
                    cell.number_format = "yyyy.mm" if c.kind == "year_month" else "yyyy.mm.dd"
                elif c.kind == "id_number" or (c.kind == "year_month" and isinstance(v, str)):
                    cell.number_format = "@"
        for i, wdt in enumerate(widths):
            letter = ws.cell(row=1, column=i + 1).column_letter
            ws.column_dimensions[letter].width = min(max(wdt + 2, 8), 60)
        ws.freeze_panes = "A2"
    save_deterministic(wb, path)


FIXED_STAMP = "2025-11-30T00:00:00Z"


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save so that the same data gives byte-identical files: fixed document
    timestamps and fixed zip entry times (openpyxl stamps the current time)."""
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", FIXED_STAMP.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 11, 30, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data)
    Path(path).write_bytes(out.getvalue())


def to_yaml_value(col: schema.Column, v):
    if isinstance(v, date):
        return f"{v:%Y-%m}" if col.kind == "year_month" else v.isoformat()
    return v


def write_yaml(path: Path, data: dict, title: str) -> None:
    out = {}
    for sheet in schema.SHEETS:
        if not data.get(sheet.key):
            continue  # an optional sheet with no rows is left out of the YAML
        out[sheet.name] = [
            {c.header: to_yaml_value(c, row.get(c.field)) for c in sheet.columns if row.get(c.field) is not None}
            for row in data.get(sheet.key, [])
        ]
    header = (f"# {title}\n# 由 data_examples/generate.py 生成（固定随机种子 {SEED}），请勿手工修改。\n"
              f"# Generated by data_examples/generate.py -- do not edit by hand.\n")
    text = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=200)
    path.write_text(header + text, encoding="utf-8")


def write_rules(path: Path) -> None:
    """The example city's rule settings: the packaged defaults (what ``sp-docs rules new``
    writes) with the city's yearly plan minimum scaled to its size."""
    text = (ROOT / "src" / "sp_docs" / "rules" / "defaults.yaml").read_text(encoding="utf-8")
    for key, value in zip(("to_member", "to_backbone"), CITY_PLAN_MINIMUM):
        text, n = re.subn(rf"(?m)^(  {key}: *)\d+", rf"\g<1>{value}", text)
        assert n == 1, key
    header = ("# 示例城市“青川市”的检查规则设置：全市每年计划最低数按本市规模缩小"
              f"（{CITY_PLAN_MINIMUM[0]} / {CITY_PLAN_MINIMUM[1]} 人），其余同默认值。\n"
              "# 由 data_examples/generate.py 生成。Example rules for the fictional city (generated).\n#\n")
    path.write_text(header + text, encoding="utf-8")


def summary(data: dict) -> str:
    return ", ".join(f"{s.name} {len(data.get(s.key, []))}" for s in schema.SHEETS)


def main() -> int:
    city, meta = build_city()
    validate(city)
    stats = check_city(city, meta)
    school = build_school()
    validate(school)
    assert not missing_talks(school) and not missing_lessons(school)
    assert all(v >= 0.8 for v in new_member_shares(school).values())
    write_xlsx(HERE / "city.xlsx", city)
    write_yaml(HERE / "city.yaml", city, "示例数据：青川市（虚构）")
    write_xlsx(HERE / "school.xlsx", school)
    write_yaml(HERE / "school.yaml", school, "示例数据：青川市实验小学（虚构，单校）")
    write_rules(HERE / "rules.yaml")
    print("city.xlsx:  ", summary(city))
    print("school.xlsx:", summary(school))
    print("shortfalls: ", meta, {k: round(v, 3) for k, v in stats.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
