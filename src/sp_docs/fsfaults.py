"""File-system faults in the user's words: which of their folders or files, what
went wrong, what to do.  Never the name of a hidden temporary file, never
“内部错误” — a full disk is not a bug."""
from __future__ import annotations

import errno
from pathlib import Path

from .errors import SpDocsError


class FileSystemError(SpDocsError):
    """Reading or writing a user's file failed for a reason of the file system."""

    exit_code = 1


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        try:
            if candidate.exists() or candidate.is_symlink():
                return candidate
        except OSError:
            continue
    return path


def _blocking_file(path: Path) -> Path | None:
    """The file standing where a folder of ``path`` should be, if any."""
    for candidate in (path.parent, *path.parent.parents):
        try:
            if candidate.exists():
                return candidate if not candidate.is_dir() else None
        except OSError:
            return None
    return None


def describe(exc: OSError, path: Path | str, *, writing: bool | None = True) -> str:
    """A Chinese sentence for ``exc`` met while writing (or reading; None: either) ``path``."""
    path = Path(path)
    code = exc.errno
    verb = {True: "写入", False: "读取", None: "读写"}[writing]
    blocking = _blocking_file(path) if writing else None
    if code in (errno.ENOTDIR, errno.EEXIST) or (blocking is not None and code != errno.ENAMETOOLONG):
        where = blocking or path
        return (f"无法{verb}“{path}”：“{where}”是一个文件，不是文件夹。"
                "请换一个输出文件夹名（-o），或把这个同名文件移走后重试")
    if code == errno.EISDIR:
        return f"无法{verb}“{path}”：这是一个文件夹，不是文件。请给出文件名（如 -o 汇总.xlsx）"
    if code in (errno.EACCES, errno.EPERM):
        folder = _existing_ancestor(path if not writing else path.parent)
        if writing is None:
            return (f"没有权限读写“{path}”。请确认该文件或文件夹自己有权限访问（可复制到自己的文件夹后再试），"
                    "或请管理员开放权限；如文件正在其他程序中打开，请先关闭")
        if writing:
            return (f"没有权限写入“{folder}”（要写的文件：{path.name}）。请换一个自己有写入权限的文件夹"
                    "（如“文档”或桌面），或请管理员开放该文件夹的写入权限；如文件正在 Word/WPS/Excel 中打开，请先关闭")
        return f"没有权限读取“{path}”。请把文件复制到自己的文件夹后再试，或请管理员开放读取权限"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return (f"磁盘空间不足，无法写入“{path}”（所在文件夹：{path.parent}）。"
                "请清理磁盘空间，或用 -o 换到空间充足的磁盘后重试；已写入的文件完整，未写完的文件已删除")
    if code == errno.ENAMETOOLONG:
        return (f"路径或文件名太长，无法{verb}（{len(str(path))} 个字符：{path}）。"
                "请换一个层级较浅、名称较短的输出文件夹（如 D:/输出），或缩短单位名称等用作文件名的内容")
    if code == errno.EROFS:
        return (f"“{_existing_ancestor(path.parent)}”所在的磁盘是只读的（如光盘、写保护的U盘、只读共享盘），"
                f"无法写入 {path.name}。请用 -o 换到可以写入的磁盘或文件夹")
    if code in (errno.EBUSY, getattr(errno, "ETXTBSY", -1)):
        return f"“{path}”正被其他程序占用（如已在 Word/WPS/Excel 中打开），无法{verb}。请关闭该文件后重试"
    if code == errno.ENOENT:
        return f"找不到“{path}”（或它所在的文件夹已被移走），无法{verb}。请检查路径后重试"
    if code == errno.EIO:
        return f"{verb}“{path}”时磁盘或网络盘出错。请检查 U 盘/网络连接，或换一个文件夹后重试"
    reason = exc.strerror or type(exc).__name__
    return f"无法{verb}“{path}”：{reason}。请检查该文件夹能否写入、磁盘是否已满后重试"


def fault(exc: OSError, path: Path | str, *, writing: bool | None = True) -> FileSystemError:
    error = FileSystemError(describe(exc, path, writing=writing))
    error.path = Path(path)
    return error


def from_uncaught(exc: OSError) -> FileSystemError:
    """For an ``OSError`` that reached the command layer: the user's file it names."""
    name = exc.filename or ""
    if name and Path(str(name)).name.startswith(".tmp-"):
        name = str(Path(str(name)).parent)
    return fault(exc, name or "（未知文件）", writing=None)
