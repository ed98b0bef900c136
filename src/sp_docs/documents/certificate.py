"""荣誉证书: settings + award list → one view per certificate (plain data).

Every field is a box in mm on the page.  Text is measured with the metrics of
the font the PDF will embed (fontTools), shrunk to fit down to a floor, and
broken into lines here (never by the renderer), so what the view says is what
the page shows.  A row whose text cannot be set (too long past the floor, a
character no font has, no date …) is reported with its row number.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .. import limits
from ..errors import InputError, Location
from ..model import Award

# --------------------------------------------------------------------------
# Page sizes
# --------------------------------------------------------------------------

PAPER_SIZES = {  # portrait width × height, mm
    "A4": (210, 297), "A3": (297, 420), "A5": (148, 210), "B5": (176, 250),
    "正度16开": (195, 270), "大度16开": (220, 295), "正度8开": (270, 390), "大度8开": (295, 420),
    "8开": (270, 390), "16开": (195, 270),
}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×X*＊]\s*(\d+(?:\.\d+)?)\s*(?:mm|毫米)?\s*$")


def parse_page_size(text: str) -> tuple[float, float]:
    """``A4横向`` · ``A4纵向`` · ``正度16开`` · ``297x210`` (mm, width × height)."""
    raw = str(text or "").strip()
    match = _SIZE_RE.match(raw)
    if match:
        width, height = float(match.group(1)), float(match.group(2))
        if not (50 <= width <= 1200 and 50 <= height <= 1200):
            raise ValueError("纸张宽、高应在 50–1200 毫米之间")
        return width, height
    name = raw.replace(" ", "")
    landscape = None
    for suffix, value in (("横向", True), ("横", True), ("landscape", True), ("纵向", False), ("竖向", False),
                          ("纵", False), ("竖", False), ("portrait", False)):
        if name.lower().endswith(suffix):
            name, landscape = name[: -len(suffix)], value
            break
    size = PAPER_SIZES.get(name.upper() if name[:1].isascii() else name)
    if size is None:
        raise ValueError(f"可用：{'、'.join(PAPER_SIZES)}（后加“横向”或“纵向”），或“宽x高”毫米，如 297x210")
    width, height = size
    if landscape is None:
        landscape = name.upper() == "A4"  # bare A4 means the usual landscape certificate
    return (height, width) if landscape else (width, height)


# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------

FIELD_KEYS = {"标题": "title", "称呼": "greeting", "正文": "body", "颁发单位": "issuer",
              "日期": "date", "编号": "number"}
FIELD_LABELS = {v: k for k, v in FIELD_KEYS.items()}
ROLE_NAMES = {"小标宋": "title", "标题": "title", "黑体": "hei", "楷体": "kai", "仿宋": "fang", "宋体": "song"}
ROLE_LABELS = {"title": "小标宋", "hei": "黑体", "kai": "楷体", "fang": "仿宋", "song": "宋体"}
ALIGNS = {"左": "left", "中": "center", "居中": "center", "右": "right"}
DESIGNS = ("formal", "plain", "blank")
DESIGN_NAMES = {"正式": "formal", "简洁": "plain", "套打": "blank"}


@dataclass(frozen=True)
class Box:
    """A field box on the page; x, y = top-left corner (mm)."""

    x: float
    y: float
    width: float
    height: float
    size: float  # preferred font size, pt
    floor: float  # smallest font size allowed, pt
    role: str = "kai"
    align: str = "left"
    line_height: float = 1.5  # body only (multiple of the font size)


# Reference layouts (mm / pt) for A4 landscape and A4 portrait; other sizes scale.
_LANDSCAPE = {
    "title": Box(0, 24, 297, 30, 50, 30, "kai", "center"),
    "greeting": Box(40, 66, 217, 14, 24, 14, "kai", "left"),
    "body": Box(40, 83, 217, 54, 22, 14, "kai", "left", 1.6),
    "issuer": Box(140, 142, 120, 12, 20, 12, "kai", "center"),
    "date": Box(140, 156, 120, 11, 18, 12, "kai", "center"),
    "number": Box(40, 180, 120, 8, 11, 8, "fang", "left"),
}
_PORTRAIT = {
    "title": Box(0, 40, 210, 32, 46, 28, "kai", "center"),
    "greeting": Box(26, 96, 158, 14, 22, 13, "kai", "left"),
    "body": Box(26, 114, 158, 82, 20, 13, "kai", "left", 1.6),
    "issuer": Box(74, 208, 112, 12, 18, 11, "kai", "center"),
    "date": Box(74, 222, 112, 11, 16, 11, "kai", "center"),
    "number": Box(26, 266, 120, 8, 10.5, 8, "fang", "left"),
}


def default_layout(width: float, height: float) -> dict[str, Box]:
    landscape = width >= height
    ref, (rw, rh) = (_LANDSCAPE, (297, 210)) if landscape else (_PORTRAIT, (210, 297))
    sx, sy = width / rw, height / rh
    scale = min(sx, sy)
    return {key: replace(box, x=round(box.x * sx, 1), y=round(box.y * sy, 1), width=round(box.width * sx, 1),
                         height=round(box.height * sy, 1), size=round(box.size * scale, 1),
                         floor=round(box.floor * scale, 1))
            for key, box in ref.items()}


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
    order: str = "名单"  # 名单 | 荣誉称号 | 单位
    design: str = "formal"
    page: tuple[float, float] = (297.0, 210.0)
    page_label: str = "A4横向"
    pad_names: bool = True
    seal: Path | None = None
    seal_size: float = 42.0
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
    from ..sources.normalize import NormalizeError, clean_text, parse_date, parse_year

    data: dict = {}
    where = Location(str(path) if path else "")
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise InputError(f"找不到设置文件：{path}", where)
        try:
            loaded = limits.load_yaml(limits.read_yaml_text(path, "utf-8-sig"), path)
        except UnicodeDecodeError:
            raise InputError("设置文件不是 UTF-8 编码，请用 UTF-8 保存", where) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"第{mark.line + 1}行" if mark else ""
            raise InputError(f"设置文件 YAML 语法错误 {line}：{getattr(exc, 'problem', '') or exc}", where) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise InputError("设置文件顶层应为“项目: 值”的映射", where)
        data = loaded or {}
        _check_keys(data, where)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    errors: list[str] = []
    settings = Settings(source=str(path or ""))

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
    if order not in ("名单", "荣誉称号", "单位"):
        errors.append(f"证书编号“排序”应为 名单、荣誉称号 或 单位（填写的是“{order}”）")
    settings.order = order

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
    settings.seal_size = _number(seal.get("直径"), where, "印章直径", errors, 42.0)
    if not 10 <= settings.seal_size <= 80:
        errors.append("“印章直径”应在 10–80 毫米之间")

    offset = data.get("偏移") or {}
    if isinstance(offset, dict):
        settings.offset_x = _number(offset.get("x"), where, "偏移 x", errors, 0.0)
        settings.offset_y = _number(offset.get("y"), where, "偏移 y", errors, 0.0)

    settings.boxes = default_layout(*settings.page)
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
        box = settings.boxes[key]
        changes = {}
        for name, attr in (("x", "x"), ("y", "y"), ("宽", "width"), ("高", "height"), ("字号", "size"),
                           ("最小字号", "floor"), ("行距", "line_height")):
            if name in spec:
                changes[attr] = _number(spec[name], where, f"{label}.{name}", errors, getattr(box, attr))
        if "字体" in spec:
            role = ROLE_NAMES.get(str(spec["字体"]).strip())
            if role is None:
                errors.append(f"字段位置“{label}”的字体应为 {'、'.join(ROLE_NAMES)}")
            else:
                changes["role"] = role
        if "对齐" in spec:
            align = ALIGNS.get(str(spec["对齐"]).strip())
            if align is None:
                errors.append(f"字段位置“{label}”的对齐应为 左、中 或 右")
            else:
                changes["align"] = align
        box = replace(box, **changes)
        if box.width <= 0 or box.height <= 0 or box.size <= 0 or box.floor <= 0 or box.floor > box.size:
            errors.append(f"字段位置“{label}”：宽、高、字号须为正数，最小字号不大于字号")
        settings.boxes[key] = box
    if errors:
        raise InputError([_problem(message, where) for message in errors])
    return settings


SETTINGS_KEYS = ("颁发单位", "颁发日期", "表彰年度", "称呼", "正文", "结束语", "姓名补空格", "证书编号", "设计",
                 "纸张", "印章", "偏移", "字段位置")
_NESTED_KEYS = {"证书编号": ("格式", "前缀", "起始号", "位数", "文字", "排序"), "印章": ("图片", "直径"),
                "偏移": ("x", "y")}


def _other_kind(data: dict) -> str | None:
    """What a settings file that is not a certificate settings file looks like."""
    from ..rules.config import default_settings

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
    from ..errors import ERROR, Problem

    return Problem(ERROR, message, where)


_WORDING_FIELDS = {"姓名", "单位", "荣誉称号", "年度", "颁发单位"}


def _check_wording(source: str, label: str, errors: list[str]) -> None:
    from ..render.templates import environment
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
    from ..render.templates import environment

    return environment(autoescape=False, label="证书设置中的文字模板").from_string(source)


def fill_wording(source: str, values: dict) -> str:
    """Fill a wording template; values are data (never evaluated as template code).
    The render runs under render.sandbox's limits; a refusal names the wording."""
    import jinja2

    from ..render.templates import describe_render_error

    try:
        return _wording_template(source).render(**values).strip("\n")
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise describe_render_error(exc, "证书设置中的文字模板") from None


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

