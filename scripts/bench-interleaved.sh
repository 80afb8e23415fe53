#!/usr/bin/env bash
# Before/after speed of two builds, interleaved so both see the same machine load:
#   scripts/bench-interleaved.sh <before command> <after command> [rounds=3] [benchmark arguments…]
# e.g. scripts/bench-interleaved.sh "/tmp/main-cli/ImageCaptioning.Cli bench" "src/ImageCaptioning.Benchmarks/bin/Release/net10.0/ImageCaptioning.Benchmarks" 3 decoder --runs 30
# Prints each run's load average and its batch-1 / batch-N lines; compare the medians across rounds, not single runs.
set -euo pipefail
before="$1"; after="$2"; rounds="${3:-3}"; shift 3 || true
args=("${@:-decoder}")
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    command="${!side}"
    echo "== round $round, $side: $command ${args[*]}   ($(uptime | sed 's/.*load average/load average/'))"
    # shellcheck disable=SC2086 # the command may carry its own subcommand, e.g. "ImageCaptioning.Cli bench"
    $command "${args[@]}" | grep -E "batch +[0-9]+ *:" || true
  done
done
