import type { Placement } from './child.js';
import type { TargetCheck } from './report.js';

/** Settings of a whole benchmark run, from the command line. */
export interface RunSettings {
  /** Seconds per measured run. */
  durationS: number;
  /** Seconds of warm-up per contestant. */
  warmupS: number;
  /** Measured runs per contestant (the median is reported). */
  repeats: number;
  /** Seconds per point of a concurrency sweep. */
  sweepS: number;
  /** Concurrencies of the sweeps. */
  sweep: number[];
  /** Connections of the headline measurements. */
  connections: number;
  /** Conversations the webhooks are spread over. */
  conversations: number;
  /** Where the server under test runs. */
  server: Placement;
  /** Where stand-ins run (the load generator is pinned there too). */
  aux: Placement;
  /** Redis for the Redis case. */
  redisUrl: string;
  /** A quick smoke run: figures are not meant to be quoted. */
  quick: boolean;
}

/** What a case hands back. */
export interface CaseResult {
  /** The one-line JSON summary. */
  summary: Record<string, unknown>;
  targets: TargetCheck[];
  /** Everything measured, for bench/results and the plots. */
  raw: Record<string, unknown>;
}

/** A benchmark case. */
export type BenchCase = (settings: RunSettings) => Promise<CaseResult>;
