#!/usr/bin/env bash
# AgentMetrics vs ccusage benchmark. One command:   bench/run.sh [SIZE_MB ...]   (default: 100)
#   e.g. bench/run.sh 100        bench/run.sh 100 1000
# Environment knobs:
#   REPS=3                 runs per measurement (median reported)
#   CMD_TIMEOUT=900        seconds per single command
#   BENCH_MAX_SECONDS=5400 whole-run budget; later steps are skipped when exceeded
#   AGENTMETRICS_DLL=...   our host (default: this checkout's executable built as the README builds it)
#   SEED=1                 generator seed
#   END_DATE=YYYY-MM-DD    the corpus's last day (default: yesterday, UTC, so that -Since 7d finds a week of history)
#   AM_CLAUDE_ONLY=1       import only <corpus>/.claude (builds without the Codex reader)
#   BASELINE_REF=<ref>     before/after: also time the executable (and staged module) of <ref>, built once into
#                          bench/work/baseline-<sha>/ by bench/build-baseline.sh, alternating with this checkout
#   BASELINE_DIR=<folder>  the same with a baseline built already (a folder build-baseline.sh made, or any
#                          checkout built with `dotnet build src/AgentMetrics.Host -c Release`)
# Results: bench/results/<timestamp>.md and .json (git-ignored); scratch: bench/work/ (git-ignored).
set -u -o pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
WORK="$BENCH/work"
RESULTS="$BENCH/results"
mkdir -p "$WORK" "$RESULTS"
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(100)
REPS="${REPS:-3}"
CMD_TIMEOUT="${CMD_TIMEOUT:-900}"
BENCH_MAX_SECONDS="${BENCH_MAX_SECONDS:-5400}"
SEED="${SEED:-1}"
END_DATE="${END_DATE:-$(date -u -d yesterday +%F)}"
AM_DLL="${AGENTMETRICS_DLL:-}"
TS="$(date -u +%Y%m%dT%H%M%SZ)"
MEAS="$WORK/measure-$TS.jsonl"
LOG="$WORK/run-$TS.log"
DEADLINE=$(( $(date +%s) + BENCH_MAX_SECONDS ))
PY=python3
: > "$MEAS"

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }
time_left() { [ "$(date +%s)" -lt "$DEADLINE" ]; }

# ---------------------------------------------------------------- prerequisites
if [ ! -x /usr/bin/time ]; then
  log "installing GNU time"
  (apt-get update -qq && apt-get install -y -qq time) >>"$LOG" 2>&1 || { log "need /usr/bin/time"; exit 1; }
fi

PEER_DIR="$WORK/peer"
PEER_BIN="$PEER_DIR/node_modules/@ccusage/ccusage-linux-x64/bin/ccusage"
if [ ! -f "$PEER_BIN" ]; then
  log "installing ccusage into $PEER_DIR"
  mkdir -p "$PEER_DIR"
  # The launcher (ccusage@20.0.26, src/cli.js) resolves its platform binary with
  # require.resolve('@ccusage/ccusage-linux-x64/bin/ccusage'); 20.0.26 of that package is not served,
  # so we install 20.0.24 at top level, where require.resolve finds it.
  (cd "$PEER_DIR" && timeout 600 npm install --no-audit --no-fund --loglevel=error \
      ccusage@20.0.26 @ccusage/ccusage-linux-x64@20.0.24) >>"$LOG" 2>&1 || { log "npm install failed (see $LOG)"; exit 1; }
fi
chmod +x "$PEER_BIN" 2>/dev/null
PEER_LAUNCHER="$PEER_DIR/node_modules/ccusage/src/cli.js"
PEER_VERSION="$(node "$PEER_LAUNCHER" --version 2>/dev/null | tail -1)"
log "peer: $PEER_VERSION (launcher ccusage@20.0.26 -> native $PEER_BIN); timing the native binary directly"

# Our executable exactly as the README delivers it: `dotnet build -c Release` (what `dotnet run` runs), which
# compiles it ReadyToRun for this machine. AGENTMETRICS_DLL=<path> times another build (`dotnet <dll>`).
if [ -z "$AM_DLL" ]; then
  log "building agentmetrics as the README does (dotnet build -c Release)"
  timeout 1800 dotnet build "$REPO/src/AgentMetrics.Host" -c Release >>"$LOG" 2>&1 || { log "build failed (see $LOG)"; exit 1; }
  AM_DLL="$REPO/src/AgentMetrics.Host/bin/Release/net10.0/agentmetrics.dll"
  AM=("$REPO/src/AgentMetrics.Host/bin/Release/net10.0/agentmetrics")