_CJK_RE = re.compile(r"^[\u3400-\u9fff\U00020000-\U0003134f\uf900-\ufaff]+$")


def display_name(name: str, pad: bool = True) -> str:
    """``张三`` → ``张　三`` (a full-width space) when ``pad``; other names as they are."""
    if pad and len(name) == 2 and _CJK_RE.match(name):
        return name[0] + "\u3000" + name[1]
    return name


# --------------------------------------------------------------------------
# Measuring text with the fonts the PDF embeds
# --------------------------------------------------------------------------

class Metrics:
    """Advance widths for one font role: each character from the first face of the
    role's chain that draws it (the face the PDF will use; render/fonts)."""

    def __init__(self, role: str):
        from ..render import fonts

        self.role = role
        self.chain = fonts.role_faces(role)
        self.cache: dict[str, float] = {}

    def advance(self, char: str) -> float:
        """Width of ``char`` in em (characters no face draws count as 1 em)."""
        width = self.cache.get(char)
        if width is None:
            width = 1.0
            code = ord(char)
            for face in self.chain:
                if face.has(code):
                    width = face.advance(code)
                    break
            self.cache[char] = width
        return width

    def width(self, text: str, size: float) -> float:
        """Width in pt of ``text`` set at ``size`` pt."""
        return sum(self.advance(c) for c in text) * size


