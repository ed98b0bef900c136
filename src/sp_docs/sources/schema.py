"""The input workbook's sheets and columns: the one definition every reader,
writer (``sp-docs init``) and example generator uses.

Each column has a Chinese header (what users see), a field name (what the
code uses), whether it is required, a kind that picks the normaliser, and a
short hint shown in the blank workbook's 填写说明 sheet.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import STATUS_CHOICES


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text, name, multiline, int, bool, year, year_month, date, id_number, political_status, track, choice
    required: bool = False
    hint: str = ""
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str
    columns: tuple[Column, ...]
    hint: str = ""
    aliases: tuple[str, ...] = field(default=())

    def column(self, field_name: str) -> Column:
        for col in self.columns:
            if col.field == field_name:
                return col
        raise KeyError(field_name)


UNIT_KINDS = ("区县教育局", "高校", "市直学校", "中学", "小学", "九年一贯制学校", "职业学校",
              "幼儿园", "特殊教育学校", "教育局", "其他")
PARTY_ORG_KINDS = ("党委", "党总支", "党支部", "党组")
GENDERS = ("男", "女")
POLITICAL_CHOICES = ("中共党员", "中共预备党员", "共青团员", "群众", "民主党派", "无党派人士")
TRACK_CHOICES = ("1", "2")
BACKBONE_LEVELS = ("省级", "市级", "县级", "校级")
RATING_CHOICES = ("优秀", "合格", "基本合格", "不合格")
RECORD_FORMS = ("谈心谈话", "听课指导", "业务督导", "专题教研", "示范课", "公开课", "党课学习",
                "主题党日", "集体备课", "其他")

UNITS = Sheet("单位", "units", (
    Column("单位名称", "name", "text", True, "单位全称，全表唯一"),
    Column("上级单位", "parent", "text", False, "填上级单位的“单位名称”；市级最高单位留空"),
    Column("单位类型", "kind", "choice", False, "如 区县教育局、高校、市直学校", UNIT_KINDS),
    Column("党组织名称", "party_org", "text"),
    Column("党组织类型", "party_org_kind", "choice", False, "党委 / 党总支 / 党支部", PARTY_ORG_KINDS),
    Column("边境地区", "border", "bool", False, "是 / 否"),
    Column("教职工总数", "staff_count", "int", False, "整数"),
), "每行一个单位；上级单位用于汇总和层级")

TEACHERS = Sheet("教师", "teachers", (
    Column("姓名", "name", "name", True,
           aliases=("教师姓名", "名字")),
    Column("性别", "gender", "choice", False, "男 / 女", GENDERS),
    Column("民族", "ethnicity", "text"),
    Column("出生年月", "birth", "year_month", True, "如 1985.03",
           aliases=("出生日期", "出生年月日", "出生时间")),
    Column("身份证号", "id_number", "id_number", False, "18位，可不填；填写时须与出生年月一致",
           aliases=("身份证号码", "公民身份号码")),
    Column("所在单位", "unit", "text", True, "与“单位”表的单位名称一致",
           aliases=("单位", "工作单位", "学校", "所在学校", "单位名称")),
    Column("任教学科", "subject", "text",
           aliases=("学科", "所教学科", "任教科目")),
    Column("职称", "title", "text",
           aliases=("专业技术职务", "专业技术职称", "职务职称")),
    Column("政治面貌", "political_status", "political_status", True, "中共党员、中共预备党员、群众等",
           POLITICAL_CHOICES,
           aliases=("政治身份",)),
    Column("入党时间", "joined_party", "date", False, "党员填写，如 2020.07.01",
           aliases=("入党日期", "入党年月")),
    Column("骨干层级", "backbone_level", "choice", False, "省级 / 市级 / 县级 / 校级", BACKBONE_LEVELS,
           aliases=("骨干级别", "骨干教师层级", "骨干类别")),
    Column("年度考核", "rating", "choice", False, "最近一年考核等次：优秀 / 合格 …", RATING_CHOICES,
           aliases=("考核等次", "考核结果", "年度考核等次")),
    Column("备注", "note", "multiline"),
), "本单位全体教师（至少包括双培对象和培养人）")

TRAINEES = Sheet("双培对象", "trainees", (
    Column("姓名", "name", "name", True,
           aliases=("培养对象", "对象姓名", "教师姓名")),
    Column("所在单位", "unit", "text", True,
           aliases=("单位", "工作单位", "学校", "所在学校")),
    Column("双培类别", "track", "track", True, "1 = 骨干教师培养成共产党员；2 = 党员教师培养成教学骨干",
           TRACK_CHOICES,
           aliases=("类别", "培养类别", "“双培”类别")),
    Column("培养人", "mentor", "name", True,
           aliases=("培养联系人", "培养人姓名")),
    Column("培养人职务", "mentor_position", "text",
           aliases=("培养联系人职务",)),
    Column("第二培养人", "mentor2", "name"),
    Column("第二培养人职务", "mentor2_position", "text"),
    Column("建档时间", "filed_on", "date", True, "如 2023.09.01",
           aliases=("建档日期", "建档年月")),
    Column("计划完成年度", "plan_year", "year", True, "如 2025",
           aliases=("完成年度", "计划完成时间")),
    Column("完成情况", "status", "choice", False, " / ".join(STATUS_CHOICES), STATUS_CHOICES,
           aliases=("培养情况", "状态")),
    Column("完成时间", "completed_on", "date", False, "已完成的填写",
           aliases=("完成日期",)),
    Column("备注", "note", "multiline"),
), "每名双培对象一行；培养人 1–2 名")

RECORDS = Sheet("培养记录", "records", (
    Column("培养对象", "trainee", "name", True,
           aliases=("姓名", "对象姓名")),
    Column("所在单位", "unit", "text", True,
           aliases=("单位", "工作单位", "学校")),
    Column("日期", "date", "date", True, "如 2024.03.15",
           aliases=("时间", "培养日期", "活动日期")),
    Column("形式", "form", "choice", True, "谈心谈话、听课指导、业务督导、专题教研、示范课、公开课…",
           RECORD_FORMS,
           aliases=("培养形式", "活动形式", "方式")),
    Column("内容", "content", "multiline", True,
           aliases=("培养内容", "活动内容", "培养记录")),
    Column("培养人", "mentor", "name", False, "不填则为该对象的第一培养人",
           aliases=("培养联系人",)),
    Column("地点", "place", "text"),
), "每次培养活动一行")

PLANS = Sheet("三年计划", "plans", (
    Column("单位", "unit", "text", True),
    Column("年度", "year", "year", True),
    Column("骨干教师培养成党员数", "to_member", "int", True, "整数", (),
           ("骨干教师培养成共产党员数",)),
    Column("党员教师培养成教学骨干数", "to_backbone", "int", True, "整数", (),
           ("党员教师培养成骨干数",)),
), "每单位每年度一行")

AWARDS = Sheet("表彰", "awards", (
    Column("姓名", "name", "name", True,
           aliases=("获奖人", "获奖人姓名", "获奖教师", "教师姓名", "受表彰人")),
    Column("所在单位", "unit", "text", True,
           aliases=("单位", "工作单位", "学校", "所在学校", "单位名称")),
    Column("荣誉称号", "title", "text", True, "如 优秀教师、党员教师先锋",
           aliases=("称号", "荣誉", "表彰称号", "奖项", "获奖称号", "荣誉名称")),
    Column("颁发单位", "issuer", "text",
           aliases=("发证单位", "表彰单位", "授予单位")),
    Column("颁发日期", "issued_on", "date", False, "如 2025.09.10",
           aliases=("发证日期", "表彰日期", "授予日期")),
    Column("表彰年度", "year", "year", False, "不填则取颁发日期的年份",
           aliases=("年度",)),
    Column("证书编号", "cert_no", "text",
           aliases=("编号", "证书号")),
), "获表彰教师名单，用于荣誉证书和党员比例统计")

ACHIEVEMENTS = Sheet("成果", "achievements", (
    Column("姓名", "name", "name", True),
    Column("所在单位", "unit", "text", True,
           aliases=("单位", "工作单位", "学校")),
    Column("项目", "item", "text", True, "积分表中的项目名称（sp-docs points-table 导出积分表）"),
    Column("日期", "date", "date", True, "如 2025.05.20"),
    Column("说明", "note", "multiline"),
), "党员教师的业绩成果，用于党员积分（sp-docs points）；可不填")

SHEETS: tuple[Sheet, ...] = (UNITS, TEACHERS, TRAINEES, RECORDS, PLANS, AWARDS, ACHIEVEMENTS)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}
SHEETS_BY_KEY = {s.key: s for s in SHEETS}
