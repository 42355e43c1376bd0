#!/usr/bin/env bash
# One entry point that installs everything, then runs a task:
#   bash scripts/run.sh serve [assistant serve options]   -> the browser chat on http://127.0.0.1:7860
#   bash scripts/run.sh test  [pytest options]            -> every test tier
#   bash scripts/run.sh setup                             -> install only
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
task="${1:-serve}"; shift || true

need_python() {
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$cand"; return; fi
  done
  echo "Python 3.11 is required" >&2; exit 1
}

setup_python() {
  if [ ! -x "$PY" ]; then
    "$(need_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed" want
  want=$(cat pyproject.toml scripts/run.sh | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  "$PY" -m pip install --quiet --upgrade pip
  # torch first, pinned: this CPU build is on the machine's disk; anything else pulls a CUDA build.
  "$PY" -m pip install --quiet "torch==2.13.0"
  "$PY" -m pip install --quiet -e ".[test]"
  echo "$want" > "$stamp"
}

setup_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

setup_node() {
  # axe-core, injected into the page by the accessibility browser test; pinned by tests/node/package-lock.json.
  if [ -f tests/node/node_modules/axe-core/axe.min.js ]; then return; fi
  if ! command -v npm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    fi
  fi
  npm ci --prefix tests/node --no-audit --no-fund --silent
}

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False TOKENIZERS_PARALLELISM=false

case "$task" in
  setup) setup_python ;;
  serve) setup_python; exec "$VENV/bin/assistant" serve "$@" ;;
  test)
    setup_python; setup_chromium; setup_node
    set +e; "$PY" -m pytest "$@"; rc=$?; set -e
    [ "$rc" = 5 ] && { echo "no tests were collected" >&2; exit 1; }
    exit "$rc" ;;
  *) echo "usage: bash scripts/run.sh {serve|test|setup} [args]" >&2; exit 2 ;;
esac
