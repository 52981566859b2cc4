import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The chat on Socket.IO 4 with the Redis adapter: a client names its room in
 * the handshake query (`?room=`), emits `chat` {message}; the room, sender
 * included, gets `chat` {message}.
 * Usage: node socketio-server.js <port> <redis-url>
 */
const [port, redisUrl] = [Number(process.argv[2]), process.argv[3]];
const pub = new Redis(redisUrl);
const sub = pub.duplicate();
const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  maxHttpBufferSize: 65_536,
  adapter: createAdapter(pub, sub),
});

io.on('connection', (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room !== 'string') {
    socket.disconnect(true);
    return;
  }
  void socket.join(room);
  socket.on('chat', (frame: unknown) => {
    const message = (frame as { message?: unknown } | null)?.message;
    if (typeof message === 'string') {
      io.to(room).emit('chat', { message });
    }
  });
});

http.listen(port, '127.0.0.1');

// Exit normally on SIGTERM, so that --cpu-prof writes its profile.
process.once('SIGTERM', () => process.exit(0));
