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
    // An Enter that confirms an IME composition (Korean, Japanese) is not a
    // submit; Chromium and Safari report some of those only as keyCode 229.
    if (event.key === 'Enter' && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      enter();
    }
  });
  submit.addEventListener('click', enter);
})();
