#!/usr/bin/env bash
# gpu-check.sh — prove the GPU runtimes on a machine with an NVIDIA GPU, and print the numbers for docs/benchmarks.md.
#
# For the tiny model (models/tiny-sd) and a real SD 1.5 export (--sd15 DIR, diffusers' ONNX layout, e.g. made with
# `optimum-cli export onnx --model runwayml/stable-diffusion-v1-5 sd15-onnx/`), on each runtime this machine can run:
#   ort-tensorrt  SDFLEET_RUNTIME=onnxruntime SDFLEET_ORT_PROVIDER=tensorrt (TensorRT 10 through ONNX Runtime): the
#                 worker's runtime builds the UNet engines into a fresh cache (timed: a first start), then loads them
#   ort-cuda      SDFLEET_ORT_PROVIDER=cuda (no TensorRT; bytes alone vs in a batch are not guaranteed there)
#   djl-tensorrt  SDFLEET_RUNTIME=tensorrt (DJL's TensorRT 8 engines, built with tools/build-trt-engines.sh):
#                 only where libnvinfer.so.8 and TensorRT 8's trtexec are found (the TensorRT 8.4 image, pre-Ada GPUs)
# it runs `./sdfleet bench pipeline` (tools/bench.sh pipeline, built with -Dsdfleet.gpu) and checks that one job's PNG
# is byte-identical alone and inside a batch (io.sdfleet.worker.runtime.bench.BatchIdentityCheck). At the end it prints
# one markdown table to paste into docs/benchmarks.md; every run's full output is kept under --out.
#
# Where to run it: a shell with Java 17, Maven, the repository, an NVIDIA driver and CUDA 12 / cuDNN 9 / TensorRT 10
# libraries on the loader's path, e.g. inside nvcr.io/nvidia/tensorrt:25.03-py3 (the -trt10 image's base) with a JDK
# and Maven added and the repository mounted. It stops at once, saying what is missing, without a GPU or libraries.
#
# Usage: tools/gpu-check.sh --sd15 DIR [--tiny-only] [--size PX] [--steps N] [--out DIR]
#   --sd15 DIR    the SD 1.5 ONNX export (required unless --tiny-only)
#   --tiny-only   the tiny model only (a quick check of the path; its numbers say nothing about SD 1.5)
#   --size PX     image side (default 512)          --steps N   denoising steps (default 20)
#   --out DIR     logs, engine caches, engines (default target-gpu-check)
# Exit: 0 every check passed, 1 a job's bytes differed alone vs in a batch on a TensorRT runtime (or a run failed),
#       2 bad arguments, 3 no GPU, driver or library (nothing was built).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

sd15=""
tiny_only=false
size=512
steps=20
out="$root/target-gpu-check"

usage() { sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "gpu-check: $*" >&2; exit 2; }
missing() { echo "gpu-check: cannot run here: $*" >&2; exit 3; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sd15) sd15="${2:?--sd15 needs a folder}"; shift 2 ;;
    --tiny-only) tiny_only=true; shift ;;
    --size) size="${2:?--size needs pixels}"; shift 2 ;;
    --steps) steps="${2:?--steps needs a number}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ "$size" =~ ^[0-9]+$ && $((size % 64)) -eq 0 ]] || die "--size must be a multiple of 64, is '$size'"
[[ "$steps" =~ ^[0-9]+$ ]] || die "--steps must be a number, is '$steps'"
if ! $tiny_only; then
  [[ -n "$sd15" ]] || die "--sd15 DIR is required (a diffusers ONNX export of SD 1.5), or pass --tiny-only"
  [[ -f "$sd15/unet/model.onnx" ]] || die "$sd15/unet/model.onnx not found: --sd15 must be a diffusers ONNX model folder"
  sd15="$(cd "$sd15" && pwd)"
fi

# ---- preflight: a GPU, a driver, the libraries; nothing is built before these pass --------------------------------
command -v nvidia-smi > /dev/null || missing "nvidia-smi not found: no NVIDIA driver on this machine (or this container was started without the NVIDIA Container Toolkit: docker run --gpus all)"
gpu_csv="$(nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader 2>&1)" \
  || missing "nvidia-smi finds no usable GPU: $gpu_csv"
[[ -n "$gpu_csv" ]] || missing "nvidia-smi lists no GPU"
gpu="${gpu_csv%%$'\n'*}"
gpu_name="${gpu%%,*}"

loader_libs="$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true) )"
have_lib() { # soname: on LD_LIBRARY_PATH or in the loader's cache
  local dir
  IFS=':' read -ra dirs <<< "${LD_LIBRARY_PATH:-}"
  for dir in "${dirs[@]}"; do
    [[ -n "$dir" && -e "$dir/$1" ]] && return 0
  done
  [[ "$loader_libs" == *"$1 "* ]]
}
absent=()
# what the worker's start-up check (GpuLibraries) asks for: the onnxruntime_gpu providers' NEEDED libraries
for lib in libcuda.so.1 libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcurand.so.10 libcufft.so.11 libcudnn.so.9 \
    libnvinfer.so.10 libnvonnxparser.so.10; do
  have_lib "$lib" || absent+=("$lib")
