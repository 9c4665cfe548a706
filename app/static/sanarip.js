/* The layout's behaviour: the side navigation's menu button (docked and collapsible on a wide screen, an
   off-canvas panel on a narrow one) and its groups, each remembered in localStorage. No framework needed. */
(function () {
  "use strict";
  var root = document.documentElement;
  var nav = document.getElementById("sn-sidenav");
  var toggle = document.getElementById("sn-menu-toggle");
  var backdrop = document.getElementById("sn-backdrop");
  if (!nav || !toggle) { return; }
  var narrow = window.matchMedia("(max-width: 1099px)");

  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  function expanded() {
    return narrow.matches ? root.classList.contains("sn-open") : !root.classList.contains("sn-collapsed");
  }
  function sync() {
    toggle.setAttribute("aria-expanded", expanded() ? "true" : "false");
    if (backdrop) { backdrop.hidden = !(narrow.matches && root.classList.contains("sn-open")); }
  }
  function close() { root.classList.remove("sn-open"); sync(); }

  toggle.addEventListener("click", function () {
    if (narrow.matches) {
      root.classList.toggle("sn-open");
      if (root.classList.contains("sn-open")) {
        var current = nav.querySelector(".sn-current") || nav.querySelector("a, button");
        if (current) { current.focus(); }
      }
    } else {
      root.classList.toggle("sn-collapsed");
      store("sanarip.nav", root.classList.contains("sn-collapsed") ? "collapsed" : "open");
    }
    sync();
  });
  if (backdrop) { backdrop.addEventListener("click", close); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && root.classList.contains("sn-open")) { close(); toggle.focus(); }
  });
  if (narrow.addEventListener) { narrow.addEventListener("change", function () { close(); }); }

  // groups: the current page's group is open; others open as the user left them
  var opened = {};
  try { opened = JSON.parse(read("sanarip.nav.groups") || "{}") || {}; } catch (e) { opened = {}; }
  Array.prototype.forEach.call(nav.querySelectorAll(".sn-group"), function (group) {
    var button = group.querySelector(".sn-group-toggle");
    var list = group.querySelector(".sn-items");
    var key = group.getAttribute("data-group");
    function set(open) {
      list.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    if (!group.classList.contains("sn-active") && opened[key]) { set(true); }
    button.addEventListener("click", function () {
      var open = list.hidden;
      set(open);
      if (open) { opened[key] = 1; } else { delete opened[key]; }
      store("sanarip.nav.groups", JSON.stringify(opened));
    });
  });
  sync();
}());
