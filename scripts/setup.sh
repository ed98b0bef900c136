#!/usr/bin/env bash
# Set up sp-docs on Debian/Ubuntu: system packages (fonts, HarfBuzz subsetting,
# poppler), a virtual environment in .venv and the package itself.
#   bash scripts/setup.sh          # to use it
#   bash scripts/setup.sh --test   # also test tools (pytest, LibreOffice for round-trip tests)
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TESTS=0
[[ "${1:-}" == "--test" ]] && WITH_TESTS=1

packages=(python3-venv libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig
          fonts-noto-cjk fonts-arphic-ukai texlive-lang-chinese poppler-utils)
if [[ $WITH_TESTS == 1 ]]; then
  # chromium: the web service's browser tests (Playwright drives Debian's build);
  # postgresql: the service tests also run against a real PostgreSQL server
  packages+=(libreoffice-writer-nogui libreoffice-calc-nogui chromium postgresql)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  echo "安装系统软件包：${missing[*]}"
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
fi

# LibreOffice and WPS for Linux ask fontconfig for the official fonts a DOCX names (仿宋_GB2312,
# 方正小标宋简体, 黑体, 楷体_GB2312, 宋体 and the Windows names): this alias file maps them to the
# open fonts the PDF embeds (sp-docs fonts shows the result; --install-aliases does it per user).
ALIASES=templates/fontconfig/65-sp-docs-gongwen.conf
CONF_DIR=${SP_DOCS_FONTCONF_DIR:-/etc/fonts/conf.d}
if [[ -d $CONF_DIR ]] && ! cmp -s "$ALIASES" "$CONF_DIR/$(basename "$ALIASES")"; then
  SUDO=""; [[ $(id -u) != 0 && ! -w $CONF_DIR ]] && SUDO="sudo"
  if $SUDO install -m 644 "$ALIASES" "$CONF_DIR/"; then
    fc-cache -f >/dev/null 2>&1 || true
    echo "已安装字体别名：$CONF_DIR/$(basename "$ALIASES")"
  else
    echo "未能安装字体别名（可改用 sp-docs fonts --install-aliases 为当前用户安装）" >&2
  fi
fi

if [[ $WITH_TESTS == 1 ]] && command -v pg_lsclusters >/dev/null; then
  # The web service's tests also run against PostgreSQL: start the local server and
  # give the tests a throw-away role and database (see tests/web/conftest.py).
  read -r pg_version pg_cluster _ < <(pg_lsclusters -h | head -n1) || true
  if [[ -n "${pg_version:-}" ]]; then
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
    $SUDO pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null || true
    $SUDO runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || echo "注意：PostgreSQL 测试库未能创建，相关测试将跳过"
SELECT 'CREATE ROLE spdocs_test LOGIN PASSWORD ''spdocs_test'''
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'spdocs_test')\gexec
SELECT 'CREATE DATABASE spdocs_test OWNER spdocs_test'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'spdocs_test')\gexec
SQL
  fi
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [[ $WITH_TESTS == 1 ]]; then
  .venv/bin/python -m pip install -q -e ".[web,test]"
else
  .venv/bin/python -m pip install -q -e ".[web]"
fi
echo "sp-docs 已安装：$(.venv/bin/sp-docs --version)"
