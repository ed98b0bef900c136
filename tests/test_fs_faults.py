"""File-system faults (issue 13): a Chinese message naming the user's folder or
file (never the hidden temporary file) and what to do; never “内部错误”."""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from sp_docs.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "data_examples"


def _check(runner, data: Path, target: Path):
    return runner.invoke(main, ["check", str(data), "-o", str(target)])


def _assert_clean(result, *fragments):
    assert result.exit_code == 1, result.output
    assert "内部错误" not in result.output and ".tmp-" not in result.output and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output.replace("\n", ""), (fragment, result.output)


def test_output_folder_is_a_file(tmp_path, runner):
    blocker = tmp_path / "输出"
    blocker.write_text("a file where the folder should be")
    result = _check(runner, EXAMPLES / "school.xlsx", blocker / "问题.xlsx")
    _assert_clean(result, str(blocker), "是一个文件，不是文件夹", "-o")
    result = runner.invoke(main, ["ledgers", str(EXAMPLES / "school.xlsx"), "-o", str(blocker / "台账"),
                                  "--format", "docx", "--jobs", "1"])
    _assert_clean(result, str(blocker), "是一个文件，不是文件夹")


def test_path_too_long(tmp_path, runner):
    target = tmp_path / ("很长的文件夹名" * 40) / "问题.xlsx"
    result = _check(runner, EXAMPLES / "school.xlsx", target)
    _assert_clean(result, "路径或文件名太长", "层级较浅")


@pytest.mark.parametrize("code, fragments", [
    (errno.EACCES, ("没有权限写入", "有写入权限的文件夹")),
    (errno.ENOSPC, ("磁盘空间不足", "清理磁盘空间")),
    (errno.EROFS, ("只读", "可以写入的磁盘")),
])
def test_write_faults_name_the_users_folder(tmp_path, runner, monkeypatch, code, fragments):
    folder = tmp_path / "输出"
    folder.mkdir()
    real = tempfile.mkstemp

    def failing(*args, **kwargs):  # what the kernel answers in an unwritable folder / on a full disk
        if kwargs.get("dir") and Path(kwargs["dir"]) == folder:
            raise OSError(code, os.strerror(code), str(folder / ".tmp-abc123.xlsx"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", failing)
    result = _check(runner, EXAMPLES / "school.xlsx", folder / "问题.xlsx")
    _assert_clean(result, str(folder), *fragments)
    assert not list(folder.iterdir())


def test_disk_full_while_writing_leaves_no_temp_file(tmp_path, runner, monkeypatch):
    folder = tmp_path / "输出"
    real = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = _check(runner, EXAMPLES / "school.xlsx", folder / "问题.xlsx")
    monkeypatch.setattr(os, "fsync", real)
    _assert_clean(result, "磁盘空间不足", str(folder / "问题.xlsx"))
    assert not list(folder.iterdir())  # the half-written temporary file is gone


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_real_read_only_folder(tmp_path, runner):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = _check(runner, EXAMPLES / "school.xlsx", folder / "问题.xlsx")
    finally:
        folder.chmod(0o700)
    _assert_clean(result, str(folder), "没有权限写入")


def test_unreadable_input_is_not_an_internal_error(tmp_path, runner, monkeypatch):
    data = tmp_path / "s.xlsx"
    shutil.copy(EXAMPLES / "school.xlsx", data)
    import sp_docs.sources.workbooks as workbooks

    def denied(path, prefer=()):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(workbooks, "read_sheet_values", denied)
    result = runner.invoke(main, ["annex", "2", str(data), "--unit", "青川市第一中学", "-o", str(tmp_path / "o")])
    assert "内部错误" not in result.output and "s.xlsx" in result.output and "没有权限读取" in result.output
    assert result.exit_code != 0