@functools.lru_cache(maxsize=None)
def metrics(role: str) -> Metrics:
    return Metrics(role)


PT_PER_MM = 72 / 25.4
SAFETY = 0.98  # keep 2 % of every box free: renderers round, fonts hint
LINE_FACTOR = 1.25  # a single line needs this × size of height


class FitError(ValueError):
    pass


def fit_line(text: str, box: Box) -> float:
    """The largest size ≤ box.size at which ``text`` fits in one line of ``box``."""
    width_pt = box.width * PT_PER_MM * SAFETY
    height_pt = box.height * PT_PER_MM
    em = metrics(box.role).width(text, 1.0)
    size = min(box.size, width_pt / em if em else box.size, height_pt / LINE_FACTOR)
    size = int(size * 4) / 4  # quarter points
    if size < box.floor:
        raise FitError(size)
    return size


_CLOSING = set("，。、；：！？）》」』”’…—,.;:!?)%")
_OPENING = set("（《「『“‘(")
_ATOM_START, _ATOM_END = "\ue000", "\ue001"


def _tokens(paragraph: str) -> list[str]:
    """Unbreakable pieces: CJK characters, Latin words/numbers, marked atoms
    (a 荣誉称号), with closing punctuation glued before and opening after."""
    pieces: list[str] = []
    i = 0
    while i < len(paragraph):
        char = paragraph[i]
        if char == _ATOM_START:
            end = paragraph.find(_ATOM_END, i)
            end = len(paragraph) if end < 0 else end
            pieces.append(paragraph[i + 1:end])
            i = end + 1
            continue
        if char.isascii() and char.isalnum():
            j = i
            while j < len(paragraph) and paragraph[j].isascii() and (paragraph[j].isalnum() or paragraph[j] in "-_./"):
                j += 1
            pieces.append(paragraph[i:j])
            i = j
            continue
        pieces.append(char)
        i += 1
    tokens: list[str] = []
    pending_open = ""
    for piece in pieces:
        if piece in _OPENING:
            pending_open += piece
            continue
        if piece in _CLOSING and tokens and not pending_open:
            tokens[-1] += piece
            continue
        tokens.append(pending_open + piece)
        pending_open = ""
    if pending_open:
        tokens.append(pending_open)
    # leading full-width indent spaces stay with the first word
    while len(tokens) > 1 and tokens[0].strip("\u3000 ") == "":
        tokens[1] = tokens[0] + tokens[1]
        tokens.pop(0)
    return tokens


