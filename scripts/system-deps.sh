#!/usr/bin/env bash
# System packages the tests need: a real browser (Debian Chromium), CJK fonts for PDFs and
# screenshots, and poppler to read PDFs back. Installs them on Debian as root; elsewhere says what to do.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装测试所需系统软件包：${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
else
  echo "缺少测试所需系统软件包：${missing[*]}" >&2
  echo "请以 root 身份安装，例如 Debian/Ubuntu：sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
