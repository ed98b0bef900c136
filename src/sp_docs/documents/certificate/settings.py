"""Certificate settings: the YAML file (``load_settings``) and its commented template."""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import yaml

from ... import limits
from ...errors import InputError, Location
from ...text import clean_text
from ...units import SEAL_MM
from ...values import NormalizeError, parse_date, parse_year
from .paper import Box, default_layout, parse_page_size

FIELD_KEYS = {"标题": "title", "称呼": "greeting", "正文": "body", "颁发单位": "issuer",
              "日期": "date", "编号": "number"}
FIELD_LABELS = {v: k for k, v in FIELD_KEYS.items()}
ROLE_NAMES = {"小标宋": "title", "标题": "title", "黑体": "hei", "楷体": "kai", "仿宋": "fang", "宋体": "song"}
ROLE_LABELS = {"title": "小标宋", "hei": "黑体", "kai": "楷体", "fang": "仿宋", "song": "宋体"}
ALIGNS = {"左": "left", "中": "center", "居中": "center", "右": "right"}
DESIGNS = ("formal", "plain", "blank")
DESIGN_NAMES = {"正式": "formal", "简洁": "plain", "套打": "blank"}


class Order(str, Enum):
    """证书编号 order (设置“排序”): as listed, by honour title, or by unit."""

    LISTED = "名单"
    TITLE = "荣誉称号"
    UNIT = "单位"


@dataclass
class Settings:
    issuer: str = ""
    issued_on: dt.date | None = None
    year: int | None = None
    greeting: str = "{{ 单位 }}　{{ 姓名 }} 同志："
    body: str = "　　在{{ 年度 }}年度“双培”工程工作中表现突出，被评为“{{ 荣誉称号 }}”。"
    closing: str = "　　特发此证，以资鼓励。"
    number_pattern: str = "{前缀}{年份}{序号}"
    number_prefix: str = ""
    number_start: int = 1
    number_digits: int = 4
    number_label: str = "证书编号："
    order: Order = Order.LISTED
    design: str = "formal"
    page: tuple[float, float] = (297.0, 210.0)
    page_label: str = "A4横向"
    pad_names: bool = True
    seal: Path | None = None
    seal_size: float = SEAL_MM
    offset_x: float = 0.0
    offset_y: float = 0.0
    boxes: dict[str, Box] = field(default_factory=dict)
    source: str = ""

    def box(self, key: str) -> Box:
        return self.boxes[key]


SETTINGS_TEMPLATE = """\
# 荣誉证书设置（sp-docs certificates --settings 本文件）
# 每项都有默认值；删去或留空的项使用默认值。长度单位：毫米（mm）；字号单位：磅（pt）。

# 颁发单位：名单中“颁发单位”列有值时以名单为准
颁发单位: "{issuer}"
# 颁发日期：名单中“颁发日期”列有值时以名单为准；证书上写作“二〇二五年九月”
颁发日期: "{date}"
# 表彰年度：正文中的 {{{{ 年度 }}}}；不填则取名单“表彰年度”列或颁发日期的年份
表彰年度:

# 文字（可改写）：可用 {{{{ 姓名 }}}} {{{{ 单位 }}}} {{{{ 荣誉称号 }}}} {{{{ 年度 }}}} {{{{ 颁发单位 }}}}
称呼: "{{{{ 单位 }}}}　{{{{ 姓名 }}}} 同志："
正文: "　　在{{{{ 年度 }}}}年度“双培”工程工作中表现突出，被评为“{{{{ 荣誉称号 }}}}”。"
结束语: "　　特发此证，以资鼓励。"

# 两个字的姓名中间加全角空格（张　三）；false 关闭
姓名补空格: true

# 证书编号：名单中“证书编号”列有值时直接使用；否则按格式生成
证书编号:
  格式: "{{前缀}}{{年份}}{{序号}}"   # 可用 {{前缀}} {{年份}} {{序号}}
  前缀: "{prefix}"
  起始号: 1
  位数: 4                       # 序号补零到几位：0001
  文字: "证书编号："
  排序: 名单                    # 名单（按名单行序）| 荣誉称号 | 单位（再按姓名拼音）

# 设计：formal（正式，有边框和“荣誉证书”标题）| plain（简洁）| blank（套打：只印变动文字）
设计: {design}

# 纸张：A4横向、A4纵向、正度16开、大度16开、正度8开、大度8开（可加“横向”/“纵向”），或“宽x高”毫米，如 "297x210"
纸张: "{page}"

# 印章：透明背景的 PNG 图片（相对本文件所在文件夹），盖在颁发单位上；本工具不会自己画印章
印章:
  图片:
  直径: 42

# 套打偏移（毫米）：整体向右(+)/左(-)、向下(+)/上(-)移动；命令行 --offset-x/--offset-y 优先
偏移:
  x: 0
  y: 0

# 字段位置：x、y 为文字框左上角到纸张左边、上边的距离；宽、高为文字框大小；
# 文字在框内垂直居中；放不下时自动缩小字号，最小到“最小字号”，仍放不下则报告该行。
# 不写的项按纸张大小自动排版。下面是当前纸张（{page}）的自动排版值，去掉行首 # 即可修改：
{layout}
"""


