"""Checks an uploaded file must pass before any parser touches it."""
from __future__ import annotations

import contextlib
import zipfile
import zlib
from pathlib import Path

from .. import limits
from ..errors import InputError, Location

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_xlsx(path: Path) -> list[str]:
    """Raise ``InputError`` for a file that is not a safe xlsx; return warnings."""
    where = Location(file=str(path))
    if not path.exists():
        raise InputError(f"找不到文件：{path}", where)
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是 xlsx 文件：{path}", where)
    size = path.stat().st_size
    if size == 0:
        raise InputError("文件是空的（0 字节），请重新保存或重新下载", where)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise InputError("这是旧版 .xls 文件或加密的工作簿，请在 Excel/WPS 中“另存为” .xlsx（不要设置密码）", where)
    if not zipfile.is_zipfile(path):
        raise InputError("不是有效的 xlsx 文件（可能是改了扩展名的其他文件，或文件已损坏），请在 Excel/WPS 中另存为 .xlsx", where)
    warnings: list[str] = []
    with _zip_errors(where):
        limits.check_zip(path, str(path))
        with zipfile.ZipFile(path) as archive:
            names = {info.filename for info in archive.infolist()}
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise InputError("压缩包里没有工作簿内容，不是 xlsx 文件（如是 .docx 或 .zip，请换成正确的工作簿）", where)
            if any(name.startswith("xl/externalLinks/") for name in names):
                warnings.append("工作簿含有外部链接，已忽略链接，只读取单元格中保存的值")
            bad = archive.testzip()
            if bad is not None:
                raise InputError(f"文件已损坏（{bad} 校验失败），请重新保存或重新下载", where)
            _refuse_doctype(archive, where)
        limits.count_sheet_rows(path, str(path))
    return warnings


@contextlib.contextmanager
def _zip_errors(where: Location):
    try:
        yield
    except zipfile.BadZipFile:
        raise InputError("文件已损坏（压缩包不完整），请重新保存或重新下载", where) from None
    except zlib.error:
        raise InputError("文件已损坏（压缩数据无法解压），请重新保存或重新下载", where) from None
    except (OSError, EOFError, NotImplementedError) as exc:
        raise InputError(f"文件无法读取：{exc}", where) from None


def _refuse_doctype(archive: zipfile.ZipFile, where: Location) -> None:
    """Office never writes a DTD; one in any XML part is an XXE or entity-expansion attempt."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(info) as handle:
            head = handle.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise InputError(f"文件中的 {info.filename} 含有 DTD/实体声明（Office 不会写入这些内容，"
                             "可能是 XXE 或“实体膨胀”攻击），为安全起见已拒绝读取", where)


def check_docx_template(path: Path) -> None:
    """A DOCX template passes the same package checks as a workbook before docxtpl opens it."""
    where = Location(file=str(path))
    if not zipfile.is_zipfile(path):
        raise InputError("DOCX 模板不是有效的 Word 文件（.docx），请在 Word/WPS 中另存为 .docx", where)
    with _zip_errors(where):
        limits.check_zip(path, str(path))
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise InputError("压缩包里没有 word/document.xml，不是 Word 文件（.docx）", where)
            _refuse_doctype(archive, where)


MAX_OLE_BYTES = 64 * 1024 * 1024  # an old .xls workbook of a real 双培 return is well under this


def check_ods(path: Path) -> list[str]:
    """The archive checks of ``check_xlsx`` for an OpenDocument spreadsheet (.ods)."""
    where = Location(file=str(path))
    with _zip_errors(where):
        limits.check_zip(path, str(path))
        with zipfile.ZipFile(path) as archive:
            if "content.xml" not in archive.namelist():
                raise InputError("压缩包里没有表格内容，不是 .ods 工作簿，请在 WPS/LibreOffice 中另存为 .xlsx", where)
            bad = archive.testzip()
            if bad is not None:
                raise InputError(f"文件已损坏（{bad} 校验失败），请重新保存或重新下载", where)
            _refuse_doctype(archive, where)
    return []


def check_xls(path: Path) -> list[str]:
    """An old-format (.xls, OLE compound file) workbook: size and header sanity
    before calamine parses it."""
    where = Location(file=str(path))
    size = path.stat().st_size
    if size > MAX_OLE_BYTES:
        raise InputError(f"旧版 .xls 文件过大（{size // (1024 * 1024)} MB），已拒绝读取；"
                         "请在 Excel/WPS 中另存为 .xlsx", where)
    with path.open("rb") as handle:
        header = handle.read(512)
    # OLE header: magic, byte order FFFE, sector shift 9 (512 B) or 12 (4 KB)
    if len(header) < 512 or header[:8] != OLE_MAGIC or header[28:30] != b"\xfe\xff" \
            or int.from_bytes(header[30:32], "little") not in (9, 12):
        raise InputError("无法读取：文件已损坏，或不是完整的旧版 .xls 文件或加密的工作簿；"
                         "请在 Excel/WPS 中打开（如有密码请取消）后另存为 .xlsx", where)
    return []
