"""Cross-checks between sheets: what each row cannot tell on its own."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from ..errors import Location, Problems
from ..model import PARTY_MEMBER, Dataset, Status, Track
from . import normalize as norm


def today() -> dt.date:
    return dt.date.today()


def _d(value: dt.date) -> str:
    """Dates in messages as users type them: 2024.03.15."""
    return value.strftime("%Y.%m.%d")


def _loc(obj, column: str = "") -> Location:
    origin = obj.origin or Location()
    return origin.at(column) if column else origin


SHEET_NAMES = {"units": "单位", "teachers": "教师", "trainees": "双培对象"}


def cross_check(data: Dataset, *, unusable: set[str] = frozenset(),
                incomplete: dict[str, set] | None = None) -> Problems:
    """Checks across sheets.  A sheet that could not be read (``unusable``) is not
    used to judge the others, and people on rows that already had errors
    (``incomplete``) are not reported a second time as “not found”."""
    problems = Problems()
    incomplete = incomplete or {}
    known_units = {u.name for u in data.units} | incomplete.get("units", set())
    skip_units = "units" in unusable
    _check_units(data, problems)
    _check_teachers(data, problems, known_units, skip_units)
    if "teachers" not in unusable:
        _check_trainees(data, problems, known_units, skip_units, incomplete.get("teachers", set()))
    if "trainees" not in unusable:
        _check_records(data, problems, incomplete.get("trainees", set()))
    _check_plans(data, problems, known_units, skip_units)
    _check_awards(data, problems, "teachers" in unusable, incomplete.get("teachers", set()))
    for key in sorted(unusable & set(SHEET_NAMES)):
        problems.warning(f"“{SHEET_NAMES[key]}”表缺失或缺少必填列，与它有关的核对暂未进行；改正后请重新检查",
                         Location(data.source, SHEET_NAMES[key]))
    return problems


def _check_units(data: Dataset, problems: Problems) -> None:
    names = Counter(u.name for u in data.units)
    seen: set[str] = set()
    for unit in data.units:
        if names[unit.name] > 1 and unit.name in seen:
            problems.error("单位名称重复", _loc(unit, "单位名称"), unit.name, "每个单位只写一行")
        seen.add(unit.name)
        if unit.parent and unit.parent not in names:
            problems.error("上级单位不在“单位”表中", _loc(unit, "上级单位"), unit.parent,
                           "请填写“单位”表中已有的单位名称，或留空")
        if unit.parent == unit.name:
            problems.error("上级单位不能是自己", _loc(unit, "上级单位"), unit.parent)
        if unit.staff_count is not None and unit.staff_count < 0:
            problems.error("教职工总数不能为负数", _loc(unit, "教职工总数"), unit.staff_count, "应为 0 或正整数")


def _check_teachers(data: Dataset, problems: Problems, units: set[str], skip_units: bool) -> None:
    now = today()
    youngest = dt.date(now.year - 16, now.month, 1)
    ids: dict[str, object] = {}
    by_name: dict[tuple[str, str], list] = defaultdict(list)
    for teacher in data.teachers:
        if not skip_units and teacher.unit not in units:
            problems.error("所在单位不在“单位”表中", _loc(teacher, "所在单位"), teacher.unit,
                           "请先在“单位”表中添加该单位，或改为已有的单位名称")
        if teacher.birth > now.replace(day=1):
            problems.error("出生年月晚于今天", _loc(teacher, "出生年月"), norm.format_year_month(teacher.birth))
        elif teacher.birth < dt.date(1940, 1, 1):
            problems.error("出生年月早于1940年，不合常理", _loc(teacher, "出生年月"),
                           norm.format_year_month(teacher.birth), "请核对年份")
        elif teacher.birth > youngest:
            problems.error("按出生年月计算不满16周岁", _loc(teacher, "出生年月"),
                           norm.format_year_month(teacher.birth), "请核对年份")
        if teacher.id_number:
            born = norm.id_birth_date(teacher.id_number)
            if (born.year, born.month) != (teacher.birth.year, teacher.birth.month):
                problems.error("身份证号中的出生日期与出生年月不一致", _loc(teacher, "身份证号"),
                               teacher.id_number, f"身份证号显示 {norm.format_year_month(born)}，"
                               f"出生年月填的是 {norm.format_year_month(teacher.birth)}")
            if teacher.id_number in ids:
                first = ids[teacher.id_number]
                problems.error("身份证号重复", _loc(teacher, "身份证号"), teacher.id_number,
                               f"与第{first.origin.row if first.origin else '?'}行（{first.name}）相同")
            else:
                ids[teacher.id_number] = teacher
        if teacher.joined_party and teacher.joined_party < teacher.birth.replace(year=teacher.birth.year + 18):
            problems.warning("入党时间早于年满18周岁", _loc(teacher, "入党时间"),
                             _d(teacher.joined_party))
        by_name[(teacher.unit, teacher.name)].append(teacher)
    for (unit, name), same in by_name.items():
        if len(same) > 1:
            without_id = [t for t in same if not t.id_number]
            if without_id:
                rows = "、".join(f"第{t.origin.row}行" for t in same if t.origin)
                problems.error(f"同一单位有同名教师“{name}”且未填身份证号，无法区分", _loc(same[1], "姓名"), name,
                               f"涉及 {rows}；请填写身份证号或删除重复行")


def _check_trainees(data: Dataset, problems: Problems, units: set[str], skip_units: bool,
                    teachers_with_errors: set) -> None:
    teachers = {(t.unit, t.name): t for t in data.teachers}
    teacher_names = defaultdict(list)
    for t in data.teachers:
        teacher_names[t.name].append(t)
    seen: set[tuple[str, str]] = set()
    for trainee in data.trainees:
        if trainee.key in seen:
            problems.error("同一单位的双培对象重复", _loc(trainee, "姓名"), trainee.name, "每名对象只写一行")
        seen.add(trainee.key)
        teacher = teachers.get(trainee.key)
        if not skip_units and trainee.unit not in units:
            problems.error("所在单位不在“单位”表中", _loc(trainee, "所在单位"), trainee.unit)
        elif teacher is None and trainee.key not in teachers_with_errors:
            problems.error("双培对象不是该单位的教师", _loc(trainee, "姓名"), trainee.name,
                           f"“教师”表中没有 {trainee.unit} 的 {trainee.name}")
        if teacher is not None:
            if trainee.track == Track.TO_MEMBER and teacher.political_status == PARTY_MEMBER and (
                    teacher.joined_party is None or teacher.joined_party <= trainee.filed_on):
                problems.error("类别1（骨干教师培养成共产党员）的对象建档时已是中共党员", _loc(trainee, "双培类别"),
                               "1", "已是党员的教师应列为类别2")
            if trainee.track == Track.TO_BACKBONE and not teacher.is_party_member:
                problems.error("类别2（党员教师培养成教学骨干）的对象不是党员", _loc(trainee, "双培类别"), "2",
                               f"该教师的政治面貌是“{teacher.political_status}”")
        for position, mentor in enumerate(trainee.mentors):
            column = "培养人" if position == 0 else "第二培养人"
            if mentor.name == trainee.name:
                problems.error("培养人不能是本人", _loc(trainee, column), mentor.name)
                continue
            person = teachers.get((trainee.unit, mentor.name))
            if person is None:
                matches = teacher_names.get(mentor.name, [])
                person = matches[0] if len(matches) == 1 else None
            if person is None:
                problems.warning("培养人不在“教师”表中，无法核对其政治面貌", _loc(trainee, column), mentor.name)
            elif trainee.track == Track.TO_MEMBER and person.political_status != PARTY_MEMBER:
                problems.warning("类别1对象的培养人应为中共正式党员", _loc(trainee, column), mentor.name,
                                 f"该培养人的政治面貌是“{person.political_status}”")
        if len({m.name for m in trainee.mentors}) < len(trainee.mentors):
            problems.error("第二培养人与培养人是同一人", _loc(trainee, "第二培养人"), trainee.mentors[-1].name)
        if trainee.plan_year < trainee.filed_on.year:
            problems.error("计划完成年度早于建档时间", _loc(trainee, "计划完成年度"), trainee.plan_year,
                           f"建档时间是 {_d(trainee.filed_on)}")
        if trainee.filed_on > today():
            problems.error("建档时间晚于今天", _loc(trainee, "建档时间"), _d(trainee.filed_on))
        if trainee.status is Status.COMPLETED and trainee.completed_on is None:
            problems.warning("完成情况为“已完成”但没有填写完成时间", _loc(trainee, "完成时间"),
                             expected="附件2 将按计划完成年度统计")
        if trainee.completed_on and trainee.completed_on < trainee.filed_on:
            problems.error("完成时间早于建档时间", _loc(trainee, "完成时间"), _d(trainee.completed_on))
        if trainee.completed_on and trainee.completed_on > today():
            problems.error("完成时间晚于今天", _loc(trainee, "完成时间"), _d(trainee.completed_on))


def _check_records(data: Dataset, problems: Problems, trainees_with_errors: set) -> None:
    trainees = {t.key: t for t in data.trainees}
    now = today()
    for record in data.records:
        if record.date > now:
            problems.error("培养记录的日期晚于今天", _loc(record, "日期"), _d(record.date))
        trainee = trainees.get(record.trainee_key)
        if trainee is None and record.trainee_key in trainees_with_errors:
            continue
        if trainee is None:
            problems.error("培养记录的对象不在“双培对象”表中", _loc(record, "培养对象"),
                           f"{record.unit} {record.trainee}", "姓名和所在单位应与“双培对象”表一致")
            continue
        if record.date < trainee.filed_on:
            problems.warning("培养记录早于建档时间", _loc(record, "日期"), _d(record.date),
                             f"建档时间是 {_d(trainee.filed_on)}")
        if record.mentor and record.mentor not in {m.name for m in trainee.mentors}:
            problems.warning("记录中的培养人不是该对象的培养人", _loc(record, "培养人"), record.mentor)


def _check_plans(data: Dataset, problems: Problems, units: set[str], skip_units: bool) -> None:
    seen: set[tuple[str, int]] = set()
    for plan in data.plans:
        if not skip_units and plan.unit not in units:
            problems.error("计划中的单位不在“单位”表中", _loc(plan, "单位"), plan.unit)
        if (plan.unit, plan.year) in seen:
            problems.error("同一单位同一年度的计划重复", _loc(plan, "年度"), plan.year)
        seen.add((plan.unit, plan.year))
        for value, column in ((plan.to_member, "骨干教师培养成党员数"), (plan.to_backbone, "党员教师培养成教学骨干数")):
            if value < 0:
                problems.error("计划数不能为负数", _loc(plan, column), value)


def _check_awards(data: Dataset, problems: Problems, skip: bool, teachers_with_errors: set) -> None:
    if skip:
        return
    teachers = {(t.unit, t.name) for t in data.teachers} | teachers_with_errors
    for award in data.awards:
        if (award.unit, award.name) not in teachers:
            problems.warning("获表彰人员不在“教师”表中，无法统计其政治面貌", _loc(award, "姓名"),
                             f"{award.unit} {award.name}")
