#!/usr/bin/env python3
"""Before/after speed of two CLI builds on the user's own path (`caption`), interleaved so both see the same load.

    scripts/bench-caption-interleaved.py BEFORE_CLI AFTER_CLI IMAGE_LIST [--rounds 5] [--batch 1] [--beam 3] [--skip 10]

Each run captions every image of IMAGE_LIST (one path a line) with `caption --jsonl`; the per-image `timings` the
library records (decoderMs, totalMs; with --batch > 1 the batch's time divided by its images) give one median per
run, after the first --skip images (warm-up). Prints each run's medians and the machine's load, then per side the
median of the run medians with min–max, and the after/before ratio per round with its median.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

def run(cli, images, args):
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as out:
        path = out.name
    cmd = [cli, "caption", *images, "--jsonl", "-o", path, "--batch", str(args.batch), "--beam", str(args.beam)]
    if args.beam > 1:
        cmd += ["--rerank", "false"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    rows = [json.loads(line) for line in open(path) if line.strip()]
    os.unlink(path)
    rows = rows[args.skip:]
    decode = statistics.median(r["timings"]["decoderMs"] for r in rows)
    total = statistics.median(r["timings"]["totalMs"] for r in rows)
    return decode, total

def main():
    p = argparse.ArgumentParser()
    p.add_argument("before"); p.add_argument("after"); p.add_argument("images")
    p.add_argument("--rounds", type=int, default=5); p.add_argument("--batch", type=int, default=1)
    p.add_argument("--beam", type=int, default=3); p.add_argument("--skip", type=int, default=10)
    args = p.parse_args()
    images = [line.strip() for line in open(args.images) if line.strip()]
    results = {"before": [], "after": []}
    for r in range(1, args.rounds + 1):
        for side in ("before", "after"):
            load = os.getloadavg()[0]
            d, t = run(getattr(args, side), images, args)
            results[side].append((d, t))
            print(f"round {r} {side:6}: decode {d:7.2f} ms  end to end {t:7.2f} ms  (load {load:.2f})", flush=True)
    print(f"\n{len(images)} images, batch {args.batch}, beam {args.beam}, median per run after {args.skip} warm-up images; "
          f"{args.rounds} interleaved rounds")
    for k, name in ((0, "decode"), (1, "end to end")):
        for side in ("before", "after"):
            xs = [x[k] for x in results[side]]
            print(f"  {name:10} {side:6}: median {statistics.median(xs):7.2f} ms ({min(xs):.2f}–{max(xs):.2f})")
        ratios = [a[k] / b[k] for a, b in zip(results["after"], results["before"])]
        print(f"  {name:10} after/before: median {statistics.median(ratios):.3f}× ({min(ratios):.3f}–{max(ratios):.3f})")

if __name__ == "__main__":
    sys.exit(main())
