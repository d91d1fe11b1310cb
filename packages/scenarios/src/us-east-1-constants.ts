// Constants of `us-east-1-2025-10-20` that both its schema and its model use (no schema here, so a
// worker thread that builds the model does not load zod).

export const US_EAST_1 = 'us-east-1-2025-10-20';

/** Launch, network and NLB sizes are per 100,000 droplets, so the timeline keeps its shape at any fleet size. */
export const US_EAST_1_RATE_UNIT_DROPLETS = 100_000;

/** With `fleet.dwfmHostsPerAz=auto`, each DWFM host manages about this many droplets (the calibrated load). */
export const US_EAST_1_DROPLETS_PER_HOST = 3_333;
