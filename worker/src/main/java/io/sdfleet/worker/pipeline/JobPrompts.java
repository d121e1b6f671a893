package io.sdfleet.worker.pipeline;

import java.util.List;

/**
 * One job's prompts as token ids, ready for the text encoder, and what the user should be told about them.
 *
 * @param condIds the prompt's 77 ids
 * @param uncondIds the negative prompt's 77 ids, or null when the job is not guided (scale at most 1: the
 *     negative prompt is not used, as in diffusers)
 * @param warnings e.g. that the prompt was truncated
 * @param tokenizeNanos time spent tokenizing this job's prompts
 */
record JobPrompts(int[] condIds, int[] uncondIds, List<String> warnings, long tokenizeNanos) {

    JobPrompts {
        warnings = List.copyOf(warnings);
    }

    boolean guided() {
        return uncondIds != null;
    }
}