def break_lines(paragraphs: list[str], box: Box, size: float) -> list[str] | None:
    """Greedy line breaking at ``size``; None when a piece is wider than the box."""
    m = metrics(box.role)
    limit = box.width * PT_PER_MM * SAFETY
    lines: list[str] = []
    for paragraph in paragraphs:
        current, current_width = "", 0.0
        for token in _tokens(paragraph):
            width = m.width(token, size)
            if width > limit:
                return None
            if current and current_width + width > limit:
                lines.append(current)
                current, current_width = token, width
            else:
                current += token
                current_width += width
        lines.append(current)
    return lines


def fit_block(paragraphs: list[str], box: Box) -> tuple[float, list[str]]:
    """The largest size (½ pt steps) at which the paragraphs fit in ``box``."""
    height_pt = box.height * PT_PER_MM
    size = box.size
    while size >= box.floor:
        lines = break_lines(paragraphs, box, size)
        if lines is not None and len(lines) * size * box.line_height <= height_pt + 0.01:
            return size, lines
        size -= 0.5
    raise FitError(size)


# --------------------------------------------------------------------------
# The view-model
# --------------------------------------------------------------------------

@dataclass
class Field:
    key: str
    lines: list[str]
    box: Box
    size: float

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class Certificate:
    row: int
    number: str
    name: str
    unit: str
    title: str
    fields: list[Field]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def text(self) -> str:
        return "\n".join("\n".join(f.lines) for f in self.fields)

    def file_stem(self) -> str:
        return f"{self.number}_{self.name}" if self.number else self.name


@dataclass
class RowFailure:
    row: int
    location: Location
    name: str
    messages: list[str]

    def describe(self) -> str:
        return self.describe_with("；".join(self.messages))

    def describe_with(self, message: str) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"{self.location.describe()}{who}：{message}"


@dataclass
class CertificateBatch:
    settings: Settings
    certificates: list[Certificate]
    failures: list[RowFailure]

    def context(self, design: str | None = None, offset: tuple[float, float] | None = None) -> dict:
        """The HTML/DOCX template context for every certificate of the batch."""
        return page_context(self.settings, self.certificates, design, offset)

    def table(self) -> list[list[str]]:
        return [[c.number, c.name, c.unit, c.title] for c in self.certificates]


def _ink(lines: list[str], box: Box, size: float, line_pt: float) -> tuple[float, float, float, float]:
    """The printed extent (left, top, right, bottom in mm, before the offset) of ``lines``."""
    widest = max((metrics(box.role).width(line, size) for line in lines), default=0.0) / PT_PER_MM
    if box.align == "center":
        left = box.x + (box.width - widest) / 2
    elif box.align == "right":
        left = box.x + box.width - widest
    else:
        left = box.x
    tall = max(len(lines) * line_pt, size) / PT_PER_MM
    top = box.y + (box.height - tall) / 2
    return left, top, left + widest, top + tall


