// Search box suggestions: a progressive enhancement of the plain search form.
// Fetches /search/autocomplete/?q=… as the shopper types and offers product names as an
// accessible listbox (arrow keys, Enter, Escape, mouse); options are text, the script follows them. Without JavaScript the form works as is.
(function () {
  "use strict";
  var DELAY_MS = 150;
  var counter = 0;

  function enhance(input) {
    var url = input.getAttribute("data-autocomplete-url");
    if (!url || !window.fetch) return;
    var listId = "search-suggestions-" + (++counter);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var timer = null, active = -1, lastQuery = "", controller = null;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function select(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(results) {
      list.innerHTML = "";
      active = -1;
      results.forEach(function (result, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        // An option holds plain text: a link inside it would be a control inside a control.
        li.textContent = result.name;
        li.setAttribute("data-url", result.url);
        li.addEventListener("click", function () { window.location.assign(result.url); });
        list.appendChild(li);
      });
      var open = results.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function lookup() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 2) { close(); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === query) render(data.results || []); })
        .catch(function () { /* aborted or offline: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); select(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); select(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(options()[active].getAttribute("data-url"));
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  function init() {
    document.querySelectorAll("input[data-autocomplete-url]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
