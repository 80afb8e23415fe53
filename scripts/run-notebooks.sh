#!/usr/bin/env bash
# Runs every teaching notebook in real Jupyter on the .NET Interactive C# kernel (`.net-csharp`), as a reader would:
#   scripts/run-notebooks.sh            execute into artifacts/notebooks/ and check the outputs
#   scripts/run-notebooks.sh --write    the same, then write the executed notebooks back into notebooks/
#   scripts/run-notebooks.sh 05-attention-plots.ipynb    only the named notebooks
# Installs what is missing: Jupyter's nbconvert + client (apt), the kernel (the pinned local dotnet tool,
# .config/dotnet-tools.json) and its kernelspec. Fails on any error output, on a notebook without a chart, and on a
# chart that would load plotly.js from the network (checks in scripts/check_notebooks.py).
# Needs IMAGECAPTIONING_MODELS_DIR and IMAGECAPTIONING_FLICKR8K_DIR (and optionally IMAGECAPTIONING_EXAMPLES_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/artifacts/notebooks"
WRITE=0
NOTEBOOKS=()
for arg in "$@"; do
  case "$arg" in
    --write) WRITE=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) NOTEBOOKS+=("notebooks/$(basename "$arg")") ;;
  esac
done
[ ${#NOTEBOOKS[@]} -gt 0 ] || NOTEBOOKS=(notebooks/*.ipynb)

if [ -z "${IMAGECAPTIONING_FLICKR8K_DIR:-}" ] || [ -z "${IMAGECAPTIONING_MODELS_DIR:-}" ]; then
  echo "notebooks: set IMAGECAPTIONING_MODELS_DIR and IMAGECAPTIONING_FLICKR8K_DIR first (see notebooks/README.md)" >&2
  exit 2
fi

sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! jupyter nbconvert --version >/dev/null 2>&1 || ! jupyter kernelspec list >/dev/null 2>&1; then
  echo "notebooks: installing jupyter-nbconvert jupyter-client python3-ipykernel (apt)"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq jupyter-nbconvert jupyter-client python3-ipykernel >/dev/null
fi

# The kernel: the version pinned in .config/dotnet-tools.json, registered as the `.net-csharp` kernelspec.
dotnet tool restore >/dev/null
kernels="$(jupyter kernelspec list 2>/dev/null || true)"
if ! grep -q '^ *\.net-csharp ' <<<"$kernels"; then
  echo "notebooks: registering the .NET Interactive kernels with Jupyter"
  dotnet tool run dotnet-interactive -- jupyter install >/dev/null
fi

# What the notebooks #r: the project's assemblies, in one folder.
dotnet build src/ImageCaptioning.Notebooks -c Release -nologo -v quiet >/dev/null

# Execute with the same kernel started without its HTTP listener (the registered kernelspec passes
# --http-port-range, which opens a port on every interface and writes a bootstrap script into the first output):
# a copy of the kernelspec minus that option, found first through JUPYTER_PATH, under the same name `.net-csharp`.
spec_dir="$(jupyter kernelspec list 2>/dev/null | awk '$1 == ".net-csharp" { print $2 }')"
mkdir -p "$ROOT/artifacts/jupyter/kernels/.net-csharp"
/usr/bin/env python3 - "$spec_dir/kernel.json" "$ROOT/artifacts/jupyter/kernels/.net-csharp/kernel.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
argv, clean = spec["argv"], []
skip = False
for a in argv:
    if skip: skip = False; continue
    if a == "--http-port-range": skip = True; continue
    clean.append(a)
spec["argv"] = clean
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
export JUPYTER_PATH="$ROOT/artifacts/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export PYDEVD_DISABLE_FILE_VALIDATION=1
mkdir -p "$OUT"
status=0
start=$(date +%s)
for nb in "${NOTEBOOKS[@]}"; do
  t0=$(date +%s)
  # The kernel starts in notebooks/ (inside the checkout, so `dotnet interactive` finds the local tool).
  if ! jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=.net-csharp \
       --ExecutePreprocessor.timeout=900 --allow-errors --output-dir "$OUT" "$nb" >"$OUT/$(basename "$nb" .ipynb).log" 2>&1; then
    echo "notebooks: nbconvert failed on $nb (log: $OUT/$(basename "$nb" .ipynb).log)" >&2
    tail -20 "$OUT/$(basename "$nb" .ipynb).log" >&2
    status=1
    continue
  fi
  echo "notebooks: $(basename "$nb") executed in $(( $(date +%s) - t0 )) s"
done
echo "notebooks: ${#NOTEBOOKS[@]} notebook(s) in $(( $(date +%s) - start )) s"
[ $status = 0 ] || exit $status

executed=()
for nb in "${NOTEBOOKS[@]}"; do executed+=("$OUT/$(basename "$nb")"); done
# Clean (kernel bootstrap script, machine paths) and check; --write copies the checked notebooks into notebooks/.
/usr/bin/env python3 scripts/check_notebooks.py --root "$ROOT" $([ $WRITE = 1 ] && echo --write notebooks) "${executed[@]}"
