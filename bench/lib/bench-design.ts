/**
 * One design through the benchmark's phases (see bench/README.md): warm-up, the fixed rate,
 * duplicates, rising (or falling) steps, then a burst. On the cluster, the fixed phase is also
 * measured from the inside: Temporal's own metrics and Postgres's statistics, before and after. The
 * broker's work per event is counted on the fixed phase: Temporal Actions from a sample of its
 * histories, Redis commands for the queue design.
 */
import { measureActions } from './actions';
import { describeBurst, measureBurst } from './burst';
import { BENCH_SECRET, startDesign } from './designs';
import type { DesignContext, DesignName } from './designs';
import { Sender } from './load';
import { DesignBench, SETTLE_TIMEOUT_MS } from './phases';
import type { PhaseResult } from './phases';
import { postgresActivity, snapshotStats, statementsAvailability } from './postgres-stats';
import { loadAverage } from './proc';
import { redisCommandsPerEvent, snapshotRedis } from './redis-commands';
import type { DesignResult } from './report-types';
import { clusterTime, scrapeMetrics } from './temporal-metrics';
import type { EventStream } from './stream';

export interface BenchSettings {
  warmupEvents: number;
  fixedRate: number;
  fixedSeconds: number;
  duplicateEvents: number;
  steps: number[];
  stepsDown: number[];
  stepSeconds: number;
  /** The designs that get the burst phase, and its size and rate. */
  burstDesigns: string[];
  burstEvents: number;
  burstRate: number;
  /** Histories read back for the Actions count. */
  actionsSample: number;
}

export function describePhase(label: string, phase: PhaseResult): string {
  const f = (n: number) => n.toFixed(1);
  return (
    `${label} ${phase.offeredRate} ev/s: ack p50 ${f(phase.ackMs.p50)} p99 ${f(phase.ackMs.p99)} ms, ` +
    `e2e p50 ${f(phase.endToEndMs.p50)} p99 ${f(phase.endToEndMs.p99)} ms, committed ${phase.committedPerSecond}/s, ` +
    `drain ${phase.drainMs} ms, refused ${phase.refused}, cpu/event ${JSON.stringify(phase.cpuMsPerEvent)}, ` +
    `load ${phase.loadAverage}${phase.sustained ? '' : ' NOT SUSTAINED'}`
  );
}

