"""The example city with its rules file finds exactly the deliberate shortfalls of data_examples/README.md."""
from __future__ import annotations

from helpers import EXAMPLES

RULES = EXAMPLES / "rules.yaml"

# rule → unit of the finding, as listed in data_examples/README.md
DELIBERATE = {
    ("quarterly_talks", "东湖区第三中学"),
    ("reserve_ratio", "青川市特殊教育学校"),
    ("mentors", "青川市第一中学"),
    ("party_teacher_lessons", "青川职业技术学院"),
    ("plan_minimum", None),
    ("plan_completion", "青川师范学院"),
}


def test_rules_file_is_a_valid_rules_file():
    from sp_docs.jobs.annex1 import read_minimum
    from sp_docs.rules.config import load_settings

    settings = load_settings(RULES)
    minimum = {k: settings["plan_minimum"][k] for k in ("to_member", "to_backbone")}
    assert minimum["to_member"] < 150 and minimum["to_backbone"] < 240      # scaled to the small city
    assert read_minimum(RULES) == minimum                                    # annex 1 reads the same numbers


def test_example_city_finds_exactly_the_deliberate_shortfalls(city):
    from sp_docs.rules.config import load_settings
    from sp_docs.rules.programme import run_rules

    report = run_rules(city, load_settings(RULES))
    found = [(f.rule, f.unit) for r in report.results for f in r.findings]
    assert len(found) == len(DELIBERATE)
    assert {(rule, None if rule == "plan_minimum" else unit) for rule, unit in found} == DELIBERATE
    by_rule = {f.rule: f for r in report.results for f in r.findings}
    assert "2024年" in by_rule["plan_minimum"].message
    assert "2024年" in by_rule["plan_completion"].message
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for result in report.results:                 # the README names each failing rule as the checker prints it
        if result.findings:
            assert f"**{result.title}**" in readme
    for f in (f for r in report.results for f in r.findings):
        for person in f.people:
            assert person in readme


def test_example_plans_follow_the_trainees(city):
    from sp_docs.rules import plans

    rows = [r for r in plans.plan_vs_actual(city) if r.year < 2025]
    assert sum(r.planned for r in rows) > 0
    assert sum(abs(r.planned - r.completed) for r in rows) <= 3                # small deliberate differences only


def test_check_cli_with_example_rules(tmp_path, runner, city_workbook):
    from helpers import xlsx_rows
    from sp_docs.cli import main

    out = tmp_path / "问题清单.xlsx"
    result = runner.invoke(main, ["check", str(city_workbook), "--rules", str(RULES), "-o", str(out)])
    assert result.exit_code == 3, result.output                # rules found something; input is valid
    assert len(xlsx_rows(out, "问题清单")) == 1 + len(DELIBERATE)
