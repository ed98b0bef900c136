"""The ways people write the values of a closed list, mapped to the list's own
value: 市骨干, 市级骨干, 市级骨干教师 → 市级; 谈心 → 谈心谈话; 称职 → 合格 …
Only a value that maps to exactly one choice is taken; anything else stays as
typed (and is warned about as not in the list)."""
from __future__ import annotations

import re

from . import normalize as norm

# field → {variant: choice}; variants are compared after removing spaces and punctuation
VARIANTS: dict[str, dict[str, str]] = {
    "gender": {"男性": "男", "女性": "女", "m": "男", "f": "女"},
    "rating": {"优": "优秀", "优秀等次": "优秀", "称职": "合格", "合格等次": "合格", "良好": "合格",
               "基本称职": "基本合格", "基本合格等次": "基本合格", "不称职": "不合格", "不合格等次": "不合格"},
    "status": {"在培": "培养中", "在培养": "培养中", "进行中": "培养中", "正在培养": "培养中", "培养": "培养中",
               "完成": "已完成", "已结束": "已完成", "结束": "已完成", "已完成培养": "已完成", "培养完成": "已完成",
               "中止": "终止", "已终止": "终止", "终止培养": "终止", "退出": "终止", "取消": "终止"},
    "form": {"谈心": "谈心谈话", "谈话": "谈心谈话", "个别谈话": "谈心谈话", "谈心谈话记录": "谈心谈话",
             "听课": "听课指导", "听评课": "听课指导", "听课评课": "听课指导", "随堂听课": "听课指导",
             "督导": "业务督导", "业务指导": "业务督导", "教研": "专题教研", "教研活动": "专题教研",
             "示范": "示范课", "示范课教学": "示范课", "公开": "公开课", "公开教学": "公开课",
             "党课": "党课学习", "学习党课": "党课学习", "主题党日活动": "主题党日", "党日活动": "主题党日",
             "备课": "集体备课", "集体备课活动": "集体备课", "其它": "其他"},
    "party_org_kind": {"党委员会": "党委", "总支": "党总支", "党总支部": "党总支", "支部": "党支部",
                       "党支部委员会": "党支部"},
    "kind": {"教育局": "教育局", "区教育局": "区县教育局", "县教育局": "区县教育局", "大学": "高校",
             "学院": "高校", "高等学校": "高校", "初中": "中学", "高中": "中学", "完全中学": "中学",
             "九年制学校": "九年一贯制学校", "职校": "职业学校", "中职": "职业学校", "职业中学": "职业学校",
             "幼儿": "幼儿园", "特校": "特殊教育学校", "特教学校": "特殊教育学校",
             "其它": "其他"},
}
_LEVEL = re.compile(r"^(省|市|县|区|区县|县区|校)级?(骨干|骨干教师|学科带头人|教学能手|名师|骨干班主任)?$")
_LEVELS = {"省": "省级", "市": "市级", "县": "县级", "区": "县级", "区县": "县级", "县区": "县级", "校": "校级"}
_PUNCT = re.compile(r"[\s\-_/·.、，,。:：;；()（）“”\"'‘’]")


def _key(text: str) -> str:
    return _PUNCT.sub("", norm.to_halfwidth(text)).lower()


def canonical(field: str, value: str, choices: tuple[str, ...]) -> str:
    """The choice ``value`` means, or ``value`` unchanged when it means none (or several)."""
    if not value or value in choices:
        return value
    key = _key(value)
    for choice in choices:
        if _key(choice) == key:
            return choice
    mapped = {_key(k): v for k, v in VARIANTS.get(field, {}).items()}.get(key)
    if mapped and mapped in choices:
        return mapped
    if field == "backbone_level":
        match = _LEVEL.match(key)
        if match:
            return _LEVELS[match.group(1)]
    # a value holding exactly one choice, or held by exactly one (谈心 → 谈心谈话)
    near = [c for c in choices if len(key) >= 2 and (_key(c) in key or key in _key(c))]
    return near[0] if len(near) == 1 else value
