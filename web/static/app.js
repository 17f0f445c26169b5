// Plexus dashboard: confirmations, selections and live updates over
// Server-Sent Events. Pages work without it; it only adds to them.
(function () {
  "use strict";

  // Forms marked data-confirm ask first.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute("data-confirm");
    if (!msg && ev.submitter && ev.submitter.form) {
      msg = ev.submitter.form.getAttribute("data-confirm");
    }
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  // A select-all box checks the boxes of its table.
  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!box.classList || !box.classList.contains("select-all")) {
      return;
    }
    var table = box.closest("table");
    table.querySelectorAll("tbody input[type=checkbox]").forEach(function (b) {
      b.checked = box.checked;
    });
  });

  var rows = document.getElementById("message-rows");
  var channels = document.getElementById("channels");
  var source = (rows && rows.getAttribute("data-live")) || (channels && channels.getAttribute("data-live"));
  if (!source || !window.EventSource) {
    return;
  }
  var state = document.getElementById("live-state");
  var es = new EventSource(source);
  es.onopen = function () {
    if (state) { state.className = "live-dot on"; state.textContent = "live"; }
  };
  es.onerror = function () {
    if (state) { state.className = "live-dot off"; state.textContent = "reconnecting"; }
  };

  function cell(text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    td.textContent = text || "";
    return td;
  }

  if (rows) {
    es.addEventListener("message", function (ev) {
      var m = JSON.parse(ev.data);
      var empty = rows.querySelector(".empty-row");
      if (empty) { empty.remove(); }
      var tr = document.createElement("tr");
      tr.className = "new";
      var id = cell("", "num");
      var a = document.createElement("a");
      a.href = "/ui/messages/" + encodeURIComponent(m.id);
      a.textContent = m.id;
      id.appendChild(a);
      tr.appendChild(id);
      tr.appendChild(cell(m.received));
      tr.appendChild(cell(m.channel));
      tr.appendChild(cell(m.type));
      tr.appendChild(cell(m.control_id));
      tr.appendChild(cell(m.sender));
      tr.appendChild(cell(m.patient_id));
      var st = cell("");
      var badge = document.createElement("span");
      badge.className = "badge st-" + m.status;
      badge.textContent = m.status;
      st.appendChild(badge);
      tr.appendChild(st);
      tr.appendChild(cell(m.error, "err"));
      rows.insertBefore(tr, rows.firstChild);
    });
    es.addEventListener("more", function () {
      var n = document.getElementById("more-notice");
      if (n) { n.hidden = false; }
    });
  }

  function setField(scope, name, value) {
    var el = scope.querySelector('[data-field="' + name + '"]');
    if (!el || el.querySelector("a")) {
      return;
    }
    var text = value === undefined || value === null ? "" : String(value);
    if (el.textContent !== text) {
      el.textContent = text;
      el.classList.add("changed");
      setTimeout(function () { el.classList.remove("changed"); }, 1200);
    }
  }

  if (channels) {
    es.addEventListener("channels", function (ev) {
      JSON.parse(ev.data).forEach(function (c) {
        var card = channels.querySelector('[data-channel="' + CSS.escape(c.name) + '"]');
        if (!card) { return; }
        Object.keys(c.counters).forEach(function (k) { setField(card, k, c.counters[k]); });
        setField(card, "queued", c.queued);
        setField(card, "dead", c.dead);
        var badge = card.querySelector('[data-field="state"]');
        if (badge && badge.textContent !== c.state) {
          badge.textContent = c.state;
          badge.className = "badge state-" + c.state;
        }
        c.destinations.forEach(function (d) {
          var row = card.querySelector('[data-destination="' + CSS.escape(d.name) + '"]');
          if (!row) { return; }
          setField(row, "pending", d.pending);
          setField(row, "dead", d.dead);
          setField(row, "oldest_age", d.oldest_age);
        });
      });
    });
  }

  es.addEventListener("alerts", function (ev) {
    var count = document.getElementById("alert-count");
    if (!count) { return; }
    var n = JSON.parse(ev.data).length;
    count.textContent = n;
    count.hidden = n === 0;
  });
})();
