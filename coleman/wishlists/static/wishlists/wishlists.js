// Enhances "Save to wishlist": save with fetch and say so in place. Without this file the
// product page's form posts and the server redirects back; a card's form (cards are cached
// for everyone, so they hold no CSRF token) opens the page where the list is chosen.
// A click posts with the token of the form or of the csrftoken cookie; when the customer has
// several lists, or must log in, or anything else goes wrong, the browser goes where the
// server says (or, for a card, follows the form to its page).
(function () {
  "use strict";

  if (window.__colemanWishlists) return; // the script may be on a page more than once
  window.__colemanWishlists = true;

  var FAILED = "Sorry, we could not save it to your wishlist. Please try again.";

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function setStatus(status, text, kind) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-success", kind === "success");
  }

  function enhance(form) {
    var status = form.querySelector("[data-wishlist-status]");
    var isCard = form.hasAttribute("data-wishlist-card");
    form.addEventListener("submit", function (event) {
      var token = csrfToken(form);
      if (!token) return; // no token: let the form do its plain work
      event.preventDefault();
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      var body = new FormData(form);
      if (isCard) body.append("next", window.location.pathname + window.location.search);
      var fallback = isCard ? form.action + "?" + new URLSearchParams(new FormData(form)).toString() : null;
      setStatus(status, "Saving…", null);
      fetch(form.action, {
        method: "POST",
        body: body,
        headers: { Accept: "application/json", "X-CSRFToken": token },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (data) {
            if (data && data.login_url) { window.location.assign(data.login_url); return; }
            if (data && data.choose_url) { window.location.assign(data.choose_url); return; }
            if (response.status === 403 && fallback) { window.location.assign(fallback); return; }
            if (!response.ok || !data || !data.ok) {
              setStatus(status, (data && data.error) || FAILED, "error");
              return;
            }
            setStatus(status, data.message, "success");
          });
        })
        .catch(function () {
          setStatus(status, FAILED + " (Are you online?)", "error");
        })
        .finally(function () {
          form.removeAttribute("aria-busy");
        });
    });
  }

  function init() {
    if (!window.fetch || !window.FormData || !window.URLSearchParams) return;
    document.querySelectorAll("[data-wishlist-save]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
