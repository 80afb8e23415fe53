#!/usr/bin/env python3
"""Before/after speed of two CLI builds on the user's own path (`caption`), interleaved so both see the same load.

    scripts/bench-caption-interleaved.py BEFORE_CLI AFTER_CLI IMAGE_LIST [--rounds 5] [--batch 1] [--beam 3 | --default-decoding] [--skip 10]

The two builds take turns, and which goes first alternates between rounds (the same build on both sides, run in a
fixed order, measured a median ratio of 1.06× at beam 3, batch 1: second in a pair is a handicap).
Each run captions every image of IMAGE_LIST (one path a line) with `caption --jsonl`; the per-image `timings` the
library records (with --batch > 1 the batch's time divided by its images) give one median per run and figure, after
the first --skip images (warm-up):
  decode       decoderMs: the decoder alone (beam search / greedy)
  end to end   totalMs: the whole captioning call
  ood, tags    outOfDistributionMs, tagsMs: the out-of-distribution check and the encoder's tags, timed apart in builds
               that record them (a build without those fields did not time them: its totalMs leaves them out)
  e2e w/o ood+tags   totalMs − outOfDistributionMs − tagsMs: what an older build's totalMs covered, for like for like
  process/image      the `caption` process's wall time divided by the images (start-up, model loading, file reading and
                     output included: what a user waits for; one value per run, not a median over images)
  CPU/image          the process's user + system CPU time divided by the images (less sensitive to other load than wall
                     time; both cores' work counts)
--beam N runs `--beam N --rerank false`; --default-decoding passes no decoding option (the CLI's defaults).
Prints each run's medians and the machine's load, then per side the median of the run medians with min–max, and the
after/before ratio per round with its median and min–max.
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

FIGURES = (("decode", "decoderMs"), ("end to end", "totalMs"), ("ood", "outOfDistributionMs"), ("tags", "tagsMs"),
           ("e2e w/o ood+tags", None), ("process/image", "wall"), ("CPU/image", "wall"))

def value(timings, key):
    if key is not None:
        return timings.get(key, 0.0)
    return timings["totalMs"] - timings.get("outOfDistributionMs", 0.0) - timings.get("tagsMs", 0.0)

def run(cli, images, args):
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as out:
        path = out.name
    cmd = [cli, "caption", *images, "--jsonl", "-o", path, "--batch", str(args.batch)]
    if not args.default_decoding:
        cmd += ["--beam", str(args.beam)]
        if args.beam > 1:
            cmd += ["--rerank", "false"]
    started, usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = (time.perf_counter() - started) * 1000 / len(images)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime) * 1000 / len(images)
    rows = [json.loads(line) for line in open(path) if line.strip()]
    os.unlink(path)
    rows = rows[args.skip:]
    medians = {name: statistics.median(value(r["timings"], key) for r in rows) for name, key in FIGURES if key != "wall"}
    medians["process/image"] = wall
    medians["CPU/image"] = cpu
    return medians

def main():
    p = argparse.ArgumentParser()
    p.add_argument("before"); p.add_argument("after"); p.add_argument("images")
    p.add_argument("--rounds", type=int, default=5); p.add_argument("--batch", type=int, default=1)
    p.add_argument("--beam", type=int, default=3); p.add_argument("--default-decoding", action="store_true")
    p.add_argument("--skip", type=int, default=10)
    args = p.parse_args()
    images = [line.strip() for line in open(args.images) if line.strip()]
    results = {"before": [], "after": []}
    loads = []
    for r in range(1, args.rounds + 1):
        # Odd rounds run before first, even rounds after first: whichever runs second in a pair tends to be slower.
        for side in ("before", "after") if r % 2 else ("after", "before"):
            load = os.getloadavg()[0]
            loads.append(load)
            m = run(getattr(args, side), images, args)
            results[side].append(m)
            print(f"round {r} {side:6}: " + "  ".join(f"{name} {m[name]:.2f}" for name, _ in FIGURES) + f" ms  (load {load:.2f})", flush=True)
    decoding = "default decoding" if args.default_decoding else f"beam {args.beam}" + (" --rerank false" if args.beam > 1 else "")
    print(f"\n{len(images)} images, batch {args.batch}, {decoding}; median per run after {args.skip} warm-up images; "
          f"{args.rounds} interleaved rounds; 1-minute load average {min(loads):.2f}–{max(loads):.2f}")
    for name, _ in FIGURES:
        for side in ("before", "after"):
            xs = [m[name] for m in results[side]]
            print(f"  {name:16} {side:6}: median {statistics.median(xs):7.2f} ms ({min(xs):.2f}–{max(xs):.2f})")
        pairs = [(a[name], b[name]) for a, b in zip(results["after"], results["before"]) if b[name] > 0]
        if pairs:
            ratios = [a / b for a, b in pairs]
            print(f"  {name:16} after/before: median {statistics.median(ratios):.3f}× ({min(ratios):.3f}–{max(ratios):.3f})")

if __name__ == "__main__":
    sys.exit(main())
