/**
 * The report's sections for someone sizing a deployment: the burst, the broker's work per event
 * (Temporal Cloud Actions and what they cost, Redis commands), and how many cores a renewal burst needs.
 */
import type { BenchReport, DesignResult } from './report-types';
import { labelOf } from './labels';
import { appCpu, brokerCpu, totalCpu } from './roles';
import { round } from './stats';

/** Issue 12's example of a monthly renewal burst: 60,000 events within an hour. */
const RENEWAL_EVENTS = 60_000;
const RENEWAL_SECONDS = 3600;
/**
 * Size each core for 70 % busy, not 100 %: garbage collection, retries and events arriving unevenly
 * within the hour take the rest, and a core at 100 % queues everything behind it.
 */
const CORE_BUSY_TARGET = 0.7;

const f = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) || !Number.isFinite(value) ? '–' : String(round(value, digits));

export function renderBurst(designs: DesignResult[]): string[] {
  const bursts = designs.filter((d) => d.burst);
  if (bursts.length === 0) return [];
  return [
    '',
    '## Burst',
    '',
    '| design | offered | rate ev/s | acknowledged | refused | ack p50 ms | ack p99 ms | lost | doubled | drain s | committed ev/s | CPU ms/event |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...bursts.map(({ name, burst: b }) => {
      const cpu = Object.values(b!.cpuMsPerEvent).reduce((x, y) => x + y, 0);
      return (
        `| ${name} | ${b!.events} | ${b!.offeredRate} | ${b!.acknowledged} | ${b!.refused} | ${f(b!.ackMs.p50)} | ` +
        `${f(b!.ackMs.p99)} | ${b!.lost} | ${b!.doubled} | ${f(b!.drainMs / 1000)} | ${f(b!.committedPerSecond)} | ${f(cpu, 2)} |`
      );
    }),
    '',
    'Lost: acknowledged, and no ledger row once the backlog had 10 minutes to clear. Doubled: ledger rows',
    "beyond one per event, plus rows of the events' business tables beyond one per event. Drain: from the last",
    "send to the last acknowledged event's ledger row.",
  ];
}

export function renderBrokerWork(designs: DesignResult[]): string[] {
  const temporalOnes = designs.filter((d) => d.actions);
  const queue = designs.find((d) => d.redis);
  if (temporalOnes.length === 0 && !queue) return [];
  const lines = ['', "## The broker's work per event (fixed phase)", ''];
  if (temporalOnes.length > 0) {
    const price = temporalOnes[0]!.actions!.usdPerMillionActions;
    lines.push(
      '| design | histories read | Actions per event | of which start / activities / local activities / upserts / timers / signals | history events per event | workflow tasks per event | Temporal Cloud USD per million Stripe events |',
      '| --- | ---: | ---: | --- | ---: | ---: | ---: |',
      ...temporalOnes.map(({ name, actions: a }) => {
        const k = a!.byKindPerEvent;
        return (
          `| ${name} | ${a!.workflows} | ${a!.actionsPerEvent} | ${k.start} / ${k.activities} / ${k.localActivities} / ` +
          `${k.upserts} / ${k.timers} / ${k.signals} | ${a!.historyEventsPerEvent} | ${a!.workflowTasksPerEvent} | ${a!.usdPerMillionEvents} |`
        );
      }),
      '',
      `Actions counted from the histories by Temporal Cloud's rules (bench/lib/actions.ts), priced at USD ${price} per`,
      'million Actions, the Pay-As-You-Go first tier (https://docs.temporal.io/cloud/pricing, read 2026-12-03);',
      'plan fees and storage are extra. Workflow tasks are not billed, but each costs CPU in the worker and the server.',
    );
  }
  if (queue?.redis) {
    const r = queue.redis;
    lines.push(
      '',
      `Queue design: Redis executed ${r.executedPerEvent} command calls per event (BullMQ's Lua scripts' inner calls ` +
        'included); the most frequent: ' +
        Object.entries(r.topPerEvent)
          .map(([command, calls]) => `${command} ${calls}`)
          .join(', ') +
        '. The local Redis is shared, so these are ceilings.',
    );
  }
  return lines;
}

/** Events per second one core of a role keeps up with, from its CPU per event. */
const perCore = (ms: number | undefined) => (ms === undefined || ms <= 0 ? undefined : 1000 / ms);

export function renderCapacity(designs: BenchReport['designs']): string[] {
  const roles: [string, number | undefined][] = [];
  const app = (d: DesignResult) =>
    d.fixed.cpuMsPerEvent.combined === undefined ? 'ingress + worker' : 'combined process (ingress + worker)';
  for (const d of [designs.temporal, designs['temporal-split'], designs['temporal-cluster']]) {
    if (!d) continue;
    const where = labelOf(d);
    if (d.fixed.cpuMsPerEvent.combined === undefined) {
      roles.push([`${where}: ingress alone`, d.fixed.cpuMsPerEvent.ingress]);
      roles.push([`${where}: worker alone`, d.fixed.cpuMsPerEvent.worker]);
    }
    roles.push([`${where}: ${app(d)}`, appCpu(d)]);
    roles.push([
      `${where}: ${d.name === 'temporal-cluster' ? 'temporal-server' : 'dev server'}`,
      brokerCpu(d),
    ]);
    roles.push([`${where}: everything (processes, server, Postgres)`, totalCpu(d.fixed)]);
  }
  if (roles.length === 0) return [];
  const averageRate = RENEWAL_EVENTS / RENEWAL_SECONDS;
  return [
    '',
    '## Capacity',
    '',
    `From CPU per event in the fixed phase (events/s per core = 1000 ÷ CPU ms per event). A renewal burst of ` +
      `${RENEWAL_EVENTS.toLocaleString('en')} events in an hour averages ${f(averageRate)} events/s; the cores column ` +
      `sizes each role for that average with every core ${CORE_BUSY_TARGET * 100} % busy. The ingress acknowledges ` +
      'as fast as it can start workflows and the backlog waits in Temporal, so a burst that arrives faster than the ' +
      'average costs time to work off, not lost events: n cores of a role work off 60,000 events in ' +
      '60,000 ÷ (n × events/s per core) seconds.',
    '',
    '| role | CPU ms per event | events/s per core | cores for 60,000 events/hour |',
    '| --- | ---: | ---: | ---: |',
    ...roles.map(([role, ms]) => {
      const rate = perCore(ms);
      const cores = rate === undefined ? undefined : Math.ceil(averageRate / (rate * CORE_BUSY_TARGET));
      return `| ${role} | ${f(ms, 3)} | ${f(rate, 0)} | ${cores ?? '–'} |`;
    }),
  ];
}
