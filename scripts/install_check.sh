#!/usr/bin/env bash
# Build the wheel, install it (not editable) into a fresh virtualenv outside the
# repository, and extract a sample there: proves the wheel carries rules/ and models/.
set -euo pipefail
sample=$(realpath "${1:-corpora/samples/qinghe_2021_gb18030.txt}")
repo=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" --disable-pip-version-check -q install "$repo"
cd "$tmp"
"$tmp/venv/bin/gknlp" extract "$sample" --format json > out.json
"$tmp/venv/bin/python" - <<'PY'
import json
from gknlp.resources import rules_dir, models_dir
assert "site-packages" in str(rules_dir()), rules_dir()
assert any(rules_dir().glob("*.toml")), "no rule files in the installed package"
report = json.load(open("out.json", encoding="utf-8"))
assert report["schema"] == "gknlp.report/1" and report["sections"], "extraction found no sections"
print(f"install check: ok ({len(report['sections'])} sections, rules from {rules_dir()})")
PY
