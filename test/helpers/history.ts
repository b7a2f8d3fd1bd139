import type { temporal as proto } from '@temporalio/proto';

type History = proto.api.history.v1.IHistory;

/** The history's event types in order, as the Web UI lists them (e.g. `MarkerRecorded`). */
export function eventTypes(history: History): string[] {
  return (history.events ?? []).map((event) => {
    const attributes = Object.keys(event).find(
      (key) => key.endsWith('EventAttributes') && event[key as keyof typeof event],
    );
    if (!attributes) throw new Error(`history event ${String(event.eventId)} has no attributes`);
    const name = attributes.slice(0, -'EventAttributes'.length);
    return name[0]!.toUpperCase() + name.slice(1);
  });
}

/**
 * The attempt each local activity's marker records. The SDK writes the marker's `data` as plain
 * JSON (never through the payload codec), so it is readable without the keys.
 */
export function localActivityAttempts(history: History): number[] {
  return (history.events ?? [])
    .map((event) => event.markerRecordedEventAttributes)
    .filter((marker) => marker?.markerName === 'core_local_activity')
    .map((marker) => {
      const payload = marker?.details?.data?.payloads?.[0];
      const data = JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8')) as {
        attempt?: number;
      };
      return data.attempt ?? 0;
    });
}

/** How many workflow tasks completed: each is one round trip between the server and a worker. */
export function workflowTasks(history: History): number {
  return eventTypes(history).filter((type) => type === 'WorkflowTaskCompleted').length;
}
