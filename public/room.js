'use strict';

// The tutorial's room page: one WebSocket to /ws/chat/<room>/, each received
// message appended to #chat-log. On top of the tutorial: the connection state
// is shown, the socket reconnects with capped exponential backoff, messages
// typed while it is not open are queued and sent once it opens, the log
// survives a reload of the page (sessionStorage, per room), a refused
// handshake shows why (asked of /chat/<room>/status: a browser only reports
// code 1006), a message too long for the socket is held back with a note,
// new messages are announced to screen readers, and with room history on the
// server (frames with an "id") the page asks for the recent messages when it
// first opens and for those it missed (?since=<last id>) when it reconnects
// or reloads, showing each once and a note when some could not be recovered.
(function () {
  const RoomStatus = window.RoomStatus;
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const LOG_MAX_CHARS = 100000;
  const ANNOUNCED_MAX = 20;
  const HISTORY_ON_OPEN = 50;
  const HISTORY_ID = /^\d+-\d+$/;

  const segment = window.location.pathname.split('/')[2] || '';
  const roomName = decodeURIComponent(segment);
  const storageKey = 'chat-log:' + roomName;
  const lastIdKey = 'chat-last-id:' + roomName;
  const scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
  const socketUrl =
    scheme +
    window.location.host +
    '/ws/chat/' +
    encodeURIComponent(roomName) +
    '/';
  const statusUrl =
    '/chat/' +
    encodeURIComponent(roomName) +
    '/status?origin=' +
    encodeURIComponent(window.location.origin);

  const chatLog = document.querySelector('#chat-log');
  const input = document.querySelector('#chat-message-input');
  const submit = document.querySelector('#chat-message-submit');
  const state = document.querySelector('#connection-state');
  const errorLine = document.querySelector('#chat-error');
  const announcer = document.querySelector('#chat-announcer');
  const notice = document.querySelector('#chat-notice');

  const pending = [];
  let socket = null;
  let attempt = 0;
  // The id of the newest message shown: the server's history resumes after it.
  let lastId = readStored(lastIdKey);
  if (!HISTORY_ID.test(lastId)) {
    lastId = '';
  }

  document.querySelector('#room-title').textContent = roomName;
  document.title = roomName + ' · Chat room';

  function readStored(key) {
    try {
      return window.sessionStorage.getItem(key) || '';
    } catch {
      return '';
    }
  }

  function store(key, text) {
    try {
      window.sessionStorage.setItem(key, text);
    } catch {
      // Storage full or disabled: the log still works for this page's life.
    }
  }

  // Ids are "<epoch>-<sequence>", compared as numbers.
  function isNewer(id, than) {
    const a = id.split('-').map(BigInt);
    const b = than.split('-').map(BigInt);
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  }

  function historyQuery() {
    return lastId
      ? '?since=' + encodeURIComponent(lastId)
      : '?history=' + HISTORY_ON_OPEN;
  }

  // A message with an id is shown once: history and live can overlap only
  // in ids the page has already shown.
  function receiveMessage(data) {
    if (typeof data.id === 'string' && HISTORY_ID.test(data.id)) {
      if (lastId && !isNewer(data.id, lastId)) {
        return;
      }
      lastId = data.id;
      store(lastIdKey, lastId);
    }
    appendToLog(data.message);
  }

  function appendToLog(text) {
    let log = chatLog.value + text + '\n';
    if (log.length > LOG_MAX_CHARS) {
      log = log.slice(log.length - LOG_MAX_CHARS);
    }
    chatLog.value = log;
    chatLog.scrollTop = chatLog.scrollHeight;
    store(storageKey, log);
    announce(text);
  }

  // The textarea keeps the whole log; this live region (role="log") holds the
  // latest lines for screen readers, which do not read a textarea's changes.
  function announce(text) {
    const line = document.createElement('p');
    line.textContent = text;
    announcer.append(line);
    while (announcer.childElementCount > ANNOUNCED_MAX) {
      announcer.firstElementChild.remove();
    }
  }

  function showState(name, label) {
    state.dataset.state = name;
    state.textContent = label;
  }

  function showError(text) {
    errorLine.textContent = text;
    errorLine.hidden = text === '';
  }

  // After a socket closed before it opened: show the refusal's reason, and
  // stop for one that retrying cannot fix (a bad room, a refused origin).
  function handleRefusal() {
    RoomStatus.fetch(statusUrl).then(function (status) {
      if (status && !status.ok) {
        showError(status.reason);
        if (!status.retry) {
          showState('refused', 'not connected');
          return;
        }
      }
      scheduleReconnect();
    });
  }

  function flushPending() {
    while (
      pending.length > 0 &&
      socket &&
      socket.readyState === WebSocket.OPEN
    ) {
      socket.send(pending.shift());
    }
  }

  function scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    attempt += 1;
    showState(
      'reconnecting',
      'reconnecting in ' + Math.ceil(delay / 1000) + ' s…',
    );
    window.setTimeout(connect, delay);
  }

  function connect() {
    showState('connecting', 'connecting…');
    socket = new WebSocket(socketUrl + historyQuery());
    let opened = false;

    socket.addEventListener('open', function () {
      opened = true;
      attempt = 0;
      showState('open', 'connected');
      showError('');
      flushPending();
    });

    socket.addEventListener('message', function (event) {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (typeof data.message === 'string') {
        receiveMessage(data);
      } else if (data.recovered === false) {
        notice.textContent =
          'Some messages sent while this page was away could not be recovered.';
        notice.hidden = false;
      } else if (typeof data.error === 'string') {
        showError(data.detail || data.error);
      }
    });

    socket.addEventListener('close', function () {
      socket = null;
      if (opened) {
        scheduleReconnect();
      } else {
        handleRefusal();
      }
    });
  }

  function sendMessage() {
    const message = input.value;
    if (message === '') {
      return;
    }
    const frame = JSON.stringify({ message: message });
    const problem = RoomStatus.tooLong(message, frame);
    showError(problem);
    if (problem !== '') {
      return;
    }
    pending.push(frame);
    input.value = '';
    input.focus();
    flushPending();
  }

  input.addEventListener('keydown', function (event) {
    // An Enter that confirms an IME composition (Korean, Japanese) is not a
    // send; Chromium and Safari report some of those only as keyCode 229.
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendMessage();
    }
  });
  submit.addEventListener('click', sendMessage);

  chatLog.value = readStored(storageKey);
  chatLog.scrollTop = chatLog.scrollHeight;
  RoomStatus.fetch(statusUrl);
  connect();
})();
