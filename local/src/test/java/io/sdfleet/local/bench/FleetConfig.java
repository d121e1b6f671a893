package io.sdfleet.local.bench;

/**
 * One benchmarked configuration.
 *
 * @param workers        in-process workers in one consumer group
 * @param batchMaxImages SDFLEET_BATCH_MAX_IMAGES of every worker (also the pipeline's batch limit)
 * @param ortThreads     SDFLEET_ORT_INTRA_OP_THREADS and SDFLEET_ORT_INTER_OP_THREADS of every worker;
 *                       0 = ONNX Runtime's choice (all cores)
 */
record FleetConfig(int workers, int batchMaxImages, int ortThreads) {

    String label() {
        return "workers=" + workers + " batch=" + batchMaxImages + " ortThreads="
                + (ortThreads == 0 ? "all" : Integer.toString(ortThreads));
    }
}
