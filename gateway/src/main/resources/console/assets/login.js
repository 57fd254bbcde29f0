'use strict';
// Shows a refused login, and keeps the key for this tab: the console sends it to the worker API on actions.
(function () {
  if (new URLSearchParams(location.search).has('denied')) document.getElementById('denied').hidden = false;
  document.getElementById('login').addEventListener('submit', function () {
    try { sessionStorage.setItem('switchboard.adminKey', document.getElementById('key').value); } catch (e) { /* storage off */ }
  });
})();
