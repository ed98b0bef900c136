"""Limits on everything a user hands the tool: file sizes, YAML aliases, workbook
rows and cells, zip packages (xlsx, docx), image pixels, and what one template
render may cost.  One place for the defaults, the way to change them and the
checks themselves, so that the CLI and the web service (uploads) refuse the
same things with the same Chinese messages.

Every limit can be changed with an environment variable ``SP_DOCS_LIMIT_<NAME>``
(e.g. ``SP_DOCS_LIMIT_YAML_MB=20``); ``sp-docs --limit 名称=值`` sets the same
for one run.  ``describe()`` lists them (docs/hardening.md has the table).
"""
from __future__ import annotations

import functools
import os
import re
import struct
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import InputError, Location, SpDocsError


@dataclass(frozen=True)
class Limits:
    yaml_mb: float = 10.0                 # size of one YAML file
    yaml_nodes: int = 2_000_000           # nodes after expanding aliases (billion laughs)
    zip_mb: float = 200.0                 # uncompressed size of an xlsx/docx package
    zip_part_mb: float = 100.0            # uncompressed size of one part (e.g. document.xml)
    zip_ratio: float = 200.0              # compression ratio (for packages over 10 MB)
    zip_entries: int = 5000               # files inside one package
    workbook_rows: int = 200_000          # rows in all sheets of one workbook
    workbook_cells: int = 5_000_000       # cells in all sheets of one workbook
    image_megapixels: float = 25.0        # pixels of one image (seal), before decoding
    render_mb: float = 20.0               # text one template render may produce (MB of characters)
    render_loops: int = 1_000_000         # range() items one template render may use
    render_seconds: float = 10.0          # wall clock of one template render
    render_memory_mb: float = 256.0       # memory one template render may add to the process


LABELS = {
    "yaml_mb": "YAML 文件大小（MB）",
    "yaml_nodes": "YAML 展开后的节点数（别名展开）",
    "zip_mb": "xlsx/docx 解压后总大小（MB）",
    "zip_part_mb": "xlsx/docx 中单个部件解压后大小（MB）",
    "zip_ratio": "xlsx/docx 压缩比（超过 10 MB 时）",
    "zip_entries": "xlsx/docx 压缩包内文件数",
    "workbook_rows": "工作簿总行数",
    "workbook_cells": "工作簿总单元格数",
    "image_megapixels": "图片像素数（百万像素）",
    "render_mb": "一次模板渲染的输出（MB 字符）",
    "render_loops": "一次模板渲染中 range() 的循环次数",
    "render_seconds": "一次模板渲染的时间（秒）",
    "render_memory_mb": "一次模板渲染可增加的内存（MB）",
}

ENV_PREFIX = "SP_DOCS_LIMIT_"


def current() -> Limits:
    """The defaults, changed by ``SP_DOCS_LIMIT_<NAME>`` environment variables."""
    values = {}
    for f in fields(Limits):
        text = os.environ.get(ENV_PREFIX + f.name.upper())
        if text is None or not text.strip():
            continue
        values[f.name] = _parse(f.name, text, f.type)
    return Limits(**values)


def _parse(name: str, text: str, kind) -> float | int:
    try:
        value = int(text) if kind in (int, "int") else float(text)
    except ValueError:
        raise SpDocsError(f"限额设置 {ENV_PREFIX}{name.upper()}={text} 不是数字") from None
    if value <= 0:
        raise SpDocsError(f"限额设置 {ENV_PREFIX}{name.upper()}={text} 应大于 0")
    return value


def set_from_option(assignment: str) -> None:
    """``名称=值`` from the command line (``--limit yaml_mb=20``): sets the variable for this run."""
    name, sep, value = assignment.partition("=")
    name = name.strip().lower()
    known = {f.name: f.type for f in fields(Limits)}
    if not sep or name not in known:
        raise SpDocsError(f"--limit 应写成“名称=值”，名称可选：{'、'.join(known)}（写的是“{assignment}”）")
    _parse(name, value, known[name])
    os.environ[ENV_PREFIX + name.upper()] = value.strip()


def describe() -> list[tuple[str, str, str]]:
    """(environment variable, meaning, value now) for each limit."""
    now = current()
    return [(ENV_PREFIX + f.name.upper(), LABELS[f.name], str(getattr(now, f.name))) for f in fields(Limits)]