def settings_template(page: str = "A4横向", design: str = "formal") -> str:
    width, height = parse_page_size(page)
    lines = ["# 字段位置:"]
    for key, box in default_layout(width, height).items():
        lines.append(f"#   {FIELD_LABELS[key]}: {{x: {box.x:g}, y: {box.y:g}, 宽: {box.width:g}, 高: {box.height:g}, "
                     f"字号: {box.size:g}, 最小字号: {box.floor:g}, 字体: {ROLE_LABELS[box.role]}, "
                     f"对齐: {[k for k, v in ALIGNS.items() if v == box.align][0]}}}")
    return SETTINGS_TEMPLATE.format(issuer="", date="", prefix="", design=design, page=page,
                                    layout="\n".join(lines))


def _number(value, where: Location, label: str, problems: list[str], default=None):
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        problems.append(f"“{label}”应为数字（填写的是“{value}”）")
        return default


def load_settings(path: Path | str | None = None, *, overrides: dict | None = None) -> Settings:
    """Settings from a YAML file (or defaults); every problem named at once."""
    where = Location(str(path) if path else "")
    data = _read_file(Path(path), where) if path is not None else {}
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    errors: list[str] = []
    settings = Settings(source=str(path or ""))
    _wording(data, settings, errors)
    _numbering(data, settings, where, errors)
    _design_and_paper(data, settings, errors)
    _seal(data, settings, Path(path) if path is not None else None, where, errors)
    offset = data.get("偏移") or {}
    if isinstance(offset, dict):
        settings.offset_x = _number(offset.get("x"), where, "偏移 x", errors, 0.0)
        settings.offset_y = _number(offset.get("y"), where, "偏移 y", errors, 0.0)
    settings.boxes = default_layout(*settings.page)
    _positions(data, settings, where, errors)
    if errors:
        raise InputError([_problem(message, where) for message in errors])
    return settings


def _read_file(path: Path, where: Location) -> dict:
    if not path.is_file():
        raise InputError(f"找不到设置文件：{path}", where)
    try:
        loaded = limits.load_yaml(limits.read_yaml_text(path, "utf-8-sig"), path)
    except UnicodeDecodeError:
        raise InputError("设置文件不是 UTF-8 编码，请用 UTF-8 保存", where) from None
    except yaml.YAMLError as exc:
        raise InputError(f"设置文件 YAML 语法错误：{exc}", where) from None
    if loaded is not None and not isinstance(loaded, dict):
        raise InputError("设置文件顶层应为“项目: 值”的映射", where)
    data = loaded or {}
    _check_keys(data, where)
    return data


def _wording(data: dict, settings: Settings, errors: list[str]) -> None:
    """颁发单位, dates, the wording templates and name padding."""
    def text(key: str, default: str) -> str:
        value = data.get(key)
        return default if value is None else clean_text(value) if key not in ("称呼", "正文", "结束语") else str(value)

    settings.issuer = text("颁发单位", "")
    if data.get("颁发日期") not in (None, ""):
        try:
            settings.issued_on = parse_date(data["颁发日期"])
        except NormalizeError as exc:
            errors.append(f"“颁发日期”无法识别（填写的是“{data['颁发日期']}”）：{exc}")
    if data.get("表彰年度") not in (None, ""):
        try:
            settings.year = parse_year(data["表彰年度"])
        except NormalizeError as exc:
            errors.append(f"“表彰年度”无法识别：{exc}")
    settings.greeting = text("称呼", settings.greeting)
    settings.body = text("正文", settings.body)
    settings.closing = text("结束语", settings.closing)
    for key in ("称呼", "正文", "结束语"):
        _check_wording(getattr(settings, {"称呼": "greeting", "正文": "body", "结束语": "closing"}[key]), key, errors)
    pad = data.get("姓名补空格", True)
    settings.pad_names = pad if isinstance(pad, bool) else str(pad).strip() not in ("否", "false", "False", "0", "关")


