#!/usr/bin/env python3
"""Cleans and checks notebooks executed by the real .NET Interactive kernel (see scripts/run-notebooks.sh).

Cleaning: drops the kernel's own bootstrap script output (it probes the kernel's local HTTP address, meaningless in a
saved file) and nbclient's per-cell timing metadata. Checks, each a failure:
  - any error output (output_type "error") or anything written to stderr;
  - a notebook with no chart: a display whose text/html draws with Plotly.newPlot AND carries an image/svg+xml copy;
  - a chart without its static SVG beside it;
  - anything that would load a script from the network (<script src=...>, a CDN), or plotly.js embedded other than
    exactly once, before the notebook's first chart;
  - an absolute path of this machine (the checkout, $HOME, the IMAGECAPTIONING_* folders) in any output.
"""
import argparse, json, os, re, shutil, sys

MARKER = "imagecaptioning-plotly-js"   # PlotlyPage.ScriptMarker
BOOTSTRAP = "dotnet-interactive-this-cell"

def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")

def machine_paths(root):
    paths = {os.path.realpath(root), os.path.expanduser("~")}
    for k, v in os.environ.items():
        if k.startswith("IMAGECAPTIONING_") and v.startswith("/"):
            paths.add(os.path.realpath(v)); paths.add(v.rstrip("/"))
    return sorted((p for p in paths if p not in ("/", "") and len(p) > 4), key=len, reverse=True)

def check(path, root):
    nb = json.load(open(path, encoding="utf-8"))
    problems, charts, script_at, first_chart_at = [], 0, [], None
    paths = machine_paths(root)
    for index, cell in enumerate(nb["cells"]):
        cell.get("metadata", {}).pop("execution", None)
        if cell["cell_type"] != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html = text(data.get("text/html"))
            if BOOTSTRAP in html:
                continue            # the kernel's bootstrap, not the notebook's output
            # The kernel names the extension packages it loads by their machine path: keep the message, not the path.
            if "text/plain" in data and text(data["text/plain"]).startswith("Loading extensions from"):
                data["text/plain"] = text(data["text/plain"]).replace(os.path.expanduser("~"), "~")
            kept.append(out)
            where = f"cell {index + 1}"
            if out["output_type"] == "error":
                problems.append(f"{where}: error output: {out.get('ename')}: {out.get('evalue', '')[:300]}")
            if out["output_type"] == "stream" and out.get("name") == "stderr":
                problems.append(f"{where}: stderr: {text(out.get('text'))[:300]}")
            blob = json.dumps(out, ensure_ascii=False)
            if MARKER in html:   # the vendored plotly.js mentions URLs it never fetches for these charts (geo assets)
                blob = re.sub(r'<script[^>]*id="' + MARKER + r'".*?</script>', "", html, flags=re.S)
            for p in paths:
                if p in blob:
                    problems.append(f"{where}: output contains the machine path {p}")
            if re.search(r"<script[^>]*\bsrc\s*=", blob, re.I) or re.search(r"cdn\.plot\.ly|cdn\.jsdelivr|unpkg\.com|cdnjs", blob, re.I):
                problems.append(f"{where}: output loads a script from the network")
            if MARKER in html:
                script_at.append(index)
            if "Plotly.newPlot" in html:
                if "image/svg+xml" not in data:
                    problems.append(f"{where}: a chart without its static SVG (image/svg+xml)")
                else:
                    charts += 1
                if first_chart_at is None:
                    first_chart_at = index
        cell["outputs"] = kept
    name = os.path.basename(path)
    if charts == 0:
        problems.append("no chart (a Plotly.newPlot display with an image/svg+xml copy)")
    if len(script_at) != 1:
        problems.append(f"plotly.js is embedded {len(script_at)} times (expected once)")
    elif first_chart_at is not None and script_at[0] != first_chart_at:
        problems.append("plotly.js is not embedded in the first chart")
    code = sum(1 for c in nb["cells"] if c["cell_type"] == "code")
    print(f"check: {name}: {code} code cells, {charts} charts, {len(problems)} problem(s)")
    for p in problems:
        print(f"check:   {name}: {p}", file=sys.stderr)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(nb, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return not problems

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--write", help="copy notebooks that pass into this folder")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    ok = [check(p, args.root) for p in args.notebooks]
    if not all(ok):
        print("check: FAILED", file=sys.stderr)
        return 1
    if args.write:
        for p in args.notebooks:
            shutil.copy(p, os.path.join(args.write, os.path.basename(p)))
        print(f"check: wrote {len(args.notebooks)} notebook(s) into {args.write}/")
    return 0

if __name__ == "__main__":
    sys.exit(main())