else
  AM=(dotnet "$AM_DLL")
fi

# pwsh as a scheduled job runs it: the pinned pwsh tool (`dotnet tool restore`), -NoProfile, the module found by
# name on PSModulePath in the staged folder the build wrote (what Install-Module lays down).
(cd "$REPO" && timeout 600 dotnet tool restore) >>"$LOG" 2>&1 || log "dotnet tool restore failed (see $LOG)"
PWSH_VERSION="$($PY -c "import json;print(json.load(open('$REPO/.config/dotnet-tools.json'))['tools']['powershell']['version'])")"
PWSH_DLL="${NUGET_PACKAGES:-$HOME/.nuget/packages}/powershell/$PWSH_VERSION/tools/net10.0/any/unix/pwsh.dll"
PS_MODULES="$REPO/out"
PWSH_STATE=missing; [ -f "$PWSH_DLL" ] && [ -f "$PS_MODULES/AgentMetrics/"*/AgentMetrics.psd1 ] && PWSH_STATE=ok
log "pwsh: $PWSH_DLL, module from $PS_MODULES -> $PWSH_STATE"

OURS_STATE="missing"
if [ -f "$AM_DLL" ]; then
  if timeout 120 env AGENTMETRICS_HOME="$WORK/probe" "${AM[@]}" -Command \
      "if (Get-Command Import-AgentHistory -ErrorAction SilentlyContinue) { 'HAVE-IMPORT' }" 2>>"$LOG" | grep -q HAVE-IMPORT; then
    OURS_STATE="ok"
  else
    OURS_STATE="no-cmdlets"
  fi
fi
log "agentmetrics: $AM_DLL -> $OURS_STATE"

# Before/after: a second build of ours, the baseline, timed beside this checkout's in the same run. Its folder has
# a checkout's layout (the executable under src/AgentMetrics.Host/bin/Release/net10.0, the staged module in out/).
BASE_DIR="" BASE_STATE="off" BASE_PWSH_STATE="off" BASE_NAME="" BASE_AM=() BASE_MODULES=""
if [ -n "${BASELINE_DIR:-}" ]; then
  BASE_DIR="$(cd "$BASELINE_DIR" 2>/dev/null && pwd)" || { log "BASELINE_DIR $BASELINE_DIR: no such folder"; exit 1; }
elif [ -n "${BASELINE_REF:-}" ]; then
  log "baseline: $BASELINE_REF (bench/build-baseline.sh; built once per commit, then reused)"
  BASE_DIR="$("$BENCH/build-baseline.sh" "$BASELINE_REF" 2>>"$LOG" | tail -1)"
  [ -n "$BASE_DIR" ] && [ -d "$BASE_DIR" ] || { log "baseline $BASELINE_REF could not be built (see $LOG)"; exit 1; }
fi
if [ -n "$BASE_DIR" ]; then
  BASE_AM=("$BASE_DIR/src/AgentMetrics.Host/bin/Release/net10.0/agentmetrics")
  BASE_MODULES="$BASE_DIR/out"
  BASE_NAME="$(cut -c1-12 "$BASE_DIR/.built" 2>/dev/null || git -C "$BASE_DIR" rev-parse --short=12 HEAD 2>/dev/null || basename "$BASE_DIR")"
  BASE_STATE="missing"
  if [ -x "${BASE_AM[0]}" ]; then
    if timeout 120 env AGENTMETRICS_HOME="$WORK/probe-base" "${BASE_AM[@]}" -Command \
        "if (Get-Command Import-AgentHistory -ErrorAction SilentlyContinue) { 'HAVE-IMPORT' }" 2>>"$LOG" | grep -q HAVE-IMPORT; then
      BASE_STATE="ok"
    else
      BASE_STATE="no-cmdlets"
    fi
  fi
  BASE_PWSH_STATE=missing; [ -f "$PWSH_DLL" ] && [ -f "$BASE_MODULES/AgentMetrics/"*/AgentMetrics.psd1 ] && BASE_PWSH_STATE=ok
  log "baseline $BASE_NAME: ${BASE_AM[0]} -> $BASE_STATE; module from $BASE_MODULES -> $BASE_PWSH_STATE"
  [ "$BASE_STATE" = ok ] || { log "the baseline's executable does not run (see $LOG)"; exit 1; }
