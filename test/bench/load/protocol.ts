/** What the main thread (the office server) and the load worker (device + dashboard) tell each other. */

export interface LoadConfig {
  mqttUrl: string;
  socketUrl: string;
  /** Session cookie and origin of a signed-in staff user: the live socket admits nobody else. */
  socketHeaders: { cookie: string; origin: string };
  /** Cabinet boards (MQTT clients) the reads are dealt over. */
  boards: number;
  /** Each board's MQTT login, by board index. */
  boardLogins: { username: string; password: string }[];
  events: number;
  /** Reads of an uncounted flood before the measured one (rounded up to whole rounds of visits). */
  warmupEvents: number;
  /** The flood stops publishing after this long even if fewer than `events` were published. */
  floodMaxSeconds: number;
  window: number;
  rate: number;
  steadySeconds: number;
  tickMs: number;
}

export interface Distribution {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface Delivery {
  /** Reads published in the phase. */
  published: number;
  /** Distinct reads of the phase that came back as a leaf on the socket. */
  received: number;
  lost: number;
  /** Leaves of a read already received. */
  duplicated: number;
  /** Leaves that arrived after a leaf of a later read (the log order must be the publish order). */
  reordered: number;
  /** Application-level acks (safekeep/<board>/ack) received for the phase's reads. */
  acked: number;
  /** Never acked: refused (e.g. the registry's flood control) or lost; a real device would resend them. */
  notAcked: number;
  /** Acked but never logged: the device registry took them for repeats (debounce, state collapse). */
  ackedWithoutLeaf: number;
  /** Share of the worker's event loop that was busy: near 1 means the load generator limited the phase. */
  workerElu: number;
}

export interface FloodResult extends Delivery {
  seconds: number;
  eventsPerS: number;
  /** Rate between the 10% and 90% receipts: without ramp-up and drain. */
  midEventsPerS: number;
  /** Publish to socket receipt under saturation (queueing included), ms. */
  latencyMs: Distribution;
  /** Publish to application-level ack under saturation: what paces the boards' window, ms. */
  ackLatencyMs: Distribution;
  /** Badge read published -> unlock received, under saturation (queueing included), ms. */
  unlockLatencyMs: Distribution;
  /** Badges still without their unlock when the phase ended. */
  unanswered: number;
}

export interface SteadyResult extends Delivery {
  targetRate: number;
  achievedRate: number;
  /** Publish to socket receipt, ms. */
  latencyMs: Distribution;
  /** Publish to application-level ack, ms: shown next to the socket figure for comparison. */
  ackLatencyMs: Distribution;
  /** Badge read published -> unlock command received by the board (issue 5: p99 at most 100 ms). */
  unlockLatencyMs: Distribution;
  /** Badges still without their unlock when the phase ended. */
  unanswered: number;
  /** Largest number of reads published in one timer tick. */
  maxBurst: number;
  /** Worst latency (ms) of the reads published in each second of the phase. */
  maxMsPerSecond: number[];
}

export interface LoadResult {
  flood: FloodResult;
  steady: SteadyResult;
  /** Reads numbered so far: later phases continue from here. */
  readsUsed: number;
}

export type WorkerMessage =
  | { type: 'progress'; text: string }
  /** The load worker's kernel thread id (Linux), so its CPU is told apart from the server's. */
  | { type: 'thread'; tid: number | null }
  | { type: 'phase'; name: 'flood' | 'steady'; state: 'start' | 'end' }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };
