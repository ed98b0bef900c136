"""Programme rules: a small clean programme passes every rule; planting one
violation per rule makes exactly that rule report it; the example city's
deliberate shortfalls are found; `check --rules` exit codes and XLSX output."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml

from helpers import xlsx_rows

AS_OF = "2025-09-30"


def _teacher(name, unit, status="中共党员", joined=None, rating="合格", backbone="县级"):
    row = {"姓名": name, "性别": "女", "出生年月": "1985.03", "所在单位": unit, "政治面貌": status,
           "骨干层级": backbone, "年度考核": rating}
    if joined:
        row["入党时间"] = joined
    elif status in ("中共党员", "中共预备党员"):
        row["入党时间"] = "2010-07-01"
    return row


def _talks(trainee, unit, dates, mentor=None):
    return [{"培养对象": trainee, "所在单位": unit, "日期": d, "形式": "谈心谈话", "内容": "谈心交流思想和工作情况",
             **({"培养人": mentor} if mentor else {})} for d in dates]


def small_programme() -> dict:
    """Two schools; every rule holds (with ``rules_settings()``)."""
    a, b = "甲中学", "乙小学"
    teachers = [
        _teacher("王一", a, "群众", backbone="市级"),           # track-1 trainee
        _teacher("李师", a),                                   # mentor (Party member)
        _teacher("张二", a, joined="2015-07-01", rating="优秀"),  # track-2 trainee
        _teacher("赵师", a, "中共党员", backbone="市级"),         # mentor of 张二
        _teacher("钱群", a, "群众"),                            # a non-member teacher
        _teacher("孙新", a, joined="2024-06-01", rating="优秀"),  # joined 2024
        _teacher("周新", b, joined="2025-05-01", rating="优秀"),  # joined 2025
        _teacher("吴三", b, "群众"),                            # track-1 trainee
        _teacher("郑师", b),                                   # mentor
        _teacher("冯四", b, joined="2012-07-01"),               # track-2 trainee, done 2024
        _teacher("陈师", b, backbone="市级"),                   # mentor of 冯四
    ]
    trainees = [
        {"姓名": "王一", "所在单位": a, "双培类别": 1, "培养人": "李师", "培养人职务": "党支部书记",
         "建档时间": "2025-01-10", "计划完成年度": 2025, "完成情况": "培养中"},
        {"姓名": "张二", "所在单位": a, "双培类别": 2, "培养人": "赵师", "建档时间": "2025-01-10",
         "计划完成年度": 2025, "完成情况": "培养中"},
        {"姓名": "吴三", "所在单位": b, "双培类别": 1, "培养人": "郑师", "建档时间": "2025-01-10",
         "计划完成年度": 2025, "完成情况": "培养中"},
        {"姓名": "冯四", "所在单位": b, "双培类别": 2, "培养人": "陈师", "建档时间": "2024-03-01",
         "计划完成年度": 2024, "完成情况": "已完成", "完成时间": "2024-12-01"},
    ]
    records = (_talks("王一", a, ["2025-02-10", "2025-05-10", "2025-08-10"])
               + _talks("张二", a, ["2025-02-11", "2025-05-11", "2025-08-11"])
               + _talks("吴三", b, ["2025-02-12", "2025-05-12", "2025-08-12"])
               + _talks("冯四", b, ["2024-03-12", "2024-05-12", "2024-08-12", "2024-11-12"]))
    records += [
        {"培养对象": "张二", "所在单位": a, "日期": "2025-04-10", "形式": "公开课", "内容": "执教校级公开课"},
        {"培养对象": "冯四", "所在单位": b, "日期": "2024-04-10", "形式": "公开课", "内容": "执教校级公开课"},
    ]
    return {
        "单位": [
            {"单位名称": "示例市教育工委", "单位类型": "教育局"},
            {"单位名称": a, "上级单位": "示例市教育工委", "单位类型": "中学", "边境地区": "是", "教职工总数": 20},
            {"单位名称": b, "上级单位": "示例市教育工委", "单位类型": "小学", "边境地区": "否", "教职工总数": 20},
        ],
        "教师": teachers,
        "双培对象": trainees,
        "培养记录": records,
        "三年计划": [
            {"单位": a, "年度": 2025, "骨干教师培养成党员数": 1, "党员教师培养成教学骨干数": 1},
            {"单位": b, "年度": 2025, "骨干教师培养成党员数": 1, "党员教师培养成教学骨干数": 0},
            {"单位": b, "年度": 2024, "骨干教师培养成党员数": 0, "党员教师培养成教学骨干数": 1},
        ],
        "表彰": [
            {"姓名": "李师", "所在单位": a, "荣誉称号": "党员教师先锋", "表彰年度": 2025},
            {"姓名": "赵师", "所在单位": a, "荣誉称号": "优秀教师", "表彰年度": 2025},
        ],
    }


def rules_settings(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({
        "as_of": date.fromisoformat(AS_OF),
        "plan_minimum": {"to_member": 0, "to_backbone": 1},
    }, allow_unicode=True), encoding="utf-8")
    return path


def load(tmp_path: Path, content: dict, name: str = "data.yaml"):
    from sp_docs.sources import load_dataset

    path = tmp_path / name
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data, problems = load_dataset(path)
    assert not problems.errors, [p.describe() for p in problems.errors]
    return data, path


def run(tmp_path, content):
    from sp_docs.rules.config import load_settings
    from sp_docs.rules.programme import run_rules

    data, _ = load(tmp_path, content)
    return run_rules(data, load_settings(rules_settings(tmp_path)))


def _drop_record(d, trainee, day):
    d["培养记录"] = [r for r in d["培养记录"] if not (r["培养对象"] == trainee and r["日期"] == day)]


def _set(rows, match, **values):
    for row in rows:
        if all(row.get(k) == v for k, v in match.items()):
            row.update(values)


VIOLATIONS = {
    "quarterly_talks": (lambda d: _drop_record(d, "王一", "2025-05-10"), ("王一", "2025年第2季度")),
    "reserve_ratio": (lambda d: _set(d["单位"], {"单位名称": "乙小学"}, 教职工总数=30), ("乙小学",)),
    "mentors": (lambda d: _set(d["双培对象"], {"姓名": "王一"}, 第二培养人="钱群"), ("王一", "钱群", "群众")),
    "new_members_excellent": (lambda d: _set(d["教师"], {"姓名": "周新"}, 年度考核="合格"), ("2025", "周新")),
    "awards_party_share": (lambda d: d["表彰"].append(
        {"姓名": "钱群", "所在单位": "甲中学", "荣誉称号": "优秀教师", "表彰年度": 2025}), ("钱群", "2025")),
    "pioneer_border": (lambda d: d["表彰"].extend(
        [{"姓名": n, "所在单位": "乙小学", "荣誉称号": "党员教师先锋", "表彰年度": 2025} for n in ("郑师", "陈师")]),
        ("2025", "党员教师先锋")),
    "party_teacher_lessons": (lambda d: _drop_record(d, "冯四", "2024-04-10"), ("冯四", "2023—2024学年第二学期")),
    "plan_minimum": (lambda d: _set(d["三年计划"], {"单位": "甲中学", "年度": 2025}, 党员教师培养成教学骨干数=0),
                     ("2025", "党员教师培养成教学骨干")),
    "plan_completion": (lambda d: _set(d["三年计划"], {"单位": "乙小学", "年度": 2024}, 党员教师培养成教学骨干数=2),
                        ("乙小学", "2024")),
}


def test_clean_programme_passes_every_rule(tmp_path):
    report = run(tmp_path, small_programme())
    assert [f.message for f in report.findings] == []
    assert all(r.enabled and r.checked for r in report.results), [(r.rule, r.checked) for r in report.results]


@pytest.mark.parametrize("rule", list(VIOLATIONS))
def test_each_planted_violation_is_found_by_its_rule(tmp_path, rule):
    content = copy.deepcopy(small_programme())
    plant, words = VIOLATIONS[rule]
    plant(content)
    report = run(tmp_path, content)
    found = {f.rule for f in report.findings}
    assert found == {rule}, [f.message for f in report.findings]
    text = " ".join(f"{f.unit} {f.message} {f.period} {' '.join(f.people)}" for f in report.findings)
    for word in words:
        assert word in text


def test_rules_can_be_switched_off(tmp_path):
    from sp_docs.rules.config import load_settings
    from sp_docs.rules.programme import run_rules

    content = small_programme()
    VIOLATIONS["mentors"][0](content)
    data, _ = load(tmp_path, content)
    path = tmp_path / "off.yaml"
    path.write_text("mentors:\n  enabled: false\n", encoding="utf-8")
    report = run_rules(data, load_settings(path))
    assert not [f for f in report.findings if f.rule == "mentors"]
    assert not next(r for r in report.results if r.rule == "mentors").enabled


def test_bad_settings_are_input_errors(tmp_path):
    from sp_docs.errors import InputError
    from sp_docs.rules.config import load_settings

    path = tmp_path / "bad.yaml"
    path.write_text("foo: 1\nmentors:\n  max_count: 很多\n  bar: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_settings(path)
    text = str(info.value)
    assert "foo" in text and "mentors.max_count" in text and "mentors.bar" in text


def test_rules_new_writes_defaults_that_load(tmp_path, runner):
    from sp_docs.cli import main
    from sp_docs.rules.config import default_settings, load_settings

    path = tmp_path / "规则.yaml"
    result = runner.invoke(main, ["rules", "new", str(path)])
    assert result.exit_code == 0, result.output
    assert "谈心谈话" in path.read_text(encoding="utf-8")
    assert load_settings(path) == default_settings()
    assert runner.invoke(main, ["rules", "new", str(path)]).exit_code == 1  # kept unless --force


def test_check_rules_exit_codes_and_xlsx(tmp_path, runner):
    from sp_docs.cli import main

    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    _, clean = load(clean_dir, small_programme())
    settings = rules_settings(tmp_path)
    result = runner.invoke(main, ["check", str(clean), "--rules", str(settings)])
    assert result.exit_code == 0, result.output
    content = small_programme()
    VIOLATIONS["quarterly_talks"][0](content)
    VIOLATIONS["reserve_ratio"][0](content)
    _, bad = load(tmp_path, content)
    out = tmp_path / "findings.xlsx"
    result = runner.invoke(main, ["check", str(bad), "--rules", str(settings), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "【甲中学】" in result.output and "【乙小学】" in result.output
    rows = xlsx_rows(out, "问题清单")
    assert rows[0][:3] == ["单位", "规则", "涉及人员"]
    assert [r[0] for r in rows[1:]] == ["甲中学", "乙小学"]
    assert "王一" in rows[1][2] and "2025年第2季度" in rows[1][3]
    # without --rules the programme is not checked: exit 0
    assert runner.invoke(main, ["check", str(bad)]).exit_code == 0


@pytest.mark.skipif(not (Path(__file__).parents[1] / "data_examples" / "city.xlsx").exists(),
                    reason="example data missing")
def test_example_city_shortfalls(city):
    from helpers import EXAMPLES
    from sp_docs.rules.config import load_settings
    from sp_docs.rules.programme import run_rules

    report = run_rules(city, load_settings(EXAMPLES / "rules.yaml"))  # the city's minimum, scaled to its size
    by_rule = {r.rule: r.findings for r in report.results}
    (talk,) = by_rule["quarterly_talks"]
    assert talk.unit == "东湖区第三中学" and "季度" in talk.period
    assert [f.unit for f in by_rule["reserve_ratio"]] == ["青川市特殊教育学校"]
    (mentor,) = by_rule["mentors"]
    assert mentor.unit == "青川市第一中学" and mentor.value == "群众"
    assert {f.period for f in by_rule["plan_minimum"]} == {"2024年"}
    for rule in ("new_members_excellent", "awards_party_share", "pioneer_border"):
        assert by_rule[rule] == [], rule