export async function benchDesign(
  name: DesignName,
  stream: EventStream,
  context: DesignContext,
  config: BenchSettings,
  log: (line: string) => void,
): Promise<DesignResult> {
  const loadBefore = loadAverage();
  const design = await startDesign(name, context);
  const sender = new Sender(design.url, BENCH_SECRET);
  const bench = new DesignBench(design, sender, stream);
  try {
    let next = 0;
    const warmup = await bench.offer(next, 100, config.warmupEvents / 100);
    next += warmup.events;
    log(`${name}: warmed up (${warmup.events} events, e2e p50 ${warmup.endToEndMs.p50.toFixed(1)} ms)`);

    const inside = design.metricsUrl
      ? await insideBefore(design.metricsUrl, design.postgresDatabases)
      : undefined;
    const fixedFrom = next;
    const redisBefore = name === 'queue' ? snapshotRedis() : undefined;
    const fixed = await bench.offer(next, config.fixedRate, config.fixedSeconds);
    fixed.loadAverage = loadAverage();
    next += fixed.events;
    log(describePhase(`${name}: fixed`, fixed));
    const redis = redisBefore && redisCommandsPerEvent(redisBefore, snapshotRedis(), fixed.events);
    if (redis) log(`${name}: Redis ${JSON.stringify(redis)}`);
    const where = inside && (await inside.after(fixed.events));

    await bench.settle();
    const actions = design.temporalEnv
      ? await measureActions(
          design.temporalEnv,
          spread(
            stream.slice(fixedFrom, fixed.events).filter((event) => bench.watcher.endToEnd.has(event.id)),
            config.actionsSample,
          ).map((event) => event.id),
        )
      : undefined;
    if (actions) log(`${name}: Temporal actions ${JSON.stringify(actions)}`);
    const duplicates = await bench.duplicates(
      fixedFrom,
      fixed.events,
      config.duplicateEvents,
      config.fixedRate,
    );
    log(
      `${name}: duplicates ack p50 ${duplicates.ackMs.p50.toFixed(1)} p99 ${duplicates.ackMs.p99.toFixed(1)} ms, ` +
        `refused ${duplicates.refused}, ledger rows added ${duplicates.ledgerRowsAdded}`,
    );

    // Rising rates while the design keeps up; when it cannot even hold the fixed rate, falling
    // ones until it does. Each step starts with the backlog of the previous one cleared.
    const steps: PhaseResult[] = [];
    let knee = fixed.sustained ? fixed : undefined;
    for (const rate of fixed.sustained ? config.steps : stepsDownFrom(config.stepsDown, fixed)) {
      await bench.settle();
      const step = await bench.offer(next, rate, config.stepSeconds);
      step.loadAverage = loadAverage();
      next += step.events;
      steps.push(step);
      log(describePhase(`${name}: step`, step));
      if (fixed.sustained && !step.sustained) break;
      if (step.sustained) knee = step;
      if (!fixed.sustained && step.sustained) break;
    }
    let burst;
    if (config.burstDesigns.includes(name) && config.burstEvents > 0) {
      burst = await measureBurst(bench, stream, next, config.burstEvents, config.burstRate);
      next += burst.events;
      log(describeBurst(name, burst));
    }
    const loss = await bench.lost(SETTLE_TIMEOUT_MS);
    log(
      `${name}: ${loss.acknowledged} acknowledged, ${loss.ledgerRows} ledger rows, ${loss.missing} missing`,
    );
    return {
      name,
      fixed,
      duplicates,
      steps,
      knee,
      loss,
      loadAverage: { before: loadBefore, after: loadAverage() },
      ...(where ? { inside: where } : {}),
      ...(burst ? { burst } : {}),
      ...(actions ? { actions } : {}),
      ...(redis ? { redis } : {}),
    };
  } finally {
    sender.close();
    await bench.close();
    await design.stop();
  }
}

/** Up to `count` items evenly spaced over `items`: a sample from the whole phase, not its first second. */
function spread<T>(items: T[], count: number): T[] {
  const every = Math.max(1, Math.ceil(items.length / Math.max(1, count)));
  return items.filter((_, index) => index % every === 0).slice(0, count);
}

/**
 * Going down, the steps start at or under twice the rate the fixed phase committed (overloaded, a
 * design commits less than it could sustain): a step far above that only builds a backlog that
 * takes minutes to clear (the cluster here commits 5 to 10 ev/s).
 */
function stepsDownFrom(rates: number[], fixed: PhaseResult): number[] {
  const from = rates.findIndex((rate) => rate <= fixed.committedPerSecond * 2);
  return from === -1 ? rates.slice(-1) : rates.slice(from);
}

/** Temporal's metrics and Postgres's statistics now; `after` turns them into per-event figures. */
async function insideBefore(metricsUrl: string, databases: string[]) {
  const statements = await statementsAvailability(databases[0]!);
  const [metrics, stats] = await Promise.all([
    scrapeMetrics(metricsUrl),
    snapshotStats(databases, statements === 'available'),
  ]);
  return {
    async after(events: number) {
      // Postgres publishes a backend's statistics up to a second after its transaction ends.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const [metricsAfter, statsAfter] = await Promise.all([
        scrapeMetrics(metricsUrl),
        snapshotStats(databases, statements === 'available'),
      ]);
      return {
        temporal: clusterTime(metrics, metricsAfter, events),
        postgres: postgresActivity(stats, statsAfter, events, statements),
      };
    },
  };
}
