// The webhook receiver of `npm run bench:alerts`, in its own process so that it does not
// share an event loop with the engine it measures. Records when each check's alert arrives.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const received = new Map<string, number>();
let duplicates = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const code = req.url?.split('/').pop() ?? '';
    if (received.has(code)) duplicates++;
    else received.set(code, Date.now());
    res.writeHead(200).end('OK');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'count') process.send?.({ count: received.size, duplicates });
  if (message.type === 'report') process.send?.({ received: [...received], duplicates });
  if (message.type === 'reset') {
    received.clear();
    duplicates = 0;
    process.send?.({ reset: true });
  }
  if (message.type === 'exit') server.close(() => process.exit(0));
});