def _numbering(data: dict, settings: Settings, where: Location, errors: list[str]) -> None:
    number = data.get("证书编号") or {}
    if not isinstance(number, dict):
        errors.append("“证书编号”下应为 格式/前缀/起始号/位数 等项")
        number = {}
    settings.number_pattern = str(number.get("格式") or settings.number_pattern)
    unknown = set(re.findall(r"\{([^{}]*)\}", settings.number_pattern)) - {"前缀", "年份", "序号"}
    if unknown:
        errors.append(f"证书编号“格式”中有未知项：{'、'.join('{' + u + '}' for u in sorted(unknown))}；可用 {{前缀}} {{年份}} {{序号}}")
    settings.number_prefix = clean_text(number.get("前缀") or "")
    settings.number_start = int(_number(number.get("起始号"), where, "起始号", errors, 1) or 1)
    digits = int(_number(number.get("位数"), where, "位数", errors, 4) or 0)
    settings.number_digits = max(0, min(digits, 12))
    if number.get("文字") is not None:
        settings.number_label = str(number["文字"])
    order = clean_text(number.get("排序") or "名单")
    if order not in {o.value for o in Order}:
        errors.append(f"证书编号“排序”应为 名单、荣誉称号 或 单位（填写的是“{order}”）")
    else:
        settings.order = Order(order)


def _design_and_paper(data: dict, settings: Settings, errors: list[str]) -> None:
    design = str(data.get("设计") or "formal").strip()
    design = DESIGN_NAMES.get(design, design)
    if design not in DESIGNS:
        errors.append(f"“设计”应为 formal、plain 或 blank（填写的是“{design}”）")
    settings.design = design
    page = data.get("纸张") or "A4横向"
    try:
        settings.page = parse_page_size(str(page))
        settings.page_label = str(page)
    except ValueError as exc:
        errors.append(f"“纸张”无法识别（填写的是“{page}”）：{exc}")


def _seal(data: dict, settings: Settings, path: Path | None, where: Location, errors: list[str]) -> None:
    seal = data.get("印章") or {}
    if not isinstance(seal, dict):
        errors.append("“印章”下应为 图片/直径 两项")
        seal = {}
    if seal.get("图片"):
        seal_path = Path(str(seal["图片"]))
        if not seal_path.is_absolute() and path is not None:
            seal_path = Path(path).parent / seal_path
        if not seal_path.is_file():
            errors.append(f"找不到印章图片：{seal_path}")
        elif seal_path.open("rb").read(8) != b"\x89PNG\r\n\x1a\n":
            errors.append(f"印章图片应为 PNG 格式（透明背景）：{seal_path}")
        else:
            try:
                limits.check_image(seal_path, seal_path)
                settings.seal = seal_path.resolve()
            except InputError as exc:
                errors.extend(p.message for p in exc.problems.errors)
    settings.seal_size = _number(seal.get("直径"), where, "印章直径", errors, SEAL_MM)
    if not 10 <= settings.seal_size <= 80:
        errors.append("“印章直径”应在 10–80 毫米之间")


def _positions(data: dict, settings: Settings, where: Location, errors: list[str]) -> None:
    positions = data.get("字段位置") or {}
    if not isinstance(positions, dict):
        errors.append("“字段位置”下应为 称呼/正文/颁发单位/日期/编号/标题 等项")
        positions = {}
    for label, spec in positions.items():
        key = FIELD_KEYS.get(str(label))
        if key is None:
            errors.append(f"“字段位置”中有未知字段“{label}”；可用：{'、'.join(FIELD_KEYS)}")
            continue
        if not isinstance(spec, dict):
            errors.append(f"字段位置“{label}”应写成 {{x: …, y: …, 宽: …, 高: …}}")
            continue
        box = _position(settings.boxes[key], str(label), spec, where, errors)
        if box.width <= 0 or box.height <= 0 or box.size <= 0 or box.floor <= 0 or box.floor > box.size:
            errors.append(f"字段位置“{label}”：宽、高、字号须为正数，最小字号不大于字号")
        settings.boxes[key] = box


