'use strict';

// The tutorial's room page: one WebSocket to /ws/chat/<room>/, each received
// message appended to #chat-log. On top of the tutorial: the connection state
// is shown, the socket reconnects with capped exponential backoff, messages
// typed while it is not open are queued and sent once it opens, and the log
// survives a reload of the page (sessionStorage, per room).
(function () {
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const LOG_MAX_CHARS = 100000;

  const segment = window.location.pathname.split('/')[2] || '';
  const roomName = decodeURIComponent(segment);
  const storageKey = 'chat-log:' + roomName;
  const scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
  const socketUrl =
    scheme +
    window.location.host +
    '/ws/chat/' +
    encodeURIComponent(roomName) +
    '/';

  const chatLog = document.querySelector('#chat-log');
  const input = document.querySelector('#chat-message-input');
  const submit = document.querySelector('#chat-message-submit');
  const state = document.querySelector('#connection-state');
  const errorLine = document.querySelector('#chat-error');

  const pending = [];
  let socket = null;
  let attempt = 0;

  document.querySelector('#room-title').textContent = roomName;
  document.title = roomName + ' · Chat room';

  function readStoredLog() {
    try {
      return window.sessionStorage.getItem(storageKey) || '';
    } catch {
      return '';
    }
  }

  function storeLog(text) {
    try {
      window.sessionStorage.setItem(storageKey, text);
    } catch {
      // Storage full or disabled: the log still works for this page's life.
    }
  }

  function appendToLog(text) {
    let log = chatLog.value + text + '\n';
    if (log.length > LOG_MAX_CHARS) {
      log = log.slice(log.length - LOG_MAX_CHARS);
    }
    chatLog.value = log;
    chatLog.scrollTop = chatLog.scrollHeight;
    storeLog(log);
  }

  function showState(name, label) {
    state.dataset.state = name;
    state.textContent = label;
  }

  function showError(text) {
    errorLine.textContent = text;
    errorLine.hidden = text === '';
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
    socket = new WebSocket(socketUrl);

    socket.addEventListener('open', function () {
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
        appendToLog(data.message);
      } else if (typeof data.error === 'string') {
        showError(data.detail || data.error);
      }
    });

    socket.addEventListener('close', function () {
      socket = null;
      scheduleReconnect();
    });
  }

  function sendMessage() {
    const message = input.value;
    if (message === '') {
      return;
    }
    pending.push(JSON.stringify({ message: message }));
    input.value = '';
    input.focus();
    flushPending();
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      event.preventDefault();
      sendMessage();
    }
  });
  submit.addEventListener('click', sendMessage);

  chatLog.value = readStoredLog();
  chatLog.scrollTop = chatLog.scrollHeight;
  connect();
})();