fi

# ---------------------------------------------------------------- measurement primitives
# record TOOL SCENARIO SIZE TIMEFILE [extra-json]
record() {
  local tool="$1" sc="$2" size="$3" tf="$4" extra="${5:-}"
  read -r wall rss st < <($PY "$BENCH/benchlib.py" time "$tf")
  local ok=true; [ "$st" = "0" ] || ok=false
  echo "{\"tool\":\"$tool\",\"scenario\":\"$sc\",\"size\":\"$size\",\"wall_s\":$wall,\"rss_mb\":$rss,\"exit\":$st,\"ok\":$ok${extra:+,$extra}}" >> "$MEAS"
  log "$tool $sc ${size}MB: wall ${wall}s rss ${rss}MB exit $st"
}
pending() { echo "{\"tool\":\"agentmetrics\",\"scenario\":\"$1\",\"size\":\"$2\",\"pending\":true,\"ok\":false,\"state\":\"$OURS_STATE\"}" >> "$MEAS"; }

# timed OUTFILE -- command...   (GNU time -v, per-command timeout)
timed() {
  local out="$1"; shift
  local tf="$out.time"
  timeout "$CMD_TIMEOUT" /usr/bin/time -v -o "$tf" "$@" > "$out" 2>"$out.err"
  local rc=$?
  [ $rc -eq 124 ] && echo "Exit status: 124" >> "$tf"
  echo "$tf"
}

ps_script() {  # ps_script TEMPLATE CORPUS WAREHOUSE
  local s="$1" p="'$2/.claude','$2/.codex'"
  [ "${AM_CLAUDE_ONLY:-0}" = 1 ] && p="'$2/.claude'"   # for builds that do not read Codex yet
  s="${s//@P@/$p}"; s="${s//@C@/$2}"; s="${s//@W@/$3}"; printf '%s' "$s"
}
COLD_T='Import-AgentHistory -Path @P@ -Warehouse '"'"'@W@'"'"' | Out-Null; Get-AgentCost -By Day -Utc -Warehouse '"'"'@W@'"'"''
TOTALS_T='Get-AgentCost -By Day,Model -Utc -Warehouse '"'"'@W@'"'"' | ForEach-Object { "$($_.Date.ToString('"'"'yyyy-MM-dd'"'"'))`t$($_.Model)`t$($_.InputTokens)`t$($_.OutputTokens)`t$($_.CacheWriteTokens)`t$($_.CacheReadTokens)" }'
QUERY_T='$w='"'"'@W@'"'"'
function Measure-Q([scriptblock]$q) { & $q | Out-Null; [long[]]$r = foreach ($i in 1..3) { $sw=[Diagnostics.Stopwatch]::StartNew(); & $q | Out-Null; $sw.ElapsedMilliseconds }; [array]::Sort($r); $r[1] }
"QUERY-COST`t$(Measure-Q { Get-AgentCost -By Day,Model -Warehouse $w })"
"QUERY-SESSION`t$(Measure-Q { Get-AgentSession -Since 7d -Warehouse $w })"'

# ---------------------------------------------------------------- the builds of ours
# use_build cur|base: points the B_* variables at this checkout's build or at the baseline, so that one step
# function times either; each build keeps warehouses of its own (am-<size>/ and am-base-<size>/).
use_build() {
  if [ "$1" = base ]; then
    B_PFX="base-"; B_TOOL=baseline; B_PTOOL=baseline-pwsh-command; B_STOOL=baseline-pwsh-session
    B_STATE="$BASE_STATE"; B_PWSH_STATE="$BASE_PWSH_STATE"; B_AM=("${BASE_AM[@]}"); B_MODULES="$BASE_MODULES"
    B_S="$WORK/am-base-${SIZE:-0}"; B_S2="$WORK/am-base-pwsh-${SIZE:-0}"; B_PROBE="$WORK/probe-base"
  else
    B_PFX=""; B_TOOL=agentmetrics; B_PTOOL=pwsh-command; B_STOOL=pwsh-session
    B_STATE="$OURS_STATE"; B_PWSH_STATE="$PWSH_STATE"; B_AM=("${AM[@]}"); B_MODULES="$PS_MODULES"
    B_S="$WORK/am-${SIZE:-0}"; B_S2="$WORK/am-pwsh-${SIZE:-0}"; B_PROBE="$WORK/probe"
  fi
  B_W="$B_S/warehouse.db"; B_W2="$B_S2/warehouse.db"
  # commands are arrays (not functions) so that timeout and /usr/bin/time can exec them
  B_OURS=(env AGENTMETRICS_HOME="$B_S" HOME="${C:-}" "${B_AM[@]}" -Command)
  B_PWSH=(env AGENTMETRICS_HOME="$B_S" HOME="${C:-}" PSModulePath="$B_MODULES" POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off dotnet "$PWSH_DLL" -NoProfile -Command)
}
# both REP STEP: STEP for this checkout's build and, with a baseline, for the baseline too. Within a rep the two
# run back to back, the baseline first in odd reps and second in even ones, so that neither always goes first
# (after the generator, after the other's writes); the peer's run follows them.
both() {
  local rep="$1" step="$2"
  if [ -z "$BASE_DIR" ]; then use_build cur; "$step"; return; fi
  if (( rep % 2 )); then use_build base; "$step"; use_build cur; "$step"
  else use_build cur; "$step"; use_build base; "$step"; fi
}

