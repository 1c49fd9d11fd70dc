/* Live updates on the agent's ticket page (templates/live/_ticket_live.html, docs/live.md).
   - Presence: the heartbeat form says "replying" while the reply box has focus or unsent text,
     "viewing" otherwise, and posts at once when that changes.
   - Refreshes wait while the agent is working inside the fragment they would replace. */
(function () {
  if (window.helplineLive) return;
  var COMPOSER = 'textarea[data-composer], [data-composer] textarea, textarea[name="body"]';
  var pending = {};
  var last = null;

  function isComposer(el) {
    return !!(el && el.matches && el.matches(COMPOSER));
  }

  function currentState() {
    var boxes = document.querySelectorAll(COMPOSER);
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i] === document.activeElement || boxes[i].value.trim() !== '') return 'replying';
    }
    return 'viewing';
  }

  function announce() {
    var form = document.querySelector('form[data-live-presence]');
    if (form && window.htmx && currentState() !== last) htmx.trigger(form, 'live:state');
  }

  function flushRefreshes() {
    Object.keys(pending).forEach(function (id) {
      var panel = document.getElementById(id);
      if (panel && panel.contains(document.activeElement)) return;
      delete pending[id];
      var refresher = document.querySelector('[data-live-refresh="' + id + '"]');
      if (refresher && window.htmx) htmx.trigger(refresher, 'live:refresh');
    });
  }

  document.addEventListener('focusin', function (evt) {
    if (isComposer(evt.target)) announce();
  });
  document.addEventListener('input', function (evt) {
    if (isComposer(evt.target)) announce();
  });
  document.addEventListener('focusout', function (evt) {
    // Focus moves after focusout: look once it has landed.
    setTimeout(function () {
      if (isComposer(evt.target)) announce();
      flushRefreshes();
    }, 0);
  });
  // Every heartbeat (and a reply sent, which empties the box) reports the state as it is now.
  document.addEventListener('htmx:configRequest', function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.matches && elt.matches('form[data-live-presence]')) {
      last = currentState();
      evt.detail.parameters.state = last;
    }
  });
  document.addEventListener('htmx:afterSwap', function () {
    setTimeout(announce, 0);
  });

  // A stream that reconnects (server restart, network) may have missed changes: catch up.
  document.addEventListener('htmx:sseOpen', function (evt) {
    var elt = evt.target;
    if (!elt.hasAttribute('data-live-opened')) {
      elt.setAttribute('data-live-opened', '');
      return;
    }
    ['conversation', 'ticket-fields'].forEach(function (id) {
      if (window.helplineLive.mayRefresh(id)) {
        var refresher = document.querySelector('[data-live-refresh="' + id + '"]');
        if (refresher) htmx.trigger(refresher, 'live:refresh');
      }
    });
  });

  window.helplineLive = {
    /* False (and refresh later) while focus is inside the element this would replace. */
    mayRefresh: function (id) {
      var panel = document.getElementById(id);
      if (panel && panel.contains(document.activeElement)) {
        pending[id] = true;
        return false;
      }
      return true;
    }
  };
})();
