import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The raw limit: the tutorial's chat on a bare `ws` server, rooms in a Map,
 * no channel layer. Same URL and frames as the app.
 * Usage: node raw-ws-server.js <port>
 */
const port = Number(process.argv[2]);
const ROOM_PATH = /^\/ws\/chat\/([^/]+)\/$/;
const rooms = new Map<string, Set<WebSocket>>();
const server = new WebSocketServer({
  host: '127.0.0.1',
  port,
  maxPayload: 65_536,
});

server.on('connection', (socket, request) => {
  const room = ROOM_PATH.exec(request.url ?? '')?.[1];
  if (room === undefined) {
    socket.close(1008, 'No such path');
    return;
  }
  const members = rooms.get(room) ?? new Set<WebSocket>();
  rooms.set(room, members);
  members.add(socket);
  socket.on('close', () => {
    members.delete(socket);
    if (members.size === 0) {
      rooms.delete(room);
    }
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse((data as Buffer).toString());
    } catch {
      return;
    }
    const message = (frame as { message?: unknown } | null)?.message;
    if (typeof message !== 'string') {
      return;
    }
    const out = JSON.stringify({ message });
    for (const member of members) {
      member.send(out);
    }
  });
});

// Exit normally on SIGTERM, so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0));