def _position(box: Box, label: str, spec: dict, where: Location, errors: list[str]) -> Box:
    changes = {}
    for name, attr in (("x", "x"), ("y", "y"), ("宽", "width"), ("高", "height"), ("字号", "size"),
                       ("最小字号", "floor"), ("行距", "line_height")):
        if name in spec:
            changes[attr] = _number(spec[name], where, f"{label}.{name}", errors, getattr(box, attr))
    for name, attr, choices, allowed in (("字体", "role", ROLE_NAMES, "、".join(ROLE_NAMES)),
                                         ("对齐", "align", ALIGNS, "左、中 或 右")):
        if name in spec:
            value = choices.get(str(spec[name]).strip())
            if value is None:
                errors.append(f"字段位置“{label}”的{name}应为 {allowed}")
            else:
                changes[attr] = value
    return replace(box, **changes)


SETTINGS_KEYS = ("颁发单位", "颁发日期", "表彰年度", "称呼", "正文", "结束语", "姓名补空格", "证书编号", "设计",
                 "纸张", "印章", "偏移", "字段位置")
_NESTED_KEYS = {"证书编号": ("格式", "前缀", "起始号", "位数", "文字", "排序"), "印章": ("图片", "直径"),
                "偏移": ("x", "y")}


def _other_kind(data: dict) -> str | None:
    """What a settings file that is not a certificate settings file looks like."""
    from ...rules.config import default_settings

    keys = {str(k) for k in data}
    if keys & set(default_settings()):
        return "规则检查设置文件（sp-docs check --rules 用）"
    if keys & {"school_name", "party_org_name", "school_type", "staff_count"}:
        return "实施方案问卷答卷（sp-docs plan 用）"
    if data and all(isinstance(v, dict) and v and all(isinstance(x, (int, float, dict)) for x in v.values())
                    for v in data.values()) and not keys & set(SETTINGS_KEYS):
        return "党员积分表（sp-docs points --table 用）"
    return None


def _check_keys(data: dict, where: Location) -> None:
    """Unknown keys are errors naming the valid ones; another kind of file is named."""
    unknown = [str(k) for k in data if str(k) not in SETTINGS_KEYS]
    if not unknown:
        for key, allowed in _NESTED_KEYS.items():
            if isinstance(data.get(key), dict):
                bad = [str(k) for k in data[key] if str(k) not in allowed]
                if bad:
                    raise InputError(f"证书设置“{key}”下有未知项：{'、'.join(bad)}；可用：{'、'.join(allowed)}", where)
        return
    kind = _other_kind(data)
    if kind:
        raise InputError(f"这不是证书设置文件，看起来是{kind}；证书设置文件请用 "
                         "sp-docs certificates new-settings 证书设置.yaml 生成", where)
    raise InputError(f"证书设置中有未知项：{'、'.join(unknown[:8])}{' 等' if len(unknown) > 8 else ''}；"
                     f"可用：{'、'.join(SETTINGS_KEYS)}（sp-docs certificates new-settings 可生成带说明的设置文件）",
                     where)


def _problem(message: str, where: Location):
    from ...errors import ERROR, Problem

    return Problem(ERROR, message, where)


_WORDING_FIELDS = {"姓名", "单位", "荣誉称号", "年度", "颁发单位"}


def _check_wording(source: str, label: str, errors: list[str]) -> None:
    from ...render.templates import environment
    import jinja2
    from jinja2 import meta

    try:
        wanted = meta.find_undeclared_variables(environment().parse(source))
    except jinja2.TemplateSyntaxError as exc:
        errors.append(f"“{label}”文字模板语法错误：{exc.message}")
        return
    unknown = sorted(wanted - _WORDING_FIELDS)
    if unknown:
        errors.append(f"“{label}”中有未知字段：{'、'.join(unknown)}；可用：{'、'.join(sorted(_WORDING_FIELDS))}")


@functools.lru_cache(maxsize=64)
def _wording_template(source: str):
    from ...render.templates import environment

    return environment(autoescape=False, label="证书设置中的文字模板").from_string(source)


def fill_wording(source: str, values: dict) -> str:
    """Fill a wording template; values are data (never evaluated as template code).
    The render runs under render.sandbox's limits; a refusal names the wording."""
    import jinja2

    from ...render.templates import describe_render_error

    try:
        return _wording_template(source).render(**values).strip("\n")
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise describe_render_error(exc, "证书设置中的文字模板") from None


