#!/usr/bin/env bash
# tools/bench.sh NAME [ARGS...] — build one module's test classes and run one benchmark's main().
#
#   serving    the fleet under Poisson traffic on a simulated GPU (or the CPU): images/s against the ideal,
#              device busy, latency; static vs continuous batching (local: io.sdfleet.local.bench.ServingBench;
#              --quick for a subset under 6 minutes, --help for its options; results in docs/bench-serving.md)
#   fleet      the whole fleet on the embedded stack with the tiny model: jobs/s, p50/p99, overhead
#              (local: io.sdfleet.local.bench.FleetBench; --help for its options; results in docs/bench-fleet.md)
#   upload     one S3 put by body size, Nagle on vs TCP_NODELAY (local: io.sdfleet.local.bench.UploadBench)
#   pipeline   the diffusion pipeline alone, per stage and batch size  (worker: ...pipeline.bench.PipelineBench)
#   scheduler  one scheduler step, JMH        (worker: ...scheduler.bench.SchedulerStepBenchmark)
#   unet       one UNet call on ONNX Runtime, JMH (worker: ...runtime.bench.UNetRuntimeBenchmark)
#   png        PNG encoding, JMH              (worker: ...image.bench.PngEncoderBenchmark)
#   tokenizer  CLIP tokenizer, JMH            (common: ...tokenizer.bench.TokenizerBenchmark)
#   codec      job/completion JSON codec, JMH (common: ...bench.JobCodecBenchmark)
#
# Each benchmark runs in its module's folder (as the tests do), so model paths like ../models/tiny-sd work.
# ARGS go to the benchmark's main(). Environment:
#   SDFLEET_BUILD_DIR   Maven build folder name (default: target), as -Dsdfleet.buildDir
#   SDFLEET_MVN_ARGS    extra Maven arguments, e.g. "-o" to build offline
#   SDFLEET_BENCH_JAVA_OPTS  extra JVM options for the benchmark (e.g. -Xmx2g)
#   SDFLEET_BENCH_NO_BUILD=1  skip the build when a previous one left the class path file
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
}

name="${1:-}"
case "$name" in
  serving)   module=local;  main=io.sdfleet.local.bench.ServingBench ;;
  fleet)     module=local;  main=io.sdfleet.local.bench.FleetBench ;;
  upload)    module=local;  main=io.sdfleet.local.bench.UploadBench ;;
  pipeline)  module=worker; main=io.sdfleet.worker.pipeline.bench.PipelineBench ;;
  scheduler) module=worker; main=io.sdfleet.worker.scheduler.bench.SchedulerStepBenchmark ;;
  unet)      module=worker; main=io.sdfleet.worker.runtime.bench.UNetRuntimeBenchmark ;;
  png)       module=worker; main=io.sdfleet.worker.image.bench.PngEncoderBenchmark ;;
  tokenizer) module=common; main=io.sdfleet.common.tokenizer.bench.TokenizerBenchmark ;;
  codec)     module=common; main=io.sdfleet.common.bench.JobCodecBenchmark ;;
  ""|-h|--help|help|list) usage; exit 0 ;;
  *) echo "bench.sh: unknown benchmark '$name'" >&2; usage >&2; exit 2 ;;
esac
shift

build_dir="${SDFLEET_BUILD_DIR:-target}"
module_dir="$root/$module"
classpath_file="$module_dir/$build_dir/bench.classpath"

if [[ "${SDFLEET_BENCH_NO_BUILD:-0}" != 1 || ! -f "$classpath_file" ]]; then
  echo "bench.sh: building $module test classes (mvn test-compile, build folder $build_dir)..." >&2
  # test-compile and build-classpath in one reactor run: sibling modules resolve to their fresh classes.
  # shellcheck disable=SC2086
  (cd "$root" && mvn -B -q ${SDFLEET_MVN_ARGS:-} -Dsdfleet.buildDir="$build_dir" -pl "$module" -am \
      test-compile dependency:build-classpath \
      -Dmdep.outputFile="$build_dir/bench.classpath" -Dmdep.includeScope=test)
fi

class_file="$module_dir/$build_dir/test-classes/${main//.//}.class"
if [[ ! -f "$class_file" ]]; then
  echo "bench.sh: $main was not built ($class_file missing)" >&2
  exit 1
fi

cd "$module_dir"
# shellcheck disable=SC2086
exec java ${SDFLEET_BENCH_JAVA_OPTS:-} -Dai.djl.offline=true -Dai.djl.default_engine=OnnxRuntime \
  -cp "$build_dir/test-classes:$build_dir/classes:$(cat "$classpath_file")" "$main" "$@"
