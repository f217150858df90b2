#!/usr/bin/env bash
# Builds the executable of another commit (the "baseline" of a before/after run) once, for bench/run.sh.
#   bench/build-baseline.sh <git ref>     e.g. bench/build-baseline.sh 66b4583
# The commit's tracked files are exported (`git archive`) into bench/work/baseline-<full sha>/ and its host is
# built exactly as the README builds ours (`dotnet build src/AgentMetrics.Host -c Release`, which also stages
# the module in out/). A folder whose build finished carries a .built stamp and is reused without building;
# a folder without one (an interrupted build) is built again from scratch.
# Prints the baseline folder on stdout (the last line); progress goes to stderr.
set -u -o pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
REF="${1:?usage: bench/build-baseline.sh <git ref>}"
SHA="$(git -C "$REPO" rev-parse --verify --quiet "$REF^{commit}")" || { echo "baseline: '$REF' is not a commit in $REPO" >&2; exit 2; }
DIR="$BENCH/work/baseline-$SHA"
DLL="$DIR/src/AgentMetrics.Host/bin/Release/net10.0/agentmetrics.dll"

if [ -f "$DIR/.built" ] && [ -f "$DLL" ]; then
  echo "baseline $REF = $SHA: built already in $DIR" >&2
  echo "$DIR"; exit 0
fi

echo "baseline $REF = $SHA: exporting and building in $DIR (once; the Release build compiles ReadyToRun, minutes)" >&2
rm -rf "$DIR"; mkdir -p "$DIR"
git -C "$REPO" archive --format=tar "$SHA" | tar -x -C "$DIR" || { echo "baseline: git archive failed" >&2; exit 1; }
if ! (cd "$DIR" && timeout 1800 dotnet build src/AgentMetrics.Host -c Release) > "$DIR/build.log" 2>&1; then
  echo "baseline: build failed, see $DIR/build.log" >&2; tail -20 "$DIR/build.log" >&2; exit 1
fi
[ -f "$DLL" ] || { echo "baseline: build left no $DLL" >&2; exit 1; }
git -C "$REPO" log -1 --format='%H %cI %s' "$SHA" > "$DIR/.built"
echo "baseline $REF = $SHA: built" >&2
echo "$DIR"