def off_page(batch: CertificateBatch, design: str | None = None) -> tuple[list[str], list[str]]:
    """Fields that leave the page after the offset: (wholly off — nothing printed,
    partly off — cut), one Chinese message per field, worst case over the batch."""
    settings = batch.settings
    width, height = settings.page
    dx, dy = settings.offset_x, settings.offset_y
    extents: dict[str, list[tuple[float, float, float, float]]] = {}
    if (design or settings.design) != "blank":
        title = settings.box("title")
        extents["title"] = [_ink(["荣誉证书"], title, title.size, title.height * PT_PER_MM)]
    for cert in batch.certificates:
        for f in cert.fields:
            if f.lines:
                line_pt = f.size * f.box.line_height if f.key == "body" else f.size
                extents.setdefault(f.key, []).append(_ink(f.lines, f.box, f.size, line_pt))
    gone, cut = [], []
    for key, boxes in extents.items():
        label = FIELD_LABELS[key]
        outside = [(l + dx >= width or r + dx <= 0 or t + dy >= height or b + dy <= 0) for l, t, r, b in boxes]
        if any(outside):
            gone.append(f"“{label}”完全在纸张之外，不会印出")
            continue
        sides = []
        for name, amount in (("左", -min(l for l, _, _, _ in boxes) - dx),
                             ("右", max(r for _, _, r, _ in boxes) + dx - width),
                             ("上", -min(t for _, t, _, _ in boxes) - dy),
                             ("下", max(b for _, _, _, b in boxes) + dy - height)):
            if amount > 0.5:
                sides.append(f"{name}边 {amount:.0f} 毫米")
        if sides:
            cut.append(f"“{label}”超出纸张{'、'.join(sides)}，会被裁掉")
    return gone, cut


def page_context(settings: Settings, certificates: list[Certificate], design: str | None = None,
                 offset: tuple[float, float] | None = None) -> dict:
    design = design or settings.design
    dx, dy = offset if offset is not None else (settings.offset_x, settings.offset_y)
    width, height = settings.page
    issuer = settings.box("issuer")
    seal = None
    if settings.seal is not None:
        size = settings.seal_size
        seal = {"uri": settings.seal.as_uri(), "size": size,
                "x": round(issuer.x + issuer.width / 2 - size / 2 + dx, 2),
                "y": round(issuer.y + issuer.height / 2 - size / 2 + dy, 2)}
    title = settings.box("title")
    pages = []
    for cert in certificates:
        pages.append({"number": cert.number, "name": cert.name, "fields": [
            {"key": f.key, "lines": f.lines, "x": round(f.box.x + dx, 2), "y": round(f.box.y + dy, 2),
             "width": f.box.width, "height": f.box.height, "size": f.size, "role": f.box.role,
             "align": f.box.align,
             "line_pt": round(f.size * f.box.line_height, 2) if f.key == "body"
             else round(f.box.height * PT_PER_MM, 2)}
            for f in cert.fields]})
    return {"design": design, "page_width": width, "page_height": height, "pages": pages, "seal": seal,
            "title_box": {"x": title.x + dx, "y": title.y + dy, "width": title.width, "height": title.height,
                          "size": title.size, "role": title.role, "line_pt": round(title.height * PT_PER_MM, 2)},
            "frame_inset": round(min(width, height) * 0.045, 1)}


def _sort_key(order: str):
    if order not in ("荣誉称号", "单位"):
        return lambda item: (item[0],)  # list order (pypinyin not loaded: ~0.5 s)
    from pypinyin import lazy_pinyin

    def key(item: tuple[int, Award]):
        index, award = item
        if order == "荣誉称号":
            return (lazy_pinyin(award.title), lazy_pinyin(award.unit), lazy_pinyin(award.name), index)
        return (lazy_pinyin(award.unit), lazy_pinyin(award.name), index)

    return key


def format_number(settings: Settings, year: int | None, sequence: int) -> str:
    seq = str(sequence).zfill(settings.number_digits) if settings.number_digits else str(sequence)
    values = {"前缀": settings.number_prefix, "年份": str(year or ""), "序号": seq}
    return re.sub(r"\{(前缀|年份|序号)\}", lambda m: values[m.group(1)], settings.number_pattern)


