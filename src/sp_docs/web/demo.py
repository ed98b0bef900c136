"""``serve --demo``: the example city (data_examples/city.xlsx) as a running
service — its units, one account per unit and an admin, each unit's current
data set to the example workbook."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..errors import SpDocsError

EXAMPLES = Path(__file__).resolve().parents[3] / "data_examples"


def load_demo(services) -> list[tuple[str, str, str]]:
    """Create the demo units and accounts once; returns (username, unit, password) of
    the accounts created now (empty when the demo was loaded before)."""
    from ..jobs import load_valid
    from .accounts import add_account, get_or_create_unit, new_password
    from .models import Account, Upload

    workbook = EXAMPLES / "city.xlsx"
    if not workbook.is_file():
        raise SpDocsError("找不到示例数据 data_examples/city.xlsx：--demo 需要在 sp-docs 源码目录中安装运行"
                          "（bash scripts/setup.sh 之后）")
    data, problems = load_valid(workbook)
    created = []
    with services.db.session() as db:
        if db.scalar(select(Account).where(Account.username == "admin")) is None:
            password = new_password()
            add_account(db, "admin", password, admin=True)
            created.append(("admin", "（管理员）", password))
        stored = None
        for unit in data.units:
            row = get_or_create_unit(db, unit.name, unit.parent or None)
            if db.scalar(select(Account).where(Account.unit_id == row.id)) is not None:
                continue
            password = new_password()
            account = add_account(db, unit.name[:64], password, unit_name=unit.name)
            stored = stored or services.store.save_bytes(workbook.read_bytes(), "xlsx")
            db.add(Upload(unit_id=row.id, account_id=account.id, original_name="city.xlsx", stored_name=stored,
                          size=workbook.stat().st_size, valid=True, errors=0, warnings=len(problems.warnings),
                          problems="[]", summary=f"示例数据：单位 {len(data.units)} 个，双培对象 {len(data.trainees)} 人"))
            created.append((unit.name[:64], unit.name, password))
    return created
