'use strict';

// What the room page asks the server (GET /chat/<room>/status): whether its
// handshake would be accepted, and why not (a browser reports a refused
// handshake only as code 1006), and the size limits a message is checked
// against before it is sent (a frame over WS_MAX_PAYLOAD would close the
// socket and be lost without a word).
window.RoomStatus = (function () {
  // The server's defaults until /status says otherwise.
  let limits = { maxPayload: 65536, maxMessageLength: 32768 };

  // Whether a handshake would be accepted, and the limits; null when unreachable.
  function fetchStatus(statusUrl) {
    return window
      .fetch(statusUrl, { cache: 'no-store' })
      .then(function (response) {
        return response.json();
      })
      .then(function (status) {
        limits = {
          maxPayload: status.maxPayload,
          maxMessageLength: status.maxMessageLength,
        };
        return status;
      })
      .catch(function () {
        return null;
      });
  }

  // Why `message` cannot be sent, or '': a frame over the socket's limit
  // would close the socket and be lost without a word.
  function tooLong(message, frame) {
    const bytes = new TextEncoder().encode(frame).length;
    if (bytes > limits.maxPayload) {
      return (
        'Message too long: ' +
        bytes +
        ' bytes, at most ' +
        limits.maxPayload +
        '. It was not sent.'
      );
    }
    if (message.length > limits.maxMessageLength) {
      return (
        'Message too long: ' +
        message.length +
        ' characters, at most ' +
        limits.maxMessageLength +
        '. It was not sent.'
      );
    }
    return '';
  }

  return { fetch: fetchStatus, tooLong: tooLong };
})();
