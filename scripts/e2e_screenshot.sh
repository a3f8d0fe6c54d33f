#!/usr/bin/env bash
# `make e2e`: the web UI once in a real browser.
#
# Builds an index from the bundled samples, serves it with `gknlp.search.serve`
# (Datasette and gknlp's metadata) on 127.0.0.1 on a free port, takes a
# headless Chromium screenshot of the commitment search for 培训, and stops
# the server. Installs nothing: it needs /usr/bin/chromium (or $CHROMIUM) and
# the web extra (pip install -e '.[web]').
#
# Usage: scripts/e2e_screenshot.sh [OUT_DIR]   (default: build/e2e)
# Output: OUT_DIR/commitment_search.png, OUT_DIR/gk.sqlite, OUT_DIR/server.log
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
OUT="${1:-$ROOT/build/e2e}"
QUERY="${QUERY:-培训}"

if [[ ! -x "$CHROMIUM" ]]; then
    echo "e2e: no Chromium at $CHROMIUM." >&2
    echo "     Install it (Debian/Ubuntu, as root): apt-get update && apt-get install -y chromium" >&2
    echo "     or point CHROMIUM=/path/to/chrome at another build." >&2
    exit 2
fi
if ! "$PY" -c "import datasette" 2>/dev/null; then
    echo "e2e: Datasette is missing: $PY -m pip install -e '.[web]'" >&2
    exit 2
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
DB="$OUT/gk.sqlite"
PNG="$OUT/commitment_search.png"
PROFILE="$(mktemp -d)"
rm -f "$DB" "$PNG"

cd "$ROOT"
"$PY" - "$DB" <<'EOF'
import sys
from gknlp.datasette_meta import write_metadata
from gknlp.search import index_results

summary = index_results(sys.argv[1], ["corpora/samples", "corpora/heldout"])
print("e2e:", summary.format().splitlines()[0])
print("e2e: metadata written to", write_metadata(sys.argv[1]))
EOF

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
"$PY" -c "import sys; from gknlp.search import serve; serve(sys.argv[1], int(sys.argv[2]))" "$DB" "$PORT" \
    >"$OUT/server.log" 2>&1 &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -rf "$PROFILE"
}
trap cleanup EXIT

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
    if "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/-/versions.json" \
        2>/dev/null; then
        break
    fi
    if ! kill -0 "$SERVER" 2>/dev/null; then
        echo "e2e: the server stopped; see $OUT/server.log" >&2
        cat "$OUT/server.log" >&2
        exit 1
    fi
    sleep 0.2
done

URL="$BASE/gk/commitment_search?q=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$QUERY")"
echo "e2e: screenshot of $URL"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$PROFILE" --hide-scrollbars --window-size=1400,1500 \
    --screenshot="$PNG" "$URL" >"$OUT/chromium.log" 2>&1 || true

if [[ ! -s "$PNG" ]]; then
    echo "e2e: no screenshot was written; see $OUT/chromium.log" >&2
    exit 1
fi
echo "e2e: wrote $PNG"
