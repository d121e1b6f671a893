#!/usr/bin/env bash
# build-trt-engines.sh — build the UNet TensorRT engines a worker loads with SDFLEET_RUNTIME=tensorrt.
#
# DJL's TensorRT engine (ai.djl.tensorrt 0.33.0, TensorRT 8.4) takes static shapes only, so the worker loads
# one serialized engine per (batch, latent height, latent width) profile from SDFLEET_TRT_ENGINE_DIR (default
# <model>/unet/trt), named unet-b<B>-h<H>-w<W>.plan (worker: EngineProfile.fileName, TensorRtUNetRuntime.locate).
# The script reads the worker's own variables, with the worker's syntax and defaults (RuntimeSettings), so the
# engine build step and the worker it feeds cannot disagree when both get the same environment. This script runs
# trtexec once per profile on <model>/unet/model.onnx with every dynamic axis fixed:
#
#   trtexec --onnx=<model>/unet/model.onnx --fp16 \
#           --shapes=sample:Bx4xHxW,timestep:B,encoder_hidden_states:Bx77xD \
#           --saveEngine=<engine dir>/unet-bB-hH-wW.plan
#
# Engines are specific to the TensorRT version AND the GPU model that built them. The script writes
# <engine dir>/BUILD-INFO (TensorRT version, GPU name, fp16) and rebuilds everything when it differs,
# so a model volume shared by one kind of GPU is a cache: a restarted pod or container finds its engines and
# starts at once. Build with the same image the worker runs (docker/worker.Dockerfile ships trtexec), i.e. as
# the Kubernetes init container or the compose one-shot service "trt-engines".
#
# Usage: tools/build-trt-engines.sh [--model-dir DIR] [--engine-dir DIR] [--profiles LIST] [--hidden-size D]
#                                   [--force] [--dry-run]
#
# Environment (flags win). The SDFLEET_* ones are the worker's settings: give this step the worker's values.
#   SDFLEET_MODEL_DIR      model folder (diffusers ONNX layout)                 default models/tiny-sd
#   SDFLEET_RUNTIME        the worker's runtime; anything but tensorrt: nothing to build, exit 0
#   SDFLEET_TRT_ENGINE_DIR where the engines go                                 default <model>/unet/trt
#   SDFLEET_TRT_PROFILES   BxHxW,... batch x latent h x latent w (image / 8)    default the worker's default profiles
#   SDFLEET_FP16           true|false: half-precision engines                   default true (the worker's default)
#   TRT_HIDDEN_SIZE        D of encoder_hidden_states (768 SD 1.x, 1024 SD 2.x) default unet/config.json cross_attention_dim
#   TRT_WORKSPACE_MIB      builder workspace                                    default 4096
#   TRTEXEC                the trtexec binary                                   default trtexec on PATH, else
#                                                                               /usr/src/tensorrt/bin/trtexec
# Exit: 0 built or cached, 1 a build failed, 2 bad arguments or model folder.
set -euo pipefail

# The worker's defaults (RuntimeSettings.ENGINE_PROFILES, FP16 and ENGINE_DIR); EngineBuildScriptTest keeps them equal.
DEFAULT_PROFILES="1x64x64,2x64x64,4x64x64,8x64x64"
DEFAULT_FP16=true
DEFAULT_ENGINE_SUBDIR=unet/trt
LATENT_CHANNELS=4
SEQUENCE_LENGTH=77

model_dir="${SDFLEET_MODEL_DIR:-models/tiny-sd}"
runtime="${SDFLEET_RUNTIME:-tensorrt}"
engine_dir="${SDFLEET_TRT_ENGINE_DIR:-}"
profiles="${SDFLEET_TRT_PROFILES:-$DEFAULT_PROFILES}"
hidden="${TRT_HIDDEN_SIZE:-}"
fp16="${SDFLEET_FP16:-$DEFAULT_FP16}"
workspace="${TRT_WORKSPACE_MIB:-4096}"
force=false
dry_run=false

die() { echo "build-trt-engines: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --model-dir) model_dir="${2:?--model-dir needs a folder}"; shift 2 ;;
    --engine-dir) engine_dir="${2:?--engine-dir needs a folder}"; shift 2 ;;
    --profiles) profiles="${2:?--profiles needs BxHxW,...}"; shift 2 ;;
    --hidden-size) hidden="${2:?--hidden-size needs a number}"; shift 2 ;;
    --force) force=true; shift ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