def build(rows, settings: Settings) -> CertificateBatch:
    """``rows``: ``AwardRow``s (sources.award_list) — bad rows become failures."""
    from ..render.fonts import missing_glyphs
    from ..sources.normalize import chinese_year_month

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
    sequences: dict[int | None, int] = {}  # numbering restarts every year
    certificates: list[Certificate] = []
    used_numbers: set[str] = set()
    for index, award in ordered:
        row = row_of[index]
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
        if award.cert_no:
            number = award.cert_no
        else:
            number_year = year or (issued_on.year if issued_on else None)
            sequence = sequences.get(number_year, settings.number_start)
            sequences[number_year] = sequence + 1
            number = format_number(settings, number_year, sequence)
        if number in used_numbers:
            messages.append(f"证书编号“{number}”与前面的证书重复")
        used_numbers.add(number)
        if messages:
            failures.append(RowFailure(row.row, row.location, award.name, messages))
            continue
        name = display_name(award.name, settings.pad_names)
        values = {"姓名": name, "单位": award.unit, "荣誉称号": _ATOM_START + award.title + _ATOM_END,
                  "年度": str(year or ""), "颁发单位": issuer}
        plain = dict(values, 荣誉称号=award.title)
        texts = {
            "greeting": fill_wording(settings.greeting, plain),
            "body": [fill_wording(settings.body, values), fill_wording(settings.closing, plain)],
            "issuer": issuer,
            "date": chinese_year_month(issued_on),
            "number": (settings.number_label + number) if number else "",
        }
        fields: list[Field] = []
        for key in ("greeting", "body", "issuer", "date", "number"):
            box = settings.box(key)
            content = texts[key]
            shown = "".join(content) if isinstance(content, list) else content
            shown = shown.replace(_ATOM_START, "").replace(_ATOM_END, "")
            missing = missing_glyphs(shown, box.role)
            if missing:
                messages.append(f"{FIELD_LABELS[key]}中的“{'、'.join(missing)}”字体中没有（生僻字），"
                                "请安装含该字的字体或改用通用字")
                continue
            try:
                if key == "body":
                    paragraphs = [p for p in content if p.strip()]
                    size, lines = fit_block(paragraphs, box)
                    lines = [line.replace(_ATOM_START, "").replace(_ATOM_END, "") for line in lines]
                else:
                    size, lines = fit_line(content, box), [content]
            except FitError:
                messages.append(f"{FIELD_LABELS[key]}太长，缩小到最小字号 {box.floor:g} 磅仍放不下"
                                f"（“{shown[:30]}”），请调大文字框或最小字号")
                continue
            fields.append(Field(key, lines, box, size))
        if messages:
            failures.append(RowFailure(row.row, row.location, award.name, messages))
            continue
        certificates.append(Certificate(row.row, number, award.name, award.unit, award.title, fields))
    failures.sort(key=lambda f: f.row)
    return CertificateBatch(settings, certificates, failures)


def calibration_context(width: float, height: float, offset_x: float = 0.0, offset_y: float = 0.0,
                        page_label: str = "") -> dict:
    """A page of mm rulers (top and left edges) and crosshairs at known points."""
    ticks = []
    for mm in range(0, int(width) + 1):
        length = 8 if mm % 10 == 0 else 5 if mm % 5 == 0 else 2.5
        ticks.append({"x1": mm, "y1": 0, "x2": mm, "y2": length})
    for mm in range(0, int(height) + 1):
        length = 8 if mm % 10 == 0 else 5 if mm % 5 == 0 else 2.5
        ticks.append({"x1": 0, "y1": mm, "x2": length, "y2": mm})
    labels = [{"x": mm, "y": 9, "text": str(mm), "axis": "x"} for mm in range(10, int(width), 10)]
    labels += [{"x": 9, "y": mm, "text": str(mm), "axis": "y"} for mm in range(10, int(height), 10)]
    margin = 30
    points = [(margin, margin), (width - margin, margin), (margin, height - margin),
              (width - margin, height - margin), (round(width / 2, 1), round(height / 2, 1))]
    crosses = [{"x": round(x + offset_x, 2), "y": round(y + offset_y, 2), "label": f"({x:g}, {y:g})"}
               for x, y in points]
    return {"page_width": width, "page_height": height, "ticks": ticks, "labels": labels, "crosses": crosses,
            "offset_x": offset_x, "offset_y": offset_y, "page_label": page_label or f"{width:g}×{height:g} 毫米"}