# ---------------------------------------------------------------- start-up (no corpus)
# Ours: process + PowerShell engine + module import; peer: its binary answering --version.
startup_step() {
  [ "$B_STATE" = ok ] || return 0
  tf=$(timed "$WORK/startup-${B_PFX}ours-$i.out" env AGENTMETRICS_HOME="$B_PROBE" "${B_AM[@]}" -Command 'Get-Module AgentMetrics | Out-Null')
  record "$B_TOOL" startup 0 "$tf"
  if [ "$B_PWSH_STATE" = ok ]; then
    tf=$(timed "$WORK/startup-${B_PFX}pwsh-$i.out" env AGENTMETRICS_HOME="$B_PROBE" PSModulePath="$B_MODULES" POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off \
        dotnet "$PWSH_DLL" -NoProfile -Command 'Import-Module AgentMetrics')
    record "$B_PTOOL" startup 0 "$tf"
  fi
}
if [ "$OURS_STATE" = ok ]; then
  for i in $(seq "$REPS"); do
    both "$i" startup_step
    tf=$(timed "$WORK/startup-peer-$i.out" "$PEER_BIN" --version)
    record ccusage startup 0 "$tf"
  done
fi

# ---------------------------------------------------------------- steps per size
cold_step() {    # a fresh warehouse every rep
  [ "$B_STATE" = ok ] || return 0
  rm -rf "$B_S"; mkdir -p "$B_S"
  tf=$(timed "$D/${B_PFX}am-cold-$i.out" "${B_OURS[@]}" "$(ps_script "$COLD_T" "$C" "$B_W")"); record "$B_TOOL" cold "$SIZE" "$tf"
}
warm_step() {    # the same again over the warehouse the last cold run left
  [ "$B_STATE" = ok ] || return 0
  tf=$(timed "$D/${B_PFX}am-warm-$i.out" "${B_OURS[@]}" "$(ps_script "$COLD_T" "$C" "$B_W")"); record "$B_TOOL" warm "$SIZE" "$tf"
  if [ "$B_PWSH_STATE" = ok ]; then
    tf=$(timed "$D/${B_PFX}pwsh-warm-$i.out" "${B_PWSH[@]}" "$(ps_script "$COLD_T" "$C" "$B_W")"); record "$B_PTOOL" warm "$SIZE" "$tf"
  fi
}
# A pwsh session with the module imported: Import-Module, then the same command typed again and again
# (in-process Stopwatch: the first run pays our code's JIT, the later ones are what a session feels).
SESSION_T='$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module AgentMetrics; "SESSION`tstartup`t$($sw.Elapsed.TotalSeconds)"
foreach ($i in 0..'"$REPS"') { $sw.Restart(); Import-AgentHistory -Path @P@ -Warehouse '"'"'@W@'"'"' | Out-Null; Get-AgentCost -By Day -Utc -Warehouse '"'"'@W@'"'"' | Out-String | Out-Null; "SESSION`t$(if ($i) { '"'"'warm'"'"' } else { '"'"'warm-1st'"'"' })`t$($sw.Elapsed.TotalSeconds)" }'
session_step() {
  [ "$B_STATE" = ok ] && [ "$B_PWSH_STATE" = ok ] || return 0
  local out="$D/${B_PFX}pwsh-session-$i.out"
  timeout "$CMD_TIMEOUT" "${B_PWSH[@]}" "$(ps_script "$SESSION_T" "$C" "$B_W")" > "$out" 2>"${out%.out}.err"
  awk -F'\t' -v size="$SIZE" -v tool="$B_STOOL" '/^SESSION\t/{ sz = ($2 == "startup") ? 0 : size; printf "{\"tool\":\"%s\",\"scenario\":\"%s\",\"size\":\"%s\",\"wall_s\":%s,\"ok\":true}\n", tool, $2, sz, $3 }' "$out" >> "$MEAS"
  log "$B_STOOL: $(tr '\n' ' ' < "$out")"
}
keep_pwsh_warehouse() {   # pwsh -Command appends to a warehouse of its own, a copy of the warm one
  [ "$B_STATE" = ok ] || return 0
  rm -rf "$B_S2"; cp -r "$B_S" "$B_S2"
}
query_step() {   # in-process Stopwatch, one warm-up then the median of 3 per query
  [ "$B_STATE" = ok ] || return 0
  tf=$(timed "$D/${B_PFX}am-query-$i.out" "${B_OURS[@]}" "$(ps_script "$QUERY_T" "$C" "$B_W")")
  local qc qs
  qc=$(awk -F'\t' '/^QUERY-COST/{print $2}' "$D/${B_PFX}am-query-$i.out"); qs=$(awk -F'\t' '/^QUERY-SESSION/{print $2}' "$D/${B_PFX}am-query-$i.out")
  echo "{\"tool\":\"$B_TOOL\",\"scenario\":\"query-cost\",\"size\":\"$SIZE\",\"ms\":${qc:-null},\"ok\":$([ -n "$qc" ] && echo true || echo false)}" >> "$MEAS"
  echo "{\"tool\":\"$B_TOOL\",\"scenario\":\"query-session\",\"size\":\"$SIZE\",\"ms\":${qs:-null},\"ok\":$([ -n "$qs" ] && echo true || echo false)}" >> "$MEAS"
  log "$B_TOOL query: Get-AgentCost -By Day,Model ${qc:-?} ms; Get-AgentSession -Since 7d ${qs:-?} ms"
}
append_step() {
  [ "$B_STATE" = ok ] || return 0
  tf=$(timed "$D/${B_PFX}am-append-$i.out" "${B_OURS[@]}" "$(ps_script "$COLD_T" "$C" "$B_W")"); record "$B_TOOL" append "$SIZE" "$tf"
  if [ "$B_PWSH_STATE" = ok ]; then
    tf=$(timed "$D/${B_PFX}pwsh-append-$i.out" "${B_PWSH[@]}" "$(ps_script "$COLD_T" "$C" "$B_W2")"); record "$B_PTOOL" append "$SIZE" "$tf"
  fi
}

