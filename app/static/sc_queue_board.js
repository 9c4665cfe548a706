/* The display board of the electronic queue (views/service_centre_queue.py): polls its small JSON endpoint every
   second with If-None-Match, so an idle poll is a 304; redraws the called and served tickets when they change and
   highlights a newly called number. No reload, no library. */
(function () {
  "use strict";
  var board = document.getElementById("scq-board");
  if (!board) { return; }
  var url = board.getAttribute("data-url");
  var etag = null;
  var seen = null;

  function rows(tbody, items, fresh) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    items.forEach(function (item) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-number", item.number);
      if (fresh && fresh[item.number]) { tr.className = "scq-fresh"; }
      var number = document.createElement("td");
      number.className = "scq-board-number";
      number.textContent = item.number;
      var win = document.createElement("td");
      win.className = "scq-board-window";
      win.textContent = item.window;
      tr.appendChild(number);
      tr.appendChild(win);
      tbody.appendChild(tr);
    });
  }

  function chime() {
    /* a short two-tone signal for a new call; silently nothing where the browser does not allow sound */
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      var audio = chime.audio || (chime.audio = new Context());
      [660, 880].forEach(function (frequency, i) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = frequency;
        gain.gain.value = 0.15;
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(audio.currentTime + i * 0.25);
        tone.stop(audio.currentTime + i * 0.25 + 0.2);
      });
    } catch (e) { /* no sound */ }
  }

  function draw(data) {
    var fresh = {};
    if (seen !== null) {
      data.called.forEach(function (item) { if (!seen[item.number + "@" + item.window]) { fresh[item.number] = true; } });
    }
    seen = {};
    data.called.forEach(function (item) { seen[item.number + "@" + item.window] = true; });
    if (Object.keys(fresh).length) { chime(); }
    rows(document.getElementById("scq-called"), data.called, fresh);
    rows(document.getElementById("scq-serving"), data.serving, null);
    document.getElementById("scq-waiting").textContent = data.waiting;
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url, true);
    if (etag) { request.setRequestHeader("If-None-Match", etag); }
    request.onload = function () {
      document.getElementById("scq-offline").hidden = true;
      if (request.status === 200) {
        etag = request.getResponseHeader("ETag");
        try { draw(JSON.parse(request.responseText)); } catch (e) { /* a broken answer: the next poll */ }
        board.setAttribute("data-version", etag || "");
      }
      setTimeout(poll, 1000);
    };
    request.onerror = function () {
      document.getElementById("scq-offline").hidden = false;
      setTimeout(poll, 3000);
    };
    request.send();
  }
  poll();
}());
