import { Redis } from "ioredis";
import { z } from "zod";
import type { RunEvent } from "../../../lib/run/events";
import type { AccessChange, AccessNotices, EventBus } from "./ports";

/** What travels on the channel; parsed on the way in, as anything from outside the process. */
const eventsMessage = z.object({
  workspaceId: z.string().min(1),
  events: z.array(z.object({ runId: z.string(), seq: z.number().int().positive(), type: z.string() }).passthrough()),
});
const accessMessage = z.object({
  access: z.union([z.object({ userId: z.string().min(1) }), z.object({ sessionId: z.string().min(1) })]),
});
const messageSchema = z.union([eventsMessage, accessMessage]);

/**
 * Scale-out's event bus: committed events go through a Redis channel, so every process (the
 * web processes serving sockets, the workers holding attempts) hears every run's events in
 * commit order. A process hears its own events through Redis too, never twice. Access
 * changes travel on the same channel.
 */
export async function redisBus(
  url: string,
  channel = "switchyard:events",
): Promise<EventBus & AccessNotices & { close(): Promise<void> }> {
  const publisher = new Redis(url, { maxRetriesPerRequest: null });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const listeners = new Set<(events: RunEvent[], workspaceId: string) => void>();
  const accessListeners = new Set<(change: AccessChange) => void>();
  subscriber.on("message", (_, raw: string) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = messageSchema.safeParse(json);
    if (!parsed.success) return console.error(`ignored a malformed message on ${channel}`);
    if ("access" in parsed.data) {
      for (const listener of accessListeners) listener(parsed.data.access);
      return;
    }
    const events = parsed.data.events as unknown as RunEvent[];
    for (const listener of listeners) listener(events, parsed.data.workspaceId);
  });
  await subscriber.subscribe(channel);
  const send = (message: z.input<typeof messageSchema>) =>
    void publisher.publish(channel, JSON.stringify(message)).catch((error) => console.error(error));
  return {
    publish(events, workspaceId) {
      send({ workspaceId, events });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publishAccessChange(change) {
      send({ access: change });
    },
    subscribeAccessChanges(listener) {
      accessListeners.add(listener);
      return () => accessListeners.delete(listener);
    },
    async close() {
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