# ---------------------------------------------------------------- per size
for SIZE in "${SIZES[@]}"; do
  time_left || { log "time budget exhausted; skipping size $SIZE"; break; }
  C="$WORK/corpus-$SIZE"
  S="$WORK/am-$SIZE"; W="$S/warehouse.db"
  PEER=(env -i PATH="/usr/bin:/bin" HOME="$C" CLAUDE_CONFIG_DIR="$C/.claude" CODEX_HOME="$C/.codex" TZ=UTC "$PEER_BIN")
  OURS=(env AGENTMETRICS_HOME="$S" HOME="$C" "${AM[@]}" -Command)
  D="$WORK/out-$SIZE"; rm -rf "$D"; mkdir -p "$D"
  rm -rf "$C"
  log "generating ${SIZE} MB corpus in $C (seed $SEED, ending $END_DATE)"
  tf=$(timed "$D/gen.out" $PY "$BENCH/gen_agent_home.py" --out "$C" --size-mb "$SIZE" --seed "$SEED" --end-date "$END_DATE")
  MB=$($PY -c "import json;f=json.load(open('$C/truth.json'))['files'];print(round((f['claude']['bytes']+f['codex']['bytes'])/1048576,1))")
  read -r gw _ _ < <($PY "$BENCH/benchlib.py" time "$tf")
  record generator gen "$SIZE" "$tf" "\"corpus_mb\":$MB,\"mb_s\":$($PY -c "print(round($MB/max($gw,0.001),1))")"

  # warm the page cache for both tools
  timeout "$CMD_TIMEOUT" "${PEER[@]}" daily --json --offline -z UTC > /dev/null 2>&1

  # The tools' runs alternate, so that a slow minute on this shared machine falls on all of them: ratios are
  # taken within a run, and ccusage keeps no state (each of its runs is a full re-read, cold = warm).
  for i in $(seq "$REPS"); do
    time_left || break
    both "$i" cold_step
    tf=$(timed "$D/ccusage-daily-$i.json" "${PEER[@]}" daily --json --offline -z UTC); record ccusage cold "$SIZE" "$tf"
  done
  cp "$D/ccusage-daily-1.json" "$D/ccusage-daily.json" 2>/dev/null
  for i in $(seq "$REPS"); do
    time_left || break
    both "$i" warm_step
    tf=$(timed "$D/ccusage-warm-$i.json" "${PEER[@]}" daily --json --offline -z UTC); record ccusage warm "$SIZE" "$tf"
  done
  # the session: one process per build, or REPS alternating processes each with a baseline (for the spread)
  SREPS=1; [ -n "$BASE_DIR" ] && SREPS="$REPS"
  for i in $(seq "$SREPS"); do
    time_left || break
    both "$i" session_step
  done
  both 1 keep_pwsh_warehouse
  for i in $(seq "$REPS"); do   # Codex-only report (ccusage 20 reads Codex rollouts)
    time_left || break
    tf=$(timed "$D/ccusage-codex-$i.json" "${PEER[@]}" codex daily --json --offline -z UTC); record ccusage codex "$SIZE" "$tf"
  done

  # ours: queries (once, or REPS times alternating with the baseline), then the totals
  if [ "$OURS_STATE" = ok ]; then
    QREPS=1; [ -n "$BASE_DIR" ] && QREPS="$REPS"
    for i in $(seq "$QREPS"); do
      time_left || break
      both "$i" query_step
    done
    cp "$D/am-query-1.out" "$D/am-query.out" 2>/dev/null
    if time_left; then
      timeout "$CMD_TIMEOUT" "${OURS[@]}" "$(ps_script "$TOTALS_T" "$C" "$W")" > "$D/am-totals.tsv" 2>"$D/am-totals.err"
    fi
  else
    for sc in cold warm append query-cost query-session; do pending "$sc" "$SIZE"; done
  fi
  OURS_ARG=(); [ "$OURS_STATE" = ok ] && OURS_ARG=(--ours "$D/am-totals.tsv")
  $PY "$BENCH/benchlib.py" compare --truth "$C/truth.json" --ccusage "$D/ccusage-daily.json" "${OURS_ARG[@]}" \
      --out "$D/compare.json" > "$D/compare.txt" 2>&1
  sed -i "1i totals check, ${SIZE} MB corpus (truth = generator's truth.json under FORMATS.md rules):" "$D/compare.txt"
  cat "$D/compare.txt" | tee -a "$LOG" >&2

  # append scenario: generator appends ~1% (new ids, later timestamps) before each rep
  for i in $(seq "$REPS"); do
    time_left || break
    $PY "$BENCH/gen_agent_home.py" --existing "$C" --append-percent 1 --seed $((SEED * 1000 + i)) >>"$LOG" 2>&1
    both "$i" append_step
    tf=$(timed "$D/ccusage-append-$i.json" "${PEER[@]}" daily --json --offline -z UTC); record ccusage append "$SIZE" "$tf"
  done
