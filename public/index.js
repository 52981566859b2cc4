'use strict';

// The tutorial's room picker: Enter or the button opens /chat/<room>/.
(function () {
  const input = document.querySelector('#room-name-input');
  const submit = document.querySelector('#room-name-submit');

  function enter() {
    const roomName = input.value.trim();
    if (roomName === '') {
      input.focus();
      return;
    }
    window.location.pathname = '/chat/' + encodeURIComponent(roomName) + '/';
  }

  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      event.preventDefault();
      enter();
    }
  });
  submit.addEventListener('click', enter);
})();