class LimitExceeded(InputError):
    """An input or a render went over a limit (exit status 2, never 内部错误)."""


def refuse(what: str, label: str, name: str, value: str = "") -> LimitExceeded:
    """The refusal for ``label`` (a file) going over limit ``name``."""
    env = ENV_PREFIX + name.upper()
    limit = f"{_show(getattr(current(), name))}{UNITS.get(name, '')}"
    found = f"（{value}）" if value else ""
    return LimitExceeded(f"{what}超过上限 {limit}{found}，已拒绝处理；如确有需要，"
                         f"可用 sp-docs --limit {name}=新值 或环境变量 {env} 调高上限", Location(str(label)))


UNITS = {"yaml_mb": " MB", "zip_mb": " MB", "zip_part_mb": " MB", "zip_ratio": ":1", "zip_entries": " 个",
         "workbook_rows": " 行", "workbook_cells": " 个", "image_megapixels": " 百万像素", "render_mb": " MB",
         "render_loops": " 次", "render_seconds": " 秒", "render_memory_mb": " MB", "yaml_nodes": " 个"}


def _show(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


# -- YAML --------------------------------------------------------------------

def read_yaml_text(path: Path, encoding: str = "utf-8") -> str:
    """The text of a YAML file after the size check (raises UnicodeDecodeError as usual)."""
    path = Path(path)
    size = path.stat().st_size
    if size > current().yaml_mb * 1024 * 1024:
        raise refuse("YAML 文件大小", path, "yaml_mb", f"实际 {size / 1024 / 1024:.1f} MB")
    return path.read_bytes().decode(encoding)


def load_yaml(text: str, label: str | Path):
    """``yaml.safe_load`` that first counts the nodes aliases would expand to, so a
    "billion laughs" file is refused in milliseconds instead of filling memory."""
    import yaml

    if len(text) > current().yaml_mb * 1024 * 1024:
        raise refuse("YAML 文件大小", label, "yaml_mb", f"实际 {len(text) / 1024 / 1024:.1f} MB")
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        cap = current().yaml_nodes
        count = expanded_nodes(node, cap)
        if count > cap:
            raise refuse("YAML 展开别名（&/*）后的节点数", label, "yaml_nodes")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise yaml_problem(yaml_syntax_text(exc)) from None
    except (ValueError, TypeError, OverflowError):  # PyYAML builds dates and numbers itself
        raise yaml_problem("有无法识别的日期或数值（如 2025-13-45、2025-02-30）：日期请写成 2025-10-31 这样的"
                           "真实日期，或加引号作为文字") from None
    finally:
        loader.dispose()


def yaml_syntax_text(exc) -> str:
    """A YAML syntax error in Chinese, with its line and column (PyYAML's own text is English)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"第{mark.line + 1}行第{mark.column + 1}列附近" if mark is not None else "某处"
    return (f"{where}格式有误（常见原因：冒号后缺空格、引号或括号不成对、缩进不一致、"
            "用了 Tab 缩进）")


def yaml_problem(text: str):
    """A ``yaml.YAMLError`` whose text is Chinese (callers already catch YAMLError)."""
    return _yaml_problem_class()(text)


@functools.lru_cache(maxsize=None)
def _yaml_problem_class():
    import yaml

    return type("YamlProblem", (yaml.YAMLError,), {})


def expanded_nodes(root, cap: int) -> int:
    """How many nodes ``root`` stands for once every alias is expanded (stops past ``cap``)."""
    import yaml

    sizes: dict[int, int] = {}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        sizes[id(node)] = min(cap + 1, 1 + sum(sizes.get(id(c), 1) for c in children))
    return sizes[id(root)]


# -- zip packages (xlsx, docx) -------------------------------------------------

def check_zip(path: Path, label: str | None = None) -> None:
    """Refuse a zip bomb before a parser opens it: entry count, declared sizes of the
    whole package and of each part, and the compression ratio."""
    limits, label = current(), label or str(path)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    if len(infos) > limits.zip_entries:
        raise refuse("压缩包内文件数", label, "zip_entries", f"实际 {len(infos)} 个")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    biggest = max(infos, key=lambda info: info.file_size, default=None)
    if total > limits.zip_mb * 1024 * 1024 or (
            total > 10 * 1024 * 1024 and total / packed > limits.zip_ratio):
        raise refuse("文件解压后的大小或压缩比（疑似“压缩炸弹”）", label, "zip_mb",
                     f"声明解压后 {total // (1024 * 1024)} MB，压缩比 {total // packed}:1")
    if biggest is not None and biggest.file_size > limits.zip_part_mb * 1024 * 1024:
        raise refuse(f"压缩包中 {biggest.filename} 解压后的大小", label, "zip_part_mb",
                     f"声明 {biggest.file_size // (1024 * 1024)} MB")


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")


def count_sheet_rows(path: Path, label: str | None = None) -> tuple[int, int]:
    """(rows, cells) of every worksheet, counted in the decompressed XML without
    parsing it (no trust in ``<dimension>``); refuses past the limits at once."""
    limits, label = current(), label or str(path)
    rows = cells = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with archive.open(info) as handle:
                tail = b""
                while chunk := handle.read(1 << 20):
                    block = tail + chunk
                    end = block.rfind(b">") + 1  # a tag never spans a '>': the rest waits for more
                    rows += len(_ROW_TAG.findall(block, 0, end))
                    cells += len(_CELL_TAG.findall(block, 0, end))
                    tail = block[end:]
                    if len(tail) > 1 << 16:  # no '>' in 64 KB: not XML we count
                        tail = tail[-64:]
                    if rows > limits.workbook_rows:
                        raise refuse("工作簿的行数", label, "workbook_rows")
                    if cells > limits.workbook_cells:
                        raise refuse("工作簿的单元格数", label, "workbook_cells")
    return rows, cells


def check_table_size(sheets: dict, label: str | Path) -> None:
    """Rows and cells of sheets already read (.xls, .ods, .csv) against the workbook limits."""
    now = current()
    rows = sum(len(r) for r in sheets.values())
    cells = sum(len(row) for r in sheets.values() for row in r)
    if rows > now.workbook_rows:
        raise refuse("工作簿的行数", label, "workbook_rows", f"实际 {rows:,} 行")
    if cells > now.workbook_cells:
        raise refuse("工作簿的单元格数", label, "workbook_cells", f"实际 {cells:,} 个")


# -- images ----------------------------------------------------------------

def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG or JPEG header (nothing decoded); None if neither."""
    with open(path, "rb") as handle:
        head = handle.read(32)
        if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if head[:2] != b"\xff\xd8":
            return None
        handle.seek(2)
        while True:
            marker = handle.read(4)
            if len(marker) < 4 or marker[0] != 0xFF:
                return None
            kind, length = marker[1], struct.unpack(">H", marker[2:4])[0]
            if 0xC0 <= kind <= 0xCF and kind not in (0xC4, 0xC8, 0xCC):
                data = handle.read(5)
                height, width = struct.unpack(">HH", data[1:5])
                return width, height
            handle.seek(length - 2, 1)


def check_image(path: Path, label: str | Path, *, where: Location | None = None) -> tuple[int, int]:
    """Refuse an image whose header declares more pixels than the limit (before any
    decoding) or that is neither PNG nor JPEG; returns (width, height)."""
    path = Path(path)
    location = where or Location(str(label))
    try:
        size = image_size(path)
    except (OSError, struct.error):
        size = None
    if size is None:
        raise InputError(f"图片不是有效的 PNG 或 JPG 文件：{path}", location)
    width, height = size
    cap = current().image_megapixels * 1_000_000
    if width * height > cap:
        error = refuse(f"图片 {path.name} 的像素数（{width}×{height}）", label, "image_megapixels",
                       f"实际 {width * height / 1_000_000:.1f} 百万像素")
        raise LimitExceeded(error.problems.items[0].message, location)
    return width, height


def pillow_guard():
    """Make Pillow use our pixel limit and turn its DecompressionBombWarning into an error
    (a context manager: ``with limits.pillow_guard(): Image.open(...)``)."""
    import contextlib
    import warnings

    from PIL import Image

    @contextlib.contextmanager
    def guard():
        Image.MAX_IMAGE_PIXELS = int(current().image_megapixels * 1_000_000)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield

    return guard()


# -- progress while reading large inputs ------------------------------------

progress_hook = None  # a front end may set a callable(message); the CLI prints to stderr


def report_progress(message: str) -> None:
    if progress_hook is not None:
        progress_hook(message)
        return
    import sys

    print(message, file=sys.stderr, flush=True)
