"""``sp-docs serve`` (the web service) and ``sp-docs accounts`` (its accounts from a script)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_zh import ZhCommand
from .common import CONTEXT_SETTINGS, SpDocsGroup, console

data_option = click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
                           help="服务的数据文件夹（数据库和文件都在其中；首次启动时自动创建）")
database_option = click.option("--database", "database_url", metavar="URL",
                               help="数据库地址，默认为数据文件夹中的 SQLite；如 postgresql://用户:密码@主机/库名")


def _services(data_dir: Path, database_url: str | None):
    from ..web.app import Services
    from ..web.config import Settings
    from ..web.runner import InlineRunner

    return Services(Settings(data_dir, database_url), runner=InlineRunner, recover=False)  # the service may be running


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise click.UsageError("没有终端可输入密码：请加 --password-stdin 并从标准输入提供密码")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


@click.command("serve", cls=ZhCommand, context_settings=CONTEXT_SETTINGS)
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（局域网访问用 0.0.0.0）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@database_option
@click.option("--demo", is_flag=True, help="载入示例城市（单位、数据、每个单位一个账号和管理员），密码只显示一次")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="生成任务的工作进程数，即同时运行的任务数（其余排队）；每个约占 150–300 MB 内存，忙时占一个 CPU 核")
@click.option("--job-minutes", default=60, show_default=True, type=click.IntRange(0, 24 * 60),
              help="一个生成任务最长运行的分钟数，超过即停止（0 为不限）")
@click.option("--job-memory", default=2048, show_default=True, type=click.IntRange(0, 1 << 20), metavar="MB",
              help="每个工作进程可用的内存（地址空间，MB；0 为不限）")
@click.option("--trusted-proxy", "trusted", multiple=True, metavar="IP",
              help="反向代理（如 nginx）的地址；只信任它发来的 X-Forwarded-Proto/For（可多次给出）")
@click.option("--check-process/--no-check-process", default=True, show_default=True,
              help="在单独的进程中检查上传的工作簿（许多单位同时上传时网页不受检查拖累；约多占 60 MB 内存）")
def serve(data_dir, host, port, database_url, demo, workers, job_minutes, job_memory, trusted, check_process):
    """启动网页服务：各单位在浏览器中上传数据、检查、填写问卷、生成文档。

    \b
    例：sp-docs serve --data /srv/sp-docs --host 0.0.0.0 --port 8000
    第一个管理员：sp-docs accounts add --data /srv/sp-docs --username admin --admin
    备份：停止服务后复制整个数据文件夹。
    """
    import uvicorn

    from ..web.app import create_app
    from ..web.config import Settings

    if 0 < job_memory < 512:
        raise click.UsageError("--job-memory 至少为 512（MB；0 为不限）：生成 PDF 的库需要这么多地址空间")
    settings = Settings(data_dir, database_url, trusted_proxies=list(trusted), workers=workers,
                        job_seconds=job_minutes * 60, job_memory_mb=job_memory, check_process=check_process)
    app = create_app(settings)
    if demo:
        _load_demo(app)
    console.print(f"服务已启动：http://{host}:{port}/  （数据文件夹 {settings.data_dir}；按 Ctrl+C 停止）")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=bool(trusted),
                forwarded_allow_ips=",".join(trusted) if trusted else None)

@click.group("accounts", cls=SpDocsGroup, context_settings=CONTEXT_SETTINGS)
def accounts():
    """网页服务的账号：新建、列出、重置密码、API 令牌。"""

@accounts.command("add")
@data_option
@database_option
@click.option("--username", required=True, help="用户名")
@click.option("--admin", is_flag=True, help="管理员账号")
@click.option("--unit", "unit_name", help="所属单位名称（第一次出现的单位自动新建）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（第一行）")
def add(data_dir, database_url, username, admin, unit_name, password_stdin):
    """新建账号：--admin 为管理员，--unit 单位名称 为单位账号（二者选一）。"""
    from ..web.accounts import add_account

    if admin == bool(unit_name):
        raise click.UsageError("请在 --admin 和 --unit 单位名称 中选且只选一个")
    password = _read_password(password_stdin)
    services = _services(data_dir, database_url)
    try:
        with services.db.session() as db:
            account = add_account(db, username, password, admin=admin, unit_name=unit_name)
            what = "管理员" if admin else f"单位“{account.unit.name}”"
    finally:
        services.close()
    console.print(f"已创建账号“{username}”（{what}）。")

@accounts.command("list")
@data_option
@database_option
def list_command(data_dir, database_url):
    """列出全部账号。"""
    from ..web.accounts import list_accounts

    services = _services(data_dir, database_url)
    try:
        with services.db.session() as db:
            rows = [(a.username, "管理员" if a.is_admin else "单位账号", a.unit.name if a.unit else "",
                     a.unit.parent.name if a.unit and a.unit.parent else "") for a in list_accounts(db)]
    finally:
        services.close()
    if not rows:
        console.print("还没有账号。新建管理员：sp-docs accounts add --data 文件夹 --username admin --admin")
    for username, kind, unit, parent in rows:
        click.echo(f"{username}\t{kind}\t{unit}\t{parent}".rstrip("\t"))

@accounts.command("reset-password")
@data_option
@database_option
@click.option("--username", required=True, help="用户名")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（第一行）")
def reset(data_dir, database_url, username, password_stdin):
    """重置账号的密码（该账号在各处的登录同时失效）。"""
    from ..web.accounts import reset_password

    password = _read_password(password_stdin)
    services = _services(data_dir, database_url)
    try:
        with services.db.session() as db:
            reset_password(db, username, password)
    finally:
        services.close()
    console.print(f"已重置“{username}”的密码。")

@accounts.command("token")
@data_option
@database_option
@click.option("--username", required=True, help="用户名")
def token(data_dir, database_url, username):
    """为账号创建 API 令牌（只显示这一次；旧令牌同时失效）。"""
    from sqlalchemy import select

    from ..web.accounts import AccountError
    from ..web.auth import audit, create_api_token
    from ..web.models import Account

    services = _services(data_dir, database_url)
    try:
        with services.db.session() as db:
            account = db.scalar(select(Account).where(Account.username == username))
            if account is None:
                raise AccountError(f"没有用户名为“{username}”的账号（accounts list 可列出全部账号）")
            secret = create_api_token(db, account)
            audit(db, account, "创建API令牌", "命令行")
    finally:
        services.close()
    console.print(f"已为“{username}”创建 API 令牌（只显示这一次，请立即保存；旧令牌已失效）：")
    click.echo(secret)


def _load_demo(app) -> None:
    from ..web.demo import load_demo

    created = load_demo(app.state.services)
    if created:
        console.print("[bold]示例账号（密码只显示这一次，请记下）：[/bold]")
        for username, unit, password in created:
            console.print(f"  用户名 {username}  密码 {password}  {unit}", soft_wrap=True)
    else:
        console.print("示例数据已在之前载入；密码只在第一次显示，忘记时用 sp-docs accounts reset-password 重置。")


def register(main) -> None:
    main.add_command(serve)
    main.add_command(accounts)
