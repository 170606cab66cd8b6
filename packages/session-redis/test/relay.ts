import { inject } from 'vitest';
import {
  startRoundTripRelay,
  type RoundTrip,
  type RoundTripRelay,
} from '@pactbot/testkit/support/round-trip-relay';

export type { RoundTrip, RoundTripRelay };

/** Starts a round-trip relay to the test run's Redis on a free port of 127.0.0.1. */
export function startRelay(): Promise<RoundTripRelay> {
  return startRoundTripRelay(inject('redisUrl'));
}