if [[ "${runtime,,}" != "tensorrt" ]]; then
  echo "build-trt-engines: SDFLEET_RUNTIME=$runtime: no TensorRT engines needed"
  exit 0
fi

onnx="$model_dir/unet/model.onnx"
[[ -f "$onnx" ]] || die "$onnx not found (SDFLEET_MODEL_DIR / --model-dir must be a diffusers ONNX model folder)"
[[ -n "$engine_dir" ]] || engine_dir="$model_dir/$DEFAULT_ENGINE_SUBDIR"
fp16="${fp16,,}"
[[ "$fp16" == "true" || "$fp16" == "false" ]] || die "SDFLEET_FP16 must be true or false, is '$fp16'"

if [[ -z "$hidden" && -f "$model_dir/unet/config.json" ]]; then
  # sed quits at its first match itself: no pipe into head, which under pipefail can fail the writer
  hidden="$(sed -n 's/.*"cross_attention_dim"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p;T;q' "$model_dir/unet/config.json")"
fi
[[ "$hidden" =~ ^[0-9]+$ ]] || die "hidden size unknown: set TRT_HIDDEN_SIZE (768 for SD 1.x, 1024 for SD 2.x) or --hidden-size"

if [[ -z "${TRTEXEC:-}" ]]; then
  TRTEXEC="$(command -v trtexec || echo /usr/src/tensorrt/bin/trtexec)"
fi

build_info() {
  local trt gpu
  trt="$(dpkg-query -W -f='${Version}' libnvinfer8 2>/dev/null || echo unknown)"
  gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null || true)"
  gpu="${gpu%%$'\n'*}"
  printf 'tensorrt=%s\ngpu=%s\nfp16=%s\nhidden=%s\n' "$trt" "${gpu:-unknown}" "$fp16" "$hidden"
}

if ! $dry_run; then
  [[ -x "$TRTEXEC" ]] || die "trtexec not found at '$TRTEXEC': run this in the worker image (it ships TensorRT) or set TRTEXEC"
  mkdir -p "$engine_dir"
  info="$(build_info)"
  if [[ -f "$engine_dir/BUILD-INFO" ]] && [[ "$(cat "$engine_dir/BUILD-INFO")" != "$info" ]]; then
    echo "build-trt-engines: engines in $engine_dir were built for another TensorRT/GPU; rebuilding" >&2
    force=true
  fi
fi

failed=0
IFS=',' read -ra list <<< "$profiles"
for profile in "${list[@]}"; do
  profile="${profile//[[:space:]]/}"
  [[ -z "$profile" ]] && continue
  [[ "${profile,,}" =~ ^([0-9]+)x([0-9]+)x([0-9]+)$ ]] || die "profile '$profile' is not BATCHxHEIGHTxWIDTH (e.g. 2x64x64)"
  b="${BASH_REMATCH[1]}"; h="${BASH_REMATCH[2]}"; w="${BASH_REMATCH[3]}"
  engine="$engine_dir/unet-b$b-h$h-w$w.plan"
  cmd=("$TRTEXEC" "--onnx=$onnx"
       "--shapes=sample:${b}x${LATENT_CHANNELS}x${h}x${w},timestep:${b},encoder_hidden_states:${b}x${SEQUENCE_LENGTH}x${hidden}"
       "--saveEngine=$engine")
  [[ "$fp16" == "true" ]] && cmd+=("--fp16")
  cmd+=("--memPoolSize=workspace:${workspace}")
  if $dry_run; then
    printf '%s\n' "${cmd[*]}"
    continue
  fi
  if [[ -s "$engine" ]] && ! $force; then
    echo "build-trt-engines: $engine cached"
    continue
  fi
  echo "build-trt-engines: building $engine (profile ${b}x${h}x${w}, hidden $hidden)"
  # Build to a temporary name and rename: a worker never sees half an engine, and two builders racing on a
  # shared volume each leave a whole file.
  tmp="$engine.tmp.$$"
  cmd=("${cmd[@]/--saveEngine=$engine/--saveEngine=$tmp}")
  if "${cmd[@]}" > "$engine.log" 2>&1; then
    mv -f "$tmp" "$engine"
  else
    echo "build-trt-engines: trtexec failed for $profile; see $engine.log" >&2
    tail -n 20 "$engine.log" >&2 || true
    rm -f "$tmp"
    failed=1
  fi
done

if ! $dry_run && [[ $failed -eq 0 ]]; then
  build_info > "$engine_dir/BUILD-INFO"
fi
exit $failed