done
[[ ${#absent[@]} -eq 0 ]] || missing "missing ${absent[*]} (searched LD_LIBRARY_PATH and ldconfig): run inside nvcr.io/nvidia/tensorrt:25.03-py3 or install CUDA 12, cuDNN 9 and TensorRT 10"
command -v java > /dev/null || missing "java not found (Java 17)"
command -v mvn > /dev/null || missing "mvn not found (Maven 3.8+)"
djl=false
if have_lib libnvinfer.so.8 && command -v trtexec > /dev/null; then
  djl=true
fi
echo "gpu-check: $gpu; DJL TensorRT 8 runtime: $($djl && echo yes || echo 'no (no libnvinfer.so.8 / trtexec 8)')"

# ---- build once (GPU profile), then every run reuses the class path -----------------------------------------------
mkdir -p "$out/logs"
export SDFLEET_BUILD_DIR=target-gpu SDFLEET_MVN_ARGS="-Dsdfleet.gpu"
echo "gpu-check: building the worker's test classes with -Dsdfleet.gpu (onnxruntime_gpu)..."
(cd "$root" && mvn -B -q -Dsdfleet.gpu -Dsdfleet.buildDir=target-gpu -pl worker -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target-gpu/bench.classpath -Dmdep.includeScope=test)
export SDFLEET_BENCH_NO_BUILD=1
classpath="$root/worker/target-gpu/test-classes:$root/worker/target-gpu/classes:$(cat "$root/worker/target-gpu/bench.classpath")"
latent=$((size / 8))

rows=()
failed=0
# run_checks NAME MODEL_DIR: environment already exported for the runtime
run_checks() {
  local name="$1" model="$2" tag log start cold warm ips identity line
  tag="$name-$(basename "$model")"
  log="$out/logs/$tag"
  start=$(date +%s)
  if (cd "$root/worker" && java -Dai.djl.offline=true -Dai.djl.default_engine=OnnxRuntime -cp "$classpath" \
        io.sdfleet.worker.runtime.bench.BatchIdentityCheck "$model" "$size" "$steps" 4) > "$log.identity" 2>&1; then
    identity=same
  else
    identity="$(grep -c DIFFERENT "$log.identity" || true)"
    [[ "$identity" == 0 ]] && identity="run failed (see $log.identity)" || identity=DIFFERENT
    [[ "$name" == ort-cuda && "$identity" == DIFFERENT ]] || failed=1
  fi
  cold=$(( $(date +%s) - start ))
  start=$(date +%s)
  if "$root/tools/bench.sh" pipeline --model "$model" --size "$size" --steps "$steps" --runs 2 > "$log.bench" 2>&1; then
    warm=$(( $(date +%s) - start ))
    # images/s of the 4-image row of PipelineBench's jobs table: | 4 | 8 | ... | images/s |
    ips="$(awk -F'|' '$2 ~ /^ *4 *$/ { v = $(NF - 1) } END { gsub(/ /, "", v); print v }' "$log.bench")"
  else
    warm="-"; ips="run failed (see $log.bench)"; failed=1
  fi
  line="$(sed -n 's/^| \([^|]*\) |.*/\1/p' "$log.identity")"
  rows+=("| $gpu_name | ${line:-$name} | $(basename "$model") | ${size}x${size} | $steps | ${cold} s | ${warm} s | ${ips:--} | $identity |")
}

models=("$root/models/tiny-sd")
$tiny_only || models+=("$sd15")
for model in "${models[@]}"; do
  tag="$(basename "$model")"
  echo "gpu-check: $tag on ONNX Runtime's TensorRT provider (a fresh engine cache: the first run builds the engines)"
  rm -rf "$out/trt-cache/$tag"
  (export SDFLEET_RUNTIME=onnxruntime SDFLEET_ORT_PROVIDER=tensorrt SDFLEET_ORT_TRT_CACHE_DIR="$out/trt-cache/$tag" \
      SDFLEET_TRT_PROFILES="8x${latent}x${latent}" SDFLEET_TRT_FIXED_BATCH=true; run_checks ort-tensorrt "$model"; \
      printf '%s\n' "${rows[@]}" > "$out/logs/rows-ort-tensorrt-$tag"; exit $failed) || failed=1
  echo "gpu-check: $tag on ONNX Runtime's CUDA provider"
  (export SDFLEET_RUNTIME=onnxruntime SDFLEET_ORT_PROVIDER=cuda; run_checks ort-cuda "$model"; \
      printf '%s\n' "${rows[@]}" > "$out/logs/rows-ort-cuda-$tag"; exit $failed) || failed=1
  if $djl; then
    echo "gpu-check: $tag on DJL's TensorRT 8 engines (tools/build-trt-engines.sh)"
    # text encoder and VAE on the CPU provider, as the TensorRT 8 image runs them (it has no CUDA 12)
    (export SDFLEET_RUNTIME=tensorrt SDFLEET_ORT_PROVIDER=cpu SDFLEET_TRT_ENGINE_DIR="$out/djl-engines/$tag" \
        SDFLEET_TRT_PROFILES="8x${latent}x${latent}" SDFLEET_TRT_FIXED_BATCH=true SDFLEET_MODEL_DIR="$model"; \
        "$root/tools/build-trt-engines.sh" --force > "$out/logs/djl-engines-$tag.log" 2>&1; run_checks djl-tensorrt "$model"; \
        printf '%s\n' "${rows[@]}" > "$out/logs/rows-djl-tensorrt-$tag"; exit $failed) || failed=1
  fi
done

echo
echo "Paste into docs/benchmarks.md (GPU runtimes; $(date -u +%Y-%m-%d), $gpu):"
echo
echo "| GPU | runtime | model | size | steps | first start (engine build) | warm bench run | images/s (batch 4) | alone vs batch |"
echo "|---|---|---|---|---:|---:|---:|---:|---|"
cat "$out"/logs/rows-* 2>/dev/null || true
echo
echo "full outputs: $out/logs"
exit $failed