done

# ---------------------------------------------------------------- report
CMP=(); for SIZE in "${SIZES[@]}"; do [ -f "$WORK/out-$SIZE/compare.txt" ] && CMP+=(--compare "$WORK/out-$SIZE/compare.txt"); done
HDR="Run $TS on $(nproc) cores, $(free -m | awk '/Mem:/{print $2}') MB RAM. Peer: ccusage $PEER_VERSION native binary (\`daily --json --offline -z UTC\`, Claude+Codex). Ours: the executable ${AM[*]} ($OURS_STATE); pwsh $PWSH_VERSION (the .NET tool: IL, not ReadyToRun) with the staged module from $PS_MODULES ($PWSH_STATE). ${BASE_DIR:+Baseline (before/after): $BASE_NAME, built in $BASE_DIR, its runs alternating with ours (current / baseline columns). }Median of $REPS runs; wall time and peak RSS from /usr/bin/time -v. ccusage keeps no state, so its cold, warm and append rows are full re-reads of the corpus."
$PY "$BENCH/benchlib.py" report --measure "$MEAS" --out-md "$RESULTS/$TS.md" --out-json "$RESULTS/$TS.json" --header "$HDR" "${CMP[@]}"
log "results: $RESULTS/$TS.md  $RESULTS/$TS.json  (log $LOG)"
