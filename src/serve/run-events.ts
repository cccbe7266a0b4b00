import type { IncomingMessage, ServerResponse } from 'node:http';
import { openEventStream } from './http-io.js';
import type { ServedRun } from './served-run.js';

/**
 * `GET /runs/<id>/events`: server-sent events of one run. First its status (`state`), then `tick` with the
 * live figures, `state` on each change and `done` with the final status, after which the stream ends; a
 * `: keep-alive` comment every `heartbeatMs`. A client that goes away only unsubscribes: the run goes on.
 */
export function streamRunEvents(run: ServedRun, req: IncomingMessage, res: ServerResponse, streams: Set<ServerResponse>, heartbeatMs: number): void {
  const send = openEventStream(res);
  send('state', run.status());
  if (!run.active) {
    send('done', run.status());
    res.end();
    return;
  }
  streams.add(res);
  const unsubscribe = run.subscribe((event) => {
    send(event.event, event.data);
    if (event.event === 'done') res.end();
  });
  // A comment line now and then: proxies close a stream that stays silent (a pre-check may take minutes).
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  const forget = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(res);
  };
  req.on('close', forget);
  res.on('close', forget);
}
