"""The rule settings: packaged defaults (``defaults.yaml``, commented, also what
``sp-docs rules new`` writes) merged with the user's YAML file."""
from __future__ import annotations

import copy
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from .. import limits
from ..errors import InputError, Location, Problems

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")


def defaults_text() -> str:
    return DEFAULTS_FILE.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return yaml.safe_load(defaults_text())


def default_settings() -> dict:
    return copy.deepcopy(_defaults())


def _check_type(default, value, where: str, problems: Problems, file: str) -> object:
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        if not isinstance(value, bool):
            problems.error(f"“{where}”：应为 true 或 false", Location(file), value)
        return value
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.error(f"“{where}”：应为数字", Location(file), value)
        elif value < 0:
            problems.error(f"“{where}”：不能为负数", Location(file), value)
        return value
    if isinstance(default, list):
        if not isinstance(value, list):
            problems.error(f"“{where}”：应为列表，如 [2024, 2025]", Location(file), value)
        return value
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(v in ("培养人", "培养对象") for v in value.values()):
            problems.error(f"“{where}”：应为“形式: 培养人/培养对象”", Location(file), value)
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            problems.error(f"“{where}”：应为文字", Location(file), value)
        return value
    return value


def load_settings(path: Path | str | None) -> dict:
    """Defaults, overridden by ``path`` (YAML).  Unknown names and wrong types are
    input errors naming the file and the setting."""
    settings = default_settings()
    if path is None:
        return settings
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError("找不到规则设置文件（可用 sp-docs rules new 规则.yaml 生成）", Location(file))
    from ..output import protect_input

    protect_input(path)
    try:
        user = limits.load_yaml(limits.read_yaml_text(path), path) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"规则设置文件不是有效的 YAML：{exc}", Location(file)) from None
    if not isinstance(user, dict):
        raise InputError("规则设置文件的顶层应为“规则名: 设置”的形式", Location(file))
    problems = Problems()
    for key, value in user.items():
        if key not in settings:
            problems.error(f"未知的规则或设置“{key}”", Location(file),
                           expected=f"可用：{'、'.join(settings)}")
            continue
        if key == "as_of":
            if value is not None and not isinstance(value, date):
                problems.error("“as_of”应为日期，如 2025-10-31，或留空", Location(file), value)
            settings[key] = value
            continue
        if value is None:
            continue
        if not isinstance(value, dict):
            problems.error(f"“{key}”应为若干“参数: 值”", Location(file), value)
            continue
        for name, item in value.items():
            where = f"{key}.{name}"
            if name not in settings[key]:
                problems.error(f"“{where}”：未知的参数", Location(file),
                               expected=f"{key} 可用：{'、'.join(settings[key])}")
                continue
            settings[key][name] = _check_type(settings[key][name], item, where, problems, file)
    problems.raise_if_errors()
    return settings
