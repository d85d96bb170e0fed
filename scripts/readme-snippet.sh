#!/usr/bin/env bash
# Runs the README's library snippet verbatim, as a newcomer would: the package is packed,
# installed into a fresh folder of its own, and the snippet (the first ```ts block after
# "As a library:") runs there with node as an ES module. It must print the Vercel episode
# among the recall items: what an agent writes is found by meaning straight away.
# Usage: bash scripts/readme-snippet.sh   (needs the npm registry for the dependencies)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mnemo-readme-XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "[readme-snippet] packing into $work"
(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball="$(ls "$work"/mnemo-*.tgz)"

cd "$work"
printf '{ "name": "readme-snippet", "private": true, "type": "module" }\n' >package.json
npm install --silent --no-audit --no-fund "$tarball" >/dev/null

# The snippet, verbatim.
awk '/^As a library:/ { want = 1 } want && /^```ts$/ { on = 1; next } on && /^```$/ { exit } on { print }' \
  "$root/README.md" >snippet.mjs
[ -s snippet.mjs ] || { echo "[readme-snippet] no ts block after 'As a library:' in README.md"; exit 1; }

echo "[readme-snippet] running the README snippet"
out="$(env -u MNEMO_EMBEDDER node snippet.mjs)"
printf '%s\n' "$out"
if ! grep -qE '^episode [0-9.]+ I pushed the new build to Vercel$' <<<"$out"; then
  echo "[readme-snippet] FAILED: the recall items do not include the Vercel episode"
  exit 1
fi
echo "[readme-snippet] ok: the Vercel episode is among the recall items"
